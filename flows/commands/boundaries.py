"""``rifwatch boundaries``: Lan-DeMets monitoring boundaries at given information fractions."""

from __future__ import annotations

import argparse
import json

from scipy.stats import norm

from flows.errors import UserError
from models.sequential import SPENDING_FUNCTIONS, MonitoringError, alpha_spent, boundaries


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "boundaries", help="group-sequential boundaries at information fractions",
        description="Two-sided Lan-DeMets alpha-spending boundaries (z scale), as Trial Sequential "
                    "Analysis uses them.")
    parser.add_argument("--fractions", required=True, metavar="F1,F2,...",
                        help="information fractions of the looks, e.g. 0.2,0.45,0.7,1")
    parser.add_argument("--alpha", type=float, default=0.05, help="two-sided alpha (default 0.05)")
    parser.add_argument("--spending", choices=SPENDING_FUNCTIONS, default="obf",
                        help="O'Brien-Fleming type (obf, default) or Pocock type")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.set_defaults(func=run)


def parse_fractions(text: str) -> list[float]:
    values = []
    for part in text.split(","):
        try:
            values.append(float(part))
        except ValueError:
            raise UserError(f"--fractions: {part.strip()!r} is not a number") from None
    return values


def run(args: argparse.Namespace) -> int:
    fractions = parse_fractions(args.fractions)
    try:
        values = boundaries(fractions, args.alpha, args.spending)
        spent = [alpha_spent(t, args.alpha, args.spending) for t in fractions]
    except MonitoringError as exc:
        raise UserError(str(exc)) from None
    if args.json:
        print(json.dumps({"fractions": fractions, "alpha": args.alpha, "spending": args.spending,
                          "alpha_spent": spent, "boundaries": list(values)}, indent=2))
        return 0
    lines = [f"{args.spending} alpha spending, two-sided alpha = {args.alpha}",
             f"{'fraction':>9} {'alpha spent':>12} {'boundary z':>11} {'nominal p':>10}"]
    for t, a, z in zip(fractions, spent, values):
        lines.append(f"{t:>9.3f} {a:>12.6f} {z:>11.3f} {2 * norm.sf(z):>10.6f}")
    print("\n".join(lines))
    return 0
