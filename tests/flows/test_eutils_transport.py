"""Retry timing: Retry-After in both forms, and exponential backoff with bounded jitter."""

from __future__ import annotations

import random
from datetime import datetime, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flows.eutils_transport import RetryPolicy, parse_retry_after

NOW = datetime(2024, 3, 1, 12, 0, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        pytest.param("7", 7.0, id="delta-seconds"),
        pytest.param(" 0 ", 0.0, id="zero"),
        pytest.param("Fri, 01 Mar 2024 12:00:30 GMT", 30.0, id="http-date"),
        pytest.param("Fri, 01 Mar 2024 11:59:00 GMT", 0.0, id="http-date-in-the-past"),
        pytest.param("soon", None, id="garbage"),
        pytest.param(None, None, id="absent"),
    ],
)
def test_retry_after(header, seconds):
    assert parse_retry_after(header, NOW) == seconds


def test_backoff_doubles_up_to_its_ceiling_without_jitter():
    policy = RetryPolicy(backoff_base=1.0, backoff_max=5.0, jitter=0.0)
    rng = random.Random(0)
    assert [policy.delay(n, None, rng) for n in range(1, 6)] == [1.0, 2.0, 4.0, 5.0, 5.0]


def test_retry_after_is_a_floor_and_capped():
    policy = RetryPolicy(backoff_base=1.0, jitter=0.0, max_retry_after=60.0)
    rng = random.Random(0)
    assert policy.delay(1, 12.0, rng) == 12.0
    assert policy.delay(4, 2.0, rng) == 8.0  # backoff already longer
    assert policy.delay(1, 3600.0, rng) == 60.0  # a server asking for an hour gets a minute


@given(st.integers(1, 12), st.floats(0, 1), st.integers(0, 2**32))
def test_jitter_stays_within_its_fraction(attempt, jitter, seed):
    policy = RetryPolicy(backoff_base=0.5, backoff_max=30.0, jitter=jitter)
    plain = min(30.0, 0.5 * 2 ** (attempt - 1))
    wait = policy.delay(attempt, None, random.Random(seed))
    assert plain <= wait <= plain * (1 + jitter) + 1e-9
