"""What a maintainer should look at first, and why: the triage queue as a pure function.

``build_queue`` takes plain rows (papers, their effects, open flags, orphaned decisions, the
RCT operating points) and returns queue entries in the order a maintainer should work:

0. papers behind an open flag whose numbers are not settled yet, and open flags whose papers are
   all settled (or that name none) and so wait for a maintainer to confirm or dismiss them;
1. papers the machine was unsure about: an RCT probability between the ``sensitive`` and
   ``precise`` operating points (the classifier's own settings disagree on it; not for records
   NLM has indexed, whose design comes from their publication types), an extracted
   number that failed a check, a reported ratio the same paper's counts do not give, a curated
   value that a re-extraction left behind (an orphaned decision);
2. the remaining trials of surveillance runs that no maintainer has confirmed or rejected,
   the newest run first.

Every entry carries its reasons, each a code and a sentence. A confirmed or rejected paper leaves
the queue except for effect-level reasons on effects no one has decided on yet (a later
re-extraction can add those).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from typing import Iterable, Sequence

from config.vocabulary import OperatingPoints
from models.effect_sizes import RATIO_MEASURES, EffectSizeError, effect_from_counts

#: Reported and recomputed ratios further apart than this (as a ratio of ratios) disagree: rounding
#: a ratio to two decimals moves it by at most 1% for ratios above 0.5, so a 10% gap is a
#: transposed arm, a wrong denominator or an adjusted ratio, each worth a maintainer's look.
RATIO_TOLERANCE = 0.10
#: Half a unit of the second decimal: papers print ratios to two decimals, so a small ratio
#: (0.04 for 0.036) may differ by more than 10% from its counts through rounding alone.
ROUNDING = 0.005
#: Designs that report a randomised comparison (CONTRACT.md vocabulary).
TRIAL_DESIGNS = ("rct", "quasi_rct")
#: Effect states a maintainer has signed off (views.sql ``effects.curation_status``).
CHECKED_EFFECT_STATES = ("confirmed", "corrected")
#: Run sources whose new records are "the week's news" (a ``baseline`` load is the review's past).
SURVEILLANCE_SOURCES = ("pubmed", "snapshot", "import")

FLAG, UNCERTAIN, NEW_TRIAL = 0, 1, 2
GROUP_TITLES = {FLAG: "Behind open flags", UNCERTAIN: "Uncertain classification or extraction",
                NEW_TRIAL: "New trials not yet reviewed"}


@dataclass(frozen=True)
class PaperState:
    """A paper as the queue needs it (``papers`` view plus the run it was first seen in)."""

    pmid: str
    title: str
    entry_date: date | None
    first_seen_run: str | None
    first_seen_source: str | None
    first_seen_at: datetime | None
    is_rct: bool | None
    design: str | None
    rct_probability: float | None
    curation_status: str
    #: a maintainer corrected ``is_rct`` or ``design`` (the classification is no longer the machine's)
    classification_decided: bool = False
    #: NLM indexed the record, so its design came from its publication types, not from the model
    indexed: bool = False

    @property
    def decided(self) -> bool:
        return self.curation_status in ("confirmed", "rejected")


@dataclass(frozen=True)
class EffectState:
    """One extracted comparison as the queue needs it (``effects`` view)."""

    pmid: str
    effect_key: str
    outcome: str
    measure: str | None
    estimate: float | None
    treat_events: int | None
    treat_total: int | None
    ctrl_events: int | None
    ctrl_total: int | None
    source: str
    treat_arm: str | None
    ctrl_arm: str | None
    check_failures: tuple[str, ...]
    curation_status: str

    @property
    def undecided(self) -> bool:
        return self.curation_status == "machine"

    @property
    def checked(self) -> bool:
        return self.curation_status in CHECKED_EFFECT_STATES or self.source == "curated"

    @property
    def counts(self) -> tuple[int, int, int, int] | None:
        values = (self.treat_events, self.treat_total, self.ctrl_events, self.ctrl_total)
        return None if any(v is None for v in values) else values  # type: ignore[return-value]


@dataclass(frozen=True)
class OpenFlag:
    flag_id: int
    run_id: str
    therapy: str
    outcome: str
    rif_stratum: str
    kind: str
    pmids: tuple[str, ...]

    def describe(self) -> str:
        return (f"flag #{self.flag_id}: {self.therapy} · {self.outcome} · {self.rif_stratum} "
                f"{self.kind.replace('_', ' ')} ({self.run_id})")


@dataclass(frozen=True)
class Orphan:
    """An effect decision whose key the current extraction no longer has (``orphaned_decisions``)."""

    decision_id: int
    pmid: str
    effect_key: str
    field: str | None
    new_value: str | None
    reviewed_since: bool


@dataclass(frozen=True)
class Reason:
    code: str
    text: str


@dataclass(frozen=True)
class QueueEntry:
    """One thing to look at: a paper (``pmid``) or a flag awaiting its verdict (``flag_id``)."""

    group: int
    reasons: tuple[Reason, ...]
    title: str
    pmid: str | None = None
    flag_id: int | None = None
    entry_date: date | None = None

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.reasons)


@dataclass(frozen=True)
class UncertainBand:
    """RCT probabilities on which the sensitive and precise operating points disagree."""

    low: float
    high: float

    def __contains__(self, probability: float | None) -> bool:
        return probability is not None and self.low <= probability < self.high


def band_of(points: OperatingPoints) -> UncertainBand:
    """The uncertain band of the configured operating points: from ``sensitive`` up to ``precise``."""
    return UncertainBand(points.threshold("sensitive"), points.threshold("precise"))


def paper_settled_for(paper: PaperState | None, effects: Sequence[EffectState], outcome: str) -> bool:
    """Whether a maintainer has dealt with ``paper``'s numbers on ``outcome`` (or rejected it)."""
    if paper is None:
        return False
    if paper.curation_status == "rejected":
        return True
    mine = [e for e in effects if e.outcome == outcome and e.curation_status != "rejected"]
    if mine:
        return all(e.checked for e in mine)
    return paper.curation_status == "confirmed"


