"""Cumulative meta-analysis in entry-date order."""

from __future__ import annotations

from datetime import date

from models.cumulative import cumulative, order_by_entry_date
from models.lead import LeadEstimator
from models.pooling import Estimator, Study

TRIALS = [Study.from_counts("c", 12, 82, 13, 75, entry_date=date(2024, 3, 1)),
          Study.from_counts("a", 13, 71, 10, 71, entry_date=date(2023, 1, 5)),
          Study.from_counts("b", 4, 26, 3, 25, entry_date=date(2024, 3, 1)),
          Study.from_counts("base", 26, 66, 12, 51)]


def test_order_by_entry_date_puts_undated_baseline_first_and_keeps_ties():
    assert [s.id for s in order_by_entry_date(TRIALS)] == ["base", "a", "c", "b"]


def test_each_step_is_the_analysis_of_the_studies_so_far():
    ordered = order_by_entry_date(TRIALS)
    steps = cumulative(ordered, measure="OR", method="DL", ci="hksj")
    assert [s.k for s in steps] == [1, 2, 3, 4]
    for i, step in enumerate(steps):
        assert step == Estimator("OR", "DL", "hksj").fit(ordered[: i + 1])
    assert steps[0].label == "single study"


def test_any_fitter_can_drive_the_steps():
    steps = cumulative(order_by_entry_date(TRIALS), LeadEstimator())
    assert [s.method for s in steps] == ["REML", "MH", "REML", "REML"]
