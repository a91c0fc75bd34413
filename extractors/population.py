"""Who was studied (``rif``, ``rpl``, ``general_ivf``, ``other``) and how RIF was defined.

Population, decided from the terms of ``config/rif_definitions.toml``:

- ``rif`` when RIF (or a count of failed IVF attempts) describes the women studied: in the title,
  the objective, or a sentence about the participants — not only the background or an
  exclusion criterion;
- ``rpl`` when recurrent pregnancy loss does, and RIF does not;
- ``other`` when both do (a mixed RPL + RIF trial is not a RIF population: pooling it into a RIF
  stratum would dilute the estimate; shared/domain/README.md §6, De Placido 1994), and when the
  record is outside assisted reproduction;
- ``general_ivf`` for any other record about IVF, ICSI, embryo transfer or infertility.

The RIF definition is read by a small grammar built from the same file: a comparator ("at least",
"≥", "more than" …), a number (digits or words), an optional "or more", failure words and a
unit ("failed IVF-ET cycles", "good-quality embryos"). "More than two" is 3; "more than three" is 4.
A count of failed transfers, cycles or attempts wins over a count of embryos when both are given.

Rule ids: ``population.terms.v1``, ``rif.min_failures.v1``.

Examples
--------
>>> found = find_population("G-CSF in RIF", "Women with at least three failed IVF-ET cycles, aged <40, were randomised.")
>>> found.population, found.rif.min_failures, found.rif.count_unit, found.rif.age_max
('rif', 3, 'cycles', 40)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from config.vocabulary import RifVocabulary, default_rif_vocabulary
from extractors.keywords import PhraseGate, found_words, has_word, tokens
from extractors.records import RifDefinition, Span

RULE_POPULATION = "population.terms.v1"
RULE_RIF = "rif.min_failures.v1"

_I = re.IGNORECASE
_PARTICIPANTS = re.compile(
    r"\b(?:women|patients|participants|subjects|couples|cases)\s+(?:with|who|having|had|suffering|"
    r"experiencing|diagnosed|undergoing|affected)|\bhistory\s+of\b|\binclusion\b|\bincluded\b|\benrol+ed\b|"
    r"\brecruited\b|\beligible\b|\bwith\s+(?:a\s+)?(?:history|diagnosis)\b|\bsuffer|\bexperienc|"
    r"\bin\s+(?:women|patients|couples)\b|\bamong\b|\bpopulation\b|\brandomi[sz]|\ballocated\b|\bassigned\b|"
    r"\bunderwent\b|\bundergoing\b|\b\d+\s+(?:women|patients|couples|infertile)", _I)
_EXCLUSION = re.compile(r"\bexclu(?:ded|sion)\b|\bwithout\s+(?:a\s+)?history\b|\bno\s+history\b|\bexcept\b", _I)
_BACKGROUND_LABEL = re.compile(r"^\s*(?:BACKGROUND|INTRODUCTION|CONTEXT|RATIONALE)\s*:", re.MULTILINE)
_NEXT_LABEL = re.compile(r"^\s*[A-Z][A-Z &/,-]{2,40}:", re.MULTILINE)
_OBJECTIVE_WORDS = re.compile(r"\b(?:aim|objective|purpose|to\s+(?:evaluate|assess|investigate|determine|"
                              r"compare|examine|explore))\b", _I)
#: "two or more consecutive miscarriages" names RPL without the term (ESHRE: >=2 losses).
_RPL_COUNT = re.compile(r"\b(?:two|three|four|[2-9])\s+or\s+more\s+(?:consecutive\s+|previous\s+|spontaneous\s+)*"
                        r"(?:miscarriages|pregnancy\s+losses|abortions)\b|\b(?:at\s+least|≥)\s*(?:two|three|[2-9])\s+"
                        r"(?:consecutive\s+|previous\s+|spontaneous\s+)*(?:miscarriages|pregnancy\s+losses|abortions)\b", _I)
_SENTENCE = re.compile(r"[^.;!?\n]+(?:[.;!?]+|$)")
_CLAUSE_END = re.compile(r"[.;]\s|\n")


@dataclass(frozen=True, slots=True)
class PopulationResult:
    population: str
    rif: RifDefinition | None
    evidence: Span | None
    rule_id: str = RULE_POPULATION


def _phrase_regex(phrases, *, whole_words: bool = True) -> re.Pattern[str]:
    """One regex for a phrase list: phrases with two capitals are case-sensitive (RIF, ART, ET)."""
    parts = []
    for phrase in sorted(set(phrases), key=len, reverse=True):
        body = re.escape(phrase).replace(r"\ ", r"[\s-]+").replace(r"\-", r"[\s-]?")
        if sum(ch.isupper() for ch in phrase) >= 2:
            parts.append(rf"(?-i:{body})")
        else:
            parts.append(body)
    joined = "|".join(parts)
    return re.compile(rf"(?<![\w-])(?:{joined})(?![\w-])" if whole_words else joined, _I)


@dataclass(frozen=True)
class _Grammar:
    rif: re.Pattern[str]
    rpl: re.Pattern[str]
    ivf: re.Pattern[str]
    definition: re.Pattern[str]
    failed_count: re.Pattern[str]
    age: re.Pattern[str]
    immune: tuple[tuple[str, re.Pattern[str]], ...]
    numbers: dict[str, int]
    comparators: dict[str, int]
    unit_of: tuple[tuple[str, re.Pattern[str]], ...]


_GRAMMARS: dict[int, tuple[RifVocabulary, _Grammar]] = {}
#: (vocabulary, gate over the case-insensitive terms, gate over the terms matched as written)
_GATES: dict[int, tuple[RifVocabulary, PhraseGate, PhraseGate]] = {}
#: Words of the RPL count phrase (_RPL_COUNT) that a population gate must also let through.
_RPL_COUNT_WORDS = ("miscarriages", "pregnancy losses", "abortions")


def population_gates(vocabulary: RifVocabulary) -> tuple[PhraseGate, PhraseGate]:
    """The gates of :func:`might_mention_population` for a vocabulary (built once)."""
    cached = _GATES.get(id(vocabulary))
    if cached is not None and cached[0] is vocabulary:
        return cached[1], cached[2]
    terms = (*vocabulary.terms.rif, *vocabulary.terms.rpl, *vocabulary.terms.ivf)
    cased = [t for t in terms if sum(ch.isupper() for ch in t) >= 2]  # matched as written (_phrase_regex)
    insensitive = [t for t in terms if t not in cased] + list(_RPL_COUNT_WORDS)
    gates = (PhraseGate(insensitive), PhraseGate(cased))
    _GATES[id(vocabulary)] = (vocabulary, *gates)
    return gates


def _written(text: str, term: str) -> bool:
    """A case-sensitive term occurs as written: a one-word term ("ART") as a whole word; every
    word of a longer one ("IVF-ET", whose words may be joined by a hyphen) somewhere in the text."""
    words = re.findall(r"\w+", term)
    if len(words) == 1:
        return has_word(text, words[0])
    return all(word in text for word in words)


def might_mention_population(text: str, vocabulary: RifVocabulary | None = None, *,
                             found: set[str] | None = None) -> bool:
    """False only when :func:`find_population` would answer ``other`` with no RIF definition.

    ``found`` is :func:`extractors.keywords.found_words` of the text's tokens, when the caller has
    it (computed here otherwise). A population needs a RIF, RPL or IVF term or a count of miscarriages; all the words of one such
    term must then be among the tokens, and a term matched in its own case ("RIF", "ART") must
    also occur in ``text`` as written.

    Examples
    --------
    >>> might_mention_population("Statins after stroke: a cohort study")
    False
    >>> might_mention_population("Heparin for repeated implantation failure")
    True
    """
    insensitive, cased = population_gates(vocabulary or default_rif_vocabulary())
    found = found_words(tokens(text)) if found is None else found
    if insensitive.candidates(found=found):
        return True
    return any(_written(text, term) for term in cased.candidates(found=found))


def _grammar(vocabulary: RifVocabulary) -> _Grammar:
    """The compiled grammar of a vocabulary, compiled once per vocabulary object."""
    cached = _GRAMMARS.get(id(vocabulary))
    if cached is not None and cached[0] is vocabulary:
        return cached[1]
    grammar = _compile(vocabulary)
    _GRAMMARS[id(vocabulary)] = (vocabulary, grammar)
    return grammar


def _compile(vocabulary: RifVocabulary) -> _Grammar:
    numbers = {k.lower(): v for k, v in vocabulary.numbers.items()}
    number = rf"(?:\d{{1,2}}|{'|'.join(sorted(map(re.escape, numbers), key=len, reverse=True))})"
    comparator = "|".join(re.escape(c) for c in sorted(vocabulary.comparators, key=len, reverse=True))
    or_more = "|".join(re.escape(p) for p in sorted(vocabulary.or_more.phrases, key=len, reverse=True))
    units = [p for phrases in vocabulary.units.values() for p in phrases]
    unit = _phrase_regex(units, whole_words=False).pattern
    failure = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(vocabulary.failure.words, key=len, reverse=True))
    qualifier = r"(?:(?:previous|prior|consecutive|successive|unsuccessful|failed|fresh|frozen|complete[d]?|" \
                r"good[\s-]quality|high[\s-]quality|IVF|ICSI|IVF/ICSI|IVF-ET|embryo|or|and|more|of|with)[\s,]+){0,4}"
    # comparator NUMBER [or more] qualifier [failure] UNIT, or failure-word ... comparator NUMBER UNIT
    definition = re.compile(
        rf"(?P<cmp>{comparator})?\s*(?P<num>{number})(?:\s*(?P<more>{or_more}))?\s+(?:\(\s*\d+\s*\)\s*)?"
        rf"{qualifier}(?P<fail>(?:{failure})\s+)?{qualifier}(?P<unit>{unit})(?![\w-])", _I)
    failed_count = re.compile(rf"(?:{failure})\b[^.;]{{0,40}}?(?:{comparator})\s*(?P<num>{number})", _I)
    age_words = "|".join(re.escape(w) for w in sorted(vocabulary.age.before_bound, key=len, reverse=True))
    age = re.compile(rf"(?:\bage[ds]?\b|\byears?\b|\bwomen\b|\bpatients\b)[^.;]{{0,25}}?(?:{age_words})\s*(?P<age>\d{{2}})"
                     rf"|(?:aged?|age\s+of)\s+(?:between\s+)?\d{{2}}\s*(?:-|–|to|and)\s*(?P<upper>\d{{2}})\s*(?:years|y\b)", _I)
    immune = tuple((label, _phrase_regex(phrases)) for label, phrases in vocabulary.immune.items())
    unit_of = tuple((name, _phrase_regex(phrases)) for name, phrases in vocabulary.units.items())
    return _Grammar(_phrase_regex(vocabulary.terms.rif), _phrase_regex(vocabulary.terms.rpl),
                    _phrase_regex(vocabulary.terms.ivf), definition, failed_count, age, immune, numbers,
                    {k.lower(): v for k, v in vocabulary.comparators.items()}, unit_of)


def _value(grammar: _Grammar, token: str) -> int:
    return int(token) if token.isdigit() else grammar.numbers[token.lower()]


def _unit(grammar: _Grammar, text: str) -> str:
    # the most specific phrase decides: "good-quality embryos" -> embryos, "IVF cycles" -> cycles
    best = ("attempts", -1)
    for name, pattern in grammar.unit_of:
        for m in pattern.finditer(text):
            if m.end() - m.start() > best[1]:
                best = (name, m.end() - m.start())
    return best[0]


def _sentences(text: str):
    for m in _SENTENCE.finditer(text):
        if m.group().strip():
            yield m.start(), m.end(), m.group()


def _background_ranges(abstract: str) -> list[tuple[int, int]]:
    ranges = []
    for m in _BACKGROUND_LABEL.finditer(abstract):
        nxt = _NEXT_LABEL.search(abstract, m.end())
        ranges.append((m.start(), nxt.start() if nxt else len(abstract)))
    return ranges


def _qualifies(sentence: str, in_title: bool, in_background: bool) -> bool:
    if in_title:
        return True
    if in_background:
        return False
    if _EXCLUSION.search(sentence):
        return False
    return bool(_PARTICIPANTS.search(sentence) or _OBJECTIVE_WORDS.search(sentence))


def read_rif_definition(text: str, vocabulary: RifVocabulary | None = None, *, offset: int = 0) -> RifDefinition | None:
    """The RIF definition in ``text`` (a sentence or an abstract), or None when no count is given."""
    grammar = _grammar(vocabulary or default_rif_vocabulary())
    candidates = []
    for m in grammar.definition.finditer(text):
        unit = _unit(grammar, m.group("unit"))
        window = text[max(0, m.start() - 100):m.end() + 40]
        failure = m.group("fail") or re.search(r"fail|unsuccess|without\s+(?:a\s+)?(?:pregnancy|implantation)|"
                                                r"no\s+pregnancy|implantation\s+failure|negative", window, _I)
        if not failure:
            continue
        if re.search(r"\b(?:miscarriage|abortion|pregnancy\s+loss)", text[m.end():m.end() + 25], _I):
            continue  # "three or more miscarriages" defines RPL, not RIF
        value = _value(grammar, m.group("num"))
        add = grammar.comparators.get((m.group("cmp") or "").lower(), 0)
        candidates.append((value + add, unit, m.start(), m.end()))
    if not candidates:
        m = grammar.failed_count.search(text)
        if m:
            value = _value(grammar, m.group("num"))
            add = next((v for k, v in grammar.comparators.items() if k in m.group().lower()), 0)
            candidates.append((value + add, _unit(grammar, text[m.end():m.end() + 30]), m.start(), m.end()))
    if not candidates:
        return None
    # failures of transfers/cycles/attempts define RIF; an embryo count only qualifies them
    preferred = [c for c in candidates if c[1] not in ("embryos", "blastocysts")] or candidates
    value, unit, start, end = min(preferred, key=lambda c: (c[2]))
    clause_start = max(text.rfind(". ", 0, start) + 2 if text.rfind(". ", 0, start) >= 0 else 0,
                       text.rfind("\n", 0, start) + 1)
    end_match = _CLAUSE_END.search(text, end)
    clause_end = end_match.start() + 1 if end_match and text[end_match.start()] in ".;" else (
        end_match.start() if end_match else len(text))
    clause = text[clause_start:clause_end].strip()
    clause = re.sub(r"^[A-Z][A-Z &/,-]{2,40}:\s*", "", clause)  # a section label is not the definition
    clause_start = text.index(clause, clause_start) if clause else start
    age = grammar.age.search(text)
    age_max = int(age.group("age") or age.group("upper")) if age else None
    immune = tuple(label for label, pattern in grammar.immune if pattern.search(text))
    return RifDefinition(value, unit, age_max, immune, Span(clause, clause_start + offset, clause_start + offset + len(clause)),
                         RULE_RIF)


def find_population(title: str, abstract: str, vocabulary: RifVocabulary | None = None) -> PopulationResult:
    """Population of a record and, for a RIF population, its RIF definition.

    Offsets of the evidence and of ``rif.span`` index into ``abstract``.
    """
    vocabulary = vocabulary or default_rif_vocabulary()
    grammar = _grammar(vocabulary)
    background = _background_ranges(abstract)
    rif_hits, rpl_hits, evidence = [], [], None
    parts = [(title, True, -1)] + [(s, False, start) for start, _, s in _sentences(abstract)]
    for sentence, in_title, start in parts:
        in_bg = any(a <= start < b for a, b in background)
        rif_match = grammar.rif.search(sentence) or (
            read_rif_definition(sentence, vocabulary) is not None and grammar.ivf.search(sentence))
        rpl_match = grammar.rpl.search(sentence) or _RPL_COUNT.search(sentence)
        if rif_match and _qualifies(sentence, in_title, in_bg):
            rif_hits.append((sentence, start))
        if rpl_match and _qualifies(sentence, in_title, in_bg) and not re.search(
                r"\b(?:not|no|without)\s+(?:\w+\s+){0,3}(?:recurrent|habitual|repeated)", sentence, _I):
            rpl_hits.append((sentence, start))
    if rif_hits and rpl_hits:
        return PopulationResult("other", None, _span_of(rif_hits[0], abstract))
    if rif_hits:
        rif = _definition_for(abstract, title, rif_hits, vocabulary)
        return PopulationResult("rif", rif, _span_of(rif_hits[0], abstract))
    if rpl_hits:
        return PopulationResult("rpl", None, _span_of(rpl_hits[0], abstract))
    if grammar.ivf.search(title) or grammar.ivf.search(abstract):
        return PopulationResult("general_ivf", None, evidence)
    return PopulationResult("other", None, evidence)


def _span_of(hit: tuple[str, int], abstract: str) -> Span | None:
    sentence, start = hit
    if start < 0:
        return None
    stripped = sentence.strip()
    begin = abstract.index(stripped, start)
    return Span(stripped, begin, begin + len(stripped))


def _definition_for(abstract: str, title: str, hits, vocabulary: RifVocabulary) -> RifDefinition:
    """The definition from the participant sentences first, then anywhere in the abstract."""
    grammar = _grammar(vocabulary)
    for sentence, start in hits:
        if start < 0:
            continue
        found = read_rif_definition(sentence, vocabulary, offset=start + (len(sentence) - len(sentence.lstrip())) * 0)
        if found:
            return found
    found = read_rif_definition(abstract, vocabulary)
    if found is None and title:
        title_found = read_rif_definition(title, vocabulary)
        if title_found:
            found = RifDefinition(title_found.min_failures, title_found.count_unit, title_found.age_max,
                                  title_found.immune_selection, None, RULE_RIF)
    if found is not None:
        # age and immune criteria may sit in another sentence than the failure count
        age = grammar.age.search(abstract)
        immune = tuple(label for label, pattern in grammar.immune if pattern.search(abstract))
        return RifDefinition(found.min_failures, found.count_unit, found.age_max or (
            int(age.group("age") or age.group("upper")) if age else None), tuple(sorted(set(found.immune_selection) | set(immune),
                                                                                     key=lambda x: x)), found.span, RULE_RIF)
    age = grammar.age.search(abstract)
    immune = tuple(label for label, pattern in grammar.immune if pattern.search(abstract))
    return RifDefinition(None, None, int(age.group("age") or age.group("upper")) if age else None, immune, None, RULE_RIF)
