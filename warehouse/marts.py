"""Marts: the queries a run's digest is composed from.

Each function takes a connection and a ``run_id`` and returns plain, frozen rows built on the
public views (``papers``, ``effects``, ``pooled``, ``cumulative``, ``flags``, ``runs``,
``decisions``), so the digest reads exactly what an analyst can query. Nothing here formats text
or decides wording; that is ``digest.compose``.

"As of a run" means: the run itself and every run started before it. Estimates come from the
newest run at or before ``run_id`` that stored pooled rows, so a week whose cycle pooled nothing
still shows where things stand.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date, datetime
from typing import Iterable, Sequence, TypeVar

import duckdb

T = TypeVar("T")

#: Designs a committee wants listed even though they are not pooled (CONTRACT.md vocabulary).
NOTABLE_DESIGNS = ("meta_analysis", "systematic_review", "narrative_review", "trial_registration", "protocol")
#: Designs that report a randomised comparison (CONTRACT.md vocabulary).
TRIAL_DESIGNS = ("rct", "quasi_rct")
#: Effect states a maintainer has signed off (views.sql: ``effects.curation_status``).
CHECKED_EFFECT_STATES = ("confirmed", "corrected")


class MartError(LookupError):
    """A run the marts were asked about does not exist."""


def _rows(cls: type[T], cursor: duckdb.DuckDBPyConnection) -> list[T]:
    names = [d[0] for d in cursor.description]
    wanted = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    out = []
    for row in cursor.fetchall():
        values = {k: v for k, v in zip(names, row) if k in wanted}
        out.append(cls(**{k: (tuple(v) if isinstance(v, list) else v) for k, v in values.items()}))
    return out


@dataclass(frozen=True)
class RunHeader:
    """One run, its completeness and the triage backlog as of that run."""

    run_id: str
    started_at: datetime
    finished_at: datetime | None
    status: str
    source: str
    window_start: date | None
    window_end: date | None
    n_fetched: int
    n_new: int
    n_updated: int
    n_deleted: int
    n_rct_new: int
    error: str | None
    #: archived responses of this run with an HTTP error status (failed PubMed requests)
    n_http_errors: int = 0
    #: extracted numbers that failed a check and no maintainer has decided on (never pooled)
    n_effects_awaiting_triage: int = 0
    #: model-classified records whose RCT probability lies in the uncertain band (the triage queue's)
    n_papers_uncertain: int = 0
    #: the run whose pooled rows stand as of this run, and the one before it
    pooled_run_id: str | None = None
    previous_pooled_run_id: str | None = None


def _pooled_runs(con: duckdb.DuckDBPyConnection, started_at: datetime, run_id: str) -> list[str]:
    """Runs with pooled rows at or before ``run_id``, newest first."""
    return [r[0] for r in con.execute(
        "SELECT r.run_id FROM runs r WHERE r.run_id IN (SELECT DISTINCT run_id FROM pooled)"
        " AND (r.started_at < ? OR r.run_id = ?) ORDER BY r.started_at DESC, r.run_id DESC LIMIT 2",
        [started_at, run_id],
    ).fetchall()]


def run_header(con: duckdb.DuckDBPyConnection, run_id: str, *, uncertain_band: tuple[float, float]) -> RunHeader:
    """The run's status and counts, its failed requests and what awaits a maintainer.

    ``uncertain_band`` is the RCT probabilities on which the sensitive and precise operating points
    disagree (``models.triage_queue.band_of`` of ``config/operating_points.toml``): it moves with
    every retrained model, so it has no default here.
    """
    found = _rows(RunHeader, con.execute("SELECT * FROM runs WHERE run_id = ?", [run_id]))
    if not found:
        raise MartError(f"no run {run_id!r} in the warehouse")
    run = found[0]
    n_http_errors = con.execute(
        "SELECT count(*) FROM store.run_inputs ri JOIN raw_ledger l USING (input_id)"
        " WHERE ri.run_id = ? AND l.http_status >= 400", [run_id]).fetchone()[0]
    upto = "SELECT run_id FROM runs WHERE started_at <= ?"
    n_effects = con.execute(
        "SELECT count(*) FROM effect_mentions e JOIN papers p USING (pmid)"
        f" WHERE e.run_id IN ({upto}) AND len(coalesce(e.check_failures, [])) > 0"
        " AND e.curation_status = 'machine' AND p.curation_status <> 'rejected'",
        [run.started_at]).fetchone()[0]
    # the triage queue's "uncertain" (models.triage_queue): judged by the model, not by a maintainer
    # and not by NLM's indexers (an indexed record's design comes from its publication types)
    n_uncertain = con.execute(
        f"SELECT count(*) FROM papers WHERE first_seen_run IN ({upto})"
        " AND curation_status = 'machine' AND rct_probability >= ? AND rct_probability < ?"
        " AND NOT (indexing_status = 'MEDLINE' AND len(coalesce(publication_types, [])) > 0)",
        [run.started_at, *uncertain_band]).fetchone()[0]
    pooled = _pooled_runs(con, run.started_at, run_id) + [None, None]
    return replace(run, n_http_errors=n_http_errors, n_effects_awaiting_triage=n_effects,
                    n_papers_uncertain=n_uncertain, pooled_run_id=pooled[0],
                    previous_pooled_run_id=pooled[1])


@dataclass(frozen=True)
class Paper:
    """A record as the digest lists it."""

    pmid: str
    title: str
    journal: str | None
    year: int | None
    entry_date: date | None
    authors: tuple[str, ...] | None
    design: str | None
    is_rct: bool | None
    rct_probability: float | None
    therapies: tuple[str, ...] | None
    primary_therapy: str | None
    population: str | None
    rif_min_failures: int | None
    rif_definition_text: str | None
    curation_status: str
    is_retracted: bool | None


_PAPER_COLUMNS = ", ".join(f.name for f in fields(Paper))


def new_records(con: duckdb.DuckDBPyConnection, run_id: str) -> list[Paper]:
    """Every record first seen in the run, in entry-date order."""
    return _rows(Paper, con.execute(
        f"SELECT {_PAPER_COLUMNS} FROM papers WHERE first_seen_run = ?"
        " ORDER BY entry_date NULLS LAST, pmid", [run_id]))


def newly_retracted(con: duckdb.DuckDBPyConnection, run_id: str) -> list[Paper]:
    """Known records whose revision arriving in this run marks them retracted."""
    return _rows(Paper, con.execute(
        f"SELECT {_PAPER_COLUMNS} FROM papers p WHERE p.is_retracted AND p.first_seen_run <> ?"
        " AND EXISTS (SELECT 1 FROM store.paper_revisions r WHERE r.pmid = p.pmid AND r.run_id = ?)"
        " ORDER BY pmid", [run_id, run_id]))


def is_trial(paper: Paper) -> bool:
    """A record that reports a randomised comparison (classifier or maintainer said so)."""
    return bool(paper.is_rct) or paper.design in TRIAL_DESIGNS


@dataclass(frozen=True)
class EffectRow:
    """One extracted comparison with its evidence sentence and its review state."""

    pmid: str
    outcome: str
    effect_key: str
    treat_arm: str | None
    ctrl_arm: str | None
    denominator_unit: str | None
    treat_events: int | None
    treat_total: int | None
    ctrl_events: int | None
    ctrl_total: int | None
    measure: str | None
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    p_operator: str | None
    source: str
    evidence_text: str | None
    check_failures: tuple[str, ...] | None
    curation_status: str

    @property
    def is_checked(self) -> bool:
        """A maintainer confirmed or corrected it (or it came curated, e.g. from the 2023 review)."""
        return self.curation_status in CHECKED_EFFECT_STATES or self.source == "curated"


_EFFECT_COLUMNS = ", ".join(f.name for f in fields(EffectRow))


def effects_of(con: duckdb.DuckDBPyConnection, pmids: Sequence[str]) -> list[EffectRow]:
    """The current effects of ``pmids`` (rejected ones left out), paper by paper."""
    if not pmids:
        return []
    return _rows(EffectRow, con.execute(
        f"SELECT {_EFFECT_COLUMNS} FROM effect_mentions WHERE list_contains(?, pmid)"
        " AND curation_status <> 'rejected' ORDER BY pmid, outcome, effect_key", [list(pmids)]))


@dataclass(frozen=True)
class FlagPaper:
    """A paper behind a flag, and whether a maintainer has checked its numbers for that outcome."""

    pmid: str
    title: str | None
    journal: str | None
    year: int | None
    authors: tuple[str, ...] | None
    n_effects: int
    n_checked: int
    checked_by: str | None
    checked_at: datetime | None

    @property
    def numbers_confirmed(self) -> bool:
        return self.n_effects > 0 and self.n_checked == self.n_effects


@dataclass(frozen=True)
class FlagRow:
    """A change of a stratum's state in the run, with the papers that caused it."""

    flag_id: int
    run_id: str
    therapy: str
    outcome: str
    rif_stratum: str
    kind: str
    pmids: tuple[str, ...] | None
    details: str | None
    status: str
    status_reason: str | None
    status_by: str | None
    papers: tuple[FlagPaper, ...] = ()


