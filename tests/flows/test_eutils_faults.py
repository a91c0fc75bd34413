"""Every way E-utilities fails, played by the replay server during a full ``collect_updates``.

The window (February 2024, replayed as of 1 March) has three new records (crdt pass, fetched by
history handle in batches of two) and one revised older record (mdat pass, fetched by id), so
each fault can be aimed at a search, a history fetch or an id fetch. Whatever fails, the cycle
must return exactly the four records, once each, and the archive must have seen every reply
that was delivered.
"""

from __future__ import annotations

from datetime import date

import pytest

from flows.eutils import EutilsError
from flows.eutils_parse import parse_article_set_pmids
from flows.eutils_query import EutilsRequest
from flows.replay_faults import Fault, FaultPlan

TERM = '"implantation failure"[tiab]'

WINDOW = (date(2024, 2, 1), date(2024, 2, 29))
AS_OF = date(2024, 3, 1)
EXPECTED = {"90000008": "crdt", "90000009": "crdt", "90000010": "crdt", "90000002": "mdat"}
# Requests of a fault-free cycle: esearch crdt, efetch x2 (history), esearch mdat, efetch (ids).
CLEAN_REQUESTS = 5

# 2024-03-01 12:00:03 GMT, three seconds after the simulated client's "now".
RETRY_DATE = "Fri, 01 Mar 2024 12:00:03 GMT"

FAULTS = [
    pytest.param(Fault.rate_limited(retry_after="2", endpoint="esearch", ordinal=1), 2.0,
                 id="esearch-429-retry-after-seconds"),
    pytest.param(Fault.rate_limited(retry_after=RETRY_DATE, endpoint="efetch", ordinal=1), 3.0,
                 id="efetch-429-retry-after-http-date"),
    pytest.param(Fault.status(500, endpoint="efetch", ordinal=2), None, id="efetch-500"),
    pytest.param(Fault.status(502, endpoint="esearch", ordinal=2), None, id="esearch-502-mdat-pass"),
    pytest.param(Fault.status(503, endpoint="efetch", ordinal=3), None, id="efetch-503-id-fetch"),
    pytest.param(Fault.timeout(hold_seconds=1.5, endpoint="efetch", ordinal=1), None,
                 id="efetch-timeout"),
    pytest.param(Fault.timeout(hold_seconds=1.5, endpoint="esearch", ordinal=1), None,
                 id="esearch-timeout"),
    pytest.param(Fault.truncated(endpoint="efetch", ordinal=2), None, id="efetch-truncated-xml"),
    pytest.param(Fault.truncated(endpoint="esearch", ordinal=1), None, id="esearch-truncated-xml"),
    pytest.param(Fault.error_body(endpoint="esearch", ordinal=1), None,
                 id="esearch-error-search-backend-failed"),
    pytest.param(Fault.error_body(endpoint="efetch", ordinal=1), None,
                 id="efetch-error-unable-to-obtain-query"),
    pytest.param(Fault.reset(endpoint="efetch", ordinal=1), None, id="efetch-connection-reset"),
    pytest.param(Fault.reset(endpoint="esearch", ordinal=2), None, id="esearch-connection-reset"),
    pytest.param(Fault.cut_connection(endpoint="efetch", ordinal=3), None,
                 id="efetch-connection-cut-mid-body"),
]


def _run_cycle(server, fast_client, **client_options):
    archived = []
    client = fast_client(server.base_url, archive=archived.append, batch_size=2, **client_options)
    got = client.collect_updates(TERM, *WINDOW)
    return got, archived


def _assert_exact_harvest(got, archived, server) -> None:
    assert sorted(got.pmids) == sorted(EXPECTED)  # no duplicate, no lost record
    assert got.pass_of == EXPECTED
    # Each batch body really holds the PMIDs it claims.
    assert [list(b.pmids) for b in got.batches] == [parse_article_set_pmids(b.body) for b in got.batches]
    delivered = [r for r in server.requests if r.status == 200 and r.fault is None]
    assert [a.endpoint for a in archived] == [r.endpoint for r in delivered]
    assert [a.params["retstart"] if "retstart" in a.params else a.params.get("id") for a in archived] == [
        r.params.get("retstart") if "retstart" in r.params else r.params.get("id") for r in delivered
    ]
    fetched = [p for a in archived if a.endpoint == "efetch" for p in parse_article_set_pmids(a.body)]
    assert sorted(fetched) == sorted(EXPECTED)


