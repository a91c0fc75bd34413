"""``rifwatch sql``: run a read-only query against the warehouse and print the rows."""

from __future__ import annotations

import argparse
import csv
import json
import sys

import duckdb

from flows.commands.common import add_db_option
from flows.errors import UserError


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "sql",
        help="query the warehouse (read-only)",
        description="Run one SQL query against the warehouse, opened read-only, and print the result. "
                    "The documented views are listed in docs/data_dictionary.md.",
    )
    add_db_option(parser)
    parser.add_argument("query", help="the SQL query, e.g. \"SELECT * FROM pooled_latest WHERE is_lead\"")
    parser.add_argument("--format", choices=("table", "csv", "json"), default="table")
    parser.set_defaults(func=run)


def format_table(names: list[str], rows: list[tuple]) -> str:
    """A plain fixed-width table, long cells cut at 60 characters."""
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max([len(n)] + [len(r[i]) for r in cells]) for i, n in enumerate(names)]
    lines = ["  ".join(n.ljust(w) for n, w in zip(names, widths)),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in cells]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    text = " ".join(str(value).split())
    return text if len(text) <= 60 else text[:57] + "..."


def run(args: argparse.Namespace) -> int:
    from warehouse.db import connect

    con = connect(args.db, read_only=True)
    try:
        cursor = con.execute(args.query)
        names = [d[0] for d in cursor.description or []]
        rows = cursor.fetchall() if names else []
    except duckdb.Error as exc:
        raise UserError(f"query failed: {str(exc).splitlines()[0]}") from None
    finally:
        con.close()
    if args.format == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(names)
        writer.writerows(rows)
    elif args.format == "json":
        print(json.dumps([dict(zip(names, row)) for row in rows], default=str, indent=1))
    else:
        print(format_table(names, rows))
    return 0
