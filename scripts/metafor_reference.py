"""Regenerate the metafor reference values that tests/models/pooling checks the engine against.

    python scripts/metafor_reference.py [--shared-data DIR] [--out PATH]

(``--shared-data`` defaults to ``RIFWATCH_SHARED_DATA`` or ``../shared/data``.)

Chooses the cases (hand-made small and zero-cell designs, and analyses of the Pairwise70
Cochrane data including every fertility review in it), hands them to
``scripts/metafor_reference.R`` (needs ``Rscript`` with metafor, metadat and jsonlite:
``apt-get install r-base-core r-cran-metafor r-cran-metadat r-cran-jsonlite``), and writes
``tests/models/pooling/metafor_reference.json``. The JSON keeps each case's study-level
inputs (counts and figures, not text) so the tests need neither R nor the shared data.

The file is generated, never edited by hand. The set of case ids may only grow: the test
``test_reference_cases_never_shrink`` fails when one disappears.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import os
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "tests" / "models" / "pooling" / "metafor_reference.json"
COUNT_COLUMNS = ("Experimental.cases", "Experimental.N", "Control.cases", "Control.N")
#: Analyses per fertility review, and how many other reviews to sample from the full file.
PER_FERTILITY_REVIEW = 3
OTHER_REVIEWS = 15
#: Largest analysis we pin (keeps the JSON small; larger k adds nothing the tests can see).
MAX_K = 40


def counts(study: str, a: int, n1: int, c: int, n2: int) -> dict:
    return {"id": study, "ai": a, "n1i": n1, "ci": c, "n2i": n2}


def small_designs() -> list[dict]:
    """Hand-made designs for the corners: k = 1 and 2, zero cells, double zeros, agreement."""
    all3 = ["RR", "OR", "RD"]
    return [
        {"id": "small:stack-worked-example", "measures": all3, "cumulative": True,
         "source": "STACK.md worked example",
         "studies": [counts("s1", 13, 71, 10, 71), counts("s2", 4, 26, 3, 25), counts("s3", 12, 82, 13, 75)]},
        {"id": "small:single-study", "measures": all3, "source": "k = 1",
         "studies": [counts("s1", 26, 66, 12, 51)]},
        {"id": "small:single-study-zero-cell", "measures": ["RR", "OR"], "source": "k = 1 with a zero cell",
         "studies": [counts("s1", 0, 30, 4, 31)]},
        {"id": "small:two-trials", "measures": all3, "source": "k = 2, similar effects",
         "studies": [counts("s1", 26, 66, 12, 51), counts("s2", 32, 62, 13, 50)]},
        {"id": "small:two-trials-discordant", "measures": all3, "source": "k = 2, opposite effects",
         "studies": [counts("s1", 5, 40, 15, 40), counts("s2", 20, 40, 10, 40)]},
        {"id": "small:zero-cells-one-arm", "measures": all3, "cumulative": True,
         "source": "zero events in one arm of several studies",
         "studies": [counts("s1", 0, 20, 3, 20), counts("s2", 1, 25, 6, 24), counts("s3", 2, 30, 5, 31),
                     counts("s4", 0, 15, 2, 16)]},
        {"id": "small:double-zero", "measures": ["RR", "OR"],
         "source": "one study with no events in either arm (left out on ratio scales)",
         "studies": [counts("s1", 0, 20, 0, 22), counts("s2", 3, 40, 8, 41), counts("s3", 1, 30, 4, 29),
                     counts("s4", 0, 18, 3, 20)]},
        {"id": "small:all-events", "measures": ["RR", "OR"],
         "source": "an arm where everyone had the event; one study all events in both arms",
         "studies": [counts("s1", 10, 10, 8, 12), counts("s2", 15, 20, 12, 20), counts("s3", 9, 9, 9, 9),
                     counts("s4", 14, 16, 10, 15)]},
        {"id": "small:near-identical", "measures": all3,
         "source": "four near-identical studies: HKSJ scale below 1 (statsmodels' pitfall)",
         "studies": [counts("s1", 20, 100, 25, 100), counts("s2", 21, 100, 26, 100),
                     counts("s3", 20, 101, 25, 99), counts("s4", 19, 98, 24, 100)]},
        {"id": "small:heterogeneous", "measures": all3, "cumulative": True,
         "source": "five studies pointing different ways",
         "studies": [counts("s1", 5, 50, 20, 50), counts("s2", 30, 60, 10, 60), counts("s3", 12, 40, 12, 40),
                     counts("s4", 40, 80, 20, 80), counts("s5", 3, 30, 15, 30)]},
        {"id": "small:rare-events", "measures": ["RR", "OR"], "source": "ten trials with 0-3 events per arm",
         "studies": [counts(f"s{i + 1}", a, 100, c, 100) for i, (a, c) in enumerate(
             [(0, 2), (1, 3), (0, 0), (2, 1), (1, 0), (0, 1), (3, 3), (1, 2), (0, 3), (2, 0)])]},
        {"id": "small:tiny-arms", "measures": ["RR", "OR"], "source": "arms of 3 to 6 women",
         "studies": [counts("s1", 1, 5, 2, 6), counts("s2", 0, 4, 1, 5), counts("s3", 2, 3, 1, 4)]},
        {"id": "small:mixed-reported-or", "measures": ["OR"],
         "source": "two trials with counts and two known only by a reported OR and 95% CI",
         "studies": [counts("s1", 26, 66, 12, 51), counts("s2", 13, 71, 10, 71),
                     reported("s3", "OR", 2.94, 1.23, 8.33), reported("s4", "OR", 1.50, 0.70, 3.20)]},
    ]


def reported(study: str, measure: str, estimate: float, low: float, high: float) -> dict:
    """A study known only by a reported ratio: log it, and take the SE from the 95% interval."""
    import math

    z = 1.959963984540054
    se = (math.log(high) - math.log(low)) / (2 * z)
    return {"id": study, "measure": measure, "estimate": estimate, "ci_low": low, "ci_high": high,
            "yi": math.log(estimate), "vi": se * se}


def _binary_analyses(path: Path) -> dict[tuple[str, str, str], list[dict]]:
    opener = gzip.open if path.suffix == ".gz" else open
    groups: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
    with opener(path, "rt", newline="") as handle:
        for row in csv.DictReader(handle):
            try:
                values = [float(row[c]) for c in COUNT_COLUMNS]
            except (TypeError, ValueError):
                continue
            if values[1] <= 0 or values[3] <= 0 or any(v != int(v) for v in values):
                continue
            groups[(row["dataset"], row["Analysis.group"], row["Analysis.number"])].append(row)
    # Analyses naming a study twice (several subgroups or arms) would need arm-level judgement.
    return {key: rows for key, rows in groups.items()
            if 2 <= len(rows) <= MAX_K and len({r["Study"] for r in rows}) == len(rows)}


def _has_zero(rows: list[dict]) -> bool:
    return any(float(r["Experimental.cases"]) == 0 or float(r["Control.cases"]) == 0 for r in rows)


def _case(key: tuple[str, str, str], rows: list[dict], fertility: bool) -> dict:
    dataset, group, number = key
    return {
        "id": f"p70:{dataset.removesuffix('_data')}:{group}.{number}",
        "source": f"Pairwise70 {dataset} analysis {group}.{number}: {rows[0]['Analysis.name']}"
                  + (" (fertility review)" if fertility else ""),
        "measures": ["RR", "OR", "RD"],
        "cumulative": len(rows) >= 6 and fertility,
        "studies": [counts(r["Study"], int(float(r[COUNT_COLUMNS[0]])), int(float(r[COUNT_COLUMNS[1]])),
                           int(float(r[COUNT_COLUMNS[2]])), int(float(r[COUNT_COLUMNS[3]])))
                    for r in rows],
    }


def pairwise70_cases(folder: Path) -> list[dict]:
    """Up to three analyses per fertility review (largest, largest with a zero cell, smallest),
    then the largest analysis of every n-th other review, for spread."""
    fertility = _binary_analyses(folder / "pairwise70_fertility_subset.csv")
    everything = _binary_analyses(folder / "pairwise70_all.csv.gz")
    chosen: list[dict] = []
    by_review: dict[str, list[tuple]] = defaultdict(list)
    for key in sorted(fertility):
        by_review[key[0]].append(key)
    for review in sorted(by_review):
        keys = by_review[review]
        picks = [max(keys, key=lambda k: (len(fertility[k]), k)),
                 min(keys, key=lambda k: (len(fertility[k]), k))]
        zero = [k for k in keys if _has_zero(fertility[k])]
        if zero:
            picks.append(max(zero, key=lambda k: (len(fertility[k]), k)))
        for key in dict.fromkeys(picks):
            chosen.append(_case(key, fertility[key], fertility=True))
    others = sorted({k[0] for k in everything} - set(by_review))
    step = max(1, len(others) // OTHER_REVIEWS)
    for review in others[::step][:OTHER_REVIEWS]:
        keys = [k for k in everything if k[0] == review]
        key = max(keys, key=lambda k: (len(everything[k]), k))
        chosen.append(_case(key, everything[key], fertility=False))
    return chosen


def dump(reference: dict) -> str:
    """JSON with one line per study, per set of effects and per fit, so diffs stay readable."""
    def line(value) -> str:
        return json.dumps(value, ensure_ascii=False)

    head = {k: v for k, v in reference.items() if k != "cases"}
    out = ["{"] + [f" {line(k)}: {line(v)}," for k, v in head.items()] + [' "cases": [']
    for i, case in enumerate(reference["cases"]):
        meta = {k: v for k, v in case.items() if k not in ("studies", "results")}
        out.append("  {" + line(meta)[1:-1] + ",")
        out.append('   "studies": [' + ",\n    ".join(line(s) for s in case["studies"]) + "],")
        out.append('   "results": {')
        measures = list(case["results"].items())
        for j, (measure, result) in enumerate(measures):
            parts = [f'    "effects": {line(result.get("effects"))}']
            parts.append('    "fits": [\n     ' + ",\n     ".join(line(f) for f in result.get("fits", [])) + "]")
            if "cumulative" in result:
                parts.append('    "cumulative": [\n     '
                             + ",\n     ".join(line(c) for c in result["cumulative"]) + "]")
            out.append(f"   {line(measure)}: {{\n" + ",\n".join(parts) + "}" + ("," if j < len(measures) - 1 else ""))
        out.append("   }}" + ("," if i < len(reference["cases"]) - 1 else ""))
    out.append(" ]\n}")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_data = os.environ.get("RIFWATCH_SHARED_DATA") or REPO.parent / "shared" / "data"
    parser.add_argument("--shared-data", type=Path, default=Path(default_data))
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    cases = small_designs() + pairwise70_cases(args.shared_data / "pairwise70_cochrane")
    with tempfile.TemporaryDirectory() as tmp:
        source, target = Path(tmp) / "cases.json", Path(tmp) / "reference.json"
        source.write_text(json.dumps({"cases": cases}))
        subprocess.run(["Rscript", str(REPO / "scripts" / "metafor_reference.R"), str(source), str(target)],
                       check=True)
        reference = json.loads(target.read_text())
    reference["command"] = "python scripts/metafor_reference.py"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(dump(reference))
    n_fits = sum(len(m.get("fits", [])) for c in reference["cases"] for m in c["results"].values())
    print(f"{len(reference['cases'])} cases, {n_fits} fits -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
