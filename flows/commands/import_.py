"""``rifwatch import``: load PubMed XML or MEDLINE files and run the cycle's steps on them."""

from __future__ import annotations

import argparse
from pathlib import Path

from flows.commands.common import add_db_option


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "import",
        help="import PubMed XML or MEDLINE files",
        description=(
            "Import PubMed XML (a PubmedArticleSet, as efetch or PubMed's 'Save: XML' gives it, "
            "optionally gzip'ed) and/or MEDLINE text (.nbib/.txt), then classify, extract, pool and "
            "flag as a cycle does. Idempotent: a file already imported (same bytes) is skipped. A "
            "malformed file stops the import before anything is written."
        ),
    )
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
    add_db_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from config.schema import default_config
    from flows.importer import import_files

    outcome = import_files(args.files, db=args.db, config=default_config())
    if outcome.run_id is None:
        print(f"nothing new: all {outcome.files_known} file(s) were imported before")
        return 0
    print(f"run {outcome.run_id}: {outcome.files_new} file(s) imported"
          f" ({outcome.files_known} already known); {outcome.n_new} new, {outcome.n_updated} updated,"
          f" {outcome.n_unchanged} unchanged, {outcome.n_deleted} deleted records; {outcome.n_rct_new} new RCTs")
    return 0
