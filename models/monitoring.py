"""A stratum's monitoring state, and the flags raised when it changes.

``stratum_state`` reads a stratum's cumulative lead results (one per look, the last being
now) and says where the evidence stands: conventionally significant or not, in which direction,
how much of the required information has accrued, and whether the cumulative z has crossed the
sequential monitoring boundary (or, with the LIL option, the penalised threshold).

``detect_changes`` compares two states and returns a ``FlagEvent`` only where something
changed: significance gained (``crossed_significance``) or lost (``lost_significance``), the
monitoring boundary crossed (``crossed_boundary``), the direction of effect reversed
(``direction_flip``). Each names the papers that entered or left the stratum between the two
states. The conventional estimate is always reported; ``firm`` says whether the monitoring
boundary backs it, which decides how loudly the digest says it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping, Sequence

from scipy.stats import norm

from models.pooling import PoolResult
from models.sequential import boundaries, lil_penalty, required_information_size

FLAG_KINDS = ("crossed_significance", "lost_significance", "crossed_boundary", "direction_flip")
#: Outcomes where a therapy helps by making the event rarer; the plausible effect is a decrease.
ADVERSE_OUTCOMES = frozenset({"miscarriage"})


@dataclass(frozen=True, slots=True)
class MonitoringSettings:
    """What monitoring needs for one outcome (``from_config`` reads config/monitoring.toml)."""

    alpha: float = 0.05
    tsa_alpha: float = 0.05
    beta: float = 0.20
    spending: str = "obf"
    heterogeneity_adjustment: str = "D2"
    control_risk: float | None = None
    relative_effect: float = 0.30
    increase: bool = True
    use_lil: bool = False
    lil_lambda: float = 2.0

    @classmethod
    def from_config(cls, monitoring, outcome: str) -> "MonitoringSettings":
        """Settings for ``outcome`` from a validated ``config.schema.Monitoring``."""
        tsa = monitoring.tsa
        risks: Mapping[str, float] = tsa.control_risk
        return cls(alpha=monitoring.alpha, tsa_alpha=tsa.alpha, beta=tsa.beta, spending=tsa.spending,
                   heterogeneity_adjustment=tsa.heterogeneity_adjustment,
                   control_risk=risks.get(outcome), relative_effect=tsa.relative_effect,
                   increase=outcome not in ADVERSE_OUTCOMES, use_lil=monitoring.lil.enabled,
                   lil_lambda=monitoring.lil.lambda_)


@dataclass(frozen=True, slots=True)
class StratumState:
    """Where a stratum's evidence stands after one run (the ``pooled`` view's monitoring columns).

    ``z`` is the normal deviate with the same two-sided p-value as the lead test (for a Wald
    interval, θ/se; for HKSJ, the t statistic mapped through its p-value so that a heavier-tailed
    test is never read against normal boundaries as if it were normal). ``z_boundary`` is the
    monitoring threshold |z| must reach now; ``crossed_boundary`` whether it does.
    """

    k: int
    n_patients: int | None
    measure: str
    method: str
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    z: float | None
    significant: bool
    direction: int
    information_size: float | None
    information_fraction: float | None
    z_boundary: float | None
    crossed_boundary: bool
    monitor: str
    study_ids: tuple[str, ...]
    note: str = ""

    def describe(self) -> str:
        """One line: the estimate, interval, p-value, k and monitoring position."""
        if self.estimate is None:
            return f"no estimate (k = {self.k})"
        text = (f"{self.measure} {self.estimate:.2f} ({self.ci_low:.2f} to {self.ci_high:.2f}), "
                f"p = {self.p_value:.3g}, k = {self.k}")
        if self.information_fraction is not None:
            text += f", {self.information_fraction:.0%} of required information"
        if self.z_boundary is not None and math.isfinite(self.z_boundary):
            text += f", |z| {abs(self.z):.2f} vs boundary {self.z_boundary:.2f}"
        return text


@dataclass(frozen=True, slots=True)
class FlagEvent:
    """A change of state worth telling the committee, with the papers that caused it."""

    kind: str
    pmids: tuple[str, ...]
    details: str
    firm: bool


def _z_from(result: PoolResult) -> float:
    p = max(result.p_value, 1e-300)
    return math.copysign(float(norm.isf(p / 2)), result.theta) if result.theta else 0.0


def _adjustment(settings: MonitoringSettings, current: PoolResult, diversity: float) -> float:
    if settings.heterogeneity_adjustment == "D2":
        return diversity
    if settings.heterogeneity_adjustment == "I2" and current.i2 is not None:
        return min(current.i2 / 100, 0.99)
    return 0.0


def stratum_state(cumulative_results: Sequence[PoolResult], settings: MonitoringSettings, *,
                  diversity: float = 0.0) -> StratumState:
    """The state after the last of ``cumulative_results`` (each element is one look).

    Parameters
    ----------
    cumulative_results
        The stratum's lead results in the order the evidence arrived (``models.cumulative``).
    settings
        Significance level, TSA settings for this outcome, or the LIL option.
    diversity
        D² of the current studies (``models.sequential.diversity``), used when the
        heterogeneity adjustment is ``D2``.
    """
    looks = [r for r in cumulative_results if r.estimable]
    if not looks:
        last = cumulative_results[-1] if cumulative_results else None
        return StratumState(k=0, n_patients=None, measure=last.measure if last else "",
                            method=last.method if last else "", estimate=None, ci_low=None,
                            ci_high=None, p_value=None, z=None, significant=False, direction=0,
                            information_size=None, information_fraction=None, z_boundary=None,
                            crossed_boundary=False, monitor="none", study_ids=(),
                            note="no estimable study")
    current = looks[-1]
    z = _z_from(current)
    notes = [current.note] if current.note else []
    size = fraction = None
    if settings.control_risk is not None:
        size = required_information_size(
            settings.control_risk, settings.relative_effect, alpha=settings.tsa_alpha,
            beta=settings.beta, diversity=_adjustment(settings, current, diversity),
            increase=settings.increase)
        if current.n_patients is not None:
            fraction = current.n_patients / size
    else:
        notes.append("no control risk configured for this outcome: no information size")
    if settings.use_lil:
        monitor = "lil"
        penalty = lil_penalty(1 / current.se ** 2, settings.lil_lambda)
        z_boundary = float(norm.isf(settings.alpha / 2)) * penalty
    else:
        monitor = "tsa"
        fractions = [r.n_patients / size for r in looks if size and r.n_patients is not None]
        if fraction is None or len(fractions) != len(looks):
            z_boundary = None
            if size is not None:
                notes.append("a study's size is unknown: no information fraction")
        else:
            z_boundary = boundaries(_non_decreasing(fractions), settings.tsa_alpha, settings.spending)[-1]
    return StratumState(
        k=current.k, n_patients=current.n_patients, measure=current.measure, method=current.method,
        estimate=current.estimate, ci_low=current.ci_low, ci_high=current.ci_high,
        p_value=current.p_value, z=z, significant=current.significant(settings.alpha),
        direction=current.direction, information_size=size, information_fraction=fraction,
        z_boundary=z_boundary, crossed_boundary=z_boundary is not None and abs(z) >= z_boundary,
        monitor=monitor, study_ids=current.study_ids, note="; ".join(notes))


def _non_decreasing(fractions: list[float]) -> list[float]:
    """Fractions as looks: a step that adds no patients (a study of unknown size) repeats a look."""
    out: list[float] = []
    for value in fractions:
        out.append(max(value, out[-1]) if out else value)
    return out


def detect_changes(previous_state: StratumState | None, current_state: StratumState,
                   pmids_added: Sequence[str] = ()) -> list[FlagEvent]:
    """Flags for what changed between two states of one stratum (none if nothing did).

    ``previous_state`` is ``None`` for a stratum seen for the first time: then only gains are
    flagged. The papers named are ``pmids_added`` together with every study that entered or left
    the pooled set between the two states.
    """
    before_ids = set(previous_state.study_ids) if previous_state else set()
    after_ids = set(current_state.study_ids)
    pmids = tuple(sorted(set(pmids_added) | (after_ids ^ before_ids)))
    was_significant = previous_state.significant if previous_state else False
    was_crossed = previous_state.crossed_boundary if previous_state else False
    old_direction = previous_state.direction if previous_state else 0
    now = current_state.describe()
    before = previous_state.describe() if previous_state else "no earlier estimate"
    details = f"now {now}; was {before}"
    firm = current_state.crossed_boundary
    events: list[FlagEvent] = []
    if current_state.significant and not was_significant:
        events.append(FlagEvent("crossed_significance", pmids, details, firm))
    if was_significant and not current_state.significant:
        events.append(FlagEvent("lost_significance", pmids, details, firm))
    if current_state.crossed_boundary and not was_crossed:
        events.append(FlagEvent("crossed_boundary", pmids, details, True))
    if old_direction and current_state.direction and old_direction != current_state.direction:
        events.append(FlagEvent("direction_flip", pmids, details, firm))
    return events
