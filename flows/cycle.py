"""The steps of one surveillance cycle, as plain functions (the Prefect flow wraps them).

    open_cycle      -> a run row and its window (committed at once, so a crash leaves a trace)
    fetch_updates   -> E-utilities responses archived in the raw ledger as received
    process_inputs  -> parse, load revisions, classify, extract (one transaction with pooling)
    pool_and_flag   -> pooled estimates, cumulative series, flags (flows/pooling_step.py)

``rifwatch import`` runs ``process_inputs`` on files instead of fetched batches, so the same
classify, extract, pool and flag steps run whatever the source.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
from dataclasses import dataclass, field
from datetime import date, timedelta, timezone
from typing import TYPE_CHECKING, Callable, Iterable, Sequence
from urllib.parse import urlencode

import duckdb

from config.schema import Config
from extractors.records import Article, Classification, Deletion, Effect
from warehouse.db import short_connection
from warehouse.ledger import archive_raw, read_raw
from warehouse.load import LoadResult, insert_classifications, insert_effects, upsert_records
from warehouse.runs import RunCounts, last_window_end, new_run_id, start_run

if TYPE_CHECKING:
    from flows.eutils import EutilsClient


@dataclass(frozen=True)
class Cycle:
    """One run: its id, source, and the create-date window it covers."""

    run_id: str
    source: str
    window_start: date | None
    window_end: date | None
    query: str | None


@dataclass(frozen=True)
class Pipeline:
    """The decision-making parts, loaded once per process and shared by every run."""

    classify_many: Callable[[Sequence[Article]], list[Classification]]
    extract: Callable[[Article, str | None], list[Effect]]
    #: Of one paper's effects, the one per outcome and comparison that pooling reads.
    prefer: Callable[[Sequence[Effect]], list[Effect]]
    model_version: str
    extractor_version: str


@dataclass
class CycleOutcome:
    counts: RunCounts = field(default_factory=RunCounts)
    load: LoadResult = field(default_factory=LoadResult)
    n_effects: int = 0
    flags: list = field(default_factory=list)


def code_version() -> str:
    try:
        return importlib.metadata.version("rifwatch")
    except importlib.metadata.PackageNotFoundError:  # running from a source tree
        return "dev"


def config_sha256(config: Config) -> str:
    """A checksum of every configuration file, recorded with each run."""
    digest = hashlib.sha256()
    for path in sorted(config.directory.glob("*.toml")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def plan_window(con: duckdb.DuckDBPyConnection, config: Config, source: str, as_of: date) -> tuple[date, date]:
    """The create-date window of a cycle run on ``as_of``.

    It ends the day before ``as_of`` (a Monday run covers the week to Sunday) and starts at the
    last successful window's end (or the review's search end) minus the overlap, so records that
    PubMed dates late, or that arrive on the morning of the run, are caught the next week.
    """
    end = as_of - timedelta(days=1)
    last = last_window_end(con, (source,))
    start = last if last is not None else date.fromisoformat(config.search.initial_watermark)
    start = min(start - timedelta(days=config.search.overlap_days), end)
    return start, end


def open_cycle(con: duckdb.DuckDBPyConnection, config: Config, *, source: str, as_of: date,
               query: str | None, model_version: str = "", windowed: bool = True) -> Cycle:
    """Record a new run as ``running`` (committed immediately) and return it."""
    window = plan_window(con, config, source, as_of) if windowed else (None, None)
    run_id = new_run_id(con, source, window[1] or as_of)  # named by the week it covers
    start_run(con, run_id, source, query=query, window_start=window[0], window_end=window[1],
              code_version=code_version(), config_sha256=config_sha256(config), model_version=model_version)
    return Cycle(run_id, source, window[0], window[1], query)


#: Extra ``EutilsClient`` options for every cycle (tests shorten retries and back-off here).
CLIENT_OPTIONS: dict = {}


def eutils_client(base_url: str | None = None, **options) -> "EutilsClient":
    """A client from the environment (NCBI_EMAIL, NCBI_API_KEY, RIFWATCH_EUTILS_URL).

    A loopback URL is a replay server, so NCBI's 3-requests-per-second courtesy limit is lifted.
    """
    from flows.eutils import EutilsClient

    options = {**CLIENT_OPTIONS, **options}
    if base_url:
        options["base_url"] = base_url
        if base_url.startswith(("http://127.0.0.1", "http://localhost")):
            options.setdefault("rate", 50.0)
    return EutilsClient.from_env(**options)


def request_line(endpoint: str, params: dict[str, str]) -> str:
    """How a request is written in the ledger: endpoint and parameters (never the API key)."""
    return f"{endpoint}?{urlencode(sorted(params.items()))}"


def fetch_updates(db, cycle: Cycle, config: Config, *, base_url: str | None = None,
                  make_client: Callable[..., "EutilsClient"] = eutils_client) -> list[str]:
    """Fetch the window's new and changed records; return the ledger ids of the efetch replies.

    Every response the client receives (esearch and efetch) is archived as it arrives, each in its
    own short write: the ledger is append-only and content-addressed, so keeping a response whose
    run later fails is safe and lets that run be replayed.
    """
    from flows.eutils_collect import collect_updates

    if cycle.window_start is None or cycle.window_end is None or cycle.query is None:
        raise ValueError("a fetching cycle needs a query and a window")
    efetch_ids: list[str] = []

    def archive(response) -> None:
        received = response.received_at
        if received.tzinfo is not None:
            received = received.astimezone(timezone.utc).replace(tzinfo=None)
        with short_connection(db) as con:
            input_id, _ = archive_raw(con, cycle.run_id, response.endpoint,
                                      request_line(response.endpoint, response.params), response.body,
                                      http_status=response.status, received_at=received)
        if response.endpoint == "efetch":
            efetch_ids.append(input_id)

    with make_client(base_url, archive=archive) as client:
        collected = collect_updates(client, cycle.query, cycle.window_start, cycle.window_end,
                                    mdat_pass=config.search.mdat_pass)
        with short_connection(db, read_only=True) as con:
            recent = recent_pmids(con, cycle.window_start - timedelta(days=config.search.deletion_check_days))
        gone = find_deleted(client, [p for p in recent if p not in set(collected.pass_of)])
    if gone:
        with short_connection(db) as con:
            input_id, _ = archive_raw(con, cycle.run_id, "deletion-check",
                                      f"esearch [uid] check of {len(recent)} recent PMIDs",
                                      deletion_document(gone))
        efetch_ids.append(input_id)
    return list(dict.fromkeys(efetch_ids))


def recent_pmids(con: duckdb.DuckDBPyConnection, since: date) -> list[str]:
    """PMIDs in the warehouse, not deleted, that entered PubMed on or after ``since``."""
    return [row[0] for row in con.execute(
        "SELECT i.pmid FROM store.paper_index i JOIN store.paper_revisions r"
        " ON r.pmid = i.pmid AND r.revision = i.current_revision"
        " WHERE i.deleted_run IS NULL AND coalesce(r.entry_date, r.create_date) >= ?"
        " AND regexp_full_match(i.pmid, '[0-9]+') ORDER BY i.pmid",  # PubMed ids only, not the baseline's
        [since]).fetchall()]


#: PMIDs asked about per esearch in the deletion check (a GET URL stays well under 4 kB).
DELETION_CHECK_BATCH = 200


def find_deleted(client: "EutilsClient", pmids: Sequence[str]) -> list[str]:
    """The PMIDs PubMed no longer returns when asked for them by id (``[uid]``)."""
    gone: list[str] = []
    for i in range(0, len(pmids), DELETION_CHECK_BATCH):
        batch = list(pmids[i:i + DELETION_CHECK_BATCH])
        found = set(client.search(" OR ".join(f"{p}[uid]" for p in batch)).ids)
        gone.extend(p for p in batch if p not in found)
    return gone


def deletion_document(pmids: Sequence[str]) -> bytes:
    """A PubmedArticleSet of ``DeleteCitation`` entries, so deletions replay like any record file."""
    entries = "".join(f'<PMID Version="1">{p}</PMID>' for p in pmids)
    return (f'<?xml version="1.0" ?>\n<PubmedArticleSet><DeleteCitation>{entries}</DeleteCitation>'
            f"</PubmedArticleSet>\n").encode()


def parse_inputs(con: duckdb.DuckDBPyConnection, input_ids: Iterable[str]) -> list[tuple[str, list[Article | Deletion]]]:
    """Parse archived inputs back from the ledger (the same path a replay takes)."""
    from extractors.formats import parse_any

    return [(input_id, list(parse_any(read_raw(con, input_id)))) for input_id in input_ids]


def load_records(con: duckdb.DuckDBPyConnection, cycle: Cycle,
                 parsed: Iterable[tuple[str | None, Sequence[Article | Deletion]]]) -> tuple[LoadResult, dict[str, Article]]:
    """Write new revisions; return what changed and the new revisions' articles by PMID."""
    result = LoadResult()
    changed: dict[str, Article] = {}
    for input_id, records in parsed:
        part = upsert_records(con, records, cycle.run_id, input_id)
        written = {pmid for pmid, _ in part.revisions}
        for record in records:
            if isinstance(record, Article) and record.pmid in written:
                changed[record.pmid] = record  # the last version in the batch is the revision kept
        result.merge(part)
    return result, changed


