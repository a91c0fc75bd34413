"""``Article.content_hash``: stable across releases, so stored revisions stay valid."""

import dataclasses
import datetime
import hashlib
import json

import pytest

from extractors.records import Article, CommentCorrection, Section

FULL = Article(
    pmid="90000001", title="Granulocyte colony-stimulating factor in repeated failure: a trial",
    abstract="METHODS: Women were randomised.\n\nRESULTS: Clinical pregnancy 12/40 vs 6/40.",
    sections=(Section("METHODS", "METHODS", 9, 31), Section("RESULTS", "RESULTS", 42, 82)),
    journal="Fertil Steril", year=2026, entry_date=datetime.date(2026, 9, 14),
    create_date=datetime.date(2026, 9, 13), revised_date=None,
    publication_types=("Journal Article",), mesh_terms=(), keywords=("RIF", "G-CSF"),
    authors=("Ayşe Kalem", "Jürgen Müller"), doi="10.1000/x", language="eng", indexing_status="In-Process",
    comments_corrections=(CommentCorrection("ErratumIn", "90000002", "Erratum in: ..."),),
)


def _as_first_stored(article: Article) -> str:
    """The hash as the first warehouses stored it: JSON of ``dataclasses.asdict``."""
    payload = json.dumps(dataclasses.asdict(article), sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@pytest.mark.parametrize("article", [FULL, Article(pmid="1", title="")], ids=["every-field", "bare"])
def test_the_hash_is_the_one_stored_revisions_were_given(article):
    assert article.content_hash() == _as_first_stored(article)


@pytest.mark.parametrize("change", [{"title": "Another title"}, {"sections": ()}, {"authors": ("A B",)},
                                    {"comments_corrections": (CommentCorrection("RetractionIn", "3"),)},
                                    {"revised_date": datetime.date(2026, 10, 1)}],
                         ids=["title", "sections", "authors", "corrections", "revised"])
def test_any_changed_field_changes_the_hash(change):
    assert dataclasses.replace(FULL, **change).content_hash() != FULL.content_hash()
