"""The replay server's PubMed query evaluator, over the invented fixture records."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flows.replay_corpus import Corpus
from flows.replay_query import QuerySyntaxError, matches, parse_pubmed_date, parse_query, translate

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "eutils"
RECORDS = Corpus.from_folder(FIXTURES).current()


def hits(query: str) -> list[str]:
    root = parse_query(query).root
    return sorted(pmid[-2:] for pmid, record in RECORDS.items() if matches(root, record))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param('"implantation failure"[tiab]', ["01", "02", "03", "04", "08", "09", "10"],
                     id="tiab-phrase"),
        pytest.param("implantation failure[tiab]", ["01", "02", "03", "04", "08", "09", "10"],
                     id="unquoted-tagged-words-are-a-phrase"),
        pytest.param('"Implantation   FAILURE"[tiab]', ["01", "02", "03", "04", "08", "09", "10"],
                     id="case-and-spacing"),
        pytest.param('"failure implantation"[tiab]', [], id="word-order-matters"),
        pytest.param('"implant failure"[tiab]', [], id="whole-tokens-only"),
        pytest.param("implant*[ti]", ["01", "02", "03", "04", "08", "09", "10"], id="truncation"),
        pytest.param('"recurrent implantation failure"[ti]', ["01", "04", "09", "10"], id="title-only"),
        pytest.param('"recurrent implantation failure"[ab]', ["01", "09", "10"], id="abstract-only"),
        pytest.param("immunotherapy[tiab]", ["08"], id="tiab-covers-keywords"),
        pytest.param("g-csf[tiab]", ["01"], id="hyphen-splits-tokens"),
        pytest.param("th1/th2[tiab]", ["10"], id="slash-splits-tokens"),
        pytest.param("randomized controlled trial[pt]", ["02", "06"], id="publication-type"),
        pytest.param("randomized[pt]", [], id="publication-type-is-exact"),
        pytest.param("platelet-rich plasma[mh]", ["02"], id="mesh-heading"),
        pytest.param("humans", ["02", "06"], id="untagged-searches-mesh-too"),
        pytest.param("heparin", ["07"], id="untagged-searches-keywords"),
        pytest.param("knee arthroplasty", ["06"], id="adjacent-words-are-anded"),
        pytest.param("intralipid OR atosiban", ["03", "09"], id="or"),
        # 90000004 tests hCG itself; 90000008 cultures its cells with hCG.
        pytest.param('"implantation failure"[tiab] NOT hcg', ["01", "02", "03", "09", "10"],
                     id="not"),
        pytest.param("atosiban OR intralipid AND pilot", ["03"], id="left-to-right-like-pubmed"),
        pytest.param("atosiban OR (intralipid AND pilot)", ["03", "09"], id="parentheses"),
        pytest.param("2024/01/12[crdt]", ["03", "04"], id="single-day"),
        pytest.param("2024/02[dp]", ["03", "04", "08"], id="month-of-publication"),
        pytest.param("2024/02/01:2024/02/29[mdat]", ["02", "07", "08", "09", "10"], id="range-one-tag"),
        # 90000006 has no Entrez date; its DateCreated (2024-01-25) stands in.
        pytest.param('("2024/01/20"[edat] : "2024/02/10"[edat])', ["06", "07"], id="range-quoted"),
        pytest.param("knee[xyz]", ["06"], id="unknown-tag-searches-everything"),
    ],
)
def test_query(query, expected):
    assert hits(query) == expected


def test_unknown_tags_are_reported():
    assert parse_query("knee[xyz] AND rif[tiab]").unknown_fields == ("xyz",)


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("(rif", id="open-paren"),
        pytest.param("rif)", id="close-paren"),
        pytest.param("rif AND", id="dangling-and"),
        pytest.param("OR rif", id="leading-or"),
        pytest.param("", id="empty"),
        pytest.param("2024/13/01[crdt]", id="bad-month"),
        pytest.param("rif:ivf[tiab]", id="range-on-a-text-field"),
    ],
)
def test_malformed_queries(query):
    with pytest.raises(QuerySyntaxError):
        parse_query(query)


def test_dates_widen_to_the_period_they_name():
    assert parse_pubmed_date("2024", end=False) == date(2024, 1, 1)
    assert parse_pubmed_date("2024", end=True) == date(2024, 12, 31)
    assert parse_pubmed_date("2023/02", end=True) == date(2023, 2, 28)
    assert parse_pubmed_date("2024-03-05", end=True) == date(2024, 3, 5)


_WORDS = st.sampled_from([
    '"implantation failure"[tiab]', "intralipid", "atosiban[ti]", "humans[mh]",
    "randomized controlled trial[pt]", "knee", "2024/01[crdt]", "randomi*[tiab]",
    '"2024/01/01"[mdat] : "2024/01/31"[mdat]', "hcg[ab]",
])


@st.composite
def queries(draw, depth=0):
    if depth > 2 or draw(st.booleans()):
        return draw(_WORDS)
    op = draw(st.sampled_from(["AND", "OR", "NOT"]))
    left, right = draw(queries(depth + 1)), draw(queries(depth + 1))
    return f"({left} {op} {right})" if draw(st.booleans()) else f"{left} {op} {right}"


@settings(max_examples=150, deadline=None)
@given(queries())
def test_translation_means_the_same_query(query):
    """NCBI's QueryTranslation of a query, searched again, finds the same records."""
    assert hits(translate(parse_query(query).root)) == hits(query)



def test_uid_tag_matches_the_record_id_only():
    from types import SimpleNamespace

    from flows.replay_query import matches, parse_query

    record = SimpleNamespace(pmid="90000007", title="Trial 90000008", abstract="", keywords=(),
                             mesh_terms=(), publication_types=())
    assert matches(parse_query("90000007[uid] OR 123[uid]").root, record)
    assert matches(parse_query("90000007[pmid]").root, record)
    assert not matches(parse_query("90000008[uid]").root, record)  # a PMID in the title is not its id
