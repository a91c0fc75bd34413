"""Between-study heterogeneity: Cochran's Q, I² and H².

Q is always computed with fixed-effect weights ``1/vi``. How I² and H² follow from it depends
on the model, as in metafor's ``rma.uni``: a fixed-effect model reports Higgins & Thompson's
``I² = (Q - df) / Q`` (floored at 0) and ``H² = Q / df``; a random-effects model reports the
share of total variance that τ² explains, ``I² = τ² / (τ² + v̄)`` and ``H² = (τ² + v̄) / v̄``,
with the "typical" within-study variance ``v̄ = (k - 1) Σw / ((Σw)² - Σw²)`` (Higgins &
Thompson 2002). With the DerSimonian-Laird τ² both definitions agree whenever τ² > 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import chi2


@dataclass(frozen=True, slots=True)
class Heterogeneity:
    """Q with its degrees of freedom and p-value, I² (percent) and H²."""

    q: float
    df: int
    p_value: float
    i2: float
    h2: float


def cochran_q(yi: np.ndarray, vi: np.ndarray, center: float | None = None) -> float:
    """Weighted squared deviations from ``center`` (default: the fixed-effect mean).

    ``center`` lets the Mantel-Haenszel model measure heterogeneity around its own estimate,
    as ``rma.mh`` does.
    """
    w = 1.0 / vi
    if center is None:
        center = float(np.sum(w * yi) / np.sum(w))
    return max(0.0, float(np.sum(w * (yi - center) ** 2)))


def typical_variance(vi: np.ndarray) -> float:
    """Higgins & Thompson's typical within-study variance, ``(k - 1) / tr(P)``."""
    w = 1.0 / vi
    sw = np.sum(w)
    trace_p = sw - np.sum(w * w) / sw
    return float((len(vi) - 1) / trace_p)


def _q_summary(q: float, df: int) -> tuple[float, float, float]:
    p_value = float(chi2.sf(q, df))
    i2 = max(0.0, 100.0 * (q - df) / q) if q > 0 else 0.0
    return p_value, i2, q / df


def fixed_effect_heterogeneity(yi: np.ndarray, vi: np.ndarray,
                               center: float | None = None) -> Heterogeneity | None:
    """Q-based I² and H² (``None`` for a single study)."""
    k = len(yi)
    if k < 2:
        return None
    q = cochran_q(yi, vi, center)
    p_value, i2, h2 = _q_summary(q, k - 1)
    return Heterogeneity(q=q, df=k - 1, p_value=p_value, i2=i2, h2=h2)


def random_effects_heterogeneity(yi: np.ndarray, vi: np.ndarray, tau2: float) -> Heterogeneity | None:
    """τ²-based I² and H² beside the fixed-effect Q (``None`` for a single study)."""
    k = len(yi)
    if k < 2:
        return None
    q = cochran_q(yi, vi)
    vt = typical_variance(vi)
    return Heterogeneity(q=q, df=k - 1, p_value=float(chi2.sf(q, k - 1)),
                         i2=100.0 * tau2 / (vt + tau2), h2=tau2 / vt + 1.0)
