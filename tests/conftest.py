"""Shared fixtures: the project's own fixture folder and the optional ``../shared/data`` corpora."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"


def shared_data_dir() -> Path:
    """``RIFWATCH_SHARED_DATA`` or ``../shared/data`` beside the repository."""
    return Path(os.environ.get("RIFWATCH_SHARED_DATA") or REPO.parent / "shared" / "data")


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real public corpora; tests that need them skip, with the reason, when absent."""
    folder = shared_data_dir()
    if not folder.is_dir():
        pytest.skip(f"real corpora not found at {folder} (set RIFWATCH_SHARED_DATA)")
    return folder


def load_fixture_module(name: str):
    """Import ``tests/fixtures/<name>.py`` (tests are not a package under ``--import-mode=importlib``)."""
    import importlib.util
    import sys

    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, FIXTURES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def digest_weeks():
    """The made-up four-week warehouse builder of ``tests/fixtures/digest_weeks.py``."""
    return load_fixture_module("digest_weeks")


def build_warehouse_file(builder, folder: Path):
    """A migrated warehouse at ``folder/weeks.duckdb`` filled by ``builder(con)``: ``(path, run ids)``."""
    from warehouse.db import connect

    path = folder / "weeks.duckdb"
    con = connect(path)
    try:
        return path, builder(con)
    finally:
        con.close()


@pytest.fixture(scope="session")
def _digest_warehouse_file(digest_weeks, tmp_path_factory):
    return build_warehouse_file(digest_weeks.build, tmp_path_factory.mktemp("digest"))


@pytest.fixture()
def digest_warehouse(_digest_warehouse_file, tmp_path):
    """A throw-away copy of a warehouse holding the four made-up weekly runs: ``(con, run ids)``.

    Built once per session (about a second) and copied for each test, which may change it freely.
    """
    import shutil

    from warehouse.db import connect

    template, ids = _digest_warehouse_file
    path = tmp_path / "warehouse.duckdb"
    shutil.copy(template, path)
    con = connect(path)
    yield con, ids
    con.close()


@pytest.fixture(scope="session")
def triage_weeks(digest_weeks):
    """``tests/fixtures/triage_weeks.py``: the digest's weeks plus triage's hard cases."""
    return load_fixture_module("triage_weeks")


@pytest.fixture(scope="session")
def _triage_warehouse_file(triage_weeks, tmp_path_factory):
    return build_warehouse_file(triage_weeks.build, tmp_path_factory.mktemp("triage"))


@pytest.fixture()
def triage_db(_triage_warehouse_file, tmp_path):
    """A throw-away copy of the triage fixture warehouse: ``(path, run ids)`` (no connection held)."""
    import shutil

    template, ids = _triage_warehouse_file
    path = tmp_path / "triage.duckdb"
    shutil.copy(template, path)
    return path, ids


@pytest.fixture()
def live_server():
    """``live_server(app)`` serves an ASGI app with uvicorn on a free loopback port in a thread;
    returns its base URL. Every server is stopped after the test."""
    import socket
    import threading
    import time

    import uvicorn

    started = []

    def start(app) -> str:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 20
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        started.append((server, thread))
        return f"http://127.0.0.1:{port}"

    yield start
    for server, thread in started:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def web_client():
    """``tests/fixtures/web_client.py``: a cookie-keeping HTTP client that does not follow redirects."""
    return load_fixture_module("web_client")


@pytest.fixture(scope="session")
def demo_output(tmp_path_factory) -> Path:
    """The whole bundled demo replayed once per test session (no Prefect; about 30 s)."""
    from flows.cli import main

    out = tmp_path_factory.mktemp("demo")
    assert main(["demo", "--no-prefect", "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="session")
def demo_manifest() -> dict:
    import json

    return json.loads((REPO / "data" / "demo_snapshot" / "manifest.json").read_text(encoding="utf-8"))
