"""Train the RCT model and choose its operating points from training data only.

Shared by ``scripts/train_rct_model.py`` and ``rifwatch model train``. Operating points are chosen
on out-of-fold probabilities of the training records (stratified 5-fold, seeded), never on the
evaluation set:

- ``sensitive``: the highest threshold keeping out-of-fold sensitivity ≥ 0.995;
- ``balanced``: the highest threshold keeping out-of-fold sensitivity ≥ 0.98 (the issue's bar);
- ``precise``: the lowest threshold reaching out-of-fold specificity ≥ 0.975 (the specificity
  RobotReviewer targets for its precise point, that of PubMed's ``[pt]`` filter).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import numpy as np

from models import corpora
from models.rct_classifier import (ModelSettings, RctModel, _platt, out_of_fold_decisions,
                                   threshold_for_sensitivity, threshold_for_specificity, train)

#: The settings the committed artifact uses. Character n-grams (3-5) were measured: RobotReviewer
#: AUC 0.949 with them vs 0.944 without, at a third of the speed; the throughput floor
#: (2,000 records/s) decides against them.
DEFAULT_SETTINGS = ModelSettings(max_char_features=0)

TARGETS = {"sensitive": ("sensitivity", 0.995), "balanced": ("sensitivity", 0.98), "precise": ("specificity", 0.975)}


@dataclass(frozen=True)
class TrainedModel:
    model: RctModel
    points: dict[str, dict]
    n_records: int
    n_rct: int


def training_records(data_dir: Path) -> list[corpora.LabelledRecord]:
    """Every training record: nothing from RobotReviewer, nothing from Evidence Inference's test split."""
    return (corpora.load_pubmed_other(data_dir)
            + corpora.load_evidence_inference(data_dir, "train")
            + corpora.load_evidence_inference(data_dir, "validation")
            + corpora.load_evidence_inference(data_dir, "unlisted")
            + corpora.load_ctgov(data_dir))


def training_files(data_dir: Path) -> dict[str, str]:
    """The files training reads, with their sha256 (for the model card)."""
    names = ["pubmed_labelled/pubmed_records_pt_labels.csv", "evidence_inference/abstracts_title_abstract.jsonl",
             "evidence_inference/splits/train_article_ids.txt", "evidence_inference/splits/validation_article_ids.txt",
             "evidence_inference/splits/test_article_ids.txt", "ctgov_ivf_registry_texts/index.tsv"]
    return {name: corpora.file_sha256(data_dir / name) for name in names}


def choose_points(probabilities: np.ndarray, labels: np.ndarray) -> dict[str, dict]:
    """Thresholds for the three operating points, with the out-of-fold figures they give."""
    labels = np.asarray(labels, dtype=bool)
    points = {}
    for name, (kind, target) in TARGETS.items():
        if kind == "sensitivity":
            threshold = threshold_for_sensitivity(probabilities, labels, target)
        else:
            threshold = threshold_for_specificity(probabilities, labels, target)
        threshold = float(min(max(threshold, 0.0), 1.0))
        predicted = probabilities >= threshold
        points[name] = {
            "threshold": round(threshold, 6),
            "target": f"out-of-fold {kind} >= {target}",
            "cv_sensitivity": round(float((predicted & labels).sum() / labels.sum()), 4),
            "cv_specificity": round(float((~predicted & ~labels).sum() / (~labels).sum()), 4),
        }
    ordered = sorted(points[n]["threshold"] for n in TARGETS)
    for name, value in zip(("sensitive", "balanced", "precise"), ordered):
        points[name]["threshold"] = value  # keep sensitive <= balanced <= precise
    return points


def train_with_points(pairs: Iterable, labels: Iterable[bool], *, seed: int = 0,
                      settings: ModelSettings | None = None, trained_on: dict | None = None) -> TrainedModel:
    """Out-of-fold decisions, the calibrated model and its operating points, in one call."""
    settings = settings or ModelSettings(**{**DEFAULT_SETTINGS.__dict__, "seed": seed})
    pairs = list(pairs)
    y = np.asarray(list(labels), dtype=bool)
    oof = out_of_fold_decisions(pairs, y, settings)
    model = train(pairs, y, seed=seed, settings=settings, out_of_fold=oof, trained_on=trained_on)
    probabilities = _platt(oof, model.sigmoid_a, model.sigmoid_b)
    return TrainedModel(model, choose_points(probabilities, y), len(y), int(y.sum()))


def render_operating_points(trained: TrainedModel, chosen_on: str) -> str:
    """``config/operating_points.toml`` for a trained model (written by the script, not by hand)."""
    lines = [
        "# RCT operating points, written by scripts/train_rct_model.py (do not edit by hand).",
        "# Each threshold applies to the calibrated probability; it was chosen on out-of-fold",
        "# probabilities of the training records only (never on the evaluation set). See",
        "# models/artifacts/MODEL_CARD.md for the data and for the figures measured on held-out sets.",
        "",
        'default = "balanced"',
        f'model_version = "{trained.model.version}"',
        f'chosen_on = "{chosen_on}"',
    ]
    for name in ("sensitive", "balanced", "precise"):
        point = trained.points[name]
        lines += ["", "[[point]]", f'name = "{name}"', f"threshold = {point['threshold']}",
                  f'target = "{point["target"]}"', f"cv_sensitivity = {point['cv_sensitivity']}",
                  f"cv_specificity = {point['cv_specificity']}"]
    return "\n".join(lines) + "\n"
