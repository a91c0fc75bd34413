"""``rifwatch run``: one weekly surveillance cycle (the Prefect flow ``weekly_surveillance``)."""

from __future__ import annotations

import argparse
from datetime import date

from flows.commands.common import add_db_option, add_prefect_option, iso_date, snapshot_dir


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "run",
        help="run one weekly surveillance cycle",
        description=(
            "Query PubMed for records created or modified since the last successful run (with a few "
            "days' overlap), classify them, extract their numbers, pool, flag changes and compose the "
            "digest. --source pubmed talks to NCBI E-utilities (NCBI_EMAIL, optional NCBI_API_KEY, "
            "RIFWATCH_EUTILS_URL to point elsewhere); --source snapshot replays the bundled demo "
            "snapshot through a local replay server, with no network."
        ),
    )
    add_db_option(parser)
    parser.add_argument("--source", choices=("pubmed", "snapshot"), default="pubmed")
    parser.add_argument("--as-of", type=iso_date, default=None, metavar="DATE",
                        help="the day the cycle runs as (default: today); the window ends here")
    parser.add_argument("--snapshot", default=None, metavar="DIR", help="snapshot folder for --source snapshot")
    parser.add_argument("--no-baseline", dest="baseline", action="store_false",
                        help="on an empty warehouse, do not load the 2023 review's trials first")
    add_prefect_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from flows.runner import run_one_cycle

    as_of = args.as_of or date.today()
    folder = snapshot_dir(args.snapshot) if args.source == "snapshot" else None
    run_id = run_one_cycle(db=args.db, source=args.source, as_of=as_of, snapshot=folder, prefect=args.prefect,
                           baseline=args.baseline)
    print(f"run {run_id} finished")
    return 0
