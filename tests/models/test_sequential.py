"""Lan-DeMets boundaries, information size, diversity and the LIL penalty."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import multivariate_normal

from models.sequential import (
    MonitoringError,
    alpha_spent,
    boundaries,
    diversity,
    lil_penalty,
    lil_statistic,
    required_information_size,
)

FIVE_LOOKS = [0.2, 0.4, 0.6, 0.8, 1.0]


def test_obrien_fleming_five_equal_looks_match_the_published_values():
    # DeMets & Lan (1994), O'Brien-Fleming-type spending, two-sided alpha = 0.05.
    assert boundaries(FIVE_LOOKS, 0.05, "obf") == pytest.approx([4.877, 3.357, 2.680, 2.290, 2.031], abs=1e-3)


def test_pocock_five_equal_looks():
    # Pocock-type spending, same design (checked against an independent MVN integration below).
    assert boundaries(FIVE_LOOKS, 0.05, "pocock") == pytest.approx([2.438, 2.427, 2.410, 2.397, 2.386], abs=1e-3)


@pytest.mark.parametrize("spending", ["obf", "pocock"])
@pytest.mark.parametrize("fractions", [FIVE_LOOKS, [0.2, 0.45, 0.7, 1.0], [0.1, 0.5, 0.55, 0.9]],
                         ids=["five-equal", "issue-example", "uneven"])
def test_crossing_probabilities_equal_the_alpha_spent(spending, fractions):
    """An independent oracle: the multivariate normal CDF of (Z_1..Z_j), corr sqrt(t_i/t_j)."""
    bounds = np.array(boundaries(fractions, 0.05, spending))
    t = np.array(fractions)
    corr = np.sqrt(np.minimum.outer(t, t) / np.maximum.outer(t, t))
    for j in range(1, len(t) + 1):
        mvn = multivariate_normal(mean=np.zeros(j), cov=corr[:j, :j], seed=1, abseps=1e-8, releps=0,
                                  maxpts=2 * 10 ** 5)
        crossed = 1 - mvn.cdf(bounds[:j], lower_limit=-bounds[:j])
        assert crossed == pytest.approx(alpha_spent(t[j - 1], 0.05, spending), abs=2e-5)


def test_single_look_at_full_information_is_the_fixed_sample_test():
    assert boundaries([1.0]) == pytest.approx([1.959964], abs=1e-6)


def test_looks_beyond_the_information_size_keep_the_final_boundary():
    values = boundaries([0.5, 1.0, 1.3, 2.0])
    assert values[1] == values[2] == values[3]
    assert values[1] == pytest.approx(boundaries([0.5, 1.0])[1])


def test_a_look_that_adds_no_information_repeats_the_boundary():
    values = boundaries([0.3, 0.3, 0.6])
    assert values[0] == values[1]
    assert values[2] == pytest.approx(boundaries([0.3, 0.6])[1])


def test_spending_is_monotone_and_spends_exactly_alpha():
    grid = np.linspace(0.01, 1, 50)
    for spending in ("obf", "pocock"):
        spent = [alpha_spent(t, 0.05, spending) for t in grid]
        assert np.all(np.diff(spent) > 0) and spent[-1] == pytest.approx(0.05)
        assert alpha_spent(1.7, 0.05, spending) == pytest.approx(0.05)


@pytest.mark.parametrize("fractions", [[0.5, 0.3], [0.0, 1.0], [-0.1], [], [float("nan")]],
                         ids=["decreasing", "zero", "negative", "empty", "nan"])
def test_bad_fractions_are_refused(fractions):
    with pytest.raises(MonitoringError):
        boundaries(fractions)


def test_unknown_spending_lists_the_choices():
    with pytest.raises(MonitoringError, match="obf, pocock"):
        boundaries([0.5, 1], spending="haybittle")


def test_required_information_size_by_hand():
    # p_c = 0.20, p_e = 0.26, mean 0.23; (1.959964 + 0.841621)^2 = 7.848879.
    expected = 4 * 7.848879 * 0.23 * 0.77 / 0.06 ** 2
    assert required_information_size(0.20, 0.30) == pytest.approx(expected, rel=1e-6)
    assert required_information_size(0.20, 0.30, diversity=0.5) == pytest.approx(2 * expected, rel=1e-6)
    # A decrease (miscarriage): p_e = 0.105 from 0.15.
    decrease = 4 * 7.848879 * 0.1275 * 0.8725 / 0.045 ** 2
    assert required_information_size(0.15, 0.30, increase=False) == pytest.approx(decrease, rel=1e-6)


def test_information_size_refuses_impossible_risks():
    with pytest.raises(MonitoringError, match="not a risk"):
        required_information_size(0.9, 0.3)


def test_diversity_is_the_variance_share_of_tau2():
    vi = [0.1, 0.2, 0.05]
    v_fixed = 1 / sum(1 / v for v in vi)
    v_random = 1 / sum(1 / (v + 0.3) for v in vi)
    assert diversity(vi, 0.3) == pytest.approx((v_random - v_fixed) / v_random)
    assert diversity(vi, 0.0) == 0.0 and diversity([0.1], 0.5) == 0.0


def test_lil_penalty():
    information = 200.0
    assert lil_penalty(information, 2.0) == pytest.approx(math.sqrt(2 * math.log(math.log(200))))
    assert lil_statistic(3.0, information) == pytest.approx(3.0 / lil_penalty(information))
    # Little information: the penalty never inflates z.
    assert lil_penalty(2.0) == 1.0 and lil_penalty(4.0) == 1.0
