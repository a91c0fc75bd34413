"""The RCT model trains, calibrates per stratum, round-trips through JSON and refuses other features."""

from __future__ import annotations

import json

import numpy as np
import pytest

from models.rct_classifier import ModelFileError, ModelSettings, load_model, save_model, train

POSITIVE = [("Drug A versus placebo: a randomised trial", "Patients were randomly assigned to drug A or placebo."),
            ("Exercise after stroke", "Participants were randomized to two groups in a double-blind design."),
            ("Heparin or nothing after surgery", "Either heparin or no treatment was given; P = 0.04.")]
NEGATIVE = [("A case of rash", "We report a 40-year-old woman with a rash."),
            ("Statins: a systematic review", "We searched MEDLINE for eligible studies; meta-analysis followed."),
            ("Falls in older people", "We followed 300 people for a year and counted falls.")]
SETTINGS = ModelSettings(min_df=1, cv_folds=2)


@pytest.fixture(scope="module")
def model():
    return train(POSITIVE * 4 + NEGATIVE * 4, [True] * 12 + [False] * 12, settings=SETTINGS)


def test_scores_a_new_trial_above_a_new_review(model):
    trial, review = model.score_pairs([("Aspirin or placebo", "Women were randomized to two groups."),
                                       ("Aspirin: a systematic review", "We searched MEDLINE and Embase.")])
    assert 0 <= review < 0.5 < trial <= 1


def test_assessment_carries_the_rule_verdict(model):
    [assessment] = model.assess_pairs([("Aspirin: a systematic review", "We searched MEDLINE and Embase.")])
    assert assessment.verdict.stratum == "not_report" and assessment.verdict.never_a_report


def test_json_round_trip_keeps_scores(model, tmp_path):
    path = save_model(model, tmp_path / "m.json")
    again = load_model(path)
    pairs = POSITIVE + NEGATIVE
    assert np.allclose(again.score_pairs(pairs), model.score_pairs(pairs), atol=1e-8)
    assert again.version == model.version and again.version.startswith("rct-hybrid-")


def test_artifact_with_other_cues_is_refused(model, tmp_path):
    path = save_model(model, tmp_path / "m.json")
    data = json.loads(path.read_text())
    data["feature_names"] = data["feature_names"][:-1]
    path.write_text(json.dumps(data))
    with pytest.raises(ModelFileError, match="other cue features"):
        load_model(path)


def test_artifact_of_the_previous_format_is_refused_with_a_one_line_reason(tmp_path):
    path = tmp_path / "old.json"
    path.write_text(json.dumps({"format": "rifwatch-rct-linear/1"}))
    with pytest.raises(ModelFileError, match="retrain"):
        load_model(path)


def test_missing_artifact_is_one_line(tmp_path):
    with pytest.raises(ModelFileError, match="not found"):
        load_model(tmp_path / "absent.json")


def test_one_class_is_refused():
    with pytest.raises(ValueError, match="both"):
        train(POSITIVE, [True] * 3, settings=SETTINGS)


def test_text_strings_and_pairs_train_the_same_model():
    pairs = POSITIVE * 4 + NEGATIVE * 4
    labels = [True] * 12 + [False] * 12
    texts = [f"{t}\n\n{a}" for t, a in pairs]
    assert train(texts, labels, settings=SETTINGS).version == train(pairs, labels, settings=SETTINGS).version


def test_same_data_and_seed_give_the_same_model():
    pairs, labels = POSITIVE * 4 + NEGATIVE * 4, [True] * 12 + [False] * 12
    assert train(pairs, labels, settings=SETTINGS).version == train(pairs, labels, settings=SETTINGS).version
