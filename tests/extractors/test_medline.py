"""MEDLINE text parsing: field mapping, wrapped values, the error contract, real files."""

from __future__ import annotations

import gzip
import io
import textwrap
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractors.markup import normalise_text
from extractors.medline import CORRECTION_TAGS, MedlineParseError, parse_medline
from extractors.records import CommentCorrection

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "pubmed"
NBIB = FIXTURES / "ivf_trials.nbib"


@pytest.fixture(scope="module")
def by_pmid():
    return {article.pmid: article for article in parse_medline(NBIB)}


def test_fixture_yields_three_records_in_order():
    assert [a.pmid for a in parse_medline(NBIB)] == ["39990011", "39990012", "39990013"]


def test_structured_trial_fills_every_field(by_pmid):
    article = by_pmid["39990011"]
    assert article.title == ("Intralipid infusion before frozen embryo transfer in women with "
                             "recurrent implantation failure: a randomised controlled trial.")
    assert article.journal == "Journal of assisted reproduction trials"
    assert article.year == 2025
    assert article.entry_date == date(2025, 1, 11)
    assert article.create_date == date(2025, 1, 10)
    assert article.revised_date == date(2025, 6, 15)
    assert article.publication_types == (
        "Journal Article", "Randomized Controlled Trial", "Retracted Publication")
    assert article.mesh_terms == ("Adult", "Embryo Transfer", "Fat Emulsions, Intravenous",
                                  "Female", "Pregnancy Rate")
    assert article.keywords == (
        "intralipid",
        "recurrent implantation failure, a keyword long enough to wrap onto the next line")
    assert article.authors == ("Müller A", "García-López J", "Invented Lipid Trial Group")
    assert article.doi == "10.9999/jart.2025.0011"
    assert (article.language, article.indexing_status) == ("eng", "MEDLINE")
    assert article.pmid_version == 1
    assert article.source_format == "medline"
    assert article.comments_corrections == (
        CommentCorrection("RetractionIn", "39990098", "J Assist Reprod Trials. 2025 Jun;40(6):701"),
        CommentCorrection("CommentIn", "39990097",
                          "Invented Letters. 2025 Apr;2(1):10-11; discussion 12-13, written to be "
                          "long enough that the line wraps"))
    assert article.is_retracted


def test_inline_labels_become_sections(by_pmid):
    article = by_pmid["39990011"]
    assert [s.label for s in article.sections] == [
        "OBJECTIVE", "DESIGN", "PATIENT(S)", "INTERVENTION(S)", "MAIN OUTCOME MEASURE(S)",
        "RESULT(S)", "CONCLUSION(S)", "CLINICAL TRIAL REGISTRATION NUMBER"]
    results = article.sections[5]
    assert article.abstract[results.start:results.end] == (
        "Live birth occurred in 41/120 vs 33/120 women (RR 1.24, 95% CI 0.85–1.82; OR: 1.37 in "
        "a sensitivity analysis).")
    assert all(s.category == "" for s in article.sections)
    assert "\n\nRESULT(S): Live birth" in article.abstract


def test_unstructured_record_with_old_dates(by_pmid):
    article = by_pmid["39990012"]
    assert [s.label for s in article.sections] == [""]  # "RESULTS:" mid-text is no label
    assert article.create_date == date(2013, 4, 12)  # DA, as records before CRDT have it
    assert article.entry_date == date(2013, 4, 13)
    assert article.year == 2013 and article.doi is None
    assert article.language == "jpn" and article.authors == ("Nakamura",)


def test_sparse_record_falls_back(by_pmid):
    article = by_pmid["39990013"]
    assert article.title == "Aspirine à faible dose et échecs d'implantation répétés."  # TT
    assert article.journal == "Revue inventée de fertilité"
    assert article.entry_date == article.create_date == date(2024, 2, 29)  # CRDT only
    assert (article.abstract, article.sections) == ("", ())


@pytest.mark.parametrize("kind", ["path", "bytes", "file", "gzip-bytes"])
def test_every_kind_of_source_gives_the_same_records(kind, by_pmid):
    raw = NBIB.read_bytes()
    source = {"path": NBIB, "bytes": raw, "file": io.BytesIO(raw),
              "gzip-bytes": gzip.compress(raw)}[kind]
    assert {a.pmid: a for a in parse_medline(source)} == by_pmid


def test_crlf_and_bom_are_accepted(by_pmid):
    raw = b"\xef\xbb\xbf" + NBIB.read_bytes().replace(b"\n", b"\r\n")
    assert {a.pmid: a for a in parse_medline(raw)} == by_pmid


