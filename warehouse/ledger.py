"""The raw ledger: every E-utilities response and imported file, kept as received.

Bytes are stored gzip'ed under their sha256, once, however many runs see them; ``run_inputs``
records which runs used which input. Any later step can be replayed from here without the network
(``read_raw`` verifies the checksum on the way out).
"""

from __future__ import annotations

import gzip
import hashlib
from datetime import datetime, timezone

import duckdb

from warehouse.db import WarehouseError


def utcnow() -> datetime:
    """Naive UTC timestamp (DuckDB ``TIMESTAMP`` has no zone)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def archive_raw(con: duckdb.DuckDBPyConnection, run_id: str, kind: str, request: str, body: bytes,
                *, http_status: int | None = None, received_at: datetime | None = None) -> tuple[str, bool]:
    """Store ``body`` if it is new and link it to ``run_id``; return ``(input_id, was_new)``."""
    input_id = hashlib.sha256(body).hexdigest()
    exists = con.execute("SELECT 1 FROM store.raw_inputs WHERE input_id = ?", [input_id]).fetchone()
    if not exists:
        con.execute(
            "INSERT INTO store.raw_inputs VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [input_id, run_id, kind, request, http_status, received_at or utcnow(), len(body),
             gzip.compress(body, compresslevel=6, mtime=0)],
        )
    con.execute("INSERT OR IGNORE INTO store.run_inputs VALUES (?, ?)", [run_id, input_id])
    return input_id, not exists


def read_raw(con: duckdb.DuckDBPyConnection, input_id: str) -> bytes:
    """The archived bytes of ``input_id``, checked against their sha256."""
    row = con.execute("SELECT body_gzip FROM store.raw_inputs WHERE input_id = ?", [input_id]).fetchone()
    if row is None:
        raise WarehouseError(f"no raw input {input_id} in the ledger")
    body = gzip.decompress(row[0])
    if hashlib.sha256(body).hexdigest() != input_id:
        raise WarehouseError(f"raw input {input_id} fails its checksum: the ledger is damaged")
    return body


def known_inputs(con: duckdb.DuckDBPyConnection, input_ids: list[str]) -> dict[str, str]:
    """``{input_id: first_run_id}`` for the ids already in the ledger."""
    if not input_ids:
        return {}
    rows = con.execute(
        "SELECT input_id, first_run_id FROM store.raw_inputs WHERE list_contains(?, input_id)",
        [input_ids],
    ).fetchall()
    return dict(rows)


def inputs_of_run(con: duckdb.DuckDBPyConnection, run_id: str, kind: str | None = None) -> list[str]:
    """Input ids a run used, in the order they were received."""
    sql = (
        "SELECT r.input_id FROM store.run_inputs ri JOIN store.raw_inputs r USING (input_id) "
        "WHERE ri.run_id = ?" + (" AND r.kind = ?" if kind else "") + " ORDER BY r.received_at, r.input_id"
    )
    return [row[0] for row in con.execute(sql, [run_id, kind] if kind else [run_id]).fetchall()]
