"""``./dev bench``: records per second and peak memory through parse, classify, extract and load.

Each size runs in a fresh process (so peak memory belongs to that size alone), on one core
(BLAS threads pinned to 1), streaming the input in chunks: parse a chunk, classify it, extract its
effects, load it into a fresh warehouse in one transaction, drop it. Memory should not grow with
the input; the figures printed say whether it does.

    ./dev bench                      # 10,000 and 100,000 records
    ./dev bench --sizes 2000 --chunk 500
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

REPO = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--chunk", type=int, default=1_000)
    parser.add_argument("--data", default=os.environ.get("RIFWATCH_SHARED_DATA") or str(REPO.parent / "shared" / "data"))
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # child process: one size
    args = parser.parse_args(argv)
    if args.one:
        from bench.pipeline import run_size

        print(json.dumps(run_size(Path(args.data), args.one, args.chunk)))
        return 0
    results = []
    for size in args.sizes:
        out = subprocess.run(
            [sys.executable, "-m", "bench", "--one", str(size), "--chunk", str(args.chunk), "--data", args.data],
            check=True, capture_output=True, text=True, cwd=REPO,
        )
        result = json.loads(out.stdout.strip().splitlines()[-1])
        results.append(result)
        print_result(result)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    return 0


def print_result(r: dict) -> None:
    stages = "  ".join(f"{name} {r['per_second'][name]:>8,.0f}/s" for name in ("parse", "classify", "extract", "load"))
    print(f"{r['records']:>8,} records  total {r['per_second']['total']:>7,.0f} records/s  "
          f"peak RSS {r['peak_rss_mib']:.0f} MiB  ({stages})")


if __name__ == "__main__":
    sys.exit(main())
