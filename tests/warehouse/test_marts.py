"""The digest's marts: what a run brought, what changed, where things stand, what awaits triage."""

from __future__ import annotations

import dataclasses
from datetime import datetime

import pytest

from config.schema import load_config
from warehouse import marts
from warehouse.load import insert_effects, load_revisions, upsert_records
from warehouse.runs import finish_run, start_run


def decide(con, pmid, target, key, action, new_value=None):
    con.execute(
        "INSERT INTO store.decisions (pmid, target, target_key, action, field, new_value, reason, curator, decided_at)"
        " VALUES (?, ?, ?, ?, 'status', ?, 'test', 'tester', ?)",
        [pmid, target, key, action, new_value, datetime(2026, 9, 20)])


def _configured_band() -> tuple[float, float]:
    from config.vocabulary import load_operating_points
    from models.triage_queue import band_of

    band = band_of(load_operating_points())
    return band.low, band.high


BAND = _configured_band()


def test_run_header_counts_what_awaits_triage_and_where_estimates_come_from(digest_warehouse):
    con, ids = digest_warehouse
    busy = marts.run_header(con, ids["busy"], uncertain_band=BAND)
    assert (busy.status, busy.n_new, busy.n_rct_new) == ("succeeded", 7, 3)
    assert busy.n_effects_awaiting_triage == 1  # the G-CSF clinical pregnancy that failed its check
    assert busy.n_papers_uncertain == 2  # the registration and the protocol, inside the band
    assert (busy.pooled_run_id, busy.previous_pooled_run_id) == (ids["busy"], ids["baseline"])
    first = marts.run_header(con, ids["baseline"], uncertain_band=BAND)
    assert (first.pooled_run_id, first.previous_pooled_run_id) == (ids["baseline"], None)
    assert first.n_effects_awaiting_triage == 0  # the failing number arrived a week later


def test_a_failed_run_reports_its_error_and_falls_back_to_the_last_pooled_run(digest_warehouse):
    con, ids = digest_warehouse
    failed = marts.run_header(con, ids["failed"], uncertain_band=BAND)
    assert failed.status == "partial" and "HTTP 500" in failed.error
    assert failed.n_http_errors == 1
    assert (failed.pooled_run_id, failed.previous_pooled_run_id) == (ids["quiet"], ids["busy"])


def test_unknown_run_is_a_one_line_error(digest_warehouse):
    con, _ = digest_warehouse
    with pytest.raises(marts.MartError, match="no run 'nope'"):
        marts.run_header(con, "nope", uncertain_band=BAND)


def test_maintainer_decisions_empty_the_triage_counts(digest_warehouse):
    con, ids = digest_warehouse
    key = con.execute("SELECT effect_key FROM effect_mentions WHERE len(check_failures) > 0").fetchone()[0]
    decide(con, "99000012", "effect", key, "confirm")
    decide(con, "99000015", "paper", None, "confirm", "confirmed")
    header = marts.run_header(con, ids["busy"], uncertain_band=BAND)
    assert header.n_effects_awaiting_triage == 0
    assert header.n_papers_uncertain == 1


def test_new_records_are_those_first_seen_in_the_run(digest_warehouse):
    con, ids = digest_warehouse
    busy = marts.new_records(con, ids["busy"])
    assert len(busy) == 7
    assert sorted(p.pmid for p in busy if marts.is_trial(p)) == ["99000011", "99000012", "99000013"]
    assert marts.new_records(con, ids["quiet"]) == []
    assert isinstance(busy[0].authors, tuple)


def test_flags_carry_their_papers_and_whether_their_numbers_were_confirmed(digest_warehouse, digest_weeks):
    con, ids = digest_warehouse
    flags = marts.run_flags(con, ids["busy"])
    assert [(f.rif_stratum, f.kind, f.status) for f in flags] == [
        ("rif_any", "crossed_significance", "open"), ("rif_ge2", "crossed_significance", "open")]
    (paper,) = flags[0].papers
    assert (paper.pmid, paper.n_effects, paper.numbers_confirmed) == ("99000011", 1, False)
    digest_weeks.confirm_effects(con, "99000011")
    (paper,) = marts.run_flags(con, ids["busy"])[0].papers
    assert paper.numbers_confirmed and paper.checked_by == "maintainer@example.org"
    assert marts.run_flags(con, ids["quiet"]) == []


def test_flag_status_follows_a_maintainers_decision(digest_warehouse):
    con, ids = digest_warehouse
    flag_id = marts.run_flags(con, ids["busy"])[1].flag_id
    con.execute("INSERT INTO store.decisions (pmid, target, target_key, action, field, new_value, reason, curator,"
                " decided_at) VALUES ('99000011', 'flag', ?, 'confirm', 'status', 'confirmed', 'checked', 'ana', ?)",
                [str(flag_id), datetime(2026, 9, 16)])
    flag = marts.run_flags(con, ids["busy"])[1]
    assert (flag.status, flag.status_by) == ("confirmed", "ana")


def test_pooled_state_sets_each_lead_estimate_beside_the_previous_run(digest_warehouse):
    con, ids = digest_warehouse
    rows = {(r.therapy, r.outcome, r.rif_stratum): r for r in marts.pooled_state(con, ids["busy"])}
    assert len(rows) == 7
    ge2 = rows[("hcg_intrauterine", "ongoing_pregnancy", "rif_ge2")]
    assert (ge2.k, ge2.prev_k, ge2.significant, ge2.prev_significant) == (3, 2, True, False)
    assert ge2.pmids == ("99000001", "99000002", "99000011")
    assert rows[("g_csf", "live_birth", "rif_ge3")].prev_k is None
    quiet = marts.pooled_state(con, ids["quiet"])
    assert all(r.k == r.prev_k and r.estimate == r.prev_estimate for r in quiet)


