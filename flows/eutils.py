"""The PubMed E-utilities client: search a date window, fetch its records, collect updates.

The same code talks to NCBI and to :mod:`flows.replay_server` on 127.0.0.1; only ``base_url``
differs. Requests are built by :mod:`flows.eutils_query`, sent by :mod:`flows.eutils_transport`
(rate limit, retries, archive) and read by :mod:`flows.eutils_parse`.

Examples
--------
>>> from datetime import date
>>> client = EutilsClient(email="you@example.org")            # doctest: +SKIP
>>> got = client.collect_updates('"implantation failure"[tiab]',
...                              date(2024, 1, 1), date(2024, 1, 31))  # doctest: +SKIP
>>> got.counts["crdt_fetched"], sorted(got.pass_of)[:3]              # doctest: +SKIP
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Callable, Iterator, Mapping, Sequence

import requests

from flows.eutils_parse import (
    BodyProblem,
    is_transient_error,
    parse_article_set_pmids,
    parse_esearch,
)
from flows.eutils_query import (
    EutilsRequest,
    batched,
    build_efetch_history,
    build_efetch_ids,
    build_esearch,
)
from flows.eutils_transport import ArchivedResponse, EutilsError, RetryPolicy, Transport
from flows.ratelimit import RateLimiter, ncbi_rate
from flows.settings import DEFAULT_EUTILS_URL, DEFAULT_TOOL, eutils_settings_from_env

if TYPE_CHECKING:
    from flows.eutils_collect import Collected

__all__ = [
    "ArchivedResponse",
    "EutilsClient",
    "EutilsError",
    "FetchedBatch",
    "RetryPolicy",
    "SearchResult",
    "WindowSlice",
]

#: esearch lists at most the first 9,999 ids of a result ("'retstart' cannot be larger than
#: 9998 ... ESearch can only retrieve the first 9,999 records", NCBI's own error text); larger
#: windows are cut into date slices. A configured 10,000 (config/search.toml) is read as this.
ESEARCH_MAX_IDS = 9_999

#: efetch batch size: NCBI asks for POST above about 200 ids per request.
EFETCH_BATCH_SIZE = 200


@dataclass(frozen=True)
class SearchResult:
    """An esearch kept on the history server: its count, handle and (up to the cap) its ids."""

    count: int
    webenv: str | None
    query_key: str | None
    ids: tuple[str, ...]
    warnings: tuple[str, ...] = ()
    query_translation: str = ""

    @property
    def complete(self) -> bool:
        """Whether ``ids`` lists every record the search found."""
        return len(self.ids) == self.count


@dataclass(frozen=True)
class WindowSlice:
    """One date slice of a window, small enough for esearch's id cap."""

    datetype: str
    start: date
    end: date
    result: SearchResult


@dataclass(frozen=True)
class FetchedBatch:
    """One efetch reply as received, with the PMIDs of the records it holds."""

    body: bytes
    pmids: tuple[str, ...]


