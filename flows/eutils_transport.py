"""Send one E-utilities request: rate-limited, retried with backoff, its reply checked and archived.

The rules for asking again follow NCBI's behaviour: HTTP 429 (over the rate limit) and 5xx,
dropped or reset connections, time-outs, cut-off bodies and "Search Backend failed" errors
are transient; any other 4xx, or an error about the query itself, is not.
"""

from __future__ import annotations

import email.utils
import logging
import random
import re
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable, TypeVar

import requests

from flows.errors import UserError
from flows.eutils_parse import BodyProblem
from flows.eutils_query import EutilsRequest
from flows.ratelimit import RateLimiter

log = logging.getLogger(__name__)

T = TypeVar("T")

#: HTTP statuses worth asking again: NCBI's rate limit (429) and server-side failures.
RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})

_ERRNO = re.compile(r"\[Errno -?\d+\] ([^'\")\]]+)")
_XML_ERROR = re.compile(rb"<ERROR>(.*?)</ERROR>", re.DOTALL)


class EutilsError(UserError):
    """E-utilities could not answer: the message is one line naming the endpoint and why."""


@dataclass(frozen=True)
class ArchivedResponse:
    """A delivered reply, as the raw-response ledger stores it.

    ``params`` are the request's parameters without the API key; ``body`` is exactly the bytes
    received (after HTTP content decoding), so any later step can be replayed from it.
    """

    endpoint: str
    params: dict[str, str]
    status: int
    received_at: datetime
    body: bytes


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to ask again.

    The wait before try ``n + 1`` is ``min(backoff_max, backoff_base * 2 ** (n - 1))`` stretched
    by up to ``jitter`` (a fraction) at random, and never shorter than the server's
    ``Retry-After`` (itself capped at ``max_retry_after``).
    """

    max_tries: int = 5
    backoff_base: float = 1.0
    backoff_max: float = 60.0
    jitter: float = 0.5
    max_retry_after: float = 300.0

    def delay(self, attempt: int, retry_after: float | None, rng: random.Random) -> float:
        """Seconds to wait after failed try number ``attempt`` (1-based)."""
        wait = min(self.backoff_max, self.backoff_base * 2 ** (attempt - 1))
        wait *= 1.0 + self.jitter * rng.random()
        if retry_after is not None:
            wait = max(wait, min(retry_after, self.max_retry_after))
        return wait


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds a ``Retry-After`` header asks for: delta-seconds or an HTTP date (RFC 9110).

    Examples
    --------
    >>> now = datetime(2024, 1, 1, 12, 0, 0, tzinfo=timezone.utc)
    >>> parse_retry_after("2", now), parse_retry_after("Mon, 01 Jan 2024 12:00:05 GMT", now)
    (2.0, 5.0)
    """
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - now).total_seconds())


def describe_exception(exc: requests.RequestException, timeout: float) -> str:
    """A short reason for a failed exchange, without requests' nested reprs."""
    if isinstance(exc, requests.Timeout):
        return f"no answer within {timeout:g} s"
    text = str(exc)
    if "RemoteDisconnected" in text:
        return "server closed the connection without answering"
    if "IncompleteRead" in text or isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return "connection closed before the body was complete"
    errno = _ERRNO.search(text)
    if errno:
        return errno.group(1).strip().lower()
    return type(exc).__name__


