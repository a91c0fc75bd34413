"""Runs: one row per cycle, import or recomputation, with its window and counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import duckdb

from warehouse.ledger import utcnow

RUN_STATUSES = ("running", "succeeded", "partial", "failed")


@dataclass(frozen=True)
class RunCounts:
    n_fetched: int = 0
    n_new: int = 0
    n_updated: int = 0
    n_deleted: int = 0
    n_rct_new: int = 0


def new_run_id(con: duckdb.DuckDBPyConnection, source: str, as_of: date | datetime) -> str:
    """A readable, unique id: ``2026-W38-snapshot``, then ``2026-W38-snapshot.2`` on a re-run."""
    year, week, _ = as_of.isocalendar()
    base = f"{year}-W{week:02d}-{source}"
    taken = {row[0] for row in con.execute(
        "SELECT run_id FROM store.runs WHERE run_id = ? OR run_id LIKE ?", [base, base + ".%"]
    ).fetchall()}
    if base not in taken:
        return base
    n = 2
    while f"{base}.{n}" in taken:
        n += 1
    return f"{base}.{n}"


def start_run(con: duckdb.DuckDBPyConnection, run_id: str, source: str, *, query: str | None = None,
              window_start: date | None = None, window_end: date | None = None,
              code_version: str = "", config_sha256: str = "", model_version: str = "",
              started_at: datetime | None = None) -> None:
    con.execute(
        "INSERT INTO store.runs (run_id, started_at, status, source, query, window_start, window_end,"
        " code_version, config_sha256, model_version) VALUES (?, ?, 'running', ?, ?, ?, ?, ?, ?, ?)",
        [run_id, started_at or utcnow(), source, query, window_start, window_end, code_version,
         config_sha256, model_version],
    )


def finish_run(con: duckdb.DuckDBPyConnection, run_id: str, status: str, counts: RunCounts | None = None,
               error: str | None = None) -> None:
    if status not in RUN_STATUSES:
        raise ValueError(f"unknown run status {status!r}")
    c = counts or RunCounts()
    con.execute(
        "UPDATE store.runs SET finished_at = ?, status = ?, n_fetched = ?, n_new = ?, n_updated = ?,"
        " n_deleted = ?, n_rct_new = ?, error = ? WHERE run_id = ?",
        [utcnow(), status, c.n_fetched, c.n_new, c.n_updated, c.n_deleted, c.n_rct_new, error, run_id],
    )


def last_window_end(con: duckdb.DuckDBPyConnection, sources: tuple[str, ...]) -> date | None:
    """End of the newest window a successful cycle from ``sources`` covered: the next watermark."""
    row = con.execute(
        "SELECT max(window_end) FROM store.runs WHERE status = 'succeeded' AND list_contains(?, source)",
        [list(sources)],
    ).fetchone()
    return row[0] if row else None


def latest_run_id(con: duckdb.DuckDBPyConnection, *, with_pooled: bool = False) -> str | None:
    """The newest finished run (optionally only one that stored pooled estimates)."""
    sql = "SELECT run_id FROM store.runs WHERE status IN ('succeeded', 'partial')"
    if with_pooled:
        sql += " AND run_id IN (SELECT DISTINCT run_id FROM store.pooled)"
    row = con.execute(sql + " ORDER BY started_at DESC, run_id DESC LIMIT 1").fetchone()
    return row[0] if row else None
