"""STACK.md's worked example, and statsmodels' pitfalls that the engine must not repeat."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from models.pooling import Study, effect_table, pool

TRIALS = [Study.from_counts("1", 13, 71, 10, 71), Study.from_counts("2", 4, 26, 3, 25),
          Study.from_counts("3", 12, 82, 13, 75)]
#: Four trials with almost the same risks: they agree far more than their variances imply.
NEAR_IDENTICAL = [Study.from_counts("1", 20, 100, 25, 100), Study.from_counts("2", 21, 100, 26, 100),
                  Study.from_counts("3", 20, 101, 25, 99), Study.from_counts("4", 19, 98, 24, 100)]


def rounded(result, digits=3):
    return round(result.estimate, digits), round(result.ci_low, digits), round(result.ci_high, digits)


def test_fixed_effect_inverse_variance():
    result = pool(TRIALS, measure="RR", method="FE")
    assert round(result.theta, 4) == 0.0620 and round(result.se, 4) == 0.2490
    assert rounded(result) == (1.064, 0.653, 1.733)


def test_dersimonian_laird_tau2_is_zero_so_same_as_fixed():
    result = pool(TRIALS, measure="RR", method="DL")
    assert result.tau2 == 0.0
    assert rounded(result) == (1.064, 0.653, 1.733)


def test_hksj_interval():
    result = pool(TRIALS, measure="RR", method="DL", ci="hksj")
    # STACK.md prints 0.556; metafor's value is 0.555496 (test="knha"), which rounds to 0.555.
    assert result.ci_low == pytest.approx(0.5554961594, rel=1e-8)
    assert (round(result.estimate, 3), round(result.ci_high, 3)) == (1.064, 2.038)
    assert abs(result.ci_low - 0.556) < 1e-3


def test_mantel_haenszel_rr():
    assert rounded(pool(TRIALS, measure="RR", method="MH")) == (1.066, 0.656, 1.731)


@pytest.fixture(scope="module")
def statsmodels_meta():
    return pytest.importorskip("statsmodels.stats.meta_analysis")


def test_dl_tau2_is_floored_where_statsmodels_goes_negative(statsmodels_meta):
    table = effect_table(TRIALS, "RR")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = statsmodels_meta.combine_effects(table.yi, table.vi, method_re="dl")
    assert theirs.tau2 < 0, "statsmodels leaves the DerSimonian-Laird tau2 below zero"
    ours = pool(TRIALS, measure="RR", method="DL")
    assert ours.tau2 == 0.0
    # With a negative tau2 statsmodels' random-effects mean drifts away from the fixed effect.
    assert theirs.mean_effect_re != pytest.approx(ours.theta, abs=1e-3)
    assert ours.theta == pytest.approx(pool(TRIALS, measure="RR", method="FE").theta, rel=1e-12)


def test_adhoc_hksj_never_narrower_where_statsmodels_is(statsmodels_meta):
    table = effect_table(NEAR_IDENTICAL, "RR")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = statsmodels_meta.combine_effects(table.yi, table.vi, method_re="pm", use_t=True)
        frame = theirs.summary_frame()
    wald = pool(NEAR_IDENTICAL, measure="RR", method="PM", ci="wald")
    plain = pool(NEAR_IDENTICAL, measure="RR", method="PM", ci="hksj")
    floored = pool(NEAR_IDENTICAL, measure="RR", method="PM", ci="hksj-adhoc")
    sm_low, sm_high = frame.loc["random effect wls", ["ci_low", "ci_upp"]]
    # statsmodels' HKSJ ("wls") equals plain HKSJ: narrower than even the Wald interval here.
    assert sm_high - sm_low == pytest.approx(math.log(plain.ci_high / plain.ci_low), rel=1e-6)
    wald_width = math.log(wald.ci_high / wald.ci_low)
    assert math.log(plain.ci_high / plain.ci_low) < wald_width
    assert math.log(floored.ci_high / floored.ci_low) >= wald_width
    assert floored.p_value >= wald.p_value > plain.p_value


def test_zero_cells_stay_finite_where_statsmodels_defaults_are_infinite(statsmodels_meta):
    counts = np.array([[0, 20, 3, 20], [1, 25, 6, 24], [0, 15, 2, 16]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = statsmodels_meta.effectsize_2proportions(counts[:, 0], counts[:, 1], counts[:, 2],
                                                          counts[:, 3], statistic="rr", zero_correction=None)
    assert not np.all(np.isfinite(theirs[0])), "statsmodels: log RR of a zero cell is -inf by default"
    result = pool([Study.from_counts(str(i), *row) for i, row in enumerate(counts)], measure="RR", method="DL")
    assert math.isfinite(result.theta) and math.isfinite(result.se)
