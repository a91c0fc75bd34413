"""Plain records that the text layer produces and every later step reads.

These dataclasses are the contract between the parsers (``extractors.pubmed_xml``,
``extractors.medline``), the classifiers and extractors, and the warehouse loader. They carry
no behaviour beyond small derived properties, and they import nothing outside the standard
library, so any layer can use them.

Character offsets (``start``/``end``) always index into ``Article.abstract`` exactly as stored,
so a number's evidence span can be highlighted in the stored text years later.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date

#: Indexing states as PubMed's ``MedlineCitation/@Status`` gives them. Only ``MEDLINE`` means NLM
#: indexers have assigned publication types and MeSH terms, so only then is ``[pt]`` trustworthy.
INDEXED_STATUSES = frozenset({"MEDLINE"})


@dataclass(frozen=True, slots=True)
class Section:
    """One labelled part of a structured abstract.

    ``start``/``end`` are offsets of the section's *text* (not its label) in ``Article.abstract``.
    ``category`` is NLM's ``NlmCategory`` (BACKGROUND, OBJECTIVE, METHODS, RESULTS, CONCLUSIONS,
    UNASSIGNED) when the record gives one, else ``""``.
    """

    label: str
    category: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class CommentCorrection:
    """A link from ``CommentsCorrectionsList``, e.g. ``RetractionIn`` or ``ErratumIn``."""

    ref_type: str
    pmid: str | None
    text: str = ""


@dataclass(frozen=True, slots=True)
class Article:
    """One PubMed record, as plain data.

    ``abstract`` is the rendered abstract: sections joined by a blank line, each starting with its
    label and a colon when it has one (``"METHODS: ..."``). Inline markup is rendered with its
    spacing kept (``<sup>``/``<sub>``/``<i>`` never glue two tokens together).

    ``entry_date`` is PubMed's Entrez date (``PubMedPubDate[@PubStatus="entrez"]``), falling back
    to the create date; it orders records for cumulative analyses. ``revised_date`` is
    ``DateRevised``; together with ``indexing_status`` it tells the ``mdat`` pass what changed.
    """

    pmid: str
    title: str
    abstract: str = ""
    sections: tuple[Section, ...] = ()
    journal: str = ""
    year: int | None = None
    entry_date: date | None = None
    create_date: date | None = None
    revised_date: date | None = None
    publication_types: tuple[str, ...] = ()
    mesh_terms: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    doi: str | None = None
    language: str = ""
    indexing_status: str = ""
    pmid_version: int = 1
    comments_corrections: tuple[CommentCorrection, ...] = ()
    source_format: str = "pubmed_xml"

    @property
    def is_indexed(self) -> bool:
        """True when NLM has indexed the record, so its publication types can be trusted."""
        return self.indexing_status in INDEXED_STATUSES

    @property
    def is_retracted(self) -> bool:
        """True when the record is a retracted publication or points to its retraction notice."""
        return "Retracted Publication" in self.publication_types or any(
            c.ref_type == "RetractionIn" for c in self.comments_corrections
        )

    @property
    def text(self) -> str:
        """Title and abstract as one string, for classifiers that read both."""
        return f"{self.title}\n\n{self.abstract}" if self.abstract else self.title

    def content_hash(self) -> str:
        """A stable sha256 of every field, so a changed record becomes a new revision."""
        payload = json.dumps(_plain(self), sort_keys=True, default=str, ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _plain(value):
    """What ``dataclasses.asdict`` makes of a record, without its deep copies (twice as fast).

    The hashes of stored revisions were taken over ``json.dumps(asdict(...))``; this gives the same
    JSON, so a warehouse's stored hashes stay valid.
    """
    if hasattr(value, "__dataclass_fields__"):
        return {name: _plain(getattr(value, name)) for name in value.__dataclass_fields__}
    if isinstance(value, (tuple, list)):
        return [_plain(item) for item in value]
    return value


@dataclass(frozen=True, slots=True)
class Deletion:
    """A PMID that PubMed withdrew (``DeleteCitation``); the warehouse honours it."""

    pmid: str


@dataclass(frozen=True, slots=True)
class Span:
    """A piece of evidence: the exact text and where it sits in ``Article.abstract``."""

    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class TherapyFinding:
    """A therapy that a record randomised (not merely mentioned).

    ``route`` is filled where it changes the clinical question (``subcutaneous`` or
    ``intrauterine`` G-CSF; ``intrauterine`` hCG). ``role`` is ``intervention`` for the randomised
    therapy; mentions in background, comparator or co-intervention are not reported as findings.
    """

    therapy: str
    route: str | None
    span: Span | None
    rule_id: str
    role: str = "intervention"


@dataclass(frozen=True, slots=True)
class RifDefinition:
    """How a record defined recurrent implantation failure.

    ``min_failures`` is the smallest number of failures that qualified a woman ("more than three"
    is 4). ``count_unit`` is what was counted: ``transfers``, ``cycles``, ``embryos``,
    ``blastocysts`` or ``attempts``. ``immune_selection`` names extra criteria such as
    ``high NK cells`` or ``antiphospholipid antibodies``.
    """

    min_failures: int | None
    count_unit: str | None
    age_max: int | None
    immune_selection: tuple[str, ...]
    span: Span | None
    rule_id: str


@dataclass(frozen=True, slots=True)
class Classification:
    """What a record is, decided from its text (and publication types when indexed)."""

    pmid: str
    rct_probability: float
    is_rct: bool
    design: str
    therapies: tuple[str, ...]
    primary_therapy: str
    population: str
    rif: RifDefinition | None
    therapy_findings: tuple[TherapyFinding, ...] = ()
    operating_point: str = "balanced"
    model_version: str = ""
    rules_version: str = ""

    @property
    def rif_min_failures(self) -> int | None:
        return self.rif.min_failures if self.rif else None

    @property
    def rif_definition_text(self) -> str | None:
        return self.rif.span.text if self.rif and self.rif.span else None


@dataclass(frozen=True, slots=True)
class Effect:
    """One comparison of one outcome in one paper: what was found, with its evidence.

    Counts are per arm (``treat_*`` the randomised therapy, ``ctrl_*`` the comparator). A reported
    ratio keeps the paper's own figures with ``source="reported"``; a ratio derived from counts has
    ``source="computed"``; a maintainer's value has ``source="curated"``. ``char_start``/``char_end``
    index into the stored abstract. ``check_failures`` lists the reasons a value failed the checks
    before storage; such an effect goes to triage and is never pooled.

    ``treat_percent``/``ctrl_percent`` keep the percentages as printed, the figures the counts were
    checked against (or, with the ``events_from_percent`` qualifier, derived from).
    ``qualifiers`` say what kind of estimate it is: ``adjusted`` (covariate-adjusted ratio),
    ``pooled`` (a meta-analysis' summary, never to be pooled again), ``subgroup``,
    ``events_from_percent`` / ``totals_from_percent`` (a count the rounding of a printed
    percentage proved).
    """

    pmid: str
    outcome: str
    measure: str | None = None
    estimate: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    p_value: float | None = None
    p_operator: str | None = None
    treat_events: int | None = None
    treat_total: int | None = None
    ctrl_events: int | None = None
    ctrl_total: int | None = None
    treat_arm: str | None = None
    ctrl_arm: str | None = None
    denominator_unit: str | None = None
    source: str = "reported"
    evidence_text: str = ""
    char_start: int | None = None
    char_end: int | None = None
    rule_id: str = ""
    check_failures: tuple[str, ...] = field(default=())
    treat_percent: float | None = None
    ctrl_percent: float | None = None
    qualifiers: tuple[str, ...] = field(default=())

    @property
    def has_counts(self) -> bool:
        return None not in (self.treat_events, self.treat_total, self.ctrl_events, self.ctrl_total)

    @property
    def passed_checks(self) -> bool:
        return not self.check_failures
