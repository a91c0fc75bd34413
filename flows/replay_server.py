"""A stand-in for NCBI E-utilities on 127.0.0.1: PubMed esearch and efetch over local XML files.

It answers as NCBI does, faults included (see :mod:`flows.replay_faults`), so the same client
code runs against it and against PubMed. ``rifwatch demo`` serves the bundled snapshot with it;
tests read its request log.

Examples
--------
>>> with ReplayServer("tests/fixtures/eutils", as_of=date(2024, 2, 1)) as server:  # doctest: +SKIP
...     client = EutilsClient(base_url=server.base_url)

From a shell: ``python -m flows.replay_server FOLDER --port 8765 [--as-of 2024-02-01]``.
"""

from __future__ import annotations

import argparse
import socket
import struct
import sys
import threading
import time
from dataclasses import dataclass
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Mapping, Sequence
from urllib.parse import parse_qsl, urlsplit

from flows.errors import UserError
from flows.replay_corpus import Corpus
from flows.replay_eutils import ESEARCH_CAP, Reply, ReplayEutils
from flows.replay_faults import Fault, FaultPlan, RequestInfo
from flows.replay_responses import (
    DEFAULT_ERRORS,
    render_efetch_error,
    render_esearch_error,
    render_rate_limit,
    render_status_page,
    truncate_body,
)

#: Where E-utilities lives under the host, as at NCBI.
BASE_PATH = "/entrez/eutils/"
ENDPOINTS = ("esearch", "efetch")
_REASONS = {429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway",
            503: "Service Unavailable", 504: "Gateway Timeout"}


@dataclass(frozen=True)
class LoggedRequest:
    """One request as the server saw it; ``time`` is ``time.monotonic()`` at arrival.

    ``status`` is what was answered (``None`` when nothing was: a time-out or a reset) and
    ``fault`` the kind of fault played, if any (``"rate_limit"`` for the enforced limit).
    """

    time: float
    method: str
    path: str
    endpoint: str
    params: dict[str, str]
    ordinal: int
    status: int | None
    fault: str | None


