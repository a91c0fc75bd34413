"""Where each therapy stands: its pooled estimates beside the 2023 review's words (pure).

One block per therapy that has pooled estimates, in config order; within it live birth first (the
outcome order of config/outcomes.toml), then the RIF strata from broadest to strictest. Strata
that pool exactly the same trials are shown once, so the reader is not asked to compare identical
numbers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from digest import wording as w
from digest.records import StandingRow, TherapyStanding
from warehouse.marts import PooledRow, StudyEffect

if TYPE_CHECKING:  # pragma: no cover
    from digest.compose import DigestInputs
    from digest.labels import Labels


def order_key(labels: "Labels", key: tuple[str, str, str]) -> tuple:
    therapy, outcome, stratum = key
    return (labels.rank(labels.therapy_order, therapy), labels.rank(labels.outcome_order, outcome),
            labels.rank(labels.stratum_order, stratum))


def n_unconfirmed(row: PooledRow, studies: tuple[StudyEffect, ...]) -> int:
    """Trials of the stratum with a number that no maintainer has checked."""
    return len({s.pmid for s in studies if not s.is_checked and s.pmid in (row.pmids or ())})


def row_cautions(row: PooledRow, studies: tuple[StudyEffect, ...]) -> tuple[str, ...]:
    return w.cautions(row.measure, row.k, row.ci_low, row.ci_high, row.i2, row.pi_low, row.pi_high,
                      n_unconfirmed(row, studies))


def monitoring_cell(row: PooledRow) -> str:
    """``p = 0.004, significant · boundary not crossed (information fraction 0.24)``."""
    if row.k is None:
        return "—"
    sig = w.p_value(row.p_value)
    if row.significant is not None:
        sig += ", significant" if row.significant else ", not significant"
    if row.information_fraction is None or row.significant_sequential is None:
        return f"{sig} · no monitoring boundary"
    state = "boundary crossed" if row.significant_sequential else "boundary not crossed"
    return f"{sig} · {state} (information fraction {w.fraction(row.information_fraction)})"


def _same_trials(a: PooledRow, b: PooledRow) -> bool:
    """Two strata of one outcome that pool the same trials now and did last time."""
    return (a.k is not None and a.k == b.k and sorted(a.pmids or ()) == sorted(b.pmids or ())
            and a.estimate == b.estimate and a.prev_k == b.prev_k and a.prev_estimate == b.prev_estimate)


def _row(labels: "Labels", group: list[PooledRow], studies: tuple[StudyEffect, ...]) -> StandingRow:
    row = group[0]
    strata = "; ".join(labels.stratum(r.rif_stratum) for r in group)
    if len(group) > 1:
        strata += " (same trials)"
    change, moved = w.change(row.measure, row.k, row.estimate, row.significant, row.prev_k,
                             row.prev_estimate, row.prev_significant)
    if row.k is None:
        return StandingRow(outcome=labels.outcome(row.outcome), strata=strata, estimate="—",
                           size=f"was {w.trials(row.prev_k, row.prev_n_patients)}", change=change,
                           monitoring="—", cautions=(), changed=True)
    return StandingRow(
        outcome=labels.outcome(row.outcome), strata=strata,
        estimate=w.estimate(row.measure, row.estimate, row.ci_low, row.ci_high),
        size=w.trials(row.k, row.n_patients), change=change, monitoring=monitoring_cell(row),
        cautions=row_cautions(row, studies), changed=moved)


def where_each_therapy_stands(labels: "Labels", inputs: "DigestInputs"):
    """``(standings, not_pooled)``: blocks for therapies with estimates; the rest as (words, labels)."""
    by_therapy: dict[str, list[PooledRow]] = {}
    for row in sorted(inputs.pooled, key=lambda r: order_key(labels, (r.therapy, r.outcome, r.rif_stratum))):
        by_therapy.setdefault(row.therapy, []).append(row)
    blocks = []
    for therapy, rows in by_therapy.items():
        groups: list[list[PooledRow]] = []
        for row in rows:
            match = next((g for g in groups if g[0].outcome == row.outcome and _same_trials(g[0], row)), None)
            if match is not None:
                match.append(row)
            else:
                groups.append([row])
        shown = tuple(_row(labels, g, inputs.studies.get((therapy, g[0].outcome, g[0].rif_stratum), ()))
                      for g in groups)
        review = inputs.reviews.get(therapy)
        blocks.append(TherapyStanding(
            therapy_id=therapy, therapy=labels.therapy(therapy), rows=shown,
            review_verdict=review.table1_verdict if review else "",
            review_recommendation=review.table2_recommendation if review else "",
            review_considerations=review.table2_considerations if review else "",
            changed=any(r.changed for r in shown)))
    # Therapies with no estimate, grouped by the review's words so identical phrases are said once.
    not_pooled: dict[str, list[str]] = {}
    for tid, review in inputs.reviews.items():
        if tid not in by_therapy:
            not_pooled.setdefault(review.table2_recommendation, []).append(review.label)
    return tuple(blocks), tuple((words, tuple(names)) for words, names in not_pooled.items())
