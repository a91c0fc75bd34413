"""Fixed-effect pooling: inverse variance, and Mantel-Haenszel from the 2×2 tables.

Inverse variance weights each study by ``1/vi`` (the random-effects fit in ``random`` is the
same with ``1/(vi + τ²)``). Mantel-Haenszel works on the counts themselves, so small trials
with zero cells need no continuity correction: it uses the raw tables, as metafor's ``rma.mh``
does (its ``add = c(1/2, 0)``: 0.5 only for the per-study effects behind Q and I²).

Variances of the MH estimates:

- log OR: Robins, Breslow & Greenland (1986).
- log RR: Greenland & Robins (1985).
- RD: Sato (1989), consistent both for many sparse tables and for few large ones; the one
  ``rma.mh`` computes.

A table adds nothing to an MH ratio when it has no events in either arm; for the odds ratio
also when everyone had the event. Such tables are left out of ``k``; every table counts for RD.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class Pooled:
    """A pooled analysis-scale estimate ``theta`` with its standard error."""

    theta: float
    se: float


def inverse_variance(yi: np.ndarray, vi: np.ndarray, tau2: float = 0.0) -> Pooled:
    """The weighted mean with weights ``1/(vi + τ²)`` and its standard error."""
    w = 1.0 / (vi + tau2)
    sw = float(np.sum(w))
    return Pooled(theta=float(np.sum(w * yi)) / sw, se=math.sqrt(1.0 / sw))


@dataclass(frozen=True, slots=True)
class Tables:
    """2×2 tables as arrays: events ``a``/``c`` out of ``n1``/``n2`` (treatment/control)."""

    a: np.ndarray
    n1: np.ndarray
    c: np.ndarray
    n2: np.ndarray

    def informative(self, measure: str) -> np.ndarray:
        """Which tables contribute to the MH estimate of ``measure``."""
        if measure == "RD":
            return np.ones(len(self.a), dtype=bool)
        no_events = (self.a == 0) & (self.c == 0)
        if measure == "RR":
            return ~no_events
        all_events = (self.a == self.n1) & (self.c == self.n2)
        return ~(no_events | all_events)


def mantel_haenszel(measure: str, tables: Tables) -> Pooled | None:
    """The MH estimate of ``measure`` (log scale for RR and OR), or ``None`` if not estimable.

    A ratio is not estimable when one arm has no events in any table (metafor returns NA).
    """
    a, n1, c, n2 = (np.asarray(x, dtype=float) for x in (tables.a, tables.n1, tables.c, tables.n2))
    b, d = n1 - a, n2 - c
    n = n1 + n2
    if measure == "OR":
        r_i, s_i = a * d / n, b * c / n
        r, s = float(np.sum(r_i)), float(np.sum(s_i))
        if r == 0 or s == 0:
            return None
        p_i, q_i = (a + d) / n, (b + c) / n
        var = 0.5 * (np.sum(p_i * r_i) / r ** 2 + np.sum(p_i * s_i + q_i * r_i) / (r * s)
                     + np.sum(q_i * s_i) / s ** 2)
        return Pooled(theta=math.log(r / s), se=math.sqrt(float(var)))
    if measure == "RR":
        if np.sum(a) == 0 or np.sum(c) == 0:
            return None
        r = float(np.sum(a * n2 / n))
        s = float(np.sum(c * n1 / n))
        var = np.sum(n1 * n2 * (a + c) / n ** 2 - a * c / n) / (r * s)
        return Pooled(theta=math.log(r / s), se=math.sqrt(float(var)))
    if measure == "RD":
        weight = float(np.sum(n1 * n2 / n))
        rd = float(np.sum((a * n2 - c * n1) / n)) / weight
        numerator = (rd * np.sum(c * (n1 / n) ** 2 - a * (n2 / n) ** 2 + (n1 / n) * (n2 / n) * (n2 - n1) / 2)
                     + np.sum(a * (n2 - c) / n + c * (n1 - a) / n) / 2)
        return Pooled(theta=rd, se=math.sqrt(float(numerator) / weight ** 2))
    raise ValueError(f"Mantel-Haenszel is defined for RR, OR and RD, not {measure!r}")
