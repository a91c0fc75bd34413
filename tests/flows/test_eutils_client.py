"""The E-utilities client against the replay server: slicing, the mdat pass, identity, rate
limits measured on the server's own request log, and an unreachable server."""

from __future__ import annotations

import socket
from datetime import date
from itertools import pairwise

import pytest

from flows.eutils import EutilsClient, EutilsError, SearchResult
from flows.eutils_parse import parse_article_set_pmids
from flows.replay_faults import FaultPlan

TERM = '"implantation failure"[tiab]'
JAN_FEB = (date(2024, 1, 1), date(2024, 2, 29))
# Everything the query finds in the fixtures once 90000005 is deleted.
ALL_MATCHES = {"90000001", "90000002", "90000003", "90000004", "90000008", "90000009", "90000010"}


# --- the 10,000-id cap, made small -----------------------------------------------------------

def test_window_over_the_cap_is_sliced_until_each_slice_fits(replay_server, fast_client):
    server = replay_server(esearch_cap=3)
    client = fast_client(server.base_url, max_ids_per_search=3)
    slices = client.search_window(TERM, "crdt", *JAN_FEB)
    assert len(slices) > 1
    assert all(s.result.count <= 3 and s.result.complete for s in slices)
    # Slices tile the window: contiguous, in order, without overlap.
    assert slices[0].start == JAN_FEB[0] and slices[-1].end == JAN_FEB[1]
    assert all((b.start - a.end).days == 1 for a, b in pairwise(slices))
    ids = [p for s in slices for p in s.result.ids]
    assert len(ids) == len(set(ids)) and set(ids) == ALL_MATCHES


def test_sliced_window_is_collected_completely(replay_server, fast_client):
    server = replay_server(esearch_cap=3)
    client = fast_client(server.base_url, max_ids_per_search=3, batch_size=2)
    got = client.collect_updates(TERM, *JAN_FEB, mdat_pass=False)
    assert sorted(got.pmids) == sorted(ALL_MATCHES)
    assert got.counts == {"crdt_found": 7, "crdt_fetched": 7}
    # Every efetch paged a history handle from one slice, none beyond the server's cap.
    fetches = [r for r in server.requests if r.endpoint == "efetch"]
    assert all("webenv" in r.params and int(r.params["retstart"]) < 3 for r in fetches)


def test_single_day_over_the_cap_is_a_clear_error(replay_server, fast_client):
    server = replay_server()
    client = fast_client(server.base_url, max_ids_per_search=1)
    # 90000003 and 90000004 were both created on 2024-01-12.
    with pytest.raises(EutilsError, match=r"2 records with crdt 2024-01-12 exceed the 1-id limit"):
        client.search_window(TERM, "crdt", date(2024, 1, 10), date(2024, 1, 14))


def test_fetching_an_incomplete_search_refuses(fast_client, replay_server):
    client = fast_client(replay_server().base_url)
    partial = SearchResult(count=5, webenv="MCID_x", query_key="1", ids=("1", "2"))
    with pytest.raises(EutilsError, match="found 5 records but listed 2 ids"):
        list(client.fetch(partial))


# --- the modification-date pass ----------------------------------------------------------------

def test_record_revised_later_comes_back_in_the_mdat_pass(replay_server, fast_client):
    server = replay_server(as_of=date(2024, 2, 1))
    client = fast_client(server.base_url)
    january = client.collect_updates(TERM, date(2024, 1, 1), date(2024, 1, 31))
    assert set(january.pass_of) == {"90000001", "90000002", "90000003", "90000004", "90000005"}
    first_version = next(b.body for b in january.batches if "90000002" in b.pmids)
    assert b"Randomized Controlled Trial" not in first_version

    server.as_of = date(2024, 3, 1)
    february = client.collect_updates(TERM, date(2024, 2, 1), date(2024, 2, 29))
    assert february.pass_of == {
        "90000008": "crdt", "90000009": "crdt", "90000010": "crdt", "90000002": "mdat",
    }
    revised = next(b for b in february.batches if b.pass_name == "mdat")
    assert revised.pmids == ("90000002",)
    assert b"Randomized Controlled Trial" in revised.body  # the indexed version
    # Only the id not fetched by the crdt pass was asked for in the mdat pass.
    last_fetch = [r for r in server.requests if r.endpoint == "efetch"][-1]
    assert last_fetch.params["id"] == "90000002"
    assert february.counts["mdat_found"] == 4 and february.counts["mdat_already_fetched"] == 3


def test_mdat_pass_can_be_switched_off(replay_server, fast_client):
    server = replay_server(as_of=date(2024, 3, 1))
    got = fast_client(server.base_url).collect_updates(
        TERM, date(2024, 2, 1), date(2024, 2, 29), mdat_pass=False
    )
    assert set(got.pass_of.values()) == {"crdt"}
    assert [r.params.get("datetype") for r in server.requests if r.endpoint == "esearch"] == ["crdt"]


