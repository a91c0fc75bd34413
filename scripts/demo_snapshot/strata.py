"""The pooled strata and significance flags that the snapshot's published numbers imply.

This is the snapshot's own, deliberately plain arithmetic (standard library only), written so a
reader can check every figure by hand: Wald intervals on the log scale and fixed-effect inverse
variance pooling. It is the gold the end-to-end demo is judged against, not the project's pooling
engine (``models/pooling``), which may use other estimators; ``docs/demo_snapshot.md`` explains
why the flags do not depend on that choice for these data.

Rules (the same words are in the doc):

- An effect enters pooling only when the record is a randomised trial in a RIF population and
  the effect is marked ``pool`` in the source (one comparison per trial and outcome).
- A trial enters ``rif_any`` always, ``rif_ge2`` when its definition needs at least 2 failures,
  ``rif_ge3`` when it needs at least 3.
- RR and OR come from the per-arm counts when the record gives them; otherwise from the
  reported ratio and its 95% CI (SE = (ln high - ln low) / (2 x 1.959964)); otherwise the trial
  has no estimate on that scale.
- A stratum is significant when its two-sided Wald p < 0.05. A flag is raised when a stratum
  becomes significant (``crossed_significance``), stops being significant
  (``lost_significance``), or its estimate moves to the other side of 1 (``direction_flip``)
  between consecutive cycles. A stratum that did not exist before counts as not significant.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, Sequence

#: Two-sided 95% normal quantile, as every Wald interval in the seeds uses.
Z_975 = 1.959963984540054
#: Conventional significance level (config/monitoring.toml ``alpha``).
ALPHA = 0.05
#: Strata of CONTRACT.md with the least number of failures a definition must require.
STRATA = (("rif_any", 0), ("rif_ge2", 2), ("rif_ge3", 3))


@dataclass(frozen=True, slots=True)
class LogEffect:
    """One trial's effect on the log scale, with where it came from."""

    pmid: str
    log_estimate: float
    se: float
    source: str  # "counts" or "reported"
    #: The printed 95% CI of a reported ratio; a lone trial keeps it (k = 1 returns the study).
    reported_ci: tuple[float, float] | None = None


@dataclass(frozen=True, slots=True)
class Pooled:
    """A fixed-effect inverse-variance pool (k = 1 returns the trial itself)."""

    k: int
    log_estimate: float
    se: float
    reported_ci: tuple[float, float] | None = None

    @property
    def estimate(self) -> float:
        return math.exp(self.log_estimate)

    @property
    def ci_low(self) -> float:
        return self.reported_ci[0] if self.reported_ci else math.exp(self.log_estimate - Z_975 * self.se)

    @property
    def ci_high(self) -> float:
        return self.reported_ci[1] if self.reported_ci else math.exp(self.log_estimate + Z_975 * self.se)

    @property
    def z(self) -> float:
        return self.log_estimate / self.se

    @property
    def p_value(self) -> float:
        return two_sided_p(self.z)

    @property
    def significant(self) -> bool:
        return self.p_value < ALPHA


def two_sided_p(z: float) -> float:
    """Two-sided normal p-value.

    Examples
    --------
    >>> round(two_sided_p(1.959963984540054), 6)
    0.05
    """
    return math.erfc(abs(z) / math.sqrt(2.0))


def log_rr_from_counts(a: int, n1: int, c: int, n2: int) -> tuple[float, float]:
    """Log risk ratio and its Wald SE from events/totals; no continuity correction.

    Examples
    --------
    >>> est, se = log_rr_from_counts(32, 62, 13, 50)
    >>> round(math.exp(est), 3), round(se, 4)
    (1.985, 0.2684)
    """
    if min(a, c) <= 0 or a > n1 or c > n2:
        raise ValueError(f"RR needs 0 < events <= total in both arms, got {a}/{n1} vs {c}/{n2}")
    return math.log((a / n1) / (c / n2)), math.sqrt(1 / a - 1 / n1 + 1 / c - 1 / n2)


