"""The ``rifwatch`` command line.

Each verb lives in its own module under ``flows/commands/`` exposing ``add_parser(subparsers)``,
which registers the verb and sets ``func`` (taking the parsed arguments, returning an exit code).
A user error raises ``UserError`` (or another one-line exception listed in ``USER_ERRORS``); the
CLI prints ``rifwatch: <message>`` and exits 2 without a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import Sequence

from flows.errors import USER_ERRORS

#: Verb modules, in the order ``--help`` lists them.
COMMANDS = (
    "demo",
    "run",
    "import_",
    "digest",
    "deploy",
    "baseline",
    "sql",
    "model",
    "pool",
    "boundaries",
    "triage",
    "serve",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rifwatch",
        description=(
            "A living systematic review of immune therapies for recurrent implantation failure: "
            "watch PubMed, classify and extract new trials, pool them, flag what changed."
        ),
    )
    subparsers = parser.add_subparsers(dest="verb", metavar="VERB", required=True)
    for name in COMMANDS:
        importlib.import_module(f"flows.commands.{name}").add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except USER_ERRORS as exc:
        message = " ".join(str(exc).split()) or type(exc).__name__
        print(f"rifwatch: {message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("rifwatch: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
