"""The committed artifact is what the training script makes from the same data and seed."""

from __future__ import annotations

import json

import pytest

from models.classify import ARTIFACT


@pytest.mark.slow
def test_retraining_reproduces_the_committed_artifact(shared_data, tmp_path):
    import importlib.util
    spec = importlib.util.spec_from_file_location("train_rct_model", ARTIFACT.parents[2] / "scripts" / "train_rct_model.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    script.main(["--data", str(shared_data), "--out", str(tmp_path), "--config-out", str(tmp_path / "points.toml")])
    fresh = json.loads((tmp_path / "rct_model.json").read_text())
    committed = json.loads(ARTIFACT.read_text())
    assert fresh["word"]["terms"] == committed["word"]["terms"]
    assert fresh["coef"] == pytest.approx(committed["coef"], abs=1e-7)
    assert fresh["sigmoid"] == pytest.approx(committed["sigmoid"], abs=1e-7)
