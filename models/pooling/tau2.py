"""Estimators of the between-study variance τ², and its Q-profile confidence interval.

Each estimator takes the studies' analysis-scale effects ``yi`` and variances ``vi`` and returns
τ² ≥ 0. They reproduce R metafor 3.8's ``rma.uni`` step for step, because a living review's
numbers are checked against it (docs/statistics.md):

- DerSimonian-Laird: the method-of-moments value, floored at 0 (statsmodels does not floor it).
- Hedges (HE): the unweighted method of moments, floored at 0; also the starting value of the
  likelihood estimators.
- REML and ML: Fisher scoring from ``max(0, HE)``, halving a step that would go below 0,
  stopping when τ² changes by at most 1e-5 (metafor's ``threshold``), at most 100 iterations.
  Afterwards metafor compares the likelihood at τ² = 0 with the one reached and returns 0 when
  the start point was better by more than ``eps^0.25``; so do we. Where metafor stops with
  "did not converge" (a maximum at τ² = 0 approached too slowly), we solve the score equation
  instead (``_score_root``).
- Paule-Mandel: the τ² at which the generalised Q equals k - 1, found by Brent's method over
  [0, 100] at ``uniroot``'s tolerance, exactly as metafor does (``rootfind``).

``q_profile_interval`` inverts the generalised Q statistic against χ² quantiles with k - 1
degrees of freedom (Viechtbauer 2007), searching [0, max(100, 10 τ²)] as ``confint.rma.uni``
does; a bound whose Q already lies below its quantile at τ² = 0 is 0.
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np
from scipy.stats import chi2

from models.pooling.data import PoolingError
from models.pooling.rootfind import R_DEFAULT_MAXITER, R_DEFAULT_TOL, brent_root

#: metafor's Fisher-scoring convergence threshold on the change in τ² (rma.uni control).
FISHER_THRESHOLD = 1e-5
#: metafor's iteration limit for Fisher scoring and the Paule-Mandel search.
MAX_ITERATIONS = 100
#: metafor's upper end of the Paule-Mandel search interval (control ``tau2.max``).
PM_TAU2_MAX = 100.0
#: ``confint.rma.uni``'s iteration limit for the Q-profile searches.
QPROFILE_MAXITER = 1000


def generalised_q(yi: np.ndarray, vi: np.ndarray, tau2: float) -> float:
    """Σ w (y - μ̂)² with weights ``1/(v + τ²)``: Cochran's Q when τ² = 0."""
    w = 1.0 / (vi + tau2)
    mu = np.sum(w * yi) / np.sum(w)
    return float(np.sum(w * (yi - mu) ** 2))


def tau2_dl(yi: np.ndarray, vi: np.ndarray) -> float:
    """DerSimonian-Laird: ``(Q - (k - 1)) / (Σw - Σw²/Σw)``, floored at 0."""
    w = 1.0 / vi
    sw = np.sum(w)
    q = generalised_q(yi, vi, 0.0)
    return max(0.0, float((q - (len(yi) - 1)) / (sw - np.sum(w * w) / sw)))


def _tau2_he_raw(yi: np.ndarray, vi: np.ndarray) -> float:
    k = len(yi)
    rss = float(np.sum((yi - np.mean(yi)) ** 2))
    return (rss - float(np.sum(vi)) * (k - 1) / k) / (k - 1)


def tau2_he(yi: np.ndarray, vi: np.ndarray) -> float:
    """Hedges' unweighted method of moments, floored at 0."""
    return max(0.0, _tau2_he_raw(yi, vi))


def _fisher_step(yi: np.ndarray, vi: np.ndarray, tau2: float, restricted: bool) -> float:
    w = 1.0 / (vi + tau2)
    sw = np.sum(w)
    resid = w * (yi - np.sum(w * yi) / sw)          # P y for an intercept-only model
    ypp_y = float(np.sum(resid * resid))
    if not restricted:
        return (ypp_y - float(sw)) / float(np.sum(w * w))
    sw2 = np.sum(w * w)
    trace_p = sw - sw2 / sw
    trace_pp = sw2 - 2 * np.sum(w ** 3) / sw + sw2 * sw2 / (sw * sw)
    return float((ypp_y - trace_p) / trace_pp)


def _log_likelihood(yi: np.ndarray, vi: np.ndarray, tau2: float, restricted: bool) -> float:
    k = len(yi)
    total = vi + tau2
    w = 1.0 / total
    mu = np.sum(w * yi) / np.sum(w)
    rss = float(np.sum(w * (yi - mu) ** 2))
    if restricted:
        return float(-0.5 * (k - 1) * math.log(2 * math.pi) - 0.5 * np.sum(np.log(total))
                     - 0.5 * math.log(np.sum(w)) - 0.5 * rss)
    return float(-0.5 * k * math.log(2 * math.pi) - 0.5 * np.sum(np.log(total)) - 0.5 * rss)


