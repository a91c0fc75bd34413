"""Effect sizes of one two-arm comparison: RR, OR and RD with standard errors and intervals.

Ratios are analysed on the log scale (``yi`` = log RR or log OR) and reported back on the ratio
scale. A study with a zero cell gets 0.5 added to each of its four cells, and only that study
(the convention of Cochrane's RevMan and metafor's ``escalc(add=1/2, to="only0")``). A study with
no events in either arm (or events in every participant of both arms) carries no information on
a ratio scale: it is kept, but ``effect_from_counts`` returns ``None`` for RR and OR so it is never
pooled on them.

Examples
--------
>>> e = effect_from_counts("RR", 26, 66, 12, 51)
>>> round(e.estimate, 2), round(e.ci_low, 2), round(e.ci_high, 2)
(1.67, 0.94, 2.98)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from scipy.stats import norm

RATIO_MEASURES = ("RR", "OR")
MEASURES = ("RR", "OR", "RD")
#: Added to every cell of a study with a zero cell (RevMan; metafor add=1/2, to="only0").
ZERO_CELL_CORRECTION = 0.5


class EffectSizeError(ValueError):
    """Counts or a reported interval that cannot describe a two-arm comparison."""


@dataclass(frozen=True, slots=True)
class EffectSize:
    """One study's effect on one measure.

    ``yi``/``vi`` are on the analysis scale (log for RR and OR); ``estimate``, ``ci_low`` and
    ``ci_high`` on the reporting scale. ``corrected`` says whether 0.5 was added to the cells.
    """

    measure: str
    yi: float
    vi: float
    estimate: float
    ci_low: float
    ci_high: float
    p_value: float
    corrected: bool = False

    @property
    def se(self) -> float:
        return math.sqrt(self.vi)


@lru_cache(maxsize=16)  # scipy's ppf costs ~0.1 ms, and pooling asks for the same level per study
def _z(level: float) -> float:
    return float(norm.ppf(0.5 + level / 2))


def _check_counts(te: int, tn: int, ce: int, cn: int) -> None:
    for name, value in (("treat_events", te), ("treat_total", tn), ("ctrl_events", ce), ("ctrl_total", cn)):
        if value is None or value < 0:
            raise EffectSizeError(f"{name} must be a non-negative count, got {value!r}")
    if tn == 0 or cn == 0:
        raise EffectSizeError("an arm with no participants has no risk")
    if te > tn:
        raise EffectSizeError(f"treat_events {te} exceed treat_total {tn}")
    if ce > cn:
        raise EffectSizeError(f"ctrl_events {ce} exceed ctrl_total {cn}")


def is_double_zero(te: int, tn: int, ce: int, cn: int) -> bool:
    """No events in either arm, or events in everyone in both arms: no ratio information."""
    return (te == 0 and ce == 0) or (te == tn and ce == cn)


def log_effect(measure: str, te: int, tn: int, ce: int, cn: int,
               correction: float = ZERO_CELL_CORRECTION) -> tuple[float, float, bool] | None:
    """``(yi, vi, corrected)`` for ``measure`` from counts, or ``None`` when not estimable.

    RD is computed from the raw proportions; when a cell is zero its variance is computed from
    the corrected cells, as RevMan does (checked against 7,000 zero-cell rows of Cochrane's own
    per-study intervals in pairwise70; without it a zero arm contributes no variance and the
    interval is too narrow).
    """
    _check_counts(te, tn, ce, cn)
    if measure not in MEASURES:
        raise EffectSizeError(f"unknown measure {measure!r} (choose one of: {', '.join(MEASURES)})")
    a, b, c, d = te, tn - te, ce, cn - ce
    has_zero = 0 in (a, b, c, d)
    if measure == "RD":
        p1, p2 = a / tn, c / cn
        if not has_zero:
            return p1 - p2, p1 * (1 - p1) / tn + p2 * (1 - p2) / cn, False
        a2, b2, c2, d2 = a + correction, b + correction, c + correction, d + correction
        q1, q2 = a2 / (a2 + b2), c2 / (c2 + d2)
        return p1 - p2, q1 * (1 - q1) / (a2 + b2) + q2 * (1 - q2) / (c2 + d2), True
    if is_double_zero(te, tn, ce, cn):
        return None
    if has_zero:
        a, b, c, d = a + correction, b + correction, c + correction, d + correction
    if measure == "RR":
        n1, n2 = a + b, c + d
        return math.log((a / n1) / (c / n2)), 1 / a - 1 / n1 + 1 / c - 1 / n2, has_zero
    return math.log((a * d) / (b * c)), 1 / a + 1 / b + 1 / c + 1 / d, has_zero


def effect_from_counts(measure: str, te: int, tn: int, ce: int, cn: int, *, level: float = 0.95,
                       correction: float = ZERO_CELL_CORRECTION) -> EffectSize | None:
    """The study's effect with a Wald interval, or ``None`` when a ratio is not estimable."""
    result = log_effect(measure, te, tn, ce, cn, correction)
    if result is None:
        return None
    yi, vi, corrected = result
    return effect_from_log(measure, yi, vi, level=level, corrected=corrected)


