"""Maintainers' decisions as training labels for the classifier.

A maintainer who confirms a paper says its classification is right; one who rejects it as
``not_a_trial`` says it is not a randomised trial; one who corrects ``is_rct`` or ``design`` says
what it is. ``curated_labels`` turns the latest of those decisions into one label per paper (the
``papers`` view has already applied them). A paper rejected only as ``off_topic`` or as a
``duplicate`` carries a topic label but no RCT label unless its design was also decided: being off
topic or a second report says nothing about being a trial.

``warehouse_pairs`` is what ``rifwatch model train --from-warehouse`` learns from: ``(title + blank
line + abstract, is_rct)`` for every curated label, and for every other MEDLINE-indexed record the
label its publication types give (PubMed's indexers are the same reference the classifier was
trained against; a maintainer's label wins over them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

#: PubMed's publication type for a randomised trial report (models/corpora.py uses the same).
RCT_PUBLICATION_TYPE = "Randomized Controlled Trial"


@dataclass(frozen=True)
class Label:
    """One paper's curated label and where it came from."""

    pmid: str
    text: str
    is_rct: bool | None
    design: str | None
    topic: str                  # on_topic | off_topic
    duplicate_of: str | None
    curator: str
    decided_at: datetime
    decision_ids: tuple[int, ...]


def curated_labels(con: duckdb.DuckDBPyConnection) -> list[Label]:
    """A label for every paper a maintainer confirmed, rejected or reclassified, by PMID."""
    rows = con.execute(
        "WITH d AS (SELECT pmid, field, new_value, curator, decided_at, decision_id FROM paper_decisions"
        "           WHERE field IN ('status', 'is_rct', 'design')),"
        " s AS (SELECT pmid,"
        "        max(new_value) FILTER (WHERE field = 'status') AS status,"
        "        bool_or(field IN ('is_rct', 'design')) AS reclassified,"
        "        arg_max(curator, decided_at) AS curator, max(decided_at) AS decided_at,"
        "        list(decision_id ORDER BY decision_id) AS ids"
        "        FROM d GROUP BY pmid)"
        " SELECT p.pmid, p.title || chr(10) || chr(10) || coalesce(p.abstract, ''), p.is_rct, p.design,"
        "        s.status, s.reclassified, s.curator, s.decided_at, s.ids"
        " FROM s JOIN papers p USING (pmid) ORDER BY p.pmid").fetchall()
    labels = []
    for pmid, text, is_rct, design, status, reclassified, curator, decided_at, ids in rows:
        status = status or ""
        why = status.split(":")[1] if status.startswith("rejected:") else None
        if why == "not_a_trial":
            label_rct, label_design = False, design if reclassified else None
        elif status == "confirmed" or reclassified:
            label_rct, label_design = bool(is_rct), design
        else:
            label_rct, label_design = None, None
        duplicate_of = status.rsplit(":", 1)[1] if why == "duplicate" else None
        labels.append(Label(pmid, text, label_rct, label_design, "off_topic" if why == "off_topic" else "on_topic",
                            duplicate_of, curator, decided_at, tuple(ids)))
    return labels


def indexed_pairs(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, bool]]:
    """``{pmid: (text, is_rct)}`` for MEDLINE-indexed records, labelled by their publication types."""
    rows = con.execute(
        "SELECT pmid, title || chr(10) || chr(10) || coalesce(abstract, ''),"
        " list_contains(coalesce(publication_types, []), ?) FROM papers WHERE indexing_status = 'MEDLINE'",
        [RCT_PUBLICATION_TYPE]).fetchall()
    return {pmid: (text, bool(rct)) for pmid, text, rct in rows}


def training_pairs(con: duckdb.DuckDBPyConnection) -> list[tuple[str, bool]]:
    """Indexed records' labels with every curated RCT label laid over them, in PMID order."""
    pairs = indexed_pairs(con)
    for label in curated_labels(con):
        if label.is_rct is not None:
            pairs[label.pmid] = (label.text, label.is_rct)
    return [pairs[pmid] for pmid in sorted(pairs)]


def warehouse_pairs(db: str | Path) -> list[tuple[str, bool]]:
    """``training_pairs`` of the warehouse at ``db`` (the ``rifwatch model`` seam)."""
    from warehouse.db import connect

    con = connect(db, read_only=True)
    try:
        return training_pairs(con)
    finally:
        con.close()
