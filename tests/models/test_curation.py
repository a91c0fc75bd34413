"""What a maintainer may write: field names, values, and effects that still make sense."""

from __future__ import annotations

import pytest

from models.curation import (CurationError, check_effect, derived_from_counts, is_rct_for_design,
                             normalise_effect_value, normalise_paper_value, rejection_value)

THERAPIES = ("g_csf", "pbmc", "hcg_intrauterine")


@pytest.mark.parametrize("field, text, expected", [
    ("design", "rct", ("design", "rct")),
    ("is_rct", "Yes", ("is_rct", "true")),
    ("rct", "no", ("is_rct", "false")),
    ("therapy", "pbmc", ("primary_therapy", "pbmc")),
    ("therapies", " g_csf ,pbmc,g_csf", ("therapies", "g_csf,pbmc")),
    ("population", "rpl", ("population", "rpl")),
    ("min_failures", "3", ("rif_min_failures", "3")),
    ("rif_min_failures", "", ("rif_min_failures", "")),
    ("rif_definition", "  two or more  failed transfers ", ("rif_definition_text", "two or more failed transfers")),
], ids=["design", "is-rct-yes", "alias-rct", "alias-therapy", "therapies-deduplicated", "population",
        "alias-min-failures", "clear-min-failures", "definition-whitespace"])
def test_paper_values_are_normalised(field, text, expected):
    assert normalise_paper_value(field, text, THERAPIES) == expected


@pytest.mark.parametrize("field, text, message", [
    ("design", "trial", "design: 'trial' is not one of"),
    ("therapy", "aspirin", "primary_therapy: 'aspirin' is not one of"),
    ("therapies", "", "name at least one therapy"),
    ("rif_min_failures", "0", "between 1 and 20"),
    ("rif_min_failures", "two", "not a whole number"),
    ("rif_definition_text", " ", "must not be empty"),
    ("colour", "blue", "unknown paper field 'colour'"),
], ids=["bad-design", "unknown-therapy", "no-therapies", "zero-failures", "words-for-number", "empty-definition",
        "unknown-field"])
def test_bad_paper_values_are_refused_in_one_line(field, text, message):
    with pytest.raises(CurationError, match=message) as caught:
        normalise_paper_value(field, text, THERAPIES)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("field, text, expected", [
    ("treat_events", "019", "19"), ("estimate", "2.06", "2.06"), ("p_value", "0.04", "0.04"),
    ("measure", "OR", "OR"), ("ci_low", "", ""), ("outcome", "live_birth", "live_birth"),
], ids=["count", "estimate", "p", "measure", "clear", "outcome"])
def test_effect_values_are_normalised(field, text, expected):
    assert normalise_effect_value(field, text) == expected


@pytest.mark.parametrize("field, text, message", [
    ("treat_events", "-1", "not a whole number"), ("treat_events", "1.5", "not a whole number"),
    ("estimate", "abc", "not a number"), ("estimate", "inf", "not a finite number"),
    ("p_value", "1.2", "between 0 and 1"), ("measure", "SMD", "not one of"), ("weight", "1", "unknown effect field"),
], ids=["negative", "fraction", "words", "infinite", "p-above-one", "unknown-measure", "unknown-field"])
def test_bad_effect_values_are_refused(field, text, message):
    with pytest.raises(CurationError, match=message):
        normalise_effect_value(field, text)


@pytest.mark.parametrize("values, message", [
    ({"treat_events": 50, "treat_total": 45}, "treat_events 50 exceed treat_total 45"),
    ({"ctrl_events": 0, "ctrl_total": 0}, "ctrl_total must be at least 1"),
    ({"measure": "RR", "estimate": 0.0}, "a RR must be above 0"),
    ({"ci_low": 2.0, "ci_high": 1.0}, "ci_low 2.0 is above ci_high 1.0"),
    ({"estimate": 3.0, "ci_low": 1.0, "ci_high": 2.0}, "outside its interval"),
], ids=["events-over-total", "empty-arm", "zero-ratio", "inverted-interval", "estimate-outside"])
def test_contradictory_effects_are_refused(values, message):
    with pytest.raises(CurationError, match=message):
        check_effect(values)


def test_a_consistent_effect_passes():
    check_effect({"treat_events": 19, "treat_total": 45, "ctrl_events": 9, "ctrl_total": 44, "measure": "RR",
                  "estimate": 2.06, "ci_low": 1.05, "ci_high": 4.06})


def test_ratios_follow_corrected_counts_and_nothing_is_invented_without_them():
    derived = derived_from_counts({"measure": "RR", "treat_events": 24, "treat_total": 80, "ctrl_events": 20,
                                   "ctrl_total": 79})
    assert round(float(derived["estimate"]), 3) == round((24 / 80) / (20 / 79), 3)
    assert float(derived["ci_low"]) < float(derived["estimate"]) < float(derived["ci_high"])
    assert derived_from_counts({"measure": "RR", "treat_events": 24, "treat_total": None}) == {}
    assert derived_from_counts({"measure": "HR", "treat_events": 1, "treat_total": 2, "ctrl_events": 1,
                                "ctrl_total": 2}) == {}


@pytest.mark.parametrize("why, of, expected", [
    ("not_a_trial", None, "rejected:not_a_trial"), ("off_topic", None, "rejected:off_topic"),
    ("duplicate", "90000029", "rejected:duplicate:90000029"),
], ids=["not-a-trial", "off-topic", "duplicate"])
def test_rejections(why, of, expected):
    assert rejection_value(why, of, "90000031") == expected


@pytest.mark.parametrize("why, of, message", [
    ("duplicate", None, "needs the PMID"), ("duplicate", "90000031", "cannot duplicate itself"),
    ("off_topic", "90000029", "only applies to --why duplicate"), ("boring", None, "not one of"),
], ids=["duplicate-without-of", "duplicate-of-itself", "of-without-duplicate", "unknown-why"])
def test_bad_rejections(why, of, message):
    with pytest.raises(CurationError, match=message):
        rejection_value(why, of, "90000031")


def test_a_corrected_design_implies_is_rct_except_for_quasi_trials():
    assert [is_rct_for_design(d) for d in ("rct", "quasi_rct", "cohort")] == [True, None, False]
