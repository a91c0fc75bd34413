"""Archiving a run's renderings in the warehouse and reading them back."""

from __future__ import annotations

import pytest

from config.schema import load_config
from digest.archive import archive_digest, load_archived, publish_digest


def test_archive_round_trip_and_replacement(digest_warehouse):
    con, ids = digest_warehouse
    assert archive_digest(con, ids["quiet"], {"md": "# one", "txt": "one"}) == 2
    archive_digest(con, ids["quiet"], {"md": "# two"})
    assert load_archived(con, ids["quiet"]) == {"md": "# two", "txt": "one"}
    assert load_archived(con, ids["busy"]) == {}


@pytest.mark.parametrize("run, rendered, message", [
    ("2026-W39-snapshot", {"pdf": "x"}, "cannot archive digest format 'pdf'"),
    ("no-such-run", {"md": "x"}, "unknown run 'no-such-run'"),
], ids=["bad-format", "unknown-run"])
def test_archive_refuses_bad_input(digest_warehouse, run, rendered, message):
    con, _ = digest_warehouse
    with pytest.raises(ValueError, match=message):
        archive_digest(con, run, rendered)


def test_publish_composes_renders_and_archives_every_format(digest_warehouse):
    con, ids = digest_warehouse
    rendered = publish_digest(con, ids["busy"], load_config())
    assert set(rendered) == {"md", "html", "txt"}
    assert load_archived(con, ids["busy"]) == rendered
