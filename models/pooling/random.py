"""The inverse-variance model, fixed or random: weights ``1/(vi + τ²)``.

A fixed-effect inverse-variance analysis is the same model with τ² held at 0, so both go through
``fit_inverse_variance``: estimate τ² (unless fixed), pool, build the interval, and for
random-effects models add the prediction interval and the Q-profile interval for τ².
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from models.pooling.fixed import inverse_variance
from models.pooling.heterogeneity import (
    Heterogeneity,
    fixed_effect_heterogeneity,
    random_effects_heterogeneity,
)
from models.pooling.intervals import Interval, confidence_interval, prediction_interval
from models.pooling.tau2 import TAU2_ESTIMATORS, q_profile_interval


@dataclass(frozen=True, slots=True)
class ModelFit:
    """Analysis-scale numbers of one inverse-variance model."""

    theta: float
    se_model: float
    tau2: float | None
    interval: Interval
    heterogeneity: Heterogeneity | None
    prediction: tuple[float, float] | None
    tau2_interval: tuple[float, float] | None


def fit_inverse_variance(yi: np.ndarray, vi: np.ndarray, *, tau2_method: str | None,
                         ci: str = "wald", level: float = 0.95,
                         tau2_interval: bool = True) -> ModelFit:
    """Pool ``yi`` with a fixed (``tau2_method=None``) or random-effects model.

    Parameters
    ----------
    yi, vi
        Analysis-scale effects and their variances (k ≥ 2).
    tau2_method
        A key of ``TAU2_ESTIMATORS``, or ``None`` for the fixed-effect model.
    ci
        ``wald``, ``hksj`` or ``hksj-adhoc``.
    level
        Confidence level of every interval.
    tau2_interval
        Whether to compute the Q-profile interval for τ² (random-effects models only).
    """
    if tau2_method is None:
        tau2 = 0.0
    else:
        tau2 = TAU2_ESTIMATORS[tau2_method](yi, vi)
    pooled = inverse_variance(yi, vi, tau2)
    interval = confidence_interval(ci, pooled.theta, pooled.se, level=level, yi=yi, vi=vi, tau2=tau2)
    if tau2_method is None:
        return ModelFit(theta=pooled.theta, se_model=pooled.se, tau2=None, interval=interval,
                        heterogeneity=fixed_effect_heterogeneity(yi, vi), prediction=None,
                        tau2_interval=None)
    return ModelFit(
        theta=pooled.theta,
        se_model=pooled.se,
        tau2=tau2,
        interval=interval,
        heterogeneity=random_effects_heterogeneity(yi, vi, tau2),
        prediction=prediction_interval(pooled.theta, interval, tau2),
        tau2_interval=q_profile_interval(yi, vi, tau2, level) if tau2_interval else None,
    )
