"""Parse PubMed XML (a ``PubmedArticleSet``) into :class:`Article` and :class:`Deletion` records.

The input is what efetch, PubMed's "Save: XML" and the baseline/update files give: DTDs from
2012 to 2025 all share the elements read here. Parsing streams with ``ElementTree.iterparse`` and
drops every record once it has been turned into an ``Article``, so memory stays flat however
large the file.

Rules worth knowing:

* ``PubmedArticle`` -> one ``Article``; ``DeleteCitation`` -> one ``Deletion`` per PMID;
  ``PubmedBookArticle`` (a book or chapter on the NCBI Bookshelf) -> an ``Article`` whose
  ``journal`` is the book's title, with no MeSH terms and an empty ``indexing_status``, since
  books are never MEDLINE-indexed. Other top-level elements are ignored.
* The ``<!DOCTYPE>`` is never fetched: ElementTree does not load external DTDs. PubMed writes
  characters as UTF-8 and uses only XML's own five entities and numeric references, which expat
  resolves itself. The named characters the DTD's MathML module declares (``&nbsp;``) are
  therefore unknown here; one in a file is an error reported with its line and column.
* Errors raise :class:`PubmedParseError` with one line naming the file. Records yielded before an
  error (a truncated file still holds complete records) have already reached the caller; the
  caller decides whether a partly read file is kept or rolled back. A record is only ever yielded
  whole: a truncated record raises, it is never yielded half-read.
"""

from __future__ import annotations

import gzip
import re
import zlib
from collections.abc import Iterator
from datetime import date
from typing import BinaryIO
from xml.etree import ElementTree as ET

from extractors.abstracts import compose_abstract
from extractors.markup import normalise_text, render_inline
from extractors.records import Article, CommentCorrection, Deletion, Section
from extractors.sources import RecordFileError, Source, open_source, source_name

#: Root elements of PubMed XML: efetch and "Save: XML" give PubmedArticleSet; the Bookshelf DTD
#: names its own set. Source: NLM's pubmed_250101.dtd and bookdoc_250101.dtd.
ROOT_TAGS = frozenset({"PubmedArticleSet", "PubmedBookArticleSet"})

#: The children of PubmedArticleSet that hold records (other children are skipped).
_RECORD_TAGS = frozenset({"PubmedArticle", "PubmedBookArticle", "DeleteCitation"})

