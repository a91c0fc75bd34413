"""``rifwatch digest``: render a run's digest, and with ``--send`` e-mail it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from config.schema import default_config
from digest.compose import compose_digest
from digest.render import FORMATS, render
from flows.errors import UserError
from flows.mail import send_digest
from warehouse.db import WarehouseError, connect, default_db_path
from warehouse.marts import MartError
from warehouse.runs import latest_run_id


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "digest",
        help="render (and with --send, e-mail) the weekly digest of a run",
        description=(
            "Render the digest of a run (by default the latest finished one) as Markdown, HTML or "
            "plain text, to standard output or --out. With --send, e-mail it once to the recipients "
            "in config/digest.toml (or --to) through the SMTP server named by RIFWATCH_SMTP_HOST, "
            "_PORT, _USER, _PASSWORD, _STARTTLS and _SSL; a run already sent is not sent again "
            "unless --resend is given."
        ),
    )
    parser.add_argument("--db", type=Path, default=None,
                        help="warehouse file (default: $RIFWATCH_DB or ./rifwatch.duckdb)")
    parser.add_argument("--run", dest="run_id", default=None, help="run id (default: the latest finished run)")
    parser.add_argument("--format", choices=FORMATS, default="md", help="output format (default: md)")
    parser.add_argument("--out", type=Path, default=None, help="write the rendering to this file")
    parser.add_argument("--send", action="store_true", help="e-mail the digest (text + HTML, one message)")
    parser.add_argument("--to", nargs="+", metavar="ADDR", default=None,
                        help="recipients, instead of those in config/digest.toml (with --send)")
    parser.add_argument("--resend", action="store_true",
                        help="send even if this run's digest was sent before (with --send)")
    parser.set_defaults(func=run)


def _open(path: Path | None, *, write: bool):
    try:
        return connect(path, read_only=not write)
    except WarehouseError as exc:
        raise UserError(str(exc)) from None


def run(args: argparse.Namespace) -> int:
    if (args.to or args.resend) and not args.send:
        raise UserError("--to and --resend only apply with --send")
    config = default_config()
    con = _open(args.db or default_db_path(), write=args.send)
    try:
        run_id = args.run_id or latest_run_id(con)
        if run_id is None:
            raise UserError("the warehouse has no finished run yet (run `rifwatch demo` or `rifwatch run` first)")
        try:
            text = render(compose_digest(con, run_id, config), args.format)
        except MartError as exc:
            raise UserError(str(exc)) from None
        if args.out:
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(text, encoding="utf-8")
        elif not args.send:
            sys.stdout.write(text)
        if not args.send:
            return 0
        result = send_digest(con, run_id, config, to=args.to, resend=args.resend)
    finally:
        con.close()
    who = ", ".join(result.recipients)
    if result.status == "already_sent":
        print(f"digest of {run_id} was already sent ({result.message_id}); use --resend to send it again")
    elif result.status == "sent":
        print(f"sent digest of {run_id} to {who} ({result.message_id}, attempt {result.attempts})")
        if result.error:
            print(f"warning: {result.error}", file=sys.stderr)
    else:
        raise UserError(f"could not send the digest of {run_id} after {result.attempts} attempts: {result.error}")
    return 0
