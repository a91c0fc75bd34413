"""Writing a run's archived digest to files named by ISO week."""

from __future__ import annotations

from pathlib import Path

from warehouse.db import connect


def write_digest_files(db: Path, run_id: str, folder: Path) -> tuple[list[Path], str]:
    """Write the run's Markdown and HTML digest as ``<ISO-week>.md``/``.html``; return paths and a summary."""
    con = connect(db, read_only=True)
    try:
        rows = dict(con.execute("SELECT format, content FROM store.digests WHERE run_id = ?", [run_id]).fetchall())
        n_new, n_rct, window_end, started = con.execute(
            "SELECT n_new, n_rct_new, window_end, started_at FROM store.runs WHERE run_id = ?", [run_id]).fetchone()
        n_flags = con.execute("SELECT count(*) FROM store.flags WHERE run_id = ?", [run_id]).fetchone()[0]
    finally:
        con.close()
    year, week, _ = (window_end or started.date()).isocalendar()  # the week the run covers
    stem = f"{year}-W{week:02d}"
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in ("md", "html"):
        if fmt in rows:
            path = folder / f"{stem}.{fmt}"
            path.write_text(rows[fmt], encoding="utf-8")
            written.append(path)
    return written, f"{n_new:>3} new, {n_rct:>2} new RCTs, {n_flags} flags"
