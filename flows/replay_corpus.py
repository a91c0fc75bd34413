"""The versioned PubMed records the replay server answers from.

A folder of PubmedArticleSet files (``*.xml``, ``*.xml.gz``) may hold the same PMID several times:
each occurrence is a version. What PubMed showed on a given day is, for each PMID, the latest
version visible by then (visible from the later of its create date and ``DateRevised``), minus
the PMIDs deleted by then. Each record's XML is kept as the bytes of its file, so efetch serves
it exactly as stored.
"""

from __future__ import annotations

import gzip
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Iterable, Mapping

from flows.errors import UserError

# PubmedArticle elements never nest, so the shortest match from an opening to a closing tag is
# one record; the opening tag must not match <PubmedArticleSet>.
_RECORD = re.compile(rb"<PubmedArticle(?:\s[^>]*)?>.*?</PubmedArticle>", re.DOTALL)
_FILE_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_MONTHS = {m: i for i, m in enumerate(
    "jan feb mar apr may jun jul aug sep oct nov dec".split(), start=1)}

#: The date types esearch filters by, and what each means in a stored record.
DATE_FIELDS = {"crdt": "create_date", "edat": "entry_date", "mdat": "revised_date",
               "pdat": "publication_date"}


class ReplayDataError(UserError):
    """A replay file is not a PubmedArticleSet the server can serve."""


@dataclass(frozen=True)
class StoredRecord:
    """One version of one PubMed record, with what search needs already pulled out."""

    pmid: str
    xml: bytes
    create_date: date
    entry_date: date
    revised_date: date
    publication_date: date | None
    title: str
    abstract: str
    keywords: tuple[str, ...]
    mesh_terms: tuple[str, ...]
    publication_types: tuple[str, ...]
    source: str
    order: int

    @property
    def visible_from(self) -> date:
        """The first day PubMed showed this version."""
        return max(self.create_date, self.revised_date)

    def date_of(self, datetype: str) -> date | None:
        """The record's date of a search date type (``crdt``, ``edat``, ``mdat``, ``pdat``)."""
        return getattr(self, DATE_FIELDS[datetype])


@dataclass(frozen=True)
class StoredDeletion:
    """A ``DeleteCitation`` entry; ``effective`` is ``None`` when its file name has no date."""

    pmid: str
    effective: date | None
    source: str


def _ymd(element: ET.Element | None) -> date | None:
    if element is None:
        return None
    year = element.findtext("Year")
    if not year:
        medline = element.findtext("MedlineDate") or ""
        found = re.match(r"(\d{4})(?:\s+([A-Za-z]{3}))?", medline)
        if not found:
            return None
        return date(int(found.group(1)), _MONTHS.get((found.group(2) or "jan").lower(), 1), 1)
    month_text = (element.findtext("Month") or "1").strip()
    month = int(month_text) if month_text.isdigit() else _MONTHS.get(month_text[:3].lower(), 1)
    return date(int(year), month, int(element.findtext("Day") or 1))


def _pub_status_date(root: ET.Element, status: str) -> date | None:
    return _ymd(root.find(f"PubmedData/History/PubMedPubDate[@PubStatus='{status}']"))


def _texts(root: ET.Element, path: str) -> tuple[str, ...]:
    return tuple(" ".join("".join(e.itertext()).split()) for e in root.iterfind(path))


