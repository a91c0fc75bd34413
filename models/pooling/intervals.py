"""Confidence and prediction intervals for a pooled estimate.

- ``wald``: normal quantile, standard error ``sqrt(1/Σw)``.
- ``hksj``: Hartung-Knapp-Sidik-Jonkman. The variance is scaled by
  ``q = Σ w (y - θ)² / (k - 1)`` and the quantile taken from t with k - 1 degrees of freedom.
  When the studies agree more closely than their variances imply, q < 1 and the interval can be
  *narrower* than the Wald one (statsmodels' HKSJ does this: on four near-identical studies it
  turns p = 0.32 into p = 0.00016).
- ``hksj-adhoc``: HKSJ with q floored at 1 (Knapp & Hartung 2003; metafor's ``test="adhoc"``),
  so the interval is never narrower than the Wald interval of the same model (t > z).

The prediction interval for the effect in a new study follows ``predict.rma``'s default: the
model's own quantile (z for Wald, t with k - 1 df for HKSJ) times ``sqrt(se² + τ²)``. It is
reported for random-effects models only: under a fixed-effect model it would equal the
confidence interval and suggest a certainty about new studies the model never assessed.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass

import numpy as np
from scipy.stats import norm
from scipy.stats import t as student_t

#: Interval methods by the name used in settings and on the command line.
CI_METHODS = ("wald", "hksj", "hksj-adhoc")


@dataclass(frozen=True, slots=True)
class Interval:
    """The standard error behind an interval, its quantile and the test that goes with it."""

    se: float
    crit: float
    df: int | None
    statistic: float
    p_value: float
    low: float
    high: float


def hksj_scale(yi: np.ndarray, vi: np.ndarray, tau2: float, theta: float) -> float:
    """``Σ w (y - θ)² / (k - 1)``, with weights ``1/(vi + τ²)``; 0 when the residuals vanish.

    metafor treats a weighted residual sum at or below machine epsilon as exactly 0.
    """
    w = 1.0 / (vi + tau2)
    rss = float(np.sum(w * (yi - theta) ** 2))
    return 0.0 if rss <= sys.float_info.epsilon else rss / (len(yi) - 1)


def confidence_interval(method: str, theta: float, se_model: float, *, level: float = 0.95,
                        yi: np.ndarray | None = None, vi: np.ndarray | None = None,
                        tau2: float = 0.0) -> Interval:
    """The ``method`` interval around ``theta`` whose model standard error is ``se_model``.

    HKSJ methods need the studies (``yi``, ``vi``) and the τ² used for the weights.
    """
    alpha = 1 - level
    if method == "wald":
        se, df = se_model, None
        crit = float(norm.isf(alpha / 2))
    elif method in ("hksj", "hksj-adhoc"):
        if yi is None or vi is None or len(yi) < 2:
            raise ValueError("an HKSJ interval needs at least two studies")
        scale = hksj_scale(yi, vi, tau2, theta)
        if method == "hksj-adhoc":
            scale = max(scale, 1.0)
        se, df = math.sqrt(scale) * se_model, len(yi) - 1
        crit = float(student_t.isf(alpha / 2, df))
    else:
        raise ValueError(f"unknown interval {method!r} (choose one of: {', '.join(CI_METHODS)})")
    if se > 0:
        statistic = theta / se
    else:  # HKSJ with identical studies: metafor's zero-width interval
        statistic = 0.0 if theta == 0 else math.copysign(math.inf, theta)
    if df is None:
        p_value = float(2 * norm.sf(abs(statistic)))
    else:
        p_value = float(2 * student_t.sf(abs(statistic), df))
    return Interval(se=se, crit=crit, df=df, statistic=statistic, p_value=p_value,
                    low=theta - crit * se, high=theta + crit * se)


def prediction_interval(theta: float, interval: Interval, tau2: float) -> tuple[float, float]:
    """``θ ± crit · sqrt(se² + τ²)`` with the confidence interval's own quantile."""
    half = interval.crit * math.sqrt(interval.se ** 2 + tau2)
    return theta - half, theta + half
