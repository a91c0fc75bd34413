"""Train the RCT model, choose its operating points by cross-validation, and measure it honestly.

Shared by ``scripts/train_rct_model.py``, ``scripts/evaluate_classifier.py`` and ``rifwatch model``.

Training records: the trial reports of Evidence Inference (train, validation and unlisted
splits; never its test split) and of EBM-NLP, the non-RobotReviewer records of
``pubmed_labelled``, and the RobotReviewer half. The RobotReviewer half is the only unselected
sample of PubMed labelled by NLM's indexers, so it is also the calibration set: the sigmoid and the
operating points are fitted on out-of-fold decision values of its records (5-fold, seeded), with
every other record always in training. ClinicalTrials.gov descriptions are not trained on: all 576
are IVF registrations, so they taught the model that IVF words mean "not a trial" (registrations
are recognised by their id and source instead, ``models.design``).

Because the RobotReviewer half is trained on, its figures come from :func:`nested_evaluation`:
each fifth is scored by a model (and by thresholds) fitted without it, so no reported prediction
was seen by the model or the threshold that made it.

Operating points, each a target on out-of-fold figures of the calibration records:

- ``sensitive``: the highest threshold with sensitivity ≥ 0.98 (the issue's sensitivity floor;
  RobotReviewer's sensitive point aims at the Cochrane HSSS's 0.985);
- ``balanced``: the lowest threshold with specificity ≥ 0.90 (the issue's specificity floor): the
  most sensitive point that keeps screening work at the level the issue accepts. RobotReviewer's
  own balanced point maximises sensitivity + specificity instead; measured on the development
  half, that rule chose thresholds that gave up sensitivity for specificity the issue does not ask
  for (see models/artifacts/MODEL_CARD.md);
- ``precise``: the lowest threshold with specificity ≥ 0.975 (RobotReviewer's precise target).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
from sklearn.model_selection import StratifiedKFold

from models import corpora
from models.calibration import pick_threshold
from models.rct_classifier import ModelSettings, RctModel, _as_pairs, out_of_fold_decisions, train
from models.rct_rules import STRATA, judge

DEFAULT_SETTINGS = ModelSettings()
POINTS = ("sensitive", "balanced", "precise")
TARGETS = {"sensitive": ("sensitivity", 0.98), "balanced": ("specificity", 0.90), "precise": ("specificity", 0.975)}
CALIBRATION_SOURCE = "robotreviewer"


@dataclass(frozen=True)
class TrainedModel:
    model: RctModel
    points: dict[str, dict]
    n_records: int
    n_rct: int


def corpus_records(data_dir: Path) -> list[corpora.LabelledRecord]:
    """Trial reports and non-reports from every corpus but RobotReviewer's, minus papers it holds."""
    held = corpora.load_robotreviewer(data_dir)
    ids = {r.article.pmid for r in held}
    titles = {corpora.title_key(r.article.title) for r in held}
    records = (corpora.load_pubmed_other(data_dir)
               + corpora.load_evidence_inference(data_dir, "train")
               + corpora.load_evidence_inference(data_dir, "validation")
               + corpora.load_evidence_inference(data_dir, "unlisted")
               + corpora.load_ebm_nlp(data_dir))
    return [r for r in records if r.article.pmid not in ids and corpora.title_key(r.article.title) not in titles]


def training_records(data_dir: Path) -> list[corpora.LabelledRecord]:
    """Every training record; the RobotReviewer half last (it is the calibration set)."""
    return corpus_records(data_dir) + corpora.load_robotreviewer(data_dir)


def calibration_mask(records: Sequence[corpora.LabelledRecord]) -> np.ndarray:
    return np.array([r.source == CALIBRATION_SOURCE for r in records], dtype=bool)


def training_files(data_dir: Path) -> dict[str, str]:
    """The files training reads, with their sha256 (for the model card)."""
    names = ["pubmed_labelled/pubmed_records_pt_labels.csv", "robotreviewer_medline/pubmed_dev.medline.txt",
             "evidence_inference/abstracts_title_abstract.jsonl", "evidence_inference/splits/train_article_ids.txt",
             "evidence_inference/splits/validation_article_ids.txt", "evidence_inference/splits/test_article_ids.txt",
             "ebm_nlp_conll_scibert/dev.txt", "ebm_nlp_conll_scibert/test.txt",
             "ebm_nlp_difficulty/ebm_nlp_difficulty.tar.gz"]
    return {name: corpora.file_sha256(data_dir / name) for name in names}


def choose_points(probabilities: np.ndarray, labels: np.ndarray, eligible: np.ndarray | None = None) -> dict[str, dict]:
    """Thresholds for the three operating points, with the out-of-fold figures they give.

    ``eligible`` is false for records a rule calls a protocol or a synthesis: the decision of
    :mod:`models.classify` never calls them trial reports, and the figures count them so.
    """
    labels = np.asarray(labels, dtype=bool)
    eligible = np.ones(len(labels), dtype=bool) if eligible is None else np.asarray(eligible, dtype=bool)
    chosen = {name: pick_threshold(probabilities, labels, eligible, kind, target)
              for name, (kind, target) in TARGETS.items()}
    ordered = sorted(float(min(max(v, 0.0), 1.0)) for v in chosen.values())
    points = {}
    for name, threshold in zip(POINTS, ordered):  # keep sensitive <= balanced <= precise
        kind, target = TARGETS[name]
        predicted = (probabilities >= threshold) & eligible
        points[name] = {
            "threshold": round(threshold, 6),
            "target": f"out-of-fold {kind} >= {target}",
            "cv_sensitivity": round(float((predicted & labels).sum() / labels.sum()), 4),
            "cv_specificity": round(float((~predicted & ~labels).sum() / (~labels).sum()), 4),
        }
    return points


