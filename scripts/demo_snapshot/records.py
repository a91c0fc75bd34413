"""The snapshot's source records: load, validate and render the human-edited TOML files.

Each file ``scripts/demo_snapshot/source/<ISO week>.toml`` holds the records that enter PubMed
in that week (``[[record]]``), and any revision (``[[revision]]``) or deletion
(``[[deletion]]``) that appears in it. Text fields may span lines; runs of whitespace collapse to
one space. Inline markup is limited to PubMed's own ``<i> <b> <sup> <sub> <u>``; any other ``<``,
``>`` or ``&`` is literal text (``P<.001`` needs no escaping).

The week plan: the snapshot covers ``N_WEEKS`` consecutive ISO weeks from ``FIRST_MONDAY``. A
record's entry date falls Monday..Sunday of its week; the cycle that picks it up runs on the next
Monday (``as_of``) over the entry-date window ``[monday, sunday]``.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from config.loader import ConfigError, build, one_of
from config.schema import DESIGNS, MEASURES, OUTCOMES, POPULATIONS

from .terms import JOURNALS, MESH, PUBLICATION_TYPES

SOURCE_DIR = Path(__file__).resolve().parent / "source"
#: The first week's Monday and the number of weekly cycles (the brief's plan: 2026-09-07..11-09).
FIRST_MONDAY = date(2026, 9, 7)
N_WEEKS = 10
#: Demo PMIDs start here, far above anything PubMed has issued, so none can collide with a real one.
FIRST_PMID = 90000001

THERAPIES = ("scratch", "pbmc", "g_csf", "hcg_intrauterine", "aspirin", "lmwh", "glucocorticoid",
             "intralipid", "ivig", "prp", "tnf_blocker", "lit", "atosiban", "none")
STATUSES = ("MEDLINE", "PubMed-not-MEDLINE", "In-Process", "In-Data-Review", "Publisher")
CATEGORIES = ("BACKGROUND", "OBJECTIVE", "METHODS", "RESULTS", "CONCLUSIONS", "UNASSIGNED")
COUNT_UNITS = ("transfers", "cycles", "embryos", "blastocysts", "attempts")
INLINE_TAGS = ("i", "b", "sup", "sub", "u")
_TAG = re.compile(r"<(/?)(" + "|".join(INLINE_TAGS) + r")>")


def _clean(text: str) -> str:
    return " ".join(text.split())


def _known(table: dict[str, str]):
    return one_of(*table)


def _optional(*choices: str):
    """``one_of`` for a field that may also be empty (None)."""
    check = one_of(*choices)
    return lambda value: check(value) if value else None


@dataclass(frozen=True, slots=True)
class Section:
    """One ``AbstractText``: label and NLM category for structured abstracts, else empty."""

    text: str
    label: str = ""
    category: str = field(default="", metadata={"check": one_of("", *CATEGORIES)})


@dataclass(frozen=True, slots=True)
class ExpectedEffect:
    """One comparison the abstract reports, with its figures exactly as printed."""

    outcome: str = field(metadata={"check": one_of(*OUTCOMES)})
    evidence_text: str
    treat_events: int | None = None
    treat_total: int | None = None
    ctrl_events: int | None = None
    ctrl_total: int | None = None
    treat_pct: float | None = None
    ctrl_pct: float | None = None
    measure: str | None = field(default=None, metadata={"check": _optional(*MEASURES)})
    estimate: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    p_value: float | None = None
    p_operator: str | None = field(default=None, metadata={"check": _optional("=", "<")})
    comparison: str = ""
    subgroup: str = ""
    denominator: str = "women"
    pool: bool = False
    note: str = ""


@dataclass(frozen=True, slots=True)
class Distractor:
    """Figures in the abstract that are not an outcome comparison (baseline imbalance etc.)."""

    text: str
    why: str


@dataclass(frozen=True, slots=True)
class Expected:
    """The gold classification of a record (CONTRACT.md vocabularies)."""

    is_rct: bool
    design: str = field(metadata={"check": one_of(*DESIGNS)})
    primary_therapy: str = field(metadata={"check": one_of(*THERAPIES)})
    therapies: tuple[str, ...] = field(metadata={"check": one_of(*THERAPIES)})
    population: str = field(metadata={"check": one_of(*POPULATIONS)})
    rif_min_failures: int | None = None
    rif_count_unit: str | None = field(default=None, metadata={"check": _optional(*COUNT_UNITS)})
    rif_definition_text: str | None = None
    subgroup_definition_text: str | None = None
    immune_selection: tuple[str, ...] = ()
    age_max: int | None = None
    effects: tuple[ExpectedEffect, ...] = ()
    distractors: tuple[Distractor, ...] = ()
    note: str = ""


@dataclass(frozen=True, slots=True)
class Record:
    """One PubMed record as the snapshot first publishes it."""

    key: str
    pmid: int
    reconstructs: str
    cited_as: str
    entry: str
    status: str = field(metadata={"check": one_of(*STATUSES)})
    year: int
    title: str
    expected: Expected
    journal: str = field(default="placeholder", metadata={"check": _known(JOURNALS)})
    volume: str = ""
    pages: str = ""
    authors: tuple[str, ...] = ()
    authors_complete: bool = False
    publication_types: tuple[str, ...] = field(default=("Journal Article",),
                                               metadata={"check": _known(PUBLICATION_TYPES)})
    mesh: tuple[str, ...] = field(default=(), metadata={"check": _known(MESH)})
    keywords: tuple[str, ...] = ()
    abstract: tuple[Section, ...] = ()
    duplicate_of: int | None = None
    note: str = ""

    @property
    def entry_datetime(self) -> datetime:
        return datetime.strptime(self.entry, "%Y-%m-%d %H:%M")


@dataclass(frozen=True, slots=True)
class Revision:
    """A later version of a record: indexing finished, publication types and MeSH added."""

    pmid: int
    revised: str
    status: str = field(metadata={"check": one_of(*STATUSES)})
    publication_types: tuple[str, ...] = field(metadata={"check": _known(PUBLICATION_TYPES)})
    mesh: tuple[str, ...] = field(metadata={"check": _known(MESH)})
    note: str = ""

    @property
    def revised_date(self) -> date:
        return date.fromisoformat(self.revised)


@dataclass(frozen=True, slots=True)
class Deletion:
    """A ``DeleteCitation`` on ``date``, written to its own ``<date>_deletions.xml`` file.

    The date must fall after the week's Monday: the replay server applies a deletion from the date
    in its file's name, and the cycle of the week before runs on that Monday.
    """

    pmid: int
    date: str
    note: str

    @property
    def day(self) -> date:
        return date.fromisoformat(self.date)

    @property
    def file_name(self) -> str:
        return f"{self.date}_deletions.xml"


@dataclass(frozen=True, slots=True)
class WeekSource:
    record: tuple[Record, ...] = ()
    revision: tuple[Revision, ...] = ()
    deletion: tuple[Deletion, ...] = ()


@dataclass(frozen=True, slots=True)
class Week:
    """One weekly cycle: the entry-date window and what enters PubMed in it."""

    monday: date
    records: tuple[Record, ...]
    revisions: tuple[Revision, ...]
    deletions: tuple[Deletion, ...]

    @property
    def iso_week(self) -> str:
        year, week, _ = self.monday.isocalendar()
        return f"{year}-W{week:02d}"

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    @property
    def as_of(self) -> date:
        return self.monday + timedelta(days=7)

    @property
    def file_name(self) -> str | None:
        """``YYYY-MM-DD_week-NN.xml`` (the Monday the contents become visible), or None if empty."""
        if not (self.records or self.revisions):
            return None
        return f"{self.monday.isoformat()}_week-{self.monday.isocalendar()[1]:02d}.xml"

    def contains(self, day: date) -> bool:
        return self.monday <= day <= self.sunday


def split_markup(fragment: str) -> list[tuple[str, str]]:
    """Split text with inline markup into ``("text", s)``, ``("open", tag)``, ``("close", tag)``.

    Examples
    --------
    >>> split_markup("I<sup>2</sup> = 0%")
    [('text', 'I'), ('open', 'sup'), ('text', '2'), ('close', 'sup'), ('text', ' = 0%')]
    """
    parts: list[tuple[str, str]] = []
    stack: list[str] = []
    position = 0
    for match in _TAG.finditer(fragment):
        if match.start() > position:
            parts.append(("text", fragment[position:match.start()]))
        closing, tag = match.group(1) == "/", match.group(2)
        if closing:
            if not stack or stack.pop() != tag:
                raise ValueError(f"unbalanced </{tag}> in: {fragment[:60]}")
            parts.append(("close", tag))
        else:
            stack.append(tag)
            parts.append(("open", tag))
        position = match.end()
    if position < len(fragment):
        parts.append(("text", fragment[position:]))
    if stack:
        raise ValueError(f"unclosed <{stack[-1]}> in: {fragment[:60]}")
    return parts


#: Markup whose rendering differs between parsers ("I2", "I^2", "I 2"); evidence avoids it.
UNSTABLE_TAGS = ("sup", "sub")


def plain_text(fragment: str, mask: tuple[str, ...] = ()) -> str:
    """The text a reader sees: markup dropped, its content kept in place.

    Text inside a ``mask`` tag is replaced by U+FFFD, one per character, so a span that crosses
    it can be detected.

    Examples
    --------
    >>> plain_text("<i>P</i> = 0.04")
    'P = 0.04'
    >>> plain_text("I<sup>2</sup> = 0%", mask=("sup",))
    'I\ufffd = 0%'
    """
    out, open_tags = [], []
    for kind, value in split_markup(fragment):
        if kind == "open":
            open_tags.append(value)
        elif kind == "close":
            open_tags.pop()
        elif any(tag in mask for tag in open_tags):
            out.append("\ufffd" * len(value))
        else:
            out.append(value)
    return "".join(out)


def render_abstract(sections: tuple[Section, ...], mask: tuple[str, ...] = ()) -> str:
    """The abstract as ``extractors.records.Article.abstract`` stores it.

    Sections are joined by a blank line; a labelled one starts with ``LABEL: ``; markup is
    rendered as its text content (``itertext``), so offsets outside ``<sup>``/``<sub>`` do not
    depend on how a parser spaces superscripts.
    """
    return "\n\n".join(f"{s.label}: {plain_text(s.text, mask)}" if s.label else plain_text(s.text, mask)
                       for s in sections)


def _clean_strings(value):
    """Collapse whitespace in every string of a parsed TOML tree."""
    if isinstance(value, str):
        return _clean(value)
    if isinstance(value, list):
        return [_clean_strings(v) for v in value]
    if isinstance(value, dict):
        return {k: _clean_strings(v) for k, v in value.items()}
    return value


def load_week_source(path: Path) -> WeekSource:
    """Read and validate one week's TOML; errors are one line naming the file and key."""
    shown = f"{path.parent.name}/{path.name}"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{shown}: not valid TOML ({exc})") from None
    return build(WeekSource, _clean_strings(data), f"{shown}:")


