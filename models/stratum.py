"""Everything the weekly flow computes for one stratum, in one pure call.

``assess_stratum`` takes the studies of one therapy × outcome × RIF stratum (randomised trials
only, each listed once, with entry dates) and the validated monitoring config, and returns:
the measure chosen and why, the cumulative lead estimates in entry-date order (one per study,
so every past week's estimate can be shown again), the current monitoring state, and the
conventional analyses on the lead measure by every method, for the ``pooled`` view. Flags come
from ``models.monitoring.detect_changes(previous.state, current.state, pmids_added)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from models.cumulative import cumulative, order_by_entry_date
from models.lead import LeadEstimator, choose_measure
from models.monitoring import MonitoringSettings, StratumState, stratum_state
from models.pooling import Estimator, PoolingError, PoolResult, Study, effect_table
from models.pooling.estimator import METHODS
from models.pooling.tau2 import TAU2_ESTIMATORS
from models.sequential import diversity

#: The conventional analyses stored beside the lead, one row each in the ``pooled`` view.
STORED_METHODS = ("FE", "MH", "DL", "REML", "PM")


@dataclass(frozen=True)
class StratumAssessment:
    """One stratum after one run."""

    measure: str
    measure_reason: str
    excluded_ids: tuple[str, ...]
    steps: tuple[PoolResult, ...]
    state: StratumState
    analyses: tuple[PoolResult, ...]
    diversity: float

    @property
    def lead(self) -> PoolResult:
        return self.steps[-1]


def stratum_diversity(studies: Sequence[Study], measure: str, method: str) -> float:
    """D² of ``studies`` on ``measure`` with the lead's τ² estimator (DerSimonian-Laird if the
    lead is a fixed-effect method, as TSA's default)."""
    table = effect_table(studies, measure)
    if table.k < 2:
        return 0.0
    tau2_method = METHODS[method][1] or "DL"
    return diversity(table.vi, TAU2_ESTIMATORS[tau2_method](table.yi, table.vi))


def conventional_analyses(studies: Sequence[Study], measure: str, ci: str) -> tuple[PoolResult, ...]:
    """Every stored method on ``measure`` (MH only when all studies have counts)."""
    out = []
    for method in STORED_METHODS:
        if method == "MH" and not all(s.has_counts for s in studies):
            continue
        interval = ci if METHODS[method][1] is not None else "wald"
        try:
            out.append(Estimator(measure=measure, method=method, ci=interval).fit(studies))
        except PoolingError:
            continue  # e.g. a Paule-Mandel τ² beyond its search range: the other rows stand
    return tuple(out)


def assess_stratum(studies: Sequence[Study], monitoring, outcome: str) -> StratumAssessment:
    """Pool one stratum cumulatively and place it against its monitoring boundary.

    Parameters
    ----------
    studies
        The stratum's trials, each once (combine several active arms first:
        ``models.pooling.combine_active_arms``).
    monitoring
        ``config.schema.Monitoring`` (lead measure, method, interval; TSA and LIL settings).
    outcome
        The outcome id, for its control risk and for the direction of a plausible effect.
    """
    if not studies:
        raise PoolingError("a stratum needs at least one study")
    choice = choose_measure(studies, monitoring.lead_measure)
    ordered = order_by_entry_date(choice.studies)
    lead = LeadEstimator(measure=choice.measure, method=monitoring.lead_method, ci=monitoring.lead_ci)
    steps = tuple(cumulative(ordered, lead))
    d2 = stratum_diversity(ordered, choice.measure, monitoring.lead_method)
    state = stratum_state(steps, MonitoringSettings.from_config(monitoring, outcome), diversity=d2)
    return StratumAssessment(
        measure=choice.measure, measure_reason=choice.reason, excluded_ids=choice.excluded_ids,
        steps=steps, state=state, analyses=conventional_analyses(ordered, choice.measure, monitoring.lead_ci),
        diversity=d2)