def parse_record(xml: bytes, source: str, order: int) -> StoredRecord:
    """Read one ``PubmedArticle`` element's bytes into a :class:`StoredRecord`.

    Raises
    ------
    ReplayDataError
        No PMID, or no create date at all (no ``pubmed``/``entrez`` history date and no
        ``DateCreated``).
    """
    try:
        root = ET.fromstring(xml)
    except ET.ParseError as exc:
        raise ReplayDataError(f"{source}: a PubmedArticle is not well-formed ({exc})") from None
    pmid = (root.findtext("MedlineCitation/PMID") or "").strip()
    if not pmid:
        raise ReplayDataError(f"{source}: a PubmedArticle has no MedlineCitation/PMID")
    citation = root.find("MedlineCitation")
    entrez = _pub_status_date(root, "entrez")
    created = (
        _pub_status_date(root, "pubmed") or entrez or _ymd(citation.find("DateCreated"))
    )
    if created is None:
        raise ReplayDataError(f"{source}: PMID {pmid} has no create date")
    article = citation.find("Article")
    return StoredRecord(
        pmid=pmid,
        xml=xml,
        create_date=created,
        entry_date=entrez or created,
        revised_date=_ymd(citation.find("DateRevised")) or created,
        publication_date=(
            _ymd(article.find("Journal/JournalIssue/PubDate")) if article is not None else None
        ),
        title=" ".join(_texts(citation, "Article/ArticleTitle")),
        abstract=" ".join(
            _texts(citation, "Article/Abstract/AbstractText")
            + _texts(citation, "OtherAbstract/AbstractText")
        ),
        keywords=_texts(citation, "KeywordList/Keyword"),
        mesh_terms=_texts(citation, "MeshHeadingList/MeshHeading/DescriptorName"),
        publication_types=_texts(citation, "Article/PublicationTypeList/PublicationType"),
        source=source,
        order=order,
    )


def _file_date(name: str) -> date | None:
    found = _FILE_DATE.match(name)
    return date(*map(int, found.groups())) if found else None


class Corpus:
    """Every version and deletion from a set of PubmedArticleSet files.

    Build it with :meth:`from_folder` or :meth:`from_files`; ask :meth:`current` what PubMed
    showed on a day.
    """

    def __init__(self, records: Iterable[StoredRecord], deletions: Iterable[StoredDeletion]):
        self.records = tuple(records)
        self.deletions = tuple(deletions)

    @classmethod
    def from_folder(cls, folder: str | Path) -> Corpus:
        """Load every ``*.xml`` and ``*.xml.gz`` in ``folder`` (not its subfolders), by name."""
        path = Path(folder)
        if not path.is_dir():
            raise ReplayDataError(f"replay folder not found: {path}")
        files = sorted(p for p in path.iterdir() if p.name.endswith((".xml", ".xml.gz")))
        if not files:
            raise ReplayDataError(f"no *.xml or *.xml.gz files in {path}")
        return cls.from_files({p.name: p.read_bytes() for p in files})

    @classmethod
    def from_files(cls, files: Mapping[str, bytes]) -> Corpus:
        """Load files given as ``{name: content}``, in name order; gzip content is detected."""
        records: list[StoredRecord] = []
        deletions: list[StoredDeletion] = []
        for name in sorted(files):
            data = files[name]
            if data[:2] == b"\x1f\x8b":
                data = gzip.decompress(data)
            try:
                root = ET.fromstring(data)
            except ET.ParseError as exc:
                raise ReplayDataError(f"{name}: not well-formed XML ({exc})") from None
            if root.tag != "PubmedArticleSet":
                raise ReplayDataError(f"{name}: root is <{root.tag}>, not <PubmedArticleSet>")
            slices = _RECORD.findall(data)
            if len(slices) != len(root.findall("PubmedArticle")):
                raise ReplayDataError(f"{name}: could not cut the file into PubmedArticle records")
            for piece in slices:
                records.append(parse_record(piece, name, len(records)))
            effective = _file_date(name)
            for pmid in root.iterfind("DeleteCitation/PMID"):
                deletions.append(StoredDeletion((pmid.text or "").strip(), effective, name))
        return cls(records, deletions)

    def current(self, as_of: date | None = None) -> dict[str, StoredRecord]:
        """What PubMed showed on ``as_of``: the latest visible version of each undeleted PMID.

        With ``as_of=None`` everything counts: the latest version of each PMID, and every
        deletion applies.
        """
        shown: dict[str, StoredRecord] = {}
        for record in self.records:
            if as_of is not None and record.visible_from > as_of:
                continue
            held = shown.get(record.pmid)
            newer = held is None or (
                (record.visible_from, record.order) >= (held.visible_from, held.order)
            )
            if newer:
                shown[record.pmid] = record
        for deletion in self.deletions:
            if as_of is None or deletion.effective is None or deletion.effective <= as_of:
                shown.pop(deletion.pmid, None)
        return shown