def train_with_points(texts, labels, *, calibrate_on: np.ndarray | None = None, seed: int = 0,
                      settings: ModelSettings | None = None, trained_on: dict | None = None) -> TrainedModel:
    """Out-of-fold decisions, the calibrated model and its operating points, in one call."""
    settings = settings or ModelSettings(**{**DEFAULT_SETTINGS.__dict__, "seed": seed})
    pairs = _as_pairs(texts)
    y = np.asarray(list(labels), dtype=bool)
    calibrate = np.ones(len(y), dtype=bool) if calibrate_on is None else np.asarray(calibrate_on, dtype=bool)
    oof = out_of_fold_decisions(pairs, y, settings, folded=calibrate)
    model = train(pairs, y, seed=seed, settings=settings, out_of_fold=oof, calibrate_on=calibrate,
                  trained_on=trained_on)
    index = np.flatnonzero(calibrate)
    verdicts = [judge(*pairs[i]) for i in index]
    strata = np.array([STRATA.index(v.stratum) for v in verdicts], dtype=np.int64)
    probabilities = model.sigmoid.probability(oof[index], strata)
    eligible = np.array([not v.never_a_report for v in verdicts], dtype=bool)
    return TrainedModel(model, choose_points(probabilities, y[index], eligible), len(y), int(y.sum()))


@dataclass(frozen=True)
class NestedResult:
    """Outer-fold predictions for the calibration records, in their order."""

    probability: np.ndarray
    predicted: dict[str, np.ndarray]
    truth: np.ndarray
    fold: np.ndarray
    points_per_fold: list[dict[str, dict]]


def nested_evaluation(records: Sequence[corpora.LabelledRecord], *, seed: int = 0,
                      settings: ModelSettings | None = None) -> NestedResult:
    """Score each fifth of the calibration records with a model and thresholds fitted without it.

    The whole training procedure (inner out-of-fold calibration and threshold choice included)
    is repeated five times, so each reported prediction is out-of-sample for every fitted part.
    """
    settings = settings or ModelSettings(**{**DEFAULT_SETTINGS.__dict__, "seed": seed})
    pairs = [(r.article.title, r.article.abstract) for r in records]
    y = np.array([r.is_rct for r in records], dtype=bool)
    held = np.flatnonzero(calibration_mask(records))
    probability = np.zeros(len(held))
    predicted = {name: np.zeros(len(held), dtype=bool) for name in POINTS}
    fold = np.zeros(len(held), dtype=np.int64)
    per_fold = []
    splitter = StratifiedKFold(n_splits=settings.cv_folds, shuffle=True, random_state=settings.seed + 1)
    for k, (train_part, test_part) in enumerate(splitter.split(np.zeros(len(held)), y[held])):
        keep = np.ones(len(y), dtype=bool)
        keep[held[test_part]] = False
        index = np.flatnonzero(keep)
        calibrate = np.zeros(len(y), dtype=bool)
        calibrate[held[train_part]] = True
        trained = train_with_points([pairs[i] for i in index], y[index], calibrate_on=calibrate[index],
                                    seed=seed, settings=settings)
        assessments = trained.model.assess_pairs([pairs[i] for i in held[test_part]])
        scores = np.array([a.probability for a in assessments])
        eligible = np.array([not a.verdict.never_a_report for a in assessments])
        probability[test_part] = scores
        fold[test_part] = k
        for name in POINTS:
            predicted[name][test_part] = (scores >= trained.points[name]["threshold"]) & eligible
        per_fold.append(trained.points)
    return NestedResult(probability, predicted, y[held], fold, per_fold)


def render_operating_points(trained: TrainedModel, chosen_on: str) -> str:
    """``config/operating_points.toml`` for a trained model (written by the script, not by hand)."""
    lines = [
        "# RCT operating points, written by scripts/train_rct_model.py (do not edit by hand).",
        "# Each threshold applies to the calibrated probability. It was chosen on out-of-fold",
        "# probabilities of the calibration records (5-fold, seeded): the RobotReviewer half of",
        "# shared/data, PubMed records labelled by NLM's publication types. Targets: sensitive =",
        "# sensitivity >= 0.98 (the issue's floor), balanced = specificity >= 0.90 (the issue's floor,",
        "# most sensitive threshold keeping it), precise = specificity >= 0.975 (RobotReviewer's).",
        "# Figures on records no fitted part saw (nested cross-validation): models/artifacts/EVALUATION.md.",
        "",
        'default = "balanced"',
        f'model_version = "{trained.model.version}"',
        f'chosen_on = "{chosen_on}"',
    ]
    for name in POINTS:
        point = trained.points[name]
        lines += ["", "[[point]]", f'name = "{name}"', f"threshold = {point['threshold']}",
                  f'target = "{point["target"]}"', f"cv_sensitivity = {point['cv_sensitivity']}",
                  f"cv_specificity = {point['cv_specificity']}"]
    return "\n".join(lines) + "\n"
