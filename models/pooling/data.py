"""What a study brings to a pooled analysis: counts, a reported ratio, or both.

A ``Study`` is one trial's comparison on one outcome. It carries the four counts of a 2×2 table
when the paper gives them, and otherwise (or as well) the ratio the paper reported with its
interval. Counts always win: a study that reports both is analysed from its counts and its
reported ratio is kept only for provenance, so no trial is ever counted twice. A reported ratio
is used on its own measure only (an odds ratio cannot become a risk ratio without the control
risk); ``models.lead`` decides the measure a mixed stratum is pooled on.

``effect_table`` turns studies into the analysis-scale effects (``yi``, ``vi``) one measure
needs, and lists the studies that cannot contribute to it (e.g. a trial with no events in either
arm has no information on a ratio scale).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Sequence

import numpy as np

from models.effect_sizes import (
    MEASURES,
    EffectSize,
    EffectSizeError,
    effect_from_counts,
    effect_from_interval,
    effect_from_log,
    log_effect,
)


class PoolingError(ValueError):
    """Studies or settings that cannot be pooled as asked; the message is one line."""


@dataclass(frozen=True, slots=True)
class Study:
    """One trial's comparison on one outcome.

    Give the counts (``treat_events``, ``treat_total``, ``ctrl_events``, ``ctrl_total``), or a
    reported ratio (``measure``, ``estimate``, ``ci_low``, ``ci_high`` at ``level``), or an
    analysis-scale effect (``measure``, ``yi``, ``vi``: log RR or log OR, or RD, and its
    variance). ``id`` names the study in results and flags (a PMID in the pipeline);
    ``entry_date`` orders cumulative analyses; ``n_patients`` is only needed when there are no
    counts.
    """

    id: str
    treat_events: int | None = None
    treat_total: int | None = None
    ctrl_events: int | None = None
    ctrl_total: int | None = None
    measure: str | None = None
    estimate: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    yi: float | None = None
    vi: float | None = None
    level: float = 0.95
    n_patients: int | None = None
    entry_date: date | None = None

    def __post_init__(self) -> None:
        counts = (self.treat_events, self.treat_total, self.ctrl_events, self.ctrl_total)
        given = [value is not None for value in counts]
        if any(given) and not all(given):
            raise PoolingError(f"study {self.id}: give all four counts or none")
        if self.measure is not None and self.measure not in MEASURES:
            raise PoolingError(f"study {self.id}: unknown measure {self.measure!r} "
                               f"(choose one of: {', '.join(MEASURES)})")
        if not (self.has_counts or self.has_reported or self.has_log_effect):
            raise PoolingError(f"study {self.id}: needs counts, a reported interval, or yi and vi")
        if self.has_counts:
            try:
                log_effect("RD", *counts)
            except EffectSizeError as exc:
                raise PoolingError(f"study {self.id}: {exc}") from None

    @classmethod
    def from_counts(cls, id: str, treat_events: int, treat_total: int, ctrl_events: int,
                    ctrl_total: int, *, entry_date: date | None = None) -> "Study":
        """A study with a full 2×2 table."""
        return cls(id, treat_events, treat_total, ctrl_events, ctrl_total, entry_date=entry_date)

    @classmethod
    def from_reported(cls, id: str, measure: str, estimate: float, ci_low: float, ci_high: float,
                      *, level: float = 0.95, n_patients: int | None = None,
                      entry_date: date | None = None) -> "Study":
        """A study known only by its reported ratio (or difference) and interval."""
        return cls(id, measure=measure, estimate=estimate, ci_low=ci_low, ci_high=ci_high,
                   level=level, n_patients=n_patients, entry_date=entry_date)

    @classmethod
    def from_log(cls, id: str, measure: str, yi: float, vi: float, *,
                 n_patients: int | None = None, entry_date: date | None = None) -> "Study":
        """A study given on the analysis scale (log RR, log OR or RD, and its variance)."""
        return cls(id, measure=measure, yi=yi, vi=vi, n_patients=n_patients, entry_date=entry_date)

    @classmethod
    def from_effect(cls, effect, *, entry_date: date | None = None) -> "Study | None":
        """A study from an ``extractors.records.Effect`` (its ``pmid`` becomes the id).

        Counts are used when the effect has all four; otherwise its reported RR, OR or RD with
        a full interval. Returns ``None`` for an effect that failed its checks, a hazard ratio,
        or a ratio without an interval: none of these can be pooled.
        """
        if not effect.passed_checks:
            return None
        if effect.has_counts:
            return cls(str(effect.pmid), effect.treat_events, effect.treat_total, effect.ctrl_events,
                       effect.ctrl_total, entry_date=entry_date)
        reported = (effect.estimate, effect.ci_low, effect.ci_high)
        if effect.measure not in MEASURES or None in reported:
            return None
        return cls.from_reported(str(effect.pmid), effect.measure, *reported, entry_date=entry_date)

    @property
    def has_counts(self) -> bool:
        return self.treat_events is not None

    @property
    def has_reported(self) -> bool:
        return None not in (self.measure, self.estimate, self.ci_low, self.ci_high)

    @property
    def has_log_effect(self) -> bool:
        return None not in (self.measure, self.yi, self.vi)

    @property
    def patients(self) -> int | None:
        """Participants randomised in the two arms compared (``None`` when unknown)."""
        if self.has_counts:
            return self.treat_total + self.ctrl_total
        return self.n_patients

    def counts(self) -> tuple[int, int, int, int]:
        """``(treat_events, treat_total, ctrl_events, ctrl_total)``; raises without counts."""
        if not self.has_counts:
            raise PoolingError(f"study {self.id} has no 2x2 counts")
        return self.treat_events, self.treat_total, self.ctrl_events, self.ctrl_total

    def can_give(self, measure: str) -> bool:
        """Whether this study has data on ``measure`` (before asking if it is estimable)."""
        return self.has_counts or self.measure == measure

    def analysis_effect(self, measure: str) -> tuple[float, float, bool] | None:
        """``(yi, vi, corrected)`` on ``measure``'s analysis scale, or ``None`` (see ``effect``)."""
        if self.has_counts:
            return log_effect(measure, *self.counts())
        effect = self.effect(measure)
        return None if effect is None else (effect.yi, effect.vi, effect.corrected)

    def effect(self, measure: str) -> EffectSize | None:
        """The study's effect on ``measure``, or ``None`` when it has none.

        Counts are used when present (0.5 added to a study with a zero cell; a study with no
        events, or all events, in both arms gives ``None`` on RR and OR). Otherwise a reported
        effect is used only when it is on ``measure``.
        """
        if self.has_counts:
            return effect_from_counts(measure, *self.counts())
        if self.measure != measure:
            return None
        try:
            if self.has_log_effect:
                return effect_from_log(measure, self.yi, self.vi)
            return effect_from_interval(measure, self.estimate, self.ci_low, self.ci_high,
                                        level=self.level)
        except EffectSizeError as exc:
            raise PoolingError(f"study {self.id}: {exc}") from None


