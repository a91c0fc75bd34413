"""PubMed XML parsing: every Article field, streaming, gzip, the error contract, real files."""

from __future__ import annotations

import gc
import gzip
import io
import itertools
import re
import socket
from datetime import date
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractors.markup import normalise_text, render_inline
from extractors.pubmed_xml import PubmedParseError, parse_pubmed_xml
from extractors.records import Article, CommentCorrection, Deletion, Section

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "pubmed"
TRIALS = FIXTURES / "ivf_trials_2025.xml"
CLOSING_TAG = b"</PubmedArticleSet>"


@pytest.fixture(scope="module")
def records() -> list[Article | Deletion]:
    return list(parse_pubmed_xml(TRIALS))


@pytest.fixture(scope="module")
def by_pmid(records) -> dict[str, Article]:
    return {r.pmid: r for r in records if isinstance(r, Article)}


def test_file_yields_articles_then_deletions_in_order(records):
    assert [(type(r).__name__, r.pmid) for r in records] == [
        ("Article", "39990001"), ("Article", "39990002"), ("Article", "39990003"),
        ("Article", "39990004"), ("Deletion", "39980001"), ("Deletion", "39980002")]


def test_structured_trial_fills_every_field(by_pmid):
    article = by_pmid["39990001"]
    assert article.title == ("Intrauterine granulocyte colony-stimulating factor for women with "
                             "repeated implantation failure: a randomised, double-blind trial.")
    assert article.journal == "Journal of assisted reproduction trials"
    assert article.year == 2025
    assert article.entry_date == date(2024, 12, 22)
    assert article.create_date == date(2024, 12, 21)
    assert article.revised_date == date(2025, 6, 2)
    assert article.publication_types == (
        "Journal Article", "Randomized Controlled Trial", "Retracted Publication")
    assert article.mesh_terms == (
        "Humans", "Granulocyte Colony-Stimulating Factor", "Embryo Implantation")
    assert article.keywords == ("G-CSF", "repeated implantation failure")
    assert article.authors == ("Müller A", "Ødegård S", "RIF Immunotherapy Study Group")
    assert article.doi == "10.9999/jart.2025.0001"  # the record's own, not its reference's
    assert article.language == "eng"
    assert article.indexing_status == "MEDLINE" and article.is_indexed
    assert article.pmid_version == 2
    assert article.comments_corrections == (
        CommentCorrection("RetractionIn", "39990099", "J Assist Reprod Trials. 2025 Jun;40(6):700"),
        CommentCorrection("CommentIn", None, "Invented Letters. 2025;1:1"))
    assert article.is_retracted
    assert article.source_format == "pubmed_xml"


def test_structured_abstract_sections_and_offsets(by_pmid):
    article = by_pmid["39990001"]
    assert [(s.label, s.category) for s in article.sections] == [
        ("BACKGROUND", "BACKGROUND"), ("METHODS", "METHODS"), ("RESULTS", "RESULTS"),
        ("CONCLUSIONS", "CONCLUSIONS")]
    blocks = article.abstract.split("\n\n")
    for section, block in zip(article.sections, blocks, strict=True):
        assert block == f"{section.label}: {article.abstract[section.start:section.end]}"
    assert article.abstract[article.sections[3].start:article.sections[3].end] == (
        "Intrauterine G-CSF did not clearly raise live birth.")


@pytest.mark.parametrize(
    "expected",
    [
        pytest.param("the relative risk was 1.31 (95% CI 0.90–1.91)", id="bold-glued-both-sides"),
        pytest.param("RR 0.85 (95% CI 0.55-1.30), P=0.45", id="bold-after-letters"),
        pytest.param("per 10^6 stromal cells", id="superscript-power"),
        pytest.param("endometrial CD56+ cells", id="superscript-sign"),
        pytest.param("Serum E2 was measured", id="subscript"),
        pytest.param("I^2 not applicable", id="mathml"),
        pytest.param("after ≥3 transfers", id="non-ascii-kept"),
        pytest.param("aged 25–40 years to intrauterine G-CSF (300 µg)", id="en-dash-and-micro"),
    ],
)
def test_inline_markup_in_abstract_keeps_tokens_apart(by_pmid, expected):
    assert expected in by_pmid["39990001"].abstract


def test_letter_without_abstract_uses_medline_date_and_abbreviation(by_pmid):
    article = by_pmid["39990002"]
    assert (article.abstract, article.sections) == ("", ())
    assert article.year == 2014  # from <MedlineDate>2014 Mar-Apr</MedlineDate>
    assert article.journal == "Invented Reprod Lett"  # no Journal/Title: ISOAbbreviation
    assert article.authors == ("Nordic Embryo Transfer Collaborative", "Nakamura")
    assert article.create_date == article.entry_date == date(2014, 4, 2)
    assert article.revised_date is None and article.doi is None
    assert article.language == "eng"  # the first of two
    assert not article.is_indexed


