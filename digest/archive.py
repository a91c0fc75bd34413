"""Keep each rendered digest with its run (``store.digests``), and read it back.

What was archived is what gets mailed: ``flows.mail`` sends the archived text and HTML of a run,
so the message a committee received can always be shown again exactly.
"""

from __future__ import annotations

from typing import Mapping

from digest.render import FORMATS
from warehouse.ledger import utcnow


def archive_digest(con, run_id: str, rendered: Mapping[str, str]) -> int:
    """Store ``{format: content}`` for ``run_id``, replacing an earlier rendering; return the count.

    Raises
    ------
    ValueError
        For a format other than ``md``, ``html`` or ``txt``, or a run the warehouse does not know.
    """
    unknown = sorted(set(rendered) - set(FORMATS))
    if unknown:
        raise ValueError(f"cannot archive digest format {unknown[0]!r} (choose from: {', '.join(FORMATS)})")
    if not con.execute("SELECT 1 FROM store.runs WHERE run_id = ?", [run_id]).fetchone():
        raise ValueError(f"cannot archive a digest for unknown run {run_id!r}")
    now = utcnow()
    for fmt, content in rendered.items():
        con.execute("INSERT OR REPLACE INTO store.digests (run_id, format, content, created_at) VALUES (?, ?, ?, ?)",
                    [run_id, fmt, content, now])
    return len(rendered)


def load_archived(con, run_id: str) -> dict[str, str]:
    """The archived renderings of ``run_id`` by format (empty when none was archived)."""
    return dict(con.execute("SELECT format, content FROM store.digests WHERE run_id = ?", [run_id]).fetchall())


def publish_digest(con, run_id: str, config) -> dict[str, str]:
    """Compose the run's digest, render every format, archive them, and return them."""
    from digest.compose import compose_digest
    from digest.render import render_all

    rendered = render_all(compose_digest(con, run_id, config))
    archive_digest(con, run_id, rendered)
    return rendered
