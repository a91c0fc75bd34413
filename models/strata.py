"""Which trials enter which pooling stratum, and with which numbers.

A stratum is therapy × outcome × RIF stratum (CONTRACT.md). Rules, in the order applied:

- Only rows the warehouse calls poolable arrive here (randomized, not rejected, checks passed).
- A trial outside a RIF population is never pooled into a RIF stratum. ``rif_any`` takes every
  RIF trial; ``rif_ge2``/``rif_ge3`` take trials whose definition requires at least 2 / 3
  failures. A RIF trial whose definition gives no count enters ``rif_any`` only.
- One contribution per trial and outcome. Per-arm counts are preferred over a reported ratio for
  the same comparison, so a trial that gives both is never counted twice.
- Several active arms against one shared control are combined into one active group (events and
  totals summed; Cochrane Handbook 23.3.4), so the control is not double-counted. When the
  comparisons only give reported ratios, the comparison with a placebo-like control, else the
  first, is kept.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Iterable, Mapping, Sequence

#: Words that mark a comparator arm as placebo-controlled (preferred over no-treatment arms).
_PLACEBO = re.compile(r"placebo|saline|sham|vehicle", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class EvidenceRow:
    """One poolable effect row as the warehouse's ``poolable_effects`` view gives it."""

    pmid: str
    entry_date: date | None
    therapy: str
    outcome: str
    population: str
    rif_min_failures: int | None
    treat_arm: str | None = None
    ctrl_arm: str | None = None
    treat_events: int | None = None
    treat_total: int | None = None
    ctrl_events: int | None = None
    ctrl_total: int | None = None
    measure: str | None = None
    estimate: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    source: str = "reported"

    @property
    def has_counts(self) -> bool:
        return None not in (self.treat_events, self.treat_total, self.ctrl_events, self.ctrl_total)

    @property
    def has_ratio(self) -> bool:
        return self.measure is not None and None not in (self.estimate, self.ci_low, self.ci_high)


@dataclass(frozen=True, slots=True)
class TrialEvidence:
    """One trial's contribution to one stratum: counts, or reported ratios by measure."""

    pmid: str
    entry_date: date | None
    counts: tuple[int, int, int, int] | None = None
    reported: Mapping[str, tuple[float, float, float]] = field(default_factory=dict)
    arms_combined: int = 1

    @property
    def n_patients(self) -> int | None:
        return self.counts[1] + self.counts[3] if self.counts else None

    def supports(self, measure: str) -> bool:
        return self.counts is not None or measure in self.reported


@dataclass(frozen=True, slots=True)
class StratumKey:
    therapy: str
    outcome: str
    rif_stratum: str


def strata_of(population: str, rif_min_failures: int | None,
              thresholds: Mapping[str, int]) -> list[str]:
    """The RIF strata a trial belongs to, given each stratum's minimum failures.

    >>> strata_of("rif", 3, {"rif_any": 0, "rif_ge2": 2, "rif_ge3": 3})
    ['rif_any', 'rif_ge2', 'rif_ge3']
    >>> strata_of("rif", None, {"rif_any": 0, "rif_ge2": 2, "rif_ge3": 3})
    ['rif_any']
    >>> strata_of("general_ivf", 3, {"rif_any": 0, "rif_ge2": 2})
    []
    """
    if population != "rif":
        return []
    found = []
    for stratum, minimum in thresholds.items():
        if minimum <= 0 or (rif_min_failures is not None and rif_min_failures >= minimum):
            found.append(stratum)
    return found


def _trial_evidence(rows: Sequence[EvidenceRow]) -> TrialEvidence | None:
    """Collapse one trial's rows for one outcome into a single contribution."""
    first = rows[0]
    with_counts = [r for r in rows if r.has_counts]
    if with_counts:
        by_control: dict[tuple, list[EvidenceRow]] = defaultdict(list)
        for row in with_counts:
            by_control[(row.ctrl_arm or "", row.ctrl_events, row.ctrl_total)].append(row)
        control_key = sorted(by_control, key=lambda k: (not _PLACEBO.search(k[0]), -len(by_control[k])))[0]
        arms: dict[str, EvidenceRow] = {}
        for row in by_control[control_key]:
            arms.setdefault(row.treat_arm or f"arm{len(arms)}", row)
        te = sum(r.treat_events for r in arms.values())
        tn = sum(r.treat_total for r in arms.values())
        _, ce, cn = control_key
        return TrialEvidence(first.pmid, first.entry_date, counts=(te, tn, ce, cn), arms_combined=len(arms))
    ratios = [r for r in rows if r.has_ratio]
    if not ratios:
        return None
    ratios.sort(key=lambda r: not _PLACEBO.search(r.ctrl_arm or ""))
    chosen_control = ratios[0].ctrl_arm
    reported: dict[str, tuple[float, float, float]] = {}
    for row in ratios:
        if row.ctrl_arm == chosen_control and row.measure not in reported:
            reported[row.measure] = (row.estimate, row.ci_low, row.ci_high)
    return TrialEvidence(first.pmid, first.entry_date, reported=reported)


def build_strata(rows: Iterable[EvidenceRow], thresholds: Mapping[str, int]) -> dict[StratumKey, list[TrialEvidence]]:
    """Group poolable rows into strata; each stratum's trials are in entry-date order."""
    by_trial: dict[tuple[str, str, str], list[EvidenceRow]] = defaultdict(list)
    for row in rows:
        by_trial[(row.pmid, row.therapy, row.outcome)].append(row)
    strata: dict[StratumKey, list[TrialEvidence]] = defaultdict(list)
    for (pmid, therapy, outcome), trial_rows in by_trial.items():
        evidence = _trial_evidence(trial_rows)
        if evidence is None:
            continue
        first = trial_rows[0]
        for stratum in strata_of(first.population, first.rif_min_failures, thresholds):
            strata[StratumKey(therapy, outcome, stratum)].append(evidence)
    for trials in strata.values():
        trials.sort(key=lambda t: (t.entry_date or date.max, t.pmid))
    return dict(strata)