def run_flags(con: duckdb.DuckDBPyConnection, run_id: str) -> list[FlagRow]:
    """The run's flags, each with its papers and the maintainers' checks of their numbers."""
    flags = _rows(FlagRow, con.execute(
        "SELECT * FROM flags WHERE run_id = ? ORDER BY flag_id", [run_id]))
    out = []
    for flag in flags:
        pmids = list(flag.pmids or ())
        papers = _rows(FlagPaper, con.execute(
            "SELECT u.pmid, p.title, p.journal, p.year, p.authors,"
            "  count(e.pmid) AS n_effects,"
            "  count(e.pmid) FILTER (WHERE e.curation_status IN ('confirmed', 'corrected')"
            "                         OR e.source = 'curated') AS n_checked,"
            "  (SELECT d.curator FROM decisions d WHERE d.pmid = u.pmid AND d.action IN ('confirm', 'correct')"
            "   ORDER BY d.decided_at DESC LIMIT 1) AS checked_by,"
            "  (SELECT max(d.decided_at) FROM decisions d WHERE d.pmid = u.pmid"
            "   AND d.action IN ('confirm', 'correct')) AS checked_at"
            " FROM (SELECT unnest(?::VARCHAR[]) AS pmid) u"
            " LEFT JOIN papers p ON p.pmid = u.pmid"
            " LEFT JOIN effect_mentions e ON e.pmid = u.pmid AND e.outcome = ? AND e.curation_status <> 'rejected'"
            " GROUP BY u.pmid, p.title, p.journal, p.year, p.authors ORDER BY u.pmid",
            [pmids, flag.outcome]))
        out.append(replace(flag, papers=tuple(papers)))
    return out