class ReplayServer:
    """Serve PubMed esearch/efetch from PubmedArticleSet files, in a background thread.

    Parameters
    ----------
    source
        A folder of ``*.xml``/``*.xml.gz`` files, a ``{name: bytes}`` mapping, or a
        :class:`~flows.replay_corpus.Corpus`.
    as_of
        Replay PubMed as it stood on this day (versions and deletions); ``None``: everything.
        Can be changed while serving (``server.as_of = ...``), e.g. week by week.
    faults
        A :class:`~flows.replay_faults.FaultPlan`.
    host, port
        Where to listen; port 0 picks a free port.
    esearch_cap
        esearch's id window (NCBI: 9,999).
    """

    def __init__(
        self,
        source: str | Path | Mapping[str, bytes] | Corpus,
        *,
        as_of: date | None = None,
        faults: FaultPlan | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        esearch_cap: int = ESEARCH_CAP,
    ) -> None:
        if isinstance(source, Corpus):
            corpus = source
        elif isinstance(source, Mapping):
            corpus = Corpus.from_files(source)
        else:
            corpus = Corpus.from_folder(source)
        self.eutils = ReplayEutils(corpus, as_of=as_of, esearch_cap=esearch_cap)
        self.faults = faults or FaultPlan()
        self._log: list[LoggedRequest] = []
        self._counts: dict[str, int] = {}
        self._lock = threading.Lock()
        self.stopping = threading.Event()
        self._httpd = _HTTPServer((host, port), _Handler)
        self._httpd.replay = self
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}{BASE_PATH}"

    @property
    def requests(self) -> list[LoggedRequest]:
        """A copy of the request log, in arrival order."""
        with self._lock:
            return list(self._log)

    @property
    def as_of(self) -> date | None:
        return self.eutils.as_of

    @as_of.setter
    def as_of(self, value: date | None) -> None:
        self.eutils.as_of = value

    def start(self) -> ReplayServer:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
            name="replay-eutils", daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()  # end any held (time-out) connection at once
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join()
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> ReplayServer:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    # --- called by the handler ---------------------------------------------------------------

    def admit(self, endpoint: str, method: str, path: str, params: dict[str, str]):
        """Number the request and decide its fate: (info, fault or None, rate-limit 429 reply)."""
        arrived = time.monotonic()
        with self._lock:
            self._counts[endpoint] = self._counts.get(endpoint, 0) + 1
            info = RequestInfo(endpoint, method, params, self._counts[endpoint], len(self._log) + 1)
            self._log.append(
                LoggedRequest(arrived, method, path, endpoint, params, info.ordinal, None, None)
            )
        over, count, limit = self.faults.over_rate(arrived, bool(params.get("api_key")))
        if over:
            body = render_rate_limit("127.0.0.1", count, limit)
            return info, None, Reply(429, body, "application/json")
        return info, self.faults.pick(info), None

    def record_outcome(self, info: RequestInfo, status: int | None, fault: str | None) -> None:
        with self._lock:
            entry = self._log[info.index - 1]
            self._log[info.index - 1] = LoggedRequest(
                entry.time, entry.method, entry.path, entry.endpoint, entry.params,
                entry.ordinal, status, fault,
            )


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True  # a held connection must not keep the process alive
    replay: ReplayServer


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
    server_version = "ReplayEutils/1.0"

    def log_message(self, format: str, *args) -> None:  # quiet: the server keeps its own log
        pass

    def do_GET(self) -> None:
        self._serve(self._query_params())

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        form = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        params = self._query_params()
        params.update({k.lower(): v for k, v in parse_qsl(form, keep_blank_values=True)})
        self._serve(params)

    def _query_params(self) -> dict[str, str]:
        # NCBI reads parameter names case-insensitively (WebEnv, webenv).
        query = urlsplit(self.path).query
        return {k.lower(): v for k, v in parse_qsl(query, keep_blank_values=True)}

    def _serve(self, params: dict[str, str]) -> None:
        path = urlsplit(self.path).path
        endpoint = path[len(BASE_PATH):].removesuffix(".fcgi") if path.startswith(BASE_PATH) else ""
        if endpoint not in ENDPOINTS:
            self._send(Reply(404, render_status_page(404, "Not Found"), "text/html"))
            return
        replay = self.server.replay
        info, fault, refused = replay.admit(endpoint, self.command, path, params)
        if refused is not None:
            replay.record_outcome(info, refused.status, "rate_limit")
            self._send(refused)
            return
        if fault is not None and fault.kind in ("timeout", "reset", "status", "error_body"):
            self._play_early(fault, endpoint, info)
            return
        handler = replay.eutils.esearch if endpoint == "esearch" else replay.eutils.efetch
        reply = handler(params)
        if fault is not None and fault.kind == "truncated":
            reply = Reply(reply.status, truncate_body(reply.body), reply.content_type)
        # Log before answering, so a client that has its answer always finds it in the log.
        replay.record_outcome(info, reply.status, fault.kind if fault else None)
        self._send(reply, cut=fault is not None and fault.kind == "cut_connection")

    def _play_early(self, fault: Fault, endpoint: str, info: RequestInfo) -> None:
        """Play a fault that replaces the answer, logging it before any wait."""
        replay = self.server.replay
        if fault.kind in ("timeout", "reset"):
            replay.record_outcome(info, None, fault.kind)
            if fault.kind == "timeout":
                replay.stopping.wait(fault.hold_seconds)
            else:
                # SO_LINGER with a zero timeout makes close() send RST instead of FIN.
                self.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                )
                self.connection.close()
            self.close_connection = True
            return
        if fault.kind == "error_body":
            message = fault.message or DEFAULT_ERRORS[endpoint]
            render = render_esearch_error if endpoint == "esearch" else render_efetch_error
            reply = Reply(200, render(message))
        elif fault.http_status == 429:
            reply = Reply(429, render_rate_limit("127.0.0.1", 4, 3), "application/json")
        else:
            status = fault.http_status
            page = render_status_page(status, _REASONS.get(status, "Error"))
            reply = Reply(status, page, "text/html")
        replay.record_outcome(info, reply.status, fault.kind)
        self._send(reply, retry_after=fault.retry_after)

    def _send(self, reply: Reply, *, retry_after: str | None = None, cut: bool = False) -> None:
        self.send_response(reply.status, _REASONS.get(reply.status))
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        if retry_after is not None:
            self.send_header("Retry-After", retry_after)
        self.end_headers()
        if cut:
            self.wfile.write(reply.body[: len(reply.body) // 2])
            self.close_connection = True
            return
        self.wfile.write(reply.body)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m flows.replay_server FOLDER --port N``: serve until interrupted."""
    parser = argparse.ArgumentParser(
        prog="python -m flows.replay_server",
        description="Serve PubMed esearch/efetch from a folder of PubmedArticleSet XML files.",
    )
    parser.add_argument("folder", type=Path)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--as-of", type=date.fromisoformat, default=None,
                        help="replay PubMed as it stood on this day (YYYY-MM-DD)")
    parser.add_argument("--rate-limit", action="store_true",
                        help="answer HTTP 429 above 3 requests/s (10 with api_key), as NCBI does")
    args = parser.parse_args(argv)
    try:
        server = ReplayServer(
            args.folder, as_of=args.as_of, host=args.host, port=args.port,
            faults=FaultPlan(enforce_rate_limit=args.rate_limit),
        )
    except (OSError, ValueError, UserError) as exc:
        print(f"replay_server: {' '.join(str(exc).split())}", file=sys.stderr)
        return 2
    with server:
        print(f"serving {len(server.eutils.corpus.records)} record versions at {server.base_url}",
              flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
