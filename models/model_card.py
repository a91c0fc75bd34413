"""The model card: what the committed RCT model was trained on, how, and what it measured."""

from __future__ import annotations

import platform
from collections import Counter
from importlib.metadata import version


def library_versions() -> str:
    names = ("scikit-learn", "numpy", "scipy", "spacy")
    return ", ".join(f"{n} {version(n)}" for n in names) + f", Python {platform.python_version()}"


def render_model_card(trained, records, files: dict[str, str], today: str) -> str:
    """Markdown for ``models/artifacts/MODEL_CARD.md`` (written by the training script only)."""
    sources = Counter((r.source, r.is_rct) for r in records)
    rows = "\n".join(f"| {src} | {'RCT' if rct else 'not RCT'} | {n} |" for (src, rct), n in sorted(sources.items()))
    hashes = "\n".join(f"| `{name}` | `{digest}` |" for name, digest in files.items())
    points = "\n".join(
        f"| {name} | {p['threshold']} | {p['target']} | {p['cv_sensitivity']} | {p['cv_specificity']} |"
        for name, p in trained.points.items())
    s = trained.model.settings
    sigmoid = trained.model.sigmoid
    calibration = "\n".join(f"| {name} | {a:.4f} | {b:.4f} |" for name, a, b in
                            zip(("not_report", "randomised", "undecided"), sigmoid.slopes, sigmoid.intercepts))
    return f"""# RCT classifier — model card

Written by `scripts/train_rct_model.py --seed {s.seed}` on {today}; do not edit by hand.

- **Model**: `{trained.model.version}`, a hybrid of explicit rules and a linear model.
  1. Rules (`models/rct_rules.py`, ids `rct.*.v1`) put each record in a stratum: `not_report`
     (systematic reviews, meta-analyses and Cochrane structure; protocols and future tense;
     secondary/post-hoc analyses; case reports; animal studies; Mendelian randomisation; letters;
     and, when nothing says participants were randomised, narrative reviews, non-randomised and
     observational designs), `randomised` (randomised/placebo-controlled/double-blind trial in the
     title; past-tense random allocation; a design label or statement) or `undecided`.
  2. Logistic regression (liblinear, C={s.c}, class weights balanced) over sublinear tf-idf word
     {'unigrams' if s.ngram_max == 1 else f'1-{s.ngram_max}-grams'} of title + abstract plus the title's words marked `t:` (min_df={s.min_df}, at most
     {s.max_word_features}) and {len(trained.model.feature_names)} cue features (`models/features.py`).
  3. Platt's sigmoid of the decision value, fitted per stratum on 5-fold out-of-fold decision
     values of the calibration records (the RobotReviewer half; seed {s.seed}).
  A record a rule calls a protocol, systematic review or meta-analysis is never called a trial
  report (`models/classify.py`), whatever its probability.
- **Artifact**: `rct_model.json`, plain JSON (vocabulary, idf, weights, per-stratum sigmoid, settings).
- **Libraries**: {library_versions()}.
- **Task**: does the title + abstract report the results of a randomised trial? Publication types
  are not used by the model (they are used by `models.classify` only for MEDLINE-indexed records).

## Training data ({trained.n_records} records, {trained.n_rct} RCT)

| source | label | records |
|---|---|---|
{rows}

`pubmed_other` = `pubmed_labelled` rows not contributed by RobotReviewer (label: PT field; mostly
case reports, cancer biology, Mendelian-randomisation papers); `evidence_inference_*` = RCT reports
of Evidence Inference's train/validation splits and the abstracts in no split; `ebm_nlp` = EBM-NLP
abstracts (PubMed RCT reports; title = first sentence of the token stream); `robotreviewer` = the
RobotReviewer development half (PT removed from the text; label = PT `Randomized Controlled Trial`).
Records of other corpora with the PMID or title of a RobotReviewer record are dropped.
ClinicalTrials.gov descriptions are **not** trained on: all 576 are IVF registrations, and as the
only negatives about IVF they taught the previous model that IVF words mean "not a trial".
**Held out from training**: Evidence Inference's test split. The RobotReviewer half is trained on
and calibrates the model, so its figures in `EVALUATION.md` come from nested cross-validation.

| file (under shared/data) | sha256 |
|---|---|
{hashes}

## Calibration (per stratum: p = 1 / (1 + exp(-(slope * decision + intercept))))

| stratum | slope | intercept |
|---|---|---|
{calibration}

## Operating points (chosen on out-of-fold probabilities of the RobotReviewer half)

| point | threshold | target | out-of-fold sensitivity | out-of-fold specificity |
|---|---|---|---|---|
{points}

The targets come from the issue, not from the data: `sensitive` aims at its sensitivity floor
(0.98), `balanced` is the most sensitive threshold keeping its specificity floor (0.90), `precise`
RobotReviewer's precise specificity (0.975). Out-of-fold figures here were seen while choosing the
thresholds; the figures to trust are the nested ones in `EVALUATION.md`.
"""