def test_record_without_english_title_or_abstract_falls_back(by_pmid):
    article = by_pmid["39990003"]
    assert article.title == "Aspirine à faible dose et échecs d'implantation répétés."
    # Only OtherAbstracts: the English one is taken, with its labels.
    assert article.abstract == ("OBJECTIVE: To compare low-dose aspirin with no treatment.\n\n"
                                "RESULTS: No difference was seen.")
    assert article.year == 2023  # the PubDate has only a Season: ArticleDate
    assert article.doi == "10.9999/only.elocation"
    assert article.entry_date == article.create_date == date(2023, 11, 6)


def test_book_chapter_becomes_an_article(by_pmid):
    article = by_pmid["39990004"]
    assert article.title == "Peripheral blood mononuclear cells before embryo transfer"
    assert article.journal == "Handbook of Invented Reproductive Immunology"
    assert article.authors == ("Chapman C",)  # the chapter's authors, never the editors
    assert article.publication_types == ("Review",)
    assert article.doi == "10.9999/book.ch7"
    assert article.indexing_status == "" and article.mesh_terms == ()
    assert article.sections == (Section("", "", 0, len(article.abstract)),)
    assert (article.year, article.revised_date) == (2022, date(2023, 1, 9))


def test_2012_doctype_entities_and_date_created():
    [article] = parse_pubmed_xml(FIXTURES / "doctype_2012.xml")
    assert article.title == "Prednisolone & low-dose aspirin in women with ≥2 failed IVF cycles."
    assert article.abstract == ("Sixty women were randomised. Ongoing pregnancy was 12/30 – "
                                "versus 7/30 (P < 0.05).")
    assert article.authors == ("François JL",)
    assert article.create_date == date(2012, 9, 18)  # DateCreated: no "pubmed" PubMedPubDate
    assert article.entry_date == date(2012, 9, 19)
    assert article.indexing_status == "Publisher"
    assert article.journal == "Invented journal of reproductive immunology & endocrinology"


def test_parsing_never_opens_a_connection(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the parser tried to use the network (DTD download?)")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    assert len(list(parse_pubmed_xml(FIXTURES / "doctype_2012.xml"))) == 1
    assert len(list(parse_pubmed_xml(TRIALS))) == 6


@pytest.mark.parametrize("kind", ["path", "str", "bytes", "file", "gzip-path", "gzip-bytes",
                                  "gzip-file"])
def test_every_kind_of_source_gives_the_same_records(kind, records, tmp_path):
    raw = TRIALS.read_bytes()
    packed = gzip.compress(raw)
    gz_path = tmp_path / "trials.xml.gz"
    gz_path.write_bytes(packed)
    source = {"path": TRIALS, "str": str(TRIALS), "bytes": raw, "file": io.BytesIO(raw),
              "gzip-path": gz_path, "gzip-bytes": packed, "gzip-file": io.BytesIO(packed)}[kind]
    assert list(parse_pubmed_xml(source)) == records
    if isinstance(source, io.BytesIO):
        assert not source.closed  # a caller's file is left open for the caller


def _error(source) -> str:
    with pytest.raises(PubmedParseError) as caught:
        list(parse_pubmed_xml(source))
    message = str(caught.value)
    assert "\n" not in message
    return message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(b"<PubmedArticleSet><PubmedArticle><MedlineCitation><Article/>"
                     b"</MedlineCitation></PubmedArticle></PubmedArticleSet>",
                     "PubMed XML: record 1: MedlineCitation without a PMID", id="no-pmid"),
        pytest.param(b"<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>12a</PMID>"
                     b"<Article/></MedlineCitation></PubmedArticle></PubmedArticleSet>",
                     "PubMed XML: record 1: PMID '12a' is not a number", id="bad-pmid"),
        pytest.param(b"<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>7</PMID>"
                     b"<DateRevised><Year>2021</Year><Month>02</Month><Day>30</Day></DateRevised>"
                     b"<Article/></MedlineCitation></PubmedArticle></PubmedArticleSet>",
                     "PubMed XML: PMID 7: DateRevised is not a valid date (2021-02-30)",
                     id="impossible-date"),
        pytest.param(b"<PubmedArticleSet><DeleteCitation><PMID/></DeleteCitation>"
                     b"</PubmedArticleSet>",
                     "PubMed XML: record 1: DeleteCitation holds PMID '', not a number",
                     id="empty-deletion"),
        pytest.param(b'<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet PUBLIC "x" "https://x/y.dtd">'
                     b"\n<PubmedArticleSet>&nbsp;</PubmedArticleSet>",
                     "PubMed XML: malformed XML at line 3, column 19: undefined entity &nbsp;",
                     id="undefined-entity"),
        pytest.param(b"<PubmedArticleSet><PubmedArticle>", "PubMed XML: malformed XML at line 1, "
                     "column 34: no element found", id="truncated"),
        pytest.param(b"", "PubMed XML: malformed XML at line 1, column 1: no element found",
                     id="empty"),
        pytest.param(b"<html><body>Not found</body></html>",
                     "PubMed XML: not a PubmedArticleSet (root is <html>)", id="html-page"),
        pytest.param(gzip.compress(TRIALS.read_bytes())[:500],
                     "PubMed XML: truncated or corrupt gzip data", id="truncated-gzip"),
    ],
)
def test_errors_are_one_line_and_name_the_problem(text, expected):
    assert _error(text).startswith(expected)


