"""Evaluation on the real corpora and the project's own labels (prints its figures)."""

from __future__ import annotations

import pytest

from models.classify import load_classifier
from models.evaluation_suite import run_evaluation


@pytest.mark.eval
def test_print_evaluation(shared_data):
    report = run_evaluation(shared_data, load_classifier())
    print(report)
    assert "RobotReviewer half | balanced" in report
