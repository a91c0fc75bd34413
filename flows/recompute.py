"""Recomputing pooled estimates and flags after maintainers' decisions.

A decision changes what the views say (curated values override the machine's), so the pooled
estimates must follow. ``recompute`` records a ``curation`` run that pools every stratum again from
the current views and raises flags for any state the decisions changed; the next weekly digest
starts from it. The triage service uses the two halves (``open_curation_run``, then
``pool_curation_run``) inside its own transaction, so a decision, the run that recomputes with it
and the flags it moves are written together or not at all.
"""

from __future__ import annotations

from datetime import date
from typing import Callable

import duckdb

from config.schema import Config
from flows.cycle import open_cycle
from warehouse.db import transaction
from warehouse.runs import finish_run

#: ``pool(con, run_id, config)``: pools every stratum into ``run_id`` and raises its flags.
PoolStep = Callable[[duckdb.DuckDBPyConnection, str, Config], object]


def recompute(con: duckdb.DuckDBPyConnection, config: Config, *, as_of: date | None = None) -> str:
    """Pool and flag again in one transaction; return the ``curation`` run's id."""
    with transaction(con):
        run_id = open_curation_run(con, config, as_of=as_of)
        pool_curation_run(con, run_id, config)
    return run_id


def open_curation_run(con: duckdb.DuckDBPyConnection, config: Config, *, as_of: date | None = None) -> str:
    """Record a ``running`` curation run and return its id (the caller's transaction commits it)."""
    return open_cycle(con, config, source="curation", as_of=as_of or date.today(), query=None,
                      windowed=False).run_id


def pool_curation_run(con: duckdb.DuckDBPyConnection, run_id: str, config: Config, *,
                      pool: PoolStep | None = None) -> None:
    """Pool every stratum and raise flags into ``run_id``, then mark it succeeded."""
    if pool is None:
        from flows.pooling_step import pool_and_flag as pool
    pool(con, run_id, config)
    finish_run(con, run_id, "succeeded")