def test_error_names_the_file():
    message = _error(FIXTURES / "esearch_reply.xml")
    assert message == (f"{FIXTURES / 'esearch_reply.xml'}: not a PubmedArticleSet "
                       "(root is <eSearchResult>)")


def test_a_record_nested_in_another_is_refused():
    xml = (b"<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article/>"
           b"<PubmedArticle/></MedlineCitation></PubmedArticle></PubmedArticleSet>")
    assert _error(xml) == "PubMed XML: <PubmedArticle> inside another element after record 1"


def test_unknown_top_level_elements_are_skipped():
    xml = (b"<PubmedArticleSet><Note>ignore me</Note><DeleteCitation><PMID>5</PMID>"
           b"</DeleteCitation><Note/></PubmedArticleSet>")
    assert list(parse_pubmed_xml(xml)) == [Deletion("5")]


def test_deleting_many_pmids_yields_one_deletion_each():
    xml = (b"<PubmedArticleSet><DeleteCitation><PMID Version='1'>1</PMID><PMID Version='1'>2"
           b"</PMID><PMID Version='1'>3</PMID></DeleteCitation></PubmedArticleSet>")
    assert list(parse_pubmed_xml(xml)) == [Deletion("1"), Deletion("2"), Deletion("3")]


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_a_truncated_file_raises_after_yielding_only_whole_records(records, data):
    raw = TRIALS.read_bytes()
    cut = data.draw(st.integers(0, raw.rindex(CLOSING_TAG)), label="cut")
    seen: list = []
    with pytest.raises(PubmedParseError):
        for record in parse_pubmed_xml(raw[:cut]):
            seen.append(record)
    assert seen == records[:len(seen)]


SECTION_WORDS = st.lists(st.one_of(
    st.from_regex(r"[A-Za-zé]{1,8}", fullmatch=True), st.from_regex(r"[0-9]{1,3}(\.[0-9]{1,2})?",
                                                                   fullmatch=True),
    st.sampled_from(["(95%", "CI", ")", "&lt;", "≥", "–"])), min_size=1, max_size=12)
MARKUP = st.sampled_from(["{}", "<b>{}</b>", "<i>{}</i>", "<sup>{}</sup>", "<sub>{}</sub>"])


@st.composite
def abstract_texts(draw) -> list[tuple[str, str, str]]:
    """``(Label, NlmCategory, inner XML)`` of a few AbstractText elements with random markup."""
    sections = []
    for _ in range(draw(st.integers(1, 4))):
        words = [draw(MARKUP).format(word) for word in draw(SECTION_WORDS)]
        joiners = [draw(st.sampled_from([" ", "  ", "\n   ", ""])) for _ in words]
        inner = "".join(joiner + word for joiner, word in zip(joiners, words, strict=True))
        label = draw(st.sampled_from(["", "BACKGROUND", "METHODS", "RESULTS", "Conclusions"]))
        sections.append((label, draw(st.sampled_from(["", "RESULTS", "UNASSIGNED"])), inner))
    return sections


@given(abstract_texts())
def test_parsed_section_offsets_slice_back_to_each_rendered_section(sections):
    texts = "".join(
        f'<AbstractText Label="{label}" NlmCategory="{category}">{inner}</AbstractText>'
        for label, category, inner in sections)
    xml = (f"<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article>"
           f"<Abstract>{texts}</Abstract></Article></MedlineCitation></PubmedArticle>"
           f"</PubmedArticleSet>").encode()
    [article] = parse_pubmed_xml(xml)
    rendered = [render_inline(ET.fromstring(f"<t>{inner}</t>")) for _, _, inner in sections]
    kept = [(label, category, text) for (label, category, _), text in
            zip(sections, rendered, strict=True) if text]
    assert [(s.label, s.category, article.abstract[s.start:s.end]) for s in article.sections] \
        == kept
    assert article.abstract.split("\n\n") == [
        f"{label}: {text}" if label else text for label, _, text in kept]


