"""A calibrated probability that a record reports the results of a randomised trial, from text.

The model is a logistic regression over three blocks of features of title + abstract:
word 1-2-grams and character 3-5-grams (sublinear tf-idf, l2-normalised rows), and the explicit
cues of :mod:`models.features`. Its decision value is mapped to a probability by a Platt
sigmoid fitted on out-of-fold decision values (the same as scikit-learn's
``CalibratedClassifierCV(method="sigmoid", ensemble=False)``), so the probability is calibrated
on records the model did not see.

The artifact is plain JSON (vocabularies, idf, coefficients, calibration, settings): safe to load,
readable in a diff, and independent of pickling details of the library version. Vectorising is
done here, from the vocabulary, so training and scoring use exactly the same arithmetic.

Examples
--------
>>> model = train([("Drug A versus placebo: a randomised trial", "Patients were randomly assigned."),
...                ("A case of rash", "We report a 40-year-old woman with a rash.")] * 6,
...               [True, False] * 6, settings=ModelSettings(min_df=1, cv_folds=2))
>>> bool(model.score_pairs([("Aspirin or placebo", "Women were randomized to two groups.")])[0] > 0.5)
True
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from models.features import FEATURE_NAMES, cue_matrix

ARTIFACT_FORMAT = "rifwatch-rct-linear/1"


class ModelFileError(ValueError):
    """A model artifact is missing, malformed or was built with other features."""


@dataclass(frozen=True)
class ModelSettings:
    """How a model is trained; stored in the artifact so a retrain can repeat it exactly."""

    word_ngrams: tuple[int, int] = (1, 2)
    char_ngrams: tuple[int, int] = (3, 5)
    min_df: int = 2
    max_word_features: int = 30000
    max_char_features: int = 30000
    #: Inverse regularisation strength of the logistic regression.
    c: float = 4.0
    #: Multiplier on the binary cue block, so cues weigh like a strong word at the same penalty.
    cue_weight: float = 1.0
    cv_folds: int = 5
    seed: int = 0
    class_weight: str | None = "balanced"


@dataclass(frozen=True)
class _TfidfBlock:
    vocabulary: dict[str, int]
    idf: np.ndarray
    analyzer: str
    ngram_range: tuple[int, int]

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        if not self.vocabulary:  # a block switched off in the settings
            return sparse.csr_matrix((len(texts), 0))
        counts = _vectorizer(self.analyzer, self.ngram_range, vocabulary=self.vocabulary).transform(texts)
        return _tfidf(counts, self.idf)


@dataclass(frozen=True)
class RctModel:
    """A trained RCT classifier: featurisers, linear weights and the calibration sigmoid."""

    settings: ModelSettings
    word: _TfidfBlock
    char: _TfidfBlock
    coef: np.ndarray
    intercept: float
    sigmoid_a: float
    sigmoid_b: float
    feature_names: tuple[str, ...] = FEATURE_NAMES
    trained_on: dict = field(default_factory=dict)

    def features(self, pairs: Sequence[tuple[str, str]]) -> sparse.csr_matrix:
        texts = [_joined(title, abstract) for title, abstract in pairs]
        cues = cue_matrix(pairs) * self.settings.cue_weight
        return sparse.hstack([self.word.transform(texts), self.char.transform(texts), cues], format="csr")

    def decision_pairs(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """Raw linear decision values (before calibration)."""
        if not pairs:
            return np.zeros(0)
        return self.features(pairs) @ self.coef + self.intercept

    def score_pairs(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """Calibrated probabilities for (title, abstract) pairs."""
        return _platt(self.decision_pairs(pairs), self.sigmoid_a, self.sigmoid_b)

    def score_many(self, articles: Iterable) -> np.ndarray:
        """Calibrated probabilities for records with ``title`` and ``abstract`` attributes."""
        return self.score_pairs([(a.title or "", a.abstract or "") for a in articles])

    @property
    def version(self) -> str:
        """A short content hash: two models with the same weights have the same version."""
        digest = hashlib.sha256(json.dumps(to_json(self), sort_keys=True).encode()).hexdigest()
        return f"rct-linear-{digest[:12]}"


def _joined(title: str, abstract: str) -> str:
    return f"{title}\n{abstract}" if abstract else title


def _vectorizer(analyzer: str, ngram_range: tuple[int, int], **kwargs) -> CountVectorizer:
    return CountVectorizer(analyzer=analyzer, ngram_range=tuple(ngram_range), lowercase=True,
                           token_pattern=r"(?u)\b\w[\w-]*\b" if analyzer == "word" else None,
                           dtype=np.float64, **kwargs)


def _tfidf(counts: sparse.csr_matrix, idf: np.ndarray) -> sparse.csr_matrix:
    weighted = counts.tocsr(copy=True)
    np.log(weighted.data, out=weighted.data)
    weighted.data += 1.0  # sublinear tf: 1 + log(count)
    weighted = weighted @ sparse.diags(idf)
    norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ weighted)


def _fit_block(texts: Sequence[str], analyzer: str, ngram_range, min_df: int, max_features: int) -> _TfidfBlock:
    if max_features == 0:
        return _TfidfBlock({}, np.zeros(0), analyzer, tuple(ngram_range))
    vectorizer = _vectorizer(analyzer, ngram_range, min_df=min_df, max_features=max_features)
    counts = vectorizer.fit_transform(texts)
    n = counts.shape[0]
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    idf = np.log((1.0 + n) / (1.0 + df)) + 1.0  # smoothed idf, as scikit-learn computes it
    vocabulary = {term: int(index) for term, index in vectorizer.vocabulary_.items()}
    return _TfidfBlock(vocabulary, idf, analyzer, tuple(ngram_range))


def _platt(scores: np.ndarray, a: float, b: float) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(np.clip(a * scores + b, -500, 500)))


def _fit_linear(pairs, labels, settings: ModelSettings) -> tuple[_TfidfBlock, _TfidfBlock, np.ndarray, float]:
    texts = [_joined(t, a) for t, a in pairs]
    word = _fit_block(texts, "word", settings.word_ngrams, settings.min_df, settings.max_word_features)
    char = _fit_block(texts, "char_wb", settings.char_ngrams, settings.min_df, settings.max_char_features)
    shell = RctModel(settings, word, char, np.zeros(0), 0.0, -1.0, 0.0)
    matrix = shell.features(pairs)
    regression = LogisticRegression(C=settings.c, class_weight=settings.class_weight, max_iter=5000,
                                    solver="liblinear", random_state=settings.seed)
    regression.fit(matrix, labels)
    return word, char, regression.coef_.ravel().copy(), float(regression.intercept_[0])


def fit_sigmoid(scores: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """Platt's sigmoid ``p = 1 / (1 + exp(a*s + b))`` with his smoothed targets (1999)."""
    labels = np.asarray(labels, dtype=bool)
    n_pos, n_neg = labels.sum(), (~labels).sum()
    target = np.where(labels, (n_pos + 1.0) / (n_pos + 2.0), 1.0 / (n_neg + 2.0))
    a, b = -1.0, 0.0
    for _ in range(200):  # Newton's method on the log loss; converges in a few steps
        p = _platt(scores, a, b)
        g_a = np.sum((target - p) * scores)
        g_b = np.sum(target - p)
        w = p * (1 - p)
        h_aa, h_ab, h_bb = np.sum(w * scores * scores) + 1e-12, np.sum(w * scores), np.sum(w) + 1e-12
        det = h_aa * h_bb - h_ab * h_ab
        step_a = (h_bb * g_a - h_ab * g_b) / det
        step_b = (h_aa * g_b - h_ab * g_a) / det
        a, b = a - step_a, b - step_b
        if abs(step_a) + abs(step_b) < 1e-10:
            break
    return float(a), float(b)


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


