"""Score the classifier on every labelled set anyone can reproduce, and render one report.

Sets and how each is measured:

- **RobotReviewer half** (publication types removed): the model is trained and calibrated on it,
  so its RCT figures come from :func:`models.training.nested_evaluation`: each fifth is scored by
  a model and thresholds fitted without it, and the decision is that of :mod:`models.classify`
  (a protocol or synthesis is never a report). Figures are also given for its two halves by PMID
  hash: ``development`` (``A``), whose records were read while the rules were written, and
  ``untouched`` (``B``), whose were not.
- **Evidence Inference test split**: never trained on; every record is an RCT report.
- The project's own labels in ``data/labels/`` (RIF registry entries, a random sample of the other
  IVF registry entries, assisted-reproduction trials) and the invented RIF-domain abstracts in ``tests/fixtures/classify/`` (a development set
  and a held-out set written before the rules were developed and not read while developing them,
  plus a second development set written to cover every configured therapy, co-interventions,
  mixed populations and many phrasings of the RIF definition, a third, and a fourth modelled on how
  published RIF trials, cohorts, protocols and reviews word their populations, labelled before its
  first run), scored with the shipped classifier at the chosen operating point.

Reads local files only.
"""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import numpy as np

from extractors.records import Article
from models import corpora
from models.design import label_design
from models.evaluation import accuracy, auc, binary_figures
from models.training import POINTS, nested_evaluation, training_records

REPO = Path(__file__).resolve().parents[1]
LABELS = REPO / "data" / "labels"
FIXTURES = REPO / "tests" / "fixtures" / "classify"
#: Labelled ClinicalTrials.gov entries: the first set was chosen for RIF, the second drawn at random
#: from the other IVF entries (data/labels/README.md), so it mostly tests specificity.
REGISTRY_SETS = {"ctgov_rif_registry.csv": "RIF registry entries (own labels, n={n})",
                 "ctgov_ivf_registry_sample.csv": "IVF registry entries, random sample (own labels, n={n})"}
FIXTURE_SETS = {"rif_abstracts.json": "Invented RIF-domain abstracts, development (n={n})",
                "rif_abstracts_heldout.json": "Invented RIF-domain abstracts, held out (n={n})",
                "rif_abstracts_dev2.json": "Invented RIF-domain abstracts, second development set (n={n})",
                "rif_abstracts_dev3.json": "Invented RIF-domain abstracts, third development set (n={n})",
                "rif_abstracts_dev4.json": "Invented RIF-domain abstracts, fourth development set (n={n})"}
_RR_DESIGN = {"Meta-Analysis": "meta_analysis", "Review": "narrative_review", "Case Reports": "case_series"}
FIELDS = ("design", "is_rct", "population", "primary_therapy", "route", "rif_min_failures")


def _fmt(value: float) -> str:
    return "—" if value != value else f"{value:.3f}"


def half_of(pmid: str) -> str:
    """``A`` (development) or ``B`` (untouched): the parity of the PMID's sha256."""
    return "A" if int(hashlib.sha256(pmid.encode()).hexdigest(), 16) % 2 == 0 else "B"


def _binary_rows(name: str, predicted: dict[str, np.ndarray], probability: np.ndarray, truth: np.ndarray,
                 mask: np.ndarray | None = None) -> list[str]:
    mask = np.ones(len(truth), dtype=bool) if mask is None else mask
    rows = []
    for point in POINTS:
        f = binary_figures(predicted[point][mask], truth[mask])
        rows.append(f"| {name} | {point} | {_fmt(f.sensitivity)} | {_fmt(f.specificity)} | {_fmt(f.precision)} | "
                    f"{f.tp}/{f.fp}/{f.tn}/{f.fn} |")
    rows.append(f"| {name} | AUC | {_fmt(auc(probability[mask], truth[mask]))} | | | "
                f"n={int(mask.sum())}, RCT={int(truth[mask].sum())} |")
    return rows


def _field_value(classification, field: str):
    if field == "route":
        finding = next((f for f in classification.therapy_findings if f.therapy == classification.primary_therapy),
                       None)
        return finding.route if finding else None
    if field == "rif_min_failures":
        return classification.rif_min_failures
    return getattr(classification, field)


def _gold_value(gold: dict, field: str):
    value = gold.get(field)
    if field == "is_rct" and isinstance(value, str):
        return value in ("1", "true", "True")
    if field == "rif_min_failures":
        return None if value in (None, "") else int(value)
    return value


def field_rows(name: str, predictions, gold: list[dict]) -> list[str]:
    """Accuracy of every field the gold labels hold (``rif_min_failures`` on gold-RIF records only)."""
    rows = []
    for field in FIELDS:
        pairs = []
        for c, g in zip(predictions, gold):
            if field not in g or (field != "rif_min_failures" and g[field] in (None, "")):
                continue
            if field == "rif_min_failures" and g.get("population") != "rif":
                continue
            pairs.append((_field_value(c, field), _gold_value(g, field)))
        if not pairs:
            continue
        share, right, n = accuracy([p for p, _ in pairs], [t for _, t in pairs])
        shown = "rif_min_failures (gold RIF)" if field == "rif_min_failures" else field
        rows.append(f"| {name} | {shown} | {_fmt(share)} | {right}/{n} |")
    return rows


