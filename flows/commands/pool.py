"""``rifwatch pool FILE.csv``: pool 2×2 tables from a CSV, for analysts.

Columns: ``study, treat_events, treat_total, ctrl_events, ctrl_total`` (others are ignored).
Prints a table, or with ``--json`` the CONTRACT keys (``estimate, ci_low, ci_high, p_value,
tau2, i2, pi_low, pi_high, k``; ratios on the ratio scale). ``--cumulative`` pools the first
1, 2, ..., k rows in file order.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
from pathlib import Path

from flows.errors import UserError
from models.cumulative import cumulative
from models.effect_sizes import MEASURES
from models.pooling import CI_METHODS, METHODS, Estimator, PoolingError, PoolResult, Study

COLUMNS = ("study", "treat_events", "treat_total", "ctrl_events", "ctrl_total")
CI_NAMES = {"wald": "Wald (normal) interval", "hksj": "HKSJ interval",
            "hksj-adhoc": "HKSJ interval with ad-hoc floor"}


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "pool", help="pool 2x2 tables from a CSV file",
        description="Pool two-arm binary outcomes: " + ", ".join(COLUMNS) + ".")
    parser.add_argument("file", type=Path, metavar="FILE.csv")
    parser.add_argument("--measure", choices=MEASURES, default="RR", help="effect measure (default RR)")
    parser.add_argument("--method", choices=tuple(METHODS), default="REML",
                        help="FE, MH (fixed effect) or a random-effects tau2 estimator (default REML)")
    parser.add_argument("--ci", choices=CI_METHODS, default=None,
                        help="interval (default: hksj-adhoc for random effects, wald for FE and MH)")
    parser.add_argument("--cumulative", action="store_true", help="pool the first 1, 2, ..., k rows")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.set_defaults(func=run)


def read_studies(path: Path) -> list[Study]:
    """Studies from the CSV; any problem is a one-line ``UserError`` naming the line and column."""
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except OSError as exc:
        raise UserError(f"{path}: cannot read ({exc.strerror})") from None
    with handle:
        reader = csv.DictReader(handle)
        header = [name.strip() for name in (reader.fieldnames or [])]
        missing = [c for c in COLUMNS if c not in header]
        if missing:
            raise UserError(f"{path}: missing column(s) {', '.join(missing)} (need {', '.join(COLUMNS)})")
        reader.fieldnames = header
        studies: list[Study] = []
        seen: set[str] = set()
        for row in reader:
            studies.append(_study(path, reader.line_num, row, seen))
    if not studies:
        raise UserError(f"{path}: no studies (only a header)")
    return studies


def _study(path: Path, line: int, row: dict, seen: set[str]) -> Study:
    name = (row.get("study") or "").strip()
    if not name:
        raise UserError(f"{path} line {line}, column study: empty study name")
    if name in seen:
        raise UserError(f"{path} line {line}, column study: {name!r} appears twice")
    seen.add(name)
    values = []
    for column in COLUMNS[1:]:
        text = (row.get(column) or "").strip()
        try:
            value = int(text)
        except ValueError:
            raise UserError(f"{path} line {line}, column {column}: {text!r} is not a whole number") from None
        if value < 0:
            raise UserError(f"{path} line {line}, column {column}: {value} is negative")
        values.append(value)
    try:
        return Study.from_counts(name, *values)
    except PoolingError as exc:
        raise UserError(f"{path} line {line}: {str(exc).removeprefix(f'study {name}: ')}") from None


def run(args: argparse.Namespace) -> int:
    studies = read_studies(args.file)
    ci = args.ci or ("wald" if METHODS[args.method][1] is None else "hksj-adhoc")
    try:
        estimator = Estimator(measure=args.measure, method=args.method, ci=ci)
        results = cumulative(studies, estimator) if args.cumulative else [estimator.fit(studies)]
    except PoolingError as exc:
        raise UserError(str(exc)) from None
    if not results[-1].estimable:
        raise UserError(f"{args.file}: {results[-1].note} ({args.measure}; excluded: "
                        f"{', '.join(results[-1].excluded_ids)})")
    if args.json:
        if args.cumulative:
            payload = [{"study": s.id, **_clean(r.as_json())} for s, r in zip(studies, results)]
        else:
            payload = _clean(results[-1].as_json())
        print(json.dumps(payload, indent=2))
    elif args.cumulative:
        print(render_cumulative(studies, results))
    else:
        print(render_result(studies, results[-1]))
    return 0


def _clean(values: dict) -> dict:
    """JSON has no NaN or infinity: such values become null."""
    return {k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in values.items()}


def _num(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _p(value: float | None) -> str:
    if value is None:
        return "-"
    return "<0.0001" if value < 1e-4 else f"{value:.4f}"


def render_result(studies: list[Study], result: PoolResult) -> str:
    """The studies' own effects, then the pooled estimate with heterogeneity."""
    lines = [f"{'study':<28} {'events/total (treat)':>20} {'events/total (ctrl)':>20} "
             f"{result.measure:>8} {'95% CI':>17}"]
    for study in studies:
        effect = study.effect(result.measure)
        shown = (f"{effect.estimate:8.3f} {effect.ci_low:8.3f}–{effect.ci_high:<8.3f}"
                 if effect else f"{'n.e.':>8} {'(no events in either arm)':>17}")
        lines.append(f"{study.id[:28]:<28} {f'{study.treat_events}/{study.treat_total}':>20} "
                     f"{f'{study.ctrl_events}/{study.ctrl_total}':>20} {shown}")
    level = round(result.level * 100)
    if result.is_single_study:
        heading = f"single study: {result.measure} with its own {CI_NAMES['wald']}"
    else:
        heading = f"pooled {result.measure}: {METHODS[result.method][0]}, {CI_NAMES[result.ci_method]}"
    lines += ["", f"{heading} (k = {result.k}, {result.n_patients} patients)",
              f"  estimate {_num(result.estimate)}  {level}% CI {_num(result.ci_low)} to "
              f"{_num(result.ci_high)}  p = {_p(result.p_value)}"]
    if result.q is not None:
        tau = ""
        if result.tau2 is not None:
            tau = f"tau2 {result.tau2:.4f}"
            if result.tau2_ci_low is not None:
                tau += f" ({level}% CI {result.tau2_ci_low:.4f} to {result.tau2_ci_high:.4f})"
            tau += "  "
        lines.append(f"  {tau}I2 {result.i2:.1f}%  H2 {result.h2:.2f}  "
                     f"Q {result.q:.2f} (df {result.q_df}, p = {_p(result.q_p_value)})")
    if result.pi_low is not None:
        lines.append(f"  prediction interval {_num(result.pi_low)} to {_num(result.pi_high)}")
    if result.excluded_ids:
        lines.append(f"  not estimable on {result.measure}: {', '.join(result.excluded_ids)}")
    return "\n".join(lines)


def render_cumulative(studies: list[Study], results: list[PoolResult]) -> str:
    """One row per step: the study added and the pooled estimate after it."""
    measure = results[-1].measure
    lines = [f"{'added':<28} {'k':>3} {measure:>8} {'95% CI':>19} {'p':>8} {'tau2':>8} {'I2':>6}"]
    for study, r in zip(studies, results):
        lines.append(f"{study.id[:28]:<28} {r.k:>3} {_num(r.estimate):>8} "
                     f"{_num(r.ci_low):>9}–{_num(r.ci_high):<9} {_p(r.p_value):>8} "
                     f"{_num(r.tau2, 4):>8} {_num(r.i2, 1):>6}")
    return "\n".join(lines)
