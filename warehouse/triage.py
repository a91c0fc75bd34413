"""Triage queries and decision writes.

Every function takes an open connection; SQL is parameterised throughout. Reads go through the
public views (``papers``, ``effects``, ``flags``, ``pooled``, ``orphaned_decisions``), so what a
maintainer sees is what the digest and analysts see. Writes go to ``store.decisions`` only, which
is append-only: a later decision on the same target and field overrides an earlier one in the
views, and nothing is ever updated or deleted.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

import duckdb

from extractors.records import INDEXED_STATUSES
from models.flag_review import StratumReading
from models.triage_queue import EffectState, OpenFlag, Orphan, PaperState, QueueEntry, UncertainBand, build_queue
from warehouse.ledger import utcnow


@dataclass(frozen=True)
class Decision:
    """One row of the audit trail (``store.decisions``)."""

    pmid: str
    target: str            # paper | effect | flag
    action: str            # confirm | correct | reject
    reason: str
    curator: str
    target_key: str | None = None
    field: str | None = None
    old_value: str | None = None
    new_value: str | None = None
    via: str = "cli"
    cause_id: int | None = None
    run_id: str | None = None
    decided_at: datetime | None = None


def _dicts(cursor: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def insert_decision(con: duckdb.DuckDBPyConnection, decision: Decision) -> int:
    """Append ``decision``; return its ``decision_id``."""
    row = asdict(decision)
    row["decided_at"] = decision.decided_at or utcnow()
    columns = list(row)
    marks = ", ".join("?" for _ in columns)
    return con.execute(
        f"INSERT INTO store.decisions ({', '.join(columns)}) VALUES ({marks}) RETURNING decision_id",
        [row[c] for c in columns]).fetchone()[0]


# --- the queue -----------------------------------------------------------------------------------

def queue_papers(con: duckdb.DuckDBPyConnection) -> list[PaperState]:
    rows = con.execute(
        "SELECT p.pmid, p.title, p.entry_date, p.first_seen_run, r.source, r.started_at, p.is_rct, p.design,"
        " p.rct_probability, p.curation_status,"
        " EXISTS (SELECT 1 FROM paper_decisions d WHERE d.pmid = p.pmid AND d.field IN ('is_rct', 'design')),"
        " list_contains(?, p.indexing_status) AND len(coalesce(p.publication_types, [])) > 0"
        " FROM papers p LEFT JOIN runs r ON r.run_id = p.first_seen_run", [sorted(INDEXED_STATUSES)]).fetchall()
    return [PaperState(*row) for row in rows]


def queue_effects(con: duckdb.DuckDBPyConnection, pmid: str | None = None) -> list[EffectState]:
    sql = ("SELECT pmid, effect_key, outcome, measure, estimate, treat_events, treat_total, ctrl_events,"
           " ctrl_total, source, treat_arm, ctrl_arm, coalesce(check_failures, []), curation_status"
           " FROM effect_mentions")
    rows = con.execute(sql + (" WHERE pmid = ?" if pmid else "") + " ORDER BY pmid, effect_key",
                       [pmid] if pmid else []).fetchall()
    return [EffectState(*row[:12], tuple(row[12]), row[13]) for row in rows]


def open_flags(con: duckdb.DuckDBPyConnection) -> list[OpenFlag]:
    rows = con.execute(
        "SELECT flag_id, run_id, therapy, outcome, rif_stratum, kind, coalesce(pmids, [])"
        " FROM flags WHERE status = 'open' ORDER BY flag_id").fetchall()
    return [OpenFlag(*row[:6], tuple(row[6])) for row in rows]


def orphans(con: duckdb.DuckDBPyConnection, pmid: str | None = None) -> list[Orphan]:
    rows = con.execute(
        "SELECT decision_id, pmid, effect_key, field, new_value, reviewed_since FROM orphaned_decisions"
        + (" WHERE pmid = ?" if pmid else "") + " ORDER BY decision_id", [pmid] if pmid else []).fetchall()
    return [Orphan(*row) for row in rows]


def load_queue(con: duckdb.DuckDBPyConnection, band: UncertainBand) -> list[QueueEntry]:
    """The triage queue, in working order (``models.triage_queue.build_queue``)."""
    return build_queue(queue_papers(con), queue_effects(con), open_flags(con), orphans(con), band)


# --- one paper -----------------------------------------------------------------------------------

_PAPER_COLUMNS = (
    "pmid, title, journal, year, entry_date, publication_types, authors, doi, abstract, revision,"
    " indexing_status, is_retracted, is_rct, rct_probability, operating_point, model_version, design,"
    " therapies, primary_therapy, therapy_route, population, rif_min_failures, rif_definition_text,"
    " rif_char_start, rif_char_end, curation_status, curation_reason, first_seen_run, last_seen_run")


def paper_values(con: duckdb.DuckDBPyConnection, pmid: str) -> dict[str, Any] | None:
    """The paper's current values (curated over machine), or ``None`` for an unknown PMID."""
    rows = _dicts(con.execute(f"SELECT {_PAPER_COLUMNS} FROM papers WHERE pmid = ?", [pmid]))
    return rows[0] if rows else None


