"""Who was studied (``rif``, ``rpl``, ``general_ivf``, ``other``) and how RIF was defined.

The record is read unit by unit: the title, then each sentence of the abstract with the section it
sits in. A unit may *mention* RIF (a RIF term of ``config/rif_definitions.toml``, or a count of two
or more failed transfers, cycles or attempts), a weaker "prior implantation failure", RPL (a term,
or a count of miscarriages) or assisted reproduction (an IVF term). Each unit gets a *role*:

``enrolled``
    it describes the women the study took: the title; an aim or objective ("to evaluate ... in
    women with RIF"); inclusion criteria, the study population, who was enrolled, recruited,
    randomised or allocated; a review's statement of its own scope ("this review summarises ... in
    women with RIF"); or, outside the background, a plain "women with RIF ..." sentence;
``background``
    it describes the condition or other studies: the BACKGROUND section, or a sentence that
    reports, hedges or generalises ("has been suggested", "studies show", "may improve", "is a
    major cause", "a meta-analysis") without saying who this study took;
``excluded`` / ``contrast``
    an exclusion criterion, or a sentence that sets the study's population against RIF ("not just
    women with repeated failures", "all-comers", "the larger population"), or one that speaks of a
    subgroup or an interaction ("in a subgroup of women with two or more failed transfers", "larger
    among women with RIF (p for interaction 0.03)").

A stratifying clause ("randomised, stratified by the number of previous failed transfers") names
the variable the randomisation was balanced on, not who was taken; it is blanked before the unit
is read, and the words before it still count. Likewise the items of a numbered list of strata
("randomised in two strata: 1. history of implantation failure 2. no such history").

Population:

- ``other`` when enrolled units mention both RIF and RPL, or one enrolled unit joins RIF with
  miscarriage ("implantation failure or at least one miscarriage"): a mixed population is not a
  RIF population (pooling it into a RIF stratum would dilute the estimate; domain guide §6);
- ``general_ivf`` when an enrolled unit lists RIF as one alternative among other poor-prognosis
  groups ("poor responders, women aged 40 or more, or women with RIF"): the population is wider
  than RIF, and its results are not RIF results;
- ``rif`` when an enrolled unit mentions RIF; a weak mention counts only with a count of two or
  more failures (one failed attempt is not RIF: domain guide §2, Singh 2019);
- ``rpl`` when an enrolled unit mentions RPL;
- ``general_ivf`` for any other record that names IVF, ICSI, embryo transfer or assisted
  reproduction outside an exclusion criterion (an abbreviation such as "IVF" or "ICSI" counts only
  in a record that speaks of reproduction somewhere: alone it is often intravenous fluids or a
  symptom index; the numbered items of a registry's "Exclusion Criteria" list are exclusions);
- ``other`` for the rest.

The definition (``extractors.rif_definition``) is read from the enrolled units first, then from
any sentence of the record (an entry often defines RIF in its rationale), but never from a sentence
reporting that definitions vary ("definitions range from two failed transfers to ..."); its span
indexes into the abstract. A count of fewer than two failures is kept, so the caller can see why a record that
mentions "implantation failure" is not a RIF population.

Rule ids: ``population.roles.v4``, ``rif.min_failures.v1``.

Examples
--------
>>> found = find_population("G-CSF in RIF", "Women with at least three failed IVF-ET cycles, aged <40, were randomised.")
>>> found.population, found.rif.min_failures, found.rif.count_unit, found.rif.age_max
('rif', 3, 'cycles', 40)
>>> find_population("Scratching before IVF", "Scratching has been suggested for women with RIF. "
...                 "We randomised 300 women starting their first IVF cycle.").population
'general_ivf'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from config.vocabulary import RifVocabulary, default_rif_vocabulary
from extractors.keywords import PhraseGate, found_words, has_word, tokens
from extractors.memo import once_per_object
from extractors.records import RifDefinition, Span
from extractors.rif_definition import RULE_RIF, criteria_of, failure_counts, grammar_of, read_rif_definition

RULE_POPULATION = "population.roles.v4"

_I = re.IGNORECASE
_SENTENCE = re.compile(r"[^.;!?\n]+(?:[.;!?]+|$)")
_LABEL = re.compile(r"^\s*([A-Z][A-Za-z &/,()-]{2,60}):\s", re.MULTILINE)
_BACKGROUND_LABEL = re.compile(r"background|introduction|context|rationale|importance|what is known", _I)
_OBJECTIVE_LABEL = re.compile(r"objective|aim|purpose|question|hypothes|goal", _I)
_METHODS_LABEL = re.compile(r"method|design|patients|participants|population|subjects|setting|material|inclusion|"
                            r"eligib", _I)

#: An exclusion criterion: what it names is not the population.
_EXCLUSION = re.compile(r"\bexclu(?:ded|sion|ding)\b|\bwithout\s+(?:a\s+)?history\b|\bno\s+history\b|\bexcept\b|"
                        r"\b(?:not|in)[\s-]?eligible\b|\bwere\s+not\s+(?:included|enrolled|recruited|considered)\b", _I)
#: The study's population set against RIF.
_CONTRAST = re.compile(r"\ball[\s-]comers\b|\bunselected\b|\bnot\s+(?:just|only|limited\s+to|restricted\s+to)\b|"
                       r"\b(?:larger|wider|broader|general|overall)\s+(?:\w+\s+)?population\b|\bregardless\s+of\b|"
                       r"\brather\s+than\b|\bstandard\s+(?:patients|ivf)\b|\bfirst\s+(?:ivf|icsi)?\s*(?:cycle|attempt)|"
                       r"\bstrat(?:a|um)\b|\bsub-?groups?\s+(?:analys[ie]s\s+)?(?:of|in|among|with|restricted\s+to)\b|"
                       r"\binteraction\b|\beffect\s+modification\b",
                       _I)
#: "randomised, stratified by the number of previous failed transfers": what follows names the
#: stratifying variable, not who was enrolled (the words before it still do).
_STRATIFIER = re.compile(r"\bstratifi(?:ed|cation)\s+(?:\w+\s+)?(?:by|according\s+to|for|on)\b[^.;]*", _I)
#: Other reasons for a poor IVF prognosis that trials list beside RIF as alternatives ("poor
#: responders, women aged 38 or more or women with RIF"): the population is wider than RIF.
_OTHER_INDICATION = re.compile(
    r"\bpoor\s+(?:ovarian\s+)?respon|\b(?:low|diminished|reduced|poor|decreased)\s+ovarian\s+reserve|"
    r"\badvanced\s+(?:maternal\s+|reproductive\s+)?age|\bolder\s+women\b|\bthin\s+endometri|\bpolycystic\b|"
    r"(?-i:\bPCOS\b)|\bendometriosis\b|\bunexplained\s+infertility\b|\bpoor[\s-]prognosis\b", _I)
#: "or" joining alternatives; not "two or more", "aged 38 or older", "with or without".
_ALTERNATIVE = re.compile(r"(?<!\bwith\s)\b(?:or|and/or)\b(?!\s+(?:more|older|above|over|fewer|less|greater|younger|"
                          r"equal|without)\b)", _I)
#: A group named as poor-prognosis lists its members with commas as well ("poor-prognosis patients:
#: advanced age, poor response, repeated implantation failure").
_PROGNOSIS_GROUP = re.compile(r"\bpoor[\s-]prognosis\b", _I)
_LIST_SEPARATOR = re.compile(r"[,:]")
#: A sentence that introduces a numbered list of strata ("randomised in two strata: 1."); the
#: list items that follow are strata, not the population.
_STRATA_LIST = re.compile(r"\bstrat(?:a|um|ified|ification)\b[^.;]*:\s*(?:\d+\s*\.)?\s*$", _I)
_LIST_ITEM_END = re.compile(r"\b\d+\s*\.\s*$")
#: A registry's "Exclusion Criteria 1." heading: the numbered items after it ("2. Pregnancy or IVF
#: treatment.") are exclusions too, though they do not say so; the list ends at the first item
#: that neither follows nor ends with a number.
_EXCLUSION_LIST = re.compile(r"\bexclusion\s+criteria\b\s*:?\s*(?:\d+\s*\.)?\s*$", _I)
#: A sentence reporting that definitions of RIF vary states none of its own.
_DEFINITIONS_VARY = re.compile(
    r"\bdefinitions?\b[^.;]*\b(?:range[sd]?|ranging|var(?:y|ies|ied|iable)|differ(?:s|ed)?)\b|"
    r"\bno\s+(?:agreed|universal(?:ly\s+accepted)?|uniform|standard(?:i[sz]ed)?|consensus|single|accepted|clear)\s+"
    r"definition\b|\b(?:has|have)\s+been\s+(?:variously|differently)\s+defined\b", _I)
#: A review naming its own scope: its sentence speaks of studies and evidence without hedging.
_OWN_REVIEW = r"\bthis\s+(?:\w+\s+)?review\b|\bwe\s+review\b"
#: Who this study took: aims, inclusion, enrolment, allocation; a review's own scope.
_ENROLMENT = re.compile(
    r"\b(?:aims?|objectives?|purpose|goals?)\b|\bto\s+(?:evaluate|assess|investigate|determine|compare|examine|explore|"
    r"study|test|analy[sz]e)\b|\binclusion\b|\binclude[ds]?\b|\benrol+(?:ed|ing)?\b|\brecruit|\beligib|"
    r"\bstudy\s+(?:population|group|sample|subjects)\b|\bparticipants?\b|\brandomi[sz]|\ballocat|\bassigned\b|"
    r"\bwere\s+(?:studied|selected|invited|divided|treated)\b|\bwill\s+(?:be|undergo|receive)\b|\bunderwent\b|"
    r"\bwe\s+(?:studied|investigated|evaluated|compared|followed|describe|report)\b|\breferred\s+to\s+as\b|"
    # the study's own definition, in the past tense ("RIF was defined as ..."); "is defined" is general
    r"\b(?:was|were)\s+defined\s+as\b|"
    rf"\bthis\s+(?:study|trial)\b|\b\d+\s+(?:women|patients|couples|subjects|infertile)\b|{_OWN_REVIEW}", _I)
#: Reports of other work, hedges and generalities: the background.
_HEDGE = re.compile(
    r"\b(?:has|have|had)\s+been\s+(?:\w+\s+)?(?:suggested|shown|proposed|reported|demonstrated|postulated|described|"
    r"associated|used|developed|tried|studied|found|considered)\b|\bstud(?:y|ies)\s+(?:have\s+)?(?:suggest|show|"
    r"indicate|report|demonstrat|found)|\bstudies\b|\bevidence\b|\bliterature\b|\bmeta[\s-]?analys|\bsuggest|"
    r"\bpropos|\bpostulat|\bbelieved\b|\bthought\b|\b(?:may|might|could)\s+(?:\w+\s+)?(?:improve|help|increase|"
    r"enhance|benefit|be\b|lead|cause|contribute|reduce)|\bis\s+(?:a|an|the)\s+(?:\w+\s+)?(?:major|important|common|"
    r"significant|frequent|main|leading|difficult)\b|\bremains?\b|\bis\s+(?:frequent|common|rare|unknown|unclear)\b|"
    r"\baffects?\b|\bprevious(?:ly)?\b|\bprior\s+(?:studies|trials|reports)\b|\bit\s+is\b|\bthere\s+(?:is|are)\b|"
    r"\bshould\b|\bis\s+(?:especially\s+|particularly\s+)?(?:important|essential|crucial|necessary|needed)\b|"
    r"\b(?:higher|lower)\s+than\s+(?:the\s+)?(?:expected|in|that|those)\b|"
    # work still to be done, usually closing the conclusions ("whether women with RIF benefit needs a trial")
    r"^\s*whether\b|\b(?:further|future)\s+(?:\w+\s+)?(?:studies|trials?|research|work)\b|\bwarrant(?:s|ed)?\b|"
    r"\bremains?\s+to\s+be\b|\bneeds?\s+(?:\w+\s+){0,2}(?:trials?|study|studies|research|evaluation|"
    r"confirmation)\b", _I)
_PARTICIPANT = re.compile(r"\b(?:women|patients|couples|participants|subjects|cases)\s+(?:with|who|having|had|"
                          r"suffering|experiencing|diagnosed|undergoing|affected)\b|\bhistory\s+of\b|"
                          r"\bin\s+(?:women|patients|couples)\b", _I)
#: RIF joined with pregnancy loss in one enrolled unit: a mixed population.
_MIXED = re.compile(r"\b(?:or|and/or|and)\s+(?:\w+\s+){0,4}?(?:miscarriages?|abortions?|pregnancy\s+loss(?:es)?)\b|"
                    r"\b(?:miscarriages?|abortions?|pregnancy\s+loss(?:es)?)\s+(?:\w+\s+){0,3}?(?:or|and/or)\s+"
                    r"(?:\w+\s+){0,3}?(?:implantation|IVF|transfer)", _I)
#: "two or more consecutive miscarriages" names RPL without the term (ESHRE: >=2 losses).
#: Words that may qualify the losses counted ("two or more unexplained first-trimester pregnancy losses").
_LOSS_QUALIFIER = r"(?:(?:consecutive|previous|prior|spontaneous|unexplained|idiopathic|early|clinical|first[\s-]trimester)\s+)*"
_RPL_COUNT = re.compile(rf"\b(?:two|three|four|[2-9])\s+or\s+more\s+{_LOSS_QUALIFIER}"
                        r"(?:miscarriages|pregnancy\s+losses|abortions)\b|\b(?:at\s+least|≥)\s*(?:two|three|[2-9])\s+"
                        rf"{_LOSS_QUALIFIER}(?:miscarriages|pregnancy\s+losses|abortions)\b", _I)
_NOT_RPL = re.compile(r"\b(?:not|no|without)\s+(?:\w+\s+){0,3}(?:recurrent|habitual|repeated)", _I)
#: Embryos that were transferred are IVF embryos ("≥ 10 embryos had been transferred without a pregnancy").
_TRANSFERRED = re.compile(r"\btransfer(?:s|red|ring)?\b", _I)
#: A count of failures says RIF only beside one of these words (else "three cycles" of anything).
_COUNT_CONTEXT_WORDS = ("transfer", "embryo", "blastocyst", "implantation", "oocyte", "donation", "ivf", "icsi")
_COUNT_CONTEXT_CASED = ("ET", "RIF")
_COUNT_CONTEXT = re.compile("|".join(_COUNT_CONTEXT_WORDS) + "|" + "|".join(rf"(?-i:\b{w}\b)" for w in
                                                                        _COUNT_CONTEXT_CASED), _I)


#: An IVF term written as an abbreviation ("IVF", "ICSI", "PGT-A", "IVF-ET").
_ABBREVIATION = re.compile(r"[A-Z][A-Z-]*[A-Z]")
#: Words any record about assisted reproduction uses somewhere; an IVF abbreviation without one of
#: them stands for something else.
_REPRODUCTIVE_CONTEXT = re.compile(r"\b(?:pregnan|(?:in)?fertil|embryo|oocyte|ovar|ovulat|sperm|semen|uter|endometri|"
                                   r"gamete|follic|conce(?:iv|pt)|blastocyst|gonadotro|reproducti|implant|miscarr|abortion|"
                                   r"transfer)|(?-i:\bRIF\b)", _I)


@dataclass(frozen=True, slots=True)
class PopulationResult:
    population: str
    rif: RifDefinition | None
    evidence: Span | None
    rule_id: str = RULE_POPULATION


@dataclass(frozen=True, slots=True)
class _Unit:
    text: str
    start: int  # offset in the abstract; -1 for the title
    role: str
    rif: bool
    weak: bool
    rpl: bool
    mixed: bool
    wider: bool  # RIF listed as one of several poor-prognosis groups


def _sections(abstract: str) -> list[tuple[int, str]]:
    kinds = []
    for m in _LABEL.finditer(abstract):
        label = m.group(1)
        kind = ("objective" if _OBJECTIVE_LABEL.search(label) else "background" if _BACKGROUND_LABEL.search(label)
                else "methods" if _METHODS_LABEL.search(label) else "other")
        kinds.append((m.start(), kind))
    return kinds


def _role(text: str, section: str) -> str:
    if _EXCLUSION.search(text):
        return "excluded"
    if _CONTRAST.search(text):
        return "contrast"
    if section == "objective":
        return "enrolled"
    enrolment = _ENROLMENT.search(text)
    if section == "background" and not enrolment:
        return "background"
    if enrolment and not (_HEDGE.search(text) and not re.search(r"\b(?:aims?|objectives?|purpose|inclusion|enrol|"
                                                                   r"recruit|eligib|randomi[sz]|allocat)|" + _OWN_REVIEW,
                                                                   text, _I)):
        return "enrolled"
    if _HEDGE.search(text):
        return "background"
    if section in ("methods", "other") or _PARTICIPANT.search(text):
        return "enrolled"
    return "background"


def _units(title: str, abstract: str, vocabulary: RifVocabulary) -> list[_Unit]:
    grammar = grammar_of(vocabulary)
    sections = _sections(abstract)
    units = []
    in_strata = in_exclusions = after_number = False
    parts = [(title, -1, "title")] + [(m.group(), m.start(), next((k for s, k in reversed(sections) if s <= m.start()),
                                                                  "body"))
                                      for m in _SENTENCE.finditer(abstract) if m.group().strip()]
    for text, start, section in parts:
        role = "enrolled" if start < 0 and not _CONTRAST.search(text) else _role(text, section)
        if in_strata and role == "enrolled":
            role = "contrast"
        in_strata = bool(_STRATA_LIST.search(text)) or (in_strata and bool(_LIST_ITEM_END.search(text)))
        numbered = bool(_LIST_ITEM_END.search(text))
        in_exclusions = bool(_EXCLUSION_LIST.search(text)) or (in_exclusions and (after_number or numbered))
        if in_exclusions:
            role = "excluded"
        after_number = numbered
        seen = _without_stratifier(text)
        counts = [c for c in failure_counts(seen, vocabulary) if c[1] not in ("embryos", "blastocysts")
                  or grammar.ivf.search(seen) or grammar.rif.search(seen) or grammar.weak_rif.search(seen)
                  or _TRANSFERRED.search(seen)]
        counted = any(c[0] >= 2 for c in counts) and bool(_COUNT_CONTEXT.search(seen))
        rif = bool(grammar.rif.search(seen)) or counted
        weak = not rif and bool(grammar.weak_rif.search(seen))
        rpl = bool(grammar.rpl.search(seen) or _RPL_COUNT.search(seen)) and not _NOT_RPL.search(seen)
        mixed = (rif or weak) and bool(_MIXED.search(seen))
        wider = rif and _among_other_indications(seen, [m.start() for m in grammar.rif.finditer(seen)]
                                                 + [c[2] for c in counts if c[0] >= 2])
        units.append(_Unit(text, start, role, rif, weak, rpl, mixed, wider))
    return units


def _without_stratifier(text: str) -> str:
    """The unit with its stratifying clause blanked (same length, so offsets still hold)."""
    return _STRATIFIER.sub(lambda m: " " * len(m.group()), text)


def _among_other_indications(text: str, rif_at: list[int]) -> bool:
    """RIF is one alternative among other poor-prognosis groups: "or" stands between a RIF mention
    and another indication.

    Examples
    --------
    >>> _among_other_indications("women with poor ovarian reserve or RIF", [36])
    True
    >>> _among_other_indications("women with RIF (two or more failures) and thin endometrium", [11])
    False
    >>> _among_other_indications("poor-prognosis patients: advanced age, poor response, RIF", [51])
    True
    """
    listed = bool(_PROGNOSIS_GROUP.search(text))
    for indication in _OTHER_INDICATION.finditer(text):
        for at in rif_at:
            low, high = sorted((at, indication.start()))
            if _ALTERNATIVE.search(text, low, high) or (listed and _LIST_SEPARATOR.search(text, low, high)):
                return True
    return False


def find_population(title: str, abstract: str, vocabulary: RifVocabulary | None = None) -> PopulationResult:
    """Population of a record and, for a RIF population, its RIF definition.

    Offsets of the evidence and of ``rif.span`` index into ``abstract``.
    """
    vocabulary = vocabulary or default_rif_vocabulary()
    grammar = grammar_of(vocabulary)
    units = _units(title, abstract, vocabulary)
    enrolled = [u for u in units if u.role == "enrolled"]
    rif_units = [u for u in enrolled if u.rif]
    weak_units = [u for u in enrolled if u.weak]
    rpl_units = [u for u in enrolled if u.rpl]
    if (rif_units or weak_units) and (rpl_units or any(u.mixed for u in enrolled)):
        return PopulationResult("other", None, _span_of((rif_units or weak_units)[0], abstract))
    if any(u.wider for u in rif_units):
        return PopulationResult("general_ivf", None, _span_of(next(u for u in rif_units if u.wider), abstract))
    definition = _definition(units, enrolled, abstract, title, vocabulary) if (rif_units or weak_units) else None
    if rif_units or (weak_units and definition is not None and definition.min_failures is not None):
        if rif_units or definition.min_failures >= 2:
            return PopulationResult("rif", definition, _span_of((rif_units or weak_units)[0], abstract))
        return PopulationResult("general_ivf", definition, _span_of(weak_units[0], abstract))
    if rpl_units:
        return PopulationResult("rpl", None, _span_of(rpl_units[0], abstract))
    if names_assisted_reproduction([u.text for u in units if u.role != "excluded"], grammar.ivf,
                                   f"{title}\n{abstract}"):
        return PopulationResult("general_ivf", None, None)
    return PopulationResult("other", None, None)


def names_assisted_reproduction(texts: list[str], ivf: re.Pattern[str], record: str) -> bool:
    """The texts name assisted reproduction: an IVF term written out, or an abbreviation of one
    ("IVF", "ICSI", "ART") in a record that uses a word of reproduction somewhere (``record``).

    Alone, the abbreviations collide with other fields' ("intravenous fluids (IVF)", a symptom
    index abbreviated ICSI, "ART" for antiretroviral therapy); a record about IVF speaks of
    pregnancy, embryos, oocytes or fertility somewhere.

    Examples
    --------
    >>> from extractors.rif_definition import grammar_of
    >>> from config.vocabulary import default_rif_vocabulary
    >>> ivf = grammar_of(default_rif_vocabulary()).ivf
    >>> text = "Septic patients received 30 ml/kg of IVF in the first hours."
    >>> names_assisted_reproduction([text], ivf, text)
    False
    >>> text = "Women starting IVF were randomised. Pregnancy rates were compared."
    >>> names_assisted_reproduction([text], ivf, text)
    True
    """
    found = [m.group() for text in texts for m in ivf.finditer(text)]
    if not found:
        return False
    if any(not _ABBREVIATION.fullmatch(term) for term in found):
        return True
    return bool(_REPRODUCTIVE_CONTEXT.search(record))


def _span_of(unit: _Unit, abstract: str) -> Span | None:
    if unit.start < 0:
        return None
    stripped = unit.text.strip()
    begin = abstract.index(stripped, unit.start)
    return Span(stripped, begin, begin + len(stripped))


def _definition(units: list[_Unit], enrolled: list[_Unit], abstract: str, title: str,
                vocabulary: RifVocabulary) -> RifDefinition:
    """The definition from the enrolled units first, then from any unit; age and immune from anywhere."""
    found = None
    for unit in [*enrolled, *(u for u in units if u.role in ("background", "title"))]:
        if unit.role in ("excluded", "contrast") or _DEFINITIONS_VARY.search(unit.text):
            continue
        found = read_rif_definition(unit.text, vocabulary, offset=max(unit.start, 0))
        if found is not None:
            if unit.start < 0:  # a title's count has no span in the abstract
                found = RifDefinition(found.min_failures, found.count_unit, found.age_max, found.immune_selection,
                                      None, RULE_RIF)
            break
    age, immune = criteria_of(f"{title}\n{abstract}", vocabulary)
    if found is None:
        return RifDefinition(None, None, age, immune, None, RULE_RIF)
    return RifDefinition(found.min_failures, found.count_unit, found.age_max or age,
                         tuple(sorted(set(found.immune_selection) | set(immune))), found.span, RULE_RIF)


#: Words of the RPL count phrase (_RPL_COUNT) that a population gate must also let through.
_RPL_COUNT_WORDS = ("miscarriages", "pregnancy losses", "abortions")


@once_per_object
def population_gates(vocabulary: RifVocabulary) -> tuple[PhraseGate, PhraseGate]:
    """The gates of :func:`might_mention_population` for a vocabulary (built once): one over the
    case-insensitive terms, one over the terms matched as written."""
    terms = (*vocabulary.terms.rif, *vocabulary.terms.weak_rif, *vocabulary.terms.rpl, *vocabulary.terms.ivf,
             *_COUNT_CONTEXT_WORDS, *_COUNT_CONTEXT_CASED)
    cased = [t for t in terms if sum(ch.isupper() for ch in t) >= 2]  # matched as written (phrase_regex)
    insensitive = [t for t in terms if t not in cased] + list(_RPL_COUNT_WORDS)
    return PhraseGate(insensitive), PhraseGate(cased)


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
    it (computed here otherwise). A population needs a RIF, RPL or IVF term or a count of
    miscarriages; all the words of one such term must then be among the tokens, and a term
    matched in its own case ("RIF", "ART") must also occur in ``text`` as written. (A count of
    failures makes a RIF population only beside one of these words.)

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
