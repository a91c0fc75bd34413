"""``rifwatch baseline``: load the 2023 review's randomized trials as the starting evidence."""

from __future__ import annotations

import argparse

from flows.commands.common import add_db_option


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "baseline",
        help="load the 2023 review's trials as curated starting evidence",
        description=(
            "Load data/baseline/review_2023.toml — the randomized trials the 2023 review reports, with "
            "its figures — as curated evidence and pool it, so surveillance starts where the review "
            "ended. Done automatically before the first live run; loading twice changes nothing. A "
            "trial steps aside when its own PubMed record arrives, so nothing is counted twice."
        ),
    )
    add_db_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from config.schema import default_config
    from flows.baseline import load_baseline
    from warehouse.db import short_connection

    with short_connection(args.db) as con:
        run_id = load_baseline(con, default_config())
    print(f"baseline loaded as run {run_id}" if run_id else "baseline already loaded: nothing to do")
    return 0
