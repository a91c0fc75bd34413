"""The words of arms: comparator cues, therapy names, padding words, and what a hint names.

Pure vocabulary and matching helpers shared by ``extractors.arm_phrases`` (finding arm names in
text) and ``extractors.arms`` (deciding what they are).
"""

from __future__ import annotations

import re
from functools import lru_cache

from extractors.patterns import find_word, lowered, trie_pattern

#: Words that make a group a comparator, with the kind of comparator. Order matters: the first
#: kind found names the arm ("placebo (saline)" is a placebo arm). Source: CONSORT comparator
#: wording as RIF trials print it (placebo, saline, sham, no treatment, standard care).
CONTROL_CUES: tuple[tuple[str, str], ...] = (
    ("placebo", r"placebos?|dummy"),
    ("sham", r"sham|mock(?:\s+\w+)?"),
    ("saline", r"(?:normal\s+)?saline|NaCl|vehicle|(?:embryo\s+)?culture\s+medi(?:um|a)(?:\s+alone)?|medium\s+alone"),
    ("no_treatment", r"(?:no|without)[\s-]+(?:any\s+|additional\s+|further\s+)?(?:treatment|intervention|therapy|"
                     r"scratch(?:ing)?|endometrial\s+(?:scratch(?:ing)?|injury)|injury|infusion|injection|adjuvants?|"
                     r"anticoagula\w+|supplementa\w+|(?:pre)?medication|pretreatment|\w+\s+(?:treatment|infusion|injection))"
                     r"|untreated|non-?treated|nothing|expectant(?:\s+management)?"),
    ("standard_care", r"(?:standard|usual|routine|conventional)\s+(?:care|treatment|management|protocol|practice)"),
    ("control", r"controls?(?![\w-])|comparison|reference|non-?intervention"),
)

#: Run on lowered text (``lowered``), and only where a trigger word starts: trying twenty
#: alternatives at every character of an abstract costs more than the rest of the extractor.
CONTROL_RE = re.compile("|".join(f"(?P<{kind}>{pat.lower()})" for kind, pat in CONTROL_CUES))

_CONTROL_TRIGGER = re.compile(r"\b" + trie_pattern([
    "placebo", "dummy", "sham", "mock", "normal", "saline", "nacl", "vehicle", "embryo", "culture",
    "medium", "no ", "without", "untreated", "non", "nothing", "expectant", "standard", "usual",
    "routine", "conventional", "control", "comparison", "reference"]))

def control_matches(low: str):
    """``CONTROL_RE`` matches in lowered text, tried only at trigger words."""
    last = -1
    for t in _CONTROL_TRIGGER.finditer(low):
        if t.start() < last:
            continue
        m = CONTROL_RE.match(low, t.start())
        if m:
            last = m.end()
            yield m

#: A comparator kind that is blinded is preferred as the comparison's control.
PREFERRED_CONTROL = {"placebo": 0, "sham": 1, "saline": 2, "control": 3, "standard_care": 4, "no_treatment": 5}

#: Generic names of the active arm.
TREATMENT_WORDS = re.compile(r"^(?:intervention|treatment|treated|study|experimental|active|case|test|trial)$",
                              re.IGNORECASE)

#: Names Chinese-style reports give the treated arm opposite "the control group" ("observation
#: group", "research group", "experiment group"). Elsewhere "observation" is the comparator
#: ("adjuvant therapy versus observation"), so these name the active arm only beside a generic
#: control group (``extractors.arm_merge``).
BESIDE_CONTROL_WORDS = re.compile(r"^(?:observation|research|experiment)$", re.IGNORECASE)


def generic_active(name: str) -> bool:
    """Whether ``name`` is a generic name of the active arm ("study", "observation") rather than
    the therapy's: such a name joins the one named active arm and is a mention only before "group"."""
    return bool(TREATMENT_WORDS.match(name) or BESIDE_CONTROL_WORDS.match(name))


#: Words that start or pad a noun phrase and say nothing about which arm it is.
STOP_WORDS = frozenset("""
a an the in of and or to for with both two three four each all either between among within versus vs
was were who which that those these their this its received receive receiving given underwent
randomized randomised randomly allocated assigned divided into women patients participants subjects
couples group groups arm arms cohort other same age per same total whole
""".split())


