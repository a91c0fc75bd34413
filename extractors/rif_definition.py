"""Read a RIF definition: how many failures, of what, in which women.

A small grammar built from ``config/rif_definitions.toml`` reads a count of failures:

    [comparator] NUMBER [- NUMBER] [or more] [qualifier words] [failure word] UNIT
                                               ("at least three failed IVF-ET cycles")
    failure word ... comparator NUMBER UNIT   ("failure of ≥3 embryo transfers")

The minimum number of failures is NUMBER plus the comparator's ``add`` ("more than two" is 3,
"more than three" is 4; a range "two to five" or "one or two" counts from its lower end). A count is a count of
*failures* only when a failure word is part of it or stands near it in the same sentence
("failed", "unsuccessful", "without (achieving a) pregnancy", "RIF" ...); "three miscarriages"
counts pregnancy losses, not implantation failures, and is refused, as is a count beside the
failure of another step ("fertilisation failure in two ICSI cycles", "failed to ovulate on three
cycles"). A count of failed transfers,
cycles or attempts wins over a count of embryos when both are given (the embryos qualify them).

Rule id: ``rif.min_failures.v1``.

Examples
--------
>>> found = read_rif_definition("Women with at least three failed IVF-ET cycles, aged <40, were randomised.")
>>> found.min_failures, found.count_unit, found.age_max
(3, 'cycles', 40)
>>> read_rif_definition("women with more than three failed IVF attempts").min_failures
4
>>> read_rif_definition("women with three or more miscarriages") is None
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from config.vocabulary import RifVocabulary, default_rif_vocabulary
from extractors.memo import once_per_object
from extractors.patterns import trie_pattern
from extractors.records import RifDefinition, Span

RULE_RIF = "rif.min_failures.v1"

_I = re.IGNORECASE
#: Words near a count that make it a count of failures (searched in the count's sentence).
_FAILURE_CONTEXT = re.compile(
    r"fail|unsuccess|without\s+(?:achieving\s+|obtaining\s+|a\s+|any\s+)*(?:clinical\s+|ongoing\s+|successful\s+)?"
    r"(?:pregnanc|implantation|conception|live\s+birth)|\bno\s+(?:clinical\s+|ongoing\s+)?(?:pregnanc|implantation)|"
    # negated conception in any tense: "did not conceive", "had not conceived", "have not become pregnant"
    r"(?:did|had|have|has)\s+not\s+(?:conceived?|achieved?|implant(?:ed)?|result(?:ed)?|become|became|been\s+pregnant)|"
    r"not\s+(?:resulted|result|led)\s+in\s+(?:a\s+)?pregnanc|"
    r"\bnever\s+(?:conceived|achieved|become|became|been\s+pregnant|implanted)|"
    r"negative|\bRIF(?![A-Za-z])|implantation\s+failure", _I)  # "RIF3 or more cycles": words glued in conversion
#: A failure of another step than implantation ("total fertilisation failure in two ICSI cycles",
#: "failed to ovulate on two or more cycles of clomiphene"): a count near it is not of implantation
#: failures, unless the count itself carries a failure word or implantation is also named.
_OTHER_FAILURE = re.compile(
    r"\b(?:fertili[sz]ation|ovulation|maturation|response|stimulation|retrieval|thawing)\s+failures?\b|"
    r"\bfail(?:ed|s|ure)?\s+(?:of\s+|to\s+)?(?:fertili[sz]|ovulat|respond|mature|thaw)|"
    r"\b(?:low|poor|failed|absent)\s+(?:or\s+(?:low|poor|failed|absent)\s+)?fertili[sz]ation\b", _I)
_IMPLANTATION_NAMED = re.compile(r"implant|pregnan|conceiv|\bRIF\b|\btransfers?\b", _I)
#: Losses named right after a count: the count mixes in pregnancy losses (RPL).
_LOSS_AFTER = re.compile(r"\b(?:miscarriage|abortion|pregnancy\s+loss)", _I)
#: Hyphens as typeset: papers join "IVF–ET" and "good‐quality" with en dashes and Unicode hyphens
#: as often as with ASCII ones (PubMed keeps the publisher's characters); for a character class,
#: so the ASCII hyphen is escaped.
DASH = "\\-\u2010\u2011\u2012\u2013\u2014"
#: Words that may stand between a count and what it counts ("three previous failed fresh IVF cycles").
_QUALIFIER = (rf"(?:(?:previous|prior|earlier|past|consecutive|successive|unsuccessful|failed|fresh|"
              rf"frozen(?:[\s{DASH}]thawed)?|complete[d]?|good[\s{DASH}]quality|high[\s{DASH}]quality|top[\s{DASH}]quality|euploid|"
              rf"oocyte[\s{DASH}]donation|donation|donor|IVF[\w/{DASH}]*|ICSI[\w/{DASH}]*|ET[{DASH}]IVF|embryo|"
              rf"in[\s{DASH}]vitro[\s{DASH}]fertili[sz]ation|\([A-Z/{DASH}]{{2,10}}\)|or|and|more|of|with|the)[\s,]+){{0,5}}")
#: A failure count above this is a sample size or a misreading, not a definition.
MAX_FAILURES = 20
_CLAUSE_END = re.compile(r"[.;]\s|\n")


def phrase_regex(phrases, *, whole_words: bool = True) -> re.Pattern[str]:
    """One regex for a phrase list: phrases with two capitals are case-sensitive (RIF, ART, ET).

    A space in a phrase matches spaces or hyphens, a hyphen an optional one. Each half is a trie
    (see :func:`_alternation`); the longest phrase at a position wins, as in a sorted alternation.
    """
    unique = set(phrases)
    cased = [p for p in unique if sum(ch.isupper() for ch in p) >= 2]
    plain = [p for p in unique if p not in cased]
    parts = [f"(?-i:{trie_pattern(cased, escape=_loose_phrase)})"] if cased else []
    if plain:
        parts.append(trie_pattern(plain, escape=_loose_phrase))
    if len(parts) == 2 and max(map(len, plain)) > max(map(len, cased)):
        parts.reverse()  # try the half holding the longest phrase first, as the sorted list did
    joined = "|".join(parts) or "(?!)"
    return re.compile(rf"(?<![\w-])(?:{joined})(?![\w-])" if whole_words else joined, _I)


def _loose_phrase(ch: str) -> str:
    return rf"[\s{DASH}]+" if ch == " " else rf"[\s{DASH}]?" if ch == "-" else re.escape(ch)


@dataclass(frozen=True)
class Grammar:
    """The compiled grammar of one vocabulary (see :func:`grammar_of`)."""

    rif: re.Pattern[str]
    weak_rif: re.Pattern[str]
    rpl: re.Pattern[str]
    ivf: re.Pattern[str]
    definition: re.Pattern[str]
    failed_count: re.Pattern[str]
    failure_word: re.Pattern[str]
    age: re.Pattern[str]
    immune: tuple[tuple[str, re.Pattern[str]], ...]
    numbers: dict[str, int]
    comparators: dict[str, int]
    unit_of: tuple[tuple[str, re.Pattern[str]], ...]


@once_per_object
def grammar_of(vocabulary: RifVocabulary) -> Grammar:
    """The compiled grammar of a vocabulary, compiled once per vocabulary object."""
    return _compile(vocabulary)


def _alternation(phrases) -> str:
    """Any of ``phrases``, a space matching any run of spaces, as a trie: the grammar's regexes
    are tried at every position of every sentence, and a trie rejects a position at its first
    character instead of once per phrase (``extractors.patterns.trie_pattern``)."""
    return trie_pattern(phrases, escape=_loose_space)


def _loose_space(ch: str) -> str:
    return r"\s+" if ch == " " else re.escape(ch)


def _compile(vocabulary: RifVocabulary) -> Grammar:
    numbers = {k.lower(): v for k, v in vocabulary.numbers.items()}
    # digits may follow letters ("RIF3 or more cycles", text joined by a bad conversion); number
    # words may not ("often" is not "ten")
    number = rf"(?:(?<![\d.])\d{{1,2}}(?![\d.]\d)|\b(?:{_alternation(numbers)})\b)"
    comparator = _alternation(vocabulary.comparators)
    or_more = _alternation(vocabulary.or_more.phrases)
    unit = phrase_regex([p for phrases in vocabulary.units.values() for p in phrases], whole_words=False).pattern
    failure = _alternation(vocabulary.failure.words)
    qualifier = _QUALIFIER
    definition = re.compile(
        rf"(?P<cmp>(?<![\w-]){comparator})?\s*(?P<num>{number})(?:\s*(?:-|–|to|and|or)\s*{number}(?![\w-]))?"
        rf"(?:\s*(?P<more>{or_more}))?\s+(?:\(\s*\d+\s*\)\s*)?{qualifier}(?P<fail>(?:{failure})\s+)?{qualifier}"
        rf"(?P<unit>{unit})(?![\w-])", _I)
    failed_count = re.compile(rf"(?:{failure})\b[^.;]{{0,40}}?(?:{comparator})\s*(?P<num>{number})", _I)
    age_words = _alternation(vocabulary.age.before_bound)
    age = re.compile(rf"(?:\bage[ds]?\b|\byears?\b|\bwomen\b|\bpatients\b)[^.;]{{0,25}}?(?:{age_words})\s*(?P<age>\d{{2}})"
                     rf"|(?:aged?|age\s+of)\s+(?:between\s+)?\d{{2}}\s*(?:-|–|to|and)\s*(?P<upper>\d{{2}})\s*(?:years|y\b)", _I)
    immune = tuple((label, phrase_regex(phrases)) for label, phrases in vocabulary.immune.items())
    unit_of = tuple((name, phrase_regex(phrases)) for name, phrases in vocabulary.units.items())
    return Grammar(phrase_regex(vocabulary.terms.rif), phrase_regex(vocabulary.terms.weak_rif),
                   phrase_regex(vocabulary.terms.rpl), phrase_regex(vocabulary.terms.ivf), definition, failed_count,
                   phrase_regex(vocabulary.failure.words), age, immune, numbers,
                   {k.lower(): v for k, v in vocabulary.comparators.items()}, unit_of)


def _value(grammar: Grammar, token: str) -> int:
    return int(token) if token.isdigit() else grammar.numbers[token.lower()]


def _unit(grammar: Grammar, text: str) -> str:
    # the most specific phrase decides: "good-quality embryos" -> embryos, "IVF cycles" -> cycles
    best = ("attempts", -1)
    for name, pattern in grammar.unit_of:
        for m in pattern.finditer(text):
            if m.end() - m.start() > best[1]:
                best = (name, m.end() - m.start())
    return best[0]


def _sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    left = max(text.rfind(". ", 0, start) + 2 if text.rfind(". ", 0, start) >= 0 else 0, text.rfind("\n", 0, start) + 1)
    found = _CLAUSE_END.search(text, end)
    right = found.start() + 1 if found and text[found.start()] in ".;" else (found.start() if found else len(text))
    return left, right


def failure_counts(text: str, vocabulary: RifVocabulary | None = None) -> list[tuple[int, str, int, int]]:
    """Every count of failures in ``text``: (minimum, unit, start, end), in text order."""
    grammar = grammar_of(vocabulary or default_rif_vocabulary())
    counts = []
    for m in grammar.definition.finditer(text):
        left, right = _sentence_around(text, m.start(), m.end())
        context = text[max(left, m.start() - 120):min(right, m.end() + 100)]
        # a failure word of the vocabulary may also follow what was counted ("≥3 transfers without success")
        if not (m.group("fail") or _FAILURE_CONTEXT.search(context) or grammar.failure_word.search(context)
                or _frames_counted_embryos(text, m, counts)):
            continue
        if not m.group("fail") and _OTHER_FAILURE.search(context) and not _IMPLANTATION_NAMED.search(context):
            continue
        if _LOSS_AFTER.search(text[m.end():m.end() + 25]):
            continue  # a count of transfers "or miscarriages" mixes losses in: not a RIF count
        value = _value(grammar, m.group("num")) + grammar.comparators.get(
            " ".join((m.group("cmp") or "").lower().split()), 0)
        if value <= MAX_FAILURES:
            counts.append((value, _unit(grammar, m.group("unit")), m.start(), m.end()))
    for m in grammar.failed_count.finditer(text):
        if any(s <= m.start() < e for _, _, s, e in counts):
            continue
        if _OTHER_FAILURE.search(m.group()) and not _IMPLANTATION_NAMED.search(m.group()):
            continue  # "failed fertilisation in at least two cycles"
        value = _value(grammar, m.group("num"))
        value += next((v for k, v in grammar.comparators.items() if k in m.group().lower()), 0)
        if value <= MAX_FAILURES:
            counts.append((value, _unit(grammar, text[m.end():m.end() + 30]), m.start(), m.end()))
    return sorted(counts, key=lambda c: c[2])


#: "≥4 good-quality embryos ... in at least three cycles": the cycles frame the embryos counted.
_FRAMING = re.compile(r"\b(?:in|over|across|during|within)\b", _I)


def _frames_counted_embryos(text: str, m: re.Match[str], counts: list[tuple[int, str, int, int]]) -> bool:
    """A count of cycles or transfers that frames an embryo count already read as failures: the
    failure words then stand before the embryos, often beyond the context window of the cycles."""
    return any(unit in ("embryos", "blastocysts") and 0 <= m.start() - end <= 80
               and _FRAMING.search(text, end, m.start()) and not _CLAUSE_END.search(text, end, m.start())
               for _, unit, _, end in counts)


#: A structured abstract's section label opening the sentence: in capitals as NLM prints most of
#: them, or in the capitalised words publishers use ("Methods:", "Patients and methods:").
_SECTION_LABEL = re.compile(
    r"^(?:[A-Z][A-Z &/,-]{2,40}|(?:Materials?|Patients?|Participants?|Subjects?|Study)(?: and [a-z]+| [a-z]+)?"
    r"|Methods?|Design|Setting|Population|Eligibility(?: criteria)?|Inclusion criteria|Intervention\(?s?\)?)"
    r":\s*")


def read_rif_definition(text: str, vocabulary: RifVocabulary | None = None, *, offset: int = 0) -> RifDefinition | None:
    """The RIF definition in ``text`` (a sentence or an abstract), or None when no count is given.

    ``offset`` is added to the span's offsets (the position of ``text`` in the abstract).
    """
    vocabulary = vocabulary or default_rif_vocabulary()
    grammar = grammar_of(vocabulary)
    counts = failure_counts(text, vocabulary)
    if not counts:
        return None
    # failures of transfers/cycles/attempts define RIF; an embryo count only qualifies them
    preferred = [c for c in counts if c[1] not in ("embryos", "blastocysts")] or counts
    value, unit, start, end = preferred[0]
    clause_start, clause_end = _sentence_around(text, start, end)
    clause = text[clause_start:clause_end].strip()
    clause = _SECTION_LABEL.sub("", clause)  # a section label is not the definition
    clause_start = text.index(clause, clause_start) if clause else start
    age = grammar.age.search(text)
    age_max = int(age.group("age") or age.group("upper")) if age else None
    immune = tuple(label for label, pattern in grammar.immune if pattern.search(text))
    span = Span(clause, clause_start + offset, clause_start + offset + len(clause))
    return RifDefinition(value, unit, age_max, immune, span, RULE_RIF)


def criteria_of(text: str, vocabulary: RifVocabulary | None = None) -> tuple[int | None, tuple[str, ...]]:
    """The age limit and the immune selection criteria anywhere in ``text``."""
    grammar = grammar_of(vocabulary or default_rif_vocabulary())
    age = grammar.age.search(text)
    immune = tuple(label for label, pattern in grammar.immune if pattern.search(text))
    return (int(age.group("age") or age.group("upper")) if age else None), immune