def test_clean_cycle_baseline(replay_server, fast_client):
    server = replay_server(as_of=AS_OF)
    got, archived = _run_cycle(server, fast_client)
    _assert_exact_harvest(got, archived, server)
    assert len(server.requests) == CLEAN_REQUESTS
    assert got.counts == {"crdt_found": 3, "crdt_fetched": 3, "mdat_found": 4,
                          "mdat_fetched": 1, "mdat_already_fetched": 3}


@pytest.mark.parametrize(("fault", "min_wait"), FAULTS)
def test_cycle_survives_fault(fault, min_wait, replay_server, fast_client, simulated_time):
    server = replay_server(as_of=AS_OF, faults=FaultPlan([fault]))
    got, archived = _run_cycle(server, fast_client)
    _assert_exact_harvest(got, archived, server)
    played = [r for r in server.requests if r.fault is not None]
    assert [r.fault for r in played] == [fault.kind]  # the fault really happened, once
    assert len(server.requests) == CLEAN_REQUESTS + 1  # and cost exactly one retry
    if min_wait is not None:  # Retry-After was honoured
        assert max(simulated_time.sleeps) >= min_wait


def test_cycle_survives_the_same_batch_failing_twice(replay_server, fast_client):
    plan = FaultPlan([Fault.status(503, endpoint="efetch", ordinal=2),
                      Fault.truncated(endpoint="efetch", ordinal=3)])
    server = replay_server(as_of=AS_OF, faults=plan)
    got, archived = _run_cycle(server, fast_client)
    _assert_exact_harvest(got, archived, server)
    assert [r.fault for r in server.requests if r.fault] == ["status", "truncated"]


def test_persistent_failure_gives_up_with_last_status(replay_server, fast_client):
    always = Fault.status(503, endpoint="efetch", when=lambda request: True, times=None)
    server = replay_server(as_of=AS_OF, faults=FaultPlan([always]))
    archived = []
    client = fast_client(server.base_url, archive=archived.append, max_retries=2)
    with pytest.raises(EutilsError) as caught:
        client.collect_updates(TERM, *WINDOW)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("efetch failed after 3 tries (last status: 503)")
    assert "Service Unavailable" in message
    assert [a.endpoint for a in archived] == ["esearch"]  # nothing undelivered was archived


def test_persistent_truncation_names_the_reason(replay_server, fast_client):
    always = Fault.truncated(endpoint="efetch", when=lambda request: True, times=None)
    server = replay_server(as_of=AS_OF, faults=FaultPlan([always]))
    with pytest.raises(EutilsError, match=r"efetch failed after 2 tries \(last status: 200\): "
                                          r"efetch body is cut off"):
        fast_client(server.base_url, max_retries=1).collect_updates(TERM, *WINDOW)


def test_query_error_is_not_retried(replay_server, fast_client):
    server = replay_server(as_of=AS_OF)
    with pytest.raises(EutilsError, match="esearch: esearch error: Invalid query: unbalanced"):
        fast_client(server.base_url).collect_updates("(implantation failure[tiab]", *WINDOW)
    assert len(server.requests) == 1


def test_efetch_400_is_not_retried(replay_server, fast_client):
    server = replay_server(as_of=AS_OF)
    client = fast_client(server.base_url)
    # The builders refuse an empty id list, so send the bad request through the transport.
    with pytest.raises(EutilsError, match=r"efetch refused: HTTP 400 .*Empty id list"):
        client.transport.call(EutilsRequest("efetch", (("db", "pubmed"), ("id", ""))), bytes)
    assert len(server.requests) == 1


def test_record_deleted_between_search_and_fetch_is_reported(replay_server, fast_client):
    server = replay_server(as_of=date(2024, 3, 9))
    client = fast_client(server.base_url, max_retries=1)
    found = client.search(TERM, datetype="crdt", mindate=date(2024, 1, 20), maxdate=date(2024, 1, 24))
    assert found.ids == ("90000005",)
    server.as_of = date(2024, 3, 10)  # the DeleteCitation takes effect
    with pytest.raises(EutilsError, match="asked for 1 records, got 0; missing 90000005"):
        list(client.fetch(found))
