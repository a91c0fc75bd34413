"""One benchmark size: the cycle's pure steps and the warehouse load, timed stage by stage."""

from __future__ import annotations

import resource
import tempfile
import time
from pathlib import Path

from bench.corpus import chunks, real_articles


def run_size(shared_data: Path, total: int, chunk_size: int) -> dict:
    from config.schema import default_config
    from extractors.pubmed_xml import parse_pubmed_xml
    from extractors.records import Article
    from flows.pipeline import load_pipeline
    from warehouse.db import connect, transaction
    from warehouse.load import insert_classifications, insert_effects, upsert_records
    from warehouse.runs import start_run

    pipeline = load_pipeline(default_config())
    articles = real_articles(shared_data)
    spent = dict.fromkeys(("parse", "classify", "extract", "load"), 0.0)
    records = 0
    with tempfile.TemporaryDirectory() as folder:
        con = connect(Path(folder) / "bench.duckdb")
        start_run(con, "bench", "import")
        started = time.process_time()
        for body in chunks(articles, total, chunk_size):
            t0 = time.process_time()
            parsed = [r for r in parse_pubmed_xml(body) if isinstance(r, Article)]
            t1 = time.process_time()
            classified = pipeline.classify_many(parsed)
            t2 = time.process_time()
            effects = [(1, e) for a, c in zip(parsed, classified)
                       for e in pipeline.extract(a, c.primary_therapy if c.primary_therapy != "none" else None)]
            t3 = time.process_time()
            with transaction(con):
                upsert_records(con, parsed, "bench")
                insert_classifications(con, ((1, c) for c in classified), "bench")
                insert_effects(con, effects, "bench", pipeline.extractor_version)
            t4 = time.process_time()
            for name, a, b in (("parse", t0, t1), ("classify", t1, t2), ("extract", t2, t3), ("load", t3, t4)):
                spent[name] += b - a
            records += len(parsed)
        total_time = time.process_time() - started
        con.close()
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    per_second = {name: records / t if t else float("inf") for name, t in spent.items()}
    per_second["total"] = records / total_time
    return {"records": records, "chunk": chunk_size, "cpu_seconds": spent | {"total": total_time},
            "per_second": per_second, "peak_rss_mib": peak_kib / 1024}