@dataclass(frozen=True)
class PooledRow:
    """The lead estimate of one therapy, outcome and RIF stratum, beside its previous value.

    ``prev_*`` are from the previous run with pooled rows; ``None`` when the stratum is new.
    A row with ``k`` of ``None`` is a stratum that was pooled before but no longer is.
    """

    therapy: str
    outcome: str
    rif_stratum: str
    measure: str
    method: str | None
    ci_method: str | None
    k: int | None
    n_patients: int | None
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    tau2: float | None
    i2: float | None
    pi_low: float | None
    pi_high: float | None
    information_fraction: float | None
    z: float | None
    z_boundary: float | None
    significant: bool | None
    significant_sequential: bool | None
    pmids: tuple[str, ...] | None
    label: str | None
    prev_k: int | None
    prev_n_patients: int | None
    prev_estimate: float | None
    prev_ci_low: float | None
    prev_ci_high: float | None
    prev_significant: bool | None
    prev_significant_sequential: bool | None
    prev_information_fraction: float | None
    prev_pmids: tuple[str, ...] | None


def _standing_runs(con: duckdb.DuckDBPyConnection, run_id: str) -> tuple[str | None, str | None]:
    """``(pooled run, previous pooled run)`` as of ``run_id``, without the rest of the header."""
    found = con.execute("SELECT started_at FROM runs WHERE run_id = ?", [run_id]).fetchone()
    if found is None:
        raise MartError(f"no run {run_id!r} in the warehouse")
    pooled = _pooled_runs(con, found[0], run_id) + [None, None]
    return pooled[0], pooled[1]


