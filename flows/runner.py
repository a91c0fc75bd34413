"""Running cycles from the command line: with or without Prefect, against PubMed or a snapshot."""

from __future__ import annotations

import contextlib
import logging
from datetime import date
from pathlib import Path
from typing import Iterator

from flows.weekly import run_cycle, weekly_surveillance


@contextlib.contextmanager
def replay_server(folder: Path, as_of: date | None = None) -> Iterator[object]:
    """A local E-utilities replay server over ``folder``, visible up to ``as_of``."""
    from flows.replay_server import ReplayServer

    with ReplayServer(folder, as_of=as_of) as server:
        yield server


def quiet_prefect() -> None:
    """Keep Prefect's per-task INFO lines out of the terminal; warnings still show."""
    for name in ("prefect", "prefect.flow_runs", "prefect.task_runs", "httpx"):
        logging.getLogger(name).setLevel(logging.WARNING)


def run_one_cycle(*, db, source: str, as_of: date, snapshot: Path | None = None, prefect: bool = True,
                  eutils_url: str | None = None, baseline: bool = True) -> str:
    """One cycle, as a Prefect flow run or directly; a snapshot source gets its own replay server."""
    with contextlib.ExitStack() as stack:
        if source == "snapshot":
            server = stack.enter_context(replay_server(snapshot, as_of))
            eutils_url = server.base_url
        if prefect:
            quiet_prefect()
            return weekly_surveillance(db=str(db) if db else None, source=source, as_of=as_of,
                                       eutils_url=eutils_url, baseline=baseline)
        return run_cycle(db=db, source=source, as_of=as_of, eutils_url=eutils_url, baseline=baseline)
