"""A maintainer at the triage page in headless Chromium: log in, correct a number, see what moved;
then clear the whole queue and read the next digest.

Runs on two warehouses: the demo snapshot replayed by ``rifwatch demo --no-prefect`` (the real
pipeline, built once per session) and the made-up triage weeks (tests/fixtures/triage_weeks.py)
with their stand-in pooling. Needs Debian's ``chromium`` and the ``playwright`` package (no ``playwright
install``). Run with ``pytest -m browser``; set ``RIFWATCH_SCREENSHOT_DIR`` to keep the screenshots.
"""

from __future__ import annotations

import os
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest

from config.schema import default_config
from digest.compose import compose_digest
from digest.render import render
from flows.web.app import Settings, create_app
from warehouse import triage as wt
from warehouse.db import connect
from warehouse.runs import finish_run, latest_run_id, new_run_id, start_run

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("RIFWATCH_CHROMIUM", "/usr/bin/chromium"))
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run"]
TOKEN = "correct-horse-battery-staple-42"


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: install Debian's chromium package (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture(params=["fixture", "demo"])
def site(request, live_server, tmp_path):
    """``(base URL, warehouse path, pool step, which)`` over a fresh copy of a warehouse: the made-up
    triage weeks with their stand-in pooling, or the demo snapshot with the real pipeline."""
    which = request.param
    if which == "demo":
        db, pool = tmp_path / "demo.duckdb", None
        shutil.copy(request.getfixturevalue("demo_output") / "warehouse.duckdb", db)
    else:
        db, pool = request.getfixturevalue("triage_db")[0], request.getfixturevalue("triage_weeks").pool_and_flag
    base = live_server(create_app(Settings(db=db, config=default_config(), token=TOKEN, pool=pool)))
    return base, db, pool, which


