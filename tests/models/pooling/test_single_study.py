"""k = 1 returns the study itself, with the interval its paper printed when only that is known."""

from __future__ import annotations

import pytest

from models.pooling import Estimator, Study


def test_a_lone_reported_ratio_keeps_its_published_interval():
    study = Study.from_reported("90000010", "OR", 2.94, 1.23, 8.33)
    result = Estimator(measure="OR", method="REML", ci="hksj-adhoc").fit([study])
    assert (result.estimate, result.ci_low, result.ci_high) == (2.94, 1.23, 8.33)
    assert result.k == 1 and result.is_single_study
    assert result.p_value == pytest.approx(0.0271, abs=5e-4)  # Wald, from the SE the interval implies


def test_a_lone_study_with_counts_gets_its_wald_interval():
    result = Estimator(measure="RR").fit([Study.from_counts("1", 26, 66, 12, 51)])
    assert (round(result.estimate, 2), round(result.ci_low, 2), round(result.ci_high, 2)) == (1.67, 0.94, 2.98)
