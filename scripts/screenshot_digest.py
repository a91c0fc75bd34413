"""Screenshots of the HTML digest for docs/screenshots/, from the invented test warehouse.

Needs Debian's ``chromium`` and the ``playwright`` package (dev dependency). Writes small,
grey-level-quantised PNGs of the parts of the page a reader sees first:

    .venv/bin/python scripts/screenshot_digest.py [OUT_DIR]
"""

from __future__ import annotations

import io
import sys
import tempfile
from pathlib import Path

from PIL import Image

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from scripts.make_digest_golden import load_weeks_module  # noqa: E402

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run"]
#: (file, week, CSS width, CSS height of the clip, element to start at)
SHOTS = (
    ("digest-week-desktop.png", "busy", 1100, 1500, "main"),
    ("digest-standings-phone.png", "busy", 375, 1500, "#standings"),
    ("digest-quiet-week-desktop.png", "quiet", 1100, 1000, "main"),
)


def shrink(png: bytes) -> bytes:
    """256 colours and optimised: a tenth of the size, still sharp for text."""
    with Image.open(io.BytesIO(png)) as image:
        small = image.convert("RGB").quantize(colors=256)
        out = io.BytesIO()
        small.save(out, format="PNG", optimize=True)
        return out.getvalue()


def main(out_dir: Path) -> int:
    from playwright.sync_api import sync_playwright

    from config.schema import load_config
    from digest.compose import compose_digest
    from digest.render import render
    from warehouse.db import connect

    weeks = load_weeks_module()
    con = connect(":memory:")
    ids = weeks.build(con)
    config = load_config()
    pages = {week: render(compose_digest(con, ids[week], config), "html") for week in {s[1] for s in SHOTS}}
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        for name, week, width, height, selector in SHOTS:
            page_file = Path(tmp) / f"{week}.html"
            page_file.write_text(pages[week], encoding="utf-8")
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(page_file.as_uri(), wait_until="load")
            box = page.locator(selector).bounding_box()
            png = page.screenshot(full_page=True, clip={"x": 0, "y": box["y"], "width": width, "height": height})
            (out_dir / name).write_bytes(shrink(png))
            print(f"wrote {out_dir / name} ({(out_dir / name).stat().st_size // 1024} kB)")
            page.close()
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "docs" / "screenshots"))
