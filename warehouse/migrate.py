"""Versioned, idempotent schema migrations.

Migrations are the numbered files in ``warehouse/migrations/`` (``0001_core.sql`` …). Each runs
once, in order, inside a transaction, and is recorded with its checksum in
``store.schema_migrations``; a recorded migration whose file changed afterwards is an error (edit
by adding a new migration, never by rewriting an applied one). The views are re-created after
every migration run because they hold no data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import resources

import duckdb

from warehouse.db import WarehouseError, sha256_text, sql_resource, transaction

_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return sha256_text(self.sql)


def available_migrations() -> list[Migration]:
    folder = resources.files("warehouse").joinpath("migrations")
    found = []
    for entry in folder.iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), match.group(2), entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if versions != list(range(1, len(found) + 1)):
        raise WarehouseError(f"migrations are not numbered 1..n without gaps: {versions}")
    return found


def applied_versions(con: duckdb.DuckDBPyConnection) -> dict[int, str]:
    con.execute("CREATE SCHEMA IF NOT EXISTS store")
    con.execute(
        "CREATE TABLE IF NOT EXISTS store.schema_migrations ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, checksum VARCHAR NOT NULL,"
        " applied_at TIMESTAMP NOT NULL)"
    )
    return dict(con.execute("SELECT version, checksum FROM store.schema_migrations").fetchall())


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply every pending migration and refresh the views; return the versions applied."""
    applied = applied_versions(con)
    newly = []
    for migration in available_migrations():
        recorded = applied.get(migration.version)
        if recorded is not None:
            if recorded != migration.checksum:
                raise WarehouseError(
                    f"migration {migration.version:04d}_{migration.name} changed after it was applied; "
                    "add a new migration instead"
                )
            continue
        with transaction(con):
            con.execute(migration.sql)
            con.execute(
                "INSERT INTO store.schema_migrations VALUES (?, ?, ?, ?)",
                [migration.version, migration.name, migration.checksum, datetime.now(timezone.utc).replace(tzinfo=None)],
            )
        newly.append(migration.version)
    known = {m.version for m in available_migrations()}
    future = sorted(set(applied) - known)
    if future:
        raise WarehouseError(f"warehouse has migration {future[0]} that this rifwatch does not know; upgrade rifwatch")
    with transaction(con):
        con.execute(sql_resource("views.sql"))
    return newly
