"""The cycle's last step: compose the run's digest, render every format, archive it."""

from __future__ import annotations

import duckdb

from config.schema import Config


def compose_and_archive(con: duckdb.DuckDBPyConnection, run_id: str, config: Config) -> dict[str, str]:
    """Compose, render (md, html, txt) and store the run's digest; return the renderings."""
    from digest.archive import publish_digest

    return publish_digest(con, run_id, config)
