"""The Prefect flow ``weekly_surveillance``: one cycle, task by task.

Each task body is one or two calls into ``flows.cycle`` (and through it the pure packages). Only
the fetch touches the network, so only it retries at the Prefect level (the E-utilities client
also retries each request). Everything derived from the fetched records is written in one
transaction: a failure leaves the warehouse as it was, with the run marked ``failed`` and the raw
responses kept in the ledger for a replay.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from config.schema import Config, default_config
from flows import cycle as steps
from flows.baseline import load_baseline
from flows.pipeline import load_pipeline
from flows.pooling_step import pool_and_flag
from flows.search_query import build_query
from warehouse.db import short_connection, transaction
from warehouse.runs import finish_run, latest_run_id

#: Sources a cycle can take its records from.
SOURCES = ("pubmed", "snapshot")


@task(name="open-run", cache_policy=NO_CACHE)
def open_run(con, config: Config, source: str, as_of: date, model_version: str) -> steps.Cycle:
    return steps.open_cycle(con, config, source=source, as_of=as_of, query=build_query(config),
                            model_version=model_version)


@task(name="fetch-pubmed", retries=2, retry_delay_seconds=30, cache_policy=NO_CACHE)
def fetch(db, cycle: steps.Cycle, eutils_url: str | None, config: Config) -> list[str]:
    return steps.fetch_updates(db, cycle, config, base_url=eutils_url)


@task(name="parse-and-load", cache_policy=NO_CACHE)
def parse_and_load(con, cycle: steps.Cycle, input_ids: list[str]):
    return steps.load_records(con, cycle, steps.parse_inputs(con, input_ids))


@task(name="classify-and-extract", cache_policy=NO_CACHE)
def classify_and_extract(con, cycle: steps.Cycle, pipeline: steps.Pipeline, loaded):
    load, articles = loaded
    return steps.classify_and_extract(con, cycle, pipeline, load, articles)


@task(name="pool-and-flag", cache_policy=NO_CACHE)
def pool(con, cycle: steps.Cycle, config: Config):
    return pool_and_flag(con, cycle.run_id, config)


@task(name="compose-digest", cache_policy=NO_CACHE)
def digest(con, cycle: steps.Cycle, config: Config) -> dict[str, str]:
    from flows.digest_step import compose_and_archive

    return compose_and_archive(con, cycle.run_id, config)


def _call(step, *args):
    """Run ``step`` as a Prefect task inside a flow run, as a plain function outside one."""
    from prefect.context import FlowRunContext

    return step(*args) if FlowRunContext.get() is not None else step.fn(*args)


def run_cycle(db: str | Path | None = None, source: str = "pubmed", as_of: date | None = None,
              eutils_url: str | None = None, config: Config | None = None, baseline: bool = True) -> str:
    """One weekly cycle; returns the run id. The body of the Prefect flow, callable without it.

    The warehouse file is held only briefly at a time (DuckDB lets one process write and locks out
    every other, readers included): the run row, each archived response while fetching, then one
    transaction for everything derived, then the digest. The triage server and analysts wait
    seconds, not the length of a PubMed harvest. A first live run on an empty warehouse loads the
    2023 baseline first (``baseline=False`` skips it).
    """
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r} (choose one of: {', '.join(SOURCES)})")
    config = config or default_config()
    as_of = as_of or date.today()
    pipeline = load_pipeline(config)
    with short_connection(db) as con:
        if source == "pubmed" and baseline and latest_run_id(con) is None:
            load_baseline(con, config, as_of=as_of)  # the first live run starts where the review ended
        cycle = _call(open_run, con, config, source, as_of, pipeline.model_version)
    try:
        input_ids = _call(fetch, db, cycle, eutils_url, config)
        with short_connection(db) as con, transaction(con):
            load, articles = _call(parse_and_load, con, cycle, input_ids)
            classifications, _ = _call(classify_and_extract, con, cycle, pipeline, (load, articles))
            _call(pool, con, cycle, config)
            finish_run(con, cycle.run_id, "succeeded", steps.run_counts(load, classifications))
    except Exception as exc:
        with short_connection(db) as con:
            finish_run(con, cycle.run_id, "failed", error=" ".join(str(exc).split())[:500] or type(exc).__name__)
        raise
    with short_connection(db) as con:
        _call(digest, con, cycle, config)
    return cycle.run_id


@flow(name="weekly_surveillance", log_prints=True)
def weekly_surveillance(db: str | None = None, source: str = "pubmed", as_of: date | None = None,
                        eutils_url: str | None = None, baseline: bool = True) -> str:
    """Query PubMed for the week's new and changed records, classify, extract, pool, flag, digest."""
    return run_cycle(db=db, source=source, as_of=as_of, eutils_url=eutils_url, baseline=baseline)
