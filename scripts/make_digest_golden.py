"""Write the golden digests that tests/digest/test_render.py compares against.

The goldens are the Markdown and plain-text digests of three weeks of the invented warehouse in
``tests/fixtures/digest_weeks.py`` (a busy week, a quiet week, an incomplete week). Never edit
them by hand: change the code, run this script, and read the diff before committing it.

    .venv/bin/python scripts/make_digest_golden.py
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GOLDEN = REPO / "tests" / "digest" / "golden"
WEEKS = ("busy", "quiet", "failed")
FORMATS = ("md", "txt")


def load_weeks_module():
    spec = importlib.util.spec_from_file_location("digest_weeks", REPO / "tests" / "fixtures" / "digest_weeks.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["digest_weeks"] = module
    spec.loader.exec_module(module)
    return module


def golden_renderings() -> dict[str, str]:
    """``{file name: content}`` for every golden, rendered from a fresh invented warehouse."""
    sys.path.insert(0, str(REPO))
    from config.schema import load_config
    from digest.compose import compose_digest
    from digest.render import render
    from warehouse.db import connect

    weeks = load_weeks_module()
    con = connect(":memory:")
    try:
        ids = weeks.build(con)
        config = load_config()
        out = {}
        for week in WEEKS:
            digest = compose_digest(con, ids[week], config)
            for fmt in FORMATS:
                out[f"{week}.{fmt}"] = render(digest, fmt)
        return out
    finally:
        con.close()


def main() -> int:
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for name, content in golden_renderings().items():
        (GOLDEN / name).write_text(content, encoding="utf-8")
        print(f"wrote {(GOLDEN / name).relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
