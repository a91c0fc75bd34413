"""Checks an effect must pass before it is stored as good; failures go to triage with their reason.

A failing effect is never dropped and never stored as good: the extractor keeps it with its
``check_failures`` so a person can look at the evidence span and decide. Each check returns a
short reason naming the figures involved, e.g. ``"treat_events 27 exceed treat_total 26"``.

Examples
--------
>>> from extractors.records import Effect
>>> check_effect(Effect("1", "live_birth", "RR", 1.67, 0.94, 2.98, treat_events=26, treat_total=66,
...                     ctrl_events=12, ctrl_total=51))
()
>>> check_effect(Effect("1", "live_birth", "RR", 1.67, 1.70, 2.98))
('interval 1.7–2.98 does not contain the estimate 1.67',)
"""

from __future__ import annotations

import math

from extractors.records import Effect
from models.effect_sizes import MEASURES, RATIO_MEASURES, EffectSizeError, effect_from_counts, is_double_zero

#: Outcome ids of CONTRACT.md.
OUTCOMES = ("live_birth", "clinical_pregnancy", "ongoing_pregnancy", "miscarriage", "implantation",
            "chemical_pregnancy", "other")
#: Measures an effect may carry: CONTRACT.md's RR, OR, RD and HR.
KNOWN_MEASURES = MEASURES + ("HR",)
UNITS = ("woman", "cycle", "transfer", "embryo")
#: Qualifiers the extractor attaches (``Effect.qualifiers``); ``ci90``, ``ci99``... also name an
#: interval printed at another level than 95% (and therefore not stored). ``totals_from_size``: events
#: printed bare, the total the arm's one size in the abstract (``extractors.bare_counts``).
QUALIFIERS = ("adjusted", "pooled", "subgroup", "events_from_percent", "totals_from_percent", "totals_from_size")


def _decimals(value: float) -> int:
    """Places printed, as far as a float can tell: 1.5 -> 1, 40.0 -> 0, 0.047 -> 3."""
    text = repr(float(value))
    if "e" in text or "E" in text:
        return 6
    whole, _, frac = text.partition(".")
    frac = frac.rstrip("0")
    return len(frac)


def _half_unit(value: float) -> float:
    return 0.5 * 10.0 ** (-_decimals(value)) + 1e-9


def check_counts(effect: Effect) -> list[str]:
    """Events and totals are non-negative, totals positive, events at most the total."""
    problems = []
    for arm in ("treat", "ctrl"):
        events, total = getattr(effect, f"{arm}_events"), getattr(effect, f"{arm}_total")
        if events is not None and events < 0:
            problems.append(f"{arm}_events {events} is negative")
        if total is not None and total <= 0:
            problems.append(f"{arm}_total {total} is not positive")
        if events is not None and total is not None and total > 0 and events > total:
            problems.append(f"{arm}_events {events} exceed {arm}_total {total}")
    return problems


def check_percents(effect: Effect) -> list[str]:
    """Printed percentages lie in [0, 100] and agree with the counts to one unit of their last place."""
    problems = []
    for arm in ("treat", "ctrl"):
        pct = getattr(effect, f"{arm}_percent")
        if pct is None:
            continue
        if not 0 <= pct <= 100:
            problems.append(f"{arm}_percent {pct} is outside 0–100")
            continue
        events, total = getattr(effect, f"{arm}_events"), getattr(effect, f"{arm}_total")
        if events is None or not total or events > total:
            continue
        exact = 100.0 * events / total
        # One unit of the last printed place, not half: papers often round twice
        # (42/402 = 10.448% printed 10.5%); a figure bound to the wrong count is off by far more.
        if abs(exact - pct) > 2 * _half_unit(pct):
            problems.append(f"{arm}_percent {pct} disagrees with {events}/{total} ({exact:.2f}%)")
    return problems


