"""The HTML digest as a reader sees it: headless Chromium at a phone and a desktop width.

Fails when an image is missing or broken, when the page scrolls sideways, or when the page asks
the network for anything. Needs Debian's ``chromium`` (``apt-get install chromium``) and the
``playwright`` Python package (no ``playwright install``: the system browser is used).
Run with ``pytest -m browser``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from config.schema import load_config
from digest.compose import compose_digest
from digest.render import render

pytestmark = pytest.mark.browser

CHROMIUM = Path(os.environ.get("RIFWATCH_CHROMIUM", "/usr/bin/chromium"))
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run"]
#: A small phone (iPhone SE class) and a common laptop width, in CSS pixels.
WIDTHS = {"phone": 375, "desktop": 1280}

_CHECK = """() => {
  const root = document.documentElement;
  const images = Array.from(document.images).map(img => ({
      alt: img.alt, ok: img.complete && img.naturalWidth > 0, width: img.getBoundingClientRect().width}));
  const wide = Array.from(document.querySelectorAll('body *'))
      .filter(el => el.getBoundingClientRect().right > root.clientWidth + 1)
      .map(el => el.tagName + (el.className ? '.' + el.className : '')).slice(0, 5);
  return {scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, images, wide};
}"""


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: install Debian's chromium package (apt-get install chromium) "
                    "to run the browser check")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield chromium
        chromium.close()


def look_at(browser, page_file: Path, width: int, screenshot: Path) -> dict:
    """Open the file at ``width``, screenshot it, and return what the page measured."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    try:
        page.goto(page_file.as_uri(), wait_until="load")
        report = page.evaluate(_CHECK)
        page.screenshot(path=str(screenshot), full_page=True)
    finally:
        page.close()
    report["network"] = [u for u in requests if not u.startswith(("file:", "data:"))]
    return report


def problems(report: dict) -> list[str]:
    found = [f"broken or missing image: {i['alt'][:60]!r}" for i in report["images"] if not i["ok"]]
    if report["scrollWidth"] > report["clientWidth"]:
        found.append(f"horizontal overflow: {report['scrollWidth']} > {report['clientWidth']} px ({report['wide']})")
    found += [f"network request: {u}" for u in report["network"]]
    return found


@pytest.mark.parametrize("week", ["busy", "quiet"])
@pytest.mark.parametrize("device", list(WIDTHS))
def test_digest_reads_cleanly_in_chromium(browser, digest_warehouse, tmp_path, week, device):
    con, ids = digest_warehouse
    digest = compose_digest(con, ids[week], load_config())
    page_file = tmp_path / f"{week}.html"
    page_file.write_text(render(digest, "html"), encoding="utf-8")
    shot = tmp_path / f"{week}-{device}.png"
    report = look_at(browser, page_file, WIDTHS[device], shot)
    assert problems(report) == []
    assert len(report["images"]) == 2 * len(digest.figures)
    assert all(0 < i["width"] <= WIDTHS[device] for i in report["images"])
    assert shot.stat().st_size > 10_000  # a real screenshot, not an empty page


@pytest.mark.parametrize("body, expected", [
    ('<img alt="forest" src="data:image/png;base64,AAAA">', "broken or missing image"),
    ('<img alt="forest" src="missing.png">', "broken or missing image"),
    ('<table><tr><td style="white-space:nowrap">' + "RR 1.99 (1.17–3.36) " * 40 + "</td></tr></table>",
     "horizontal overflow"),
], ids=["corrupt-png", "missing-file", "wide-table"])
def test_the_check_catches_what_it_looks_for(browser, tmp_path, body, expected):
    page_file = tmp_path / "bad.html"
    page_file.write_text(f'<!DOCTYPE html><meta name="viewport" content="width=device-width">{body}', encoding="utf-8")
    report = look_at(browser, page_file, WIDTHS["phone"], tmp_path / "bad.png")
    assert any(p.startswith(expected) for p in problems(report))
