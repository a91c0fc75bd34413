"""The triage queue's order and reasons, on hand-made rows."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.effect_sizes import effect_from_counts
from models.triage_queue import (FLAG, NEW_TRIAL, UNCERTAIN, EffectState, OpenFlag, Orphan, PaperState,
                                 UncertainBand, build_queue, paper_settled_for, ratio_disagreements)

BAND = UncertainBand(0.21, 0.82)


def paper(pmid, *, status="machine", probability=0.95, run="2026-W40-snapshot", seen=datetime(2026, 10, 5),
          source="snapshot", is_rct=True, design="rct", decided_class=False):
    return PaperState(pmid, f"Trial {pmid}", date(2026, 9, 30), run, source, seen, is_rct, design, probability,
                      status, decided_class)


def effect(pmid, key="lb", *, outcome="live_birth", source="computed", measure="RR", estimate=2.06,
           counts=(19, 45, 9, 44), status="machine", failures=(), arms=("therapy", "control")):
    te, tn, ce, cn = counts if counts else (None,) * 4
    return EffectState(pmid, key, outcome, measure, estimate, te, tn, ce, cn, source, *arms, tuple(failures), status)


def flag(flag_id=1, pmids=("1",), outcome="live_birth"):
    return OpenFlag(flag_id, "2026-W40-snapshot", "g_csf", outcome, "rif_any", "crossed_significance", tuple(pmids))


def test_flagged_papers_come_first_then_uncertain_then_new_trials():
    papers = [paper("1"), paper("2", probability=0.5, is_rct=False, design="other"), paper("3")]
    queue = build_queue(papers, [effect("1")], [flag(pmids=("1",))], [], BAND)
    assert [(e.pmid, e.group) for e in queue] == [("1", FLAG), ("2", UNCERTAIN), ("3", NEW_TRIAL)]
    assert queue[0].codes == ("open_flag",)
    assert "flag #1" in queue[0].reasons[0].text


@pytest.mark.parametrize("status, expected", [
    ("confirmed", []), ("rejected", []), ("corrected", ["3"]), ("machine", ["3"]),
], ids=["confirmed-leaves", "rejected-leaves", "corrected-stays-until-confirmed", "machine-stays"])
def test_decided_papers_leave_the_queue(status, expected):
    assert [e.pmid for e in build_queue([paper("3", status=status)], [], [], [], BAND)] == expected


def test_a_new_effect_that_failed_its_check_brings_a_confirmed_paper_back():
    queue = build_queue([paper("4", status="confirmed")], [effect("4", failures=("45% disagrees with 31/75",))],
                        [], [], BAND)
    assert [e.codes for e in queue] == [("failed_check",)]


@pytest.mark.parametrize("probability, in_queue", [
    (0.20, False), (0.21, True), (0.5, True), (0.819, True), (0.82, False), (None, False),
], ids=["below-sensitive", "at-sensitive", "middle", "just-below-precise", "at-precise", "unknown"])
def test_uncertain_means_between_the_sensitive_and_precise_points(probability, in_queue):
    queue = build_queue([paper("5", probability=probability, is_rct=False, design="cohort")], [], [], [], BAND)
    assert bool(queue) is in_queue


def test_a_maintainers_design_correction_settles_the_uncertainty():
    queue = build_queue([paper("5", probability=0.5, is_rct=False, design="cohort", status="corrected",
                               decided_class=True)], [], [], [], BAND)
    assert queue == []


def test_a_baseline_load_is_not_news():
    assert build_queue([paper("6", source="baseline")], [], [], [], BAND) == []


def test_only_the_latest_surveillance_run_is_this_weeks_news():
    old = paper("7", run="2026-W39-snapshot", seen=datetime(2026, 9, 28))
    new = paper("8", run="2026-W40-snapshot", seen=datetime(2026, 10, 5))
    queue = build_queue([old, new], [], [], [], BAND)
    assert [e.pmid for e in queue] == ["8", "7"]
    assert "this week" in queue[0].reasons[0].text and "not yet reviewed" in queue[1].reasons[0].text


def test_a_flag_whose_papers_are_settled_awaits_its_verdict():
    checked = effect("1", status="confirmed")
    queue = build_queue([paper("1", status="confirmed")], [checked], [flag(pmids=("1",))], [], BAND)
    assert [(e.flag_id, e.codes) for e in queue] == [(1, ("flag_awaits_verdict",))]
    assert build_queue([], [], [flag(pmids=())], [], BAND)[0].flag_id == 1


def test_orphaned_decisions_show_until_someone_looks_again():
    orphan = Orphan(9, "1", "lb|therapy|control|RR|computed", "treat_events", "24", reviewed_since=False)
    queue = build_queue([paper("1", status="confirmed")], [], [], [orphan], BAND)
    assert queue[0].codes == ("orphaned_decision",) and "#9" in queue[0].reasons[0].text
    looked = Orphan(9, "1", "lb", "treat_events", "24", reviewed_since=True)
    assert build_queue([paper("1", status="confirmed")], [], [], [looked], BAND) == []


@pytest.mark.parametrize("effects, settled", [
    ([], False),
    ([effect("1", status="confirmed")], True),
    ([effect("1", status="corrected"), effect("1", "cp", outcome="clinical_pregnancy")], True),
    ([effect("1", status="confirmed"), effect("1", "lb2")], False),
    ([effect("1", status="rejected"), effect("1", "lb2", status="confirmed")], True),
], ids=["no-effects-machine-paper", "confirmed", "other-outcome-ignored", "one-unchecked", "rejected-ignored"])
def test_when_a_papers_numbers_count_as_settled(effects, settled):
    assert paper_settled_for(paper("1"), effects, "live_birth") is settled


def test_a_rejected_paper_is_settled_whatever_its_numbers():
    assert paper_settled_for(paper("1", status="rejected"), [effect("1")], "live_birth")


def test_a_reported_ratio_the_counts_do_not_give_is_a_disagreement():
    reported = effect("1", "rep", source="reported", estimate=3.10, counts=None)
    found = ratio_disagreements([reported, effect("1")])
    assert [(e.effect_key, round(r, 2)) for e, r, _ in found] == [("rep", 2.06)]


def test_counts_of_other_arms_are_not_used_when_ambiguous():
    reported = effect("1", "rep", source="reported", estimate=3.10, counts=None, arms=(None, None))
    a = effect("1", "a", arms=("high dose", "control"))
    b = effect("1", "b", counts=(10, 40, 9, 44), arms=("low dose", "control"))
    assert ratio_disagreements([reported, a, b]) == []


@given(st.integers(1, 60), st.integers(61, 120), st.integers(1, 60), st.integers(61, 120))
def test_a_ratio_rounded_to_two_decimals_never_disagrees_with_its_counts(te, tn, ce, cn):
    size = effect_from_counts("RR", te, tn, ce, cn)
    reported = effect("1", "rep", source="reported", estimate=round(size.estimate, 2), counts=(te, tn, ce, cn))
    if reported.estimate > 0:
        assert ratio_disagreements([reported]) == []


@given(st.integers(1, 30), st.integers(61, 120), st.integers(31, 60), st.integers(61, 120))
def test_swapped_arms_are_caught_when_the_ratio_is_far_from_one(te, tn, ce, cn):
    size = effect_from_counts("RR", te, tn, ce, cn)
    swapped = effect("1", "rep", source="reported", estimate=1 / size.estimate, counts=(te, tn, ce, cn))
    if abs(size.yi) > 0.1:  # a ratio and its reciprocal are more than 10% apart only away from 1
        assert len(ratio_disagreements([swapped])) == 1


def test_records_nlm_indexed_are_not_the_models_uncertainty():
    indexed = dataclasses.replace(paper("9", probability=0.5, is_rct=False, design="meta_analysis"), indexed=True)
    assert build_queue([indexed], [], [], [], BAND) == []


def test_the_band_comes_from_the_configured_operating_points():
    from config.vocabulary import load_operating_points
    from models.triage_queue import band_of

    points = load_operating_points()
    band = band_of(points)
    assert (band.low, band.high) == (points.threshold("sensitive"), points.threshold("precise"))
    assert band.low < points.threshold("balanced") < band.high
