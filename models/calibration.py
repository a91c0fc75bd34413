"""From a linear decision value to a probability, and from probabilities to operating thresholds.

The probability of :mod:`models.rct_classifier` is Platt's sigmoid of the linear decision value,
fitted separately in each rule stratum (:mod:`models.rct_rules`) on out-of-fold decision values:
the model ranks records inside a stratum, and the data say how likely a trial report is in it.
Each fit is Newton's method on the log loss with Platt's smoothed targets (1999), which keeps the
intercept finite when a stratum holds one class only. A slope is never allowed to turn negative
(that would invert the model's ranking inside a stratum): such a stratum gets a constant, its
smoothed rate of trial reports. A stratum with no calibration records gets the pooled fit.

Examples
--------
>>> import numpy as np
>>> scores = np.array([-2.0, -1.0, 0.5, 1.0, 2.0, 3.0])
>>> labels = np.array([False, False, True, False, True, True])
>>> sigmoid = fit_stratified_sigmoid(scores, labels, np.zeros(6, dtype=int), n_strata=1)
>>> bool(np.all(np.diff(sigmoid.probability(np.sort(scores), np.zeros(6, dtype=int))) > 0))
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class StratifiedSigmoid:
    """``p = 1 / (1 + exp(-(slope[k] * s + intercept[k])))`` for a record in stratum ``k``."""

    slopes: tuple[float, ...]
    intercepts: tuple[float, ...]

    def probability(self, scores: np.ndarray, strata: np.ndarray) -> np.ndarray:
        k = np.asarray(strata, dtype=np.int64)
        z = np.asarray(self.slopes)[k] * np.asarray(scores, dtype=np.float64) + np.asarray(self.intercepts)[k]
        return 1.0 / (1.0 + np.exp(-np.clip(z, -500, 500)))


def _smoothed_targets(labels: np.ndarray) -> np.ndarray:
    n_pos, n_neg = int(labels.sum()), int((~labels).sum())
    return np.where(labels, (n_pos + 1.0) / (n_pos + 2.0), 1.0 / (n_neg + 2.0))


def fit_sigmoid(scores: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """Platt's sigmoid ``p = 1 / (1 + exp(-(a*s + b)))`` with a non-negative slope ``a``."""
    s = np.asarray(scores, dtype=np.float64)
    y = np.asarray(labels, dtype=bool)
    target = _smoothed_targets(y)
    x = np.column_stack([s, np.ones(len(s))])
    theta = np.zeros(2)
    for _ in range(100):  # Newton's method on the log loss; converges in a few steps
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ theta, -500, 500)))
        hessian = (x * (p * (1 - p))[:, None]).T @ x + 1e-9 * np.eye(2)
        step = np.linalg.solve(hessian, x.T @ (p - target))
        theta -= step
        if np.abs(step).sum() < 1e-10:
            break
    if theta[0] < 0 or not np.all(np.isfinite(theta)):
        rate = float(target.mean())
        return 0.0, math.log(rate / (1.0 - rate))
    return float(theta[0]), float(theta[1])


def fit_stratified_sigmoid(scores: np.ndarray, labels: np.ndarray, strata: np.ndarray, *,
                           n_strata: int) -> StratifiedSigmoid:
    """One Platt sigmoid per stratum (the pooled one for a stratum without records)."""
    s = np.asarray(scores, dtype=np.float64)
    y = np.asarray(labels, dtype=bool)
    g = np.asarray(strata, dtype=np.int64)
    pooled = fit_sigmoid(s, y)
    fits = [fit_sigmoid(s[g == k], y[g == k]) if (g == k).any() else pooled for k in range(n_strata)]
    return StratifiedSigmoid(tuple(a for a, _ in fits), tuple(b for _, b in fits))


def threshold_for_sensitivity(scores: np.ndarray, labels: np.ndarray, target: float) -> float:
    """The highest threshold whose sensitivity (share of positives scoring ≥ it) reaches ``target``."""
    positives = np.sort(np.asarray(scores)[np.asarray(labels, dtype=bool)])
    if positives.size == 0:
        raise ValueError("no positive records to set a threshold on")
    allowed_misses = int(math.floor((1.0 - target) * positives.size + 1e-9))
    return float(positives[allowed_misses])


def threshold_for_specificity(scores: np.ndarray, labels: np.ndarray, target: float) -> float:
    """The lowest threshold whose specificity (share of negatives scoring below it) reaches ``target``."""
    negatives = np.sort(np.asarray(scores)[~np.asarray(labels, dtype=bool)])
    if negatives.size == 0:
        raise ValueError("no negative records to set a threshold on")
    index = int(math.ceil(target * negatives.size - 1e-9)) - 1
    index = min(max(index, 0), negatives.size - 1)
    return float(np.nextafter(negatives[index], np.inf))



def pick_threshold(scores: np.ndarray, labels: np.ndarray, eligible: np.ndarray, kind: str, target: float) -> float:
    """A threshold for ``scores >= t and eligible``, the decision of :mod:`models.classify`.

    ``kind`` ``sensitivity``: the highest threshold whose sensitivity reaches ``target``; when none
    does (ineligible positives are misses at any threshold), the highest one reaching the best
    sensitivity any threshold gives.
    ``kind`` ``specificity``: the lowest threshold whose specificity reaches ``target``.

    Examples
    --------
    >>> s = np.array([0.9, 0.8, 0.7, 0.2, 0.1]); y = np.array([True, True, False, True, False])
    >>> pick_threshold(s, y, np.ones(5, dtype=bool), "sensitivity", 1.0)
    0.2
    >>> pick_threshold(s, y, np.ones(5, dtype=bool), "specificity", 1.0)
    0.8
    """
    s = np.asarray(scores, dtype=np.float64)
    y = np.asarray(labels, dtype=bool)
    ok = np.asarray(eligible, dtype=bool)
    if not y.any() or y.all():
        raise ValueError("a threshold needs both classes")
    candidates = np.unique(s[ok]) if ok.any() else np.array([1.0])
    n_pos, n_neg = y.sum(), (~y).sum()
    sensitivity = np.array([((s >= t) & ok & y).sum() / n_pos for t in candidates])
    specificity = np.array([((s < t) | ~ok)[~y].sum() / n_neg for t in candidates])
    if kind == "sensitivity":
        meeting = np.flatnonzero(sensitivity >= min(target, sensitivity.max()) - 1e-12)
        return float(candidates[meeting[-1]])
    if kind == "specificity":
        meeting = np.flatnonzero(specificity >= target - 1e-12)
        return float(candidates[meeting[0]] if meeting.size else np.nextafter(candidates[-1], np.inf))
    raise ValueError(f"unknown threshold kind: {kind}")
