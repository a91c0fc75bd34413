"""Scheduled faults for the replay server: the ways NCBI's E-utilities fail, on demand.

A :class:`FaultPlan` lists :class:`Fault` objects, each aimed at a request by endpoint and
ordinal ("the 2nd efetch") or by a predicate, and may enforce NCBI's rate limit (HTTP 429 past
3 requests per second, 10 with an API key). Everything is decided from the order in which
requests arrive, so a sequential client meets the same faults on every run.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Callable

#: Kinds of fault the server can play.
FAULT_KINDS = (
    "status",          # an HTTP error status (429 with Retry-After, 500, 502, 503 ...)
    "timeout",         # read the request, answer nothing, hold the connection, then close it
    "truncated",       # HTTP 200 with the body cut in the middle of a record
    "error_body",      # HTTP 200 with an <ERROR> body in place of the result
    "reset",           # read the request, then reset the connection (TCP RST)
    "cut_connection",  # send the headers and half the body, then drop the connection
)

#: NCBI's limits (requests per second without and with an API key) and its counting window.
NCBI_LIMITS = (3, 10)
RATE_WINDOW_SECONDS = 1.0


@dataclass(frozen=True)
class RequestInfo:
    """What a fault predicate sees of a request: endpoint, ordinals (1-based) and params."""

    endpoint: str
    method: str
    params: dict[str, str]
    ordinal: int   # among requests to this endpoint
    index: int     # among all requests


@dataclass(frozen=True)
class Fault:
    """One scheduled failure.

    Aim it with ``endpoint`` plus ``ordinal`` (the n-th request to that endpoint, or the n-th
    request overall when ``endpoint`` is ``None``), or with a ``when`` predicate; ``times``
    limits how often a predicate fault fires (``None``: every match). Build one with the
    class methods, e.g. ``Fault.status(503, endpoint="efetch", ordinal=2)``.
    """

    kind: str
    endpoint: str | None = None
    ordinal: int | None = None
    when: Callable[[RequestInfo], bool] | None = None
    times: int | None = 1
    http_status: int = 200
    retry_after: str | None = None
    hold_seconds: float = 2.0
    message: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; expected one of {FAULT_KINDS}")
        if self.ordinal is None and self.when is None:
            raise ValueError("a fault needs an ordinal or a when= predicate")

    @classmethod
    def status(cls, code: int, *, retry_after: str | None = None, **aim) -> Fault:
        """Answer with HTTP ``code`` (and a ``Retry-After`` header when given)."""
        return cls("status", http_status=code, retry_after=retry_after, **aim)

    @classmethod
    def rate_limited(cls, *, retry_after: str | None = "1", **aim) -> Fault:
        """HTTP 429 with NCBI's JSON body and a ``Retry-After`` (seconds or an HTTP date)."""
        return cls("status", http_status=429, retry_after=retry_after, **aim)

    @classmethod
    def timeout(cls, *, hold_seconds: float = 2.0, **aim) -> Fault:
        """Say nothing for ``hold_seconds`` (longer than the client's timeout), then close."""
        return cls("timeout", hold_seconds=hold_seconds, **aim)

    @classmethod
    def truncated(cls, **aim) -> Fault:
        """HTTP 200 with a well-framed body that stops in the middle of a record."""
        return cls("truncated", **aim)

    @classmethod
    def error_body(cls, message: str | None = None, **aim) -> Fault:
        """HTTP 200 with ``<ERROR>message</ERROR>`` (a back-end failure unless told otherwise)."""
        return cls("error_body", message=message, **aim)

    @classmethod
    def reset(cls, **aim) -> Fault:
        """Reset the connection after reading the request."""
        return cls("reset", **aim)

    @classmethod
    def cut_connection(cls, **aim) -> Fault:
        """Promise a full body, send half of it, and close."""
        return cls("cut_connection", **aim)

    def aims_at(self, request: RequestInfo) -> bool:
        if self.when is not None:
            right_endpoint = self.endpoint is None or self.endpoint == request.endpoint
            return right_endpoint and self.when(request)
        if self.endpoint is None:
            return request.index == self.ordinal
        return request.endpoint == self.endpoint and request.ordinal == self.ordinal


@dataclass
class FaultPlan:
    """Which requests fail and how, plus an optional enforced rate limit.

    Parameters
    ----------
    faults
        Scheduled faults; the first that aims at a request (and has not run out) applies.
    enforce_rate_limit
        Answer HTTP 429 to a request when, counting it, more than the limit arrived within the
        last second (requests carrying ``api_key`` get the higher limit), as NCBI does.
    limits
        Requests per second without and with an API key.
    """

    faults: list[Fault] = field(default_factory=list)
    enforce_rate_limit: bool = False
    limits: tuple[int, int] = NCBI_LIMITS

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._fired: dict[int, int] = {}
        self._arrivals: dict[bool, deque[float]] = {False: deque(), True: deque()}

    def pick(self, request: RequestInfo) -> Fault | None:
        """The fault for this request, if any, counting it as fired."""
        with self._lock:
            for number, fault in enumerate(self.faults):
                fired = self._fired.get(number, 0)
                if fault.times is not None and fired >= fault.times:
                    continue
                if fault.aims_at(request):
                    self._fired[number] = fired + 1
                    return fault
        return None

    def over_rate(self, now: float, has_key: bool) -> tuple[bool, int, int]:
        """Record an arrival at ``now``; return (over the limit?, count in window, limit)."""
        limit = self.limits[1] if has_key else self.limits[0]
        with self._lock:
            arrivals = self._arrivals[has_key]
            arrivals.append(now)
            while arrivals and now - arrivals[0] >= RATE_WINDOW_SECONDS:
                arrivals.popleft()
            count = len(arrivals)
        return self.enforce_rate_limit and count > limit, count, limit
