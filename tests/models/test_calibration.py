"""Per-stratum Platt sigmoids and the thresholds of the operating points."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.calibration import (fit_sigmoid, fit_stratified_sigmoid, pick_threshold, threshold_for_sensitivity,
                                threshold_for_specificity)


def test_sigmoid_rises_with_the_score():
    scores = np.array([-3.0, -1.0, 0.0, 1.0, 3.0, -2.0, 2.0, 0.5])
    slope, _ = fit_sigmoid(scores, scores > 0)
    assert slope > 0


def test_a_stratum_of_one_class_gets_a_constant_smoothed_rate():
    slope, intercept = fit_sigmoid(np.array([1.0, 2.0, 3.0]), np.array([True, True, True]))
    assert slope == 0.0
    assert 1 / (1 + np.exp(-intercept)) == pytest.approx(4 / 5)  # Platt's target (n+1)/(n+2)


def test_a_slope_that_would_invert_the_ranking_is_refused():
    slope, _ = fit_sigmoid(np.array([-2.0, -1.0, 1.0, 2.0]), np.array([True, True, False, False]))
    assert slope == 0.0


def test_strata_are_calibrated_apart():
    scores = np.array([1.0, 2.0, 3.0, 1.0, 2.0, 3.0])
    labels = np.array([True, True, True, False, False, False])
    strata = np.array([0, 0, 0, 1, 1, 1])
    sigmoid = fit_stratified_sigmoid(scores, labels, strata, n_strata=3)
    p = sigmoid.probability(np.array([2.0, 2.0]), np.array([0, 1]))
    assert p[0] > 0.7 > 0.3 > p[1]
    assert sigmoid.slopes[2] == pytest.approx(fit_sigmoid(scores, labels)[0])  # empty stratum: the pooled fit


@pytest.mark.parametrize("target", [0.5, 0.8, 0.9, 1.0])
def test_threshold_for_sensitivity_meets_its_target(target):
    rng = np.random.default_rng(0)
    scores, labels = rng.random(200), rng.random(200) > 0.5
    assert (scores[labels] >= threshold_for_sensitivity(scores, labels, target)).mean() >= target


@pytest.mark.parametrize("target", [0.5, 0.9, 0.975])
def test_threshold_for_specificity_meets_its_target(target):
    rng = np.random.default_rng(1)
    scores, labels = rng.random(200), rng.random(200) > 0.5
    assert (scores[~labels] < threshold_for_specificity(scores, labels, target)).mean() >= target


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 1), st.booleans(), st.booleans()), min_size=4, max_size=60),
       st.sampled_from([("sensitivity", 0.9), ("sensitivity", 0.98), ("specificity", 0.9), ("specificity", 0.975)]))
def test_pick_threshold_meets_a_reachable_target(rows, goal):
    scores = np.array([r[0] for r in rows])
    labels = np.array([r[1] for r in rows])
    eligible = np.array([r[2] for r in rows])
    if labels.all() or not labels.any():
        return
    kind, target = goal
    threshold = pick_threshold(scores, labels, eligible, kind, target)
    predicted = (scores >= threshold) & eligible
    sensitivity = (predicted & labels).sum() / labels.sum()
    specificity = (~predicted & ~labels).sum() / (~labels).sum()
    best_sensitivity = (eligible & labels).sum() / labels.sum()
    if kind == "sensitivity":
        assert sensitivity >= min(target, best_sensitivity) - 1e-9
    else:
        assert specificity >= target - 1e-9
