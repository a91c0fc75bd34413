"""Computed effects against Cochrane's own per-study effects (``pairwise70_cochrane``).

Pairwise70 carries, for every study row of 501 Cochrane reviews, the per-arm counts and the
effect with 95% CI that RevMan printed, but not the measure. The measure of an analysis is
inferred as the one of RR, OR, RD, Peto OR that reproduces most of its no-zero-cell rows (an
analysis uses one measure); every row is then scored against that measure.

"Equal to two decimals": both values are rounded half-up to 2 places after rounding ours to the 6
places Cochrane's export keeps (so a binary float 1.42499999 of an exact 1.425 is not a miss).

Binary rows are those with cases and totals and no means, SDs, generic-inverse-variance or O−E
figures (those are continuous or pre-computed analyses).
"""

from __future__ import annotations

import collections
import csv
import gzip
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from models.effect_sizes import effect_from_counts, peto_from_counts

MEASURES = ("RR", "OR", "RD", "PETO")


def _float(value: str) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _nonzero(value: str) -> bool:
    v = _float(value)
    return v is not None and v != 0


def compute(measure: str, te: int, tn: int, ce: int, cn: int, level: float = 0.95):
    """``(estimate, low, high)`` for one row by ``models.effect_sizes``, or ``None`` when not estimable."""
    if measure == "PETO":
        effect = peto_from_counts(te, tn, ce, cn, level=level)
    else:
        effect = effect_from_counts(measure, te, tn, ce, cn, level=level)
    return None if effect is None else (effect.estimate, effect.ci_low, effect.ci_high)