_MONTHS = {name: number for number, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")


class PubmedParseError(RecordFileError):
    """PubMed XML that cannot be read: malformed, truncated, not PubMed, a record without PMID."""


def parse_pubmed_xml(source: Source) -> Iterator[Article | Deletion]:
    """Stream the records of a PubMed XML file, one ``Article`` or ``Deletion`` at a time.

    Parameters
    ----------
    source
        The XML as bytes, a path, or a binary file object; gzip'ed input is recognised by its
        magic number.

    Yields
    ------
    Article or Deletion
        In file order. See the module docstring for the rules and the error contract.

    Raises
    ------
    PubmedParseError
        One line naming the file and the problem (line and column for malformed XML).

    Examples
    --------
    >>> xml = b'''<PubmedArticleSet><PubmedArticle><MedlineCitation Status="MEDLINE">
    ... <PMID Version="1">111</PMID><Article><ArticleTitle>A trial.</ArticleTitle></Article>
    ... </MedlineCitation></PubmedArticle>
    ... <DeleteCitation><PMID Version="1">222</PMID></DeleteCitation></PubmedArticleSet>'''
    >>> [(type(r).__name__, r.pmid) for r in parse_pubmed_xml(xml)]
    [('Article', '111'), ('Deletion', '222')]
    """
    shown = source_name(source) or "PubMed XML"
    with open_source(source) as stream:
        yield from _parse_stream(stream, shown)


def _parse_stream(stream: BinaryIO, shown: str) -> Iterator[Article | Deletion]:
    """Records from ``start`` events only, which halves the events Python has to look at.

    A record is complete when the next record starts (or the file ends well-formed): XML does
    not let a sibling begin before the previous one has ended. Only ``PubmedArticleSet``'s
    direct children are records; each is dropped from the tree once read. Events arrive one
    parsed chunk at a time, so the tree may already hold later records when an event is seen.
    """
    root: ET.Element | None = None
    pending: ET.Element | None = None
    position = 0  # records seen, to name one that has no PMID
    try:
        for _, element in ET.iterparse(stream, events=("start",)):
            if root is None:
                root = element
                if element.tag not in ROOT_TAGS:
                    raise PubmedParseError(
                        f"{shown}: not a PubmedArticleSet (root is <{element.tag}>)")
            elif element.tag in _RECORD_TAGS:
                index = _child_index(root, element)
                if index is None:
                    raise PubmedParseError(
                        f"{shown}: <{element.tag}> inside another element after record {position}")
                if pending is not None:
                    yield from _records(pending, shown, position)
                del root[:index]  # the record just read, and anything before it
                pending = element
                position += 1
    except ET.ParseError as error:
        line, column = error.position  # expat counts columns from 0; editors from 1
        reason = str(error).split(": line ")[0]
        raise PubmedParseError(
            f"{shown}: malformed XML at line {line}, column {column + 1}: {reason}") from None
    except (EOFError, gzip.BadGzipFile, zlib.error) as error:
        raise PubmedParseError(f"{shown}: truncated or corrupt gzip data ({error})") from None
    if pending is not None:  # the file ended well-formed, so the last record is whole
        yield from _records(pending, shown, position)


def _child_index(parent: ET.Element, element: ET.Element) -> int | None:
    """Where ``element`` sits among ``parent``'s children (a short list: read ones are dropped)."""
    for index, child in enumerate(parent):
        if child is element:
            return index
    return None


def _records(element: ET.Element, shown: str, position: int) -> Iterator[Article | Deletion]:
    reader = _RecordReader(shown, position)
    if element.tag == "PubmedArticle":
        yield reader.article(element)
    elif element.tag == "PubmedBookArticle":
        yield reader.book_article(element)
    else:
        yield from reader.deletions(element)


class _RecordReader:
    """Turns one top-level element into records; knows where it is, for error messages."""

    def __init__(self, shown: str, position: int) -> None:
        self.shown = shown
        self.where = f"record {position}"

    def fail(self, problem: str) -> PubmedParseError:
        return PubmedParseError(f"{self.shown}: {self.where}: {problem}")

    def required(self, parent: ET.Element, tag: str) -> ET.Element:
        child = parent.find(tag)
        if child is None:
            raise self.fail(f"{parent.tag} without {tag}")
        return child

    def pmid(self, parent: ET.Element, kind: str) -> tuple[str, int]:
        element = parent.find("PMID")
        pmid = (element.text or "").strip() if element is not None else ""
        if not pmid:
            raise self.fail(f"{kind} without a PMID")
        if not pmid.isdigit():
            raise self.fail(f"PMID {pmid!r} is not a number")
        self.where = f"PMID {pmid}"
        version = element.get("Version", "1")  # type: ignore[union-attr]
        if not version.isdigit():
            raise self.fail(f"PMID Version {version!r} is not a number")
        return pmid, int(version)

    def deletions(self, element: ET.Element) -> Iterator[Deletion]:
        for pmid_element in element.iter("PMID"):
            pmid = (pmid_element.text or "").strip()
            if not pmid.isdigit():
                raise self.fail(f"DeleteCitation holds PMID {pmid!r}, not a number")
            yield Deletion(pmid=pmid)

    def article(self, element: ET.Element) -> Article:
        citation = self.required(element, "MedlineCitation")
        pmid, version = self.pmid(citation, "MedlineCitation")
        article = self.required(citation, "Article")
        pubmed_data = element.find("PubmedData")
        history = self.history(_child(pubmed_data, "History"))
        create_date = (history.get("pubmed")
                       or self.date(citation.find("DateCreated"), "DateCreated")
                       or history.get("entrez"))
        journal = article.find("Journal")
        abstract, sections = _abstract(article.find("Abstract"), citation.findall("OtherAbstract"))
        return Article(
            pmid=pmid,
            title=_first_text(article.find("ArticleTitle"), article.find("VernacularTitle")),
            abstract=abstract,
            sections=sections,
            journal=_first_text(*_children(journal, "Title", "ISOAbbreviation"),
                                citation.find("MedlineJournalInfo/MedlineTA")),
            year=_year(*_children(journal, "JournalIssue/PubDate"))
            or _year(article.find("ArticleDate")),
            entry_date=history.get("entrez") or create_date,
            create_date=create_date,
            revised_date=self.date(citation.find("DateRevised"), "DateRevised"),
            publication_types=_texts(_child(article, "PublicationTypeList")),
            mesh_terms=_mesh_terms(citation.find("MeshHeadingList")),
            keywords=_keywords(citation),
            authors=_authors(article),
            doi=_doi(_child(pubmed_data, "ArticleIdList"), article),
            language=_first_text(*article.findall("Language")),
            indexing_status=citation.get("Status", ""),
            pmid_version=version,
            comments_corrections=_comments_corrections(citation),
        )

    def book_article(self, element: ET.Element) -> Article:
        document = self.required(element, "BookDocument")
        pmid, version = self.pmid(document, "BookDocument")
        book = document.find("Book")
        book_title = book.find("BookTitle") if book is not None else None
        book_data = element.find("PubmedBookData")
        history = self.history(_child(book_data, "History"))
        create_date = history.get("pubmed") or history.get("entrez")
        abstract, sections = _abstract(document.find("Abstract"), document.findall("OtherAbstract"))
        authors = _authors(document)
        if not authors and book is not None:  # a whole book: its authors, never its editors
            authors = _authors(book)
        return Article(
            pmid=pmid,
            title=_first_text(document.find("ArticleTitle"), book_title,
                              document.find("VernacularTitle")),
            abstract=abstract,
            sections=sections,
            journal=_first_text(book_title, *_children(book, "Publisher/PublisherName")),
            year=_year(*_children(book, "PubDate")) or _year(document.find("ContributionDate")),
            entry_date=history.get("entrez") or create_date,
            create_date=create_date,
            revised_date=self.date(document.find("DateRevised"), "DateRevised"),
            publication_types=_texts(document, "PublicationType"),
            keywords=_keywords(document),
            authors=authors,
            doi=_doi(document.find("ArticleIdList"), book)
            or _doi(_child(book_data, "ArticleIdList"), None),
            language=_first_text(*document.findall("Language")),
            pmid_version=version,
            comments_corrections=_comments_corrections(document),
        )

    def history(self, history: ET.Element | None) -> dict[str, date]:
        """``PubMedPubDate`` by ``PubStatus`` (the first of each status wins)."""
        dates: dict[str, date] = {}
        if history is None:
            return dates
        for element in history:
            status = element.get("PubStatus", "")
            if status in ("entrez", "pubmed") and status not in dates:
                dates[status] = self.date(element, f"PubMedPubDate[{status}]")  # type: ignore[assignment]
        return dates

    def date(self, element: ET.Element | None, what: str) -> date | None:
        """A full Year/Month/Day date; a missing or impossible part is an error, not a guess."""
        if element is None:
            return None
        parts = [(element.findtext(name) or "").strip() for name in ("Year", "Month", "Day")]
        year, month, day = parts
        if month and not month.isdigit():  # "Jan" in older records
            month = str(_MONTHS.get(month[:3].lower(), month))
        try:
            return date(int(year), int(month), int(day))
        except ValueError:
            raise self.fail(f"{what} is not a valid date ({'-'.join(parts)})") from None


def _children(parent: ET.Element | None, *paths: str) -> list[ET.Element | None]:
    """``parent.find(path)`` for each path, or nothing when there is no parent."""
    return [parent.find(path) for path in paths] if parent is not None else []


def _first_text(*elements: ET.Element | None) -> str:
    """The rendered text of the first element that has some."""
    for element in elements:
        if element is not None and (text := render_inline(element)):
            return text
    return ""


def _child(parent: ET.Element | None, tag: str) -> ET.Element | None:
    return parent.find(tag) if parent is not None else None


def _texts(parent: ET.Element | None, tag: str | None = None) -> tuple[str, ...]:
    """Rendered, non-empty texts of ``parent``'s children (those named ``tag`` if given)."""
    if parent is None:
        return ()
    children = parent if tag is None else parent.iterfind(tag)
    return tuple(text for text in map(render_inline, children) if text)


def _mesh_terms(heading_list: ET.Element | None) -> tuple[str, ...]:
    if heading_list is None:
        return ()
    names = (heading.find("DescriptorName") for heading in heading_list)
    return tuple(text for name in names if name is not None and (text := render_inline(name)))


def _keywords(parent: ET.Element) -> tuple[str, ...]:
    """Keywords of every ``KeywordList`` (NLM's and the author's), in order."""
    keywords: list[str] = []
    for keyword_list in parent.iterfind("KeywordList"):
        keywords.extend(_texts(keyword_list))
    return tuple(keywords)


def _abstract(
    abstract: ET.Element | None, others: list[ET.Element],
) -> tuple[str, tuple[Section, ...]]:
    """The stored abstract and its sections; ``OtherAbstract`` only when there is no Abstract.

    Of several other abstracts the first English one is taken (translations are listed too).
    """
    parts = [(normalise_text(text.get("Label", "")), text.get("NlmCategory", ""),
              render_inline(text))
             for text in (abstract.iterfind("AbstractText") if abstract is not None else ())]
    if not any(part[2] for part in parts) and others:
        chosen = next((o for o in others if o.get("Language", "eng") == "eng"), others[0])
        parts = [(normalise_text(text.get("Label", "")), text.get("NlmCategory", ""),
                  render_inline(text)) for text in chosen.iterfind("AbstractText")]
    return compose_abstract(parts)


def _year(element: ET.Element | None = None) -> int | None:
    """Year of a PubDate/ArticleDate: ``Year``, else the first four-digit year of MedlineDate."""
    if element is None:
        return None
    for text in (element.findtext("Year"), element.findtext("MedlineDate")):
        match = _YEAR.search(text or "")
        if match:
            return int(match.group(1))
    return None


def _authors(parent: ET.Element) -> tuple[str, ...]:
    """"LastName Initials" or CollectiveName, in order; editors and invalid names are left out.

    A book may carry several author lists, one of them its editors; the first list of authors
    is taken.
    """
    author_list = next((candidate for candidate in parent.iterfind("AuthorList")
                        if candidate.get("Type", "authors") == "authors"), None)
    if author_list is None:
        return ()
    names = []
    for author in author_list.iterfind("Author"):
        if author.get("ValidYN", "Y") != "Y":
            continue  # NLM keeps a misspelt name with ValidYN="N" beside the corrected one
        last = normalise_text(author.findtext("LastName") or "")
        if last:
            initials = normalise_text(author.findtext("Initials") or "")
            names.append(f"{last} {initials}" if initials else last)
        else:
            collective = author.find("CollectiveName")
            if collective is not None and (name := render_inline(collective)):
                names.append(name)
    return tuple(names)


def _doi(id_list: ET.Element | None, article: ET.Element | None) -> str | None:
    """The record's own DOI (never one from its reference list), else its ELocationID.

    ``article`` is the element holding ``ELocationID``: the Article, or a book's Book.
    """
    for element in (
        id_list.find("ArticleId[@IdType='doi']") if id_list is not None else None,
        article.find("ELocationID[@EIdType='doi']") if article is not None else None,
    ):
        if element is not None and (doi := normalise_text(element.text or "")):
            return doi
    return None


def _comments_corrections(parent: ET.Element) -> tuple[CommentCorrection, ...]:
    links = []
    for element in parent.iterfind("CommentsCorrectionsList/CommentsCorrections"):
        pmid = (element.findtext("PMID") or "").strip() or None
        links.append(CommentCorrection(ref_type=element.get("RefType", ""), pmid=pmid,
                                       text=normalise_text(element.findtext("RefSource") or "")))
    return tuple(links)
