"""The week's new trials, grouped by therapy, each with its numbers and their sentences (pure).

A committee member checks a number by reading the sentence it came from, so every extracted
effect is shown with its evidence text, and anything no maintainer has checked is marked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from digest import wording as w
from digest.labels import paper_ref
from digest.records import EffectLine, NewTrial, TherapyTrials
from warehouse.marts import EffectRow, Paper, is_trial

if TYPE_CHECKING:  # pragma: no cover
    from digest.compose import DigestInputs
    from digest.labels import Labels

DESIGN_LABELS = {
    "rct": "Randomised trial", "quasi_rct": "Quasi-randomised trial", "meta_analysis": "Meta-analysis",
    "systematic_review": "Systematic review", "narrative_review": "Review",
    "trial_registration": "Trial registration", "protocol": "Trial protocol", "cohort": "Cohort study",
    "case_control": "Case-control study", "case_series": "Case series", "other": "Other record",
}
POPULATIONS = {
    "rif": "Recurrent implantation failure",
    "rpl": "Recurrent pregnancy loss (not RIF)",
    "general_ivf": "Unselected IVF patients (not RIF)",
    "other": "Not a RIF population",
}


def _counts(e: EffectRow) -> str | None:
    if None in (e.treat_events, e.treat_total, e.ctrl_events, e.ctrl_total):
        return None
    return f"{e.treat_events}/{e.treat_total} vs {e.ctrl_events}/{e.ctrl_total}"


def effect_lines(labels: "Labels", effects: list[EffectRow]) -> tuple[EffectLine, ...]:
    """One line per comparison: counts, the reported and computed ratios, the evidence sentence."""
    groups: dict[tuple, list[EffectRow]] = {}
    for e in effects:
        groups.setdefault((e.outcome, e.treat_arm, e.ctrl_arm), []).append(e)
    lines = []
    for (outcome, treat, ctrl), rows in sorted(groups.items(), key=lambda kv: labels.rank(labels.outcome_order, kv[0][0])):
        parts = []
        counts = next((c for c in map(_counts, rows) if c), None)
        if counts:
            parts.append(counts)
        for e in rows:
            if e.measure and e.estimate is not None:
                how = {"reported": "as reported", "computed": "from counts", "curated": "curated"}.get(e.source, e.source)
                text = w.estimate(e.measure, e.estimate, e.ci_low, e.ci_high) if e.ci_low is not None \
                    else f"{e.measure} {w.number(e.estimate)}"
                if e.p_value is not None and e.source == "reported":
                    text += f", {w.p_value(e.p_value, e.p_operator)}"
                parts.append(f"{text} {how}")
        evidence = " … ".join(dict.fromkeys(e.evidence_text for e in rows if e.evidence_text))
        failures = [f for e in rows if not e.is_checked for f in (e.check_failures or ())]
        problem = (f"failed an automatic check ({'; '.join(failures)}); awaits a maintainer and is not pooled"
                   if failures else None)
        outcome_label = labels.outcome(outcome)
        if treat and ctrl and len({(k[1], k[2]) for k in groups if k[0] == outcome}) > 1:
            outcome_label += f" ({treat} vs {ctrl})"
        lines.append(EffectLine(outcome=outcome_label, summary="; ".join(parts) or "no numbers extracted",
                                evidence=evidence, confirmed=all(e.is_checked for e in rows), problem=problem))
    return tuple(lines)


def _group_sizes(effects: list[EffectRow]) -> str | None:
    treat = max((e.treat_total for e in effects if e.treat_total), default=None)
    ctrl = max((e.ctrl_total for e in effects if e.ctrl_total), default=None)
    if treat is None or ctrl is None:
        return None
    unit = next((e.denominator_unit for e in effects if e.denominator_unit), None) or "participants"
    return f"{treat} vs {ctrl} {unit} (therapy vs control)"


def _rif_definition(paper: Paper) -> str | None:
    if not paper.rif_definition_text and paper.rif_min_failures is None:
        return None
    quoted = f"“{paper.rif_definition_text}”" if paper.rif_definition_text else "no definition quoted"
    if paper.rif_min_failures is not None:
        n = paper.rif_min_failures
        return f"{quoted} (at least {n} failure{'' if n == 1 else 's'})"
    return f"{quoted} (number of failures not stated)"


def _pooling(labels: "Labels", paper: Paper, inputs: "DigestInputs", effects: list[EffectRow]) -> str:
    if paper.population != "rif":
        return "Not pooled: trials outside a RIF population never enter a RIF estimate."
    strata = sorted({p.rif_stratum for p in inputs.pooled if paper.pmid in (p.pmids or ())},
                    key=lambda s: labels.rank(labels.stratum_order, s))
    if strata:
        return "Pooled into: " + "; ".join(labels.stratum(s) for s in strata) + "."
    if any(e.check_failures and not e.is_checked for e in effects):
        return "Not pooled yet: its numbers await a maintainer's check."
    return "Not pooled: no number usable for pooling was found."


def group_new_trials(labels: "Labels", inputs: "DigestInputs") -> tuple[tuple[TherapyTrials, ...], int, int]:
    """``(groups by therapy, number of new trials, how many outside a RIF population)``."""
    effects: dict[str, list[EffectRow]] = {}
    for e in inputs.new_effects:
        effects.setdefault(e.pmid, []).append(e)
    trials = [p for p in inputs.new_records if is_trial(p)]
    groups: dict[str, list[NewTrial]] = {}
    for paper in trials:
        mine = effects.get(paper.pmid, [])
        confirmed = all(e.is_checked for e in mine) if mine else None
        entry = NewTrial(
            paper=paper_ref(labels, paper.pmid, paper.title, paper.authors, paper.year, paper.journal, confirmed),
            design=DESIGN_LABELS.get(paper.design or "", "Randomised trial"),
            population=POPULATIONS.get(paper.population or "", "Population not identified"),
            rif_definition=_rif_definition(paper), group_sizes=_group_sizes(mine),
            effects=effect_lines(labels, mine), pooling=_pooling(labels, paper, inputs, mine))
        groups.setdefault(paper.primary_therapy or "", []).append(entry)
    ordered = sorted(groups.items(), key=lambda kv: labels.rank(labels.therapy_order, kv[0]))
    n_outside = sum(1 for p in trials if p.population != "rif")
    return tuple(TherapyTrials(labels.therapy(t), tuple(v)) for t, v in ordered), len(trials), n_outside
