"""``rifwatch demo``: replay the bundled snapshot as consecutive weekly cycles, no network."""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path

from flows.commands.common import add_prefect_option, snapshot_dir
from flows.errors import UserError


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="replay the bundled demo snapshot week by week (no network)",
        description=(
            "Start a fresh warehouse in DIR, then replay the bundled snapshot of reconstructed RIF "
            "trials and reviews as N consecutive weekly cycles through a local E-utilities replay "
            "server (the same client code that talks to PubMed). Writes DIR/warehouse.duckdb and each "
            "week's digest to DIR/digests/<ISO-week>.md and .html."
        ),
    )
    parser.add_argument("--out", default="demo-out", metavar="DIR", help="output folder (default: ./demo-out)")
    parser.add_argument("--weeks", type=int, default=None, metavar="N",
                        help="replay only the first N weeks (default: every week in the snapshot)")
    parser.add_argument("--snapshot", default=None, metavar="DIR", help=argparse.SUPPRESS)
    add_prefect_option(parser)
    parser.set_defaults(func=run)


def snapshot_weeks(folder: Path) -> list[date]:
    """The ``as_of`` day of every week the snapshot's manifest plans, in order."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        return [date.fromisoformat(week["as_of"]) for week in manifest["weeks"]]
    except (ValueError, KeyError, TypeError) as exc:
        raise UserError(f"{folder / 'manifest.json'}: not a demo manifest ({exc})") from None


def fresh_output(out: Path) -> Path:
    """Create ``out``; remove only what a previous demo wrote there (warehouse and digests)."""
    out.mkdir(parents=True, exist_ok=True)
    for name in ("warehouse.duckdb", "warehouse.duckdb.wal"):
        (out / name).unlink(missing_ok=True)
    digests = out / "digests"
    digests.mkdir(exist_ok=True)
    for old in list(digests.glob("*-W*.md")) + list(digests.glob("*-W*.html")):
        old.unlink()
    return out / "warehouse.duckdb"


def run(args: argparse.Namespace) -> int:
    from flows.digest_files import write_digest_files
    from flows.runner import run_one_cycle

    folder = snapshot_dir(args.snapshot)
    weeks = snapshot_weeks(folder)
    if args.weeks is not None:
        if args.weeks < 1:
            raise UserError("--weeks must be at least 1")
        weeks = weeks[: args.weeks]
    out = Path(args.out)
    db = fresh_output(out)
    print(f"rifwatch demo: replaying {len(weeks)} weeks of {folder.name} into {db}")
    for as_of in weeks:
        run_id = run_one_cycle(db=db, source="snapshot", as_of=as_of, snapshot=folder, prefect=args.prefect)
        written, summary = write_digest_files(db, run_id, out / "digests")
        print(f"  {as_of.isoformat()}  {run_id:<22} {summary}  -> {', '.join(p.name for p in written)}")
    print(f"done: open {out / 'digests'} or query {db} (see docs/data_dictionary.md)")
    return 0
