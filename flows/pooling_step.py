"""The cycle's pooling step: every stratum pooled again, stored per run, flags on state changes.

Reads ``poolable_effects`` (randomised RIF trials whose numbers passed their checks or were
curated), assembles strata (``models.strata``), assesses each (``models.stratum``: lead measure,
cumulative lead estimates, monitoring state, every conventional method), stores the rows of the
``pooled`` and ``cumulative`` views for this run, and compares each stratum's state with the
previous run that pooled, raising a flag only where the state changed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import duckdb

from config.schema import Config
from models.monitoring import FlagEvent, MonitoringSettings, StratumState, detect_changes, stratum_state
from models.pooling import PoolResult
from models.strata import EvidenceRow, StratumKey, build_strata
from models.stratum import StratumAssessment, assess_stratum
from warehouse.ledger import utcnow
from warehouse.load import insert_frame

_EVIDENCE_SQL = """
SELECT pmid, entry_date, therapy, outcome, population, rif_min_failures, treat_arm, ctrl_arm,
       treat_events, treat_total, ctrl_events, ctrl_total, measure, estimate, ci_low, ci_high, source
FROM poolable_effects
WHERE outcome <> 'other'
ORDER BY entry_date, pmid
"""

_POOLED_COLUMNS = (
    "run_id", "therapy", "outcome", "rif_stratum", "measure", "method", "ci_method", "is_lead", "k",
    "n_patients", "estimate", "ci_low", "ci_high", "p_value", "tau2", "i2", "pi_low", "pi_high",
    "information_fraction", "z", "z_boundary", "significant", "significant_sequential", "pmids",
    "label", "computed_at",
)
_CUMULATIVE_COLUMNS = (
    "run_id", "therapy", "outcome", "rif_stratum", "step", "pmid", "entry_date", "measure", "k",
    "estimate", "ci_low", "ci_high", "p_value", "z", "information_fraction", "z_boundary",
)


@dataclass(frozen=True)
class RaisedFlag:
    key: StratumKey
    event: FlagEvent


def poolable_rows(con: duckdb.DuckDBPyConnection) -> list[EvidenceRow]:
    cursor = con.execute(_EVIDENCE_SQL)
    return [EvidenceRow(*row) for row in cursor.fetchall()]


def _finite(value):
    return None if value is None or (isinstance(value, float) and not math.isfinite(value)) else value


def _pooled_row(run_id, key: StratumKey, result: PoolResult, now, *, lead: bool,
                state: StratumState | None = None) -> tuple:
    return (
        run_id, key.therapy, key.outcome, key.rif_stratum, result.measure, result.method,
        result.ci_method, lead, result.k, result.n_patients, _finite(result.estimate),
        _finite(result.ci_low), _finite(result.ci_high), _finite(result.p_value), _finite(result.tau2),
        _finite(result.i2), _finite(result.pi_low), _finite(result.pi_high),
        _finite(state.information_fraction) if state else None, _finite(state.z) if state else None,
        _finite(state.z_boundary) if state else None,
        state.significant if state else result.significant(),
        state.crossed_boundary if state else None,
        list(result.study_ids), result.label, now,
    )


def stratum_rows(run_id: str, key: StratumKey, assessment: StratumAssessment, now) -> list[tuple]:
    """The stratum's rows of ``pooled``: each conventional method, the lead marked (once)."""
    lead = assessment.lead
    lead_key = (lead.measure, lead.method, lead.ci_method)
    rows, has_lead = [], False
    for result in assessment.analyses:
        is_lead = (result.measure, result.method, result.ci_method) == lead_key
        has_lead |= is_lead
        rows.append(_pooled_row(run_id, key, lead if is_lead else result, now, lead=is_lead,
                                state=assessment.state if is_lead else None))
    if not has_lead:
        rows.append(_pooled_row(run_id, key, lead, now, lead=True, state=assessment.state))
    return rows


