"""Loading records: revisions only on change, deletions honoured, round trip, curation in views."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

import pytest

from extractors.records import (
    Article, Classification, CommentCorrection, Deletion, Effect, RifDefinition, Section, Span,
    TherapyFinding,
)
from warehouse.db import connect, transaction
from warehouse.load import insert_classifications, insert_effects, load_revisions, upsert_records
from warehouse.migrate import migrate
from warehouse.runs import start_run


@pytest.fixture()
def con():
    con = connect(":memory:")
    for run in ("r1", "r2", "r3"):
        start_run(con, run, "import", started_at=datetime(2026, 1, int(run[1])))
    yield con
    con.close()


def article(pmid="90000001", **changes) -> Article:
    abstract = "METHODS: Women with at least three failed transfers were randomized.\n\nRESULTS: Live birth 10/50 vs 5/50."
    base = Article(
        pmid=pmid, title="A trial of something", abstract=abstract,
        sections=(Section("METHODS", "METHODS", 9, 68), Section("RESULTS", "RESULTS", 79, 112)),
        journal="Journal of Tests", year=2026, entry_date=date(2026, 9, 8), create_date=date(2026, 9, 8),
        publication_types=("Journal Article",), authors=("Doe J",), indexing_status="In-Process",
        comments_corrections=(CommentCorrection("ErratumIn", "90000099", "Erratum note"),),
    )
    return dataclasses.replace(base, **changes)


def test_migrations_are_idempotent(con):
    assert migrate(con) == []
    assert con.execute("SELECT count(*) FROM store.schema_migrations").fetchone()[0] >= 1


def test_unchanged_record_adds_no_revision_but_is_seen(con):
    first = upsert_records(con, [article()], "r1")
    second = upsert_records(con, [article()], "r2")
    assert first.new == ["90000001"] and first.revisions == [("90000001", 1)]
    assert second.unchanged == ["90000001"] and second.revisions == []
    assert con.execute("SELECT first_seen_run, last_seen_run, revision FROM papers").fetchall() == [("r1", "r2", 1)]


def test_changed_record_becomes_a_new_revision(con):
    upsert_records(con, [article()], "r1")
    indexed = article(indexing_status="MEDLINE", publication_types=("Journal Article", "Randomized Controlled Trial"),
                      revised_date=date(2026, 10, 1))
    result = upsert_records(con, [indexed], "r2")
    assert result.updated == ["90000001"] and result.revisions == [("90000001", 2)]
    row = con.execute("SELECT revision, publication_types, indexing_status FROM papers").fetchone()
    assert row == (2, ["Journal Article", "Randomized Controlled Trial"], "MEDLINE")
    assert con.execute("SELECT count(*) FROM store.paper_revisions").fetchone()[0] == 2


def test_deletion_hides_the_paper_and_a_reappearance_restores_it(con):
    upsert_records(con, [article(), article("90000002")], "r1")
    result = upsert_records(con, [Deletion("90000002"), Deletion("12345")], "r2")
    assert result.deleted == ["90000002"]
    assert [r[0] for r in con.execute("SELECT pmid FROM papers").fetchall()] == ["90000001"]
    back = upsert_records(con, [article("90000002")], "r3")
    assert back.updated == ["90000002"]
    assert con.execute("SELECT count(*) FROM papers").fetchone()[0] == 2


def test_articles_round_trip_through_the_warehouse(con):
    original = article()
    upsert_records(con, [original], "r1")
    (restored,) = load_revisions(con, [("90000001", 1)])
    assert restored == original
    assert restored.content_hash() == original.content_hash()


def classification(pmid="90000001", **changes) -> Classification:
    text = "at least three failed transfers"
    start = article().abstract.index(text)
    base = Classification(
        pmid=pmid, rct_probability=0.97, is_rct=True, design="rct", therapies=("g_csf",),
        primary_therapy="g_csf", population="rif",
        rif=RifDefinition(3, "transfers", None, (), Span(text, start, start + len(text)), "rif.v1"),
        therapy_findings=(TherapyFinding("g_csf", "subcutaneous", None, "therapy.phrase.v1"),),
        model_version="m1", rules_version="r1",
    )
    return dataclasses.replace(base, **changes)


def effect(**changes) -> Effect:
    base = Effect(pmid="90000001", outcome="live_birth", treat_events=10, treat_total=50, ctrl_events=5,
                  ctrl_total=50, measure="RR", estimate=2.0, ci_low=0.73, ci_high=5.47, source="computed",
                  evidence_text="Live birth 10/50 vs 5/50.", char_start=87, char_end=112, rule_id="effect.counts.v1")
    return dataclasses.replace(base, **changes)


def test_papers_view_carries_classification_and_curation_overrides(con):
    upsert_records(con, [article()], "r1")
    insert_classifications(con, [(1, classification())], "r1")
    row = con.execute("SELECT is_rct, design, primary_therapy, population, rif_min_failures,"
                      " rif_definition_text, therapy_route, curation_status FROM papers").fetchone()
    assert row == (True, "rct", "g_csf", "rif", 3, "at least three failed transfers", "subcutaneous", "machine")
    con.execute("INSERT INTO store.decisions (pmid, target, action, field, old_value, new_value, reason, curator,"
                " decided_at) VALUES ('90000001', 'paper', 'correct', 'rif_min_failures', '3', '2',"
                " 'definition says two or more', 'alice', now())")
    assert con.execute("SELECT rif_min_failures, curation_status FROM papers").fetchone() == (2, "corrected")


def test_effects_view_applies_corrections_and_rejections(con):
    upsert_records(con, [article()], "r1")
    insert_classifications(con, [(1, classification())], "r1")
    insert_effects(con, [(1, effect())], "r1", "x1")
    key = con.execute("SELECT effect_key FROM effects").fetchone()[0]
    assert con.execute("SELECT count(*) FROM poolable_effects").fetchone()[0] == 1
    con.execute("INSERT INTO store.decisions (pmid, target, target_key, action, field, old_value, new_value,"
                " reason, curator, decided_at) VALUES ('90000001', 'effect', ?, 'correct', 'treat_events',"
                " '10', '11', 'typo in extraction', 'bob', now())", [key])
    assert con.execute("SELECT treat_events, source, curation_status FROM effects").fetchone() == (11, "curated", "corrected")
    con.execute("INSERT INTO store.decisions (pmid, target, target_key, action, field, reason, curator,"
                " decided_at) VALUES ('90000001', 'effect', ?, 'reject', 'status', 'subgroup, not the trial',"
                " 'bob', now())", [key])
    assert con.execute("SELECT count(*) FROM poolable_effects").fetchone()[0] == 0


def test_failed_checks_keep_an_effect_out_of_pooling(con):
    upsert_records(con, [article()], "r1")
    insert_classifications(con, [(1, classification())], "r1")
    insert_effects(con, [(1, effect(check_failures=("events exceed total",)))], "r1", "x1")
    assert con.execute("SELECT count(*) FROM effect_mentions").fetchone()[0] == 1
    assert con.execute("SELECT count(*) FROM effects").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM poolable_effects").fetchone()[0] == 0


def test_only_the_preferred_row_of_a_comparison_is_an_effect(con):
    upsert_records(con, [article()], "r1")
    insert_classifications(con, [(1, classification())], "r1")
    reported = effect(source="reported", measure="OR", estimate=2.25, ci_low=0.8, ci_high=6.3)
    insert_effects(con, [(1, effect(), True), (1, reported, False)], "r1", "x1")
    assert con.execute("SELECT count(*) FROM effect_mentions").fetchone()[0] == 2
    assert con.execute("SELECT source, measure FROM effects").fetchall() == [("computed", "RR")]


def test_a_failed_transaction_leaves_nothing_behind(con):
    with pytest.raises(RuntimeError):
        with transaction(con):
            upsert_records(con, [article()], "r1")
            raise RuntimeError("boom")
    assert con.execute("SELECT count(*) FROM store.paper_revisions").fetchone()[0] == 0
