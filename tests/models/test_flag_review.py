"""When a flag still stands after maintainers' decisions, and what it moves to."""

from __future__ import annotations

import pytest

from models.flag_review import StratumReading, claim_holds, settle_flag

SIG = StratumReading("RR", 1.5, True, False)
NOT_SIG = StratumReading("RR", 1.2, False, False)
BEYOND = StratumReading("RR", 1.8, True, True)
BELOW_ONE = StratumReading("RR", 0.7, True, False)


@pytest.mark.parametrize("kind, now, then, expected", [
    ("crossed_significance", SIG, None, True),
    ("crossed_significance", NOT_SIG, None, False),
    ("crossed_significance", None, None, False),
    ("lost_significance", NOT_SIG, None, True),
    ("lost_significance", SIG, None, False),
    ("crossed_boundary", BEYOND, None, True),
    ("crossed_boundary", SIG, None, False),
    ("direction_flip", BELOW_ONE, StratumReading("RR", 0.8, False, False), True),
    ("direction_flip", SIG, StratumReading("RR", 0.8, False, False), False),
    ("direction_flip", SIG, None, None),
    ("something_new", SIG, None, None),
], ids=["sig-holds", "sig-gone", "sig-unpooled", "lost-holds", "lost-regained", "boundary-holds",
        "boundary-gone", "flip-holds", "flip-undone", "flip-no-reference", "unknown-kind"])
def test_claim_holds(kind, now, then, expected):
    assert claim_holds(kind, now, then) is expected


@pytest.mark.parametrize("now, settled, status", [
    (NOT_SIG, False, "dismissed"), (NOT_SIG, True, "dismissed"), (SIG, True, "confirmed"), (SIG, False, None),
], ids=["gone-unsettled", "gone-settled", "holds-settled", "holds-unsettled"])
def test_settle_flag(now, settled, status):
    result = settle_flag("crossed_significance", settled, now)
    assert result.status == status
    assert result.reason


def test_direction_is_read_on_the_log_scale_for_ratios_and_as_is_for_differences():
    assert StratumReading("RR", 0.9, False, False).direction == -1
    assert StratumReading("RD", 0.05, False, False).direction == 1
    assert StratumReading("RR", None, None, None).direction == 0
