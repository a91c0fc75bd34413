"""The immutable records a composed digest is made of.

Everything a renderer needs is already worded here: renderers only lay it out. Strings that came
from a paper (titles, evidence sentences, RIF definitions) are kept raw; each renderer escapes
them for its format.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PaperRef:
    """A paper cited in the digest, with its link and whether its numbers were checked."""

    pmid: str
    title: str
    citation: str
    url: str
    #: ``True`` every number checked by a maintainer, ``False`` some not, ``None`` no numbers
    confirmed: bool | None = None


@dataclass(frozen=True)
class ForestRow:
    label: str
    estimate: float
    ci_low: float
    ci_high: float
    confirmed: bool


@dataclass(frozen=True)
class ForestPlot:
    """One stratum's studies and its pooled estimate, on the ratio scale of ``measure``."""

    title: str
    measure: str
    rows: tuple[ForestRow, ...]
    pooled_label: str
    pooled: tuple[float, float, float] | None
    #: what each side of the null line means, e.g. ("fewer live births", "more live births")
    sides: tuple[str, str] = ("", "")
    #: studies pooled but without an estimate on this scale (shown as a note, not a row)
    n_missing: int = 0


@dataclass(frozen=True)
class CumulativePoint:
    label: str
    k: int
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    z: float | None
    information_fraction: float | None
    z_boundary: float | None


@dataclass(frozen=True)
class CumulativePlot:
    """A stratum's estimate after each added study, with its z-curve against the boundary."""

    title: str
    measure: str
    points: tuple[CumulativePoint, ...]


@dataclass(frozen=True)
class Figure:
    key: str
    caption: str
    forest: ForestPlot | None
    cumulative: CumulativePlot | None


@dataclass(frozen=True)
class Change:
    """A stratum whose state changed (a flag) or whose estimate moved without changing state."""

    heading: str
    sentence: str
    kind: str
    flag_status: str | None
    papers: tuple[PaperRef, ...]
    confirmation: str
    cautions: tuple[str, ...]
    figure: Figure | None


@dataclass(frozen=True)
class EffectLine:
    outcome: str
    summary: str
    evidence: str
    confirmed: bool
    problem: str | None = None


@dataclass(frozen=True)
class NewTrial:
    paper: PaperRef
    design: str
    population: str
    rif_definition: str | None
    group_sizes: str | None
    effects: tuple[EffectLine, ...]
    pooling: str


@dataclass(frozen=True)
class TherapyTrials:
    therapy: str
    trials: tuple[NewTrial, ...]


@dataclass(frozen=True)
class StandingRow:
    outcome: str
    strata: str
    estimate: str
    size: str
    change: str
    monitoring: str
    cautions: tuple[str, ...]
    changed: bool


@dataclass(frozen=True)
class TherapyStanding:
    therapy_id: str
    therapy: str
    rows: tuple[StandingRow, ...]
    review_verdict: str
    review_recommendation: str
    review_considerations: str
    changed: bool


@dataclass(frozen=True)
class NotableRecord:
    kind: str
    paper: PaperRef


@dataclass(frozen=True)
class Headline:
    title: str
    period: str
    complete: bool
    status: str
    notes: tuple[str, ...]
    counts: str
    #: the week's changes in one line each, for a reader with ten seconds
    summary: tuple[str, ...] = ()


@dataclass(frozen=True)
class Digest:
    """One run's digest, in reading order."""

    run_id: str
    subject: str
    headline: Headline
    changes: tuple[Change, ...]
    updates: tuple[Change, ...]
    new_trials: tuple[TherapyTrials, ...]
    standings: tuple[TherapyStanding, ...]
    #: therapies without an estimate: (the review's Table 2 words, therapy labels)
    not_pooled: tuple[tuple[str, tuple[str, ...]], ...]
    notable: tuple[NotableRecord, ...]
    n_other_records: int
    nothing_new: bool
    method: str
    footer: tuple[str, ...]

    @property
    def figures(self) -> tuple[Figure, ...]:
        return tuple(c.figure for c in self.changes + self.updates if c.figure is not None)