def control_kind(phrase: str) -> str | None:
    """The kind of comparator ``phrase`` names, or ``None`` if it names none.

    Examples
    --------
    >>> control_kind("normal saline"), control_kind("no scratch"), control_kind("G-CSF")
    ('saline', 'no_treatment', None)
    """
    kinds = set()
    for m in control_matches(lowered(phrase)):
        # "placebo-controlled" describes the trial, not an arm
        if m.lastgroup == "control" and phrase[max(0, m.start() - 1):m.start()] == "-":
            continue
        kinds.add(m.lastgroup)
    if not kinds:
        return None
    # "saline placebo" is a placebo arm: the most specific comparator wins.
    return min(kinds, key=lambda k: PREFERRED_CONTROL[k])


def clean_name(phrase: str, tail: bool = False) -> str:
    """Drop padding words; with ``tail``, keep only the run of content words at the end."""
    words = phrase.strip(" ,;:()[]").split()
    while words and words[-1].lower() in STOP_WORDS:
        words.pop()
    if tail:
        kept: list[str] = []
        for word in reversed(words):
            if word.lower() in STOP_WORDS or word.lower() in _VERBS or len(kept) == 4:
                break
            kept.insert(0, word)
        return " ".join(kept)
    while words and words[0].lower() in STOP_WORDS:
        words.pop(0)
    return " ".join(words)


#: Words that end a group name when read backwards from "group" ("higher in the G-CSF group").
_VERBS = frozenset("""
higher lower greater smaller more less increased decreased improved reduced similar significantly
significant compared observed found seen reported than whereas while but however respectively
""".split())


@lru_cache(maxsize=64)
def therapy_regex(therapy: str | None) -> tuple[re.Pattern | None, dict[str, str]]:
    """One regex for the words of ``therapy`` (or every configured therapy), and term -> id."""
    from config.schema import default_config

    config = default_config()
    chosen = [config.therapy(therapy)] if therapy else list(config.therapies)
    owner: dict[str, str] = {}
    cased, uncased = [], []
    for t in chosen:
        for term in t.phrases + t.brands + t.arm_names:
            owner[term.lower()] = t.id
            uncased.append(term)
        for term in t.abbreviations + t.typos:
            owner[term.lower()] = t.id
            cased.append(term)
    if not owner:
        return None, owner
    parts = [re.escape(w).replace(r"\ ", r"[\s-]+") for w in sorted(uncased, key=len, reverse=True)]
    cparts = [re.escape(w) for w in sorted(cased, key=len, reverse=True)]
    body = "|".join(filter(None, ["(?i:" + "|".join(parts) + ")" if parts else "", "|".join(cparts)]))
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w])"), owner


def terms_in(name: str, therapy: str | None) -> set[str]:
    """Every word of ``therapy`` inside ``name`` ("intrauterine hCG" -> {"intrauterine hcg", "hcg"})."""
    regex, owner = therapy_regex(therapy)
    if regex is None or therapy is None:
        return set()
    found = set()
    low = lowered(name)
    for term, tid in owner.items():
        if tid == therapy and next(find_word(low, term.replace("-", " ")), None) is not None:
            found.add(term)
    return found


def hint_keys(words: str) -> set[str]:
    """Salient words of a hint: names, abbreviations and content words, lower-cased."""
    tokens = re.findall(r"[A-Za-z\u00b5\u03bc][\w+.\u00b5\u03bc-]*", words)
    keys = {t.lower().strip(".") for t in tokens if t.lower() not in STOP_WORDS and len(t) > 1} - _GENERIC_HINT
    # "3 h group" against "20 h group": arms told apart only by a quantity are named by it
    return keys or {m.group(0).lower() for m in _QUANTITY.finditer(words)}


#: A number with its unit ("3 h", "20 h", "500 IU"): a hint's name when it has no other word.
_QUANTITY = re.compile(r"(?<![\w.])\d+(?:\.\d+)?\s?(?:[A-Za-z\u00b5\u03bc]{1,4})(?![\w])")


_GENERIC_HINT = frozenset("""
mg kg ml dose doses daily day days week weeks group groups patients women therapy treatment plus
alone only standard usual care received receiving given study intervention administration
""".split())


#: How papers letter or number their groups ("group A", "group II", "arm 2") — never the start of
#: a count, decimal or percentage: "G-CSF group 2/10 (20%)" names no group 2.
LABEL = r"(?:[A-D]|I{1,3}|IV|[1-4])(?![\w]|[/.,·]\d|\s*%)"


def hint_letters(words: str) -> set[str]:
    """Group letters a hint names ("group A (DFE 2 cm)" -> {"a"})."""
    return {m.group(1).lower() for m in re.finditer(rf"(?i:group|arm)s?\s({LABEL})", words)}