@dataclass(frozen=True)
class EffectTable:
    """The studies that contribute to one measure, as arrays, and those that cannot."""

    measure: str
    ids: tuple[str, ...]
    yi: np.ndarray
    vi: np.ndarray
    corrected: tuple[bool, ...]
    excluded: tuple[str, ...]
    n_patients: int | None

    @property
    def k(self) -> int:
        return len(self.ids)


def check_unique(studies: Sequence[Study]) -> None:
    """Refuse a study listed twice: it would be counted twice."""
    seen: set[str] = set()
    for study in studies:
        if study.id in seen:
            raise PoolingError(f"study {study.id} is listed twice; combine its arms first")
        seen.add(study.id)


def total_patients(studies: Sequence[Study]) -> int | None:
    """Participants in ``studies``; ``None`` if any study's size is unknown."""
    sizes = [s.patients for s in studies]
    return None if any(n is None for n in sizes) else int(sum(sizes))


def effect_table(studies: Sequence[Study], measure: str) -> EffectTable:
    """Per-study ``yi``/``vi`` on ``measure``, with the studies that cannot contribute."""
    if measure not in MEASURES:
        raise PoolingError(f"unknown measure {measure!r} (choose one of: {', '.join(MEASURES)})")
    check_unique(studies)
    used: list[Study] = []
    effects: list[tuple[float, float, bool]] = []
    excluded: list[str] = []
    for study in studies:
        effect = study.analysis_effect(measure)
        if effect is None:
            excluded.append(study.id)
        else:
            used.append(study)
            effects.append(effect)
    return EffectTable(
        measure=measure,
        ids=tuple(s.id for s in used),
        yi=np.array([e[0] for e in effects], dtype=float),
        vi=np.array([e[1] for e in effects], dtype=float),
        corrected=tuple(e[2] for e in effects),
        excluded=tuple(excluded),
        n_patients=total_patients(used),
    )


def combine_active_arms(id: str, active_arms: Sequence[tuple[int, int]],
                        control: tuple[int, int], *, entry_date: date | None = None) -> Study:
    """One study from several arms of the same therapy against one shared control.

    Pooling each active arm against the same control would count the control's patients twice;
    the Cochrane Handbook (section 23.3.4) recommends combining the active arms into one group.

    Examples
    --------
    >>> s = combine_active_arms("12345", [(10, 40), (12, 41)], (8, 40))
    >>> s.counts()
    (22, 81, 8, 40)
    """
    if not active_arms:
        raise PoolingError(f"study {id}: no active arm to combine")
    events = sum(e for e, _ in active_arms)
    total = sum(n for _, n in active_arms)
    return Study.from_counts(id, events, total, control[0], control[1], entry_date=entry_date)