def check_interval(effect: Effect) -> list[str]:
    """A ratio is positive; proportions (RD) lie in [-1, 1]; the interval brackets the estimate."""
    problems = []
    est, low, high = effect.estimate, effect.ci_low, effect.ci_high
    values = [v for v in (est, low, high) if v is not None]
    if any(not math.isfinite(v) for v in values):
        return ["estimate or interval is not a finite number"]
    if effect.measure in RATIO_MEASURES + ("HR",):
        if any(v <= 0 for v in values):
            problems.append(f"a {effect.measure} and its interval must be positive")
    elif effect.measure == "RD":
        # A printed RD outside [-1, 1] is on the wrong scale (percent); a computed Wald interval
        # may legitimately cross the bounds near 0% or 100%, its estimate never.
        checked = values if effect.source != "computed" else [v for v in (est,) if v is not None]
        if any(not -1 <= v <= 1 for v in checked):
            problems.append("a risk difference and its interval must lie in [-1, 1]")
    if (low is None) != (high is None):
        problems.append("interval has only one bound")
    if low is not None and high is not None:
        if low > high:
            problems.append(f"interval {low}–{high} is reversed")
        # Rounding is monotone, so a rounded estimate can leave its rounded interval only by the
        # estimate's own rounding when it is printed to fewer places than the bounds.
        elif est is not None and not (low - _half_unit(est) <= est <= high + _half_unit(est)):
            problems.append(f"interval {low}–{high} does not contain the estimate {est}")
        elif low == high and est is not None and low == est and effect.source == "reported":
            problems.append(f"interval {low}–{high} has no width")
    return problems


def check_against_counts(effect: Effect) -> list[str]:
    """A reported, unadjusted RR/OR/RD agrees with its own counts at the printed precision."""
    if effect.source != "reported" or effect.estimate is None or not effect.has_counts:
        return []
    if effect.measure not in MEASURES or "adjusted" in effect.qualifiers:
        return []
    te, tn, ce, cn = effect.treat_events, effect.treat_total, effect.ctrl_events, effect.ctrl_total
    if not (tn and cn) or te > tn or ce > cn or is_double_zero(te, tn, ce, cn):
        return []
    try:
        computed = effect_from_counts(effect.measure, te, tn, ce, cn)
    except EffectSizeError:
        return []
    if computed is None:
        return []
    value = computed.estimate
    # A ratio computed from counts with a zero cell used +0.5; papers differ, so only check the
    # uncorrected case.
    if computed.corrected:
        return []
    if abs(value - effect.estimate) <= _half_unit(effect.estimate):
        return []
    return [f"reported {effect.measure} {effect.estimate} disagrees with counts "
            f"{te}/{tn} vs {ce}/{cn} ({effect.measure} {value:.3f})"]


def check_labels(effect: Effect) -> list[str]:
    """Vocabulary fields hold known values."""
    problems = []
    if effect.outcome not in OUTCOMES:
        problems.append(f"unknown outcome {effect.outcome!r}")
    if effect.measure is not None and effect.measure not in KNOWN_MEASURES:
        problems.append(f"unknown measure {effect.measure!r}")
    if effect.denominator_unit is not None and effect.denominator_unit not in UNITS:
        problems.append(f"unknown denominator unit {effect.denominator_unit!r}")
    if effect.p_value is not None and not 0 <= effect.p_value <= 1:
        problems.append(f"p-value {effect.p_value} is outside 0–1")
    if effect.source not in ("reported", "computed", "curated"):
        problems.append(f"unknown source {effect.source!r}")
    for q in effect.qualifiers:
        if q not in QUALIFIERS and not (q.startswith("ci") and q[2:].isdigit()):
            problems.append(f"unknown qualifier {q!r}")
    return problems


def check_effect(effect: Effect) -> tuple[str, ...]:
    """Every reason ``effect`` must not be stored as good; empty when it passes.

    Checks: events ≤ total and totals positive; printed percentages in [0, 100] and agreeing
    with the counts within rounding; a ratio positive and an RD in [-1, 1]; the interval not
    reversed and bracketing its estimate; a reported unadjusted ratio agreeing with its counts
    within rounding; known outcome, measure, unit and source; a p-value in [0, 1].
    """
    problems = check_labels(effect) + check_counts(effect)
    if not problems:
        problems += check_percents(effect)
    problems += check_interval(effect)
    if not problems:
        problems += check_against_counts(effect)
    return tuple(problems)
