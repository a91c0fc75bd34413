"""τ² estimators at their edges."""

from __future__ import annotations

import numpy as np
import pytest

from models.pooling import Estimator
from models.pooling.tau2 import tau2_dl, tau2_pm, tau2_reml

# Three studies whose REML maximum sits at tau2 = 0, approached so slowly that metafor 3.8's
# rma(yi, vi, method="REML") stops with "Fisher scoring algorithm did not converge".
# rma(yi, vi, method="REML", control=list(maxiter=10000, threshold=1e-10)) gives
# tau2 = 5.891078e-11 and beta = 0.2844611.
CRAWLING_YI = np.array([0.58778666, -1.79175947, 0.37469345])
CRAWLING_VI = np.array([0.25982906, 1.07575758, 0.11832137])


def test_reml_where_metafor_gives_up_returns_the_maximum():
    assert tau2_reml(CRAWLING_YI, CRAWLING_VI) == pytest.approx(0.0, abs=1e-9)
    result = Estimator(measure="RD", method="REML").fit_effects(CRAWLING_YI, CRAWLING_VI)
    assert result.theta == pytest.approx(0.2844611, abs=1e-7)


def test_homogeneous_studies_give_zero_for_every_estimator():
    yi, vi = np.array([0.1, 0.1, 0.1, 0.1]), np.array([0.2, 0.3, 0.1, 0.25])
    assert tau2_dl(yi, vi) == tau2_pm(yi, vi) == tau2_reml(yi, vi) == 0.0
