"""A calibrated probability that a record reports the results of a randomised trial, from text.

A hybrid of explicit rules and a linear model:

1. :func:`models.rct_rules.judge` puts the record in a stratum: ``not_report`` (syntheses,
   protocols, secondary analyses, case reports, animal studies, observational designs ...),
   ``randomised`` (the record says its participants were randomised) or ``undecided``.
2. A logistic regression over word 1-2-grams (sublinear tf-idf, :mod:`models.tfidf`) and the
   explicit cues of :mod:`models.features` gives a decision value.
3. The probability is Platt's sigmoid of that value, fitted per stratum (:mod:`models.calibration`)
   on out-of-fold decision values of the calibration records: the rules move the probability as
   far as the data say they should, and the model ranks records inside each stratum.

The artifact is plain JSON (vocabulary, idf, coefficients, calibration, settings): safe to load,
readable in a diff, independent of pickling details of the library version.

Examples
--------
>>> model = train([("Drug A versus placebo", "Patients were randomly assigned to A or placebo."),
...                ("A case of rash", "We report a 40-year-old woman with a rash."),
...                ("Drug B and falls", "We followed 300 patients for a year.")] * 6,
...               [True, False, False] * 6, settings=ModelSettings(min_df=1, cv_folds=2))
>>> bool(model.score_pairs([("Aspirin or placebo", "Women were randomized to two groups.")])[0] > 0.5)
True
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from models.calibration import StratifiedSigmoid, fit_stratified_sigmoid
from models.features import FEATURE_NAMES, cue_matrix
from models.rct_rules import STRATA, RuleVerdict, judge, judge_scan
from models.text_scan import Scan
from models.tfidf import TfidfBlock, fit_tfidf, word_grams

ARTIFACT_FORMAT = "rifwatch-rct-hybrid/2"
_STRATUM_INDEX = {name: i for i, name in enumerate(STRATA)}


class ModelFileError(ValueError):
    """A model artifact is missing, malformed or was built with other features."""


@dataclass(frozen=True)
class ModelSettings:
    """How a model is trained; stored in the artifact so a retrain can repeat it exactly."""

    min_df: int = 2
    max_word_features: int = 30000
    #: Inverse regularisation strength of the logistic regression.
    c: float = 4.0
    cv_folds: int = 5
    seed: int = 0
    #: Longest word n-gram of the word block (1: words only; 2: words and bigrams). Words only:
    #: on the development half, bigrams changed no figure beyond one record and cost a third of
    #: the scoring time (measured; models/artifacts/MODEL_CARD.md).
    ngram_max: int = 1


@dataclass(frozen=True)
class Assessment:
    """The probability of one record with the rule verdict behind its stratum."""

    probability: float
    verdict: RuleVerdict


@dataclass(frozen=True)
class RctModel:
    """A trained hybrid classifier: word vocabulary, linear weights, stratified calibration."""

    settings: ModelSettings
    word: TfidfBlock
    coef: np.ndarray
    intercept: float
    sigmoid: StratifiedSigmoid
    feature_names: tuple[str, ...] = FEATURE_NAMES
    trained_on: dict = field(default_factory=dict)

    def features(self, scans: Sequence[Scan]) -> sparse.csr_matrix:
        grams = [record_grams(scan, self.settings.ngram_max) for scan in scans]
        return sparse.hstack([self.word.transform(grams), cue_matrix(scans)], format="csr")

    def decision_pairs(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """Raw linear decision values (before calibration)."""
        return self._decisions([Scan(t, a) for t, a in pairs])

    def _decisions(self, scans: Sequence[Scan]) -> np.ndarray:
        if not scans:
            return np.zeros(0)
        return self.features(scans) @ self.coef + self.intercept

    def assess_pairs(self, pairs: Sequence[tuple[str, str]]) -> list[Assessment]:
        """Probability and rule verdict of each ``(title, abstract)`` pair."""
        return self.assess_scans([Scan(t, a) for t, a in pairs])

    def assess_scans(self, scans: Sequence[Scan]) -> list[Assessment]:
        """:meth:`assess_pairs` for records already scanned (the scans keep their answers)."""
        verdicts = [judge_scan(scan) for scan in scans]
        probabilities = self._probabilities(scans, verdicts)
        return [Assessment(float(p), v) for p, v in zip(probabilities, verdicts)]

    def score_pairs(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """Calibrated probabilities for (title, abstract) pairs."""
        scans = [Scan(t, a) for t, a in pairs]
        return self._probabilities(scans, [judge_scan(scan) for scan in scans])

    def score_many(self, articles: Iterable) -> np.ndarray:
        """Calibrated probabilities for records with ``title`` and ``abstract`` attributes."""
        return self.score_pairs([(a.title or "", a.abstract or "") for a in articles])

    def _probabilities(self, scans: Sequence[Scan], verdicts: Sequence[RuleVerdict]) -> np.ndarray:
        strata = np.array([_STRATUM_INDEX[v.stratum] for v in verdicts], dtype=np.int64)
        return self.sigmoid.probability(self._decisions(scans), strata)

    @cached_property
    def version(self) -> str:
        """A short content hash: two models with the same weights have the same version (computed once)."""
        digest = hashlib.sha256(json.dumps(to_json(self), sort_keys=True).encode()).hexdigest()
        return f"rct-hybrid-{digest[:12]}"


def record_grams(scan: Scan, n_max: int = 2) -> list[str]:
    """The word grams of a record: n-grams of title and abstract, and the title's own words marked
    ``t:`` (a title that says "randomised" says more than an abstract that does)."""
    title = scan.tokens("title")
    return word_grams(title + scan.tokens("abstract"), n_max) + [f"t:{token}" for token in title]


def strata_of(pairs: Sequence[tuple[str, str]]) -> np.ndarray:
    """The stratum index (position in :data:`models.rct_rules.STRATA`) of each pair."""
    return np.array([_STRATUM_INDEX[judge(t, a).stratum] for t, a in pairs], dtype=np.int64)


def _fit_linear(pairs, labels: np.ndarray, settings: ModelSettings) -> tuple[TfidfBlock, np.ndarray, float]:
    scans = [Scan(t, a) for t, a in pairs]
    word = fit_tfidf([record_grams(scan, settings.ngram_max) for scan in scans], min_df=settings.min_df,
                     max_features=settings.max_word_features)
    shell = RctModel(settings, word, np.zeros(0), 0.0, StratifiedSigmoid((1.0,) * len(STRATA), (0.0,) * len(STRATA)))
    regression = LogisticRegression(C=settings.c, class_weight="balanced", max_iter=5000, solver="liblinear",
                                    random_state=settings.seed)
    regression.fit(shell.features(scans), labels)
    return word, regression.coef_.ravel().copy(), float(regression.intercept_[0])


def _as_pairs(texts: Iterable) -> list[tuple[str, str]]:
    pairs = []
    for item in texts:
        if isinstance(item, str):
            title, _, abstract = item.partition("\n\n")  # Article.text joins title and abstract so
            pairs.append((title, abstract))
        elif hasattr(item, "title"):
            pairs.append((item.title or "", item.abstract or ""))
        else:
            title, abstract = item
            pairs.append((title or "", abstract or ""))
    return pairs


def out_of_fold_decisions(texts, labels, settings: ModelSettings, *, folded: np.ndarray | None = None) -> np.ndarray:
    """Decision values of the ``folded`` records from models trained without their fold.

    Stratified, seeded k-fold over the records where ``folded`` is true (all by default); the other
    records are in every training set and get NaN.
    """
    pairs = _as_pairs(texts)
    y = np.asarray(labels, dtype=bool)
    folded = np.ones(len(y), dtype=bool) if folded is None else np.asarray(folded, dtype=bool)
    always = np.flatnonzero(~folded)
    candidates = np.flatnonzero(folded)
    scores = np.full(len(pairs), np.nan)
    splitter = StratifiedKFold(n_splits=settings.cv_folds, shuffle=True, random_state=settings.seed)
    for train_part, test_part in splitter.split(np.zeros(len(candidates)), y[candidates]):
        train_index = np.concatenate([always, candidates[train_part]])
        test_index = candidates[test_part]
        word, coef, intercept = _fit_linear([pairs[i] for i in train_index], y[train_index], settings)
        fold_model = RctModel(settings, word, coef, intercept, StratifiedSigmoid((1.0,) * len(STRATA), (0.0,) * len(STRATA)))
        scores[test_index] = fold_model.decision_pairs([pairs[i] for i in test_index])
    return scores


def train(texts, labels, *, seed: int = 0, settings: ModelSettings | None = None,
          out_of_fold: np.ndarray | None = None, calibrate_on: np.ndarray | None = None,
          trained_on: dict | None = None) -> RctModel:
    """Train a calibrated model on texts and RCT labels.

    Parameters
    ----------
    texts
        Iterable of ``(title, abstract)`` pairs, of records with ``title``/``abstract``, or of
        strings in ``Article.text`` form (title, blank line, abstract).
    labels
        True where the record reports a randomised trial.
    seed
        Seeds the cross-validation folds (and the solver); the same data and seed give the same model.
    out_of_fold
        Out-of-fold decision values of the calibration records, when the caller already has them.
    calibrate_on
        Which records fit the calibration (all by default): those whose mix of designs is the one
        the probability should describe.

    Raises
    ------
    ValueError
        When there are no records, or only one class.
    """
    settings = settings or ModelSettings(seed=seed)
    if settings.seed != seed and seed != 0:
        settings = ModelSettings(**{**asdict(settings), "seed": seed})
    pairs = _as_pairs(texts)
    y = np.asarray(list(labels), dtype=bool)
    if len(pairs) != len(y):
        raise ValueError(f"{len(pairs)} texts but {len(y)} labels")
    if len(y) == 0 or y.all() or not y.any():
        raise ValueError("training needs both RCT and non-RCT records")
    calibrate = np.ones(len(y), dtype=bool) if calibrate_on is None else np.asarray(calibrate_on, dtype=bool)
    oof = out_of_fold if out_of_fold is not None else out_of_fold_decisions(pairs, y, settings, folded=calibrate)
    strata = strata_of([pairs[i] for i in np.flatnonzero(calibrate)])
    sigmoid = fit_stratified_sigmoid(oof[calibrate], y[calibrate], strata, n_strata=len(STRATA))
    word, coef, intercept = _fit_linear(pairs, y, settings)
    return RctModel(settings, word, coef, intercept, sigmoid, FEATURE_NAMES, dict(trained_on or {}))


def _round(values) -> list[float]:
    return [float(f"{v:.10g}") for v in values]


def to_json(model: RctModel) -> dict:
    """The artifact's content: plain lists and numbers (rounded to 10 significant digits)."""
    return {
        "format": ARTIFACT_FORMAT,
        "settings": asdict(model.settings),
        "feature_names": list(model.feature_names),
        "strata": list(STRATA),
        "word": {"terms": list(model.word.terms), "idf": _round(model.word.idf)},
        "coef": _round(model.coef),
        "intercept": float(f"{model.intercept:.10g}"),
        "calibration": {"slopes": _round(model.sigmoid.slopes), "intercepts": _round(model.sigmoid.intercepts)},
        "trained_on": model.trained_on,
    }


