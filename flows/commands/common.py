"""Options and argument parsing shared by several verbs."""

from __future__ import annotations

import argparse
import os
from datetime import date
from pathlib import Path

from flows.errors import UserError

#: The bundled demo snapshot (data/ beside the packages; RIFWATCH_SNAPSHOT overrides).
SNAPSHOT_DIR = Path(__file__).resolve().parents[2] / "data" / "demo_snapshot"


def add_db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="PATH", default=None,
                        help="warehouse file (default: $RIFWATCH_DB or ./rifwatch.duckdb)")


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def snapshot_dir(explicit: str | None = None) -> Path:
    folder = Path(explicit or os.environ.get("RIFWATCH_SNAPSHOT") or SNAPSHOT_DIR)
    if not (folder / "manifest.json").is_file():
        raise UserError(f"no demo snapshot at {folder} (manifest.json missing)")
    return folder


def add_prefect_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-prefect", dest="prefect", action="store_false",
                        help="run the cycle's steps directly instead of as a Prefect flow run "
                             "(same code; skips Prefect's temporary server, about 20 s)")
