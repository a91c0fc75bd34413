"""The replay server as an E-utilities look-alike: versions by ``as_of``, deletions, reply shapes
(checked with Biopython's own DTD-validating parser), NCBI's errors, and the command line."""

from __future__ import annotations

import gzip
import io
import re
import socket
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import requests
from Bio import Entrez

from flows.eutils_parse import parse_article_set_pmids, parse_esearch
from flows.replay_corpus import Corpus, ReplayDataError

ALL_PMIDS = [f"9000000{i}" for i in range(1, 10)] + ["90000010"]


def _efetch(server, ids, method="post") -> list[str]:
    answer = getattr(requests, method)(
        server.base_url + "efetch.fcgi",
        **{"data" if method == "post" else "params": {"db": "pubmed", "id": ",".join(ids), "retmode": "xml"}},
        timeout=5,
    )
    assert answer.status_code == 200
    return parse_article_set_pmids(answer.content)


def _esearch(server, **params):
    answer = requests.post(server.base_url + "esearch.fcgi", data={"db": "pubmed", **params}, timeout=5)
    assert answer.status_code == 200
    return answer


# --- what is visible when ----------------------------------------------------------------------

@pytest.mark.parametrize(
    ("as_of", "visible"),
    [
        pytest.param(date(2024, 1, 3), [], id="before-the-first-revision"),
        pytest.param(date(2024, 1, 10), ["90000001", "90000002"], id="early-january"),
        pytest.param(date(2024, 3, 9), ALL_PMIDS, id="day-before-deletion"),
        pytest.param(date(2024, 3, 10), [p for p in ALL_PMIDS if p != "90000005"], id="deletion-day"),
        pytest.param(None, [p for p in ALL_PMIDS if p != "90000005"], id="everything"),
    ],
)
def test_as_of_decides_which_records_exist(replay_server, as_of, visible):
    server = replay_server(as_of=as_of)
    assert sorted(_efetch(server, ALL_PMIDS)) == visible
    found = parse_esearch(_esearch(server, term="2024[dp] OR 2023[dp]", retmax="100").content)
    assert sorted(found.ids) == visible


@pytest.mark.parametrize(
    ("as_of", "indexed"),
    [pytest.param(date(2024, 2, 27), False, id="first-version"),
     pytest.param(date(2024, 2, 28), True, id="revised-version"),
     pytest.param(None, True, id="latest-version")],
)
def test_the_latest_visible_version_is_served(replay_server, as_of, indexed):
    server = replay_server(as_of=as_of)
    body = requests.get(server.base_url + "efetch.fcgi",
                        params={"db": "pubmed", "id": "90000002"}, timeout=5).content
    assert (b'<MedlineCitation Status="MEDLINE"' in body) is indexed
    rct = parse_esearch(_esearch(server, term="randomized controlled trial[pt]").content)
    assert ("90000002" in rct.ids) is indexed


def test_deleted_record_vanishes_from_search(replay_server):
    server = replay_server(as_of=date(2024, 3, 10))
    found = parse_esearch(_esearch(server, term="scratching").content)
    assert found.count == 0
    assert found.errors == ("PhraseNotFound: scratching",)


def test_deletion_without_a_date_in_its_file_name_always_applies(eutils_fixtures, replay_server):
    files = {p.name: p.read_bytes() for p in eutils_fixtures.glob("*.xml")}
    files["deletions.xml"] = files.pop("2024-03-10_deletions.xml")
    server = replay_server(files, as_of=date(2024, 2, 1))
    assert "90000005" not in _efetch(server, ALL_PMIDS)


def test_records_are_served_byte_for_byte(eutils_fixtures, replay_server):
    server = replay_server()
    body = requests.get(server.base_url + "efetch.fcgi",
                        params={"db": "pubmed", "id": "90000003"}, timeout=5).content
    stored = (eutils_fixtures / "2024-02-28_pubmed.xml").read_bytes()
    record = re.search(rb"<PubmedArticle>\s*<MedlineCitation[^>]*>\s*<PMID Version=\"1\">90000003.*?"
                       rb"</PubmedArticle>", stored, re.DOTALL).group(0)
    assert record in body
    assert body.startswith(b'<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet')
    assert body.rstrip().endswith(b"</PubmedArticleSet>")


def test_gzipped_files_load_the_same(eutils_fixtures, tmp_path, replay_server):
    for path in eutils_fixtures.glob("*.xml"):
        (tmp_path / (path.name + ".gz")).write_bytes(gzip.compress(path.read_bytes()))
    plain, zipped = Corpus.from_folder(eutils_fixtures), Corpus.from_folder(tmp_path)
    assert len(zipped.records) == len(plain.records) == 11
    assert {k: v.xml for k, v in zipped.current().items()} == {k: v.xml for k, v in plain.current().items()}


