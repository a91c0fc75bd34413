"""Short, bounded access to the warehouse for triage, so it and the weekly run never block each other.

DuckDB lets one process write a file and locks out every other process, readers included
(STACK.md). The weekly cycle holds the file only for seconds at a time (flows/weekly.py); triage
does the same from its side: one short read-only connection per page or listing, one short write
connection per decision, each waiting a bounded time for the lock. A page also steps aside while
a writer waits for the file (``warehouse.db.writer_waiting``), so a busy browser cannot keep the
weekly run out. When the wait runs out the maintainer is told ``BUSY_MESSAGE`` rather than shown
an error.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import duckdb

from config.schema import Config
from config.vocabulary import load_operating_points
from flows.errors import UserError
from models.triage_queue import UncertainBand, band_of
from warehouse.db import WarehouseLocked, connect, default_db_path, writer_waiting
from warehouse.migrate import available_migrations

BUSY_MESSAGE = "the weekly run is writing; try again in a moment"
#: How long a page or listing waits for the weekly run's write (seconds): a cycle's longest hold,
#: its derive-and-pool transaction, takes seconds on the demo (flows/weekly.py).
READ_WAIT_SECONDS = 8.0
#: How long a decision waits; a little longer, because losing a typed reason is worse.
WRITE_WAIT_SECONDS = 15.0


class WarehouseBusy(UserError):
    """The warehouse stayed locked by another process (the weekly run) beyond the wait."""


def warehouse_path(db: Path | str | None) -> Path:
    """The warehouse file, which must exist: triage never creates an empty warehouse."""
    path = Path(db) if db is not None else default_db_path()
    if not path.exists():
        raise UserError(f"no warehouse at {path} (run `rifwatch demo` or `rifwatch run` first, or give --db)")
    return path


def _schema_is_current(con: duckdb.DuckDBPyConnection) -> bool:
    try:
        applied = {v for (v,) in con.execute("SELECT version FROM store.schema_migrations").fetchall()}
    except duckdb.CatalogException:
        return False
    return {m.version for m in available_migrations()} <= applied


def migrate_if_needed(db: Path | str | None, wait_seconds: float = WRITE_WAIT_SECONDS) -> None:
    """Bring the warehouse to this rifwatch's schema (a short write, only when it is behind)."""
    path = warehouse_path(db)
    with reading(path, wait_seconds=wait_seconds, migrate=False) as con:
        if _schema_is_current(con):
            return
    with writing(path, wait_seconds=wait_seconds):
        pass  # a writable connection applies pending migrations on open


@contextmanager
def reading(db: Path | str | None, *, wait_seconds: float = READ_WAIT_SECONDS,
            migrate: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection for one page or listing, closed straight after."""
    path = warehouse_path(db)
    if migrate:
        migrate_if_needed(path, wait_seconds)
    deadline = time.monotonic() + wait_seconds
    while writer_waiting(path):  # let the weekly run in first; pages can wait a moment
        if time.monotonic() >= deadline:
            raise WarehouseBusy(BUSY_MESSAGE)
        time.sleep(0.05)
    with _opened(path, read_only=True, wait_seconds=max(0.0, deadline - time.monotonic())) as con:
        yield con


@contextmanager
def writing(db: Path | str | None, *, wait_seconds: float = WRITE_WAIT_SECONDS) -> Iterator[duckdb.DuckDBPyConnection]:
    """A write connection for one decision, closed straight after."""
    with _opened(warehouse_path(db), read_only=False, wait_seconds=wait_seconds) as con:
        yield con


@contextmanager
def _opened(path: Path, *, read_only: bool, wait_seconds: float) -> Iterator[duckdb.DuckDBPyConnection]:
    try:
        con = connect(path, read_only=read_only, wait_seconds=wait_seconds)
    except WarehouseLocked:
        raise WarehouseBusy(BUSY_MESSAGE) from None
    try:
        yield con
    finally:
        con.close()


def uncertain_band(config: Config) -> UncertainBand:
    """RCT probabilities between the sensitive and precise operating points (config/operating_points.toml)."""
    return band_of(load_operating_points(config.directory))
