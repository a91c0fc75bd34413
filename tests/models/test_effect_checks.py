"""Checks before storage: each rule on a good and a bad effect, with its reason."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractors.records import Effect
from models.effect_checks import check_effect
from models.effect_sizes import effect_from_counts


def effect(**fields) -> Effect:
    base = dict(pmid="1", outcome="live_birth")
    base.update(fields)
    return Effect(**base)


GOOD = effect(measure="RR", estimate=1.67, ci_low=0.94, ci_high=2.98, treat_events=26, treat_total=66,
              ctrl_events=12, ctrl_total=51, treat_percent=39.4, ctrl_percent=23.5)


def test_a_consistent_effect_passes():
    assert check_effect(GOOD) == ()


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        pytest.param(dict(treat_events=67), "treat_events 67 exceed treat_total 66", id="events-over-total"),
        pytest.param(dict(ctrl_total=0), "ctrl_total 0 is not positive", id="empty-arm"),
        pytest.param(dict(ctrl_events=-1), "ctrl_events -1 is negative", id="negative"),
        pytest.param(dict(treat_percent=41.0), "treat_percent 41.0 disagrees with 26/66", id="percent-vs-count"),
        pytest.param(dict(treat_percent=140.0), "treat_percent 140.0 is outside 0–100", id="percent-range"),
        pytest.param(dict(ci_low=1.70), "does not contain the estimate 1.67", id="interval-misses-estimate"),
        pytest.param(dict(ci_low=3.1, ci_high=2.98), "is reversed", id="reversed-interval"),
        pytest.param(dict(estimate=-1.0, ci_low=-2.0), "must be positive", id="negative-ratio"),
        pytest.param(dict(estimate=1.90), "reported RR 1.9 disagrees with counts", id="ratio-vs-counts"),
        pytest.param(dict(outcome="pregnancy"), "unknown outcome", id="outcome-vocabulary"),
        pytest.param(dict(measure="MD"), "unknown measure", id="measure-vocabulary"),
        pytest.param(dict(p_value=1.5), "p-value 1.5 is outside 0–1", id="p-range"),
        pytest.param(dict(denominator_unit="oocyte"), "unknown denominator unit", id="unit-vocabulary"),
        pytest.param(dict(qualifiers=("maybe",)), "unknown qualifier", id="qualifier-vocabulary"),
    ],
)
def test_each_failure_names_its_reason(fields, reason):
    bad = Effect(**{**{f: getattr(GOOD, f) for f in GOOD.__dataclass_fields__}, **fields})
    problems = check_effect(bad)
    assert any(reason in p for p in problems), problems


def test_risk_difference_must_be_a_proportion():
    assert check_effect(effect(measure="RD", estimate=12.0, ci_low=2.0, ci_high=20.0)) == (
        "a risk difference and its interval must lie in [-1, 1]",)


def test_adjusted_ratio_is_not_checked_against_crude_counts():
    adjusted = Effect(**{**{f: getattr(GOOD, f) for f in GOOD.__dataclass_fields__}, "estimate": 1.9,
                         "ci_low": 1.0, "ci_high": 3.5, "qualifiers": ("adjusted",)})
    assert check_effect(adjusted) == ()


def test_computed_row_is_not_checked_against_itself():
    computed = Effect(**{**{f: getattr(GOOD, f) for f in GOOD.__dataclass_fields__}, "source": "computed",
                         "estimate": 1.6742})
    assert check_effect(computed) == ()


@given(st.integers(1, 300), st.integers(1, 300), st.data())
def test_effects_computed_from_valid_counts_always_pass(tn, cn, data):
    te, ce = data.draw(st.integers(0, tn)), data.draw(st.integers(0, cn))
    for measure in ("RR", "OR", "RD"):
        computed = effect_from_counts(measure, te, tn, ce, cn)
        e = effect(measure=measure, source="computed", treat_events=te, treat_total=tn, ctrl_events=ce,
                   ctrl_total=cn, treat_percent=round(100 * te / tn, 1), ctrl_percent=round(100 * ce / cn, 1),
                   estimate=computed.estimate if computed else None, ci_low=computed.ci_low if computed else None,
                   ci_high=computed.ci_high if computed else None)
        assert check_effect(e) == ()


@given(st.integers(1, 300), st.integers(1, 300), st.data())
def test_printed_ratio_rounded_from_its_counts_passes(tn, cn, data):
    te, ce = data.draw(st.integers(1, tn)), data.draw(st.integers(1, cn))
    computed = effect_from_counts("RR", te, tn, ce, cn)
    if computed is None or computed.corrected:
        return
    e = effect(measure="RR", estimate=round(computed.estimate, 2), ci_low=round(computed.ci_low, 2),
               ci_high=round(computed.ci_high, 2), treat_events=te, treat_total=tn, ctrl_events=ce, ctrl_total=cn)
    if e.estimate == 0:
        return
    assert not [p for p in check_effect(e) if "disagrees" in p]


@pytest.mark.parametrize(
    ("percent", "passes"),
    [pytest.param(39.4, True, id="exact-rounding"), pytest.param(39.3, True, id="one-unit-off"),
     pytest.param(39.6, False, id="two-units-off")],
)
def test_a_printed_percentage_may_be_one_unit_off_its_count(percent, passes):
    # 26/66 = 39.39%: papers that round twice (42/402 = 10.448 -> 10.45 -> 10.5) print one unit off
    effect = Effect(**{**{f: getattr(GOOD, f) for f in GOOD.__dataclass_fields__}, "treat_percent": percent})
    assert (check_effect(effect) == ()) is passes