def log_or_from_counts(a: int, n1: int, c: int, n2: int) -> tuple[float, float]:
    """Log odds ratio and its Wald (Woolf) SE from events/totals; no continuity correction.

    Examples
    --------
    >>> est, se = log_or_from_counts(19, 50, 10, 50)
    >>> round(math.exp(est), 4), round(se, 4)
    (2.4516, 0.4581)
    """
    b, d = n1 - a, n2 - c
    if min(a, b, c, d) <= 0:
        raise ValueError(f"OR needs every cell > 0, got {a}/{n1} vs {c}/{n2}")
    return math.log((a * d) / (b * c)), math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)


def log_from_reported(estimate: float, ci_low: float, ci_high: float) -> tuple[float, float]:
    """Log ratio and the SE implied by a reported 95% CI (symmetric on the log scale).

    Examples
    --------
    >>> est, se = log_from_reported(2.94, 1.23, 8.33)
    >>> round(se, 3)
    0.488
    """
    if not 0 < ci_low <= estimate <= ci_high:
        raise ValueError(f"reported ratio {estimate} ({ci_low}-{ci_high}) is not ordered")
    return math.log(estimate), (math.log(ci_high) - math.log(ci_low)) / (2 * Z_975)


def pool_fixed(effects: Sequence[LogEffect]) -> Pooled:
    """Fixed-effect inverse-variance pool of log effects.

    Examples
    --------
    >>> effects = [LogEffect("a", *log_rr_from_counts(13, 71, 10, 71), "counts"),
    ...            LogEffect("b", *log_rr_from_counts(4, 26, 3, 25), "counts"),
    ...            LogEffect("c", *log_rr_from_counts(12, 82, 13, 75), "counts")]
    >>> p = pool_fixed(effects)
    >>> round(p.estimate, 3), round(p.ci_low, 3), round(p.ci_high, 3)
    (1.064, 0.653, 1.733)
    """
    if not effects:
        raise ValueError("nothing to pool")
    if len(effects) == 1:
        only = effects[0]
        return Pooled(k=1, log_estimate=only.log_estimate, se=only.se, reported_ci=only.reported_ci)
    weights = [1 / e.se**2 for e in effects]
    total = sum(weights)
    mean = sum(w * e.log_estimate for w, e in zip(weights, effects)) / total
    return Pooled(k=len(effects), log_estimate=mean, se=math.sqrt(1 / total))


def dersimonian_laird_tau2(effects: Sequence[LogEffect]) -> tuple[float, float]:
    """Cochran's Q and the DerSimonian-Laird tau^2 (truncated at 0), for the doc's remarks."""
    weights = [1 / e.se**2 for e in effects]
    fixed = pool_fixed(effects).log_estimate
    q = sum(w * (e.log_estimate - fixed) ** 2 for w, e in zip(weights, effects))
    c = sum(weights) - sum(w * w for w in weights) / sum(weights)
    return q, max(0.0, (q - (len(effects) - 1)) / c) if c > 0 else 0.0


@dataclass(frozen=True, slots=True)
class TrialEffect:
    """What pooling needs from one poolable effect of the manifest."""

    pmid: str
    week: str
    therapy: str
    outcome: str
    min_failures: int | None
    treat_events: int | None
    treat_total: int | None
    ctrl_events: int | None
    ctrl_total: int | None
    measure: str | None
    estimate: float | None
    ci_low: float | None
    ci_high: float | None

    def log_effect(self, measure: str) -> LogEffect | None:
        """This trial on the ``measure`` scale, from counts first, else from its reported ratio."""
        counts = (self.treat_events, self.treat_total, self.ctrl_events, self.ctrl_total)
        if None not in counts:
            make = log_rr_from_counts if measure == "RR" else log_or_from_counts
            return LogEffect(self.pmid, *make(*counts), "counts")  # type: ignore[arg-type]
        if self.measure == measure and None not in (self.estimate, self.ci_low, self.ci_high):
            log_estimate, se = log_from_reported(self.estimate, self.ci_low, self.ci_high)  # type: ignore[arg-type]
            return LogEffect(self.pmid, log_estimate, se, "reported", (self.ci_low, self.ci_high))  # type: ignore[arg-type]
        return None

    def strata(self) -> list[str]:
        floor = self.min_failures or 0
        return [name for name, needed in STRATA if floor >= needed]


