"""Write records as PubMed efetch XML (PubmedArticleSet, DTD pubmed_250101), byte for byte stable.

The layout copies what efetch sends: the XML declaration, the DOCTYPE, one ``PubmedArticle`` per
record with four-space indentation inside it, mixed content (titles, abstract sections) on one
line. The serialiser is written out by hand rather than through ``xml.etree``'s ``indent``, which
would push whitespace into mixed content and change the text a parser sees.
"""

from __future__ import annotations

from datetime import datetime

from .records import Record, Revision, Week, split_markup
from .terms import JOURNALS, MESH, PUBLICATION_TYPES

HEADER = (
    '<?xml version="1.0" ?>\n'
    '<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN" '
    '"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n'
)
#: The note every reconstruction carries. ``Owner="NOTNLM"`` is outside the DTD's list for
#: GeneralNote on purpose: the note must never read as NLM's own words.
NOTE = ("Reconstruction by the rifwatch project of the study cited as {cited} in the 2023 review "
        "'Immunomodulation and implantation failure' (Reproduction 165:R39-R60). Title and "
        "abstract written by the project in its own words; figures as published, as the review "
        "reports them. PMID, dates and indexing are synthetic; a journal is named only where certain.")


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_attribute(text: str) -> str:
    return escape(text).replace('"', "&quot;")


def mixed(fragment: str) -> str:
    """Source text with inline markup -> XML: markup kept, everything else escaped."""
    out = []
    for kind, value in split_markup(fragment):
        out.append(escape(value) if kind == "text" else f"<{'/' if kind == 'close' else ''}{value}>")
    return "".join(out)