@pytest.fixture()
def page(browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    yield page
    page.close()
    assert all(u.startswith("http://127.0.0.1:") for u in requests), "the page asked the network for something"


def screenshot(page, name: str) -> None:
    folder = os.environ.get("RIFWATCH_SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / name), full_page=True)


def neutral_value(effect: dict) -> tuple[str, str, str] | None:
    """``(field, old, new)``: a correction that leaves this one study clearly non-significant.

    Counts: the treated arm's events at the control arm's risk. A reported ratio: a lower bound
    far enough below the estimate that |log estimate| is under 1.5 standard errors.
    """
    counts = [effect[k] for k in ("treat_events", "treat_total", "ctrl_events", "ctrl_total")]
    if None not in counts and effect["machine_source"] == "computed":
        neutral = round(counts[2] / counts[3] * counts[1])
        return ("treat_events", str(counts[0]), str(neutral)) if neutral != counts[0] else None
    est, low, high = effect["estimate"], effect["ci_low"], effect["ci_high"]
    if effect["measure"] in ("RR", "OR") and None not in (est, low, high) and est > 1:
        wide = round(high / est ** (3.92 / 1.5) * 0.9, 2)
        return "ci_low", f"{low:.2f}", f"{wide:.2f}"
    return None


def pick_correction(db: Path) -> dict:
    """A number behind an open significance flag whose correction should undo the flag.

    Strata with the fewest studies first: there, one study's number decides the state.
    """
    con = connect(db, read_only=True)
    try:
        flags = con.execute(
            "SELECT f.flag_id, f.therapy, f.outcome, f.rif_stratum, f.pmids FROM flags f"
            " JOIN pooled_latest p USING (therapy, outcome, rif_stratum)"
            " WHERE f.status = 'open' AND f.kind = 'crossed_significance' AND p.is_lead AND p.significant"
            " ORDER BY p.k, f.flag_id").fetchall()
        for flag_id, therapy, outcome, stratum, pmids in flags:
            for pmid in pmids:
                for i, effect in enumerate(wt.effects_of(con, pmid)):
                    change = neutral_value(effect) if effect["outcome"] == outcome and effect["pooled"] else None
                    if change:
                        return {"flag_id": flag_id, "stratum": f"{therapy} · {outcome} · {stratum}", "pmid": pmid,
                                "label": f"e{i + 1}", "field": change[0], "was": change[1], "value": change[2]}
    finally:
        con.close()
    raise AssertionError("no open significance flag with a number to correct in this warehouse")


def log_in(page, base: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=curator]", "Ann Maintainer")
    page.fill("input[name=token]", TOKEN)
    page.click("form[action='/login'] button[type=submit]")
    assert "signed in as Ann Maintainer" in page.inner_text("header.top")


def test_correct_a_number_and_see_the_estimate_and_flag_change(page, site):
    base, db, _, which = site
    target = pick_correction(db)
    page.goto(base + "/")
    assert page.inner_text("h1") == "Triage queue"
    flagged = page.locator("section.group", has_text="Behind open flags")
    assert flagged.locator(f"a[href='/paper/{target['pmid']}']").count() == 1
    screenshot(page, f"triage-queue-{which}.png")
    log_in(page, base)
    page.goto(f"{base}/paper/{target['pmid']}")
    label = target["label"]
    assert page.locator(f"#mark-{label}").count() == 1  # the number is highlighted at its words
    assert page.locator("mark.k-effect").count() >= 1
    screenshot(page, f"triage-paper-{which}.png")
    page.click(f"#effect-{label} summary:has-text('Correct a value')")
    form = page.locator(f"#correct-{label}")
    form.locator("select[name=field]").select_option(target["field"])
    form.locator("input[name=value]").fill(target["value"])
    form.locator("input[name=reason]").fill("re-read the results: the value is as corrected")
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"{base}/decision/*")
    assert "recorded" in page.inner_text("h1")
    assert f"{target['field']} {target['was']} → {target['value']}" in page.inner_text("p.meta")
    change = page.locator("#pooled tr.change", has_text=target["stratum"])
    assert change.count() == 1
    before, after = change.locator("td").nth(1).inner_text(), change.locator("td").nth(2).inner_text()
    assert before != after and "significant" in before and "significant" not in after
    moved = page.locator(f"#flags li.flag-move[data-flag='{target['flag_id']}']")
    assert "open → dismissed" in moved.inner_text()
    screenshot(page, f"triage-decision-{which}.png")


def clear_queue(page, base: str, limit: int = 120) -> int:
    """Work the queue from the top as a maintainer would: confirm each paper, confirm each flag."""
    for n in range(limit):
        page.goto(base + "/")
        entry = page.locator("ol.queue li.entry a.pmid").first
        if entry.count() == 0:
            assert "The queue is clear" in page.inner_text("main")
            return n
        href = entry.get_attribute("href")
        entry.click()
        if href.startswith("/paper/"):
            form = page.locator("#confirm-paper")
            form.locator("input[name=reason]").fill("checked every value against the abstract")
            form.locator("button[type=submit]").click()
        else:
            form = page.locator("#flag-verdict")
            form.locator("select[name=verdict]").select_option("confirmed")
            form.locator("input[name=reason]").fill("the change holds with the checked numbers")
            form.locator("button[type=submit]").click()
        page.wait_for_url(f"{base}/decision/*")
    raise AssertionError(f"the queue was not clear after {limit} decisions")


def next_weekly_run(db: Path, pool, which: str) -> str:
    """The cycle after the last one: the demo's snapshot replayed a week after its last week (nothing
    new arrives; everything is pooled again); the fixture pools again with its stand-in."""
    if which == "demo":
        import json

        from flows.commands.common import snapshot_dir
        from flows.runner import run_one_cycle

        folder = snapshot_dir()
        last = json.loads((folder / "manifest.json").read_text())["weeks"][-1]["as_of"]
        return run_one_cycle(db=db, source="snapshot", as_of=date.fromisoformat(last) + timedelta(days=7),
                             snapshot=folder, prefect=False)
    con = connect(db)
    try:
        run_id = new_run_id(con, "snapshot", date(2026, 10, 5))
        start_run(con, run_id, "snapshot")
        pool(con, run_id, default_config())
        finish_run(con, run_id, "succeeded")
        return run_id
    finally:
        con.close()


def test_a_maintainer_clears_the_queue_and_the_next_digest_shows_it(page, site):
    base, db, pool, which = site
    log_in(page, base)
    n = clear_queue(page, base)
    assert n > 0
    print(f"cleared the {which} queue in {n} decisions")
    screenshot(page, f"triage-queue-clear-{which}.png")
    run_id = next_weekly_run(db, pool, which)
    con = connect(db, read_only=True)
    try:
        assert latest_run_id(con) == run_id
        assert con.execute("SELECT count(*) FROM flags WHERE status = 'open' AND run_id <> ?", [run_id]).fetchone() == (0,)
        text = render(compose_digest(con, run_id, default_config()), "md")
    finally:
        con.close()
    assert "not yet confirmed" not in text
    assert "await a maintainer" not in text and "awaits a maintainer" not in text