def test_a_stratum_that_is_no_longer_pooled_shows_as_a_row_without_k(digest_warehouse, digest_weeks):
    con, ids = digest_warehouse
    start_run(con, "2026-W41-snapshot", "snapshot", started_at=datetime(2026, 10, 5, 6))
    for key in digest_weeks.STRATA_W38[1:]:
        digest_weeks.pool(con, "2026-W41-snapshot", *key)
    finish_run(con, "2026-W41-snapshot", "succeeded")
    gone = [r for r in marts.pooled_state(con, "2026-W41-snapshot") if r.k is None]
    assert [(r.therapy, r.outcome, r.rif_stratum, r.prev_k) for r in gone] == [
        ("hcg_intrauterine", "ongoing_pregnancy", "rif_any", 4)]


def test_cumulative_series_has_one_step_per_study_in_entry_order(digest_warehouse):
    con, ids = digest_warehouse
    key = ("hcg_intrauterine", "ongoing_pregnancy", "rif_any")
    steps = marts.cumulative_series(con, ids["busy"], [key])
    assert [s.step for s in steps] == [1, 2, 3, 4] and [s.k for s in steps] == [1, 2, 3, 4]
    assert [s.pmid for s in steps][-1] == "99000011"
    assert steps == sorted(steps, key=lambda s: s.entry_date)
    assert marts.cumulative_series(con, ids["failed"], [key])[-1].pmid == "99000011"  # as of the W39 pooling


def test_study_effects_leave_out_unchecked_failures_and_rejections(digest_warehouse):
    con, ids = digest_warehouse
    assert marts.study_effects(con, ["99000012"], "clinical_pregnancy", "RR") == []
    key = con.execute("SELECT effect_key FROM effect_mentions WHERE pmid = '99000012' AND outcome = 'clinical_pregnancy'").fetchone()[0]
    decide(con, "99000012", "effect", key, "confirm")
    (row,) = marts.study_effects(con, ["99000012"], "clinical_pregnancy", "RR")
    assert row.is_checked
    live = con.execute("SELECT effect_key FROM effect_mentions WHERE pmid = '99000012' AND outcome = 'live_birth'").fetchone()[0]
    decide(con, "99000012", "effect", live, "reject")
    assert marts.study_effects(con, ["99000012"], "live_birth", "RR") == []


def test_study_effects_prefer_the_value_computed_from_counts_for_one_comparison(digest_warehouse):
    con, _ = digest_warehouse
    from extractors.records import Effect

    reported = Effect(pmid="99000006", outcome="live_birth", measure="RR", estimate=2.1, ci_low=1.1, ci_high=4.1,
                      treat_arm="therapy", ctrl_arm="control", source="reported", evidence_text="RR 2.1")
    computed = con.execute("SELECT effect_key, estimate FROM effects WHERE pmid = '99000006'").fetchone()
    rows = con.execute("SELECT * FROM store.extracted_effects WHERE pmid = '99000006'").fetchall()
    assert len(rows) == 1
    # both rows in one extraction, as an extractor that finds counts and a reported ratio writes them
    created = con.execute("SELECT created_at, run_id FROM store.extracted_effects WHERE pmid = '99000006'").fetchone()
    insert_effects(con, [(1, reported)], created[1], "fixture")
    con.execute("UPDATE store.extracted_effects SET created_at = ? WHERE pmid = '99000006'", [created[0]])
    (row,) = marts.study_effects(con, ["99000006"], "live_birth", "RR")
    assert row.estimate == pytest.approx(computed[1])


def test_a_retraction_arriving_for_a_known_paper_is_listed(digest_warehouse):
    con, ids = digest_warehouse
    (old,) = load_revisions(con, [("99000001", 1)])
    start_run(con, "2026-W41-snapshot", "snapshot", started_at=datetime(2026, 10, 5, 6))
    upsert_records(con, [dataclasses.replace(old, publication_types=("Journal Article", "Retracted Publication"))],
                   "2026-W41-snapshot")
    assert [p.pmid for p in marts.newly_retracted(con, "2026-W41-snapshot")] == ["99000001"]
    assert marts.newly_retracted(con, ids["busy"]) == []


def test_review_positions_quote_config_verbatim():
    config = load_config()
    positions = marts.review_positions(config)
    hcg = config.therapy("hcg_intrauterine")
    assert positions["hcg_intrauterine"].table2_recommendation == hcg.table2_recommendation
    assert positions["pbmc"].table1_verdict == "Possibly effective for RIF"
    assert set(positions) == set(config.therapy_ids)


def test_study_effects_of_all_strata_at_once_match_one_stratum_at_a_time(digest_warehouse):
    con, ids = digest_warehouse
    rows = marts.pooled_state(con, ids["busy"])
    together = marts.study_effects_by_stratum(con, rows)
    assert set(together) == {(r.therapy, r.outcome, r.rif_stratum) for r in rows}
    for r in rows:
        alone = marts.study_effects(con, list(r.pmids), r.outcome, r.measure)
        assert together[(r.therapy, r.outcome, r.rif_stratum)] == tuple(alone)
        assert len(alone) == r.k
