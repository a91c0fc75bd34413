"""Which trials enter which pooling stratum, and with which numbers.

A stratum is therapy × outcome × RIF stratum (CONTRACT.md). Rules, in the order applied:

- Only rows the warehouse calls poolable arrive here (randomized, not rejected, checks passed).
- A trial outside a RIF population is never pooled into a RIF stratum. ``rif_any`` takes every
  RIF trial; ``rif_ge2``/``rif_ge3`` take trials whose definition requires at least 2 / 3
  failures. A RIF trial whose definition gives no count enters ``rif_any`` only.
- One contribution per trial and outcome. Per-arm counts are preferred over a reported ratio for
  the same comparison, so a trial that gives both is never counted twice.
- Several active arms against one shared control are combined into one active group (events and
  totals summed; Cochrane Handbook 23.3.4), so the control is not double-counted. When a trial
  compares its therapy with several controls, a placebo-like control is preferred. When the
  comparisons only give reported ratios, the one against a placebo-like control, else RR before
  OR, is kept.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Iterable, Mapping, Sequence

from models.pooling import Study, combine_active_arms

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


def _reported_preference(measure: str) -> int:
    """RR first (the configured lead), then OR, then RD, when a trial reports several."""
    return {"RR": 0, "OR": 1, "RD": 2}.get(measure, 9)


def trial_study(rows: Sequence[EvidenceRow]) -> Study | None:
    """Collapse one trial's rows for one outcome into a single ``Study`` (or ``None``)."""
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
        _, ce, cn = control_key
        return combine_active_arms(first.pmid, [(r.treat_events, r.treat_total) for r in arms.values()],
                                   (ce, cn), entry_date=first.entry_date)
    ratios = [r for r in rows if r.has_ratio and r.measure in ("RR", "OR", "RD")]
    if not ratios:
        return None
    ratios.sort(key=lambda r: (not _PLACEBO.search(r.ctrl_arm or ""), _reported_preference(r.measure)))
    chosen = ratios[0]
    sizes = [r.treat_total + r.ctrl_total for r in rows if None not in (r.treat_total, r.ctrl_total)]
    return Study.from_reported(first.pmid, chosen.measure, chosen.estimate, chosen.ci_low, chosen.ci_high,
                               n_patients=max(sizes) if sizes else None, entry_date=first.entry_date)


def build_strata(rows: Iterable[EvidenceRow], thresholds: Mapping[str, int]) -> dict[StratumKey, list[Study]]:
    """Group poolable rows into strata of ``Study`` inputs, each in entry-date order."""
    by_trial: dict[tuple[str, str, str], list[EvidenceRow]] = defaultdict(list)
    for row in rows:
        by_trial[(row.pmid, row.therapy, row.outcome)].append(row)
    strata: dict[StratumKey, list[Study]] = defaultdict(list)
    for (pmid, therapy, outcome), trial_rows in by_trial.items():
        study = trial_study(trial_rows)
        if study is None:
            continue
        first = trial_rows[0]
        for stratum in strata_of(first.population, first.rif_min_failures, thresholds):
            strata[StratumKey(therapy, outcome, stratum)].append(study)
    for studies in strata.values():
        studies.sort(key=lambda s: (s.entry_date or date.max, s.id))
    return dict(strata)
