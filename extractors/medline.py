"""Parse MEDLINE text (PubMed's "Save: PubMed format", ``.nbib``/``.txt``) into :class:`Article`.

A MEDLINE record is a block of ``TAG - value`` lines (the tag padded to four characters, then
``- ``), values wrapped onto continuation lines indented by six spaces, records separated by a
blank line.

We read the lines ourselves rather than with ``Bio.Medline``: Biopython appends every
continuation line of a multi-valued field as a *separate value* (only ``MH`` and ``AD`` are
special-cased), so a wrapped ``CIN``/``RIN``/``OT`` line becomes two comments or two keywords,
and a repeated single-valued tag (two ``LID`` lines) is glued into one string. Here a
continuation line always extends the value above it.

Mapping to :class:`Article` (``source_format="medline"``):

* ``TI`` (else ``TT``, ``BTI``) title; ``AB`` (else the first ``OAB``) abstract, with inline
  structured-abstract labels split into sections (:func:`extractors.abstracts.split_inline_labels`);
* ``JT`` (else ``TA``) journal; ``DP`` (else ``DEP``) year;
* ``EDAT`` entry date; ``CRDT`` (else ``DA``, else ``EDAT``) create date; ``LR`` revised date;
* ``PT``; ``MH`` with ``*`` and ``/qualifiers`` removed; ``OT`` keywords; ``AU`` then ``CN``
  authors (MEDLINE keeps them apart, so a collective name comes after the people);
* ``LID``/``AID`` ``[doi]``; the first ``LA``; ``STAT``;
* comment/correction tags (``RIN``, ``EIN``, ``CIN``, ...) as ``CommentCorrection`` with the XML
  ``RefType`` name, so ``Article.is_retracted`` works the same for both formats.

MEDLINE has no PMID version and no NLM categories for abstract sections: ``pmid_version`` is 1
and section categories are ``""``.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Iterator
from datetime import date
from typing import BinaryIO

from extractors.abstracts import compose_abstract, split_inline_labels
from extractors.markup import normalise_text
from extractors.records import Article, CommentCorrection
from extractors.sources import RecordFileError, Source, open_source, source_name

#: MEDLINE comment/correction tags and the ``RefType`` PubMed XML uses for the same link.
#: Source: NLM's MEDLINE/PubMed data element descriptions and pubmed_250101.dtd.
CORRECTION_TAGS = {
    "CIN": "CommentIn", "CON": "CommentOn",
    "CRI": "CorrectedandRepublishedIn", "CRF": "CorrectedandRepublishedFrom",
    "EIN": "ErratumIn", "EFR": "ErratumFor",
    "ECI": "ExpressionOfConcernIn", "ECF": "ExpressionOfConcernFor",
    "RPI": "RepublishedIn", "RPF": "RepublishedFrom",
    "RRI": "RetractedandRepublishedIn", "RRF": "RetractedandRepublishedFrom",
    "RIN": "RetractionIn", "ROF": "RetractionOf",
    "PRIN": "PartialRetractionIn", "PROF": "PartialRetractionOf",
    "UIN": "UpdateIn", "UOF": "UpdateOf",
    "SPIN": "SummaryForPatientsIn", "ORI": "OriginalReportIn",
}

# "AU  - Smith J" / "PMID- 123" / "EDAT- 2020/01/02 06:00"; an empty value may lose its space.
_TAG_LINE = re.compile(r"([A-Z][A-Z0-9]{1,3}) *- ?(.*)")
_CORRECTION_PMID = re.compile(r"\s*PMID:\s*(\d+)\s*$")
_DOI_SUFFIX = " [doi]"
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")
_SLASH_DATE = re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})")
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")


class MedlineParseError(RecordFileError):
    """MEDLINE text that cannot be read: a stray line, a record without PMID, a bad date."""


def parse_medline(source: Source) -> Iterator[Article]:
    """Stream the records of a MEDLINE text file as ``Article`` objects.

    Parameters
    ----------
    source
        UTF-8 text as bytes, a path, or a binary file object (gzip'ed input is recognised).

    Yields
    ------
    Article
        In file order, with ``source_format="medline"``.

    Raises
    ------
    MedlineParseError
        One line naming the file, the line number and the problem. Records yielded before the
        error have reached the caller; the caller decides whether to keep them.

    Examples
    --------
    >>> text = b'''PMID- 31000001
    ... STAT- MEDLINE
    ... TI  - Intralipid for women with repeated implantation failure: a
    ...       randomised trial.
    ... AB  - OBJECTIVE: To test intralipid. RESULTS: Live birth 30% vs 21%.
    ... PT  - Randomized Controlled Trial
    ... '''
    >>> article = next(parse_medline(text))
    >>> article.title
    'Intralipid for women with repeated implantation failure: a randomised trial.'
    >>> [s.label for s in article.sections]
    ['OBJECTIVE', 'RESULTS']
    """
    shown = source_name(source) or "MEDLINE text"
    with open_source(source) as stream:
        for first_line, fields in _read_records(_decoded_lines(stream, shown), shown):
            yield _article(fields, shown, first_line)


def _decoded_lines(stream: BinaryIO, shown: str) -> Iterator[tuple[int, str]]:
    """Numbered text lines; invalid UTF-8 is an error naming the line, not silent mojibake."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    number = 0
    pending = ""
    for chunk in iter(lambda: stream.read(1 << 16), b""):
        try:
            text = pending + decoder.decode(chunk)
        except UnicodeDecodeError as error:
            raise MedlineParseError(
                f"{shown}: not UTF-8 text near line {number + 1} ({error.reason})") from None
        lines = text.split("\n")
        pending = lines.pop()
        for line in lines:
            number += 1
            yield number, line.rstrip("\r")
    try:
        pending += decoder.decode(b"", final=True)
    except UnicodeDecodeError as error:
        raise MedlineParseError(f"{shown}: not UTF-8 text at its end ({error.reason})") from None
    if pending:
        yield number + 1, pending.rstrip("\r")


def _read_records(
    lines: Iterable[tuple[int, str]], shown: str,
) -> Iterator[tuple[int, list[tuple[str, str]]]]:
    """Group lines into records of ``(tag, value)``; continuation lines extend the value above."""
    fields: list[tuple[str, str]] = []
    first_line = 0
    for number, line in lines:
        if not line.strip():
            if fields:
                yield first_line, fields
                fields = []
            continue
        if line[0].isspace():
            if not fields:
                raise MedlineParseError(
                    f"{shown}: line {number}: continuation line outside any field")
            tag, value = fields[-1]
            fields[-1] = (tag, f"{value} {line.strip()}")
            continue
        match = _TAG_LINE.fullmatch(line)
        if match is None:
            raise MedlineParseError(
                f"{shown}: line {number}: not a MEDLINE 'TAG - value' line: {line[:40]!r}")
        tag = match.group(1)
        if tag == "PMID" and fields:  # a record that lost its blank separator line
            yield first_line, fields
            fields = []
        if not fields:
            first_line = number
        fields.append((tag, match.group(2)))
    if fields:
        yield first_line, fields


def _article(fields: list[tuple[str, str]], shown: str, first_line: int) -> Article:
    values: dict[str, list[str]] = {}
    for tag, value in fields:
        values.setdefault(tag, []).append(normalise_text(value))

    def first(*tags: str) -> str:
        return next((v for tag in tags for v in values.get(tag, ()) if v), "")

    pmid = first("PMID")
    where = f"{shown}: record at line {first_line}"
    if not pmid:
        raise MedlineParseError(f"{where}: no PMID field")
    if not pmid.isdigit():
        raise MedlineParseError(f"{where}: PMID {pmid!r} is not a number")
    where = f"{shown}: PMID {pmid}"

    def day(tag: str) -> date | None:
        text = first(tag)
        if not text:
            return None
        match = _SLASH_DATE.match(text) or _COMPACT_DATE.match(text)
        try:
            if match is None:
                raise ValueError
            return date(*map(int, match.groups()))
        except ValueError:
            raise MedlineParseError(f"{where}: {tag} is not a date ({text!r})") from None

    abstract, sections = compose_abstract(split_inline_labels(first("AB", "OAB")))
    create_date = day("CRDT") or day("DA") or day("EDAT")
    year_match = _YEAR.search(first("DP", "DEP"))
    return Article(
        pmid=pmid,
        title=first("TI", "TT", "BTI"),
        abstract=abstract,
        sections=sections,
        journal=first("JT", "TA"),
        year=int(year_match.group(1)) if year_match else None,
        entry_date=day("EDAT") or create_date,
        create_date=create_date,
        revised_date=day("LR"),
        publication_types=tuple(v for v in values.get("PT", ()) if v),
        mesh_terms=tuple(_descriptor(v) for v in values.get("MH", ()) if _descriptor(v)),
        keywords=tuple(v for v in values.get("OT", ()) if v),
        authors=tuple(v for tag in ("AU", "CN") for v in values.get(tag, ()) if v),
        doi=_doi(values.get("LID", []) + values.get("AID", [])),
        language=first("LA"),
        indexing_status=first("STAT"),
        comments_corrections=tuple(
            _correction(tag, value) for tag, value in fields if tag in CORRECTION_TAGS),
        source_format="medline",
    )


def _descriptor(heading: str) -> str:
    """``Information Storage and Retrieval/*methods`` -> ``Information Storage and Retrieval``."""
    return heading.split("/", 1)[0].lstrip("*").strip()


def _doi(identifiers: list[str]) -> str | None:
    for identifier in identifiers:
        if identifier.endswith(_DOI_SUFFIX):
            return identifier[: -len(_DOI_SUFFIX)].strip() or None
    return None


def _correction(tag: str, value: str) -> CommentCorrection:
    """``RIN - Fertil Steril. 2021;115(2):500. PMID: 33400001`` -> RetractionIn, 33400001."""
    value = normalise_text(value)
    match = _CORRECTION_PMID.search(value)
    # MEDLINE writes "<source>. PMID: n"; XML's RefSource is the source without that period.
    text = value[: match.start()].strip().removesuffix(".") if match else value
    return CommentCorrection(ref_type=CORRECTION_TAGS[tag], pmid=match.group(1) if match else None,
                             text=text)
