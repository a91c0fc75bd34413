"""Generate ``data/demo_snapshot/`` (weekly PubMed XML files and ``manifest.json``) from its source.

The source is ``scripts/demo_snapshot/source/*.toml``; the output is deterministic, so the
committed files can be checked by regenerating them (``--check``, and
``tests/scripts/test_demo_snapshot.py``). Never edit the generated files by hand.

    python scripts/build_demo_snapshot.py             # rewrite data/demo_snapshot/
    python scripts/build_demo_snapshot.py --out DIR   # write elsewhere
    python scripts/build_demo_snapshot.py --check     # exit 1 if the committed files are stale
    python scripts/build_demo_snapshot.py --strata    # print the expected strata as Markdown
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as a file: make the repository's packages importable
    sys.path.insert(0, str(REPO))

from config.loader import ConfigError  # noqa: E402
from scripts.demo_snapshot.manifest import compose_manifest  # noqa: E402
from scripts.demo_snapshot.pubmed_xml import render_deletions, render_week  # noqa: E402
from scripts.demo_snapshot.records import load_weeks  # noqa: E402

DEFAULT_OUT = REPO / "data" / "demo_snapshot"


def render_snapshot() -> dict[str, str]:
    """File name -> content of every generated file."""
    weeks = load_weeks()
    records = {r.pmid: r for w in weeks for r in w.records}
    files = {}
    by_file: dict[str, list] = {}
    for week in weeks:
        text = render_week(week, records)
        if text is not None:
            files[week.file_name] = text
        for deletion in week.deletions:
            by_file.setdefault(deletion.file_name, []).append(deletion)
    for name, deletions in by_file.items():
        files[name] = render_deletions(deletions)
    manifest = compose_manifest(weeks)
    files["manifest.json"] = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    return files


def write_snapshot(out: Path) -> list[Path]:
    """Write every file into ``out`` (created if needed), removing stale ``.xml`` files."""
    files = render_snapshot()
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob("*.xml"):
        if stale.name not in files:
            stale.unlink()
    written = []
    for name, text in sorted(files.items()):
        path = out / name
        path.write_bytes(text.encode("utf-8"))
        written.append(path)
    return written


def stale_files(committed: Path) -> list[str]:
    """Names that differ between ``committed`` and a fresh build (missing, extra or changed)."""
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp)
        write_snapshot(fresh)
        names = {p.name for p in fresh.iterdir()} | {p.name for p in committed.glob("*") if p.is_file()}
        return sorted(n for n in names
                      if not (committed / n).is_file() or not (fresh / n).is_file()
                      or (committed / n).read_bytes() != (fresh / n).read_bytes())


def strata_markdown() -> str:
    """The expected strata and flags as Markdown tables, for docs/demo_snapshot.md."""
    manifest = compose_manifest(load_weeks())
    lines = ["| week | therapy | outcome | stratum | measure | k | PMIDs | estimate (95% CI) | p | significant |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for s in manifest["expected_strata"]:
        lines.append(f"| {s['iso_week']} | {s['therapy']} | {s['outcome']} | {s['rif_stratum']} | "
                     f"{s['measure']} | {s['k']} | {', '.join(s['pmids'])} | "
                     f"{s['estimate']:.2f} ({s['ci_low']:.2f}–{s['ci_high']:.2f}) | "
                     f"{s['p_value']:.4f} | {'yes' if s['significant'] else 'no'} |")
    lines += ["", "| week | therapy | outcome | stratum | measure | kind | PMIDs |", "|---|---|---|---|---|---|---|"]
    for f in manifest["expected_flags"]:
        lines.append(f"| {f['iso_week']} | {f['therapy']} | {f['outcome']} | {f['rif_stratum']} | "
                     f"{f['measure']} | {f['kind']} | {', '.join(f['pmids'])} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    parser.add_argument("--check", action="store_true", help="compare with --out instead of writing")
    parser.add_argument("--strata", action="store_true", help="print the expected strata as Markdown")
    args = parser.parse_args(argv)
    try:
        if args.strata:
            print(strata_markdown())
            return 0
        if args.check:
            stale = stale_files(args.out)
            for name in stale:
                print(f"stale: {name}", file=sys.stderr)
            return 1 if stale else 0
        for path in write_snapshot(args.out):
            print(path.relative_to(args.out.parent) if args.out == DEFAULT_OUT else path)
        return 0
    except (ConfigError, ValueError) as exc:
        print(f"build_demo_snapshot: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
