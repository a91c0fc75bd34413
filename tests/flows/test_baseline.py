"""The 2023 baseline: loaded once as curated evidence, before a first live run, stepping aside for
a trial's own PubMed record."""

from __future__ import annotations

import dataclasses
from datetime import date

import duckdb
import pytest

from config.schema import default_config
from extractors.records import Article, Classification, Effect
from flows.baseline import ID_PREFIX, load_baseline, read_baseline
from warehouse.db import connect
from warehouse.load import insert_classifications, insert_effects, upsert_records
from warehouse.runs import start_run


@pytest.fixture()
def con(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    yield con
    con.close()


def test_every_trial_is_curated_and_points_at_its_words(con):
    _, trials = read_baseline(config=default_config())
    assert load_baseline(con, default_config()) is not None
    assert load_baseline(con, default_config()) is None  # the same file twice changes nothing
    papers = con.execute("SELECT count(*) FROM papers WHERE pmid LIKE 'review2023-%'").fetchone()[0]
    assert papers == len(trials)
    bad = con.execute(
        "SELECT e.pmid FROM effects e JOIN papers p USING (pmid)"
        " WHERE e.source <> 'curated' OR substr(p.abstract, e.char_start + 1, e.char_end - e.char_start) <> e.evidence_text"
    ).fetchall()
    assert bad == []
    assert con.execute("SELECT count(*) FROM flags").fetchone()[0] == 0  # a starting state, not news


def test_non_rif_trials_never_enter_a_rif_stratum(con):
    load_baseline(con, default_config())
    pooled = {row[0] for row in con.execute("SELECT unnest(pmids) FROM pooled_latest").fetchall()}
    assert ID_PREFIX + "singh2019" not in pooled  # secondary infertility after one failure: not RIF
    assert ID_PREFIX + "olesen2019" in pooled


def test_a_trials_own_pubmed_record_replaces_its_baseline_entry(con):
    load_baseline(con, default_config())
    start_run(con, "live", "pubmed")
    real = Article(pmid="31234567", title="Endometrial scratching in repeated implantation failure",
                   abstract="Live birth 26/66 vs 12/51.", year=2019, entry_date=date(2019, 6, 1),
                   authors=("Olesen MS", "Hauge B"))
    upsert_records(con, [real], "live")
    insert_classifications(con, [(1, Classification(
        pmid=real.pmid, rct_probability=0.99, is_rct=True, design="rct", therapies=("scratch",),
        primary_therapy="scratch", population="rif", rif=None))], "live")
    insert_effects(con, [(1, Effect(pmid=real.pmid, outcome="live_birth", treat_events=26, treat_total=66,
                                    ctrl_events=12, ctrl_total=51, source="computed"), True)], "live", "x")
    live_birth = {row[0] for row in con.execute(
        "SELECT pmid FROM poolable_effects WHERE therapy = 'scratch' AND outcome = 'live_birth'").fetchall()}
    assert live_birth == {"31234567"}


def test_the_first_live_run_loads_the_baseline(tmp_path, monkeypatch):
    from pathlib import Path

    from flows import cycle
    from flows.replay_server import ReplayServer
    from flows.weekly import run_cycle

    monkeypatch.setattr(cycle, "CLIENT_OPTIONS", {"max_retries": 1, "backoff_base": 0.01})
    fixtures = Path(__file__).resolve().parents[1] / "fixtures" / "eutils"
    db = tmp_path / "w.duckdb"
    with ReplayServer(fixtures, as_of=date(2024, 2, 20)) as server:
        run_cycle(db, source="pubmed", as_of=date(2024, 2, 21), eutils_url=server.base_url)
        run_cycle(db, source="pubmed", as_of=date(2024, 2, 28), eutils_url=server.base_url)
    with duckdb.connect(str(db), read_only=True) as ro:
        sources = [row[0] for row in ro.execute("SELECT source FROM runs ORDER BY started_at").fetchall()]
    assert sources == ["baseline", "pubmed", "pubmed"]
