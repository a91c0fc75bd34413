"""Which estimate the digest leads with, and on which measure a stratum is pooled.

The committee sees one number per stratum first; flags are decided on it. The rules, and the
reasons for them, are in docs/statistics.md; in short:

- **Measure.** The configured measure (RR) when every study can give it. Studies with counts can
  give any measure; a study known only by a reported ratio gives only that ratio (an OR cannot be
  turned into an RR without the control risk). When some study reports only another measure,
  the stratum is pooled on the measure that the most studies can give, ties going to the
  configured preference order; studies that still cannot contribute are listed, never dropped
  silently. A study with both counts and a reported ratio is analysed from its counts only.
- **Method.** The configured random-effects model with its interval (REML with HKSJ and the
  ad-hoc floor) from k = 3 on. With k = 1 the study itself, labelled. With k = 2, τ² cannot be
  estimated in any useful sense and HKSJ has one degree of freedom (t quantile 12.7), so the
  lead is the fixed-effect estimate — Mantel-Haenszel when every study has counts, else inverse
  variance — with its Wald interval and a note saying so.
- **Failure.** Should the configured τ² estimator fail (a Paule-Mandel τ² beyond its search
  range), the lead uses DerSimonian-Laird, which always has a value, and says so in its note.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Sequence

from models.effect_sizes import MEASURES
from models.pooling import Estimator, PoolingError, PoolResult, Study, effect_table
from models.pooling.data import check_unique
from models.pooling.estimator import METHODS, choose

#: Fewest studies for which the lead uses the random-effects model. Below it τ² rests on one
#: degree of freedom (Bender et al. 2018, Res Synth Methods 9:382: with two studies neither
#: τ² nor HKSJ gives a usable interval; a fixed-effect analysis with a caveat is preferred).
MIN_K_RANDOM = 3

NOTE_K2 = ("two studies: between-study variance not estimable, fixed-effect estimate shown "
           "(random-effects HKSJ interval would have 1 degree of freedom)")


@dataclass(frozen=True, slots=True)
class MeasureChoice:
    """The measure a stratum is pooled on, the studies that can contribute, and why."""

    measure: str
    studies: tuple[Study, ...]
    excluded_ids: tuple[str, ...]
    reason: str


def choose_measure(studies: Sequence[Study], preferred: str = "RR") -> MeasureChoice:
    """Pick the measure most studies can give, preferring ``preferred`` then RR, OR, RD.

    Examples
    --------
    >>> trials = [Study.from_counts("1", 10, 50, 5, 50), Study.from_reported("2", "OR", 2.9, 1.2, 8.3)]
    >>> choose_measure(trials).measure
    'OR'
    """
    choose("measure", preferred, MEASURES)
    check_unique(studies)
    order = [preferred] + [m for m in MEASURES if m != preferred]
    coverage = {m: [s for s in studies if s.can_give(m)] for m in order}
    best = max(order, key=lambda m: (len(coverage[m]), -order.index(m)))
    used = tuple(coverage[best])
    excluded = tuple(s.id for s in studies if s not in used)
    if best == preferred:
        reason = f"{best}: every study gives it" if not excluded else \
            f"{best}: the configured measure; {len(excluded)} study(ies) report only another measure"
    else:
        reason = (f"{best}: {len(used)} of {len(studies)} studies give it, more than give "
                  f"{preferred} (some report only an {best})")
    return MeasureChoice(measure=best, studies=used, excluded_ids=excluded, reason=reason)


@dataclass(frozen=True)
class LeadEstimator:
    """The digest's lead estimate: ``fit`` applies the small-k rules above.

    Parameters
    ----------
    measure
        The measure to pool on (see ``choose_measure``).
    method, ci
        The configured model and interval (config ``lead_method``, ``lead_ci``).
    level
        Confidence level.
    min_k_random
        Fewest studies for a random-effects lead.
    tau2_interval
        Compute the Q-profile interval for τ² (simulations switch it off for speed).
    """

    measure: str = "RR"
    method: str = "REML"
    ci: str = "hksj-adhoc"
    level: float = 0.95
    min_k_random: int = MIN_K_RANDOM
    tau2_interval: bool = True

    def _estimator(self, method: str, ci: str) -> Estimator:
        return Estimator(self.measure, method, ci, self.level, tau2_interval=self.tau2_interval)

    def __post_init__(self) -> None:
        Estimator(measure=self.measure, method=self.method,
                  ci="wald" if self.method == "MH" else self.ci, level=self.level)

    def fit(self, studies: Sequence[Study]) -> PoolResult:
        """Pool ``studies`` with the lead method, falling back as documented for small k."""
        table = effect_table(studies, self.measure)
        all_counts = all(s.has_counts for s in studies)
        is_random = METHODS[self.method][1] is not None
        if is_random and 2 <= table.k < self.min_k_random:
            fixed = "MH" if all_counts else "FE"
            result = self._estimator(fixed, "wald").fit(studies)
            return replace(result, note=NOTE_K2)
        if self.method == "MH" and not all_counts:
            result = self._estimator("FE", "wald").fit(studies)
            return replace(result, note="inverse-variance fixed effect: a study has no 2x2 counts "
                                        "for Mantel-Haenszel")
        ci = "wald" if self.method == "MH" else self.ci
        try:
            return self._estimator(self.method, ci).fit(studies)
        except PoolingError as exc:
            if not is_random or self.method == "DL":
                raise
            # A weekly run must not stop on one stratum: DerSimonian-Laird always has a value.
            result = self._estimator("DL", ci).fit(studies)
            return replace(result, note=f"DerSimonian-Laird τ²: {self.method} failed ({exc})")

