"""The weekly cycle against a replay server: faults, revisions, deletions, failure, Prefect."""

from __future__ import annotations

import socket
from datetime import date
from pathlib import Path

import duckdb
import pytest

from flows import cycle
from flows.cli import main
from flows.replay_faults import Fault, FaultPlan
from flows.replay_server import ReplayServer
from flows.weekly import run_cycle

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "eutils"
#: Fixture records matching the review's query ("implantation failure" in title or abstract) and
#: visible by 2024-02-20 (90000009 only from its revision on 2024-02-21); tests/fixtures/eutils/README.md.
EARLY = {"90000001", "90000002", "90000003", "90000004", "90000005", "90000008"}


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch):
    monkeypatch.setattr(cycle, "CLIENT_OPTIONS", {"max_retries": 2, "backoff_base": 0.01, "backoff_max": 0.05,
                                                  "timeout": 2.0})


def papers(db: Path) -> dict[str, int]:
    with duckdb.connect(str(db), read_only=True) as con:
        return dict(con.execute("SELECT pmid, revision FROM papers").fetchall())


def runs(db: Path) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT status, n_new, n_updated, n_deleted, error FROM runs ORDER BY started_at").fetchall()


@pytest.mark.parametrize("fault", [
    pytest.param(Fault.status(500, endpoint="efetch", ordinal=1), id="efetch-500"),
    pytest.param(Fault.status(429, retry_after="0", endpoint="esearch", ordinal=1), id="esearch-429"),
    pytest.param(Fault.truncated(endpoint="efetch", ordinal=1), id="truncated-efetch"),
])
def test_a_cycle_survives_a_fault_with_no_duplicate_and_no_lost_record(tmp_path, fault):
    db = tmp_path / "w.duckdb"
    with ReplayServer(FIXTURES, as_of=date(2024, 2, 20), faults=FaultPlan([fault])) as server:
        run_cycle(db, source="pubmed", as_of=date(2024, 2, 21), eutils_url=server.base_url, baseline=False)
    assert set(papers(db)) == EARLY
    assert all(revision == 1 for revision in papers(db).values())
    assert runs(db)[0][:2] == ("succeeded", len(EARLY))


def test_an_mdat_revision_and_a_deletion_reach_the_warehouse(tmp_path):
    db = tmp_path / "w.duckdb"
    with ReplayServer(FIXTURES) as server:
        for as_of in (date(2024, 2, 21), date(2024, 3, 5), date(2024, 3, 12)):
            server.as_of = as_of  # what PubMed shows on the morning of the run
            run_cycle(db, source="pubmed", as_of=as_of, eutils_url=server.base_url, baseline=False)
    (first, second, third) = runs(db)
    assert second[2] == 1 and papers(db)["90000002"] == 2  # indexed later: a new revision
    assert third[3] == 1 and "90000005" not in papers(db)  # withdrawn by PubMed on 2024-03-10


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_unreachable_server_ends_in_one_line_and_stores_nothing_but_the_failed_run(tmp_path, monkeypatch, capsys):
    db = tmp_path / "w.duckdb"
    monkeypatch.setenv("RIFWATCH_EUTILS_URL", f"http://127.0.0.1:{_closed_port()}/entrez/eutils/")
    code = main(["run", "--db", str(db), "--source", "pubmed", "--as-of", "2024-02-21", "--no-prefect", "--no-baseline"])
    err = capsys.readouterr().err.strip()
    assert code == 2 and err.startswith("rifwatch: ") and "\n" not in err
    assert papers(db) == {}
    ((status, *_rest, error),) = runs(db)
    assert status == "failed" and error


@pytest.mark.prefect
def test_the_flow_runs_under_prefect(tmp_path):
    from prefect.testing.utilities import prefect_test_harness

    from flows.weekly import weekly_surveillance

    db = tmp_path / "w.duckdb"
    with prefect_test_harness(server_startup_timeout=180), ReplayServer(FIXTURES, as_of=date(2024, 2, 20)) as server:
        run_id = weekly_surveillance(db=str(db), source="pubmed", as_of=date(2024, 2, 21), eutils_url=server.base_url,
                                     baseline=False)
    assert run_id.endswith("-pubmed")
    assert set(papers(db)) == EARLY
