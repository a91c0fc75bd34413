"""Read E-utilities replies: esearch results, and a check that an efetch body is complete.

Both readers raise :class:`BodyProblem` for a reply that cannot be used, saying whether asking
again may help (``transient``): a cut-off body or NCBI's "Search Backend failed" may, a query
NCBI rejects will not.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

# Messages NCBI puts in <ERROR> when its back end, not the query, failed; asking again usually
# works. Seen in the wild: "Search Backend failed: Unable to open connection to #PMQuerySrv...",
# "Unable to obtain query #1" (history server), "Database is not supported: pubmed" (a 2025
# outage, biopython/biopython#5025).
_TRANSIENT_ERROR = re.compile(
    r"backend failed|unable to open|unable to obtain|temporar|timed? ?out|try again|"
    r"internal error|unavailable|database is not supported",
    re.IGNORECASE,
)
# ...except that NCBI words a request beyond its 9,999-id window as a back-end failure too.
_PERMANENT_ERROR = re.compile(r"retstart|cannot be larger", re.IGNORECASE)

_SET_CLOSE = re.compile(rb"(</PubmedArticleSet>|<PubmedArticleSet\s*/>)\s*$")


class BodyProblem(Exception):
    """A reply with HTTP 200 whose body is unusable; ``transient`` says whether to ask again."""

    def __init__(self, reason: str, *, transient: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.transient = transient


@dataclass(frozen=True)
class EsearchReply:
    """What an ``eSearchResult`` says.

    ``errors`` holds the ``ErrorList`` entries (``"PhraseNotFound: abcXYZ"``), which NCBI sends
    alongside a valid result; ``error`` is a top-level ``<ERROR>``, which replaces the result.
    """

    count: int
    retmax: int
    retstart: int
    ids: tuple[str, ...]
    webenv: str | None = None
    query_key: str | None = None
    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    error: str | None = None
    query_translation: str = ""


def is_transient_error(message: str) -> bool:
    """Whether an E-utilities ``<ERROR>`` message reports a back-end failure worth retrying.

    Examples
    --------
    >>> is_transient_error("Search Backend failed: Unable to open connection to #PMQuerySrv")
    True
    >>> is_transient_error("Invalid query: unbalanced parentheses")
    False
    """
    return bool(_TRANSIENT_ERROR.search(message)) and not _PERMANENT_ERROR.search(message)


def _parse_xml(body: bytes, what: str) -> ET.Element:
    try:
        return ET.fromstring(body)
    except ET.ParseError as exc:
        raise BodyProblem(f"{what} body is not well-formed XML ({exc})", transient=True) from None


def _text(root: ET.Element, tag: str) -> str | None:
    found = root.find(tag)
    return None if found is None or found.text is None else found.text.strip()


def _entries(root: ET.Element, tag: str) -> tuple[str, ...]:
    listed = root.find(tag)
    if listed is None:
        return ()
    return tuple(f"{child.tag}: {' '.join((child.text or '').split())}" for child in listed)


def parse_esearch(body: bytes) -> EsearchReply:
    """Parse an ``eSearchResult``.

    Raises
    ------
    BodyProblem
        The body is not well-formed XML, not an ``eSearchResult``, or lacks its ``Count``
        (all transient: a cut-off or garbled reply).

    Examples
    --------
    >>> reply = parse_esearch(b"<eSearchResult><Count>2</Count><RetMax>2</RetMax>"
    ...     b"<RetStart>0</RetStart><IdList><Id>9</Id><Id>7</Id></IdList></eSearchResult>")
    >>> reply.count, reply.ids
    (2, ('9', '7'))
    """
    root = _parse_xml(body, "esearch")
    if root.tag != "eSearchResult":
        raise BodyProblem(f"esearch body is a <{root.tag}>, not an eSearchResult", transient=True)
    error = _text(root, "ERROR")
    count = _text(root, "Count")
    if count is None and error is None:
        raise BodyProblem("esearch body has no Count", transient=True)
    id_list = root.find("IdList")
    ids = tuple((i.text or "").strip() for i in id_list) if id_list is not None else ()
    return EsearchReply(
        count=int(count or 0),
        retmax=int(_text(root, "RetMax") or 0),
        retstart=int(_text(root, "RetStart") or 0),
        ids=ids,
        webenv=_text(root, "WebEnv"),
        query_key=_text(root, "QueryKey"),
        errors=_entries(root, "ErrorList"),
        warnings=_entries(root, "WarningList"),
        error=" ".join(error.split()) if error else None,
        query_translation=_text(root, "QueryTranslation") or "",
    )


def parse_article_set_pmids(body: bytes) -> list[str]:
    """The PMIDs of a complete efetch ``PubmedArticleSet``, in the order of its records.

    A cheap check comes first (the body must end with the closing tag), then a full parse,
    which also proves the body well-formed. Only each record's own PMID counts, not the PMIDs
    its comments and corrections cite.

    Raises
    ------
    BodyProblem
        A cut-off or malformed body, or NCBI's ``eFetchResult`` ``<ERROR>`` in its place.
    """
    if not _SET_CLOSE.search(body[-200:]):
        root_tag = _root_tag(body)
        if root_tag == "eFetchResult":
            root = _parse_xml(body, "efetch")
            message = " ".join((_text(root, "ERROR") or "no message").split())
            raise BodyProblem(f"efetch error: {message}", transient=is_transient_error(message))
        raise BodyProblem(
            "efetch body is cut off (no closing </PubmedArticleSet>)", transient=True
        )
    root = _parse_xml(body, "efetch")
    if root.tag != "PubmedArticleSet":
        raise BodyProblem(f"efetch body is a <{root.tag}>, not a PubmedArticleSet", transient=True)
    pmids = []
    for record in root:
        pmid = record.find("MedlineCitation/PMID")
        if pmid is None:
            pmid = record.find("BookDocument/PMID")
        if pmid is not None and pmid.text:
            pmids.append(pmid.text.strip())
    return pmids


def _root_tag(body: bytes) -> str | None:
    match = re.search(rb"<([A-Za-z][\w.-]*)[\s>/]", re.sub(rb"<[?!][^>]*>", b"", body[:2000]))
    return match.group(1).decode("ascii") if match else None
