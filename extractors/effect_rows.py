"""Turn what the readers found (counts bound to arms, printed ratios) into checked ``Effect`` rows,
and choose the one row per comparison that pooling reads.

The readers (``extractors.effects`` for prose, ``extractors.table_counts`` for tables) hand over
:class:`Finding` and :class:`RatioStatement` records; :func:`build_effects` computes the lead
measure from counts (``models.effect_sizes``), joins counts to a ratio printed in the same
sentence, and runs ``models.effect_checks`` on every row. :func:`preferred_effects` is the choice
pooling must make between rows describing the same women.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterable, Sequence

from extractors.arm_words import PREFERRED_CONTROL, control_kind
from extractors.arms import Arm
from extractors.numbers import Count
from extractors.outcomes import UNITS, OutcomeMention
from extractors.ratios import Ratio
from extractors.records import Article, Effect

RULE_RATIO = "effect.ratio_ci.v1"
#: The measure computed from counts: config/monitoring.toml's lead measure.
COMPUTED_MEASURE = "RR"


@dataclass(frozen=True, slots=True)
class Group:
    """A count assigned to an arm, with events and total resolved (or not)."""

    arm: int
    count: Count
    events: int | None
    total: int | None
    how: str  # "printed", "events_from_percent", "totals_from_percent", "totals_from_size"


@dataclass(frozen=True, slots=True)
class Finding:
    """The counts of one outcome and comparison, read from one sentence or table row."""

    outcome: OutcomeMention
    treat: Group
    ctrl: Group
    start: int
    end: int
    p_value: float | None
    p_operator: str | None
    rule_id: str
    qualifiers: tuple[str, ...]
    sentence: int = 0


@dataclass(frozen=True, slots=True)
class RatioStatement:
    """A printed ratio with the outcome and comparison it speaks of (``None`` when unknown)."""

    ratio: Ratio
    outcome: OutcomeMention | None
    pair: tuple[int | None, int | None] | None
    qualifiers: tuple[str, ...]
    sentence: int


def build_effects(article: Article, arms: Sequence[Arm], findings: Sequence[Finding],
                  ratios: Sequence[RatioStatement]) -> list[Effect]:
    """Checked effect rows: one ``computed`` row per distinct counts, one ``reported`` per ratio."""
    from models.effect_checks import check_effect
    from models.effect_sizes import EffectSizeError, effect_from_counts

    effects: list[Effect] = []
    seen: set[tuple] = set()
    counts_by_key: dict[tuple, list[Finding]] = {}
    for f in findings:
        key = (f.outcome.outcome, f.treat.arm, f.ctrl.arm, f.outcome.unit or f.treat.count.unit,
               f.treat.events, f.treat.total, f.ctrl.events, f.ctrl.total)
        if key in seen:
            continue
        try:
            computed = effect_from_counts(COMPUTED_MEASURE, f.treat.events, f.treat.total, f.ctrl.events,
                                          f.ctrl.total)
        except EffectSizeError:
            computed = None
        seen.add(key)
        counts_by_key.setdefault((f.outcome.outcome, f.treat.arm, f.ctrl.arm), []).append(f)
        effects.append(Effect(
            pmid=article.pmid, outcome=f.outcome.outcome, measure=COMPUTED_MEASURE,
            estimate=computed.estimate if computed else None,
            ci_low=computed.ci_low if computed else None,
            ci_high=computed.ci_high if computed else None,
            p_value=f.p_value, p_operator=f.p_operator,
            treat_events=f.treat.events, treat_total=f.treat.total,
            ctrl_events=f.ctrl.events, ctrl_total=f.ctrl.total,
            treat_arm=arms[f.treat.arm].name, ctrl_arm=arms[f.ctrl.arm].name,
            denominator_unit=_unit(f.outcome.unit or f.treat.count.unit),
            source="computed", evidence_text=article.abstract[f.start:f.end],
            char_start=f.start, char_end=f.end, rule_id=f.rule_id,
            treat_percent=f.treat.count.percent, ctrl_percent=f.ctrl.count.percent,
            qualifiers=f.qualifiers,
        ))
    for st in ratios:
        if st.outcome is None or st.pair is None:
            continue
        ratio, outcome, pair, qualifiers = st.ratio, st.outcome, st.pair, st.qualifiers
        if ratio.ci_level is not None and abs(ratio.ci_level - 95.0) > 1e-9:
            low = high = None
            qualifiers = qualifiers + (f"ci{int(ratio.ci_level)}",)
        else:
            low, high = ratio.ci_low, ratio.ci_high
        # Counts join a printed ratio only from its own sentence: elsewhere they may be another
        # analysis (per protocol, a subgroup) of the same outcome.
        matched = [f for f in counts_by_key.get((outcome.outcome, pair[0], pair[1]), []) if f.sentence == st.sentence]
        counts = matched[0] if len({(f.treat.events, f.treat.total, f.ctrl.events, f.ctrl.total)
                                    for f in matched}) == 1 else None
        effects.append(Effect(
            pmid=article.pmid, outcome=outcome.outcome, measure=ratio.measure, estimate=ratio.estimate,
            ci_low=low, ci_high=high, p_value=ratio.p_value, p_operator=ratio.p_operator,
            treat_events=counts.treat.events if counts else None,
            treat_total=counts.treat.total if counts else None,
            ctrl_events=counts.ctrl.events if counts else None,
            ctrl_total=counts.ctrl.total if counts else None,
            treat_arm=arms[pair[0]].name if pair[0] is not None else None,
            ctrl_arm=arms[pair[1]].name if pair[1] is not None else None,
            denominator_unit=_unit(outcome.unit or (counts.treat.count.unit if counts else None)),
            source="reported",
            evidence_text=article.abstract[ratio.start:ratio.end], char_start=ratio.start,
            char_end=ratio.end, rule_id=RULE_RATIO,
            treat_percent=counts.treat.count.percent if counts else None,
            ctrl_percent=counts.ctrl.count.percent if counts else None,
            qualifiers=tuple(dict.fromkeys(qualifiers)),
        ))
    return [replace(e, check_failures=check_effect(e)) for e in effects]


def _unit(unit: str | None) -> str | None:
    """The stored denominator unit: one of ``UNITS``; a unit read only to stop a derivation
    (``pregnancy``, ``infant``) is not stored."""
    return unit if unit in UNITS else None


def _control_rank(name: str | None) -> int:
    """How blinded a comparator is, by its name: placebo first, untreated last, unnamed after."""
    if name is None:
        return 9
    return PREFERRED_CONTROL.get(control_kind(name) or "control", 9)


def preferred_effects(effects: Iterable[Effect]) -> list[Effect]:
    """One effect per paper, outcome and active arm: the one pooling should read.

    Counts (a ``computed`` row) come first, since any measure can be computed from them; then a
    reported, unadjusted ratio with a 95% interval; then an adjusted one. Rows that failed their
    checks, pooled (meta-analysis) rows and subgroup rows are never chosen. When the active arm was
    compared with several comparators (saline and no infusion), the comparison with the most
    blinded one (placebo, sham, saline, then others) is the one read.
    """
    effects = list(effects)
    # A row whose unit was not printed belongs with the comparison's one printed unit, if any.
    units: dict[tuple, set[str]] = {}
    for e in effects:
        if e.denominator_unit:
            units.setdefault((e.pmid, e.outcome, e.treat_arm, e.ctrl_arm), set()).add(e.denominator_unit)
    best: dict[tuple, tuple[int, Effect]] = {}
    for e in effects:
        if e.check_failures or "pooled" in e.qualifiers or "subgroup" in e.qualifiers:
            continue
        if e.source == "computed" and e.has_counts:
            rank = 0
        elif e.source == "reported" and e.ci_low is not None and "adjusted" not in e.qualifiers:
            rank = 1
        elif e.source == "reported" and e.ci_low is not None:
            rank = 2
        else:
            continue
        unit = e.denominator_unit
        known = units.get((e.pmid, e.outcome, e.treat_arm, e.ctrl_arm), set())
        if unit is None and len(known) == 1:
            unit = next(iter(known))
        key = (e.pmid, e.outcome, e.treat_arm, e.ctrl_arm, unit)
        if key not in best or rank < best[key][0]:
            best[key] = (rank, e)
    blinded: dict[tuple, int] = {}
    for (pmid, outcome, treat, ctrl, unit) in best:
        k = (pmid, outcome, treat, unit)
        blinded[k] = min(blinded.get(k, 9), _control_rank(ctrl))
    return [e for (pmid, outcome, treat, ctrl, unit), (_, e) in best.items()
            if _control_rank(ctrl) == blinded[(pmid, outcome, treat, unit)]]