def _one_line(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _http_reason(response: requests.Response) -> str:
    found = _XML_ERROR.search(response.content[:4000])
    detail = found.group(1).decode("utf-8", "replace") if found else response.text[:200]
    return _one_line(f"HTTP {response.status_code} {response.reason or ''}: {detail}".strip())


class Transport:
    """Sends :class:`EutilsRequest` objects for one client, sharing its rate limiter.

    Parameters
    ----------
    base_url
        E-utilities root ending in ``/``.
    tool, email, api_key
        The caller's identity, added to every request.
    session
        A ``requests.Session`` (one is made when omitted).
    limiter
        The client-wide :class:`RateLimiter`; retries go through it too.
    timeout
        Seconds to wait for a connection and then for each read.
    policy
        The :class:`RetryPolicy`.
    archive
        Called with an :class:`ArchivedResponse` for every delivered (checked) reply.
    sleep, now, rng
        Injectable for tests: the backoff sleep, the wall clock (UTC), the jitter source.
    """

    def __init__(
        self,
        base_url: str,
        *,
        tool: str,
        email: str | None,
        api_key: str | None,
        session: requests.Session,
        limiter: RateLimiter,
        timeout: float,
        policy: RetryPolicy,
        archive: Callable[[ArchivedResponse], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        now: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
        rng: random.Random | None = None,
    ) -> None:
        self.base_url = base_url
        self.identity = {"tool": tool, "email": email, "api_key": api_key}
        self.session = session
        self.limiter = limiter
        self.timeout = timeout
        self.policy = policy
        self.archive = archive
        self._sleep = sleep
        self._now = now
        self._rng = rng or random.Random()

    def call(self, request: EutilsRequest, read: Callable[[bytes], T]) -> T:
        """Send ``request`` until ``read`` accepts a body; return what ``read`` returned.

        ``read`` raises :class:`BodyProblem` for an unusable body. The accepted reply is
        archived before it is returned, so the ledger holds every body a caller saw.

        Raises
        ------
        EutilsError
            A permanent failure, or ``policy.max_tries`` transient ones; one line naming the
            endpoint, the last HTTP status and the reason.
        """
        sent = request.with_identity(**self.identity)
        failure = _Failure(None, "not tried")
        for attempt in range(1, self.policy.max_tries + 1):
            self.limiter.acquire()
            outcome = self._try_once(sent, read)
            if isinstance(outcome, _Delivered):
                return outcome.value
            failure = outcome
            if attempt < self.policy.max_tries:
                wait = self.policy.delay(attempt, failure.retry_after, self._rng)
                log.warning(
                    "%s try %d/%d failed (%s: %s); retrying in %.2f s", request.endpoint,
                    attempt, self.policy.max_tries, failure.shown_status, failure.reason, wait,
                )
                self._sleep(wait)
        raise EutilsError(
            f"{request.endpoint} failed after {self.policy.max_tries} tries "
            f"(last status: {failure.shown_status}): {_one_line(failure.reason)} [{self.base_url}]"
        )

    def _try_once(self, sent: EutilsRequest, read: Callable[[bytes], T]) -> _Delivered | _Failure:
        """One exchange: a delivered (and archived) result, or why it failed transiently."""
        url = sent.url(self.base_url)
        try:
            response = self.session.request(
                sent.method, url, data=dict(sent.params), timeout=self.timeout
            )
        except (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema,
                requests.exceptions.InvalidSchema) as exc:
            raise EutilsError(f"{sent.endpoint}: bad E-utilities URL {url!r}: {exc}") from None
        except requests.RequestException as exc:
            return _Failure(None, describe_exception(exc, self.timeout))
        status = response.status_code
        if status in RETRYABLE_STATUS:
            retry_after = parse_retry_after(response.headers.get("Retry-After"), self._now())
            return _Failure(status, _http_reason(response), retry_after)
        if status >= 400:
            raise EutilsError(f"{sent.endpoint} refused: {_http_reason(response)}")
        try:
            result = read(response.content)
        except BodyProblem as problem:
            if not problem.transient:
                raise EutilsError(f"{sent.endpoint}: {problem.reason}") from None
            return _Failure(status, problem.reason)
        if self.archive is not None:
            self.archive(ArchivedResponse(
                endpoint=sent.endpoint,
                params=sent.public_params(),
                status=status,
                received_at=self._now(),
                body=response.content,
            ))
        return _Delivered(result)


@dataclass(frozen=True)
class _Delivered:
    value: object


@dataclass(frozen=True)
class _Failure:
    status: int | None
    reason: str
    retry_after: float | None = None

    @property
    def shown_status(self) -> str:
        return "no response" if self.status is None else str(self.status)
