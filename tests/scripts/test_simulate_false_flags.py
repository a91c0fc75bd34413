"""The false-flag simulation: monitoring holds the rate at alpha, naive weekly testing does not.

Slow (two to three minutes); run with ``pytest -m slow tests/scripts``. The full figures in
docs/statistics.md come from ``python scripts/simulate_false_flags.py --replicates 4000``.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "simulate_false_flags.py"


def load_script():
    spec = importlib.util.spec_from_file_location("simulate_false_flags", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_monitoring_keeps_false_flags_at_alpha_while_naive_testing_does_not():
    report = load_script().run(replicates=400, weeks=20, seed=7, tau2=0.0)
    rates = report["rates"]
    alpha = report["alpha"]
    tsa, naive = rates["tsa"], rates["naive_mh"]
    assert tsa["rate"] <= alpha + 3 * tsa["mc_se"] + 1e-12, tsa
    assert naive["rate"] > alpha + 3 * naive["mc_se"], naive
    assert rates["lil"]["rate"] <= alpha + 3 * rates["lil"]["mc_se"] + 1e-12