def therapy_evidence(con: duckdb.DuckDBPyConnection, pmid: str) -> list[dict[str, Any]]:
    """The therapy mentions the classifier found (text, span, rule) in the current revision."""
    row = con.execute("SELECT therapy_evidence FROM machine_classifications WHERE pmid = ?", [pmid]).fetchone()
    if not row or not row[0]:
        return []
    return [item for item in json.loads(row[0]) if item.get("start") is not None]


def effects_of(con: duckdb.DuckDBPyConnection, pmid: str) -> list[dict[str, Any]]:
    """Every effect statement of the paper (``effect_mentions``) with its span, checks, review state
    and whether pooling reads it (``pooled``: it is the paper's row in ``effects``), in key order."""
    return _dicts(con.execute(
        "SELECT effect_key, outcome, treat_arm, ctrl_arm, denominator_unit, treat_events, treat_total,"
        " ctrl_events, ctrl_total, measure, estimate, ci_low, ci_high, p_value, p_operator, source,"
        " evidence_text, char_start, char_end, rule_id, coalesce(check_failures, []) AS check_failures,"
        " curation_status, coalesce(qualifiers, []) AS qualifiers, preferred, revision, extractor_version, run_id,"
        " EXISTS (SELECT 1 FROM effects p WHERE p.pmid = e.pmid AND p.effect_key = e.effect_key) AS pooled,"
        " (SELECT m.source FROM machine_effects m WHERE m.pmid = e.pmid"
        "   AND m.effect_key = e.effect_key LIMIT 1) AS machine_source"
        " FROM effect_mentions e WHERE e.pmid = ? ORDER BY effect_key", [pmid]))


def effect_values(con: duckdb.DuckDBPyConnection, pmid: str, effect_key: str) -> dict[str, Any] | None:
    """One effect's current values, or ``None`` if the paper's extraction has no such key."""
    for row in effects_of(con, pmid):
        if row["effect_key"] == effect_key:
            return row
    return None


def decisions_of(con: duckdb.DuckDBPyConnection, pmid: str) -> list[dict[str, Any]]:
    """The audit trail of one paper (and of flags naming it), newest first."""
    return _dicts(con.execute(
        "SELECT d.* FROM decisions d WHERE d.pmid = ?"
        " OR (d.target = 'flag' AND d.target_key IN"
        "     (SELECT CAST(flag_id AS VARCHAR) FROM flags WHERE list_contains(pmids, ?)))"
        " ORDER BY d.decided_at DESC, d.decision_id DESC", [pmid, pmid]))


def flags_naming(con: duckdb.DuckDBPyConnection, pmid: str) -> list[dict[str, Any]]:
    return _dicts(con.execute(
        "SELECT flag_id, run_id, therapy, outcome, rif_stratum, kind, pmids, details, status, status_reason,"
        " status_by FROM flags WHERE list_contains(pmids, ?) ORDER BY flag_id", [pmid]))


def flag(con: duckdb.DuckDBPyConnection, flag_id: int) -> dict[str, Any] | None:
    rows = _dicts(con.execute(
        "SELECT f.*, r.source AS run_source FROM flags f LEFT JOIN runs r USING (run_id) WHERE f.flag_id = ?",
        [flag_id]))
    return rows[0] if rows else None


# --- flags and pooled estimates after a recomputation ---------------------------------------------

def current_flags(con: duckdb.DuckDBPyConnection, curation_run: str) -> list[dict[str, Any]]:
    """Open flags that are still the newest word on their stratum.

    A flag is current unless a later surveillance run flagged the same stratum again (curation
    runs do not count: their flags describe what decisions changed). Flags raised by
    ``curation_run`` itself are included.
    """
    return _dicts(con.execute(
        "SELECT f.*, r.source AS run_source FROM flags f JOIN runs r USING (run_id)"
        " WHERE f.status = 'open' AND NOT EXISTS ("
        "   SELECT 1 FROM flags g JOIN runs gr ON gr.run_id = g.run_id"
        "   WHERE g.therapy = f.therapy AND g.outcome = f.outcome AND g.rif_stratum = f.rif_stratum"
        "     AND gr.source <> 'curation' AND g.run_id <> f.run_id AND gr.started_at > r.started_at)"
        " AND (r.source <> 'curation' OR f.run_id = ?)"
        " ORDER BY f.flag_id", [curation_run]))


def stratum_reading(con: duckdb.DuckDBPyConnection, run_id: str, therapy: str, outcome: str,
                    rif_stratum: str) -> StratumReading | None:
    """The stratum's lead pooled row in ``run_id``, or ``None`` if the run did not pool it."""
    row = con.execute(
        "SELECT measure, estimate, significant, significant_sequential FROM pooled"
        " WHERE run_id = ? AND therapy = ? AND outcome = ? AND rif_stratum = ? AND is_lead"
        " ORDER BY measure LIMIT 1", [run_id, therapy, outcome, rif_stratum]).fetchone()
    return StratumReading(*row) if row else None