def pooled_state(con: duckdb.DuckDBPyConnection, run_id: str) -> list[PooledRow]:
    """Lead pooled rows standing as of the run, with their change since the previous pooled run."""
    pooled_run, previous_run = _standing_runs(con, run_id)
    if pooled_run is None:
        return []
    return _rows(PooledRow, con.execute(
        "WITH cur AS (SELECT * FROM pooled WHERE run_id = ? AND is_lead),"
        " prev AS (SELECT * FROM pooled WHERE run_id = ? AND is_lead)"
        " SELECT coalesce(cur.therapy, prev.therapy) AS therapy,"
        "  coalesce(cur.outcome, prev.outcome) AS outcome,"
        "  coalesce(cur.rif_stratum, prev.rif_stratum) AS rif_stratum,"
        "  coalesce(cur.measure, prev.measure) AS measure, cur.method, cur.ci_method,"
        "  cur.k, cur.n_patients, cur.estimate, cur.ci_low, cur.ci_high, cur.p_value, cur.tau2, cur.i2,"
        "  cur.pi_low, cur.pi_high, cur.information_fraction, cur.z, cur.z_boundary, cur.significant,"
        "  cur.significant_sequential, cur.pmids, cur.label,"
        "  prev.k AS prev_k, prev.n_patients AS prev_n_patients, prev.estimate AS prev_estimate,"
        "  prev.ci_low AS prev_ci_low, prev.ci_high AS prev_ci_high,"
        "  prev.significant AS prev_significant,"
        "  prev.significant_sequential AS prev_significant_sequential,"
        "  prev.information_fraction AS prev_information_fraction, prev.pmids AS prev_pmids"
        " FROM cur FULL OUTER JOIN prev USING (therapy, outcome, rif_stratum, measure)"
        " ORDER BY therapy, outcome, rif_stratum",
        [pooled_run, previous_run]))


@dataclass(frozen=True)
class CumulativeStep:
    """One step of a stratum's cumulative meta-analysis: the estimate after adding one study."""

    therapy: str
    outcome: str
    rif_stratum: str
    step: int
    pmid: str
    entry_date: date | None
    measure: str
    k: int
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    z: float | None
    information_fraction: float | None
    z_boundary: float | None


def cumulative_series(con: duckdb.DuckDBPyConnection, run_id: str,
                      strata: Iterable[tuple[str, str, str]] | None = None) -> list[CumulativeStep]:
    """Cumulative steps standing as of the run, for ``(therapy, outcome, rif_stratum)`` keys."""
    pooled_run, _ = _standing_runs(con, run_id)
    if pooled_run is None:
        return []
    steps = _rows(CumulativeStep, con.execute(
        "SELECT * FROM cumulative WHERE run_id = ? ORDER BY therapy, outcome, rif_stratum, step",
        [pooled_run]))
    if strata is None:
        return steps
    keys = set(strata)
    return [s for s in steps if (s.therapy, s.outcome, s.rif_stratum) in keys]


@dataclass(frozen=True)
class StudyEffect:
    """One study's own effect in a pooled stratum: a row of the forest plot."""

    pmid: str
    authors: tuple[str, ...] | None
    year: int | None
    treat_arm: str | None
    measure: str
    estimate: float
    ci_low: float
    ci_high: float
    treat_events: int | None
    treat_total: int | None
    ctrl_events: int | None
    ctrl_total: int | None
    is_checked: bool


