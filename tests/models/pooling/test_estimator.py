"""The estimator's contract: registry, settings, results, refusals."""

from __future__ import annotations

import dataclasses
import math

import pytest

from models.pooling import (
    CI_METHODS,
    METHODS,
    Estimator,
    PoolingError,
    Study,
    UnknownChoice,
    combine_active_arms,
    effect_table,
    pool,
)

TRIALS = [Study.from_counts("1", 13, 71, 10, 71), Study.from_counts("2", 4, 26, 3, 25),
          Study.from_counts("3", 12, 82, 13, 75)]


@pytest.mark.parametrize(("setting", "value", "listed"), [
    pytest.param("method", "SJ", "FE, MH, DL, REML, PM", id="method"),
    pytest.param("ci", "profile", "wald, hksj, hksj-adhoc", id="interval"),
    pytest.param("measure", "HR", "RR, OR, RD", id="measure"),
])
def test_unknown_names_list_the_choices(setting, value, listed):
    with pytest.raises(UnknownChoice) as info:
        Estimator(**{setting: value})
    assert listed in str(info.value) and "\n" not in str(info.value)


def test_names_are_matched_without_regard_to_case():
    estimator = Estimator(measure="rr", method="reml", ci="HKSJ-adhoc")
    assert (estimator.measure, estimator.method, estimator.ci) == ("RR", "REML", "hksj-adhoc")


def test_registries_hold_the_issue_methods():
    assert {"FE", "MH", "DL", "REML", "PM"} <= set(METHODS)
    assert CI_METHODS == ("wald", "hksj", "hksj-adhoc")


def test_mantel_haenszel_has_only_a_wald_interval():
    with pytest.raises(PoolingError, match="only a Wald"):
        Estimator(method="MH", ci="hksj")


def test_result_is_immutable_and_has_the_contract_fields():
    result = pool(TRIALS, measure="OR", method="REML", ci="hksj-adhoc")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.estimate = 2.0
    payload = result.as_json()
    for key in ("estimate", "ci_low", "ci_high", "p_value", "tau2", "i2", "pi_low", "pi_high", "k"):
        assert key in payload
    assert payload["estimate"] == pytest.approx(math.exp(result.theta))
    assert result.n_patients == 71 + 71 + 26 + 25 + 82 + 75


def test_settings_in_constructor_data_in_fit():
    estimator = Estimator(measure="RR", method="DL")
    assert estimator.fit(TRIALS) == estimator.fit(list(TRIALS))
    assert estimator.fit(TRIALS[:2]).k == 2


def test_a_study_listed_twice_is_refused():
    with pytest.raises(PoolingError, match="listed twice"):
        pool(TRIALS + [TRIALS[0]])


def test_no_estimable_study_gives_a_labelled_empty_result():
    result = pool([Study.from_counts("a", 0, 10, 0, 12), Study.from_counts("b", 0, 8, 0, 9)], measure="RR")
    assert not result.estimable and result.label == "not estimable"
    assert result.excluded_ids == ("a", "b") and result.estimate is None


def test_double_zero_study_counts_for_rd_but_not_for_ratios():
    studies = TRIALS + [Study.from_counts("dz", 0, 20, 0, 20)]
    assert pool(studies, measure="RR", method="DL").excluded_ids == ("dz",)
    assert pool(studies, measure="RD", method="DL").k == 4


def test_mantel_haenszel_uses_raw_counts_without_correction():
    studies = [Study.from_counts("a", 0, 20, 3, 20), Study.from_counts("b", 2, 25, 6, 24)]
    # MH RR = sum(a n2 / N) / sum(c n1 / N), with the raw zero.
    expected = (0 * 20 / 40 + 2 * 24 / 49) / (3 * 20 / 40 + 6 * 25 / 49)
    assert pool(studies, measure="RR", method="MH").estimate == pytest.approx(expected, rel=1e-12)


