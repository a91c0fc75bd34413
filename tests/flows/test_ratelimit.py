"""The client-wide rate limiter, on a simulated clock (the real-clock check runs against the
replay server in test_eutils_client.py)."""

from __future__ import annotations

import threading
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flows.ratelimit import RateLimiter, ncbi_rate


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_ncbi_rates():
    assert ncbi_rate(None) == 3.0 and ncbi_rate("") == 3.0 and ncbi_rate("key") == 10.0


def test_first_request_goes_at_once_then_one_per_interval():
    clock = FakeClock()
    limiter = RateLimiter(3.0, margin=0.0, clock=clock, sleep=clock.sleep)
    sent = []
    for _ in range(4):
        limiter.acquire()
        sent.append(clock.now)
    assert sent == pytest.approx([0.0, 1 / 3, 2 / 3, 1.0])


def test_idle_time_is_not_banked_as_a_burst():
    clock = FakeClock()
    limiter = RateLimiter(10.0, margin=0.0, clock=clock, sleep=clock.sleep)
    limiter.acquire()
    clock.now += 5.0  # a long pause
    assert limiter.acquire() == 0.0
    assert limiter.acquire() == pytest.approx(0.1)


@given(st.lists(st.floats(0, 2), min_size=1, max_size=30), st.sampled_from([3.0, 10.0]))
def test_no_two_requests_closer_than_the_interval(pauses, rate):
    clock = FakeClock()
    limiter = RateLimiter(rate, clock=clock, sleep=clock.sleep)
    sent = []
    for pause in pauses:
        clock.now += pause
        limiter.acquire()
        sent.append(clock.now)
    gaps = [b - a for a, b in zip(sent, sent[1:])]
    assert all(g >= limiter.interval - 1e-9 for g in gaps)


def test_threads_share_one_limiter():
    limiter = RateLimiter(50.0, margin=0.0)
    sent = []
    lock = threading.Lock()

    def worker():
        for _ in range(3):
            limiter.acquire()
            with lock:
                sent.append(time.monotonic())

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    sent.sort()
    assert min(b - a for a, b in zip(sent, sent[1:])) >= 0.02 - 0.002


def test_rate_must_be_positive():
    with pytest.raises(ValueError, match="positive"):
        RateLimiter(0)
