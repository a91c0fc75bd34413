"""``rifwatch serve``: the triage web page on this machine.

Serves the queue, each paper with its evidence, and the decision forms at
``http://127.0.0.1:8787/``. It binds to a loopback address unless ``--allow-remote`` is given.
Decisions need the triage token (``$RIFWATCH_TRIAGE_TOKEN``, or ``--token-file`` /
``$RIFWATCH_TRIAGE_TOKEN_FILE`` naming a file only its owner can read); without one the server
shows everything and changes nothing. The warehouse is opened briefly per page and per decision,
so a weekly run can write between requests.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from config.schema import default_config
from flows.errors import UserError
from flows.triage_access import READ_WAIT_SECONDS, WRITE_WAIT_SECONDS, migrate_if_needed, warehouse_path
from flows.web.auth import check_host, load_token

DEFAULT_HOST = "127.0.0.1"
#: Above the registered ports most development servers take (8000, 8080), easy to type.
DEFAULT_PORT = 8787


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("serve", help="serve the triage web page (queue, papers, decisions) on 127.0.0.1",
                                   description=__doc__.strip().splitlines()[0])
    parser.add_argument("--db", type=Path, default=None,
                        help="warehouse file (default: $RIFWATCH_DB or ./rifwatch.duckdb)")
    parser.add_argument("--host", default=DEFAULT_HOST, help=f"address to listen on (default: {DEFAULT_HOST})")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default: {DEFAULT_PORT})")
    parser.add_argument("--allow-remote", action="store_true",
                        help="allow a non-loopback --host (every page then needs a login; put TLS in front)")
    parser.add_argument("--token-file", type=Path, default=None,
                        help="file holding the triage token, readable by its owner only (chmod 600)")
    parser.add_argument("--read-wait", type=float, default=READ_WAIT_SECONDS, help=argparse.SUPPRESS)
    parser.add_argument("--write-wait", type=float, default=WRITE_WAIT_SECONDS, help=argparse.SUPPRESS)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from flows.web.app import Settings, create_app

    check_host(args.host, args.allow_remote)
    if not 0 < args.port < 65536:
        raise UserError(f"--port {args.port} is not a TCP port")
    token = load_token(args.token_file)
    db = warehouse_path(args.db)
    migrate_if_needed(db)
    settings = Settings(db=db, config=default_config(), token=token, allow_remote=args.allow_remote,
                        hosts=("127.0.0.1", "localhost", "::1", args.host), read_wait=args.read_wait,
                        write_wait=args.write_wait)
    shown = f"[{args.host}]" if ":" in args.host else args.host
    print(f"rifwatch triage on http://{shown}:{args.port}/ over {db}", flush=True)
    print("  decisions: " + ("log in with the triage token" if token else
                             "off (no RIFWATCH_TRIAGE_TOKEN or --token-file): read only"), flush=True)
    uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level="warning")
    return 0
