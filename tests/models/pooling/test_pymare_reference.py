"""The engine against PyMARE's metafor 4.6 reference values (../shared/data, read in place)."""

from __future__ import annotations

import csv
import json
from collections import defaultdict

import pytest

from models.pooling import Estimator

INTERVALS = {"z": "wald", "knha": "hksj", "adhoc": "hksj-adhoc"}
REL = 1e-6


@pytest.fixture(scope="module")
def pymare(shared_data):
    folder = shared_data / "pymare_metafor_reference"
    reference = json.loads((folder / "metafor_reference.json").read_text())
    designs: dict[str, list[tuple[float, float]]] = defaultdict(list)
    with (folder / "metafor_small_sample.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            designs[row["case"]].append((float(row["y"]), float(row["v"])))
    # Only intercept-only models: meta-regression is not part of the engine.
    cases = [c for c in reference["cases"] if c["model"] == "intercept"]
    return cases, designs


def test_every_intercept_only_case_agrees_with_metafor_4_6(pymare):
    cases, designs = pymare
    assert len(cases) == 60, "4 designs x 5 methods x 3 tests"
    failures = []
    for case in cases:
        yi, vi = zip(*designs[case["design"]])
        result = Estimator(measure="RD", method=case["method"], ci=INTERVALS[case["test"]]).fit_effects(yi, vi)
        expected = {"theta": case["beta"][0], "se": case["se"][0], "p_value": case["pval"][0],
                    "ci_low": case["ci_lb"][0], "ci_high": case["ci_ub"][0]}
        got = {name: getattr(result, name) for name in expected}
        tau2 = result.tau2 if result.tau2 is not None else 0.0   # FE: metafor reports 0
        expected["tau2"], got["tau2"] = case["tau2"], tau2
        for name, value in expected.items():
            if abs(got[name] - value) > REL * max(abs(value), 1e-12):
                failures.append(f"{case['design']} {case['method']} {case['test']} {name}: {got[name]} vs {value}")
        if case["dof"] is not None:
            assert result.df == case["dof"]
    assert not failures, "\n".join(failures)