def load_weeks(source_dir: Path = SOURCE_DIR) -> list[Week]:
    """All ``N_WEEKS`` weeks in order, empty ones included, checked for consistency."""
    known = {p.stem: p for p in sorted(source_dir.glob("*.toml"))}
    weeks = []
    for i in range(N_WEEKS):
        monday = FIRST_MONDAY + timedelta(weeks=i)
        name = f"{monday.isocalendar()[0]}-W{monday.isocalendar()[1]:02d}"
        source = load_week_source(known.pop(name)) if name in known else WeekSource()
        weeks.append(Week(monday, source.record, source.revision, source.deletion))
    if known:
        raise ConfigError(f"{source_dir.name}/{sorted(known)[0]}.toml: not a week of the plan "
                          f"({FIRST_MONDAY} + {N_WEEKS} weeks)")
    check_weeks(weeks)
    return weeks


def check_weeks(weeks: list[Week]) -> None:
    """Cross-record rules the TOML schema cannot say: dates, PMIDs, spans, revisions."""
    seen: dict[int, Record] = {}
    last_entry = None
    for week in weeks:
        for record in week.records:
            where = f"{week.iso_week} record {record.key}"
            entry = record.entry_datetime
            if not week.contains(entry.date()):
                raise ConfigError(f"{where}: entry {record.entry} is outside {week.monday}..{week.sunday}")
            if record.pmid < FIRST_PMID or record.pmid in seen:
                raise ConfigError(f"{where}: PMID {record.pmid} is below {FIRST_PMID} or repeated")
            if last_entry and (entry < last_entry[0] or record.pmid < last_entry[1]):
                raise ConfigError(f"{where}: PMIDs must rise with entry time, as PubMed issues them")
            last_entry = (entry, record.pmid)
            if record.mesh and record.status != "MEDLINE":
                raise ConfigError(f"{where}: MeSH only on indexed (MEDLINE) records")
            if record.duplicate_of is not None and record.duplicate_of not in seen:
                raise ConfigError(f"{where}: duplicate_of {record.duplicate_of} is not an earlier record")
            _check_spans(record, where)
            seen[record.pmid] = record
        for revision in week.revisions:
            where = f"{week.iso_week} revision {revision.pmid}"
            if revision.pmid not in seen or not week.contains(revision.revised_date):
                raise ConfigError(f"{where}: revises an unknown PMID or is dated outside its week")
        for deletion in week.deletions:
            if deletion.pmid not in seen:
                raise ConfigError(f"{week.iso_week} deletion {deletion.pmid}: unknown PMID")
            if not week.monday < deletion.day <= week.sunday:
                raise ConfigError(f"{week.iso_week} deletion {deletion.pmid}: date {deletion.date} must fall"
                                  f" after {week.monday} and on or before {week.sunday}")


def _check_spans(record: Record, where: str) -> None:
    for section in record.abstract:
        split_markup(section.text)  # raises on unbalanced markup
    abstract = render_abstract(record.abstract, mask=UNSTABLE_TAGS)
    expected = record.expected
    spans = [("rif_definition_text", expected.rif_definition_text),
             ("subgroup_definition_text", expected.subgroup_definition_text)]
    spans += [(f"effects[{i}].evidence_text", e.evidence_text) for i, e in enumerate(expected.effects)]
    spans += [(f"distractors[{i}].text", d.text) for i, d in enumerate(expected.distractors)]
    for name, span in spans:
        if span is not None and span not in abstract:
            raise ConfigError(f"{where}: expected.{name} is not in the rendered abstract "
                              f"(or crosses <sup>/<sub>): {span!r}")
    for i, effect in enumerate(expected.effects):
        if effect.pool and not (expected.is_rct and expected.population == "rif"):
            raise ConfigError(f"{where}: effects[{i}] is marked pool but the record is not a RIF RCT")