def effect_from_log(measure: str, yi: float, vi: float, *, level: float = 0.95,
                    corrected: bool = False) -> EffectSize:
    """Wrap an analysis-scale effect and variance with its interval and two-sided p-value."""
    if not vi > 0:
        raise EffectSizeError(f"variance must be positive, got {vi!r}")
    se = math.sqrt(vi)
    z = _z(level)
    low, high = yi - z * se, yi + z * se
    p = math.erfc(abs(yi) / se / math.sqrt(2))  # = 2·(1 − Φ(|z|)); scipy's norm.sf costs 0.1 ms a call
    if measure in RATIO_MEASURES:
        return EffectSize(measure, yi, vi, math.exp(yi), math.exp(low), math.exp(high), p, corrected)
    return EffectSize(measure, yi, vi, yi, low, high, p, corrected)


def peto_from_counts(te: int, tn: int, ce: int, cn: int, *, level: float = 0.95) -> EffectSize | None:
    """Peto's one-step odds ratio, ``exp((O - E) / V)`` with variance ``1 / V``.

    RevMan offers it for rare events; it needs no zero-cell correction. ``None`` when the
    hypergeometric variance is zero (no events, or all events, in both arms together).

    Examples
    --------
    O - E = 1 - 20*6/40 = -2 and V = 20*20*6*34 / (40*40*39) = 1.3077, so log OR = -1.529:

    >>> e = peto_from_counts(1, 20, 5, 20)
    >>> round(e.estimate, 3), round(e.ci_low, 3), round(e.ci_high, 3)
    (0.217, 0.039, 1.203)
    """
    _check_counts(te, tn, ce, cn)
    n = tn + cn
    events = te + ce
    if n < 2:
        return None
    v = tn * cn * events * (n - events) / (n * n * (n - 1))
    if v <= 0:
        return None
    yi = (te - tn * events / n) / v
    return effect_from_log("OR", yi, 1 / v, level=level)


def effect_from_interval(measure: str, estimate: float, ci_low: float, ci_high: float, *,
                         level: float = 0.95) -> EffectSize:
    """An effect whose standard error is recovered from a reported interval.

    For ratios the interval is symmetric on the log scale, so the SE is
    ``(log(high) - log(low)) / (2 z)``; the point estimate is kept as reported (papers round it
    separately from the bounds, so it need not be the interval's midpoint).
    """
    if measure in RATIO_MEASURES:
        if min(estimate, ci_low, ci_high) <= 0:
            raise EffectSizeError(f"a {measure} and its interval must be positive")
        yi, low, high = math.log(estimate), math.log(ci_low), math.log(ci_high)
    else:
        yi, low, high = estimate, ci_low, ci_high
    if not low < high:
        raise EffectSizeError(f"interval {ci_low}–{ci_high} is empty or reversed")
    if not low <= yi <= high:
        raise EffectSizeError(f"estimate {estimate} lies outside its interval {ci_low}–{ci_high}")
    se = (high - low) / (2 * _z(level))
    return effect_from_log(measure, yi, se * se, level=level)
