"""Print the classifier's figures on every labelled set (see models/evaluation_suite.py).

    .venv/bin/python scripts/evaluate_classifier.py [--data DIR] [--operating-point balanced]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from models.classify import load_classifier  # noqa: E402
from models.evaluation_suite import run_evaluation  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path,
                        default=Path(os.environ.get("RIFWATCH_SHARED_DATA") or REPO.parent / "shared" / "data"))
    parser.add_argument("--operating-point", default=None)
    args = parser.parse_args(argv)
    print(run_evaluation(args.data, load_classifier(operating_point=args.operating_point)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