def _fisher_scoring(yi: np.ndarray, vi: np.ndarray, restricted: bool) -> float:
    tau2 = max(0.0, _tau2_he_raw(yi, vi))
    change = FISHER_THRESHOLD + 1
    iterations = 0
    while change > FISHER_THRESHOLD:
        iterations += 1
        old = tau2
        step = _fisher_step(yi, vi, tau2, restricted)
        if math.isnan(step):
            step = 0.0
        while tau2 + step < 0:
            step /= 2
        tau2 = tau2 + step
        change = abs(old - tau2)
        if iterations > MAX_ITERATIONS:
            return _score_root(yi, vi, restricted)
    # metafor's guard against a local maximum: keep τ² = 0 if its likelihood is clearly higher.
    if tau2 > FISHER_THRESHOLD:
        ll0 = _log_likelihood(yi, vi, 0.0, restricted)
        if ll0 - _log_likelihood(yi, vi, tau2, restricted) > R_DEFAULT_TOL:
            tau2 = 0.0
    return max(0.0, tau2)


def _score(yi: np.ndarray, vi: np.ndarray, tau2: float, restricted: bool) -> float:
    """The derivative of the (restricted) log-likelihood in τ², up to a positive factor."""
    w = 1.0 / (vi + tau2)
    sw = np.sum(w)
    resid = w * (yi - np.sum(w * yi) / sw)
    trace = sw - np.sum(w * w) / sw if restricted else sw
    return float(np.sum(resid * resid) - trace)


def _score_root(yi: np.ndarray, vi: np.ndarray, restricted: bool) -> float:
    """The likelihood's maximum where Fisher scoring crawls and metafor gives up.

    This happens when the maximum lies at or next to τ² = 0: the steps shrink geometrically
    and 100 iterations do not reach the 1e-5 threshold (metafor stops with "did not converge").
    A weekly run cannot stop there, so we solve the score equation instead: τ² = 0 when the
    score at 0 is not positive, else the root of the score, bracketed by doubling.
    """
    if _score(yi, vi, 0.0, restricted) <= 0:
        return 0.0
    upper = max(1.0, float(np.max(vi)))
    while _score(yi, vi, upper, restricted) > 0:
        upper *= 2
        if upper > 1e6:
            name = "REML" if restricted else "ML"
            raise PoolingError(f"{name} τ² has no finite maximum")
    return brent_root(lambda t: _score(yi, vi, t, restricted), 0.0, upper, tol=1e-12, maxiter=1000)


def tau2_reml(yi: np.ndarray, vi: np.ndarray) -> float:
    """Restricted maximum likelihood by Fisher scoring, as metafor."""
    return _fisher_scoring(yi, vi, restricted=True)


def tau2_ml(yi: np.ndarray, vi: np.ndarray) -> float:
    """Maximum likelihood by Fisher scoring, as metafor."""
    return _fisher_scoring(yi, vi, restricted=False)


def tau2_pm(yi: np.ndarray, vi: np.ndarray) -> float:
    """Paule-Mandel: the τ² where the generalised Q equals its expectation k - 1."""
    target = len(yi) - 1
    if generalised_q(yi, vi, 0.0) < target:
        return 0.0
    if generalised_q(yi, vi, PM_TAU2_MAX) > target:
        raise PoolingError(f"Paule-Mandel τ² exceeds {PM_TAU2_MAX:g}; the effects are implausibly spread")
    return max(0.0, brent_root(lambda t: generalised_q(yi, vi, t) - target, 0.0, PM_TAU2_MAX,
                               tol=R_DEFAULT_TOL, maxiter=R_DEFAULT_MAXITER))


#: τ² estimators by the name used in settings and on the command line.
TAU2_ESTIMATORS: dict[str, Callable[[np.ndarray, np.ndarray], float]] = {
    "DL": tau2_dl,
    "REML": tau2_reml,
    "PM": tau2_pm,
    "HE": tau2_he,
    "ML": tau2_ml,
}


def q_profile_interval(yi: np.ndarray, vi: np.ndarray, tau2: float,
                       level: float = 0.95) -> tuple[float, float]:
    """The Q-profile confidence interval for τ², as ``confint.rma.uni(type="QP")``.

    Returns ``(low, high)``. A bound that the search interval cannot reach is returned as the
    interval's end (metafor prints it with ``<`` or ``>``).
    """
    k = len(yi)
    if k < 2:
        raise PoolingError("a confidence interval for τ² needs at least two studies")
    alpha = 1 - level
    crit_upper = float(chi2.isf(alpha / 2, k - 1))   # Q must fall to this at the lower bound
    crit_lower = float(chi2.ppf(alpha / 2, k - 1))   # ... and to this at the upper bound
    tau2_min = min(0.0, tau2)
    tau2_max = max(100.0, tau2 * 10, tau2_min * 10)
    q_min = generalised_q(yi, vi, tau2_min)
    q_max = generalised_q(yi, vi, tau2_max)

    def bound(crit: float) -> float:
        return brent_root(lambda t: generalised_q(yi, vi, t) - crit, tau2_min, tau2_max,
                          tol=R_DEFAULT_TOL, maxiter=QPROFILE_MAXITER,
                          f_lower=q_min - crit, f_upper=q_max - crit)

    if q_min < crit_lower:
        high = tau2_min
    elif q_max > crit_lower:
        high = tau2_max
    else:
        high = bound(crit_lower)
    if q_max > crit_upper:
        low = high = tau2_max
    elif q_min < crit_upper:
        low = tau2_min
    else:
        low = bound(crit_upper)
    return low, high
