"""The immutable result of one pooled analysis.

Field names follow the ``pooled`` view of CONTRACT.md (``measure``, ``method``, ``k``,
``n_patients``, ``estimate``, ``ci_low``, ``ci_high``, ``p_value``, ``tau2``, ``i2``,
``pi_low``, ``pi_high``). ``estimate`` and the intervals are on the reporting scale (ratios for
RR and OR); ``theta`` and ``se`` are on the analysis scale (log RR, log OR, RD). ``i2`` is a
percentage, as metafor and RevMan print it.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from models.effect_sizes import RATIO_MEASURES

#: Labels that tell a reader what kind of estimate a result is.
LABEL_SINGLE = "single study"
LABEL_FIXED = "fixed effect"
LABEL_RANDOM = "random effects"
LABEL_NONE = "not estimable"

#: The keys ``rifwatch pool --json`` prints, in CONTRACT.md's order.
JSON_KEYS = ("estimate", "ci_low", "ci_high", "p_value", "tau2", "i2", "pi_low", "pi_high", "k")


def to_reporting_scale(measure: str, value: float | None) -> float | None:
    """``exp`` for ratio measures; RD is reported as analysed."""
    if value is None:
        return None
    return math.exp(value) if measure in RATIO_MEASURES else value


@dataclass(frozen=True, slots=True)
class PoolResult:
    """One pooled estimate with its interval, heterogeneity and provenance.

    ``method`` is the estimator (``FE``, ``MH``, ``DL``, ``REML``, ``PM``, ``HE``, ``ML``) and
    ``ci_method`` the interval (``wald``, ``hksj``, ``hksj-adhoc``). ``label`` says what the
    estimate is: ``"single study"`` when k = 1 (the study itself, whatever the method),
    ``"fixed effect"``, ``"random effects"`` or ``"not estimable"`` (then every number is
    ``None`` and ``note`` says why). ``df`` is the t distribution's degrees of freedom for HKSJ
    intervals and ``None`` for normal ones. ``study_ids`` lists the studies pooled;
    ``excluded_ids`` those that had no estimable effect on this measure.
    """

    measure: str
    method: str
    ci_method: str
    k: int
    n_patients: int | None
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    tau2: float | None
    i2: float | None
    pi_low: float | None
    pi_high: float | None
    theta: float | None
    se: float | None
    statistic: float | None = None
    df: int | None = None
    q: float | None = None
    q_df: int | None = None
    q_p_value: float | None = None
    h2: float | None = None
    tau2_ci_low: float | None = None
    tau2_ci_high: float | None = None
    level: float = 0.95
    label: str = LABEL_RANDOM
    study_ids: tuple[str, ...] = ()
    excluded_ids: tuple[str, ...] = ()
    note: str = ""

    @property
    def estimable(self) -> bool:
        return self.theta is not None

    @property
    def is_single_study(self) -> bool:
        return self.label == LABEL_SINGLE

    def significant(self, alpha: float = 0.05) -> bool:
        """Conventional two-sided significance at ``alpha`` (``False`` when not estimable)."""
        return self.p_value is not None and self.p_value < alpha

    @property
    def direction(self) -> int:
        """+1 when the estimate lies above no effect, -1 below, 0 at it or when not estimable."""
        if self.theta is None or self.theta == 0:
            return 0
        return 1 if self.theta > 0 else -1

    def as_json(self) -> dict:
        """The CONTRACT keys (reporting scale) plus the measure, method and interval used."""
        out = {key: getattr(self, key) for key in JSON_KEYS}
        out.update(measure=self.measure, method=self.method, ci=self.ci_method, label=self.label)
        return out

    def as_dict(self) -> dict:
        """Every field, for storage."""
        return asdict(self)

    @classmethod
    def not_estimable(cls, measure: str, method: str, ci_method: str, *, reason: str,
                      excluded_ids: tuple[str, ...] = (), level: float = 0.95) -> "PoolResult":
        """A result that says no estimate exists, and why."""
        return cls(measure=measure, method=method, ci_method=ci_method, k=0, n_patients=None,
                   estimate=None, ci_low=None, ci_high=None, p_value=None, tau2=None, i2=None,
                   pi_low=None, pi_high=None, theta=None, se=None, level=level, label=LABEL_NONE,
                   excluded_ids=excluded_ids, note=reason)
