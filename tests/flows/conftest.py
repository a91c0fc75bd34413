"""Fixtures for the E-utilities client and replay server tests: the invented PubMed records, a
replay server factory, and a client whose time is simulated so retries and rate limits cost
no real seconds (the rate-limit tests use the real clock on purpose)."""

from __future__ import annotations

import random
from datetime import datetime, timezone
from pathlib import Path

import pytest

from flows.eutils import EutilsClient
from flows.replay_server import ReplayServer

EUTILS_FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "eutils"


class SimulatedTime:
    """A monotonic clock that only moves when the client sleeps; records every sleep."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture()
def eutils_fixtures() -> Path:
    return EUTILS_FIXTURES


@pytest.fixture()
def replay_server():
    """``replay_server(**kwargs)`` starts a server over the fixtures; all are stopped after."""
    started: list[ReplayServer] = []

    def start(source=EUTILS_FIXTURES, **kwargs) -> ReplayServer:
        server = ReplayServer(source, **kwargs).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture()
def simulated_time() -> SimulatedTime:
    return SimulatedTime()


@pytest.fixture()
def fast_client(simulated_time):
    """``fast_client(base_url, **kwargs)``: short time-out, simulated backoff and rate limit."""
    clients: list[EutilsClient] = []

    def make(base_url: str, **kwargs) -> EutilsClient:
        options = dict(
            email="tests@example.org",
            timeout=0.3,
            max_retries=3,
            clock=simulated_time.clock,
            sleep=simulated_time.sleep,
            now=lambda: datetime(2024, 3, 1, 12, 0, 0, tzinfo=timezone.utc),
            rng=random.Random(7),
        )
        options.update(kwargs)
        client = EutilsClient(base_url=base_url, **options)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()
