"""Maintainers' decisions become labels that ``rifwatch model train --from-warehouse`` learns from."""

from __future__ import annotations

import json

from config.schema import default_config
from flows.cli import main
from flows.triage_service import DecisionRequest, apply_decision
from warehouse.db import connect

TRIALS = ("99000001", "99000002", "99000003", "99000004", "99000005", "99000006")
NOT_TRIALS = ("99000014", "99000015", "99000016", "99000017")


def test_model_train_learns_from_curated_labels(triage_db, triage_weeks, tmp_path, capsys):
    con = connect(triage_db[0])
    try:
        def decide(action, pmid, **kwargs):
            apply_decision(con, DecisionRequest(action, pmid=pmid, reason="read the abstract", curator="ann", **kwargs),
                           default_config(), pool=triage_weeks.pool_and_flag)
        for pmid in TRIALS:
            decide("confirm", pmid)
        for pmid in NOT_TRIALS:
            decide("reject", pmid, why="not_a_trial")
        decide("correct", "99000013", field="design", value="cohort")  # reclassified: is_rct false follows
    finally:
        con.close()
    out_dir = tmp_path / "model"
    assert main(["model", "train", "--from-warehouse", "--db", str(triage_db[0]), "--out", str(out_dir)]) == 0
    printed = capsys.readouterr().out
    assert "11 records, 6 RCT" in printed
    artifact = json.loads((out_dir / "rct_model.json").read_text())
    assert artifact["trained_on"]["n_records"] == 11 and artifact["trained_on"]["n_rct"] == 6