@pytest.mark.parametrize(
    ("files", "message"),
    [
        pytest.param({"a.xml": b"<PubmedArticleSet><PubmedArticle>"}, "a.xml: not well-formed",
                     id="cut-off-file"),
        pytest.param({"b.xml": b"<eSearchResult/>"}, "root is <eSearchResult>", id="wrong-root"),
        pytest.param({"c.xml": b"<PubmedArticleSet><PubmedArticle><MedlineCitation/>"
                               b"</PubmedArticle></PubmedArticleSet>"}, "no MedlineCitation/PMID",
                     id="no-pmid"),
    ],
)
def test_bad_replay_files_are_one_line_errors(files, message):
    with pytest.raises(ReplayDataError, match=re.escape(message)):
        Corpus.from_files(files)


def test_missing_folder_is_a_one_line_error(tmp_path):
    with pytest.raises(ReplayDataError, match="replay folder not found"):
        Corpus.from_folder(tmp_path / "nope")
    with pytest.raises(ReplayDataError, match=r"no \*\.xml"):
        Corpus.from_folder(tmp_path)


# --- esearch -----------------------------------------------------------------------------------

def test_esearch_reply_is_valid_against_ncbis_dtd(replay_server):
    server = replay_server()
    answer = _esearch(server, term='"implantation failure"[tiab]', datetype="crdt",
                      mindate="2024/01/01", maxdate="2024/01/31", usehistory="y")
    record = Entrez.read(io.BytesIO(answer.content))  # validates against esearch.dtd
    assert record["Count"] == "4" and record["QueryKey"] == "1"
    assert record["WebEnv"].startswith("MCID_")
    assert record["QueryTranslation"] == (
        '("implantation failure"[Title/Abstract]) AND 2024/01/01:2024/01/31[Date - Create]'
    )
    assert answer.headers["Content-Type"].startswith("text/xml")


def test_ids_come_newest_first_then_by_pmid(replay_server):
    server = replay_server()
    found = parse_esearch(_esearch(server, term='"implantation failure"[tiab]').content)
    # 90000003 and 90000004 share a create date: the higher PMID first, as PubMed lists them.
    assert found.ids == ("90000010", "90000009", "90000008", "90000004", "90000003",
                         "90000002", "90000001")


def test_paging_and_history_keys(replay_server):
    server = replay_server()
    first = parse_esearch(_esearch(server, term='"implantation failure"[tiab]', retmax="3",
                                   usehistory="y").content)
    second = parse_esearch(_esearch(server, term="knee", usehistory="y", WebEnv=first.webenv,
                                    retstart="0").content)
    page = parse_esearch(_esearch(server, term='"implantation failure"[tiab]', retstart="5").content)
    assert first.ids == ("90000010", "90000009", "90000008") and first.count == 7
    assert (second.webenv, second.query_key) == (first.webenv, "2")
    assert page.ids == ("90000002", "90000001") and page.retstart == 5


def test_date_range_written_in_the_term_equals_the_datetype_window(replay_server):
    server = replay_server()
    in_term = parse_esearch(_esearch(
        server, term='"implantation failure"[tiab] AND ("2024/01/01"[crdt] : "2024/01/31"[crdt])'
    ).content)
    as_params = parse_esearch(_esearch(server, term='"implantation failure"[tiab]', datetype="crdt",
                                       mindate="2024/01/01", maxdate="2024/01/31").content)
    assert in_term.ids == as_params.ids and in_term.count == 4


@pytest.mark.parametrize(
    ("datetype", "day", "expected"),
    [
        pytest.param("crdt", "2024/01/12", ("90000004", "90000003"), id="create-date"),
        pytest.param("edat", "2024/01/13", ("90000004",), id="entry-date-differs"),
        pytest.param("mdat", "2024/02/28", ("90000002",), id="modification-date"),
        pytest.param("pdat", "2024/01/08", ("90000002",), id="publication-date"),
    ],
)
def test_each_datetype_filters_on_its_own_date(replay_server, datetype, day, expected):
    server = replay_server()
    found = parse_esearch(_esearch(server, term="2024[dp] OR 2023[dp]", datetype=datetype,
                                   mindate=day, maxdate=day).content)
    assert found.ids == expected


def test_create_date_falls_back_to_date_created(replay_server):
    server = replay_server()
    found = parse_esearch(_esearch(server, term="knee", datetype="crdt",
                                   mindate="2024/01/25", maxdate="2024/01/25").content)
    assert found.ids == ("90000006",)


def test_zero_hits_look_like_ncbis(replay_server):
    server = replay_server()
    body = _esearch(server, term="abcXYZ").content
    found = parse_esearch(body)
    assert (found.count, found.ids) == (0, ())
    assert found.errors == ("PhraseNotFound: abcXYZ",)
    assert found.warnings == ("OutputMessage: No items found.",)
    assert b"<IdList/>" in body