def _fmt(value: float) -> str:
    return f"{value:.2f}"


def ratio_disagreements(effects: Sequence[EffectState], tolerance: float = RATIO_TOLERANCE) -> list[tuple[EffectState, float, tuple[int, int, int, int]]]:
    """Reported ratios that differ from the ratio the same paper's counts give.

    Each reported RR or OR is compared with the counts of the same outcome, taken from the effect
    itself or from a sibling with the same arms (or, when the paper has one set of counts for the
    outcome, from that set). Returns ``(effect, recomputed ratio, counts)`` per disagreement.

    Examples
    --------
    >>> rep = EffectState("1", "k", "live_birth", "RR", 2.9, None, None, None, None, "reported",
    ...                   None, None, (), "machine")
    >>> cnt = EffectState("1", "c", "live_birth", "RR", 2.06, 19, 45, 9, 44, "computed",
    ...                   None, None, (), "machine")
    >>> [round(r, 2) for _, r, _ in ratio_disagreements([rep, cnt])]
    [2.06]
    """
    out = []
    for effect in effects:
        if effect.source != "reported" or effect.measure not in RATIO_MEASURES or not effect.estimate:
            continue
        counts = effect.counts or _sibling_counts(effect, effects)
        if counts is None:
            continue
        try:
            size = effect_from_counts(effect.measure, *counts)
        except EffectSizeError:
            continue
        if size is None or effect.estimate <= 0:
            continue
        beyond_rounding = abs(effect.estimate - size.estimate) > ROUNDING
        if beyond_rounding and abs(math.log(effect.estimate / size.estimate)) > math.log1p(tolerance):
            out.append((effect, size.estimate, counts))
    return out


def _sibling_counts(effect: EffectState, effects: Sequence[EffectState]) -> tuple[int, int, int, int] | None:
    candidates = [e for e in effects if e is not effect and e.outcome == effect.outcome and e.counts]
    same_arms = [e for e in candidates if (e.treat_arm, e.ctrl_arm) == (effect.treat_arm, effect.ctrl_arm)
                 and (e.treat_arm or e.ctrl_arm)]
    pool = same_arms or candidates
    distinct = {e.counts for e in pool}
    return distinct.pop() if len(distinct) == 1 else None


