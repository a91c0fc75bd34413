"""The snapshot's plain pooling arithmetic against known values, and its flag rules."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scripts.demo_snapshot.strata import (
    LogEffect,
    TrialEffect,
    cumulative_states,
    flags_between_cycles,
    log_from_reported,
    log_or_from_counts,
    log_rr_from_counts,
    pool_fixed,
)


def rr(a, n1, c, n2, pmid="x"):
    return LogEffect(pmid, *log_rr_from_counts(a, n1, c, n2), "counts")


def test_worked_example_from_stack_md():
    # STACK.md: fixed-effect IV log RR 0.0620, SE 0.2490, RR 1.064 (0.653-1.733).
    pooled = pool_fixed([rr(13, 71, 10, 71), rr(4, 26, 3, 25), rr(12, 82, 13, 75)])
    assert pooled.log_estimate == pytest.approx(0.0620, abs=5e-5)
    assert pooled.se == pytest.approx(0.2490, abs=5e-5)
    assert (round(pooled.estimate, 3), round(pooled.ci_low, 3), round(pooled.ci_high, 3)) == (1.064, 0.653, 1.733)


@pytest.mark.parametrize(
    ("counts", "expected", "significant"),
    [
        pytest.param((32, 62, 13, 50), (1.99, 1.17, 3.36), True, id="huang-hcg-vs-control"),
        pytest.param((32, 62, 22, 49), (1.15, 0.78, 1.70), False, id="huang-hcg-vs-saline"),
        pytest.param((19, 50, 10, 50), (1.90, 0.98, 3.67), False, id="pourmoghadam-borderline"),
        pytest.param((26, 66, 12, 51), (1.67, 0.94, 2.98), False, id="olesen"),
    ],
)
def test_single_trial_risk_ratios(counts, expected, significant):
    pooled = pool_fixed([rr(*counts)])
    assert tuple(round(x, 2) for x in (pooled.estimate, pooled.ci_low, pooled.ci_high)) == expected
    assert pooled.significant is significant


def test_borderline_pbmc_trial_is_not_significant_on_either_scale():
    risk = pool_fixed([rr(19, 50, 10, 50)])
    odds = pool_fixed([LogEffect("x", *log_or_from_counts(19, 50, 10, 50), "counts")])
    assert risk.p_value == pytest.approx(0.0558, abs=5e-5)
    assert odds.p_value == pytest.approx(0.0503, abs=5e-5)
    assert not risk.significant and not odds.significant


def test_a_lone_reported_ratio_keeps_its_printed_interval():
    log_estimate, se = log_from_reported(2.94, 1.23, 8.33)
    pooled = pool_fixed([LogEffect("x", log_estimate, se, "reported", (1.23, 8.33))])
    assert (pooled.estimate, pooled.ci_low, pooled.ci_high) == pytest.approx((2.94, 1.23, 8.33))
    assert pooled.p_value == pytest.approx(0.0271, abs=5e-5)


def test_zero_cells_are_refused_rather_than_corrected():
    with pytest.raises(ValueError):
        log_rr_from_counts(0, 13, 7, 16)


counts = st.tuples(st.integers(1, 40), st.integers(41, 90), st.integers(1, 40), st.integers(41, 90))


@settings(max_examples=60, deadline=None)
@given(st.lists(counts, min_size=1, max_size=6), st.randoms())
def test_pooling_ignores_order_and_stays_between_its_trials(trials, random):
    effects = [rr(*t, pmid=str(i)) for i, t in enumerate(trials)]
    shuffled = effects[:]
    random.shuffle(shuffled)
    a, b = pool_fixed(effects), pool_fixed(shuffled)
    assert a.log_estimate == pytest.approx(b.log_estimate) and a.se == pytest.approx(b.se)
    logs = [e.log_estimate for e in effects]
    assert min(logs) - 1e-12 <= a.log_estimate <= max(logs) + 1e-12
    assert a.se <= min(e.se for e in effects) + 1e-12


def _trial(pmid, week, counts, min_failures=3):
    return TrialEffect(pmid, week, "t", "live_birth", min_failures, *counts, None, None, None, None)


def test_flags_mark_crossing_losing_and_flipping():
    weeks = ["W1", "W2", "W3"]
    trials = [
        _trial("a", "W1", (30, 60, 12, 60)),   # RR 2.5, significant on its own
        _trial("b", "W2", (10, 60, 40, 60)),   # pulls the pool below 1, losing significance
    ]
    flags = flags_between_cycles(cumulative_states(trials, weeks, ("RR",)), weeks)
    kinds = {(f.week, f.rif_stratum, f.kind) for f in flags}
    assert ("W1", "rif_ge3", "crossed_significance") in kinds
    assert ("W2", "rif_ge3", "lost_significance") in kinds
    assert not any(f.week == "W3" for f in flags)
    assert pool_fixed([rr(30, 60, 12, 60), rr(10, 60, 40, 60)]).log_estimate < 0
    assert ("W2", "rif_ge3", "direction_flip") in kinds


def test_strata_follow_the_minimum_number_of_failures():
    assert _trial("a", "W1", (1, 2, 1, 2), None).strata() == ["rif_any"]
    assert _trial("a", "W1", (1, 2, 1, 2), 2).strata() == ["rif_any", "rif_ge2"]
    assert _trial("a", "W1", (1, 2, 1, 2), 4).strata() == ["rif_any", "rif_ge2", "rif_ge3"]
    assert math.isclose(pool_fixed([rr(1, 2, 1, 2)]).estimate, 1.0)