def _labelled_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def rct_section(data_dir: Path, classifier) -> list[str]:
    lines = ["## RCT report, text only (publication types removed)", "",
             "| set | point | sensitivity | specificity | precision | TP/FP/TN/FN |", "|---|---|---|---|---|---|"]
    records = training_records(data_dir)
    nested = nested_evaluation(records)
    held = [r for r in records if r.source == "robotreviewer"]
    halves = np.array([half_of(r.article.pmid) for r in held])
    lines += _binary_rows("RobotReviewer half, nested CV", nested.predicted, nested.probability, nested.truth)
    lines += _binary_rows("  development half A (read while writing rules)", nested.predicted, nested.probability,
                          nested.truth, halves == "A")
    lines += _binary_rows("  untouched half B", nested.predicted, nested.probability, nested.truth, halves == "B")
    ei = corpora.load_evidence_inference(data_dir, "test")
    assessments = classifier.model.assess_pairs([(r.article.title, r.article.abstract) for r in ei])
    probability = np.array([a.probability for a in assessments])
    eligible = np.array([not a.verdict.never_a_report for a in assessments])
    predicted = {p: (probability >= classifier.points.threshold(p)) & eligible for p in POINTS}
    lines += _binary_rows("Evidence Inference test split (all RCT; shipped model)", predicted, probability,
                          np.ones(len(ei), dtype=bool))
    lines += ["", "Thresholds per outer fold (nested CV): " + "; ".join(
        ", ".join(f"{p} {points[p]['threshold']:.3f}" for p in POINTS) for points in nested.points_per_fold)]
    design = _rr_design_rows(data_dir, held, nested)
    return lines + design


def _rr_design_rows(data_dir: Path, held, nested) -> list[str]:
    types = {rec["PMID"][0]: rec.get("PT", []) for rec in corpora.read_medline(
        data_dir / "robotreviewer_medline" / "pubmed_dev.medline.txt") if rec.get("PMID")}
    predicted, gold = [], []
    for record, is_rct in zip(held, nested.predicted["balanced"]):
        pts = types.get(record.article.pmid, [])
        truth = "rct" if record.is_rct else next((d for t, d in _RR_DESIGN.items() if t in pts), "")
        if truth:
            predicted.append(label_design(record.article.title, record.article.abstract, is_rct=bool(is_rct)))
            gold.append(truth)
    share, right, n = accuracy(predicted, gold)
    return ["", "| set | field | accuracy | right/compared |", "|---|---|---|---|",
            f"| RobotReviewer half (PT: RCT, Meta-Analysis, Review, Case Reports; nested balanced decision) | design | "
            f"{_fmt(share)} | {right}/{n} |"]


def domain_section(data_dir: Path, classifier) -> list[str]:
    lines = ["", f"## Design, RCT, population, therapy, route, RIF minimum failures (operating point: "
                 f"{classifier.operating_point})", "", "| set | field | accuracy | right/compared |", "|---|---|---|---|"]
    for file_name, title in REGISTRY_SETS.items():
        registry = _labelled_rows(LABELS / file_name)
        stories = {r.article.pmid: r.article for r in corpora.load_ctgov(data_dir, [g["id"] for g in registry])}
        lines += field_rows(title.format(n=len(registry)),
                            classifier.classify_many([stories[g["id"]] for g in registry]), registry)
    ivf = _labelled_rows(LABELS / "ivf_subset_rcts.csv")
    abstracts = {a.pmid: a for a in corpora.load_ivf_subset(data_dir)}
    for g in ivf:
        g["is_rct"] = g.get("is_rct_report", "")
    lines += field_rows(f"Assisted-reproduction RCTs (own labels, n={len(ivf)}; 20 are in the RCT model's training)",
                        classifier.classify_many([abstracts[g["id"]] for g in ivf]), ivf)
    for file_name, title in FIXTURE_SETS.items():
        path = FIXTURES / file_name
        if not path.exists():
            continue
        items = json.loads(path.read_text(encoding="utf-8"))
        predictions = classifier.classify_many(Article(pmid=f["id"], title=f["title"], abstract=f["abstract"])
                                               for f in items)
        lines += field_rows(title.format(n=len(items)), predictions, [f["expected"] for f in items])
    return lines


def run_evaluation(data_dir: Path, classifier, *, nested: bool = True) -> str:
    """The evaluation report as Markdown tables (``nested=False`` skips the 3-minute nested CV)."""
    lines = rct_section(data_dir, classifier) if nested else []
    return "\n".join(lines + domain_section(data_dir, classifier)) + "\n"