class _RepeatedRecords(io.RawIOBase):
    """A PubmedArticleSet of ``count`` copies of one record, produced on demand (not in memory)."""

    def __init__(self, record: bytes, count: int) -> None:
        self._chunks = itertools.chain([b"<PubmedArticleSet>"], itertools.repeat(record, count),
                                       [CLOSING_TAG])
        self._buffer = b""

    def readable(self) -> bool:
        return True

    def readinto(self, target) -> int:
        while not self._buffer:
            try:
                self._buffer = next(self._chunks)
            except StopIteration:
                return 0
        size = min(len(target), len(self._buffer))
        target[:size] = self._buffer[:size]
        self._buffer = self._buffer[size:]
        return size


def _live_elements() -> int:
    return sum(1 for thing in gc.get_objects() if type(thing) is ET.Element)


def test_records_already_read_are_dropped_from_the_tree():
    """Live XML elements stay bounded however many records stream past.

    Counted every 50 records over 2,000: the count rises and falls with how the parser's
    read-ahead chunks fall across records, but a record (or even an emptied element) kept
    per record would make the second half's peak exceed the first half's.
    """
    raw = TRIALS.read_bytes()
    record = raw[raw.index(b"<PubmedArticle>"):raw.index(b"</PubmedArticle>") + 16]
    stream = io.BufferedReader(_RepeatedRecords(record, 2000))
    counts = [_live_elements() for index, _ in enumerate(parse_pubmed_xml(stream), 1)
              if index % 50 == 0]
    assert len(counts) == 40
    assert max(counts[20:]) <= max(counts[:20]), counts


# --- real files (../shared/data) ------------------------------------------------------------

def test_real_files_parse_with_the_right_number_of_records(real_xml_files):
    for path in real_xml_files:
        raw = path.read_bytes()
        articles = list(parse_pubmed_xml(path))
        expected = raw.count(b"<PubmedArticle>") + raw.count(b"<PubmedBookArticle>")
        assert len(articles) == expected, path.name
        pmids = [a.pmid for a in articles]
        assert all(pmid.isdigit() for pmid in pmids), path.name
        assert len(set(pmids)) == len(pmids), path.name
        assert all(a.title for a in articles), path.name
        for article in articles:
            for section in article.sections:
                assert article.abstract[section.start:section.end].strip(), article.pmid


@pytest.mark.parametrize(
    ("name", "expected"),
    [pytest.param("einfo4.xml", "not a PubmedArticleSet (root is <eInfoResult>)",
                  id="corrupt-einfo"),
     pytest.param("esearch1.xml", "not a PubmedArticleSet (root is <eSearchResult>)",
                  id="esearch")],
)
def test_real_non_pubmed_files_raise_one_line(shared_data, name, expected):
    path = shared_data / "biopython_entrez" / "Entrez" / name
    assert _error(path) == f"{path}: {expected}"


def test_the_corrupt_einfo_body_is_reported_with_its_line(shared_data):
    raw = (shared_data / "biopython_entrez" / "Entrez" / "einfo4.xml").read_bytes()
    # Give the corrupt body a PubMed root so the parser has to read on to the damage.
    body = raw[raw.index(b"<DbList>"):]
    message = _error(b"<PubmedArticleSet>" + body)
    assert re.match(r"PubMed XML: malformed XML at line \d+, column \d+: ", message), message


def _read_with_biopython(path: Path) -> list:
    """Entrez.read on the file, with its DTD taken from Biopython's bundled copies.

    The 2012 files name their DTD by an http:// URL, which Biopython refuses; pointing the same
    file name at NCBI's https location lets Biopython find its bundled copy.
    """
    from Bio import Entrez

    raw = path.read_bytes().replace(b"http://www.ncbi.nlm.nih.gov/corehtml/query/DTD/",
                                    b"https://dtd.nlm.nih.gov/ncbi/pubmed/out/")
    result = Entrez.read(io.BytesIO(raw))
    return list(result["PubmedArticle"]) if hasattr(result, "keys") else list(result)


def test_biopython_agrees_on_pmids_titles_and_publication_types(real_xml_files, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("Biopython tried to download a DTD")
    monkeypatch.setattr(socket, "create_connection", refuse)
    compared = 0
    for path in real_xml_files:
        theirs = _read_with_biopython(path)
        ours = [a for a in parse_pubmed_xml(path) if isinstance(a, Article)]
        assert len(theirs) == len(ours), path.name
        for entry, article in zip(theirs, ours, strict=True):
            citation = entry["MedlineCitation"]
            assert str(citation["PMID"]) == article.pmid
            # Biopython keeps inline tags as text; without them the titles must agree.
            title = normalise_text(re.sub(r"</?(?:i|b|u|sup|sub)>", "", str(
                citation["Article"]["ArticleTitle"])))
            assert title == article.title, article.pmid
            types = tuple(str(t) for t in citation["Article"]["PublicationTypeList"])
            assert types == article.publication_types, article.pmid
            compared += 1
    assert compared >= 350