def previous_pooled_run(con: duckdb.DuckDBPyConnection, run_id: str) -> str | None:
    """The newest run before ``run_id`` that stored pooled rows."""
    row = con.execute(
        "SELECT r.run_id FROM runs r WHERE r.run_id IN (SELECT DISTINCT run_id FROM pooled)"
        " AND r.started_at < (SELECT started_at FROM runs WHERE run_id = ?)"
        " ORDER BY r.started_at DESC, r.run_id DESC LIMIT 1", [run_id]).fetchone()
    return row[0] if row else None


_LEAD = ("measure, method, k, n_patients, estimate, ci_low, ci_high, p_value, significant,"
         " significant_sequential, pmids")


def pooled_changes(con: duckdb.DuckDBPyConnection, run_id: str) -> list[dict[str, Any]]:
    """Lead pooled rows of ``run_id`` that differ from the previous pooled run, before and after.

    A row with ``after_k`` of ``None`` is a stratum the run no longer pools; ``before_k`` of
    ``None`` a stratum it pools for the first time.
    """
    previous = previous_pooled_run(con, run_id)
    cols = [c.strip() for c in _LEAD.split(",")]
    select = ", ".join(f"b.{c} AS before_{c}, a.{c} AS after_{c}" for c in cols)
    rows = _dicts(con.execute(
        f"WITH a AS (SELECT therapy, outcome, rif_stratum, {_LEAD} FROM pooled WHERE run_id = ? AND is_lead),"
        f" b AS (SELECT therapy, outcome, rif_stratum, {_LEAD} FROM pooled WHERE run_id = ? AND is_lead)"
        " SELECT coalesce(a.therapy, b.therapy) AS therapy, coalesce(a.outcome, b.outcome) AS outcome,"
        f" coalesce(a.rif_stratum, b.rif_stratum) AS rif_stratum, {select}"
        " FROM a FULL OUTER JOIN b USING (therapy, outcome, rif_stratum)"
        " ORDER BY therapy, outcome, rif_stratum", [run_id, previous]))
    changed = []
    for row in rows:
        if any(_differs(row[f"before_{c}"], row[f"after_{c}"]) for c in cols if c != "pmids") or \
                sorted(row["before_pmids"] or []) != sorted(row["after_pmids"] or []):
            changed.append(row)
    return changed


def _differs(before: Any, after: Any) -> bool:
    if isinstance(before, float) and isinstance(after, float):
        return abs(before - after) > 1e-9 * max(1.0, abs(before))
    return before != after


def decision(con: duckdb.DuckDBPyConnection, decision_id: int) -> dict[str, Any] | None:
    rows = _dicts(con.execute("SELECT * FROM decisions WHERE decision_id = ?", [decision_id]))
    return rows[0] if rows else None


def consequences(con: duckdb.DuckDBPyConnection, decision_id: int) -> list[dict[str, Any]]:
    """The decisions the service wrote because of ``decision_id`` (derived values, flag moves)."""
    return _dicts(con.execute(
        "SELECT * FROM decisions WHERE cause_id = ? ORDER BY decision_id", [decision_id]))


def flags_of_run(con: duckdb.DuckDBPyConnection, run_id: str) -> list[dict[str, Any]]:
    return _dicts(con.execute(
        "SELECT flag_id, therapy, outcome, rif_stratum, kind, pmids, details, status FROM flags"
        " WHERE run_id = ? ORDER BY flag_id", [run_id]))


def strata_of(con: duckdb.DuckDBPyConnection, pmid: str) -> list[dict[str, Any]]:
    """The latest lead pooled estimates that include ``pmid``."""
    return _dicts(con.execute(
        "SELECT run_id, therapy, outcome, rif_stratum, measure, method, k, n_patients, estimate, ci_low, ci_high,"
        " p_value, significant, significant_sequential FROM pooled_latest"
        " WHERE is_lead AND list_contains(pmids, ?) ORDER BY therapy, outcome, rif_stratum", [pmid]))


def flag_decisions(con: duckdb.DuckDBPyConnection, flag_id: int) -> list[dict[str, Any]]:
    """The decisions on one flag, newest first."""
    return _dicts(con.execute(
        "SELECT * FROM decisions WHERE target = 'flag' AND target_key = ?"
        " ORDER BY decided_at DESC, decision_id DESC", [str(flag_id)]))


def name_papers_of_run_flags(con: duckdb.DuckDBPyConnection, run_id: str, pmids: list[str]) -> None:
    """Give ``run_id``'s flags that name no paper the papers whose decision changed the stratum.

    The pooling step names the studies that entered or left a stratum; when a maintainer's
    correction changes a stratum's state, none did, and the decided paper is the cause.
    """
    con.execute("UPDATE store.flags SET pmids = ? WHERE run_id = ? AND len(coalesce(pmids, [])) = 0",
                [pmids, run_id])