def _r2(value: float) -> Decimal:
    return Decimal(repr(round(value, 6))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def equal_2dp(ours, theirs) -> bool:
    return ours is not None and all(_r2(a) == _r2(b) for a, b in zip(ours, theirs))


def read_binary_rows(path: Path):
    """``{analysis key: [(te, tn, ce, cn, (mean, low, high), dataset)]}`` for binary rows."""
    groups: dict[tuple, list] = collections.defaultdict(list)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", newline="") as handle:
        for r in csv.DictReader(handle):
            if _float(r["Experimental.cases"]) is None:
                continue
            if any(_nonzero(r[k]) for k in ("Experimental.SD", "Control.SD", "GIV.SE", "GIV.Mean", "O.E", "Variance")):
                continue
            counts = [_float(r[k]) for k in ("Experimental.cases", "Experimental.N", "Control.cases", "Control.N")]
            theirs = tuple(_float(r[k]) for k in ("Mean", "CI.start", "CI.end"))
            if None in counts or None in theirs or any(abs(v - round(v)) > 1e-9 for v in counts):
                continue
            te, tn, ce, cn = (int(round(v)) for v in counts)
            if tn <= 0 or cn <= 0 or te > tn or ce > cn or te < 0 or ce < 0:
                continue
            groups[(r["dataset"], r["Analysis.group"], r["Analysis.number"])].append((te, tn, ce, cn, theirs))
    return groups


def _category(measure: str, row) -> str:
    te, tn, ce, cn, theirs = row
    for other in MEASURES:
        if other != measure and equal_2dp(compute(other, te, tn, ce, cn), theirs):
            return f"another measure ({other}) than the analysis' other rows"
    if equal_2dp(compute(measure, ce, cn, te, tn), theirs):
        return "arms reversed in Cochrane's row"
    for level in (0.99, 0.90):
        for other in MEASURES:
            if equal_2dp(compute(other, te, tn, ce, cn, level), theirs):
                return f"{int(level * 100)}% interval, not 95% ({other})"
    ours = compute(measure, te, tn, ce, cn)
    if ours is not None and all(abs(a - b) <= 0.006 for a, b in zip(ours, theirs)):
        return "differs only at the second decimal (rounding of a half or of z=1.96)"
    if ours is not None and abs(ours[0] - theirs[0]) <= 0.006:
        return "estimate equal, interval from another method"
    return "other (data not reproducible from the counts)"


def evaluate(path: Path) -> dict:
    """Agreement figures and miss categories for the file at ``path``."""
    groups = read_binary_rows(path)
    result = collections.Counter()
    measures = collections.Counter()
    misses = collections.Counter()
    zero = collections.Counter()
    examples: dict[str, tuple] = {}
    for rows in groups.values():
        no_zero = [r for r in rows if 0 not in (r[0], r[1] - r[0], r[2], r[3] - r[2])]
        scores = {m: sum(equal_2dp(compute(m, *r[:4]), r[4]) for r in no_zero) for m in MEASURES}
        if not any(scores.values()):
            # an analysis of zero-cell rows only: infer its measure from those
            scores = {m: sum(equal_2dp(compute(m, *r[:4]), r[4]) for r in rows) for m in MEASURES}
        measure = max(MEASURES, key=lambda m: (scores[m], -MEASURES.index(m)))
        for r in no_zero:
            ok = equal_2dp(compute(measure, *r[:4]), r[4])
            result["rows"] += 1
            result["equal"] += ok
            measures[(measure, ok)] += 1
            if not ok:
                cat = _category(measure, r)
                misses[cat] += 1
                examples.setdefault(cat, (measure,) + r)
        for r in rows:
            if r in no_zero:
                continue
            te, tn, ce, cn, theirs = r
            double = (te == 0 and ce == 0) or (te == tn and ce == cn)
            kind = "double-zero (no events, or all events, in both arms)" if double else "single zero cell"
            ours = compute(measure, te, tn, ce, cn)
            zero[(kind, "rows")] += 1
            if ours is None:
                zero[(kind, f"{measure} not estimable by us (kept, not pooled on a ratio scale); "
                            f"Cochrane shows {theirs[0]:g}")] += 1
            elif equal_2dp(ours, theirs):
                zero[(kind, "equal to 2 dp")] += 1
            else:
                zero[(kind, "miss: " + _category(measure, r))] += 1
    return {"rows": result["rows"], "equal": result["equal"], "by_measure": measures, "misses": misses,
            "zero": zero, "examples": examples, "analyses": len(groups)}


def report(path: Path) -> list[str]:
    """Lines of the Cochrane section of the evaluation report."""
    r = evaluate(path)
    explained = sum(n for cat, n in r["misses"].items() if cat.startswith(("99%", "90%")))
    lines = [f"pairwise70 ({path.name}): {r['analyses']} binary analyses",
             f"  binary rows with no zero cell: {r['rows']}; equal to Cochrane's estimate and 95% CI at 2 dp: "
             f"{r['equal']} = {r['equal'] / max(1, r['rows']):.4f}",
             f"  ... counting rows whose Cochrane interval is 99%/90% as equal when computed at that level: "
             f"{r['equal'] + explained} = {(r['equal'] + explained) / max(1, r['rows']):.4f}"]
    for (measure, ok), n in sorted(r["by_measure"].items()):
        lines.append(f"    measure {measure:5s} {'equal' if ok else 'miss ':5s} {n}")
    lines.append("  misses by category:")
    for cat, n in r["misses"].most_common():
        ex = r["examples"][cat]
        lines.append(f"    {n:5d}  {cat}   e.g. {ex[0]} {ex[1]}/{ex[2]} vs {ex[3]}/{ex[4]} -> Cochrane {ex[5]}")
    lines.append("  rows with a zero cell (reported apart; 0.5 added to every cell of such a row):")
    shown = collections.Counter()
    for (kind, what), n in sorted(r["zero"].items(), key=lambda kv: (kv[0][0], -kv[1])):
        if what.startswith(tuple(m + " not" for m in MEASURES)):
            shown[(kind, what.split(";")[0])] += n
            continue
        lines.append(f"    {kind}: {what}: {n}")
    for (kind, what), n in shown.items():
        lines.append(f"    {kind}: {what}: {n}")
    return lines