def test_mantel_haenszel_needs_counts():
    mixed = TRIALS[:2] + [Study.from_reported("r", "RR", 1.2, 0.8, 1.8)]
    with pytest.raises(PoolingError, match="needs 2x2 counts"):
        pool(mixed, method="MH")


def test_mantel_haenszel_without_events_in_one_arm_is_not_estimable():
    studies = [Study.from_counts("a", 0, 20, 3, 20), Study.from_counts("b", 0, 25, 6, 24)]
    assert not pool(studies, measure="OR", method="MH").estimable


def test_fixed_effect_reports_no_tau2_and_no_prediction_interval():
    result = pool(TRIALS, method="FE")
    assert result.tau2 is None and result.pi_low is None and result.label == "fixed effect"


def test_reported_ratio_enters_with_the_se_from_its_interval():
    reported = Study.from_reported("r", "OR", 2.94, 1.23, 8.33)
    table = effect_table(TRIALS + [reported], "OR")
    se = (math.log(8.33) - math.log(1.23)) / (2 * 1.959963984540054)
    assert table.vi[-1] == pytest.approx(se * se) and table.yi[-1] == pytest.approx(math.log(2.94))
    assert effect_table(TRIALS + [reported], "RR").excluded == ("r",)
    assert effect_table([reported], "OR").n_patients is None


def test_counts_win_over_a_reported_ratio_of_the_same_study():
    both = Study("x", 13, 71, 10, 71, measure="OR", estimate=5.0, ci_low=2.0, ci_high=9.0)
    assert pool([both], measure="OR").estimate == pytest.approx((13 * 61) / (58 * 10))


@pytest.mark.parametrize("kwargs", [
    pytest.param({"treat_events": 3}, id="partial-counts"),
    pytest.param({}, id="nothing"),
    pytest.param({"treat_events": 5, "treat_total": 4, "ctrl_events": 1, "ctrl_total": 9}, id="events-gt-total"),
    pytest.param({"measure": "HR", "estimate": 0.8, "ci_low": 0.6, "ci_high": 1.1}, id="hazard-ratio"),
])
def test_bad_study_inputs_are_one_line_errors(kwargs):
    with pytest.raises(PoolingError) as info:
        Study("s1", **kwargs)
    assert "\n" not in str(info.value) and "s1" in str(info.value)


def test_several_active_arms_share_their_control_once():
    merged = combine_active_arms("t", [(10, 40), (12, 41)], (8, 40))
    assert merged.counts() == (22, 81, 8, 40) and merged.patients == 121


def test_hksj_with_identical_studies_matches_metafor_zero_width():
    result = Estimator(measure="RD", method="FE", ci="hksj").fit_effects([0.1, 0.1], [0.02, 0.03])
    assert result.se == 0 and result.ci_low == result.ci_high == pytest.approx(0.1)



def test_study_from_an_extracted_effect():
    from extractors.records import Effect

    counts = Effect(pmid="31", outcome="live_birth", treat_events=5, treat_total=20, ctrl_events=3,
                    ctrl_total=21, measure="RR", estimate=1.75, ci_low=0.5, ci_high=6.0)
    assert Study.from_effect(counts).counts() == (5, 20, 3, 21)
    reported = Effect(pmid="32", outcome="live_birth", measure="OR", estimate=2.9, ci_low=1.2, ci_high=8.3)
    assert Study.from_effect(reported).measure == "OR"
    assert Study.from_effect(Effect(pmid="33", outcome="live_birth", measure="HR", estimate=0.8,
                                    ci_low=0.6, ci_high=1.1)) is None
    assert Study.from_effect(Effect(pmid="34", outcome="live_birth", measure="RR", estimate=1.2)) is None
    failed = Effect(pmid="35", outcome="live_birth", treat_events=5, treat_total=20, ctrl_events=3,
                    ctrl_total=21, check_failures=("events exceed total",))
    assert Study.from_effect(failed) is None
