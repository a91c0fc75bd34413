"""The RCT model trains, calibrates, round-trips through JSON and sets thresholds by its targets."""

from __future__ import annotations

import json

import numpy as np
import pytest

from models.rct_classifier import (ModelFileError, ModelSettings, fit_sigmoid, load_model, save_model,
                                   threshold_for_sensitivity, threshold_for_specificity, train)

POSITIVE = [("Drug A versus placebo: a randomised trial", "Patients were randomly assigned to drug A or placebo."),
            ("Exercise after stroke", "Participants were randomized to two groups in a double-blind design.")]
NEGATIVE = [("A case of rash", "We report a 40-year-old woman with a rash."),
            ("Statins: a systematic review", "We searched MEDLINE for eligible studies; meta-analysis followed.")]
SETTINGS = ModelSettings(min_df=1, cv_folds=2, max_char_features=0)


@pytest.fixture(scope="module")
def model():
    return train(POSITIVE * 4 + NEGATIVE * 4, [True] * 8 + [False] * 8, settings=SETTINGS)


def test_scores_a_new_trial_above_a_new_review(model):
    trial, review = model.score_pairs([("Aspirin or placebo", "Women were randomized to two groups."),
                                       ("Aspirin: a systematic review", "We searched MEDLINE and Embase.")])
    assert 0 <= review < 0.5 < trial <= 1


def test_json_round_trip_keeps_scores(model, tmp_path):
    path = save_model(model, tmp_path / "m.json")
    again = load_model(path)
    pairs = POSITIVE + NEGATIVE
    assert np.allclose(again.score_pairs(pairs), model.score_pairs(pairs), atol=1e-8)
    assert again.version == model.version


def test_artifact_with_other_cues_is_refused(model, tmp_path):
    path = save_model(model, tmp_path / "m.json")
    data = json.loads(path.read_text())
    data["feature_names"] = data["feature_names"][:-1]
    path.write_text(json.dumps(data))
    with pytest.raises(ModelFileError, match="other cue features"):
        load_model(path)


def test_missing_artifact_is_one_line(tmp_path):
    with pytest.raises(ModelFileError, match="not found"):
        load_model(tmp_path / "absent.json")


def test_one_class_is_refused():
    with pytest.raises(ValueError, match="both"):
        train(POSITIVE, [True, True], settings=SETTINGS)


def test_text_strings_and_pairs_train_the_same_model():
    texts = [f"{t}\n\n{a}" for t, a in POSITIVE * 4 + NEGATIVE * 4]
    labels = [True] * 8 + [False] * 8
    assert train(texts, labels, settings=SETTINGS).version == train(POSITIVE * 4 + NEGATIVE * 4, labels,
                                                                    settings=SETTINGS).version


def test_sigmoid_is_monotone_increasing_in_the_score():
    scores = np.array([-3.0, -1.0, 0.0, 1.0, 3.0, -2.0, 2.0, 0.5])
    a, b = fit_sigmoid(scores, scores > 0)
    assert a < 0  # p = 1 / (1 + exp(a*s + b)) rises with s


@pytest.mark.parametrize("target", [0.5, 0.8, 0.9, 1.0])
def test_threshold_for_sensitivity_meets_its_target(target):
    rng = np.random.default_rng(0)
    scores, labels = rng.random(200), rng.random(200) > 0.5
    threshold = threshold_for_sensitivity(scores, labels, target)
    assert (scores[labels] >= threshold).mean() >= target


@pytest.mark.parametrize("target", [0.5, 0.9, 0.975])
def test_threshold_for_specificity_meets_its_target(target):
    rng = np.random.default_rng(1)
    scores, labels = rng.random(200), rng.random(200) > 0.5
    threshold = threshold_for_specificity(scores, labels, target)
    assert (scores[~labels] < threshold).mean() >= target
