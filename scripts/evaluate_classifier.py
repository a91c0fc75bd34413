"""Print the classifier's figures on every labelled set (see models/evaluation_suite.py).

    .venv/bin/python scripts/evaluate_classifier.py [--data DIR] [--operating-point balanced]
                                                   [--skip-nested] [--out models/artifacts/EVALUATION.md]

The RobotReviewer figures come from nested cross-validation (about three minutes on one core).
With ``--out`` the report is also written, under a header naming the command, the date, the
library versions and the sha256 of the data read.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from models.classify import load_classifier  # noqa: E402
from models.evaluation_suite import run_evaluation  # noqa: E402
from models.model_card import library_versions  # noqa: E402
from models.training import training_files  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path,
                        default=Path(os.environ.get("RIFWATCH_SHARED_DATA") or REPO.parent / "shared" / "data"))
    parser.add_argument("--operating-point", default=None)
    parser.add_argument("--skip-nested", action="store_true", help="skip the RobotReviewer nested CV")
    parser.add_argument("--out", type=Path, default=None, help="also write the report here")
    args = parser.parse_args(argv)
    classifier = load_classifier(operating_point=args.operating_point)
    report = run_evaluation(args.data, classifier, nested=not args.skip_nested)
    print(report)
    if args.out:
        shown = " ".join(["scripts/evaluate_classifier.py", *(argv if argv is not None else sys.argv[1:])])
        hashes = "\n".join(f"| `{name}` | `{digest}` |" for name, digest in training_files(args.data).items())
        args.out.write_text(
            f"# Evaluation of the committed classifier\n\nPrinted by `.venv/bin/python {shown}` on "
            f"{date.today().isoformat()}; model `{classifier.model.version}`; {library_versions()}.\n\n"
            f"{report}\n## Data read\n\n| file (under shared/data) | sha256 |\n|---|---|\n{hashes}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