def paper_reasons(paper: PaperState, effects: Sequence[EffectState], flags: Sequence[OpenFlag],
                  orphans: Sequence[Orphan], band: UncertainBand, latest_run: str | None) -> list[tuple[int, Reason]]:
    """Why ``paper`` is in the queue, each reason with its group (empty: it is not)."""
    if paper.curation_status == "rejected":
        return []
    found: list[tuple[int, Reason]] = []
    for flag in flags:
        if paper.pmid in flag.pmids and not paper_settled_for(paper, effects, flag.outcome):
            found.append((FLAG, Reason("open_flag", f"behind open {flag.describe()}")))
    machine_judged = not (paper.decided or paper.classification_decided or paper.indexed)
    if machine_judged and paper.rct_probability in band:
        found.append((UNCERTAIN, Reason(
            "uncertain_rct",
            f"RCT probability {paper.rct_probability:.2f} lies between the sensitive ({band.low:.2f}) and "
            f"precise ({band.high:.2f}) operating points")))
    for effect in effects:
        if effect.undecided and effect.check_failures:
            found.append((UNCERTAIN, Reason(
                "failed_check", f"{effect.outcome} ({effect.effect_key}): check failed: "
                                + "; ".join(effect.check_failures))))
    for effect, computed, (te, tn, ce, cn) in ratio_disagreements([e for e in effects if e.curation_status != "rejected"]):
        if effect.undecided and not effect.check_failures:  # a failed check already brings it here
            found.append((UNCERTAIN, Reason(
                "ratio_disagreement",
                f"{effect.outcome}: reported {effect.measure} {_fmt(effect.estimate)} but the counts "
                f"{te}/{tn} vs {ce}/{cn} give {effect.measure} {_fmt(computed)}")))
    for orphan in orphans:
        if not orphan.reviewed_since:
            what = f"{orphan.field} = {orphan.new_value!r}" if orphan.field != "status" else orphan.new_value
            found.append((UNCERTAIN, Reason(
                "orphaned_decision",
                f"decision #{orphan.decision_id} ({what}) on effect {orphan.effect_key} no longer applies: "
                "the current extraction has no effect with that key")))
    is_trial = bool(paper.is_rct) or paper.design in TRIAL_DESIGNS
    if (not paper.decided and is_trial and paper.first_seen_source in SURVEILLANCE_SOURCES
            and not any(group == FLAG for group, _ in found)):
        when = "this week's new trial" if paper.first_seen_run == latest_run else "trial not yet reviewed"
        found.append((NEW_TRIAL, Reason("new_trial", f"{when} (first seen in {paper.first_seen_run})")))
    return found


def build_queue(papers: Iterable[PaperState], effects: Iterable[EffectState], flags: Iterable[OpenFlag],
                orphans: Iterable[Orphan], band: UncertainBand) -> list[QueueEntry]:
    """The queue in working order: group, then the newest first-seen run, then entry date."""
    by_pmid = {p.pmid: p for p in papers}
    effects_of: dict[str, list[EffectState]] = {}
    for effect in effects:
        effects_of.setdefault(effect.pmid, []).append(effect)
    orphans_of: dict[str, list[Orphan]] = {}
    for orphan in orphans:
        orphans_of.setdefault(orphan.pmid, []).append(orphan)
    flags = list(flags)
    surveillance = [p for p in by_pmid.values() if p.first_seen_source in SURVEILLANCE_SOURCES and p.first_seen_at]
    latest_run = max(surveillance, key=lambda p: p.first_seen_at).first_seen_run if surveillance else None
    entries: list[tuple[tuple, QueueEntry]] = []
    for paper in by_pmid.values():
        reasons = paper_reasons(paper, effects_of.get(paper.pmid, []), flags, orphans_of.get(paper.pmid, []),
                                band, latest_run)
        if not reasons:
            continue
        group = min(g for g, _ in reasons)
        reasons.sort(key=lambda item: item[0])
        entry = QueueEntry(group, tuple(r for _, r in reasons), paper.title, pmid=paper.pmid,
                           entry_date=paper.entry_date)
        seen_at = paper.first_seen_at.timestamp() if paper.first_seen_at else 0.0
        entries.append(((group, -seen_at, -(paper.entry_date.toordinal() if paper.entry_date else 0), paper.pmid), entry))
    for flag in flags:
        if all(paper_settled_for(by_pmid.get(pmid), effects_of.get(pmid, []), flag.outcome) for pmid in flag.pmids):
            why = ("every paper behind it is settled: confirm or dismiss it" if flag.pmids
                   else "it names no paper: confirm or dismiss it")
            entry = QueueEntry(FLAG, (Reason("flag_awaits_verdict", f"open {flag.describe()}; {why}"),),
                               flag.describe(), flag_id=flag.flag_id)
            entries.append(((FLAG, 0.0, 0, f"flag-{flag.flag_id:012d}"), entry))
    entries.sort(key=lambda item: item[0])
    return [entry for _, entry in entries]
