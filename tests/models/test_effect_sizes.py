"""Effect sizes from counts and from reported intervals, against hand-checked values."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.effect_sizes import (
    EffectSizeError,
    effect_from_counts,
    effect_from_interval,
    log_effect,
)


@pytest.mark.parametrize(
    ("measure", "counts", "expected"),
    [
        # Olesen 2019 as the seed review reports it: RR 1.67 (0.94-2.98).
        pytest.param("RR", (26, 66, 12, 51), (1.67, 0.94, 2.98), id="olesen-rr"),
        # Huang 2017 ongoing pregnancy 32/62 vs 13/50: RR 1.99 (1.17-3.36), worked by hand.
        pytest.param("RR", (32, 62, 13, 50), (1.99, 1.17, 3.36), id="huang-rr"),
        # OR = (13*61)/(58*10) = 1.367; SE = sqrt(1/13+1/58+1/10+1/61) = 0.459.
        pytest.param("OR", (13, 71, 10, 71), (1.37, 0.56, 3.36), id="al-zebeidi-or"),
        # RD = 0.394 - 0.235 = 0.159; var = .394*.606/66 + .235*.765/51 = 0.00715.
        pytest.param("RD", (26, 66, 12, 51), (0.16, -0.01, 0.32), id="olesen-rd"),
    ],
)
def test_effect_from_counts_matches_hand_arithmetic(measure, counts, expected):
    effect = effect_from_counts(measure, *counts)
    assert (round(effect.estimate, 2), round(effect.ci_low, 2), round(effect.ci_high, 2)) == expected
    assert not effect.corrected


def test_zero_cell_adds_half_to_that_study_only():
    yi, vi, corrected = log_effect("OR", 0, 20, 3, 20)
    assert corrected
    assert yi == pytest.approx(math.log((0.5 * 17.5) / (20.5 * 3.5)))
    assert vi == pytest.approx(1 / 0.5 + 1 / 20.5 + 1 / 3.5 + 1 / 17.5)


@pytest.mark.parametrize("counts", [(0, 20, 0, 25), (20, 20, 25, 25)], ids=["no-events", "all-events"])
def test_double_zero_study_is_not_estimable_on_a_ratio_scale(counts):
    assert effect_from_counts("RR", *counts) is None
    assert effect_from_counts("OR", *counts) is None
    rd = effect_from_counts("RD", *counts)
    assert rd.estimate == 0 and rd.corrected and rd.vi > 0


@pytest.mark.parametrize(
    "counts", [(5, 4, 1, 10), (1, 0, 1, 10), (-1, 10, 1, 10)], ids=["events-gt-total", "empty-arm", "negative"]
)
def test_impossible_counts_raise_one_line(counts):
    with pytest.raises(EffectSizeError) as info:
        effect_from_counts("RR", *counts)
    assert "\n" not in str(info.value)


def test_se_from_reported_interval_round_trips():
    # Aleyasin 2016: OR 2.94 (1.23-8.33) -> SE of log OR = (ln 8.33 - ln 1.23) / 3.92.
    effect = effect_from_interval("OR", 2.94, 1.23, 8.33)
    assert effect.se == pytest.approx((math.log(8.33) - math.log(1.23)) / (2 * 1.959964), rel=1e-6)
    assert effect.estimate == pytest.approx(2.94)


@pytest.mark.parametrize(
    ("estimate", "low", "high"), [(3.5, 1.2, 3.0), (1.2, 2.0, 1.0), (-1.0, 0.5, 2.0)],
    ids=["outside", "reversed", "non-positive"],
)
def test_bad_reported_interval_raises(estimate, low, high):
    with pytest.raises(EffectSizeError):
        effect_from_interval("RR", estimate, low, high)


counts = st.integers(1, 400).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n)))


@given(counts, counts)
def test_interval_always_brackets_the_estimate(treat, ctrl):
    for measure in ("RR", "OR", "RD"):
        effect = effect_from_counts(measure, *treat, *ctrl)
        if effect is None:
            continue
        assert effect.ci_low <= effect.estimate <= effect.ci_high
        assert effect.vi > 0


@given(counts, counts)
def test_swapping_arms_inverts_the_effect(treat, ctrl):
    forward = log_effect("OR", *treat, *ctrl)
    backward = log_effect("OR", *ctrl, *treat)
    if forward is None:
        assert backward is None
        return
    assert forward[0] == pytest.approx(-backward[0], abs=1e-9)
    assert forward[1] == pytest.approx(backward[1])


def test_rd_with_a_zero_cell_takes_its_variance_from_corrected_cells():
    # Cochrane CD000478 (RevMan): 2/38 vs 0/39 -> RD 0.05 (-0.03 to 0.14). By hand: cells
    # 2.5/36.5 and 0.5/39.5 give var = .0641*.9359/39 + .0125*.9875/40 = 0.001847.
    rd = effect_from_counts("RD", 2, 38, 0, 39)
    assert rd.corrected
    assert rd.estimate == pytest.approx(2 / 38)
    assert rd.vi == pytest.approx(0.0641 * 0.9359 / 39 + 0.0125 * 0.9875 / 40, rel=1e-2)
    assert (round(rd.ci_low, 2), round(rd.ci_high, 2)) == (-0.03, 0.14)
