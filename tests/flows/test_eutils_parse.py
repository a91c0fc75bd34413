"""Readers of esearch replies and the completeness check on efetch bodies."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flows.eutils_parse import (
    BodyProblem,
    is_transient_error,
    parse_article_set_pmids,
    parse_esearch,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "eutils"
BASELINE = (FIXTURES / "2024-02-28_pubmed.xml").read_bytes()
BASELINE_PMIDS = ["90000001", "90000002", "90000003", "90000004", "90000005", "90000006",
                  "90000007", "90000008", "90000010"]


def test_esearch_with_history_and_messages():
    reply = parse_esearch(
        b'<?xml version="1.0" encoding="UTF-8" ?>\n<eSearchResult><Count>3</Count><RetMax>2</RetMax>'
        b"<RetStart>1</RetStart><QueryKey>4</QueryKey><WebEnv>MCID_ab</WebEnv><IdList>\n"
        b"<Id>30</Id>\n<Id>20</Id>\n</IdList><TranslationSet/><QueryTranslation>x[All Fields]"
        b"</QueryTranslation><ErrorList><PhraseNotFound>zzq</PhraseNotFound></ErrorList>"
        b"<WarningList><OutputMessage>No  items\nfound.</OutputMessage></WarningList></eSearchResult>"
    )
    assert (reply.count, reply.retmax, reply.retstart) == (3, 2, 1)
    assert reply.ids == ("30", "20")
    assert (reply.webenv, reply.query_key) == ("MCID_ab", "4")
    assert reply.errors == ("PhraseNotFound: zzq",)
    assert reply.warnings == ("OutputMessage: No items found.",)
    assert reply.error is None and reply.query_translation == "x[All Fields]"


def test_esearch_error_body():
    reply = parse_esearch(b"<eSearchResult>\n\t<ERROR>Search Backend failed: Unable to open "
                          b"connection</ERROR>\n</eSearchResult>")
    assert reply.error == "Search Backend failed: Unable to open connection"
    assert reply.count == 0 and reply.ids == ()


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"<eSearchResult><Count>3</Count><IdList><Id>1", id="cut-off"),
        pytest.param(b"<html>Bad Gateway</html>", id="html-page"),
        pytest.param(b"<eSearchResult><IdList/></eSearchResult>", id="no-count"),
        pytest.param(b"", id="empty"),
    ],
)
def test_unusable_esearch_bodies_are_transient(body):
    with pytest.raises(BodyProblem) as caught:
        parse_esearch(body)
    assert caught.value.transient


@pytest.mark.parametrize(
    ("message", "transient"),
    [
        pytest.param("Search Backend failed: Unable to open connection to #PMQuerySrv?dbaf=pubmed",
                     True, id="backend-failed"),
        pytest.param("Unable to obtain query #1", True, id="history-lost"),
        pytest.param("Search Backend failed: Database is not supported: pubmed", True,
                     id="database-outage"),
        pytest.param("Search Backend failed: Exception: 'retstart' cannot be larger than 9998.",
                     False, id="beyond-10000-ids"),
        pytest.param("Invalid query: unbalanced parentheses", False, id="bad-query"),
        pytest.param("Empty term and query_key - nothing todo", False, id="empty-term"),
    ],
)
def test_which_errors_are_worth_retrying(message, transient):
    assert is_transient_error(message) is transient


def test_article_set_pmids_are_the_records_own_in_order():
    assert parse_article_set_pmids(BASELINE) == BASELINE_PMIDS


def test_cited_pmids_do_not_count():
    body = (b"<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID Version=\"1\">5</PMID>"
            b"<CommentsCorrectionsList><CommentsCorrections RefType=\"ErratumIn\"><PMID Version=\"1\">6"
            b"</PMID></CommentsCorrections></CommentsCorrectionsList></MedlineCitation></PubmedArticle>"
            b"</PubmedArticleSet>\n")
    assert parse_article_set_pmids(body) == ["5"]


def test_empty_article_sets_are_complete():
    assert parse_article_set_pmids(b"<PubmedArticleSet>\n</PubmedArticleSet>\n") == []
    assert parse_article_set_pmids(b"<?xml version='1.0'?><PubmedArticleSet/>") == []


def test_efetch_error_body_is_recognised():
    body = (b'<?xml version="1.0" encoding="UTF-8" ?>\n<!DOCTYPE eEfetchResult PUBLIC "x" "y">\n'
            b"<eFetchResult>\n\t<ERROR>Unable to obtain query #1</ERROR>\n</eFetchResult>\n")
    with pytest.raises(BodyProblem, match="efetch error: Unable to obtain query #1") as caught:
        parse_article_set_pmids(body)
    assert caught.value.transient


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=len(BASELINE.rstrip()) - 1))
def test_any_cut_of_an_article_set_is_caught(cut):
    with pytest.raises(BodyProblem) as caught:
        parse_article_set_pmids(BASELINE[:cut])
    assert caught.value.transient


def test_real_esearch_replies_parse(shared_data):
    """The recorded esearch replies Biopython keeps (real NCBI output) read as NCBI meant."""
    folder = shared_data / "biopython_entrez" / "Entrez"
    with_history = parse_esearch((folder / "esearch2.xml").read_bytes())
    assert with_history.count == 42249 and with_history.webenv.startswith("MCID_")
    assert with_history.query_key == "1" and len(with_history.ids) == with_history.retmax == 100
    assert with_history.query_translation.endswith("[Date - Entry]")
    zero = parse_esearch((folder / "esearch8.xml").read_bytes())
    assert zero.count == 0 and zero.ids == ()
    assert zero.errors == ("PhraseNotFound: abcXYZ",)
    assert zero.warnings == ("OutputMessage: No items found.",)
    for path in sorted(folder.glob("esearch*.xml")):
        reply = parse_esearch(path.read_bytes())
        assert len(reply.ids) == reply.retmax, path.name


def test_real_efetch_replies_are_complete(shared_data):
    folder = shared_data / "biopython_entrez" / "Entrez"
    for name in ("pubmed1.xml", "pubmed2.xml", "pubmed7.xml"):
        body = (folder / name).read_bytes()
        pmids = parse_article_set_pmids(body)
        assert pmids and all(p.isdigit() for p in pmids), name
        with pytest.raises(BodyProblem):
            parse_article_set_pmids(body[: len(body) * 2 // 3])
