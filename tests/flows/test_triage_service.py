"""Applying decisions: checked, written with their consequences, pooled again, flags settled.

Pooling here is the fixture's stand-in (``tests/fixtures/triage_weeks.pool_and_flag``): these tests
are about what the service writes and moves, not about the pooling engine.
"""

from __future__ import annotations

import pytest

from config.schema import default_config
from digest.compose import compose_digest
from digest.render import render
from flows.triage_access import uncertain_band
from flows.triage_service import DecisionRequest, apply_decision
from models.curation import CurationError
from warehouse import triage as wt
from warehouse.db import connect
from warehouse.marts import effects_of, run_flags
from warehouse.runs import finish_run, start_run

HCG_OP = "ongoing_pregnancy|therapy|control|RR|computed"


@pytest.fixture()
def con(triage_db):
    con = connect(triage_db[0])
    yield con
    con.close()


@pytest.fixture()
def apply(con, triage_weeks):
    def run(action, pmid=None, **kwargs):
        kwargs.setdefault("reason", "checked against the abstract")
        kwargs.setdefault("curator", "ann@example.org")
        return apply_decision(con, DecisionRequest(action, pmid=pmid, **kwargs), default_config(),
                              pool=triage_weeks.pool_and_flag)
    return run


def flag_status(con) -> dict[int, str]:
    return dict(con.execute("SELECT flag_id, status FROM flags").fetchall())


def counts(con) -> tuple[int, int]:
    return con.execute("SELECT (SELECT count(*) FROM store.decisions), (SELECT count(*) FROM store.runs)").fetchone()


def test_correcting_a_count_recomputes_its_ratio_pools_again_and_settles_flags(con, apply):
    outcome = apply("correct", "99000011", effect_key=HCG_OP, field="treat_events", value="24")
    rows = wt.consequences(con, outcome.decision_id)
    derived = {d["field"]: float(d["new_value"]) for d in rows if d["target"] == "effect"}
    assert derived["estimate"] == pytest.approx((24 / 80) / (20 / 79))
    assert all(d["via"] == "auto" and d["run_id"] == outcome.run_id for d in rows)
    effect = wt.effect_values(con, "99000011", HCG_OP)
    assert (effect["treat_events"], effect["source"], effect["curation_status"]) == (24, "curated", "corrected")
    assert effect["estimate"] == pytest.approx(derived["estimate"])
    changed = {(c["therapy"], c["outcome"], c["rif_stratum"]) for c in outcome.pooled_changes}
    assert changed == {("hcg_intrauterine", "ongoing_pregnancy", "rif_any"),
                       ("hcg_intrauterine", "ongoing_pregnancy", "rif_ge2")}
    # the week-38 flags said "crossed significance"; with the checked count it no longer holds
    statuses = flag_status(con)
    assert statuses[1] == statuses[2] == "dismissed"
    # the recomputation flags the loss of significance; the corrected paper is settled, so it stands confirmed
    assert [(f["kind"], f["status"], f["pmids"]) for f in outcome.new_flags] == [
        ("lost_significance", "confirmed", ["99000011"])] * 2  # no study moved: the decided paper is named
    assert statuses[3] == statuses[4] == "open"  # flags on other strata are untouched


def test_confirming_a_flagged_paper_confirms_its_numbers_and_the_flag(con, apply):
    outcome = apply("confirm", "99000011")
    assert outcome.pooled_changes == []
    assert {m["flag_id"]: m["status"] for m in outcome.flag_moves} == {1: "confirmed", 2: "confirmed"}
    assert [e.curation_status for e in effects_of(con, ["99000011"])] == ["confirmed", "confirmed"]
    queue = wt.load_queue(con, uncertain_band(default_config()))
    assert "99000011" not in {e.pmid for e in queue}
    # the digest's marts read the same decision: numbers confirmed, flag confirmed
    flags = run_flags(con, "2026-W38-snapshot")
    assert all(p.numbers_confirmed for f in flags for p in f.papers)
    assert {f.status for f in flags} == {"confirmed"}


def test_rejecting_a_paper_takes_it_out_of_pooling(con, apply):
    outcome = apply("reject", "99000011", why="not_a_trial")
    assert con.execute("SELECT count(*) FROM poolable_effects WHERE pmid = '99000011'").fetchone() == (0,)
    after = {(c["therapy"], c["outcome"], c["rif_stratum"]): c for c in outcome.pooled_changes}
    assert after[("hcg_intrauterine", "ongoing_pregnancy", "rif_any")]["after_k"] == 3
    assert flag_status(con)[1] == "dismissed"
    assert wt.paper_values(con, "99000011")["curation_status"] == "rejected"


def test_a_duplicate_names_an_existing_report(con, apply):
    apply("reject", "99000021", why="duplicate", of_pmid="99000012")
    assert wt.paper_values(con, "99000021")["curation_reason"] == "checked against the abstract"
    assert con.execute("SELECT new_value FROM decisions WHERE pmid = '99000021'").fetchone() == (
        "rejected:duplicate:99000012",)


