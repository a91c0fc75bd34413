"""Meta-analysis of binary outcomes: fixed and random effects, HKSJ, heterogeneity.

The public names: ``Study`` (one trial's counts or reported ratio), ``Estimator`` (settings in
the constructor, data in ``fit``), ``pool`` (the one-call form), ``PoolResult`` (immutable),
``PoolingError``, and the registries ``METHODS`` and ``CI_METHODS``. Conventions follow R
metafor 3.8 and are documented, with the reasons, in docs/statistics.md.
"""

from models.pooling.data import EffectTable, PoolingError, Study, combine_active_arms, effect_table
from models.pooling.estimator import METHODS, Estimator, UnknownChoice, pool
from models.pooling.intervals import CI_METHODS
from models.pooling.results import PoolResult

__all__ = [
    "CI_METHODS",
    "METHODS",
    "EffectTable",
    "Estimator",
    "PoolResult",
    "PoolingError",
    "Study",
    "UnknownChoice",
    "combine_active_arms",
    "effect_table",
    "pool",
]
