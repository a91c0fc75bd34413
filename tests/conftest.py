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
