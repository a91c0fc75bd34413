"""Turning stored revision rows back into ``Article`` records (for re-classification, replay)."""

from __future__ import annotations

import json

import duckdb

from extractors.records import Article, CommentCorrection, Section


def rows_to_articles(cursor: duckdb.DuckDBPyConnection) -> list[Article]:
    """Articles from a cursor over ``store.paper_revisions`` columns (``SELECT r.*``)."""
    names = [d[0] for d in cursor.description]
    articles = []
    for row in cursor.fetchall():
        r = dict(zip(names, row))
        articles.append(Article(
            pmid=r["pmid"],
            title=r["title"],
            abstract=r["abstract"],
            sections=tuple(Section(*s) for s in json.loads(r["sections"] or "[]")),
            journal=r["journal"] or "",
            year=r["year"],
            entry_date=r["entry_date"],
            create_date=r["create_date"],
            revised_date=r["revised_date"],
            publication_types=tuple(r["publication_types"] or ()),
            mesh_terms=tuple(r["mesh_terms"] or ()),
            keywords=tuple(r["keywords"] or ()),
            authors=tuple(r["authors"] or ()),
            doi=r["doi"],
            language=r["language"] or "",
            indexing_status=r["indexing_status"] or "",
            pmid_version=r["pmid_version"] or 1,
            comments_corrections=tuple(CommentCorrection(*c) for c in json.loads(r["comments_corrections"] or "[]")),
            source_format=r["source_format"] or "pubmed_xml",
        ))
    return articles
