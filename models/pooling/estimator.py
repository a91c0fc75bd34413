"""Pool studies on one measure with one method: settings in the constructor, data in ``fit``.

>>> from models.pooling import Estimator, Study
>>> trials = [Study.from_counts("a", 13, 71, 10, 71), Study.from_counts("b", 4, 26, 3, 25),
...           Study.from_counts("c", 12, 82, 13, 75)]
>>> r = Estimator(measure="RR", method="MH").fit(trials)
>>> round(r.estimate, 3), round(r.ci_low, 3), round(r.ci_high, 3)
(1.066, 0.656, 1.731)

Methods are found by name in ``METHODS``; an unknown name is an error that lists the choices.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Sequence

import numpy as np

from models.effect_sizes import MEASURES, is_double_zero
from models.pooling.data import EffectTable, PoolingError, Study, check_unique, effect_table, total_patients
from models.pooling.fixed import Tables, mantel_haenszel
from models.pooling.heterogeneity import fixed_effect_heterogeneity
from models.pooling.intervals import CI_METHODS, confidence_interval
from models.pooling.random import fit_inverse_variance
from models.pooling.results import (
    LABEL_FIXED,
    LABEL_RANDOM,
    LABEL_SINGLE,
    PoolResult,
    to_reporting_scale,
)

#: Pooling methods by name: what each is, and the τ² estimator behind it (None: fixed effect).
METHODS: dict[str, tuple[str, str | None]] = {
    "FE": ("fixed effect, inverse variance", None),
    "MH": ("fixed effect, Mantel-Haenszel", None),
    "DL": ("random effects, DerSimonian-Laird τ²", "DL"),
    "REML": ("random effects, restricted maximum-likelihood τ²", "REML"),
    "PM": ("random effects, Paule-Mandel τ²", "PM"),
    "HE": ("random effects, Hedges τ²", "HE"),
    "ML": ("random effects, maximum-likelihood τ²", "ML"),
}


class UnknownChoice(PoolingError):
    """A setting named something the registry does not have."""


def choose(kind: str, name: str, choices: Sequence[str]) -> str:
    """Return ``name`` if it is one of ``choices``; otherwise raise, listing them."""
    if name not in choices:
        raise UnknownChoice(f"unknown {kind} {name!r} (choose one of: {', '.join(choices)})")
    return name


@dataclass(frozen=True)
class Estimator:
    """A pooling method with its settings; ``fit`` applies it to studies.

    Parameters
    ----------
    measure
        ``RR``, ``OR`` or ``RD``.
    method
        A key of ``METHODS``: ``FE``, ``MH``, ``DL``, ``REML``, ``PM`` (also ``HE``, ``ML``).
    ci
        ``wald``, ``hksj`` or ``hksj-adhoc``. Mantel-Haenszel has only the Wald interval.
    level
        Confidence level of every interval.
    tau2_interval
        Compute the Q-profile interval for τ² (random-effects models).
    """

    measure: str = "RR"
    method: str = "REML"
    ci: str = "wald"
    level: float = 0.95
    tau2_interval: bool = True

    def __post_init__(self) -> None:
        # Names are matched case-insensitively ("reml", "HKSJ"); the canonical spelling is kept.
        for name, canonical in (("measure", str.upper), ("method", str.upper), ("ci", str.lower)):
            value = getattr(self, name)
            if isinstance(value, str):
                object.__setattr__(self, name, canonical(value.strip()))
        choose("measure", self.measure, MEASURES)
        choose("method", self.method, tuple(METHODS))
        choose("interval", self.ci, CI_METHODS)
        if self.method == "MH" and self.ci != "wald":
            raise PoolingError("Mantel-Haenszel has only a Wald interval (use --ci wald)")
        if not 0 < self.level < 1:
            raise PoolingError(f"level must lie in (0, 1), got {self.level}")

    @property
    def is_random(self) -> bool:
        return METHODS[self.method][1] is not None

    def fit(self, studies: Sequence[Study]) -> PoolResult:
        """Pool ``studies`` (each listed once) and return the immutable result."""
        check_unique(studies)
        table = effect_table(studies, self.measure)
        if self.method == "MH" and table.k >= 2:
            return self._fit_mantel_haenszel(studies, table)
        result = self.fit_table(table)
        if table.k == 1:
            return self._as_published(result, next(s for s in studies if s.id == table.ids[0]))
        return result

    def _as_published(self, result: PoolResult, study: Study) -> PoolResult:
        """k = 1 from a reported ratio: show the interval the paper printed, not a rebuilt one.

        Papers round the estimate apart from its bounds, so the estimate need not sit at the log
        midpoint of its interval (Aleyasin 2016: OR 2.94, 1.23-8.33); a Wald interval rebuilt
        around it would put different numbers beside the paper's own. The p-value stays the Wald
        value from the SE the interval implies.
        """
        if study.has_counts or not study.has_reported or study.measure != self.measure or study.level != self.level:
            return result
        return replace(result, ci_low=study.ci_low, ci_high=study.ci_high,
                       note=(result.note + "; " if result.note else "") + "interval as published")

    def fit_effects(self, yi: Sequence[float], vi: Sequence[float], ids: Sequence[str] | None = None,
                    n_patients: int | None = None) -> PoolResult:
        """Pool analysis-scale effects given directly (MH needs counts and refuses)."""
        if self.method == "MH":
            raise PoolingError("Mantel-Haenszel needs the 2x2 counts, not yi and vi")
        yi_arr, vi_arr = np.asarray(yi, dtype=float), np.asarray(vi, dtype=float)
        if yi_arr.shape != vi_arr.shape or yi_arr.ndim != 1:
            raise PoolingError("yi and vi must be equally long lists of numbers")
        if not np.all(vi_arr > 0):
            raise PoolingError("every variance must be positive")
        names = tuple(ids) if ids is not None else tuple(str(i + 1) for i in range(len(yi_arr)))
        return self.fit_table(EffectTable(self.measure, names, yi_arr, vi_arr,
                                          (False,) * len(names), (), n_patients))

    def fit_table(self, table: EffectTable) -> PoolResult:
        """Pool an ``EffectTable`` with an inverse-variance model (or return the single study)."""
        if table.k == 0:
            return PoolResult.not_estimable(self.measure, self.method, self.ci,
                                            reason="no study has an estimable effect on this measure",
                                            excluded_ids=table.excluded, level=self.level)
        if table.k == 1:
            return self._single(table)
        fit = fit_inverse_variance(table.yi, table.vi, tau2_method=METHODS[self.method][1],
                                   ci=self.ci, level=self.level,
                                   tau2_interval=self.tau2_interval)
        het, interval = fit.heterogeneity, fit.interval
        tau2_ci = fit.tau2_interval or (None, None)
        return self._result(
            table.ids, table.excluded, table.n_patients, theta=fit.theta, se=interval.se,
            low=interval.low, high=interval.high, p_value=interval.p_value,
            statistic=interval.statistic, df=interval.df,
            tau2=fit.tau2, i2=het.i2, h2=het.h2, q=het.q, q_p=het.p_value,
            pi=fit.prediction, tau2_ci=tau2_ci, label=LABEL_RANDOM if self.is_random else LABEL_FIXED,
        )

    def _single(self, table: EffectTable) -> PoolResult:
        """k = 1: the study itself with its own Wald interval, labelled as such."""
        theta, se = float(table.yi[0]), math.sqrt(float(table.vi[0]))
        interval = confidence_interval("wald", theta, se, level=self.level)
        return self._result(table.ids, table.excluded, table.n_patients, theta=theta, se=se,
                            low=interval.low,
                            high=interval.high, p_value=interval.p_value,
                            statistic=interval.statistic, df=None, tau2=None, i2=None, h2=None,
                            q=None, q_p=None, pi=None, tau2_ci=(None, None), label=LABEL_SINGLE,
                            ci_method="wald")

    def _fit_mantel_haenszel(self, studies: Sequence[Study], table: EffectTable) -> PoolResult:
        missing = [s.id for s in studies if not s.has_counts]
        if missing:
            raise PoolingError(f"Mantel-Haenszel needs 2x2 counts; study {missing[0]} has none")
        counts = np.array([s.counts() for s in studies], dtype=float)
        tables = Tables(a=counts[:, 0], n1=counts[:, 1], c=counts[:, 2], n2=counts[:, 3])
        used = tables.informative(self.measure)
        ids = tuple(s.id for s, keep in zip(studies, used) if keep)
        excluded = tuple(s.id for s, keep in zip(studies, used) if not keep)
        pooled = mantel_haenszel(self.measure, Tables(*(x[used] for x in
                                                        (tables.a, tables.n1, tables.c, tables.n2))))
        if pooled is None:
            return PoolResult.not_estimable(
                self.measure, self.method, self.ci, excluded_ids=excluded, level=self.level,
                reason="Mantel-Haenszel ratio not estimable: an arm has no events in any study")
        interval = confidence_interval("wald", pooled.theta, pooled.se, level=self.level)
        # Heterogeneity as rma.mh: per-study effects (0.5 added to zero-cell studies) around
        # the MH estimate, leaving out studies with no events (or only events) in both arms.
        by_id = {s.id: s for s in studies}
        keep = np.array([not is_double_zero(*by_id[i].counts()) for i in table.ids], dtype=bool)
        het = fixed_effect_heterogeneity(table.yi[keep], table.vi[keep], center=pooled.theta)
        n_patients = total_patients([s for s, keep in zip(studies, used) if keep])
        return self._result(
            ids, excluded, n_patients, theta=pooled.theta, se=pooled.se, low=interval.low, high=interval.high,
            p_value=interval.p_value, statistic=interval.statistic, df=None, tau2=None,
            i2=het.i2 if het else None, h2=het.h2 if het else None, q=het.q if het else None,
            q_p=het.p_value if het else None, pi=None, tau2_ci=(None, None), label=LABEL_FIXED,
            q_df=het.df if het else None,
        )

    def _result(self, ids: tuple[str, ...], excluded: tuple[str, ...], n_patients: int | None, *,
                theta: float, se: float, low: float, high: float,
                p_value: float, statistic: float, df: int | None, tau2: float | None,
                i2: float | None, h2: float | None, q: float | None, q_p: float | None,
                pi: tuple[float, float] | None, tau2_ci: tuple[float | None, float | None],
                label: str, ci_method: str | None = None, q_df: int | None = None) -> PoolResult:
        scale = self.measure
        return PoolResult(
            measure=self.measure, method=self.method, ci_method=ci_method or self.ci,
            k=len(ids), n_patients=n_patients,
            estimate=to_reporting_scale(scale, theta),
            ci_low=to_reporting_scale(scale, low), ci_high=to_reporting_scale(scale, high),
            p_value=p_value, tau2=tau2, i2=i2,
            pi_low=to_reporting_scale(scale, pi[0]) if pi else None,
            pi_high=to_reporting_scale(scale, pi[1]) if pi else None,
            theta=theta, se=se, statistic=statistic, df=df, q=q,
            q_df=q_df if q_df is not None else (len(ids) - 1 if q is not None else None),
            q_p_value=q_p, h2=h2, tau2_ci_low=tau2_ci[0], tau2_ci_high=tau2_ci[1],
            level=self.level, label=label, study_ids=ids, excluded_ids=excluded,
        )


def pool(studies: Sequence[Study], measure: str = "RR", method: str = "REML", ci: str = "wald",
         level: float = 0.95) -> PoolResult:
    """Shorthand for ``Estimator(measure, method, ci, level).fit(studies)``."""
    return Estimator(measure=measure, method=method, ci=ci, level=level).fit(studies)

