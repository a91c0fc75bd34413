"""Figures that say how well the classifier does: pure functions over predictions and labels.

Used by ``scripts/evaluate_classifier.py``, ``rifwatch model evaluate`` and the model card.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np


@dataclass(frozen=True)
class BinaryFigures:
    """Sensitivity, specificity and precision of a yes/no decision, with the counts behind them."""

    tp: int
    fp: int
    tn: int
    fn: int

    @property
    def sensitivity(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else float("nan")

    @property
    def specificity(self) -> float:
        return self.tn / (self.tn + self.fp) if self.tn + self.fp else float("nan")

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else float("nan")


def binary_figures(predicted: Sequence[bool], truth: Sequence[bool]) -> BinaryFigures:
    """Counts of a decision against labels.

    Examples
    --------
    >>> f = binary_figures([True, True, False, False], [True, False, False, True])
    >>> (f.sensitivity, f.specificity, f.precision)
    (0.5, 0.5, 0.5)
    """
    p = np.asarray(predicted, dtype=bool)
    t = np.asarray(truth, dtype=bool)
    return BinaryFigures(int((p & t).sum()), int((p & ~t).sum()), int((~p & ~t).sum()), int((~p & t).sum()))


def accuracy(predicted: Sequence, truth: Sequence) -> tuple[float, int, int]:
    """(share equal, number equal, number compared)."""
    pairs = list(zip(predicted, truth))
    right = sum(1 for p, t in pairs if p == t)
    return (right / len(pairs) if pairs else float("nan")), right, len(pairs)


def auc(scores: Sequence[float], truth: Sequence[bool]) -> float:
    """Area under the ROC curve (the probability a positive outranks a negative; ties count half)."""
    s = np.asarray(scores, dtype=float)
    t = np.asarray(truth, dtype=bool)
    pos, neg = s[t], s[~t]
    if not len(pos) or not len(neg):
        return float("nan")
    order = np.argsort(np.concatenate([pos, neg]), kind="mergesort")
    ranks = np.empty(len(order))
    values = np.concatenate([pos, neg])[order]
    i = 0
    while i < len(values):  # average ranks over ties
        j = i
        while j + 1 < len(values) and values[j + 1] == values[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2 + 1
        i = j + 1
    return float((ranks[: len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))
