"""Fault plans: aiming by ordinal or predicate, how often a fault fires, the enforced limit."""

from __future__ import annotations

import pytest

from flows.replay_faults import Fault, FaultPlan, RequestInfo
from flows.replay_responses import truncate_body


def _request(endpoint: str, ordinal: int, index: int, **params) -> RequestInfo:
    return RequestInfo(endpoint, "POST", params, ordinal, index)


def test_ordinal_aims_at_one_request_of_one_endpoint():
    plan = FaultPlan([Fault.status(503, endpoint="efetch", ordinal=2)])
    assert plan.pick(_request("esearch", 2, 2)) is None
    assert plan.pick(_request("efetch", 1, 3)) is None
    assert plan.pick(_request("efetch", 2, 4)).http_status == 503
    assert plan.pick(_request("efetch", 2, 4)) is None  # fired once


def test_ordinal_without_endpoint_counts_all_requests():
    plan = FaultPlan([Fault.reset(ordinal=3)])
    assert [plan.pick(_request("esearch", i, i)) is not None for i in (1, 2, 3)] == [False, False, True]


def test_predicate_fires_as_often_as_allowed():
    plan = FaultPlan([Fault.truncated(when=lambda r: "id" in r.params, times=2)])
    picks = [plan.pick(_request("efetch", i, i, id="1")) for i in range(1, 5)]
    assert [p is not None for p in picks] == [True, True, False, False]
    forever = FaultPlan([Fault.timeout(when=lambda r: True, times=None)])
    assert all(forever.pick(_request("esearch", i, i)) for i in range(1, 20))


def test_first_matching_fault_wins():
    plan = FaultPlan([Fault.status(500, ordinal=1), Fault.status(502, ordinal=1)])
    assert plan.pick(_request("esearch", 1, 1)).http_status == 500
    assert plan.pick(_request("esearch", 1, 1)).http_status == 502


def test_enforced_limit_counts_a_sliding_second_per_key_class():
    plan = FaultPlan(enforce_rate_limit=True)
    verdicts = [plan.over_rate(t, has_key=False)[0] for t in (0.0, 0.2, 0.4, 0.6, 1.3)]
    assert verdicts == [False, False, False, True, False]
    keyed = [plan.over_rate(t / 100, has_key=True)[0] for t in range(11)]
    assert keyed == [False] * 10 + [True]


def test_limit_not_enforced_unless_asked():
    plan = FaultPlan()
    assert not any(plan.over_rate(0.0, has_key=False)[0] for _ in range(10))


@pytest.mark.parametrize(
    ("fault_kwargs", "message"),
    [
        pytest.param({"kind": "explode", "ordinal": 1}, "unknown fault kind", id="unknown-kind"),
        pytest.param({"kind": "reset"}, "needs an ordinal", id="unaimed"),
    ],
)
def test_bad_faults_are_refused(fault_kwargs, message):
    with pytest.raises(ValueError, match=message):
        Fault(**fault_kwargs)


def test_truncation_cuts_inside_the_last_record():
    body = b"<PubmedArticleSet>\n<PubmedArticle>a</PubmedArticle>\n<PubmedArticle>bbbb</PubmedArticle>\n</PubmedArticleSet>\n"
    cut = truncate_body(body)
    assert cut.count(b"<PubmedArticle>") == 2 and cut.count(b"</PubmedArticle>") == 1
    assert truncate_body(b"<eSearchResult></eSearchResult>") == b"<eSearchResult>"
