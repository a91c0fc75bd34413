"""Compose a run's digest: gather the marts (I/O), then word them into a ``Digest`` (pure).

``compose_digest(con, run_id, config)`` is the one call the weekly flow and the CLI make;
``build_digest(inputs, config)`` is the pure part, testable without a warehouse.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from typing import Mapping

from config.vocabulary import load_operating_points
from digest import wording as w
from digest.records import (
    Change, CumulativePlot, CumulativePoint, Digest, Figure, ForestPlot, ForestRow, Headline,
    NotableRecord, PaperRef,
)
from digest import new_trials, standings
from digest.labels import Labels, paper_ref
from models.triage_queue import band_of
from warehouse import marts
from warehouse.marts import (
    CumulativeStep, EffectRow, FlagRow, Paper, PooledRow, ReviewPosition, RunHeader, StudyEffect,
)

StratumKey = tuple[str, str, str]

#: The review the digest quotes, as the seed text names it (shared/domain/review_evidence.json).
REVIEW_CITATION = "Reproduction 2023;165:R39–R60 (running title “Immunomodulation and implantation failure”)"

METHODS = {"FE": "fixed-effect (inverse variance)", "MH": "fixed-effect (Mantel-Haenszel)",
           "DL": "random-effects (DerSimonian-Laird)", "REML": "random-effects (REML)",
           "PM": "random-effects (Paule-Mandel)"}
CI_METHODS = {"wald": "Wald 95% intervals", "hksj": "Hartung-Knapp-Sidik-Jonkman 95% intervals",
              "hksj-adhoc": "Hartung-Knapp-Sidik-Jonkman 95% intervals, never narrower than Wald"}
MEASURE_NAMES = {"RR": "risk ratios", "OR": "odds ratios", "RD": "risk differences"}
SPENDING = {"obf": "O'Brien-Fleming-type", "pocock": "Pocock-type"}


@dataclass(frozen=True)
class DigestInputs:
    """Everything the digest is composed from, as the marts returned it."""

    header: RunHeader
    new_records: tuple[Paper, ...]
    retracted: tuple[Paper, ...]
    new_effects: tuple[EffectRow, ...]
    flags: tuple[FlagRow, ...]
    pooled: tuple[PooledRow, ...]
    studies: Mapping[StratumKey, tuple[StudyEffect, ...]]
    cumulative: tuple[CumulativeStep, ...]
    reviews: Mapping[str, ReviewPosition]


def gather_inputs(con, run_id: str, config) -> DigestInputs:
    """Run every mart the digest needs for ``run_id``."""
    band = band_of(load_operating_points(config.directory))
    header = marts.run_header(con, run_id, uncertain_band=(band.low, band.high))
    records = marts.new_records(con, run_id)
    pooled = marts.pooled_state(con, run_id)
    studies = marts.study_effects_by_stratum(con, pooled)
    return DigestInputs(
        header=header, new_records=tuple(records), retracted=tuple(marts.newly_retracted(con, run_id)),
        new_effects=tuple(marts.effects_of(con, [p.pmid for p in records])),
        flags=tuple(marts.run_flags(con, run_id)), pooled=tuple(pooled), studies=studies,
        cumulative=tuple(marts.cumulative_series(con, run_id)), reviews=marts.review_positions(config))


def compose_digest(con, run_id: str, config) -> "Digest":
    """The digest of ``run_id``, composed from the warehouse as it stands."""
    return build_digest(gather_inputs(con, run_id, config), config)


def _week(header: RunHeader) -> tuple[str, str]:
    day: date = header.window_end or header.started_at.date()
    year, week, _ = day.isocalendar()
    title = f"Week {week}, {year}"
    if header.window_start and header.window_end:
        a, b = header.window_start, header.window_end
        if (a.year, a.month) == (b.year, b.month):
            span = f"{a.day}–{b.day} {b:%B %Y}"
        else:
            span = f"{a.day} {a:%B}" + (f" {a.year}" if a.year != b.year else "") + f" – {b.day} {b:%B %Y}"
        return title, f"PubMed records entered {span}"
    return title, f"{header.source.capitalize()} run started {header.started_at:%d %B %Y}"


def _headline(inputs: DigestInputs, changes: tuple[Change, ...], n_trials: int, n_outside: int) -> Headline:
    h = inputs.header
    title, period = _week(h)
    complete = h.status == "succeeded" and not h.error
    if h.status == "failed":
        status = f"This run failed: {h.error or 'no reason recorded'}. Nothing new was added this week."
    elif not complete:
        status = (f"Incomplete: PubMed could not be searched completely ({h.error or h.status}). "
                  "Records from this window may be missing; they will be looked for again next run.")
    elif h.source in ("pubmed", "snapshot"):
        status = "Complete: PubMed was searched for the whole window."
    else:
        status = f"Complete ({h.source} run)."
    notes = []
    if h.n_http_errors:
        notes.append(f"{w.counts_phrase(h.n_http_errors, 'PubMed request')} returned an error this run.")
    if h.n_effects_awaiting_triage:
        n = h.n_effects_awaiting_triage
        notes.append(f"{w.counts_phrase(n, 'extracted number')} failed an automatic check and "
                     f"{'awaits' if n == 1 else 'await'} a maintainer; not pooled until checked.")
    if h.n_papers_uncertain:
        n = h.n_papers_uncertain
        notes.append(f"{w.counts_phrase(n, 'record')} classified with low confidence (near the RCT "
                     f"threshold) {'awaits' if n == 1 else 'await'} a maintainer.")
    unconfirmed = sorted({p.pmid for f in inputs.flags for p in f.papers if not p.numbers_confirmed})
    if unconfirmed:
        notes.append(f"The numbers behind this week's changes ({w.counts_phrase(len(unconfirmed), 'paper')}) "
                     "are not yet confirmed by a maintainer.")
    if h.source == "baseline":
        notes.append(f"This run loaded {w.counts_phrase(len(inputs.new_records), 'record')} from the 2023 review "
                     "as the starting point; they are not listed one by one.")
    if h.pooled_run_id and h.pooled_run_id != h.run_id:
        notes.append(f"Nothing was pooled in this run; estimates are those of run {h.pooled_run_id}.")
    elif h.pooled_run_id is None:
        notes.append("No pooled estimates exist yet.")
    trial_text = w.counts_phrase(n_trials, "new trial")
    if n_outside:
        trial_text += f" ({n_outside} outside a RIF population)"
    counts = (f"{w.counts_phrase(len(inputs.new_records), 'new record')}, {trial_text}, "
              f"{w.counts_phrase(len(changes), 'change')} of state.")
    counts = counts[0].upper() + counts[1:]
    return Headline(title=title, period=period, complete=complete, status=status, notes=tuple(notes),
                    counts=counts, summary=())


#: How the one-line summary names each kind of flag (models/monitoring.py FLAG_KINDS).
KIND_PHRASES = {"crossed_significance": "now conventionally significant",
                "lost_significance": "no longer conventionally significant",
                "crossed_boundary": "crossed the monitoring boundary",
                "direction_flip": "direction of effect reversed"}


def _summary(labels: Labels, inputs: DigestInputs, by_key: dict, n_updates: int) -> tuple[str, ...]:
    """One line per therapy, outcome and kind of change: what a reader must not miss."""
    grouped: dict[tuple[str, str, str], list[FlagRow]] = {}
    for flag in sorted(inputs.flags, key=lambda f: standings.order_key(labels, (f.therapy, f.outcome, f.rif_stratum))):
        grouped.setdefault((flag.therapy, flag.outcome, flag.kind), []).append(flag)
    lines = []
    for (therapy, outcome, kind), flags in grouped.items():
        strata = "; ".join(labels.stratum(f.rif_stratum) for f in flags)
        rows = [by_key.get((therapy, outcome, f.rif_stratum)) for f in flags]
        parts = [f"{labels.therapy(therapy)} · {labels.outcome(outcome).lower()}: "
                 f"{KIND_PHRASES.get(kind, kind.replace('_', ' '))} ({strata})"]
        if kind != "crossed_boundary" and rows and all(r is not None and r.significant_sequential is False for r in rows):
            parts.append("monitoring boundary not crossed")
        if any(not p.numbers_confirmed for f in flags for p in f.papers):
            parts.append("numbers not yet confirmed")
        lines.append("; ".join(parts) + ".")
    if n_updates:
        lines.append(f"{w.counts_phrase(n_updates, 'other estimate')} updated without a change of state.")
    return tuple(lines)


def _flag_sentence(labels: Labels, flag: FlagRow, row: PooledRow | None) -> str:
    if row is None or row.k is None:
        return f"the stratum changed state ({flag.kind.replace('_', ' ')}) and is no longer pooled. {flag.details or ''}".strip()
    est = w.estimate(row.measure, row.estimate, row.ci_low, row.ci_high)
    way = w.direction(row.measure, row.estimate, row.outcome, w.in_sentence(labels.therapy(row.therapy)))
    way = f": {way}" if way else ""
    watch = w.monitoring(row.significant_sequential, row.information_fraction, row.z, row.z_boundary)
    p = w.p_value(row.p_value)
    if flag.kind == "crossed_significance":
        return f"the pooled {row.measure} is now {est[len(row.measure) + 1:]}{way}, conventionally significant ({p}); {watch}."
    if flag.kind == "lost_significance":
        before = f"; it was {w.number(row.prev_estimate)} ({w.interval(row.prev_ci_low, row.prev_ci_high)})" if row.prev_estimate else ""
        return f"the pooled {row.measure} is now {est[len(row.measure) + 1:]}, no longer conventionally significant ({p}){before}; {watch}."
    if flag.kind == "crossed_boundary":
        return f"{watch}; the pooled {row.measure} is {est[len(row.measure) + 1:]}{way} ({p})."
    if flag.kind == "direction_flip":
        return (f"the pooled {row.measure} changed direction, from {w.number(row.prev_estimate)} to "
                f"{est[len(row.measure) + 1:]}{way} ({p}); {watch}.")
    return f"the stratum changed state ({flag.kind.replace('_', ' ')}); the pooled {est}{way} ({p}); {watch}."


def _confirmation(flag: FlagRow) -> str:
    if flag.status == "confirmed":
        lead = f"A maintainer confirmed this change{f' ({flag.status_by})' if flag.status_by else ''}. "
    elif flag.status == "dismissed":
        lead = f"A maintainer dismissed this change: {flag.status_reason or 'no reason given'}. "
    else:
        lead = ""
    unchecked = [p for p in flag.papers if not p.numbers_confirmed]
    if not flag.papers:
        return lead + "No paper is named for this change."
    if not unchecked:
        who = ", ".join(sorted({p.checked_by for p in flag.papers if p.checked_by}))
        return lead + "Numbers confirmed by a maintainer" + (f" ({who})." if who else ".")
    return lead + ("Numbers not yet confirmed by a maintainer." if len(unchecked) == len(flag.papers)
                   else f"Numbers of {len(unchecked)} of {len(flag.papers)} papers not yet confirmed by a maintainer.")


def _study_label(s: StudyEffect, many_arms: bool) -> str:
    label = w.citation(s.authors, s.year).replace(",", "")
    return f"{label} ({s.treat_arm})" if many_arms and s.treat_arm else label


def _figure(labels: Labels, row: PooledRow, studies: tuple[StudyEffect, ...],
            steps: list[CumulativeStep], method: str) -> Figure | None:
    if row.k is None:
        return None
    heading = labels.heading(row.therapy, row.outcome, row.rif_stratum)
    arms = {}
    for s in studies:
        arms[s.pmid] = arms.get(s.pmid, 0) + 1
    rows = tuple(ForestRow(_study_label(s, arms[s.pmid] > 1), s.estimate, s.ci_low, s.ci_high, s.is_checked)
                 for s in studies)
    pooled = (row.estimate, row.ci_low, row.ci_high) if row.estimate is not None else None
    events = w.EVENT_WORDS.get(row.outcome, "events")
    forest = ForestPlot(title=heading, measure=row.measure, rows=rows,
                        pooled_label=f"Pooled ({w.trials(row.k, None)})", pooled=pooled,
                        sides=(f"fewer {events}", f"more {events}"),
                        n_missing=max(0, len(set(row.pmids or ())) - len(arms)))
    by_pmid = {s.pmid: s for s in studies}
    points = tuple(CumulativePoint(
        label=(_study_label(by_pmid[s.pmid], False) if s.pmid in by_pmid else f"PMID {s.pmid}"),
        k=s.k, estimate=s.estimate, ci_low=s.ci_low, ci_high=s.ci_high, z=s.z,
        information_fraction=s.information_fraction, z_boundary=s.z_boundary) for s in steps)
    cumulative = CumulativePlot(title=heading, measure=row.measure, points=points) if points else None
    caption = (f"{heading}: each trial's {row.measure} (therapy vs control) with its 95% interval, and "
               f"the pooled estimate. Open markers: numbers not yet confirmed by a maintainer.")
    return Figure(key=f"{row.therapy}-{row.outcome}-{row.rif_stratum}", caption=caption, forest=forest,
                  cumulative=cumulative)


def _same_news(flags, by_key: dict, labels: Labels) -> list[list[FlagRow]]:
    """Flags grouped when they are the same news: same therapy, outcome, kind and papers, and
    strata pooling the same trials to the same estimate (e.g. one trial in RIF any, ≥2 and ≥3)."""
    groups: dict[tuple, list[FlagRow]] = {}
    ordered = sorted(flags, key=lambda f: standings.order_key(labels, (f.therapy, f.outcome, f.rif_stratum)))
    for flag in ordered:
        row = by_key.get((flag.therapy, flag.outcome, flag.rif_stratum))
        state = None if row is None else (row.k, row.estimate, row.ci_low, row.ci_high)
        key = (flag.therapy, flag.outcome, flag.kind, flag.status,
               tuple(sorted(p.pmid for p in flag.papers)), state)
        groups.setdefault(key, []).append(flag)
    return list(groups.values())


def _method(inputs: DigestInputs, config) -> str:
    """How the lead estimate is made (models/lead.py; docs/statistics.md), in one paragraph."""
    if not any(p.method for p in inputs.pooled):
        return "No pooled estimates yet."
    m = config.monitoring
    measure = MEASURE_NAMES.get(m.lead_measure, m.lead_measure)
    return (f"Each estimate is a {METHODS.get(m.lead_method, m.lead_method)} model with "
            f"{CI_METHODS.get(m.lead_ci, m.lead_ci)} once three or more trials are pooled; with two "
            "trials, the fixed-effect estimate (Mantel-Haenszel when both give counts); a single trial "
            f"is shown as itself, with its own interval. Strata are pooled on {measure}, or on the "
            "measure most of their trials report when some give only another ratio.")


def build_digest(inputs: DigestInputs, config) -> Digest:
    """Word the marts of one run into its digest (pure)."""
    labels = Labels(config)
    h = inputs.header
    method = _method(inputs, config)
    by_key = {(p.therapy, p.outcome, p.rif_stratum): p for p in inputs.pooled}
    steps: dict[StratumKey, list[CumulativeStep]] = {}
    for s in inputs.cumulative:
        steps.setdefault((s.therapy, s.outcome, s.rif_stratum), []).append(s)

    def figure_for(key: StratumKey) -> Figure | None:
        row = by_key.get(key)
        return _figure(labels, row, inputs.studies.get(key, ()), steps.get(key, []), method) if row else None

    changes = []
    for group in _same_news(inputs.flags, by_key, labels):
        flag = group[0]
        key = (flag.therapy, flag.outcome, flag.rif_stratum)
        row = by_key.get(key)
        papers = tuple(paper_ref(labels, p.pmid, p.title, p.authors, p.year, confirmed=p.numbers_confirmed)
                       for p in flag.papers)
        caution = () if row is None or row.k is None else standings.row_cautions(row, inputs.studies.get(key, ()))
        heading = labels.heading(*key)
        if len(group) > 1:
            heading = labels.heading(flag.therapy, flag.outcome, "; ".join(
                labels.stratum(f.rif_stratum) for f in group)) + " (same trials)"
        changes.append(Change(heading=heading, sentence=_flag_sentence(labels, flag, row),
                              kind=flag.kind, flag_status=flag.status, papers=papers,
                              confirmation=_confirmation(flag), cautions=caution, figure=figure_for(key)))
    flagged = {(f.therapy, f.outcome, f.rif_stratum) for f in inputs.flags}
    updates = []
    # A baseline run loads the 2023 review's trials as the starting point: that is not news, so
    # its strata and records are not listed one by one (the standings show them all).
    baseline = h.source == "baseline"
    if h.pooled_run_id == h.run_id and not baseline:
        for key, row in sorted(by_key.items(), key=lambda kv: standings.order_key(labels, kv[0])):
            text, moved = w.change(row.measure, row.k, row.estimate, row.significant, row.prev_k,
                                   row.prev_estimate, row.prev_significant)
            if not moved or key in flagged:
                continue
            sentence = text if row.k is None else (
                f"{w.estimate(row.measure, row.estimate, row.ci_low, row.ci_high)}, "
                f"{w.trials(row.k, row.n_patients)}; {text}.")
            updates.append(Change(heading=labels.heading(*key), sentence=sentence, kind="updated",
                                  flag_status=None, papers=(), confirmation="",
                                  cautions=() if row.k is None else standings.row_cautions(row, inputs.studies.get(key, ())),
                                  figure=figure_for(key)))
    trial_groups, n_trials, n_outside = new_trials.group_new_trials(labels, inputs)
    notable = tuple(NotableRecord(kind=new_trials.DESIGN_LABELS.get(p.design or "", "Record"),
                                  paper=paper_ref(labels, p.pmid, p.title, p.authors, p.year, p.journal))
                    for p in inputs.new_records if p.design in marts.NOTABLE_DESIGNS and not marts.is_trial(p))
    notable += tuple(NotableRecord(kind="Retracted", paper=paper_ref(labels, p.pmid, p.title, p.authors, p.year, p.journal))
                     for p in inputs.retracted)
    n_other = sum(1 for p in inputs.new_records if not marts.is_trial(p) and p.design not in marts.NOTABLE_DESIGNS)
    if baseline:
        trial_groups, notable, n_other = (), (), 0
    therapy_standings, not_pooled = standings.where_each_therapy_stands(labels, inputs)
    headline = _headline(inputs, tuple(changes), n_trials, n_outside)
    headline = dataclasses.replace(headline, summary=_summary(labels, inputs, by_key, len(updates)))
    nothing_new = not (inputs.new_records or changes or updates or inputs.retracted)
    summary = "nothing new" if nothing_new else ", ".join(
        part for part in (w.counts_phrase(len(changes), "change") if changes else "",
                          w.counts_phrase(n_trials, "new trial"),
                          w.counts_phrase(len(inputs.new_records), "new record")) if part)
    if not headline.complete:
        summary = ("run failed, " if h.status == "failed" else "INCOMPLETE run, ") + summary
    spending = SPENDING.get(config.monitoring.tsa.spending, config.monitoring.tsa.spending)
    footer = (
        "rifwatch reports published evidence; it does not recommend treatment. The 2023 review's "
        f"verdicts and recommendations are quoted verbatim from {REVIEW_CITATION} for comparison.",
        f"{method} “Conventionally significant” means p < 0.05 at this week's look. Looking every week "
        f"raises false alarms, so a stricter monitoring boundary ({spending} α-spending, as in trial "
        "sequential analysis) is shown beside it; the information fraction is the share of the "
        "required information accrued so far.",
        "“Unconfirmed” numbers were extracted by machine and not yet checked against the abstract by "
        "a maintainer. Numbers that failed an automatic check are never pooled.",
        f"Run {h.run_id} ({h.source}, status {h.status}).",
    )
    return Digest(run_id=h.run_id, subject=f"{config.digest.subject_prefix} {headline.title}: {summary}",
                  headline=headline, changes=tuple(changes), updates=tuple(updates),
                  new_trials=trial_groups, standings=therapy_standings, not_pooled=not_pooled,
                  notable=notable, n_other_records=n_other, nothing_new=nothing_new, method=method,
                  footer=footer)
