"""Train the committed RCT model from ../shared/data and write artifact, operating points and card.

    .venv/bin/python scripts/train_rct_model.py [--data DIR] [--seed 0] [--out models/artifacts]

Reproducible: the same data and seed give the same artifact (tests/models/test_reproducible.py,
marked slow, retrains and compares). Evidence Inference's test split is never trained on. The
RobotReviewer half is trained on and calibrates the model; scripts/evaluate_classifier.py measures
it by nested cross-validation (each fifth scored by a model and thresholds fitted without it).
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from models.model_card import render_model_card  # noqa: E402
from models.rct_classifier import save_model  # noqa: E402
from models.training import (calibration_mask, render_operating_points, train_with_points,  # noqa: E402
                             training_files, training_records)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path(os.environ.get("RIFWATCH_SHARED_DATA") or REPO.parent / "shared" / "data"))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=REPO / "models" / "artifacts")
    parser.add_argument("--config-out", type=Path, default=REPO / "config" / "operating_points.toml")
    args = parser.parse_args(argv)
    records = training_records(args.data)
    files = training_files(args.data)
    trained_on = {"files_sha256": files, "n_records": len(records), "n_rct": sum(r.is_rct for r in records),
                  "seed": args.seed}
    pairs = [(r.article.title, r.article.abstract) for r in records]
    trained = train_with_points(pairs, [r.is_rct for r in records], calibrate_on=calibration_mask(records),
                                seed=args.seed, trained_on=trained_on)
    save_model(trained.model, args.out / "rct_model.json")
    args.config_out.write_text(render_operating_points(
        trained, "out-of-fold probabilities of the RobotReviewer half, 5-fold, seeded"))
    (args.out / "MODEL_CARD.md").write_text(render_model_card(trained, records, files, date.today().isoformat()))
    print(f"wrote {args.out / 'rct_model.json'} ({trained.model.version}); points: {trained.points}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
