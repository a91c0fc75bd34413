"""Cumulative meta-analysis: the pooled estimate after each study, in the order given.

A living review adds trials as PubMed enters them, so the natural order is the entry date; each
step is what a reader would have seen once that trial was in. ``cumulative`` refits the whole
analysis at every step (as metafor's ``cumul`` does), so step i depends only on the first i
studies and a past week's estimate can be shown again exactly.

>>> from models.pooling import Study
>>> steps = cumulative([Study.from_counts("a", 13, 71, 10, 71), Study.from_counts("b", 4, 26, 3, 25)],
...                    measure="RR", method="DL")
>>> [s.k for s in steps], steps[0].label
([1, 2], 'single study')
"""

from __future__ import annotations

from datetime import date
from typing import Protocol, Sequence

from models.pooling import Estimator, PoolResult, Study
from models.pooling.data import check_unique


class Fits(Protocol):
    """Anything that pools a list of studies: an ``Estimator`` or ``models.lead.LeadEstimator``."""

    def fit(self, studies: Sequence[Study]) -> PoolResult: ...


def order_by_entry_date(studies: Sequence[Study]) -> list[Study]:
    """Studies by entry date, ties kept in their given order.

    A study without an entry date comes first: undated studies are the curated baseline that
    predates surveillance (the 2023 review's trials).
    """
    indexed = list(enumerate(studies))
    indexed.sort(key=lambda pair: (pair[1].entry_date is not None, pair[1].entry_date or date.min, pair[0]))
    return [study for _, study in indexed]


def cumulative(studies_in_order: Sequence[Study], estimator: Fits | None = None, *,
               measure: str = "RR", method: str = "REML", ci: str = "wald",
               level: float = 0.95) -> list[PoolResult]:
    """One ``PoolResult`` per study: the analysis of the first 1, 2, ..., k studies.

    Parameters
    ----------
    studies_in_order
        The studies in the order they became known (see ``order_by_entry_date``).
    estimator
        What pools each step; by default ``Estimator(measure, method, ci, level)``.
    measure, method, ci, level
        Settings of the default estimator (ignored when ``estimator`` is given).
    """
    check_unique(studies_in_order)
    fitter = estimator if estimator is not None else Estimator(measure=measure, method=method,
                                                               ci=ci, level=level)
    return [fitter.fit(studies_in_order[: i + 1]) for i in range(len(studies_in_order))]