def out_of_fold_decisions(texts, labels, settings: ModelSettings) -> np.ndarray:
    """Decision values of each record from a model trained without its fold (stratified, seeded)."""
    pairs = _as_pairs(texts)
    y = np.asarray(labels, dtype=bool)
    folds = StratifiedKFold(n_splits=settings.cv_folds, shuffle=True, random_state=settings.seed)
    scores = np.zeros(len(pairs))
    for train_index, test_index in folds.split(np.zeros(len(y)), y):
        word, char, coef, intercept = _fit_linear([pairs[i] for i in train_index], y[train_index], settings)
        fold_model = RctModel(settings, word, char, coef, intercept, -1.0, 0.0)
        scores[test_index] = fold_model.decision_pairs([pairs[i] for i in test_index])
    return scores


def train(texts, labels, *, seed: int = 0, settings: ModelSettings | None = None,
          out_of_fold: np.ndarray | None = None, trained_on: dict | None = None) -> RctModel:
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
        Out-of-fold decision values, when the caller already computed them (to choose operating
        points); computed here otherwise.

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
    oof = out_of_fold if out_of_fold is not None else out_of_fold_decisions(pairs, y, settings)
    a, b = fit_sigmoid(oof, y)
    word, char, coef, intercept = _fit_linear(pairs, y, settings)
    return RctModel(settings, word, char, coef, intercept, a, b, FEATURE_NAMES, dict(trained_on or {}))