#: When one comparison has several rows on the pooled scale, the forest plot shows the curated
#: value first, then the one computed from counts (what pooling uses), then the paper's own.
_SOURCE_PREFERENCE = "CASE e.source WHEN 'curated' THEN 0 WHEN 'computed' THEN 1 ELSE 2 END"


def _study_effect_rows(con: duckdb.DuckDBPyConnection, pmids: Sequence[str], outcomes: Sequence[str],
                       measures: Sequence[str]) -> list[tuple[str, str, StudyEffect]]:
    rows = con.execute(
        "SELECT e.outcome, e.pmid, p.authors, p.year, e.treat_arm, e.measure, e.estimate, e.ci_low, e.ci_high,"
        "  e.treat_events, e.treat_total, e.ctrl_events, e.ctrl_total,"
        "  (e.curation_status IN ('confirmed', 'corrected') OR e.source = 'curated') AS is_checked"
        " FROM effect_mentions e JOIN papers p USING (pmid)"
        " WHERE list_contains(?, e.pmid) AND list_contains(?, e.outcome) AND list_contains(?, e.measure)"
        "  AND e.curation_status <> 'rejected' AND e.estimate IS NOT NULL"
        "  AND e.ci_low IS NOT NULL AND e.ci_high IS NOT NULL"
        "  AND (len(coalesce(e.check_failures, [])) = 0 OR e.curation_status IN ('confirmed', 'corrected'))"
        " QUALIFY row_number() OVER (PARTITION BY e.pmid, e.outcome, e.measure, e.treat_arm, e.ctrl_arm"
        f"  ORDER BY {_SOURCE_PREFERENCE}) = 1"
        " ORDER BY p.entry_date NULLS LAST, e.pmid, e.treat_arm",
        [list(pmids), list(outcomes), list(measures)]).fetchall()
    out = []
    for outcome, pmid, authors, *rest in rows:
        out.append((outcome, rest[2], StudyEffect(pmid, tuple(authors) if authors else None, *rest)))
    return out


def study_effects(con: duckdb.DuckDBPyConnection, pmids: Sequence[str], outcome: str,
                  measure: str) -> list[StudyEffect]:
    """Per-study effects of ``pmids`` on ``outcome`` and ``measure``, oldest entry first."""
    if not pmids:
        return []
    return [s for _, _, s in _study_effect_rows(con, pmids, [outcome], [measure])]


def study_effects_by_stratum(con: duckdb.DuckDBPyConnection,
                             rows: Sequence[PooledRow]) -> dict[tuple[str, str, str], tuple[StudyEffect, ...]]:
    """``study_effects`` of every pooled row at once (one query), keyed by therapy, outcome, stratum."""
    pmids = sorted({p for r in rows for p in (r.pmids or r.prev_pmids or ())})
    if not pmids:
        return {}
    found = _study_effect_rows(con, pmids, sorted({r.outcome for r in rows}), sorted({r.measure for r in rows}))
    out = {}
    for r in rows:
        members = set(r.pmids or r.prev_pmids or ())
        out[(r.therapy, r.outcome, r.rif_stratum)] = tuple(
            s for outcome, measure, s in found if outcome == r.outcome and measure == r.measure and s.pmid in members)
    return out


@dataclass(frozen=True)
class ReviewPosition:
    """The 2023 review's own words on a therapy (config/therapies.toml, verbatim)."""

    therapy: str
    label: str
    table1_verdict: str
    table2_recommendation: str
    table2_considerations: str


def review_positions(config) -> dict[str, ReviewPosition]:
    """Per therapy id, its label and the review's Table 1 verdict and Table 2 recommendation.

    Not a query: the review's words are configuration, but the digest reads them beside the
    marts, so they are offered here in the same shape.
    """
    return {t.id: ReviewPosition(t.id, t.label, t.table1_verdict, t.table2_recommendation,
                                 t.table2_considerations) for t in config.therapies}
