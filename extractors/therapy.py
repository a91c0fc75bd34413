"""Which therapy a record randomised: spaCy matchers over the vocabulary, then a decision.

Finding every mention is easy; deciding which therapy was *randomised* is the point. A mention
counts toward the randomised therapy by where it sits and what its sentence says:

- the title, the objective and a methods sentence that allocates or gives it count most;
- the background, a sentence about earlier studies, and the discussion of what others used count
  nothing;
- a therapy every woman got ("both groups received LMWH", "all took aspirin as per unit protocol",
  "aspirin alone versus aspirin plus heparin") is a co-intervention, and a therapy the control arm
  got is the comparator; neither is the trial's therapy.

hCG is special: systemic hCG triggers ovulation in every IVF cycle, so an hCG mention counts as
``hcg_intrauterine`` only with an intrauterine route in its sentence (and never inside a PBMC
sentence, where hCG is the culture additive). G-CSF keeps its route (subcutaneous or
intrauterine) because the two are different questions.

Rule ids: ``therapy.phrase.v1`` (vocabulary phrase or brand), ``therapy.abbreviation.v1``
(vocabulary abbreviation or typo), ``therapy.paper_abbreviation.v1`` (defined by the paper).

Examples
--------
>>> result = find_therapies("Intralipid for RIF: a randomised trial",
...     "METHODS: Women were randomised to intralipid (IL) or saline. Both groups received "
...     "aspirin. RESULTS: IL did not raise live birth.")
>>> result.primary_therapy, result.therapies
('intralipid', ('intralipid',))
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.matcher import PhraseMatcher

from config.schema import Therapy, default_config
from extractors.abbreviations import find_abbreviations
from extractors.keywords import PhraseGate, found_words, tokens
from extractors.nlp import get_nlp
from extractors.records import Span, TherapyFinding

RULE_PHRASE = "therapy.phrase.v1"
RULE_ABBREVIATION = "therapy.abbreviation.v1"
RULE_PAPER_ABBREVIATION = "therapy.paper_abbreviation.v1"

_I = re.IGNORECASE
_SECTION = re.compile(r"^\s*([A-Z][A-Za-z &/,-]{2,60}):\s", re.MULTILINE)
_BACKGROUND = re.compile(r"background|introduction|context|rationale|importance|what is known", _I)
_OBJECTIVE = re.compile(r"objective|aim|purpose|question|hypothes|goal", _I)
_METHODS = re.compile(r"method|design|patients|participants|intervention|setting|subjects|material|population", _I)
_RESULTS = re.compile(r"result|finding|outcome|main results", _I)
_CONCLUSION = re.compile(r"conclusion|interpretation|implication|discussion|summary", _I)

_STUDY_VERB = re.compile(
    r"\brandomi[sz]|\brandomly\b|\ballocated\b|\bassigned\b|\breceiv|\badminist|\btreated\s+with\b|"
    r"\binfus|\binject|\bgiven\b|\bversus\b|\bvs\b|\bcompared\b|\b(?:effects?|efficacy|effectiveness|role|"
    r"impact|benefit|usefulness|value|safety)\s+of\b|\bto\s+(?:evaluate|assess|investigate|determine|"
    r"examine|test|compare|study|explore)\b|\bgroups?\b|\barms?\b|\bplacebo\b|\bsaline\b|\bsham\b|"
    r"\bunderwent\b|\bperformed\b|\btherapy\b|\btreatment\b|\bprotocol\b", _I)
_PRIOR = re.compile(
    r"\bprevious(?:ly)?\s+(?:stud|trial|report|publish|shown|demonstrat)|\bhas\s+been\s+(?:shown|reported|"
    r"suggested|proposed|used|associated)|\bhave\s+been\s+(?:shown|reported|suggested|proposed|used)|"
    r"\bwe\s+previously\b|\b(?:earlier|prior|recent|several|some|many|other)\s+(?:studies|trials|reports)\b|"
    r"\bstudies\s+(?:have|suggest)|\b(?:is|are)\s+(?:widely|commonly|frequently|increasingly)\s+used\b|"
    r"\bmeta-analys", _I)
_CO_INTERVENTION = re.compile(
    r"\b(?:both|all|each)\s+(?:of\s+the\s+)?(?:groups|arms|patients|women|participants|subjects)\b|"
    r"\bin\s+(?:both|all|each)\s+(?:groups|arms)\b|\b(?:standard|routine|conventional|usual)\s+"
    r"(?:treatment|care|protocol|luteal|regimen)|\bluteal[\s-]phase\s+support\b|\bregardless\s+of\s+group\b|"
    # "All received aspirin", "as per unit protocol": what every woman got, in the words trials use
    r"\ball\s+(?:of\s+them\s+)?(?:received|were\s+given|were\s+treated|took|had)\b|\beveryone\b|"
    r"\b(?:as\s+per|according\s+to|as\s+part\s+of)\s+(?:the\s+|our\s+)?(?:unit|clinic|centre|center|routine|"
    r"institutional|local|usual)\b", _I)
_CONTROL_ARM = re.compile(r"\bcontrol\s+(?:group|arm)\b[^.;]*?\b(?:received|got|given|were\s+treated)\b", _I)
_ALONE = re.compile(r"^\s*(?:alone|only|monotherapy)\b", _I)
#: A biopsy or sampling of the endometrium is an injury (scratch) only when it is done for its own
#: sake; done to test or analyse the endometrium (ERA, endometritis, gene expression) it is a
#: diagnostic step, not the trial's therapy.
_SAMPLING = re.compile(r"biops|sampl|curettage|aspirat", _I)
_DIAGNOSTIC = re.compile(r"\breceptivity\b|\bERA\b|\banaly[sz]|\bexpression\b|\bdiagnos|\bhistolog|\bendometritis\b|"
                         r"\bCD138\b|\bmicrobio|\btranscript|\bgene\b|\bmarkers?\b|\btest(?:s|ing)?\b|\bdating\b|"
                         r"\bcollected\b|\bobtained\b|\bassay|\bsamples?\b|\bimmunohisto|\bNK\s+cells?\b", _I)
_INJURY = re.compile(r"injur|scratch|trauma|\bwound|\bdamage", _I)
_INTRAUTERINE = re.compile(
    r"\bintra[\s-]?uterine(?!\s+(?:pregnanc|insemination|device|gestation|growth|fetal|death))|"
    r"\bintracavitary\b|\buterine\s+cavity\b|\binto\s+the\s+uter|\bendometri(?:al|um)\s+(?:flush|infus|"
    r"inject|perfus|wash)|\bflush|\bIU-hCG\b|\bintra-?endometrial\b|\btranscervical\b", _I)
_SUBCUTANEOUS = re.compile(r"\bsubcutaneous(?:ly)?\b|\bs\.c\.|\bsc\s+inject|\bunder\s+the\s+skin\b", _I)
_SYSTEMIC = re.compile(r"\bintravenous(?:ly)?\b|\bi\.v\.|\bsystemic(?:ally)?\b|\bintramuscular\b|\bi\.m\.", _I)


@dataclass(frozen=True, slots=True)
class Mention:
    therapy: str
    start: int
    end: int
    text: str
    rule_id: str
    sentence: int
    role: str
    weight: float


@dataclass(frozen=True, slots=True)
class TherapyResult:
    """The randomised therapies (best first), the primary one and their evidence."""

    therapies: tuple[str, ...]
    primary_therapy: str
    findings: tuple[TherapyFinding, ...]
    mentions: tuple[Mention, ...] = ()


class TherapyMatcher:
    """Matchers over one therapy vocabulary; build once and reuse (see :func:`default_matcher`)."""

    def __init__(self, therapies: tuple[Therapy, ...]):
        self.nlp = get_nlp()
        self.therapies = {t.id: t for t in therapies}
        self.lower = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.exact = PhraseMatcher(self.nlp.vocab, attr="ORTH")
        self.ambiguous: dict[str, set[str]] = {}
        self.abbreviation_owner: dict[str, str] = {}
        all_phrases, all_shorts = [], []
        for therapy in therapies:
            phrases = list(therapy.phrases) + list(therapy.brands)
            self.lower.add(therapy.id, [self.nlp.make_doc(p) for p in phrases])
            shorts = list(therapy.abbreviations) + list(therapy.typos)
            self.exact.add(therapy.id, [self.nlp.make_doc(s) for s in shorts])
            self.ambiguous[therapy.id] = set(therapy.ambiguous)
            for short in shorts:
                self.abbreviation_owner[short] = therapy.id
            all_phrases += phrases
            all_shorts += shorts
        # The gate of might_mention: phrases and brands match whatever their case, abbreviations
        # and typos only as written.
        self._phrase_gate = PhraseGate(all_phrases)
        self._short_gate = PhraseGate(all_shorts)
        self._phrase_owner: dict[str, str | None] = {}  # long forms seen, and their therapy

    def might_mention(self, text: str, found: set[str] | None = None) -> bool:
        """False only when no therapy of the vocabulary can be found in ``text``.

        ``found`` is :func:`extractors.keywords.found_words` of the text's tokens, when the caller
        has it (computed here otherwise). A phrase or brand matches case-insensitively, so its words among the tokens are enough; an
        abbreviation or typo matches in its own case, so it must also occur in ``text`` as
        written. A paper's own abbreviation counts only when its long form is a vocabulary
        phrase, which the first test already covers.
        """
        found = found_words(tokens(text)) if found is None else found
        if self._phrase_gate.candidates(found=found):
            return True
        return any(short in text for short in self._short_gate.candidates(found=found))

    def therapy_of_phrase(self, text: str) -> str | None:
        """The therapy whose vocabulary phrase covers most of ``text`` (a long form), if any."""
        if text not in self._phrase_owner:
            self._phrase_owner[text] = self._longest_phrase_owner(text)
        return self._phrase_owner[text]

    def _longest_phrase_owner(self, text: str) -> str | None:
        doc = self.nlp.make_doc(text)
        best = None
        for match_id, start, end in self.lower(doc) + self.exact(doc):
            length = end - start
            if best is None or length > best[1]:
                best = (self.nlp.vocab.strings[match_id], length)
        return best[0] if best else None


@lru_cache(maxsize=1)
def default_matcher() -> TherapyMatcher:
    """The matcher over ``config/therapies.toml`` (built once per process)."""
    return TherapyMatcher(default_config().therapies)


def _section_kind(label: str) -> str:
    for kind, pattern in (("background", _BACKGROUND), ("objective", _OBJECTIVE), ("methods", _METHODS),
                          ("results", _RESULTS), ("conclusion", _CONCLUSION)):
        if pattern.search(label):
            return kind
    return "body"


def _sections(abstract: str) -> list[tuple[int, str]]:
    """(offset, kind) where each labelled section of a structured abstract starts."""
    return [(m.start(), _section_kind(m.group(1))) for m in _SECTION.finditer(abstract)]


def _kind_at(sections: list[tuple[int, str]], offset: int) -> str:
    kind = "body"
    for start, name in sections:
        if start <= offset:
            kind = name
    return kind


def _find_mentions(matcher: TherapyMatcher, text: str, offset_shift: int, doc=None):
    """Raw (therapy, start, end, rule) matches in ``text``, offsets shifted into the abstract."""
    doc = doc if doc is not None else matcher.nlp.make_doc(text)
    raw = []
    for match_id, start, end in matcher.lower(doc):
        span = doc[start:end]
        raw.append((matcher.nlp.vocab.strings[match_id], span.start_char, span.end_char, RULE_PHRASE))
    for match_id, start, end in matcher.exact(doc):
        span = doc[start:end]
        raw.append((matcher.nlp.vocab.strings[match_id], span.start_char, span.end_char, RULE_ABBREVIATION))
    # hyphenated abbreviations ("IU-hCG", "G-CSF") may be split differently by the tokenizer
    for short, owner in matcher.abbreviation_owner.items():
        if "-" in short:
            for m in re.finditer(rf"(?<![\w-]){re.escape(short)}(?![\w-])", text):
                raw.append((owner, m.start(), m.end(), RULE_ABBREVIATION))
    return [(t, s + offset_shift, e + offset_shift, r) for t, s, e, r in raw]


def _longest_first(raw):
    """Drop matches contained in a longer match (``low-dose aspirin`` beats ``aspirin``)."""
    raw = sorted(set(raw), key=lambda m: (m[1], -(m[2] - m[1])))
    kept, last_end = [], -1
    for item in raw:
        if item[1] >= last_end:
            kept.append(item)
            last_end = item[2]
    return kept


NO_THERAPY = TherapyResult((), "none", ())


def therapy_text(title: str, abstract: str) -> str:
    """The text :func:`find_therapies` reads (title, newline, abstract): for ``nlp.pipe`` batches."""
    return f"{title}\n{abstract}"


def find_therapies(title: str, abstract: str, matcher: TherapyMatcher | None = None, *, doc=None) -> TherapyResult:
    """The therapies a record randomised, with the primary one (``none`` when there is none).

    Offsets of the evidence spans index into ``abstract``; a title mention has no span. ``doc``
    is ``matcher.nlp(therapy_text(title, abstract))`` when the caller has it already (a batch
    made with ``nlp.pipe``).
    """
    matcher = matcher or default_matcher()
    full = therapy_text(title, abstract)
    shift = len(title) + 1  # offsets in ``full`` minus shift = offsets in ``abstract``
    doc = doc if doc is not None else matcher.nlp(full)

    raw = _find_mentions(matcher, full, 0, doc)
    defined = find_abbreviations(full)
    overridden: set[str] = set()
    paper_terms: dict[str, str] = {}
    long_forms: dict[str, str] = {}  # what the paper's own letters stand for ("EB" -> "endometrial biopsy")
    for definition in defined:
        owner = matcher.therapy_of_phrase(definition.long)
        if owner:
            paper_terms[definition.short] = owner
            long_forms[definition.short] = definition.long
        elif definition.short in matcher.abbreviation_owner:
            overridden.add(definition.short)  # the paper gives the letters another meaning
    for short, owner in paper_terms.items():
        for m in re.finditer(rf"(?<![\w-]){re.escape(short)}(?![\w-])", full):
            raw.append((owner, m.start(), m.end(), RULE_PAPER_ABBREVIATION))
    raw = [r for r in raw if not (r[3] == RULE_ABBREVIATION and full[r[1]:r[2]] in overridden)]
    named_in_full = {r[0] for r in raw if r[3] == RULE_PHRASE} | set(paper_terms.values())
    raw = [r for r in raw if not (r[3] == RULE_ABBREVIATION and full[r[1]:r[2]] in matcher.ambiguous.get(r[0], ())
                                  and r[0] not in named_in_full)]
    raw = _longest_first(raw)

    sentences = list(doc.sents)
    sections = _sections(full)
    mentions = []
    for therapy, start, end, rule in raw:
        index = next((i for i, s in enumerate(sentences) if s.start_char <= start < s.end_char), 0)
        sentence = sentences[index].text if sentences else full
        in_title = start < len(title)
        named = long_forms.get(full[start:end], full[start:end]) if rule == RULE_PAPER_ABBREVIATION \
            else full[start:end]
        mention = _judge(matcher, therapy, start, end, rule, index, sentence, full, in_title,
                         _kind_at(sections, start), sentences, named)
        if mention is not None:
            mentions.append(mention)
    return _decide(mentions, full, shift, sentences)


def _judge(matcher, therapy, start, end, rule, index, sentence, full, in_title, section, sentences, named):
    """Role and weight of one mention, or None when it is not this therapy at all.

    ``named`` is the mention's words, or for letters the paper defined, what they stand for.
    """
    if therapy == "hcg_intrauterine":
        if not _INTRAUTERINE.search(sentence) and not re.search(r"intra-?uterine|IU-hCG", full[start:end], _I):
            return None  # systemic hCG: the ovulation trigger every IVF cycle has
        if re.search(r"\bPBMCs?\b|mononuclear", sentence, _I):
            return None  # hCG as the culture additive of PBMC
    if therapy == "scratch" and _SAMPLING.search(named) and _DIAGNOSTIC.search(sentence) \
            and not _INJURY.search(sentence):
        return None  # a diagnostic biopsy (see _SAMPLING)
    after = full[end:end + 20]
    role, weight = "intervention", 0.0
    if in_title:
        weight = 4.0
    elif section == "background" or (section == "body" and index <= 1 and not _STUDY_VERB.search(sentence)
                                       and len(sentences) > 3):
        weight = 0.0
    elif section == "objective":
        weight = 3.0
    elif _STUDY_VERB.search(sentence):
        weight = 2.0 if section in ("methods", "body") else 1.0
    else:
        weight = 0.5
    if _PRIOR.search(sentence) and not in_title:
        weight = 0.0
    if _ALONE.match(after):
        role = "co_intervention_alone"  # "X alone versus X plus Y": X is in both arms
    elif _CO_INTERVENTION.search(sentence) and not in_title and not re.search(r"randomi[sz]|allocated|assigned",
                                                                               sentence, _I):
        role = "co_intervention"
    elif _CONTROL_ARM.search(sentence) and sentence.lower().find("control") < sentence.find(full[start:end]):
        role = "comparator"
    return Mention(therapy, start, end, full[start:end], rule, index, role, weight)


def _place(mention: Mention, sentences, full: str) -> str:
    """The mention's sentence, within its line: the title and a section are not one sentence even
    when the sentence splitter joins them."""
    sentence = sentences[mention.sentence]
    line_start = full.rfind("\n", 0, mention.start) + 1
    line_end = full.find("\n", mention.end)
    line_end = len(full) if line_end < 0 else line_end
    return full[max(sentence.start_char, line_start):min(sentence.end_char, line_end)]


def _route(therapy: str, mentions: list[Mention], sentences, full: str) -> str | None:
    if therapy == "hcg_intrauterine":
        return "intrauterine"
    if therapy not in ("g_csf", "growth_hormone", "sildenafil", "prp", "pbmc"):
        return None
    # the route of the trial's own arm: background and comparator sentences speak of other routes
    # ("intrauterine G-CSF has been studied ... we randomised to subcutaneous G-CSF")
    own = [m for m in mentions if m.role == "intervention" and m.weight > 0] or mentions
    texts = [_place(m, sentences, full) for m in own if sentences] or [full]
    joined = " ".join(texts)
    for pattern, route in ((_INTRAUTERINE, "intrauterine"), (_SUBCUTANEOUS, "subcutaneous")):
        if pattern.search(joined):
            return route
    if therapy in ("prp", "pbmc"):
        return "intrauterine" if _INTRAUTERINE.search(full) else None
    if re.search(r"\bvaginal(?:ly)?\b", joined, _I):
        return "vaginal"
    if _SYSTEMIC.search(joined):
        return "systemic"
    for pattern, route in ((_INTRAUTERINE, "intrauterine"), (_SUBCUTANEOUS, "subcutaneous")):
        if pattern.search(full):
            return route
    return None


def _decide(mentions: list[Mention], full: str, shift: int, sentences) -> TherapyResult:
    by_therapy: dict[str, list[Mention]] = {}
    for mention in mentions:
        by_therapy.setdefault(mention.therapy, []).append(mention)
    scored = []
    for therapy, items in by_therapy.items():
        roles = {m.role for m in items}
        if "co_intervention_alone" in roles and len(by_therapy) > 1:
            continue
        if "co_intervention" in roles and not any(m.weight >= 4.0 and m.role == "intervention" for m in items):
            continue
        # where a therapy is named counts, not how often one sentence names it ("intravenous
        # immunoglobulin (IVIG)" is one naming)
        best_in_sentence: dict[int, float] = {}
        for m in items:
            if m.role == "intervention":
                key = -1 if m.start < shift else m.sentence  # the title is its own place
                best_in_sentence[key] = max(best_in_sentence.get(key, 0.0), m.weight)
        score = sum(best_in_sentence.values())
        if roles == {"comparator"} or score < 2.0:
            continue
        first = min(m.start for m in items)
        scored.append((-score, first, therapy, items))
    scored.sort()
    findings = []
    for _, _, therapy, items in scored:
        evidence = next((m for m in items if m.role == "intervention" and m.start >= shift), None)
        span = Span(evidence.text, evidence.start - shift, evidence.end - shift) if evidence else None
        rule = (evidence or items[0]).rule_id
        findings.append(TherapyFinding(therapy, _route(therapy, items, sentences, full), span, rule))
    therapies = tuple(f.therapy for f in findings)
    return TherapyResult(therapies, therapies[0] if therapies else "none", tuple(findings), tuple(mentions))