def _round(values: np.ndarray) -> list[float]:
    return [float(f"{v:.10g}") for v in values]


def to_json(model: RctModel) -> dict:
    """The artifact's content: plain lists and numbers (rounded to 10 significant digits)."""
    def block(b: _TfidfBlock) -> dict:
        terms = sorted(b.vocabulary, key=b.vocabulary.__getitem__)
        return {"analyzer": b.analyzer, "ngram_range": list(b.ngram_range), "terms": terms, "idf": _round(b.idf)}

    return {
        "format": ARTIFACT_FORMAT,
        "settings": {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(model.settings).items()},
        "feature_names": list(model.feature_names),
        "word": block(model.word),
        "char": block(model.char),
        "coef": _round(model.coef),
        "intercept": float(f"{model.intercept:.10g}"),
        "sigmoid": {"a": float(f"{model.sigmoid_a:.10g}"), "b": float(f"{model.sigmoid_b:.10g}")},
        "trained_on": model.trained_on,
    }


def from_json(data: dict, *, shown: str = "model artifact") -> RctModel:
    """Rebuild a model from :func:`to_json` output, refusing one built with other cue features."""
    if not isinstance(data, dict) or data.get("format") != ARTIFACT_FORMAT:
        raise ModelFileError(f"{shown}: not a {ARTIFACT_FORMAT} artifact")
    if tuple(data["feature_names"]) != FEATURE_NAMES:
        raise ModelFileError(f"{shown}: built with other cue features; retrain with scripts/train_rct_model.py")
    raw = dict(data["settings"])
    settings = ModelSettings(**{k: tuple(v) if isinstance(v, list) else v for k, v in raw.items()})

    def block(b: dict) -> _TfidfBlock:
        vocabulary = {term: i for i, term in enumerate(b["terms"])}
        return _TfidfBlock(vocabulary, np.asarray(b["idf"], dtype=np.float64), b["analyzer"], tuple(b["ngram_range"]))

    word, char = block(data["word"]), block(data["char"])
    coef = np.asarray(data["coef"], dtype=np.float64)
    expected = len(word.vocabulary) + len(char.vocabulary) + len(FEATURE_NAMES)
    if coef.shape != (expected,):
        raise ModelFileError(f"{shown}: {coef.size} weights for {expected} features")
    return RctModel(settings, word, char, coef, float(data["intercept"]), float(data["sigmoid"]["a"]),
                    float(data["sigmoid"]["b"]), FEATURE_NAMES, dict(data.get("trained_on", {})))


def save_model(model: RctModel, path: Path | str) -> Path:
    """Write the artifact as JSON (one key per line at the top level keeps diffs readable)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = to_json(model)
    with path.open("w", encoding="utf-8") as handle:
        json.dump(data, handle, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
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


def threshold_for_sensitivity(scores: np.ndarray, labels: np.ndarray, target: float) -> float:
    """The highest threshold whose sensitivity (share of positives scoring ≥ it) reaches ``target``."""
    positives = np.sort(np.asarray(scores)[np.asarray(labels, dtype=bool)])
    if positives.size == 0:
        raise ValueError("no positive records to set a threshold on")
    allowed_misses = int(math.floor((1.0 - target) * positives.size + 1e-9))
    return float(positives[allowed_misses])


def threshold_for_specificity(scores: np.ndarray, labels: np.ndarray, target: float) -> float:
    """The lowest threshold whose specificity (share of negatives scoring below it) reaches ``target``."""
    negatives = np.sort(np.asarray(scores)[~np.asarray(labels, dtype=bool)])
    if negatives.size == 0:
        raise ValueError("no negative records to set a threshold on")
    index = int(math.ceil(target * negatives.size - 1e-9)) - 1
    index = min(max(index, 0), negatives.size - 1)
    upper = negatives[index]
    return float(np.nextafter(upper, np.inf))