@pytest.mark.parametrize("action, kwargs, message", [
    ("reject", {"pmid": "99000021", "why": "duplicate", "of_pmid": "99999999"}, "no paper with PMID 99999999"),
    ("reject", {"pmid": "99000021", "why": "duplicate"}, "needs the PMID"),
    ("confirm", {"pmid": "99000021", "reason": "  "}, "needs a reason"),
    ("confirm", {"pmid": "99000021", "curator": ""}, "needs who made it"),
    ("confirm", {"pmid": "12345"}, "no paper with PMID 12345"),
    ("confirm", {"pmid": "'; DROP TABLE x"}, "is not a PMID"),
    ("correct", {"pmid": "99000021", "effect_key": "e9", "field": "treat_events", "value": "3"}, "has no effect 'e9'"),
    ("correct", {"pmid": "99000021", "effect_key": "e1", "field": "treat_events", "value": "50"},
     "treat_events 50 exceed treat_total 45"),
    ("correct", {"pmid": "99000021", "effect_key": "e1", "field": "treat_events", "value": "19"}, "already '19'"),
    ("correct", {"pmid": "99000021", "field": "population", "value": "rif"}, "already 'rif'"),
    ("correct", {"pmid": "99000021"}, "needs --field"),
    ("flag", {"flag_id": 99, "verdict": "confirmed"}, "no flag #99"),
    ("flag", {"flag_id": 1, "verdict": "open"}, "confirmed or dismissed"),
    ("undo", {"pmid": "99000021"}, "unknown action"),
], ids=["duplicate-of-unknown", "duplicate-without-of", "blank-reason", "no-curator", "unknown-pmid", "not-a-pmid",
        "unknown-effect", "events-over-total", "same-value", "same-paper-value", "no-field", "unknown-flag",
        "bad-verdict", "unknown-action"])
def test_bad_requests_write_nothing(con, apply, action, kwargs, message):
    before = counts(con)
    with pytest.raises(CurationError, match=message):
        apply(action, **kwargs)
    assert counts(con) == before


def test_a_failing_recomputation_leaves_no_trace(con):
    def broken(con, run_id, config):
        raise RuntimeError("pooling broke")

    before = counts(con)
    with pytest.raises(RuntimeError, match="pooling broke"):
        apply_decision(con, DecisionRequest("confirm", pmid="99000011", reason="ok", curator="ann"), default_config(),
                       pool=broken)
    assert counts(con) == before


def test_a_corrected_design_sets_is_rct_and_leaves_pooling(con, apply):
    outcome = apply("correct", "99000006", field="design", value="cohort")
    fields = [(d["field"], d["new_value"], d["via"]) for d in wt.consequences(con, outcome.decision_id)
              if d["target"] == "paper"]
    assert fields == [("is_rct", "false", "auto")]
    assert con.execute("SELECT count(*) FROM poolable_effects WHERE pmid = '99000006'").fetchone() == (0,)
    # the flags on PBMC rested on this one trial: with it gone the strata are not pooled and the flags fall
    assert flag_status(con)[3] == flag_status(con)[4] == "dismissed"


def test_a_maintainers_flag_verdict_is_recorded_without_pooling(con, apply):
    runs_before = counts(con)[1]
    outcome = apply("flag", flag_id=3, verdict="dismissed", reason="single small trial; wait for more")
    assert outcome.run_id is None and counts(con)[1] == runs_before
    row = con.execute("SELECT status, status_reason, status_by FROM flags WHERE flag_id = 3").fetchone()
    assert row == ("dismissed", "single small trial; wait for more", "ann@example.org")
    with pytest.raises(CurationError, match="already dismissed"):
        apply("flag", flag_id=3, verdict="dismissed")


def test_effects_can_be_named_by_their_short_label(con, apply):
    outcome = apply("confirm", "99000021", effect_key="e2")
    decision = wt.decision(con, outcome.decision_id)
    assert decision["target_key"] == "live_birth|therapy|control|RR|reported"


def test_clearing_the_queue_leaves_the_next_digest_without_unconfirmed_numbers(con, apply, triage_weeks):
    band = uncertain_band(default_config())
    apply("correct", "99000021", effect_key="e2", field="estimate", value="2.06")
    apply("reject", "99000015", why="not_a_trial")
    apply("reject", "99000016", why="not_a_trial")
    for _ in range(30):
        queue = wt.load_queue(con, band)
        if not queue:
            break
        entry = queue[0]
        if entry.pmid:
            apply("confirm", entry.pmid)
        else:
            apply("flag", flag_id=entry.flag_id, verdict="confirmed")
    assert wt.load_queue(con, band) == []
    assert con.execute("SELECT count(*) FROM flags WHERE status = 'open'").fetchone() == (0,)
    start_run(con, "2026-W41-snapshot", "snapshot")
    triage_weeks.pool_and_flag(con, "2026-W41-snapshot", None)
    finish_run(con, "2026-W41-snapshot", "succeeded")
    text = render(compose_digest(con, "2026-W41-snapshot", default_config()), "md")
    assert "not yet confirmed" not in text
    assert "awaits a maintainer" not in text and "await a maintainer" not in text