def from_json(data: dict, *, shown: str = "model artifact") -> RctModel:
    """Rebuild a model from :func:`to_json` output, refusing one built with other cues or strata."""
    if not isinstance(data, dict) or data.get("format") != ARTIFACT_FORMAT:
        raise ModelFileError(f"{shown}: not a {ARTIFACT_FORMAT} artifact; retrain with scripts/train_rct_model.py")
    if tuple(data["feature_names"]) != FEATURE_NAMES or tuple(data["strata"]) != STRATA:
        raise ModelFileError(f"{shown}: built with other cue features; retrain with scripts/train_rct_model.py")
    settings = ModelSettings(**data["settings"])
    word = TfidfBlock(tuple(data["word"]["terms"]), np.asarray(data["word"]["idf"], dtype=np.float64))
    coef = np.asarray(data["coef"], dtype=np.float64)
    expected = word.size + len(FEATURE_NAMES)
    if coef.shape != (expected,):
        raise ModelFileError(f"{shown}: {coef.size} weights for {expected} features")
    calibration = data["calibration"]
    sigmoid = StratifiedSigmoid(tuple(float(v) for v in calibration["slopes"]),
                                tuple(float(v) for v in calibration["intercepts"]))
    return RctModel(settings, word, coef, float(data["intercept"]), sigmoid, FEATURE_NAMES,
                    dict(data.get("trained_on", {})))


def save_model(model: RctModel, path: Path | str) -> Path:
    """Write the artifact as JSON."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        json.dump(to_json(model), handle, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        handle.write("\n")
    return path


def load_model(path: Path | str) -> RctModel:
    """Read an artifact written by :func:`save_model`.

    Raises
    ------
    ModelFileError
        With a one-line message when the file is missing, not JSON, or does not fit this code.
    """
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelFileError(f"model artifact not found: {path}") from None
    except json.JSONDecodeError as exc:
        raise ModelFileError(f"{path}: not valid JSON ({exc.msg})") from None
    try:
        return from_json(data, shown=str(path))
    except (KeyError, TypeError) as exc:
        raise ModelFileError(f"{path}: malformed artifact ({exc})") from None
