"""``rifwatch model train|evaluate``: retrain the RCT classifier and print its figures.

``train --from-data DIR`` trains from the real corpora (as scripts/train_rct_model.py does);
``train --from-warehouse`` trains from (text, is_rct) pairs of the warehouse's MEDLINE-indexed
records. The warehouse query is wired by the integrator through :data:`WAREHOUSE_PAIRS`: a callable
taking the database path and returning an iterable of ``(Article.text, is_rct)`` pairs.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Iterable

from flows.errors import UserError

def _warehouse_pairs(db: str) -> list[tuple[str, bool]]:
    from warehouse.labels import warehouse_pairs

    return warehouse_pairs(db)


#: ``db_path -> iterable of (title + blank line + abstract, is_rct)``: maintainers' labels laid over
#: the indexed records' publication types (warehouse/labels.py).
WAREHOUSE_PAIRS: Callable[[str], Iterable[tuple[str, bool]]] | None = _warehouse_pairs


def train_from_pairs(pairs: Iterable[tuple[str, bool]], out_dir: Path, *, seed: int = 0,
                     config_out: Path | None = None, source: str = "warehouse", calibrate_on=None):
    """Train from ``(text, is_rct)`` pairs and write the artifact (and operating points when asked).

    ``calibrate_on`` marks the records whose out-of-fold probabilities fit the calibration and the
    operating points (all of them by default: a warehouse's indexed records are PubMed's own mix).
    """
    from models.rct_classifier import save_model
    from models.training import render_operating_points, train_with_points

    items = list(pairs)
    texts = [text for text, _ in items]
    labels = [bool(label) for _, label in items]
    if not items or all(labels) or not any(labels):
        raise UserError(f"cannot train from {source}: need both RCT and non-RCT records, got {len(items)} records")
    trained = train_with_points(texts, labels, seed=seed, calibrate_on=calibrate_on,
                                trained_on={"source": source, "n_records": len(items), "n_rct": sum(labels),
                                            "seed": seed})
    path = save_model(trained.model, Path(out_dir) / "rct_model.json")
    if config_out is not None:
        Path(config_out).write_text(render_operating_points(trained, f"out-of-fold probabilities, {source}"))
    return trained, path


def _train(args) -> int:
    out_dir = Path(args.out)
    if args.from_warehouse:
        if WAREHOUSE_PAIRS is None:
            raise UserError("--from-warehouse is not wired to a warehouse in this build")
        db = args.db or os.environ.get("RIFWATCH_DB") or "rifwatch.duckdb"
        trained, path = train_from_pairs(WAREHOUSE_PAIRS(db), out_dir, seed=args.seed, source=f"warehouse {db}")
    else:
        data = Path(args.from_data)
        if not data.is_dir():
            raise UserError(f"--from-data: no such folder: {data}")
        from models.training import calibration_mask, training_records
        records = training_records(data)
        pairs = [(f"{r.article.title}\n\n{r.article.abstract}", r.is_rct) for r in records]
        trained, path = train_from_pairs(pairs, out_dir, seed=args.seed, source=f"data {data}",
                                         calibrate_on=calibration_mask(records))
    print(f"wrote {path} ({trained.model.version}, {trained.n_records} records, {trained.n_rct} RCT)")
    for name, point in trained.points.items():
        print(f"  {name}: threshold {point['threshold']} ({point['target']})")
    return 0


def _evaluate(args) -> int:
    from models.classify import load_classifier
    from models.evaluation_suite import run_evaluation

    data = Path(args.data)
    if not data.is_dir():
        raise UserError(f"--data: no such folder: {data}")
    print(run_evaluation(data, load_classifier(operating_point=args.operating_point)))
    return 0


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("model", help="train or evaluate the RCT/design classifier")
    verbs = parser.add_subparsers(dest="model_verb", metavar="ACTION", required=True)
    default_data = os.environ.get("RIFWATCH_SHARED_DATA") or str(Path(__file__).resolve().parents[3] / "shared" / "data")
    train = verbs.add_parser("train", help="retrain the RCT model and write its artifact")
    source = train.add_mutually_exclusive_group()
    source.add_argument("--from-data", default=default_data, help="folder of the real corpora (shared/data)")
    source.add_argument("--from-warehouse", action="store_true", help="train from the warehouse's indexed records")
    train.add_argument("--db", default=None, help="warehouse path (default RIFWATCH_DB or ./rifwatch.duckdb)")
    train.add_argument("--out", default="model-out", help="folder for rct_model.json (default ./model-out)")
    train.add_argument("--seed", type=int, default=0)
    train.set_defaults(func=_train)
    evaluate = verbs.add_parser("evaluate", help="print sensitivity, specificity, precision and accuracies")
    evaluate.add_argument("--data", default=default_data, help="folder of the real corpora (shared/data)")
    evaluate.add_argument("--operating-point", default=None, choices=("sensitive", "balanced", "precise"))
    evaluate.set_defaults(func=_evaluate)
