"""Recomputing pooled estimates and flags after maintainers' decisions.

A decision changes what the views say (curated values override the machine's), so the pooled
estimates must follow. ``recompute`` records a ``curation`` run that pools every stratum again from
the current views and raises flags for any state the decisions changed; the next weekly digest
starts from it.
"""

from __future__ import annotations

from datetime import date

import duckdb

from config.schema import Config
from flows.cycle import open_cycle
from flows.pooling_step import pool_and_flag
from warehouse.db import transaction
from warehouse.runs import finish_run


def recompute(con: duckdb.DuckDBPyConnection, config: Config, *, as_of: date | None = None) -> str:
    """Pool and flag again in one transaction; return the ``curation`` run's id."""
    with transaction(con):
        cycle = open_cycle(con, config, source="curation", as_of=as_of or date.today(), query=None,
                           windowed=False)
        pool_and_flag(con, cycle.run_id, config)
        finish_run(con, cycle.run_id, "succeeded")
    return cycle.run_id
