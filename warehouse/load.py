"""Loading records into the warehouse: paper revisions, classifications and effects.

Every function takes an explicit connection and leaves transaction control to the caller, so a
cycle can load everything it derived in one transaction. Rows are inserted in bulk through a
pandas frame (DuckDB's ``executemany`` manages about 2,700 rows/s here; a frame, 300,000).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Iterable, Sequence

import duckdb
import pandas as pd

from extractors.records import Article, Classification, Deletion, Effect
from warehouse.ledger import utcnow

_REVISION_COLUMNS = (
    "pmid", "revision", "content_sha256", "run_id", "input_id", "title", "abstract", "sections",
    "journal", "year", "entry_date", "create_date", "revised_date", "publication_types",
    "mesh_terms", "keywords", "authors", "doi", "language", "indexing_status", "pmid_version",
    "comments_corrections", "source_format", "is_retracted",
)


@dataclass
class LoadResult:
    """What a batch of records did to the warehouse, PMID by PMID."""

    new: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    #: (pmid, revision) of every revision written, for the classify and extract steps.
    revisions: list[tuple[str, int]] = field(default_factory=list)

    def merge(self, other: "LoadResult") -> None:
        for name in ("new", "updated", "unchanged", "deleted", "revisions"):
            getattr(self, name).extend(getattr(other, name))


def insert_frame(con: duckdb.DuckDBPyConnection, table: str, columns: Sequence[str], rows: list[tuple]) -> None:
    """Bulk insert ``rows`` (tuples in ``columns`` order) into ``table``."""
    if not rows:
        return
    frame = pd.DataFrame.from_records(rows, columns=list(columns))
    con.register("_rw_frame", frame)
    try:
        cols = ", ".join(columns)
        con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _rw_frame")
    finally:
        con.unregister("_rw_frame")


def _revision_row(article: Article, revision: int, sha: str, run_id: str, input_id: str | None) -> tuple:
    sections = json.dumps([[s.label, s.category, s.start, s.end] for s in article.sections])
    corrections = json.dumps([[c.ref_type, c.pmid, c.text] for c in article.comments_corrections])
    return (
        article.pmid, revision, sha, run_id, input_id, article.title, article.abstract, sections,
        article.journal, article.year, article.entry_date, article.create_date, article.revised_date,
        list(article.publication_types), list(article.mesh_terms), list(article.keywords),
        list(article.authors), article.doi, article.language, article.indexing_status,
        article.pmid_version, corrections, article.source_format, article.is_retracted,
    )


def _current_state(con: duckdb.DuckDBPyConnection, pmids: list[str]) -> dict[str, tuple[int, str, str | None]]:
    """``{pmid: (current_revision, content_sha256, deleted_run)}`` for known PMIDs."""
    if not pmids:
        return {}
    con.register("_rw_pmids", pd.DataFrame({"pmid": pmids}))
    try:
        rows = con.execute(
            "SELECT i.pmid, i.current_revision, r.content_sha256, i.deleted_run"
            " FROM store.paper_index i JOIN _rw_pmids USING (pmid)"
            " JOIN store.paper_revisions r ON r.pmid = i.pmid AND r.revision = i.current_revision"
        ).fetchall()
    finally:
        con.unregister("_rw_pmids")
    return {pmid: (rev, sha, deleted) for pmid, rev, sha, deleted in rows}


def upsert_records(con: duckdb.DuckDBPyConnection, records: Iterable[Article | Deletion], run_id: str,
                   input_id: str | None = None) -> LoadResult:
    """Write new revisions of changed or new records; note deletions; touch what was seen.

    A record identical to its current revision adds nothing but its sighting (``last_seen_run``).
    A deleted PMID that reappears is restored.
    """
    records = list(records)
    state = _current_state(con, sorted({r.pmid for r in records}))
    result = LoadResult()
    revision_rows: list[tuple] = []
    index_new: dict[str, tuple] = {}
    index_touch: dict[str, tuple[int, str | None]] = {}
    for record in records:
        pmid = record.pmid
        known = state.get(pmid)
        if isinstance(record, Deletion):
            if known is not None and known[2] is None:
                state[pmid] = (known[0], known[1], run_id)
                index_touch[pmid] = (known[0], run_id)
                result.deleted.append(pmid)
            continue
        sha = record.content_hash()
        if known is not None and known[1] == sha and known[2] is None:
            index_touch.setdefault(pmid, (known[0], None))
            result.unchanged.append(pmid)
            continue
        revision = 1 if known is None else known[0] + 1
        revision_rows.append(_revision_row(record, revision, sha, run_id, input_id))
        result.revisions.append((pmid, revision))
        if known is None and pmid not in index_new:
            index_new[pmid] = (pmid, revision, run_id, run_id, None)
            result.new.append(pmid)
        elif pmid in index_new:
            index_new[pmid] = (pmid, revision, run_id, run_id, None)
        else:
            index_touch[pmid] = (revision, None)
            result.updated.append(pmid)
        state[pmid] = (revision, sha, None)
    insert_frame(con, "store.paper_revisions", _REVISION_COLUMNS, revision_rows)
    insert_frame(con, "store.paper_index",
                 ("pmid", "current_revision", "first_seen_run", "last_seen_run", "deleted_run"),
                 list(index_new.values()))
    if index_touch:
        frame = pd.DataFrame.from_records(
            [(pmid, rev, deleted) for pmid, (rev, deleted) in index_touch.items()],
            columns=["pmid", "current_revision", "deleted_run"],
        )
        con.register("_rw_touch", frame)
        try:
            con.execute(
                "UPDATE store.paper_index SET current_revision = t.current_revision,"
                " last_seen_run = ?, deleted_run = t.deleted_run"
                " FROM _rw_touch t WHERE store.paper_index.pmid = t.pmid",
                [run_id],
            )
        finally:
            con.unregister("_rw_touch")
    return result


def load_revisions(con: duckdb.DuckDBPyConnection, keys: Sequence[tuple[str, int]]) -> list[Article]:
    """Rebuild ``Article`` records of the given ``(pmid, revision)`` keys from the warehouse."""
    from warehouse.articles import rows_to_articles

    if not keys:
        return []
    frame = pd.DataFrame.from_records(list(keys), columns=["pmid", "revision"])
    con.register("_rw_keys", frame)
    try:
        cursor = con.execute(
            "SELECT r.* FROM store.paper_revisions r JOIN _rw_keys k USING (pmid, revision)"
            " ORDER BY r.entry_date NULLS LAST, r.pmid"
        )
        return rows_to_articles(cursor)
    finally:
        con.unregister("_rw_keys")


_CLASSIFICATION_COLUMNS = (
    "pmid", "revision", "run_id", "model_version", "rules_version", "rct_probability", "is_rct",
    "operating_point", "design", "therapies", "primary_therapy", "therapy_route", "therapy_evidence",
    "population", "rif_min_failures", "rif_count_unit", "rif_age_max", "rif_immune_selection",
    "rif_definition_text", "rif_char_start", "rif_char_end", "rif_rule_id", "created_at",
)


def insert_classifications(con: duckdb.DuckDBPyConnection, items: Iterable[tuple[int, Classification]],
                           run_id: str) -> int:
    """Store ``(revision, classification)`` pairs; return how many were written."""
    now = utcnow()
    rows = []
    for revision, c in items:
        primary = next((f for f in c.therapy_findings if f.therapy == c.primary_therapy), None)
        evidence = json.dumps([
            {"therapy": f.therapy, "route": f.route, "role": f.role, "rule_id": f.rule_id,
             "text": f.span.text if f.span else None,
             "start": f.span.start if f.span else None, "end": f.span.end if f.span else None}
            for f in c.therapy_findings
        ])
        rif = c.rif
        span = rif.span if rif else None
        rows.append((
            c.pmid, revision, run_id, c.model_version, c.rules_version, c.rct_probability, c.is_rct,
            c.operating_point, c.design, list(c.therapies), c.primary_therapy,
            primary.route if primary else None, evidence, c.population,
            rif.min_failures if rif else None, rif.count_unit if rif else None,
            rif.age_max if rif else None, list(rif.immune_selection) if rif else [],
            span.text if span else None, span.start if span else None, span.end if span else None,
            rif.rule_id if rif else None, now,
        ))
    insert_frame(con, "store.classifications", _CLASSIFICATION_COLUMNS, rows)
    return len(rows)


def effect_key(effect: Effect) -> str:
    """A key for an effect that stays the same across re-extractions of the same statement.

    Curations are attached to this key, so they survive re-extraction as long as the extractor
    still finds the same outcome, arms, measure and source.
    """
    return "|".join((effect.outcome, effect.treat_arm or "", effect.ctrl_arm or "",
                     effect.measure or "", effect.source))


_EFFECT_COLUMNS = (
    "pmid", "revision", "run_id", "extractor_version", "effect_key", "outcome", "treat_arm",
    "ctrl_arm", "denominator_unit", "treat_events", "treat_total", "ctrl_events", "ctrl_total",
    "measure", "estimate", "ci_low", "ci_high", "p_value", "p_operator", "source", "evidence_text",
    "char_start", "char_end", "rule_id", "check_failures", "created_at", "qualifiers",
    "treat_percent", "ctrl_percent", "preferred",
)


def insert_effects(con: duckdb.DuckDBPyConnection, items: Iterable[tuple], run_id: str,
                   extractor_version: str) -> int:
    """Store ``(revision, effect)`` or ``(revision, effect, preferred)`` tuples.

    ``preferred`` marks the one row per paper, outcome and comparison that pooling reads
    (``extractors.effects.preferred_effects``). Keys that repeat within a paper get a ``#n`` suffix.
    """
    now = utcnow()
    rows = []
    seen: dict[tuple[str, str], int] = {}
    for item in items:
        revision, e = item[0], item[1]
        preferred = bool(item[2]) if len(item) > 2 else not e.check_failures
        key = effect_key(e)
        n = seen.get((e.pmid, key), 0) + 1
        seen[(e.pmid, key)] = n
        if n > 1:
            key = f"{key}#{n}"
        rows.append((
            e.pmid, revision, run_id, extractor_version, key, e.outcome, e.treat_arm, e.ctrl_arm,
            e.denominator_unit, e.treat_events, e.treat_total, e.ctrl_events, e.ctrl_total,
            e.measure, e.estimate, e.ci_low, e.ci_high, e.p_value, e.p_operator, e.source,
            e.evidence_text, e.char_start, e.char_end, e.rule_id, list(e.check_failures), now,
            list(e.qualifiers), e.treat_percent, e.ctrl_percent, preferred,
        ))
    insert_frame(con, "store.extracted_effects", _EFFECT_COLUMNS, rows)
    return len(rows)
