"""The weekly run and the triage server share one DuckDB file without blocking each other.

DuckDB lets one process write and locks out every other (STACK.md). These tests put the writer in
another process, as in production, and the server in this one, and check that pages and a
decision wait out the writer's short transactions and that, when a write outlasts the server's
patience, the page says the weekly run is writing instead of failing.
"""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from config.schema import default_config
from flows.web.app import Settings, create_app
from warehouse.db import connect

REPO = Path(__file__).resolve().parents[2]
HOLDER = REPO / "tests" / "fixtures" / "hold_warehouse.py"
TOKEN = "correct-horse-battery-staple-42"
HCG_OP = "ongoing_pregnancy|therapy|control|RR|computed"


def start_holder(db: Path, *, bursts: int, hold: float, gap: float = 0.2) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, str(HOLDER), str(db), "--bursts", str(bursts), "--hold", str(hold),
                             "--gap", str(gap)], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    assert line.startswith("holding 1"), (line, proc.stderr.read() if proc.poll() is not None else "")
    return proc


def finish(proc: subprocess.Popen, timeout: float = 60) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, out, err


def correction(csrf: str) -> dict:
    return {"csrf_token": csrf, "action": "correct", "effect_key": HCG_OP, "field": "treat_events", "value": "24",
            "reason": "the abstract says 24 of 80"}


@pytest.fixture()
def server(triage_db, triage_weeks, live_server, web_client):
    def start(**overrides):
        options = dict(db=triage_db[0], config=default_config(), token=TOKEN, pool=triage_weeks.pool_and_flag)
        options.update(overrides)
        client = web_client.Client(live_server(create_app(Settings(**options))))
        client.login(TOKEN)
        return client
    return start


def test_pages_and_a_decision_wait_out_a_cycles_short_writes(server, triage_db):
    client = server()
    csrf = client.get("/paper/99000011").csrf()
    holder = start_holder(triage_db[0], bursts=3, hold=0.6)
    statuses, waited = [], []
    for path in ("/", "/paper/99000011", "/paper/99000021", "/flag/1"):
        began = time.monotonic()
        statuses.append(client.get(path).status)
        waited.append(time.monotonic() - began)
    decision = client.post("/paper/99000011/decide", correction(csrf))
    code, out, err = finish(holder)
    assert code == 0, err
    assert out.split() == ["holding", "2", "holding", "3", "done"]  # "holding 1" was read at the start
    assert statuses == [200, 200, 200, 200] and decision.status == 303
    assert max(waited) > 0.2  # at least one page really waited for the writer
    con = connect(triage_db[0], read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM runs WHERE run_id LIKE '2026-W50-holder.%'").fetchone() == (3,)
        assert con.execute("SELECT count(*) FROM decisions WHERE via = 'web'").fetchone() == (1,)
    finally:
        con.close()


def test_a_long_write_gets_a_polite_busy_page_and_the_decision_can_be_resent(server, triage_db):
    client = server(read_wait=0.5, write_wait=0.5)
    csrf = client.get("/paper/99000011").csrf()
    holder = start_holder(triage_db[0], bursts=1, hold=2.5)
    page = client.get("/paper/99000011")
    sent = client.post("/paper/99000011/decide", correction(csrf))
    code, _, err = finish(holder)
    assert code == 0, err
    assert page.status == 503 and "the weekly run is writing; try again in a moment" in page.text
    assert page.headers["retry-after"] == "5"
    assert sent.status == 503 and "the weekly run is writing" in sent.text
    assert 'name="reason" value="the abstract says 24 of 80"' in sent.text  # nothing typed is lost
    resend = {m[0]: m[1] for m in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">',
                                                          sent.text)}
    assert client.post("/paper/99000011/decide", resend).status == 303


def test_the_server_does_not_block_a_cycle_either(server, triage_db):
    client = server()
    stop = threading.Event()
    served = []

    def browse():
        while not stop.is_set():
            served.append(client.get("/paper/99000021").status)

    reader = threading.Thread(target=browse)
    reader.start()
    try:
        began = time.monotonic()
        code, out, err = finish(subprocess.Popen(
            [sys.executable, str(HOLDER), str(triage_db[0]), "--bursts", "4", "--hold", "0.2", "--gap", "0.05"],
            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
        elapsed = time.monotonic() - began
    finally:
        stop.set()
        reader.join()
    assert code == 0, err
    assert out.split()[-1] == "done"
    assert served and set(served) == {200}
    # the writer got its turns between pages: pages step aside while it waits (writer_waiting);
    # before they did, a browser asking without pause kept four short writes out for ~30 s
    print(f"4 writes took {elapsed:.1f} s while {len(served)} pages were served")
    assert elapsed < 20


@pytest.mark.slow  # about 30 s: loads the classifier and extractor in a second process
def test_a_real_import_cycle_and_the_server_both_succeed(server, triage_db):
    """`rifwatch import` holds the file for its whole classify-extract-pool transaction (seconds);
    pages during it either wait it out or say the run is writing; a decision sent meanwhile waits
    and is recorded after it."""
    client = server(write_wait=120)
    csrf = client.get("/paper/99000011").csrf()
    fixture = REPO / "tests" / "fixtures" / "eutils" / "2024-02-28_pubmed.xml"
    cycle = subprocess.Popen([sys.executable, "-m", "flows.cli", "import", str(fixture), "--db", str(triage_db[0])],
                             cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    replies, decided = [], []
    sender = threading.Thread(target=lambda: decided.append(client.post("/paper/99000011/decide", correction(csrf))))
    while cycle.poll() is None:
        replies.append(client.get("/"))
        if len(replies) == 5:
            sender.start()
        time.sleep(0.05)
    if not sender.is_alive() and not decided:
        sender.start()
    sender.join(timeout=180)
    out, err = cycle.communicate()
    assert cycle.returncode == 0, err
    assert "9 new" in out
    busy = [r for r in replies if r.status == 503]
    assert all(r.status == 200 for r in replies if r not in busy)
    assert all("the weekly run is writing" in r.text for r in busy)
    assert decided and decided[0].status == 303
    print(f"{len(replies)} pages during the import: {len(replies) - len(busy)} served, {len(busy)} busy")
    con = connect(triage_db[0], read_only=True)
    try:
        (run_id, n_new), = con.execute("SELECT run_id, n_new FROM runs WHERE source = 'import'"
                                       " AND status = 'succeeded' AND run_id <> '2026-W39-import'").fetchall()
        assert n_new == 9
        assert con.execute("SELECT count(*) FROM papers WHERE first_seen_run = ?", [run_id]).fetchone() == (9,)
        assert con.execute("SELECT count(*) FROM decisions WHERE via = 'web'").fetchone() == (1,)
    finally:
        con.close()
