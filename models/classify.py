"""What each record is: the one entry point that combines the classifier and the extractors.

``load_classifier()`` reads the model artifact, the operating points and the vocabularies once;
``RecordClassifier.classify_many`` scores records in a batch and runs the rule extractors,
returning ``extractors.records.Classification``.

The RCT decision is the calibrated probability at the operating point's threshold, unless a rule
of :mod:`models.rct_rules` says the record is a protocol, a systematic review or a meta-analysis
(or it is a registry entry): those are never trial reports, whatever their words.
Publication types decide the question only when NLM has indexed the record
(``Article.is_indexed``); a record still in process is judged from its text alone.

The spaCy-based therapy extractor and the population extractor run only on records whose tokens
contain the words of their vocabulary (:mod:`extractors.keywords`: a dictionary lookup per
distinct token, shared with the RCT rules); the others get "no therapy" and "other" without a
parse, which is what the extractors would have answered. The records that need therapy extraction are parsed together with
``nlp.pipe``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from config.schema import Config, default_config
from config.vocabulary import OperatingPoints, RifVocabulary, load_operating_points, load_rif_vocabulary
from extractors.population import PopulationResult, find_population, might_mention_population, population_gates
from extractors.records import Article, Classification
from extractors.therapy import NO_THERAPY, TherapyMatcher, TherapyResult, find_therapies, therapy_text
from models.design import label_design
from models.rct_classifier import RctModel, load_model
from models.text_scan import Scan

#: The committed artifact (written by scripts/train_rct_model.py).
ARTIFACT = Path(__file__).resolve().parent / "artifacts" / "rct_model.json"
#: Version of the rule extractors; bump when a rule changes what it returns.
RULES_VERSION = "classify-rules.v4"
#: Publication types that make an indexed record a randomised trial report.
RCT_TYPES = frozenset({"Randomized Controlled Trial", "Equivalence Trial", "Pragmatic Clinical Trial"})
#: Publication types of indexed records that are not trial reports even if they discuss trials.
NOT_REPORT_TYPES = {"Meta-Analysis": "meta_analysis", "Systematic Review": "systematic_review",
                    "Review": "narrative_review", "Case Reports": "case_series",
                    "Clinical Trial Protocol": "protocol"}
#: Designs that are never a trial report, whatever the probability.
NOT_REPORT_DESIGNS = frozenset({"trial_registration", "protocol", "meta_analysis", "systematic_review"})
_NO_POPULATION = PopulationResult("other", None, None)
#: Records parsed per spaCy batch.
PIPE_BATCH = 64


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
        if not articles:
            return []
        scans = [Scan(a.title or "", a.abstract or "") for a in articles]
        assessments = self.model.assess_scans(scans)
        found = [scan.words_found("title") | scan.words_found("abstract") for scan in scans]
        therapies = self._therapies(scans, found)
        populations = [self._population(scan, words) for scan, words in zip(scans, found)]
        return [self._one(article, scan, assessment, therapy, population)
                for article, scan, assessment, therapy, population
                in zip(articles, scans, assessments, therapies, populations)]

    def _therapies(self, scans: Sequence[Scan], found: Sequence[set[str]]) -> list[TherapyResult]:
        results: list[TherapyResult] = [NO_THERAPY] * len(scans)
        wanted = [i for i, scan in enumerate(scans)
                  if self.therapy_matcher.might_mention(therapy_text(scan.title, scan.abstract), found[i])]
        texts = [therapy_text(scans[i].title, scans[i].abstract) for i in wanted]
        for i, doc in zip(wanted, self.therapy_matcher.nlp.pipe(texts, batch_size=PIPE_BATCH)):
            results[i] = find_therapies(scans[i].title, scans[i].abstract, self.therapy_matcher, doc=doc)
        return results

    def _population(self, scan: Scan, found: set[str]) -> PopulationResult:
        if not might_mention_population(f"{scan.title}\n{scan.abstract}", self.rif_vocabulary, found=found):
            return _NO_POPULATION
        return find_population(scan.title, scan.abstract, self.rif_vocabulary)

    def _one(self, article: Article, scan: Scan, assessment, therapy: TherapyResult,
             population: PopulationResult) -> Classification:
        probability, verdict = assessment.probability, assessment.verdict
        is_rct = probability >= self.threshold and not verdict.never_a_report
        design = label_design(scan.title, scan.abstract, is_rct=is_rct, verdict=verdict, record_id=article.pmid,
                              source_format=article.source_format, scan=scan)
        if design in NOT_REPORT_DESIGNS:
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
    vocabulary = load_rif_vocabulary(config.directory)
    population_gates(vocabulary)  # register the gate's words before any record is scanned
    return RecordClassifier(model, points, name, TherapyMatcher(config.therapies), vocabulary)


def classify_texts(classifier: RecordClassifier, items: Sequence[tuple[str, str, str]]) -> list[Classification]:
    """Classify ``(id, title, abstract)`` triples (for scripts and tests)."""
    return classifier.classify_many(Article(pmid=i, title=t, abstract=a) for i, t, a in items)