def _error(source) -> str:
    with pytest.raises(MedlineParseError) as caught:
        list(parse_medline(source))
    message = str(caught.value)
    assert "\n" not in message
    return message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(b"TI  - A title\nAB  - An abstract.\n", "MEDLINE text: record at line 1: "
                     "no PMID field", id="no-pmid"),
        pytest.param(b"PMID- 12x\nTI  - A title\n", "MEDLINE text: record at line 1: PMID '12x' "
                     "is not a number", id="bad-pmid"),
        pytest.param(b"PMID- 5\nEDAT- 2021/02/30 06:00\n", "MEDLINE text: PMID 5: EDAT is not a "
                     "date ('2021/02/30 06:00')", id="impossible-date"),
        pytest.param(b"      continued\nPMID- 5\n", "MEDLINE text: line 1: continuation line "
                     "outside any field", id="orphan-continuation"),
        pytest.param(b"PMID- 5\nTI  - A \xff title\n", "MEDLINE text: not UTF-8 text near line 1",
                     id="not-utf8"),
    ],
)
def test_errors_are_one_line_and_name_the_problem(text, expected):
    assert _error(text).startswith(expected)


def test_error_names_the_file_and_line():
    path = FIXTURES / "not_medline.txt"
    assert _error(path) == (f"{path}: line 3: not a MEDLINE 'TAG - value' line: "
                            "'this line is neither a tag line nor an i'")


def test_records_without_a_blank_line_between_them_are_split():
    text = b"PMID- 1\nTI  - First.\nPMID- 2\nTI  - Second.\n"
    assert [(a.pmid, a.title) for a in parse_medline(text)] == [("1", "First."), ("2", "Second.")]


# --- property: whatever we write in MEDLINE layout, with wrapping, reads back -----------------

WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéµ0123456789%()", min_size=1, max_size=12)
PHRASE = st.lists(WORD, min_size=1, max_size=30).map(" ".join)
NAME = st.lists(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=10),
                min_size=1, max_size=2).map(" ".join)


def _field(tag: str, value: str) -> str:
    """One MEDLINE field, wrapped at 80 columns with six-space continuation lines."""
    lines = textwrap.wrap(value, width=74) or [""]
    return "\n".join([f"{tag:<4}- {lines[0]}", *(f"      {line}" for line in lines[1:])])


@given(pmid=st.integers(1, 99_999_999).map(str), title=PHRASE,
       keywords=st.lists(PHRASE, max_size=4), authors=st.lists(NAME, max_size=5),
       corrections=st.lists(
           st.tuples(st.sampled_from(sorted(CORRECTION_TAGS)), PHRASE,
                     st.one_of(st.none(), st.integers(1, 99_999_999).map(str))), max_size=3))
def test_wrapped_fields_read_back_whole(pmid, title, keywords, authors, corrections):
    fields = [("PMID", pmid), ("TI", title), *(("AU", a) for a in authors),
              *(("OT", k) for k in keywords),
              *((tag, f"{text}. PMID: {ref}" if ref else text) for tag, text, ref in corrections)]
    text = "\n".join(_field(tag, value) for tag, value in fields) + "\n"
    [article] = parse_medline(text.encode())
    assert (article.pmid, article.title) == (pmid, title)
    assert article.keywords == tuple(keywords)
    assert article.authors == tuple(authors)
    assert article.comments_corrections == tuple(
        CommentCorrection(CORRECTION_TAGS[tag], ref, text) for tag, text, ref in corrections)


# --- real files (../shared/data) ------------------------------------------------------------

def test_real_files_parse_every_record(real_medline_files):
    for path in real_medline_files:
        articles = list(parse_medline(path))
        assert len(articles) == path.read_bytes().count(b"\nPMID- ") + path.read_bytes(
        ).startswith(b"PMID- "), path.name
        assert all(a.pmid.isdigit() and a.title for a in articles), path.name
        for article in articles:
            for section in article.sections:
                assert article.abstract[section.start:section.end].strip(), article.pmid
    robotreviewer = list(parse_medline(real_medline_files[-1]))
    assert len(robotreviewer) == 501


def test_biopython_medline_agrees_on_pmid_title_and_abstract_text(real_medline_files):
    """Bio.Medline as a second reader: same PMIDs, titles, and abstract words.

    We split the abstract into sections and Biopython keeps it flat; joined back with single
    spaces, the two must be the same text.
    """
    from Bio import Medline

    compared = 0
    for path in real_medline_files:
        with open(path, encoding="utf-8") as handle:
            theirs = list(Medline.parse(handle))
        ours = list(parse_medline(path))
        assert [r["PMID"] for r in theirs] == [a.pmid for a in ours], path.name
        for record, article in zip(theirs, ours, strict=True):
            assert normalise_text(record.get("TI", "")) == article.title, article.pmid
            flat = " ".join(f"{s.label}: {article.abstract[s.start:s.end]}" if s.label
                            else article.abstract[s.start:s.end] for s in article.sections)
            if "AB" in record:  # otherwise we fall back to OAB, which Biopython splits up
                assert flat == normalise_text(record["AB"]), article.pmid
            assert list(article.publication_types) == record.get("PT", []), article.pmid
            compared += 1
    assert compared >= 500
