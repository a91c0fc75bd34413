"""Score the classifier on every labelled set anyone can reproduce, and render one table.

Sets: the RobotReviewer half (publication types removed), Evidence Inference's test split, the
project's own labels in ``data/labels/`` (RIF registry entries, assisted-reproduction trials) and
the invented RIF-domain abstracts in ``tests/fixtures/classify/``. Reads local files only.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from extractors.records import Article
from models import corpora
from models.evaluation import accuracy, auc, binary_figures

REPO = Path(__file__).resolve().parents[1]
LABELS = REPO / "data" / "labels"
FIXTURES = REPO / "tests" / "fixtures" / "classify" / "rif_abstracts.json"
_RR_DESIGN = {"Meta-Analysis": "meta_analysis", "Review": "narrative_review", "Case Reports": "case_series"}


def _fmt(value: float) -> str:
    return "—" if value != value else f"{value:.3f}"


def _rct_rows(classifier, name: str, records) -> list[str]:
    from models.classify import RecordClassifier  # noqa: F401  (type only)
    probabilities = classifier.model.score_many([r.article for r in records])
    truth = [r.is_rct for r in records]
    rows = []
    for point in ("sensitive", "balanced", "precise"):
        figures = binary_figures(probabilities >= classifier.points.threshold(point), truth)
        rows.append(f"| {name} | {point} | {_fmt(figures.sensitivity)} | {_fmt(figures.specificity)} | "
                    f"{_fmt(figures.precision)} | {figures.tp}/{figures.fp}/{figures.tn}/{figures.fn} |")
    rows.append(f"| {name} | AUC | {_fmt(auc(probabilities, truth))} | | | n={len(truth)}, RCT={sum(truth)} |")
    return rows


def _labelled_rows(path: Path):
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _field_rows(name: str, predictions, gold: list[dict]) -> list[str]:
    rows = []
    for field, getter in (("design", lambda c: c.design), ("population", lambda c: c.population),
                          ("primary_therapy", lambda c: c.primary_therapy)):
        pairs = [(getter(c), g[field]) for c, g in zip(predictions, gold) if g.get(field) not in (None, "")]
        share, right, n = accuracy([p for p, _ in pairs], [t for _, t in pairs])
        rows.append(f"| {name} | {field} | {_fmt(share)} | {right}/{n} |")
    rif = [(c.rif_min_failures, g.get("rif_min_failures")) for c, g in zip(predictions, gold)
           if g.get("population") == "rif" and "rif_min_failures" in g]
    pairs = [(p, None if t in (None, "") else int(t)) for p, t in rif]
    share, right, n = accuracy([p for p, _ in pairs], [t for _, t in pairs])
    rows.append(f"| {name} | rif_min_failures (gold RIF) | {_fmt(share)} | {right}/{n} |")
    return rows


def run_evaluation(data_dir: Path, classifier) -> str:
    """The evaluation report as Markdown tables."""
    lines = ["## RCT report, text only (publication types removed)", "",
             "| set | point | sensitivity | specificity | precision | TP/FP/TN/FN |", "|---|---|---|---|---|---|"]
    rr = corpora.load_robotreviewer(data_dir)
    lines += _rct_rows(classifier, "RobotReviewer half", rr)
    ei = corpora.load_evidence_inference(data_dir, "test")
    lines += _rct_rows(classifier, "Evidence Inference test (all RCT)", ei)

    lines += ["", "## Design, therapy, population, RIF minimum failures", "",
              "| set | field | accuracy | right/compared |", "|---|---|---|---|"]
    rr_pt = {rec["PMID"][0]: rec.get("PT", []) for rec in corpora.read_medline(
        data_dir / "robotreviewer_medline" / "pubmed_dev.medline.txt") if rec.get("PMID")}
    predictions = classifier.classify_many([r.article for r in rr])
    gold = []
    for r in rr:
        types = rr_pt.get(r.article.pmid, [])
        design = "rct" if r.is_rct else next((d for t, d in _RR_DESIGN.items() if t in types), "")
        gold.append({"design": design})
    share, right, n = accuracy([c.design for c, g in zip(predictions, gold) if g["design"]],
                               [g["design"] for g in gold if g["design"]])
    lines.append(f"| RobotReviewer half (PT-derived: RCT, Meta-Analysis, Review, Case Reports) | design | {_fmt(share)} | {right}/{n} |")
    ei_pred = classifier.classify_many([r.article for r in ei])
    share, right, n = accuracy([c.design for c in ei_pred], ["rct"] * len(ei_pred))
    lines.append(f"| Evidence Inference test | design | {_fmt(share)} | {right}/{n} |")

    registry = _labelled_rows(LABELS / "ctgov_rif_registry.csv")
    stories = {r.article.pmid: r.article for r in corpora.load_ctgov(data_dir, [g["id"] for g in registry])}
    lines += _field_rows("RIF registry entries (own labels, n=51)", classifier.classify_many(
        [stories[g["id"]] for g in registry]), registry)
    ivf = _labelled_rows(LABELS / "ivf_subset_rcts.csv")
    abstracts = {a.pmid: a for a in corpora.load_ivf_subset(data_dir)}
    lines += _field_rows("Assisted-reproduction RCTs (own labels, n=23)", classifier.classify_many(
        [abstracts[g["id"]] for g in ivf]), ivf)
    fixtures = json.loads(FIXTURES.read_text(encoding="utf-8"))
    fx_pred = classifier.classify_many([Article(pmid=f["id"], title=f["title"], abstract=f["abstract"]) for f in fixtures])
    lines += _field_rows("Invented RIF-domain abstracts (fixtures, n=30)", fx_pred, [f["expected"] for f in fixtures])
    return "\n".join(lines) + "\n"