def cumulative_rows(run_id: str, key: StratumKey, assessment: StratumAssessment,
                    settings: MonitoringSettings, entry_dates: dict[str, object]) -> list[tuple]:
    """One row per look, with that look's own monitoring position (for the cumulative plot)."""
    rows = []
    added: set[str] = set()
    for step, result in enumerate(assessment.steps, start=1):
        new_ids = [i for i in result.study_ids if i not in added] or list(result.study_ids[-1:])
        added.update(result.study_ids)
        state = stratum_state(assessment.steps[:step], settings, diversity=assessment.diversity)
        pmid = new_ids[-1] if new_ids else ""
        rows.append((run_id, key.therapy, key.outcome, key.rif_stratum, step, pmid, entry_dates.get(pmid),
                     result.measure, result.k, _finite(result.estimate), _finite(result.ci_low),
                     _finite(result.ci_high), _finite(result.p_value), _finite(state.z),
                     _finite(state.information_fraction), _finite(state.z_boundary)))
    return rows


def previous_states(con: duckdb.DuckDBPyConnection, run_id: str) -> dict[StratumKey, StratumState]:
    """Each stratum's lead state in the newest earlier run that pooled."""
    row = con.execute(
        "SELECT r.run_id FROM store.runs r WHERE r.run_id <> ? AND r.status IN ('succeeded', 'partial')"
        " AND r.run_id IN (SELECT DISTINCT run_id FROM store.pooled)"
        " ORDER BY r.started_at DESC, r.run_id DESC LIMIT 1", [run_id]).fetchone()
    if row is None:
        return {}
    states = {}
    for (therapy, outcome, stratum, measure, method, k, n, est, lo, hi, p, frac, z, zb, sig, seq,
         pmids) in con.execute(
            "SELECT therapy, outcome, rif_stratum, measure, method, k, n_patients, estimate, ci_low,"
            " ci_high, p_value, information_fraction, z, z_boundary, significant, significant_sequential,"
            " pmids FROM store.pooled WHERE run_id = ? AND is_lead", [row[0]]).fetchall():
        theta = (math.log(est) if measure in ("RR", "OR") and est else est) if est is not None else None
        direction = 0 if not theta else (1 if theta > 0 else -1)
        states[StratumKey(therapy, outcome, stratum)] = StratumState(
            k=k, n_patients=n, measure=measure, method=method, estimate=est, ci_low=lo, ci_high=hi,
            p_value=p, z=z, significant=bool(sig), direction=direction, information_size=None,
            information_fraction=frac, z_boundary=zb, crossed_boundary=bool(seq), monitor="tsa",
            study_ids=tuple(pmids or ()))
    return states


def pool_and_flag(con: duckdb.DuckDBPyConnection, run_id: str, config: Config, *,
                  raise_flags: bool = True) -> list[RaisedFlag]:
    """Pool every stratum for ``run_id``, store the rows, raise and store flags; return the flags.

    ``raise_flags=False`` pools without flags (the 2023 baseline is a starting state, not news).
    """
    thresholds = {s.id: s.min_failures for s in config.strata}
    rows = poolable_rows(con)
    entry_dates = {r.pmid: r.entry_date for r in rows}
    strata = build_strata(rows, thresholds)
    before = previous_states(con, run_id)
    now = utcnow()
    pooled_rows, cumulative, raised = [], [], []
    for key in sorted(strata, key=lambda k: (k.therapy, k.outcome, k.rif_stratum)):
        assessment = assess_stratum(strata[key], config.monitoring, key.outcome)
        settings = MonitoringSettings.from_config(config.monitoring, key.outcome)
        pooled_rows.extend(stratum_rows(run_id, key, assessment, now))
        cumulative.extend(cumulative_rows(run_id, key, assessment, settings, entry_dates))
        raised.extend(RaisedFlag(key, e) for e in detect_changes(before.get(key), assessment.state))
    for key, state in before.items():
        if key not in strata:  # every trial left the stratum (rejected, corrected, retracted)
            empty = stratum_state([], MonitoringSettings.from_config(config.monitoring, key.outcome))
            raised.extend(RaisedFlag(key, e) for e in detect_changes(state, empty))
    if not raise_flags:
        raised = []
    insert_frame(con, "store.pooled", _POOLED_COLUMNS, pooled_rows)
    insert_frame(con, "store.cumulative", _CUMULATIVE_COLUMNS, cumulative)
    insert_frame(con, "store.flags",
                 ("run_id", "therapy", "outcome", "rif_stratum", "kind", "pmids", "details", "created_at", "status"),
                 [(run_id, f.key.therapy, f.key.outcome, f.key.rif_stratum, f.event.kind, list(f.event.pmids),
                   f.event.details + ("" if f.event.firm else "; monitoring boundary not crossed"), now, "open")
                  for f in raised])
    return raised
