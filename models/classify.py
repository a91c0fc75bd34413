"""What each record is: the one entry point that combines the classifier and the extractors.

``load_classifier()`` reads the model artifact, the operating points and the vocabularies once;
``RecordClassifier.classify_many`` scores records in a batch (the linear model is vectorised) and
runs the rule extractors per record, returning ``extractors.records.Classification``.

Publication types decide the RCT question only when NLM has indexed the record
(``Article.is_indexed``); a record still in process is judged from its text alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from config.schema import Config, default_config
from config.vocabulary import OperatingPoints, RifVocabulary, load_operating_points, load_rif_vocabulary
from extractors.population import find_population
from extractors.records import Article, Classification
from extractors.therapy import TherapyMatcher, find_therapies
from models.design import label_design
from models.rct_classifier import RctModel, load_model

#: The committed artifact (written by scripts/train_rct_model.py).
ARTIFACT = Path(__file__).resolve().parent / "artifacts" / "rct_model.json"
#: Version of the rule extractors; bump when a rule changes what it returns.
RULES_VERSION = "classify-rules.v1"
#: Publication types that make an indexed record a randomised trial report.
RCT_TYPES = frozenset({"Randomized Controlled Trial", "Equivalence Trial", "Pragmatic Clinical Trial"})
#: Publication types of indexed records that are not trial reports even if they discuss trials.
NOT_REPORT_TYPES = {"Meta-Analysis": "meta_analysis", "Systematic Review": "systematic_review",
                    "Review": "narrative_review", "Case Reports": "case_series",
                    "Clinical Trial Protocol": "protocol"}


@dataclass
class RecordClassifier:
    """The classifier and the vocabularies, loaded once."""

    model: RctModel
    points: OperatingPoints
    operating_point: str
    therapy_matcher: TherapyMatcher
    rif_vocabulary: RifVocabulary

    @property
    def threshold(self) -> float:
        return self.points.threshold(self.operating_point)

    def classify(self, article: Article) -> Classification:
        return self.classify_many([article])[0]

    def classify_many(self, articles: Iterable[Article]) -> list[Classification]:
        articles = list(articles)
        probabilities = self.model.score_many(articles) if articles else []
        return [self._one(article, float(p)) for article, p in zip(articles, probabilities)]

    def _one(self, article: Article, probability: float) -> Classification:
        title, abstract = article.title or "", article.abstract or ""
        is_rct = probability >= self.threshold
        design = label_design(title, abstract, probability, is_rct=is_rct, record_id=article.pmid,
                              source_format=article.source_format)
        if design in ("trial_registration", "protocol", "meta_analysis", "systematic_review"):
            is_rct = False  # about a trial, not the report of one
        if article.is_indexed and article.publication_types:
            types = set(article.publication_types)
            is_rct = bool(types & RCT_TYPES)
            probability = 1.0 if is_rct else min(probability, 0.5)
            if is_rct:
                design = "rct"
            else:
                design = next((d for t, d in NOT_REPORT_TYPES.items() if t in types),
                              "other" if design in ("rct", "quasi_rct") else design)
        therapy = find_therapies(title, abstract, self.therapy_matcher)
        population = find_population(title, abstract, self.rif_vocabulary)
        rif = population.rif
        if population.population == "rif" and rif is not None and rif.min_failures is not None and rif.min_failures < 2:
            # one failed attempt is not RIF (shared/domain/README.md §2: Singh 2019, Akhtar 2013a)
            pop, rif = "general_ivf", None
        else:
            pop = population.population
        return Classification(
            pmid=article.pmid,
            rct_probability=probability,
            is_rct=is_rct,
            design=design,
            therapies=therapy.therapies,
            primary_therapy=therapy.primary_therapy,
            population=pop,
            rif=rif if pop == "rif" else None,
            therapy_findings=therapy.findings,
            operating_point=self.operating_point,
            model_version=self.model.version,
            rules_version=RULES_VERSION,
        )


def load_classifier(config: Config | None = None, *, operating_point: str | None = None,
                    artifact: Path | str | None = None) -> RecordClassifier:
    """Load the artifact, the operating points and the vocabularies once.

    Parameters
    ----------
    config
        The validated configuration (``config.schema.load_config``); the bundled one by default.
    operating_point
        ``sensitive``, ``balanced`` or ``precise``; the default named in ``operating_points.toml``.
    """
    config = config or default_config()
    points = load_operating_points(config.directory)
    name = operating_point or points.default
    points.threshold(name)  # fails with a one-line message for an unknown point
    model = load_model(artifact or ARTIFACT)
    return RecordClassifier(model, points, name, TherapyMatcher(config.therapies),
                            load_rif_vocabulary(config.directory))


def classify_texts(classifier: RecordClassifier, items: Sequence[tuple[str, str, str]]) -> list[Classification]:
    """Classify ``(id, title, abstract)`` triples (for scripts and tests)."""
    return classifier.classify_many(Article(pmid=i, title=t, abstract=a) for i, t, a in items)
