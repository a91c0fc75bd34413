"""A writer waiting for the warehouse says so, and polite readers let it in first."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import pytest

from flows.triage_access import WarehouseBusy, reading
from warehouse.db import WRITER_MARKER_STALE, connect, writer_waiting, writer_waiting_marker

HOLD = "import duckdb, sys, time; con = duckdb.connect(sys.argv[1]); print('held', flush=True); time.sleep(float(sys.argv[2]))"


@pytest.fixture()
def db(tmp_path):
    path = tmp_path / "w.duckdb"
    connect(path).close()
    return path


def test_a_waiting_writer_leaves_a_marker_and_removes_it(db):
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(db), "1.5"], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    seen = []

    def watch():
        for _ in range(40):
            seen.append(writer_waiting(db))
            time.sleep(0.05)

    watcher = threading.Thread(target=watch)
    watcher.start()
    con = connect(db, wait_seconds=30)
    con.close()
    watcher.join()
    holder.wait(timeout=30)
    assert any(seen)
    assert not writer_waiting_marker(db).exists()


def test_a_stale_marker_is_ignored(db):
    marker = writer_waiting_marker(db)
    marker.touch()
    assert writer_waiting(db)
    old = time.time() - WRITER_MARKER_STALE - 1
    os.utime(marker, (old, old))
    assert not writer_waiting(db)
    with reading(db, wait_seconds=0.5, migrate=False) as con:
        assert con.execute("SELECT 1").fetchone() == (1,)


def test_readers_step_aside_for_a_fresh_marker(db):
    writer_waiting_marker(db).touch()
    began = time.monotonic()
    with pytest.raises(WarehouseBusy, match="the weekly run is writing"):
        with reading(db, wait_seconds=0.3, migrate=False):
            pass
    assert 0.3 <= time.monotonic() - began < 2
