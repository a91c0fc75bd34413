"""The bodies the replay server sends, shaped like NCBI's own replies.

Shapes follow recorded E-utilities exchanges: ``eSearchResult`` with Count, RetMax, RetStart,
QueryKey, WebEnv, IdList, TranslationSet, QueryTranslation (then ErrorList/WarningList);
efetch's ``PubmedArticleSet`` with an XML declaration and the PubMed DOCTYPE; errors as
``<ERROR>`` inside ``eSearchResult``/``eFetchResult``; HTTP 429 with NCBI's JSON body.
"""

from __future__ import annotations

import json
from typing import Iterable, Sequence
from xml.sax.saxutils import escape

ESEARCH_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" ?>\n'
    '<!DOCTYPE eSearchResult PUBLIC "-//NLM//DTD esearch 20060628//EN" '
    '"https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20060628/esearch.dtd">\n'
)
# The 2025 PubMed DTD: the newest one Biopython 1.88 bundles, so Bio.Entrez reads our replies
# offline (STACK.md).
EFETCH_HEAD = (
    '<?xml version="1.0" ?>\n'
    '<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN" '
    '"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n'
)
EFETCH_ERROR_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" ?>\n'
    '<!DOCTYPE eEfetchResult PUBLIC "-//NLM//DTD efetch 20131226//EN" '
    '"https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20131226/efetch.dtd">\n'
)

#: Default <ERROR> texts for the error-body fault, in NCBI's wording for a back-end failure.
DEFAULT_ERRORS = {
    "esearch": "Search Backend failed: Unable to open connection to #PMQuerySrv?dbaf=pubmed",
    "efetch": "Unable to obtain query #1",
}


def render_esearch(
    *,
    count: int,
    retstart: int,
    ids: Sequence[str],
    translation: str,
    query_key: str | None = None,
    webenv: str | None = None,
    errors: Iterable[tuple[str, str]] = (),
    warnings: Iterable[tuple[str, str]] = (),
) -> bytes:
    """An ``eSearchResult``; ``errors``/``warnings`` are ``(tag, text)`` pairs."""
    parts = [ESEARCH_HEAD, f"<eSearchResult><Count>{count}</Count><RetMax>{len(ids)}</RetMax>"
             f"<RetStart>{retstart}</RetStart>"]
    if query_key is not None and webenv is not None:
        parts.append(f"<QueryKey>{query_key}</QueryKey><WebEnv>{escape(webenv)}</WebEnv>")
    if ids:
        parts.append("<IdList>\n" + "".join(f"<Id>{i}</Id>\n" for i in ids) + "</IdList>")
    else:
        parts.append("<IdList/>")
    parts.append(f"<TranslationSet/><QueryTranslation>{escape(translation)}</QueryTranslation>")
    for wrapper, entries in (("ErrorList", list(errors)), ("WarningList", list(warnings))):
        if entries:
            inner = "".join(f"<{tag}>{escape(text)}</{tag}>" for tag, text in entries)
            parts.append(f"<{wrapper}>{inner}</{wrapper}>")
    parts.append("</eSearchResult>\n")
    return "".join(parts).encode("utf-8")


def render_esearch_error(message: str) -> bytes:
    """An ``eSearchResult`` holding only an ``<ERROR>``, as NCBI sends with HTTP 200."""
    return (ESEARCH_HEAD + f"<eSearchResult>\n\t<ERROR>{escape(message)}</ERROR>\n"
            "</eSearchResult>\n").encode("utf-8")


def render_efetch(records: Iterable[bytes]) -> bytes:
    """A ``PubmedArticleSet`` of the stored records' bytes, unchanged."""
    body = b"".join(record + b"\n" for record in records)
    return EFETCH_HEAD.encode("ascii") + b"<PubmedArticleSet>\n" + body + b"</PubmedArticleSet>\n"


def render_efetch_error(message: str) -> bytes:
    """An ``eFetchResult`` holding an ``<ERROR>``."""
    return (EFETCH_ERROR_HEAD + f"<eFetchResult>\n\t<ERROR>{escape(message)}</ERROR>\n"
            "</eFetchResult>\n").encode("utf-8")


def render_rate_limit(client: str, count: int, limit: int) -> bytes:
    """NCBI's HTTP 429 body: a one-line JSON object."""
    return json.dumps(
        {"error": "API rate limit exceeded", "api-key": client, "count": str(count),
         "limit": str(limit)},
        separators=(",", ":"),
    ).encode("ascii")


def render_status_page(status: int, reason: str) -> bytes:
    """The short HTML page a gateway sends with a 5xx."""
    return (f"<html><head><title>{status} {reason}</title></head><body>"
            f"<h1>{status} {reason}</h1></body></html>\n").encode("ascii")


def truncate_body(body: bytes) -> bytes:
    """Cut a body in the middle of its last record (or in the middle, when it has none)."""
    opening = b"<PubmedArticle>"
    start = body.rfind(opening)
    end = body.rfind(b"</PubmedArticle>")
    if 0 <= start < end:
        return body[: (start + len(opening) + end) // 2]
    return body[: len(body) // 2]
