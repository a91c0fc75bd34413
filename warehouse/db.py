"""Opening the DuckDB file, applying migrations and running work in one transaction.

DuckDB lets one process hold a file for writing and locks out every other process, readers
included (STACK.md). rifwatch therefore keeps connections short: every verb opens, works and
closes, and ``connect`` waits a little for a lock held by another short-lived writer before it
gives up with a one-line error.
"""

from __future__ import annotations

import hashlib
import os
import time
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Iterator

import duckdb

#: Where the warehouse lives unless a verb is given ``--db`` (CONTRACT.md).
DEFAULT_DB = "rifwatch.duckdb"


class WarehouseError(RuntimeError):
    """The warehouse file cannot be opened or is not a rifwatch warehouse."""


class WarehouseLocked(WarehouseError):
    """Another process held the warehouse for writing longer than this one was willing to wait."""


#: A waiting writer retries at least this often (seconds), so readers that step aside for it
#: (``writer_waiting``) are held up briefly.
WRITER_RETRY_MAX = 0.25
#: A marker not touched for this long belongs to a writer that stopped waiting without removing
#: it (killed); readers ignore it. A waiting writer touches it every ``WRITER_RETRY_MAX``.
WRITER_MARKER_STALE = 5.0


def writer_waiting_marker(target: Path | str) -> Path:
    """The file a writer touches while it waits for the lock: ``<warehouse>.writer-waiting``."""
    return Path(f"{target}.writer-waiting")


def writer_waiting(path: Path | str) -> bool:
    """Whether a writer is waiting for the warehouse right now (a fresh marker exists).

    DuckDB grants the file to whoever asks when it is free, so a steady stream of short readers
    could keep a writer (the weekly run) out indefinitely; readers that can wait check this
    first and step aside.
    """
    try:
        age = time.time() - writer_waiting_marker(path).stat().st_mtime
    except OSError:
        return False
    return age < WRITER_MARKER_STALE


#: How much write-ahead log a writer gathers before DuckDB folds it into the file. Each checkpoint
#: rewrites the primary-key indexes whole, so at DuckDB's 16 MB a bulk import's commits grew with
#: the warehouse (35 ms a 1,000-record chunk at 20k records, 229 ms at 100k). 64 MB checkpoints a
#: quarter as often (14-72 ms over the same import; bench load at 100k records 3,643 -> 5,598/s);
#: 256 MB kept commits flat but the uncheckpointed data raised peak memory by 110 MiB. The log is
#: folded in on close anyway, and replayed after a crash.
CHECKPOINT_THRESHOLD = "64MB"


def default_db_path() -> Path:
    return Path(os.environ.get("RIFWATCH_DB") or DEFAULT_DB)


def connect(path: Path | str | None = None, *, read_only: bool = False,
            wait_seconds: float = 30.0, migrate: bool = True) -> duckdb.DuckDBPyConnection:
    """Open the warehouse, waiting up to ``wait_seconds`` for another process's lock.

    A writable connection is migrated to the current schema first. ``":memory:"`` gives a
    throw-away warehouse (tests).
    """
    target = str(path if path is not None else default_db_path())
    if target != ":memory:":
        folder = Path(target).parent
        if read_only and not Path(target).exists():
            raise WarehouseError(f"no warehouse at {target} (run `rifwatch demo` or `rifwatch run` first)")
        if not read_only:
            folder.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait_seconds
    delay = 0.05
    marker = writer_waiting_marker(target) if not read_only and target != ":memory:" else None
    try:
        while True:
            try:
                con = duckdb.connect(target, read_only=read_only)
                break
            except duckdb.IOException as exc:
                locked = "lock" in str(exc).lower()
                if not locked or time.monotonic() >= deadline:
                    if locked:
                        raise WarehouseLocked(f"cannot open warehouse {target}: it is locked by another rifwatch process") from None
                    raise WarehouseError(f"cannot open warehouse {target}: {str(exc).splitlines()[0]}") from None
                if marker is not None:
                    marker.touch()  # ask polite readers (the triage server) to let this writer in
                time.sleep(delay)
                delay = min(delay * 2, WRITER_RETRY_MAX if marker is not None else 1.0)
            except duckdb.Error as exc:
                raise WarehouseError(f"cannot open warehouse {target}: {str(exc).splitlines()[0]}") from None
    finally:
        if marker is not None:
            marker.unlink(missing_ok=True)
    if not read_only:
        con.execute(f"SET checkpoint_threshold = '{CHECKPOINT_THRESHOLD}'")
    if migrate and not read_only:
        from warehouse.migrate import migrate as apply_migrations

        apply_migrations(con)
    return con


@contextmanager
def short_connection(path: Path | str | None = None, *, read_only: bool = False,
                     wait_seconds: float = 60.0) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the warehouse for one piece of work and close it straight after."""
    con = connect(path, read_only=read_only, wait_seconds=wait_seconds)
    try:
        yield con
    finally:
        con.close()


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """Run a block atomically: everything it wrote is kept, or nothing is."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    else:
        con.execute("COMMIT")


def sql_resource(name: str) -> str:
    """The text of a packaged SQL file (``views.sql``, ``checks.sql``, ``migrations/…``)."""
    return resources.files("warehouse").joinpath(name).read_text(encoding="utf-8")


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
