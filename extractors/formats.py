"""Tell PubMed XML from MEDLINE text, and parse a file of either kind.

``rifwatch import FILE...`` calls :func:`parse_any`; it looks at the first bytes only, so a
wrong file (an esearch reply, a saved HTML page, a CSV) fails at once with one line saying
what it is, before anything is imported.
"""

from __future__ import annotations

import gzip
import os
import re
import zlib
from collections.abc import Iterator

from extractors.medline import parse_medline
from extractors.pubmed_xml import ROOT_TAGS, parse_pubmed_xml
from extractors.records import Article, Deletion
from extractors.sources import RecordFileError, open_source

#: How much of a file is read to decide its format. A PubmedArticleSet's root element comes
#: after the XML declaration and DOCTYPE, well inside the first few hundred bytes.
SNIFF_BYTES = 64 * 1024

_BOM = b"\xef\xbb\xbf"
# Everything XML allows before the root element: declaration, processing instructions,
# comments, a DOCTYPE (with an optional internal subset) and whitespace.
_PROLOG = re.compile(
    rb"(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>)*", re.DOTALL | re.IGNORECASE)
_ELEMENT = re.compile(rb"<([A-Za-z_][\w.:-]*)")
_MEDLINE_START = re.compile(r"PMID- ?\d+\s*$")


class UnknownFormatError(RecordFileError):
    """A file that is neither PubMed XML nor MEDLINE text."""


def sniff_format(source: bytes | str | os.PathLike) -> str:
    """Return ``"pubmed_xml"`` or ``"medline"`` for a file (or its bytes), gzip'ed or not.

    Parameters
    ----------
    source
        A path or the file's bytes; only the first :data:`SNIFF_BYTES` are read.

    Returns
    -------
    str
        ``"pubmed_xml"`` or ``"medline"``.

    Raises
    ------
    UnknownFormatError
        One line naming the file and what it looks like instead (e.g. ``root is <eSearchResult>``).

    Examples
    --------
    >>> sniff_format(b'<?xml version="1.0"?><PubmedArticleSet></PubmedArticleSet>')
    'pubmed_xml'
    >>> sniff_format(b"\\nPMID- 31000001\\nTI  - A trial.\\n")
    'medline'
    """
    shown = os.fspath(source) if isinstance(source, (str, os.PathLike)) else "input"
    try:
        with open_source(source) as stream:
            head = stream.read(SNIFF_BYTES)
    except (EOFError, gzip.BadGzipFile, zlib.error) as error:
        raise UnknownFormatError(f"{shown}: corrupt gzip data ({error})") from None
    head = head.removeprefix(_BOM).lstrip()
    if not head:
        raise UnknownFormatError(f"{shown}: empty file")
    if head.startswith(b"<"):
        return _sniff_xml(head, shown)
    first_line = head.split(b"\n", 1)[0].decode("utf-8", errors="replace").rstrip("\r")
    if _MEDLINE_START.match(first_line):
        return "medline"
    raise UnknownFormatError(
        f"{shown}: neither PubMed XML nor MEDLINE text (starts with {first_line[:40]!r})")


def _sniff_xml(head: bytes, shown: str) -> str:
    prolog = _PROLOG.match(head)
    element = _ELEMENT.match(head, prolog.end() if prolog else 0)
    if element is None:
        raise UnknownFormatError(f"{shown}: XML without a root element in its first "
                                 f"{SNIFF_BYTES // 1024} KB")
    root = element.group(1).decode("ascii")
    if root in ROOT_TAGS:
        return "pubmed_xml"
    if root.lower() == "html":
        raise UnknownFormatError(f"{shown}: an HTML page, not PubMed XML or MEDLINE text")
    raise UnknownFormatError(f"{shown}: not PubMed XML (root is <{root}>)")


def parse_any(source: bytes | str | os.PathLike) -> Iterator[Article | Deletion]:
    """Parse a PubMed XML or MEDLINE file (or its bytes), whichever it is.

    Parameters
    ----------
    source
        A path or the file's bytes (a path is read twice: once to sniff, once to parse).

    Returns
    -------
    Iterator of Article or Deletion
        The records in file order; MEDLINE files hold no deletions.

    Raises
    ------
    extractors.sources.RecordFileError
        On the call itself when the format is unknown (nothing has been yielded then); while
        iterating for a malformed file (``PubmedParseError``, ``MedlineParseError``).
        Every message is one line naming the file.
    FileNotFoundError
        When the path does not exist.

    Examples
    --------
    >>> [record.pmid for record in parse_any(b"PMID- 31000001\\nTI  - A trial.\\n")]
    ['31000001']
    """
    if sniff_format(source) == "pubmed_xml":
        return parse_pubmed_xml(source)
    return parse_medline(source)