class EutilsClient:
    """Rate-limited, retrying PubMed client for esearch (history server) and POSTed efetch.

    Parameters
    ----------
    base_url
        E-utilities root, ending in ``/entrez/eutils/``.
    tool, email, api_key
        Sent with every request, as NCBI requires; the key also raises the rate to 10/s.
    session
        A ``requests.Session`` to reuse; the client makes (and closes) its own otherwise.
    timeout
        Seconds to wait for a connection and for each read.
    max_retries
        Retries after the first try before giving up with :class:`EutilsError`.
    archive
        Called with every delivered reply (esearch and efetch) as an :class:`ArchivedResponse`.
    max_ids_per_search
        esearch's id cap; a window with more hits is sliced by date.
    batch_size
        Records per efetch request.
    rate
        Requests per second; by default NCBI's limit (3, or 10 with ``api_key``). Only raise it
        for a server that allows more, such as the local replay server.
    backoff_base, backoff_max
        Exponential backoff between tries, in seconds.
    clock, sleep, now, rng
        Injectable time and randomness: a monotonic clock and sleep for the rate limit and
        backoff, the UTC wall clock for ``Retry-After`` dates and archive stamps, the jitter.
    """

    def __init__(
        self,
        base_url: str = DEFAULT_EUTILS_URL,
        tool: str = DEFAULT_TOOL,
        email: str | None = None,
        api_key: str | None = None,
        session: requests.Session | None = None,
        timeout: float = 60.0,
        max_retries: int = 4,
        archive: Callable[[ArchivedResponse], None] | None = None,
        *,
        max_ids_per_search: int = ESEARCH_MAX_IDS,
        batch_size: int = EFETCH_BATCH_SIZE,
        rate: float | None = None,
        backoff_base: float = 1.0,
        backoff_max: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        now: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
        rng: random.Random | None = None,
    ) -> None:
        if max_retries < 0:
            raise ValueError(f"max_retries must be 0 or more, got {max_retries}")
        if not 1 <= max_ids_per_search <= ESEARCH_MAX_IDS + 1:
            raise ValueError(f"max_ids_per_search must be 1..{ESEARCH_MAX_IDS + 1}")
        self.max_ids_per_search = min(max_ids_per_search, ESEARCH_MAX_IDS)
        self.batch_size = batch_size
        self._own_session = session is None
        self.limiter = RateLimiter(rate or ncbi_rate(api_key), clock=clock, sleep=sleep)
        self.transport = Transport(
            base_url if base_url.endswith("/") else base_url + "/",
            tool=tool,
            email=email,
            api_key=api_key,
            session=session or requests.Session(),
            limiter=self.limiter,
            timeout=timeout,
            policy=RetryPolicy(
                max_tries=max_retries + 1, backoff_base=backoff_base, backoff_max=backoff_max
            ),
            archive=archive,
            sleep=sleep,
            now=now,
            rng=rng,
        )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **kwargs) -> EutilsClient:
        """A client configured from ``NCBI_EMAIL``, ``NCBI_API_KEY``, ``RIFWATCH_EUTILS_URL``."""
        settings = eutils_settings_from_env(environ)
        options = {"base_url": settings.base_url, "tool": settings.tool, "email": settings.email,
                   "api_key": settings.api_key}
        options.update(kwargs)  # an explicit argument wins over the environment
        return cls(**options)

    def close(self) -> None:
        if self._own_session:
            self.transport.session.close()

    def __enter__(self) -> EutilsClient:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    # --- esearch -----------------------------------------------------------------------------

    def search(
        self,
        term: str,
        *,
        datetype: str | None = None,
        mindate: date | None = None,
        maxdate: date | None = None,
    ) -> SearchResult:
        """Run an esearch on the history server, returning up to ``max_ids_per_search`` ids."""
        cap = self.max_ids_per_search
        request = build_esearch(term, datetype=datetype, mindate=mindate, maxdate=maxdate, retmax=cap)
        return self.transport.call(request, lambda body: _read_search(body, cap))

    def search_window(
        self, term: str, datetype: str, start: date, end: date
    ) -> list[WindowSlice]:
        """Search an inclusive date window, halving it until each slice fits the id cap.

        Raises
        ------
        EutilsError
            A single day still holds more hits than the cap.
        """
        if end < start:
            raise ValueError(f"date window ends before it starts: {start} > {end}")
        result = self.search(term, datetype=datetype, mindate=start, maxdate=end)
        if result.count <= self.max_ids_per_search:
            return [WindowSlice(datetype, start, end, result)]
        if start == end:
            raise EutilsError(
                f"esearch: {result.count} records with {datetype} {start} exceed the "
                f"{self.max_ids_per_search}-id limit of one search even for a single day; "
                "narrow the query"
            )
        middle = start + timedelta(days=(end - start).days // 2)
        return self.search_window(term, datetype, start, middle) + self.search_window(
            term, datetype, middle + timedelta(days=1), end
        )

    # --- efetch ------------------------------------------------------------------------------

    def fetch(
        self, source: SearchResult | Sequence[str], batch_size: int | None = None
    ) -> Iterator[bytes]:
        """Yield the raw PubmedArticleSet XML of every record in ``source``, batch by batch.

        ``source`` is a history-server :class:`SearchResult` (paged by ``retstart``) or a list
        of PMIDs (POSTed as ``id=``). Each batch is checked complete and holding exactly the
        PMIDs asked for before it is archived and yielded; a failed batch is asked again and
        replaced, never yielded, so no record is lost or repeated.
        """
        for batch in self.fetch_batches(source, batch_size):
            yield batch.body

    def fetch_batches(
        self, source: SearchResult | Sequence[str], batch_size: int | None = None
    ) -> Iterator[FetchedBatch]:
        """As :meth:`fetch`, with the PMIDs each batch holds."""
        size = batch_size or self.batch_size
        if isinstance(source, SearchResult):
            if not source.complete:
                raise EutilsError(
                    f"efetch: the search found {source.count} records but listed "
                    f"{len(source.ids)} ids; fetch it slice by slice (search_window)"
                )
            pmids = list(source.ids)
        else:
            pmids = list(dict.fromkeys(str(p) for p in source))
        use_history = isinstance(source, SearchResult) and source.webenv and source.query_key
        for start, expected in batched(pmids, size):
            if use_history:
                request = build_efetch_history(
                    source.webenv, source.query_key, retstart=start, retmax=len(expected)
                )
            else:
                request = build_efetch_ids(expected)
            yield self._fetch_one(request, expected)

    def _fetch_one(self, request: EutilsRequest, expected: Sequence[str]) -> FetchedBatch:
        def read(body: bytes) -> FetchedBatch:
            got = parse_article_set_pmids(body)
            _check_batch(got, expected)
            return FetchedBatch(body, tuple(got))

        return self.transport.call(request, read)

    def collect_updates(
        self,
        term: str,
        window_start: date,
        window_end: date,
        *,
        mdat_pass: bool = True,
    ) -> Collected:
        """A cycle's new and changed records: :func:`flows.eutils_collect.collect_updates`."""
        from flows.eutils_collect import collect_updates

        return collect_updates(self, term, window_start, window_end, mdat_pass=mdat_pass)


def _read_search(body: bytes, retmax: int) -> SearchResult:
    reply = parse_esearch(body)
    if reply.error is not None:
        transient = is_transient_error(reply.error)
        raise BodyProblem(f"esearch error: {reply.error}", transient=transient)
    expected = max(0, min(reply.count - reply.retstart, retmax))
    if len(reply.ids) != expected:
        raise BodyProblem(
            f"esearch listed {len(reply.ids)} ids where its Count {reply.count} implies {expected}",
            transient=True,
        )
    if reply.count and not (reply.webenv and reply.query_key):
        raise BodyProblem("esearch reply has no WebEnv/QueryKey", transient=True)
    return SearchResult(
        count=reply.count,
        webenv=reply.webenv,
        query_key=reply.query_key,
        ids=reply.ids,
        warnings=reply.errors + reply.warnings,
        query_translation=reply.query_translation,
    )


def _check_batch(got: Sequence[str], expected: Sequence[str]) -> None:
    if len(set(got)) != len(got):
        repeated = sorted({p for p in got if got.count(p) > 1})
        raise BodyProblem(f"efetch repeated records: {', '.join(repeated[:5])}", transient=True)
    got_set = set(got)
    missing = [p for p in expected if p not in got_set]
    extra = sorted(got_set - set(expected))
    if missing or extra:
        parts = [f"asked for {len(expected)} records, got {len(got)}"]
        if missing:
            parts.append(f"missing {', '.join(missing[:5])}{' ...' if len(missing) > 5 else ''}")
        if extra:
            parts.append(f"unasked {', '.join(extra[:5])}{' ...' if len(extra) > 5 else ''}")
        raise BodyProblem("efetch " + "; ".join(parts), transient=True)
