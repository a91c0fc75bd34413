"""The digest's lead estimate: measure choice and the small-k rules."""

from __future__ import annotations

import pytest

from models.lead import NOTE_K2, LeadEstimator, choose_measure
from models.pooling import Study, pool

COUNTS = [Study.from_counts("1", 13, 71, 10, 71), Study.from_counts("2", 4, 26, 3, 25),
          Study.from_counts("3", 12, 82, 13, 75)]


def test_counts_only_keep_the_configured_measure():
    choice = choose_measure(COUNTS, "RR")
    assert choice.measure == "RR" and choice.excluded_ids == () and len(choice.studies) == 3


def test_a_study_with_only_an_or_moves_the_stratum_to_or():
    choice = choose_measure(COUNTS + [Study.from_reported("r", "OR", 2.94, 1.23, 8.33)], "RR")
    assert choice.measure == "OR" and choice.excluded_ids == ()
    assert "OR" in choice.reason


def test_when_no_measure_covers_everyone_the_excluded_are_named():
    studies = COUNTS + [Study.from_reported("or", "OR", 2.0, 1.1, 3.5), Study.from_reported("rr", "RR", 1.4, 1.0, 2.0)]
    choice = choose_measure(studies, "RR")
    assert choice.measure == "RR" and choice.excluded_ids == ("or",)


def test_a_study_with_counts_and_a_reported_ratio_is_counted_once_from_its_counts():
    both = Study("2", 4, 26, 3, 25, measure="OR", estimate=9.0, ci_low=2.0, ci_high=30.0)
    studies = [COUNTS[0], both, COUNTS[2]]
    choice = choose_measure(studies, "RR")
    assert choice.measure == "RR"
    lead = LeadEstimator().fit(choice.studies)
    assert lead.k == 3 and lead.theta == pytest.approx(pool(COUNTS, method="REML", ci="hksj-adhoc").theta)


def test_one_study_is_the_study_itself():
    lead = LeadEstimator().fit(COUNTS[:1])
    assert lead.label == "single study" and lead.ci_method == "wald"


def test_two_studies_lead_with_the_fixed_effect_and_say_why():
    lead = LeadEstimator().fit(COUNTS[:2])
    assert lead.method == "MH" and lead.ci_method == "wald" and lead.note == NOTE_K2
    mixed = LeadEstimator(measure="OR").fit([COUNTS[0], Study.from_reported("r", "OR", 2.9, 1.2, 8.3)])
    assert mixed.method == "FE"


def test_three_studies_use_the_configured_random_effects_model():
    lead = LeadEstimator(method="REML", ci="hksj-adhoc").fit(COUNTS)
    assert (lead.method, lead.ci_method, lead.label) == ("REML", "hksj-adhoc", "random effects")


def test_configured_mh_falls_back_to_inverse_variance_without_counts():
    studies = COUNTS + [Study.from_reported("r", "RR", 1.3, 0.9, 1.9)]
    lead = LeadEstimator(method="MH").fit(studies)
    assert lead.method == "FE" and "no 2x2 counts" in lead.note


def test_a_failing_tau2_estimator_falls_back_to_dersimonian_laird():
    # Log RRs this far apart put the Paule-Mandel tau2 beyond its search range of [0, 100].
    studies = [Study.from_log("1", "RR", -30.0, 0.01), Study.from_log("2", "RR", 30.0, 0.01),
               Study.from_log("3", "RR", 0.0, 0.01)]
    lead = LeadEstimator(method="PM").fit(studies)
    assert lead.method == "DL" and "PM failed" in lead.note