class _Lines:
    """A tiny indenting writer."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.depth = 0

    def open(self, tag: str, **attributes: str) -> None:
        self.lines.append("    " * self.depth + f"<{tag}{_attributes(attributes)}>")
        self.depth += 1

    def close(self, tag: str) -> None:
        self.depth -= 1
        self.lines.append("    " * self.depth + f"</{tag}>")

    def leaf(self, tag: str, content: str, **attributes: str) -> None:
        """``content`` must already be XML (escaped, or mixed())."""
        self.lines.append("    " * self.depth + f"<{tag}{_attributes(attributes)}>{content}</{tag}>")

    def date(self, tag: str, when: datetime, *, clock: bool = False, padded: bool = True, **attributes: str) -> None:
        self.open(tag, **attributes)
        fmt = "{:02d}" if padded else "{:d}"
        self.leaf("Year", str(when.year))
        self.leaf("Month", fmt.format(when.month))
        self.leaf("Day", fmt.format(when.day))
        if clock:
            self.leaf("Hour", str(when.hour))
            self.leaf("Minute", str(when.minute))
        self.close(tag)


def _attributes(attributes: dict[str, str]) -> str:
    # Keyword order is the DTD's attribute order; a trailing underscore escapes Python keywords.
    return "".join(f' {k.rstrip("_")}="{escape_attribute(v)}"' for k, v in attributes.items())


def write_article(out: _Lines, record: Record, revision: Revision | None = None) -> None:
    """One ``PubmedArticle``: the first version, or the version ``revision`` produces."""
    entry = record.entry_datetime
    status = revision.status if revision else record.status
    publication_types = revision.publication_types if revision else record.publication_types
    mesh = revision.mesh if revision else record.mesh
    indexed_on = datetime.combine(revision.revised_date, entry.time()) if revision else entry
    journal = JOURNALS[record.journal]

    out.open("PubmedArticle")
    out.open("MedlineCitation", Status=status, Owner="NLM")
    out.leaf("PMID", str(record.pmid), Version="1")
    if status == "MEDLINE":
        out.date("DateCompleted", indexed_on)
    out.date("DateRevised", indexed_on)
    out.open("Article", PubModel="Print")
    out.open("Journal")
    out.open("JournalIssue", CitedMedium="Print")
    if record.volume:
        out.leaf("Volume", escape(record.volume))
    out.open("PubDate")
    out.leaf("Year", str(record.year))
    out.close("PubDate")
    out.close("JournalIssue")
    out.leaf("Title", escape(journal.title))
    out.leaf("ISOAbbreviation", escape(journal.iso_abbreviation))
    out.close("Journal")
    out.leaf("ArticleTitle", mixed(record.title))
    out.open("Pagination")
    if record.pages:
        start, end = record.pages.split("-")
        out.leaf("StartPage", escape(start))
        out.leaf("EndPage", escape(end))
    out.leaf("MedlinePgn", escape(record.pages))
    out.close("Pagination")
    if record.abstract:
        out.open("Abstract")
        for section in record.abstract:
            attributes = {"Label": section.label, "NlmCategory": section.category} if section.label else {}
            out.leaf("AbstractText", mixed(section.text), **attributes)
        out.close("Abstract")
    if record.authors:
        out.open("AuthorList", CompleteYN="Y" if record.authors_complete else "N")
        for name in record.authors:
            out.open("Author", ValidYN="Y")
            out.leaf("LastName", escape(name))
            out.close("Author")
        out.close("AuthorList")
    out.leaf("Language", "eng")
    out.open("PublicationTypeList")
    for publication_type in publication_types:
        out.leaf("PublicationType", escape(publication_type), UI=PUBLICATION_TYPES[publication_type])
    out.close("PublicationTypeList")
    out.close("Article")
    out.open("MedlineJournalInfo")
    if journal.country:
        out.leaf("Country", escape(journal.country))
    out.leaf("MedlineTA", escape(journal.medline_ta))
    out.close("MedlineJournalInfo")
    if status == "MEDLINE":
        out.leaf("CitationSubset", "IM")
    if mesh:
        out.open("MeshHeadingList")
        for heading in mesh:
            out.open("MeshHeading")
            out.leaf("DescriptorName", escape(heading), UI=MESH[heading], MajorTopicYN="N")
            out.close("MeshHeading")
        out.close("MeshHeadingList")
    if record.keywords:
        out.open("KeywordList", Owner="NOTNLM")
        for keyword in record.keywords:
            out.leaf("Keyword", escape(keyword), MajorTopicYN="N")
        out.close("KeywordList")
    out.leaf("GeneralNote", escape(NOTE.format(cited=record.reconstructs)), Owner="NOTNLM")
    out.close("MedlineCitation")

    out.open("PubmedData")
    out.open("History")
    out.date("PubMedPubDate", entry, clock=True, padded=False, PubStatus="pubmed")
    out.date("PubMedPubDate", indexed_on, clock=True, padded=False, PubStatus="medline")
    out.date("PubMedPubDate", entry, clock=True, padded=False, PubStatus="entrez")
    out.close("History")
    out.leaf("PublicationStatus", "ppublish")
    out.open("ArticleIdList")
    out.leaf("ArticleId", str(record.pmid), IdType="pubmed")
    out.close("ArticleIdList")
    out.close("PubmedData")
    out.close("PubmedArticle")


def render_week(week: Week, records_by_pmid: dict[int, Record]) -> str | None:
    """The week's file: new records, then revised versions."""
    if week.file_name is None:
        return None
    out = _Lines()
    for record in week.records:
        write_article(out, record)
    for revision in week.revisions:
        write_article(out, records_by_pmid[revision.pmid], revision)
    return HEADER + "<PubmedArticleSet>\n" + "\n".join(out.lines) + "\n</PubmedArticleSet>\n"


def render_deletions(deletions) -> str:
    """A file of ``DeleteCitation`` entries, all on the day its name gives."""
    out = _Lines()
    out.open("DeleteCitation")
    for deletion in deletions:
        out.leaf("PMID", str(deletion.pmid), Version="1")
    out.close("DeleteCitation")
    return HEADER + "<PubmedArticleSet>\n" + "\n".join(out.lines) + "\n</PubmedArticleSet>\n"