@dataclass(frozen=True, slots=True)
class StratumState:
    """One stratum's pooled state after one cycle."""

    week: str
    therapy: str
    outcome: str
    rif_stratum: str
    measure: str
    pmids: tuple[str, ...]
    sources: tuple[str, ...]
    pooled: Pooled

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.therapy, self.outcome, self.rif_stratum, self.measure)


def cumulative_states(effects: Iterable[TrialEffect], weeks: Sequence[str],
                      measures: Sequence[str] = ("RR", "OR")) -> list[StratumState]:
    """Every stratum's pooled state at the end of every cycle, cumulating by week."""
    effects = list(effects)
    states = []
    for i, week in enumerate(weeks):
        seen = [e for e in effects if e.week in weeks[: i + 1]]
        groups: dict[tuple[str, str, str, str], list[LogEffect]] = {}
        for effect in seen:
            for measure in measures:
                log_effect = effect.log_effect(measure)
                if log_effect is None:
                    continue
                for stratum in effect.strata():
                    key = (effect.therapy, effect.outcome, stratum, measure)
                    groups.setdefault(key, []).append(log_effect)
        for key in sorted(groups):
            members = sorted(groups[key], key=lambda e: e.pmid)
            states.append(StratumState(week, *key, tuple(e.pmid for e in members),
                                       tuple(e.source for e in members), pool_fixed(members)))
    return states


@dataclass(frozen=True, slots=True)
class Flag:
    week: str
    therapy: str
    outcome: str
    rif_stratum: str
    measure: str
    kind: str
    pmids: tuple[str, ...]


def flags_between_cycles(states: Sequence[StratumState], weeks: Sequence[str]) -> list[Flag]:
    """Changes of state between consecutive cycles; ``pmids`` are the trials new to the stratum."""
    by_week: dict[str, dict[tuple[str, str, str, str], StratumState]] = {w: {} for w in weeks}
    for state in states:
        by_week[state.week][state.key] = state
    flags = []
    previous: dict[tuple[str, str, str, str], StratumState] = {}
    for week in weeks:
        current = by_week[week]
        for key in sorted(current):
            now, before = current[key], previous.get(key)
            new = tuple(p for p in now.pmids if before is None or p not in before.pmids)
            was_significant = before is not None and before.pooled.significant
            kinds = []
            if now.pooled.significant and not was_significant:
                kinds.append("crossed_significance")
            if was_significant and not now.pooled.significant:
                kinds.append("lost_significance")
            if before is not None and (now.pooled.log_estimate > 0) != (before.pooled.log_estimate > 0):
                kinds.append("direction_flip")
            flags.extend(Flag(week, *key, kind, new) for kind in kinds)
        previous = current
    return flags


def lead_measures(states: Sequence[StratumState]) -> set[tuple[str, str, str, str, str]]:
    """``(week, therapy, outcome, rif_stratum, measure)`` of each stratum's lead measure.

    The pipeline's rule (models/lead.py, docs/statistics.md): the measure the most trials can
    give, ties going to RR. Counts give both RR and OR; a reported OR gives only OR.
    """
    best: dict[tuple[str, str, str, str], tuple[int, int, str]] = {}
    for state in states:
        key = (state.week, state.therapy, state.outcome, state.rif_stratum)
        rank = (len(state.pmids), 1 if state.measure == "RR" else 0, state.measure)
        if key not in best or rank[:2] > best[key][:2]:
            best[key] = rank
    return {(*key, rank[2]) for key, rank in best.items()}
