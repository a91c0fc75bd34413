"""Triage queries and decision writes on the made-up warehouse (tests/fixtures/triage_weeks.py)."""

from __future__ import annotations

import dataclasses
from datetime import datetime

import pytest

from config.schema import default_config
from flows.triage_access import uncertain_band
from warehouse import triage as wt
from warehouse.db import connect
from warehouse.labels import curated_labels, training_pairs
from warehouse.load import insert_classifications, insert_effects, upsert_records
from warehouse.runs import finish_run, start_run

HCG_OP = "ongoing_pregnancy|therapy|control|RR|computed"


@pytest.fixture()
def con(triage_db):
    path, _ = triage_db
    con = connect(path)
    yield con
    con.close()


def decide(con, pmid, target="effect", key=HCG_OP, action="correct", field="treat_events", new="24",
           when=datetime(2026, 9, 22, 9, 0)):
    return wt.insert_decision(con, wt.Decision(pmid=pmid, target=target, target_key=key, action=action, field=field,
                                               old_value=None, new_value=new, reason="checked the abstract",
                                               curator="ann@example.org", decided_at=when))


def queue_codes(con) -> dict[str, tuple[str, ...]]:
    return {e.pmid or f"flag-{e.flag_id}": e.codes for e in wt.load_queue(con, uncertain_band(default_config()))}


def test_the_queue_names_each_case_the_fixture_holds(con):
    codes = queue_codes(con)
    assert codes["99000011"] == ("open_flag", "open_flag")
    assert codes["99000021"] == ("ratio_disagreement", "new_trial")
    assert codes["99000012"] == ("failed_check", "new_trial")
    assert codes["99000015"] == ("uncertain_rct",) and codes["99000016"] == ("uncertain_rct",)
    assert codes["99000022"] == ("new_trial",)
    assert "99000014" not in codes and "99000017" not in codes  # a meta-analysis and a cohort, machine-sure


def rerun_week38_trial(con, digest_weeks, pmid, run_id, *, arm=None, revise=True):
    """A later cycle: a new revision of ``pmid`` (or the same one) classified and extracted again."""
    trial = next(t for t in digest_weeks.WEEK38 if t.pmid == pmid)
    if arm is not None:
        trial = dataclasses.replace(trial, arms=tuple(dataclasses.replace(a, te=a.te + 1) for a in trial.arms))
    article, classification, effects = digest_weeks._records(trial)
    if arm is not None:
        effects = [dataclasses.replace(e, treat_arm=arm) for e in effects]
    if revise:
        article = dataclasses.replace(article, abstract=article.abstract + "\n\nErratum: an author's name corrected.")
    start_run(con, run_id, "snapshot", started_at=datetime(2026, 9, 28, 6, 0))
    load = upsert_records(con, [article], run_id)
    revision = load.revisions[0][1] if load.revisions else 1
    insert_classifications(con, [(revision, classification)], run_id)
    insert_effects(con, [(revision, e) for e in effects], run_id, "extractor-v2")
    finish_run(con, run_id, "succeeded")
    return revision


def test_curated_values_survive_a_new_revision_and_re_extraction(con, digest_weeks):
    decide(con, "99000011")
    decide(con, "99000011", target="paper", key=None, field="population", new="rpl")
    revision = rerun_week38_trial(con, digest_weeks, "99000011", "2026-W40-snapshot")
    assert revision == 2
    row = con.execute("SELECT treat_events, source, curation_status, revision FROM effects"
                      " WHERE pmid = '99000011' AND effect_key = ?", [HCG_OP]).fetchone()
    assert row == (24, "curated", "corrected", 2)
    assert con.execute("SELECT population FROM papers WHERE pmid = '99000011'").fetchone() == ("rpl",)
    assert wt.orphans(con, "99000011") == []


def test_a_decision_whose_effect_key_disappears_is_orphaned_and_queued(con, digest_weeks):
    decide(con, "99000011")
    rerun_week38_trial(con, digest_weeks, "99000011", "2026-W40-snapshot", arm="hCG 500 IU")
    machine = con.execute("SELECT treat_events FROM effects WHERE pmid = '99000011' AND outcome = 'ongoing_pregnancy'"
                          ).fetchone()
    assert machine == (39,)  # the machine's new number stands: the decision no longer applies
    orphans = wt.orphans(con, "99000011")
    assert [(o.effect_key, o.field, o.new_value, o.reviewed_since) for o in orphans] == [
        (HCG_OP, "treat_events", "24", False)]
    assert "orphaned_decision" in queue_codes(con)["99000011"]
    # a maintainer looks at the paper again (any later decision on it): the orphan leaves the queue
    decide(con, "99000011", target="paper", key=None, action="confirm", field="status", new="confirmed",
           when=datetime(2099, 1, 1))
    assert wt.orphans(con, "99000011")[0].reviewed_since
    assert "orphaned_decision" not in queue_codes(con).get("99000011", ())