@pytest.mark.parametrize(
    ("params", "error"),
    [
        pytest.param({"term": ""}, "Empty term and query_key - nothing todo", id="empty-term"),
        pytest.param({"term": "(rif"}, "Invalid query: unbalanced parentheses", id="bad-query"),
        pytest.param({"term": "rif", "retstart": "10000"}, "'retstart' cannot be larger",
                     id="beyond-the-cap"),
        pytest.param({"term": "rif", "db": "pmc"}, "Database is not supported: pmc", id="other-db"),
    ],
)
def test_esearch_errors_come_as_error_bodies(replay_server, params, error):
    server = replay_server()
    reply = parse_esearch(_esearch(server, **params).content)
    assert error in reply.error


def test_esearch_over_get_works_too(replay_server):
    server = replay_server()
    answer = requests.get(server.base_url + "esearch.fcgi", params={"term": "tacrolimus"}, timeout=5)
    assert parse_esearch(answer.content).ids == ("90000010",)


# --- efetch ------------------------------------------------------------------------------------

def test_efetch_reply_is_valid_against_the_pubmed_dtd(replay_server):
    server = replay_server()
    answer = requests.post(server.base_url + "efetch.fcgi",
                           data={"db": "pubmed", "id": "90000001,90000004", "retmode": "xml"}, timeout=5)
    record = Entrez.read(io.BytesIO(answer.content))  # validates against pubmed_250101.dtd
    assert [str(a["MedlineCitation"]["PMID"]) for a in record["PubmedArticle"]] == ["90000001", "90000004"]


def test_efetch_pages_a_history_handle(replay_server):
    server = replay_server()
    found = parse_esearch(_esearch(server, term='"implantation failure"[tiab]', usehistory="y").content)
    answer = requests.post(server.base_url + "efetch.fcgi", data={
        "db": "pubmed", "WebEnv": found.webenv, "query_key": found.query_key,
        "retstart": "2", "retmax": "3", "retmode": "xml"}, timeout=5)
    assert parse_article_set_pmids(answer.content) == list(found.ids[2:5])


def test_efetch_by_get_keeps_the_order_asked_and_drops_unknown_ids(replay_server):
    server = replay_server()
    assert _efetch(server, ["90000008", "12345", "90000001", "90000008"], method="get") == [
        "90000008", "90000001"]


@pytest.mark.parametrize(
    ("params", "status", "error"),
    [
        pytest.param({"id": "90000001"}, 400, "Database is not specified", id="missing-db"),
        pytest.param({"db": "pubmed"}, 400, "Empty id list - nothing todo", id="no-ids"),
        pytest.param({"db": "pubmed", "id": "90000001", "retmode": "json"}, 400,
                     "Only retmode=xml", id="json-asked"),
        pytest.param({"db": "pubmed", "WebEnv": "MCID_nope", "query_key": "1"}, 200,
                     "Unable to obtain query #1", id="unknown-webenv"),
    ],
)
def test_efetch_errors_as_ncbi_sends_them(replay_server, params, status, error):
    server = replay_server()
    answer = requests.post(server.base_url + "efetch.fcgi", data=params, timeout=5)
    assert answer.status_code == status
    assert f"<ERROR>{error}" in answer.text and "<eFetchResult>" in answer.text


def test_unknown_endpoint_is_404(replay_server):
    server = replay_server()
    assert requests.get(server.base_url + "einfo.fcgi", timeout=5).status_code == 404
    assert server.requests == []


# --- the command line --------------------------------------------------------------------------

def test_command_line_serves_a_folder(eutils_fixtures):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "flows.replay_server", str(eutils_fixtures), "--port", str(port),
         "--as-of", "2024-02-01"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        banner = process.stdout.readline()
        assert banner.startswith("serving 11 record versions at http://127.0.0.1:")
        answer = requests.get(banner.split(" at ")[1].strip() + "esearch.fcgi",
                              params={"term": '"implantation failure"[tiab]'}, timeout=5)
        assert parse_esearch(answer.content).count == 5  # as of 1 February
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_command_line_reports_a_bad_folder_in_one_line(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "flows.replay_server", str(tmp_path / "missing")],
        capture_output=True, text=True, cwd=Path(__file__).resolve().parents[2], timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.strip().startswith("replay_server: replay folder not found")
    assert "Traceback" not in done.stderr


def test_sort_by_publication_date(replay_server):
    server = replay_server()
    found = parse_esearch(_esearch(server, term='"implantation failure"[tiab]', sort="pub_date").content)
    # April (09), March (10), 14 February (08), February with no day (04, 03: higher PMID first).
    assert found.ids == ("90000009", "90000010", "90000008", "90000004", "90000003",
                         "90000002", "90000001")
