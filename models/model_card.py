"""The model card: what the committed RCT model was trained on, how, and what it measured."""

from __future__ import annotations

import platform
from collections import Counter
from importlib.metadata import version


def _versions() -> str:
    names = ("scikit-learn", "numpy", "scipy", "spacy")
    return ", ".join(f"{n} {version(n)}" for n in names) + f", Python {platform.python_version()}"


def render_model_card(trained, records, files: dict[str, str], today: str, heldout: str = "") -> str:
    """Markdown for ``models/artifacts/MODEL_CARD.md`` (written by the training script only)."""
    sources = Counter((r.source, r.is_rct) for r in records)
    rows = "\n".join(f"| {src} | {'RCT' if rct else 'not RCT'} | {n} |" for (src, rct), n in sorted(sources.items()))
    hashes = "\n".join(f"| `{name}` | `{digest}` |" for name, digest in files.items())
    points = "\n".join(
        f"| {name} | {p['threshold']} | {p['target']} | {p['cv_sensitivity']} | {p['cv_specificity']} |"
        for name, p in trained.points.items())
    s = trained.model.settings
    return f"""# RCT classifier — model card

Written by `scripts/train_rct_model.py` on {today}; do not edit by hand.

- **Model**: `{trained.model.version}` — logistic regression (liblinear, C={s.c}, class weights
  balanced) over sublinear tf-idf word {s.word_ngrams[0]}-{s.word_ngrams[1]}-grams (min_df={s.min_df},
  at most {s.max_word_features}) plus {len(trained.model.feature_names)} explicit cue features
  (`models/features.py`); character n-grams switched off (measured: no gain, a third of the speed).
  Probability: Platt sigmoid fitted on 5-fold out-of-fold decision values (seed {s.seed}).
- **Artifact**: `rct_model.json`, plain JSON (vocabulary, idf, weights, sigmoid, settings).
- **Libraries**: {_versions()}.
- **Task**: does the title + abstract report the results of a randomised trial? Publication types
  are not used by the model (they are used by `models.classify` only for MEDLINE-indexed records).

## Training data ({trained.n_records} records, {trained.n_rct} RCT)

| source | label | records |
|---|---|---|
{rows}

`pubmed_other` = `pubmed_labelled` rows not contributed by RobotReviewer (label: PT field);
`evidence_inference_*` = RCT reports of Evidence Inference's train/validation splits and the 16
abstracts in no split; `ctgov` = ClinicalTrials.gov descriptions (registrations: not reports).
**Held out**: the RobotReviewer half (`robotreviewer_medline`, PT removed; no PMID or title overlap
with training — checked) and Evidence Inference's test split.

| file (under shared/data) | sha256 |
|---|---|
{hashes}

## Operating points (chosen on training out-of-fold probabilities only)

| point | threshold | target | out-of-fold sensitivity | out-of-fold specificity |
|---|---|---|---|---|
{points}

{heldout}
"""
