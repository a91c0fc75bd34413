"""Properties every estimator must have, whatever the data (Hypothesis)."""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from models.pooling import Estimator, PoolingError, Study

RANDOM = ("DL", "REML", "PM", "HE", "ML")
METHODS_IV = ("FE",) + RANDOM
INTERVALS = ("wald", "hksj", "hksj-adhoc")

effect = st.tuples(st.floats(-3, 3, allow_nan=False), st.floats(0.01, 2.0, allow_nan=False))
effects = st.lists(effect, min_size=2, max_size=8)
arm = st.integers(1, 150).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n)))
table = st.tuples(arm, arm).map(lambda pair: (*pair[0], *pair[1]))
tables = st.lists(table, min_size=2, max_size=7)


def fit(method, ci, yi, vi, tau2_interval=False):
    try:
        return Estimator(measure="RD", method=method, ci=ci, tau2_interval=tau2_interval).fit_effects(yi, vi)
    except PoolingError as exc:  # e.g. Fisher scoring not converging: must say so, in one line
        assert "\n" not in str(exc)
        assume(False)


def near(a, b, rel=1e-7, abs_=1e-9):
    return (a is None and b is None) or math.isclose(a, b, rel_tol=rel, abs_tol=abs_)


@settings(max_examples=60, deadline=None)
@given(effects, st.sampled_from(METHODS_IV), st.sampled_from(INTERVALS), st.randoms())
def test_permutation_invariance(data, method, ci, rnd):
    yi, vi = map(list, zip(*data))
    order = list(range(len(yi)))
    rnd.shuffle(order)
    a = fit(method, ci, yi, vi)
    b = fit(method, ci, [yi[i] for i in order], [vi[i] for i in order])
    # Paule-Mandel stops where Brent's iteration stops (tolerance 1.2e-4 on tau2), so its
    # estimates agree to that tolerance rather than to rounding error.
    rel = 1e-3 if method == "PM" else 1e-7
    assert near(a.theta, b.theta, rel, 1e-6) and near(a.se, b.se, rel, 1e-6)
    assert near(a.tau2, b.tau2, rel, 2e-4)


@settings(max_examples=80, deadline=None)
@given(effects, st.sampled_from(RANDOM))
def test_tau2_is_never_negative(data, method):
    yi, vi = zip(*data)
    result = fit(method, "wald", yi, vi, tau2_interval=True)
    assert result.tau2 >= 0
    assert 0 <= result.i2 <= 100 and result.h2 >= 1
    assert result.tau2_ci_low <= result.tau2_ci_high


@settings(max_examples=60, deadline=None)
@given(effects, st.sampled_from(METHODS_IV), st.sampled_from(INTERVALS), st.floats(-2, 2, allow_nan=False))
def test_shifting_every_study_shifts_the_estimate(data, method, ci, shift):
    yi, vi = map(list, zip(*data))
    a = fit(method, ci, yi, vi)
    b = fit(method, ci, [y + shift for y in yi], vi)
    rel = 1e-3 if method == "PM" else 1e-6
    assert near(b.theta, a.theta + shift, rel, 1e-6)
    assert near(a.se, b.se, rel, 1e-6) and near(a.tau2, b.tau2, rel, 2e-4)


@settings(max_examples=60, deadline=None)
@given(effect, st.sampled_from(METHODS_IV), st.sampled_from(INTERVALS))
def test_one_study_returns_the_study(single, method, ci):
    yi, vi = single
    result = Estimator(measure="RR", method=method, ci=ci).fit_effects([yi], [vi])
    assert result.label == "single study" and result.k == 1
    assert result.theta == yi and result.se == pytest.approx(math.sqrt(vi))
    assert result.estimate == pytest.approx(math.exp(yi))
    assert result.ci_low == pytest.approx(math.exp(yi - 1.959963984540054 * math.sqrt(vi)))
    assert result.tau2 is None and result.pi_low is None


@settings(max_examples=60, deadline=None)
@given(effects, st.sampled_from(RANDOM))
def test_adhoc_interval_contains_the_wald_interval(data, method):
    yi, vi = zip(*data)
    wald = fit(method, "wald", yi, vi)
    adhoc = fit(method, "hksj-adhoc", yi, vi)
    assert adhoc.ci_low <= wald.ci_low + 1e-12 and adhoc.ci_high >= wald.ci_high - 1e-12
    assert adhoc.pi_low <= adhoc.ci_low + 1e-12 and adhoc.pi_high >= adhoc.ci_high - 1e-12


@settings(max_examples=60, deadline=None)
@given(tables, st.sampled_from(("RR", "OR", "RD")), st.randoms())
def test_mantel_haenszel_is_permutation_invariant_and_finite(rows, measure, rnd):
    studies = [Study.from_counts(str(i), *row) for i, row in enumerate(rows)]
    shuffled = studies[:]
    rnd.shuffle(shuffled)
    a = Estimator(measure=measure, method="MH").fit(studies)
    b = Estimator(measure=measure, method="MH").fit(shuffled)
    assert a.estimable == b.estimable
    if a.estimable:
        assert math.isfinite(a.theta) and math.isfinite(a.se)
        assert near(a.theta, b.theta, 1e-9, 1e-12) and near(a.se, b.se, 1e-9, 1e-12)