def test_a_correction_to_the_empty_string_clears_a_value(con):
    decide(con, "99000011", field="p_value", new="")
    value = con.execute("SELECT p_value FROM effects WHERE pmid = '99000011' AND effect_key = ?", [HCG_OP]).fetchone()
    assert value == (None,)


def test_the_latest_decision_wins_and_the_trail_keeps_both(con):
    first = decide(con, "99000011", new="24", when=datetime(2026, 9, 22, 9, 0))
    second = decide(con, "99000011", new="30", when=datetime(2026, 9, 22, 10, 0))
    assert second > first
    assert con.execute("SELECT treat_events FROM effects WHERE pmid = '99000011' AND effect_key = ?",
                       [HCG_OP]).fetchone() == (30,)
    assert [d["new_value"] for d in wt.decisions_of(con, "99000011")] == ["30", "24"]


def test_pooled_changes_lists_what_moved_between_runs(con, triage_weeks):
    start_run(con, "2026-W39-curation", "curation", started_at=datetime(2026, 9, 22, 9, 0))
    decide(con, "99000011")
    triage_weeks.pool_and_flag(con, "2026-W39-curation", None)
    finish_run(con, "2026-W39-curation", "succeeded")
    changes = {(c["therapy"], c["outcome"], c["rif_stratum"]): c for c in wt.pooled_changes(con, "2026-W39-curation")}
    assert set(changes) == {("hcg_intrauterine", "ongoing_pregnancy", "rif_any"),
                            ("hcg_intrauterine", "ongoing_pregnancy", "rif_ge2")}
    row = changes[("hcg_intrauterine", "ongoing_pregnancy", "rif_any")]
    assert row["before_significant"] and not row["after_significant"]
    assert row["after_estimate"] < row["before_estimate"]


def test_paper_page_values_carry_every_span(con):
    effects = wt.effects_of(con, "99000021")
    abstract = wt.paper_values(con, "99000021")["abstract"]
    assert [abstract[e["char_start"]:e["char_end"]] for e in effects] == [
        "Live birth 19/45 vs 9/44 (RR 3.10, 95% CI 1.55 to 6.20).", "RR 3.10, 95% CI 1.55 to 6.20"]
    paper = wt.paper_values(con, "99000021")
    assert abstract[paper["rif_char_start"]:paper["rif_char_end"]] == "women with three or more failed transfers"


@pytest.mark.parametrize("status, fields, expected", [
    ("confirmed", {}, (True, "rct", "on_topic", None)),
    ("rejected:not_a_trial", {}, (False, None, "on_topic", None)),
    ("rejected:off_topic", {}, (None, None, "off_topic", None)),
    ("rejected:duplicate:99000001", {}, (None, None, "on_topic", "99000001")),
    (None, {"design": "cohort", "is_rct": "false"}, (False, "cohort", "on_topic", None)),
], ids=["confirmed", "not-a-trial", "off-topic", "duplicate", "reclassified"])
def test_decisions_become_labels(con, status, fields, expected):
    if status:
        decide(con, "99000021", target="paper", key=None, action="confirm" if status == "confirmed" else "reject",
               field="status", new=status)
    for field, value in fields.items():
        decide(con, "99000021", target="paper", key=None, field=field, new=value)
    labels = curated_labels(con)
    assert [(l.pmid, l.is_rct, l.design, l.topic, l.duplicate_of) for l in labels] == [("99000021", *expected)]
    assert labels[0].text.startswith("G-CSF infusion after three failed transfers")
    assert labels[0].curator == "ann@example.org"


def test_curated_labels_override_the_indexers(con):
    con.execute("UPDATE store.paper_revisions SET indexing_status = 'MEDLINE',"
                " publication_types = ['Randomized Controlled Trial'] WHERE pmid IN ('99000021', '99000001')")
    decide(con, "99000021", target="paper", key=None, action="reject", field="status", new="rejected:not_a_trial")
    pairs = training_pairs(con)
    assert [label for _, label in pairs] == [True, False]  # 99000001 by its publication type, 99000021 curated


def test_confirming_a_mention_never_displaces_the_row_pooling_reads(con):
    reported = "live_birth|therapy|control|RR|reported"
    decide(con, "99000021", key=reported, action="confirm", field="status", new="confirmed")
    rows = con.execute("SELECT effect_key FROM effects WHERE pmid = '99000021'").fetchall()
    assert rows == [("live_birth|therapy|control|RR|computed",)]
    # with the counts row rejected, the confirmed printed ratio stands in for the comparison
    decide(con, "99000021", key="live_birth|therapy|control|RR|computed", action="reject", field="status",
           new="rejected", when=datetime(2026, 9, 22, 10, 0))
    assert con.execute("SELECT effect_key FROM poolable_effects WHERE pmid = '99000021'").fetchall() == [(reported,)]
