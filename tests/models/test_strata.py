"""Stratum assembly: RIF populations only, one contribution per trial, shared controls once."""

from __future__ import annotations

from datetime import date

import pytest

from models.strata import EvidenceRow, StratumKey, build_strata

THRESHOLDS = {"rif_any": 0, "rif_ge2": 2, "rif_ge3": 3}


def row(pmid="1", **kw) -> EvidenceRow:
    base = dict(pmid=pmid, entry_date=date(2026, 9, 8), therapy="g_csf", outcome="live_birth",
                population="rif", rif_min_failures=3)
    base.update(kw)
    return EvidenceRow(**base)


def test_non_rif_trial_is_never_pooled_into_a_rif_stratum():
    strata = build_strata([row(population="general_ivf", treat_events=5, treat_total=10, ctrl_events=3,
                               ctrl_total=10)], THRESHOLDS)
    assert strata == {}


@pytest.mark.parametrize(("minimum", "expected"), [(2, {"rif_any", "rif_ge2"}), (4, set(THRESHOLDS)),
                                                   (None, {"rif_any"})], ids=["ge2", "ge4", "unknown"])
def test_definition_decides_the_strata(minimum, expected):
    strata = build_strata([row(rif_min_failures=minimum, treat_events=5, treat_total=10, ctrl_events=3,
                               ctrl_total=10)], THRESHOLDS)
    assert {k.rif_stratum for k in strata} == expected


def test_counts_win_over_a_reported_ratio_for_the_same_trial():
    rows = [row(treat_events=13, treat_total=71, ctrl_events=10, ctrl_total=71, measure="RR", estimate=1.3,
                ci_low=0.61, ci_high=2.77, source="computed"),
            row(measure="OR", estimate=1.37, ci_low=0.55, ci_high=3.36, source="reported")]
    (trial,) = build_strata(rows, THRESHOLDS)[StratumKey("g_csf", "live_birth", "rif_any")]
    assert trial.counts() == (13, 71, 10, 71) and not trial.has_reported


def test_reported_ratio_is_used_when_no_counts_exist():
    rows = [row(measure="OR", estimate=2.94, ci_low=1.23, ci_high=8.33, outcome="clinical_pregnancy",
                treat_total=56, ctrl_total=56)]
    (trial,) = build_strata(rows, THRESHOLDS)[StratumKey("g_csf", "clinical_pregnancy", "rif_ge3")]
    assert not trial.has_counts and (trial.measure, trial.estimate, trial.ci_low, trial.ci_high) == ("OR", 2.94, 1.23, 8.33)
    assert trial.can_give("OR") and not trial.can_give("RR")
    assert trial.patients == 112


def test_two_active_arms_share_one_control_without_double_counting():
    rows = [row(treat_arm="G-CSF intrauterine", treat_events=10, treat_total=40, ctrl_arm="placebo",
                ctrl_events=6, ctrl_total=40),
            row(treat_arm="G-CSF subcutaneous", treat_events=12, treat_total=41, ctrl_arm="placebo",
                ctrl_events=6, ctrl_total=40)]
    (trial,) = build_strata(rows, THRESHOLDS)[StratumKey("g_csf", "live_birth", "rif_any")]
    assert trial.counts() == (22, 81, 6, 40)
    assert trial.patients == 121


def test_placebo_control_is_preferred_over_no_treatment():
    rows = [row(treat_arm="A", treat_events=10, treat_total=40, ctrl_arm="no treatment", ctrl_events=4,
                ctrl_total=40),
            row(treat_arm="A", treat_events=10, treat_total=40, ctrl_arm="saline placebo", ctrl_events=7,
                ctrl_total=39)]
    (trial,) = build_strata(rows, THRESHOLDS)[StratumKey("g_csf", "live_birth", "rif_any")]
    assert trial.counts() == (10, 40, 7, 39)


def test_trials_come_in_entry_date_order():
    rows = [row("2", entry_date=date(2026, 9, 20), treat_events=1, treat_total=9, ctrl_events=1, ctrl_total=9),
            row("1", entry_date=date(2026, 9, 10), treat_events=1, treat_total=9, ctrl_events=1, ctrl_total=9)]
    trials = build_strata(rows, THRESHOLDS)[StratumKey("g_csf", "live_birth", "rif_any")]
    assert [t.id for t in trials] == ["1", "2"]
