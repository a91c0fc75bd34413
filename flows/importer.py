"""``rifwatch import``: files of PubMed XML or MEDLINE text through the same steps as a cycle.

Every file is read and parsed before anything is written, so a malformed file changes nothing.
Files already in the raw ledger (same sha256) are skipped: importing the same file twice changes
nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Sequence

from config.schema import Config
from flows import cycle as steps
from flows.errors import UserError
from flows.pipeline import load_pipeline
from flows.pooling_step import pool_and_flag
from warehouse.db import connect, transaction
from warehouse.ledger import archive_raw, known_inputs
from warehouse.runs import finish_run


@dataclass(frozen=True)
class ImportOutcome:
    run_id: str | None
    files_new: int
    files_known: int
    n_new: int = 0
    n_updated: int = 0
    n_unchanged: int = 0
    n_deleted: int = 0
    n_rct_new: int = 0


def read_and_parse(paths: Sequence[Path]) -> list[tuple[Path, str, bytes, list]]:
    """``(path, sha256, bytes, records)`` per file; a bad file raises a one-line error."""
    from extractors.formats import parse_any

    parsed = []
    for path in paths:
        try:
            body = Path(path).read_bytes()
        except FileNotFoundError:
            raise UserError(f"{path}: no such file") from None
        except OSError as exc:
            raise UserError(f"{path}: cannot read ({exc.strerror or exc})") from None
        try:
            records = list(parse_any(path))
        except ValueError as exc:
            message = " ".join(str(exc).split())
            raise UserError(message if str(path) in message else f"{path}: {message}") from None
        parsed.append((Path(path), hashlib.sha256(body).hexdigest(), body, records))
    return parsed


def import_files(paths: Sequence[Path], *, db=None, config: Config, as_of: date | None = None) -> ImportOutcome:
    if not paths:
        raise UserError("give at least one file to import")
    parsed = read_and_parse(paths)
    pipeline = load_pipeline(config)
    con = connect(db)
    try:
        known = known_inputs(con, [sha for _, sha, _, _ in parsed])
        fresh, seen = [], set()
        for item in parsed:
            if item[1] not in known and item[1] not in seen:
                fresh.append(item)
                seen.add(item[1])
        if not fresh:
            return ImportOutcome(None, 0, len(parsed))
        cycle = steps.open_cycle(con, config, source="import", as_of=as_of or date.today(), query=None,
                                 model_version=pipeline.model_version, windowed=False)
        try:
            with transaction(con):
                batches = []
                for path, _, body, records in fresh:
                    input_id, _ = archive_raw(con, cycle.run_id, "import", str(path), body)
                    batches.append((input_id, records))
                load, articles = steps.load_records(con, cycle, batches)
                classifications, _ = steps.classify_and_extract(con, cycle, pipeline, load, articles)
                pool_and_flag(con, cycle.run_id, config)
                counts = steps.run_counts(load, classifications)
                finish_run(con, cycle.run_id, "succeeded", counts)
        except Exception as exc:
            finish_run(con, cycle.run_id, "failed", error=" ".join(str(exc).split())[:500])
            raise
        from flows.digest_step import compose_and_archive

        compose_and_archive(con, cycle.run_id, config)
        return ImportOutcome(cycle.run_id, len(fresh), len(parsed) - len(fresh), len(load.new),
                             len(load.updated), len(load.unchanged), len(load.deleted), counts.n_rct_new)
    finally:
        con.close()