# --- what goes over the wire -------------------------------------------------------------------

def test_identity_is_sent_and_the_key_kept_out_of_the_archive(replay_server, fast_client):
    server = replay_server()
    archived = []
    client = fast_client(server.base_url, api_key="s3cret", archive=archived.append)
    result = client.search(TERM, datetype="crdt", mindate=date(2024, 1, 1), maxdate=date(2024, 1, 31))
    list(client.fetch(result))
    for request in server.requests:
        assert request.method == "POST"
        assert request.params["tool"] == "rifwatch"
        assert request.params["email"] == "tests@example.org"
        assert request.params["api_key"] == "s3cret"
    search = server.requests[0].params
    assert (search["datetype"], search["mindate"], search["maxdate"]) == ("crdt", "2024/01/01", "2024/01/31")
    assert search["usehistory"] == "y"
    assert archived and all("api_key" not in a.params for a in archived)
    assert all(a.params["tool"] == "rifwatch" for a in archived)
    assert b"s3cret" not in b"".join(a.body for a in archived)


def test_fetch_by_ids_posts_batches_and_skips_repeats(replay_server, fast_client):
    server = replay_server()
    client = fast_client(server.base_url)
    bodies = list(client.fetch(["90000001", "90000003", "90000001", "90000004"], batch_size=2))
    assert [parse_article_set_pmids(b) for b in bodies] == [["90000001", "90000003"], ["90000004"]]
    assert [r.params["id"] for r in server.requests] == ["90000001,90000003", "90000004"]


def test_client_from_env_points_at_the_replay_server(replay_server):
    server = replay_server()
    env = {"NCBI_EMAIL": "ops@example.org", "RIFWATCH_EUTILS_URL": server.base_url}
    with EutilsClient.from_env(env, timeout=2.0) as client:
        result = client.search(TERM)
    assert result.count == 7
    assert server.requests[0].params["email"] == "ops@example.org"


# --- rate limits, on the real clock ------------------------------------------------------------

@pytest.mark.parametrize(
    ("api_key", "requests_sent", "min_gap", "max_median_gap"),
    [
        pytest.param(None, 4, 1 / 3, 0.5, id="no-key-3-per-second"),
        pytest.param("k", 8, 1 / 10, 1 / 3, id="key-10-per-second"),
    ],
)
def test_requests_are_spaced_as_ncbi_asks(replay_server, api_key, requests_sent, min_gap,
                                           max_median_gap):
    server = replay_server(faults=FaultPlan(enforce_rate_limit=True))
    with EutilsClient(base_url=server.base_url, api_key=api_key, timeout=2.0) as client:
        for _ in range(requests_sent):
            client.search(TERM)
    gaps = sorted(b.time - a.time for a, b in pairwise(server.requests))
    assert len(gaps) == requests_sent - 1
    assert gaps[0] >= min_gap  # measured where NCBI measures: on arrival at the server
    assert gaps[len(gaps) // 2] < max_median_gap  # and no slower than needed
    assert all(r.status == 200 for r in server.requests)  # the enforced limit never tripped


def test_server_enforces_ncbi_limit_and_client_recovers(replay_server):
    server = replay_server(faults=FaultPlan(enforce_rate_limit=True))
    ticks = iter(range(0, 10_000, 10))  # a clock that races ahead: the limiter never waits
    client = EutilsClient(base_url=server.base_url, timeout=2.0, backoff_base=0.5,
                          clock=lambda: float(next(ticks)))
    with client:
        for _ in range(5):
            assert client.search(TERM).count == 7
    refused = [r for r in server.requests if r.fault == "rate_limit"]
    assert refused and all(r.status == 429 for r in refused)
    assert sum(r.status == 200 for r in server.requests) == 5


# --- no server at all --------------------------------------------------------------------------

def test_unreachable_server_is_one_line(fast_client):
    with socket.socket() as probe:  # a port that was free a moment ago and is closed now
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = fast_client(f"http://127.0.0.1:{port}/entrez/eutils/", max_retries=2)
    with pytest.raises(EutilsError) as caught:
        client.search(TERM)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("esearch failed after 3 tries (last status: no response): connection refused")
    assert f"127.0.0.1:{port}" in message


def test_configured_ten_thousand_is_read_as_ncbis_real_window():
    assert EutilsClient(max_ids_per_search=10_000).max_ids_per_search == 9_999
    with pytest.raises(ValueError, match="max_ids_per_search"):
        EutilsClient(max_ids_per_search=20_000)


def test_rate_can_be_raised_for_a_local_server(replay_server):
    server = replay_server()
    with EutilsClient(base_url=server.base_url, rate=100.0, timeout=2.0) as client:
        for _ in range(6):
            client.search(TERM)
    gaps = sorted(b.time - a.time for a, b in pairwise(server.requests))
    assert gaps[0] >= 1 / 100 and gaps[len(gaps) // 2] < 1 / 10
