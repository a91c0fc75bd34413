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


@pytest.fixture(scope="session")
def _digest_warehouse_file(digest_weeks, tmp_path_factory):
    from warehouse.db import connect

    path = tmp_path_factory.mktemp("digest") / "weeks.duckdb"
    con = connect(path)
    ids = digest_weeks.build(con)
    con.close()
    return path, ids


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