def classify_and_extract(con: duckdb.DuckDBPyConnection, cycle: Cycle, pipeline: Pipeline,
                         load: LoadResult, articles: dict[str, Article]) -> tuple[list[Classification], int]:
    """Classify every new revision and extract its effects; store both with provenance."""
    revision_of = dict(load.revisions)  # the last revision written per PMID
    ordered = [articles[pmid] for pmid in revision_of if pmid in articles]
    classifications = pipeline.classify_many(ordered)
    insert_classifications(con, ((revision_of[c.pmid], c) for c in classifications), cycle.run_id)
    effects: list[tuple[int, Effect, bool]] = []
    for article, classification in zip(ordered, classifications):
        therapy = classification.primary_therapy if classification.primary_therapy != "none" else None
        found = pipeline.extract(article, therapy)
        chosen = {id(e) for e in pipeline.prefer(found)}
        effects.extend((revision_of[article.pmid], e, id(e) in chosen) for e in found)
    n_effects = insert_effects(con, effects, cycle.run_id, pipeline.extractor_version)
    return classifications, n_effects


def count_new_trials(load: LoadResult, classifications: Sequence[Classification]) -> int:
    new = set(load.new)
    return sum(1 for c in classifications if c.pmid in new and c.is_rct)


def run_counts(load: LoadResult, classifications: Sequence[Classification]) -> RunCounts:
    """The counts a run row records."""
    return RunCounts(
        n_fetched=len(load.new) + len(load.updated) + len(load.unchanged) + len(load.deleted),
        n_new=len(load.new), n_updated=len(load.updated), n_deleted=len(load.deleted),
        n_rct_new=count_new_trials(load, classifications),
    )
