"""Find a trial's arms: which group got the therapy, which is the comparator, and how big each was.

An abstract names its arms in a few ways: "the G-CSF group", "randomized to EST (n = 66) or no
scratch (n = 51)", "group A received PBMC ... group B (control)", or simply "placebo". Each arm
gets a role (``treatment`` or ``control``), the kind of control (``placebo``, ``saline``, ``sham``,
``no_treatment``, ``standard_care``, ``control``), the group size when printed, and the *keys*:
lower-case words whose mention in a later sentence refers to the arm ("g-csf", "control").

Comparisons are one per active arm against one comparator; a placebo (or saline, or sham) arm is
preferred as the comparator over no treatment, as a blinded comparison is the cleaner one.

Examples
--------
>>> arms = find_arms("117 women were randomized to EST (n = 66) or no scratch (n = 51).")
>>> [(a.role, a.name, a.size) for a in arms]
[('treatment', 'EST', 66), ('control', 'no scratch', 51)]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Iterable, Sequence

from extractors.numbers import INT, parse_int
from extractors.patterns import trie_pattern

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
_CONTROL_RE = re.compile("|".join(f"(?P<{kind}>{pat.lower()})" for kind, pat in CONTROL_CUES))
_CONTROL_TRIGGER = re.compile(r"\b" + trie_pattern([
    "placebo", "dummy", "sham", "mock", "normal", "saline", "nacl", "vehicle", "embryo", "culture",
    "medium", "no ", "without", "untreated", "non", "nothing", "expectant", "standard", "usual",
    "routine", "conventional", "control", "comparison", "reference"]))


def _control_matches(low: str):
    """``_CONTROL_RE`` matches in lowered text, tried only at trigger words."""
    last = -1
    for t in _CONTROL_TRIGGER.finditer(low):
        if t.start() < last:
            continue
        m = _CONTROL_RE.match(low, t.start())
        if m:
            last = m.end()
            yield m
#: A comparator kind that is blinded is preferred as the comparison's control.
_PREFERRED_CONTROL = {"placebo": 0, "sham": 1, "saline": 2, "control": 3, "standard_care": 4, "no_treatment": 5}
#: Generic names of the active arm.
_TREATMENT_WORDS = re.compile(r"^(?:intervention|treatment|treated|study|experimental|active|case|test|trial)$",
                              re.IGNORECASE)
#: Words that start or pad a noun phrase and say nothing about which arm it is.
_STOP = frozenset("""
a an the in of and or to for with both two three four each all either between among within versus vs
was were who which that those these their this its received receive receiving given underwent
randomized randomised randomly allocated assigned divided into women patients participants subjects
couples group groups arm arms cohort other same age per same total whole
""".split())

_LABEL = r"(?:[A-D]|I{1,3}|IV|[1-4])(?![\w])"
_LETTER_RE = re.compile(rf"(?P<letter>(?i:group|arm))\s(?P<label>{_LABEL})")
#: "group"/"arm" as a noun; the words before it name the arm. The name is read backwards from
#: here (a forward regex with optional words backtracks badly on long abstracts).
_GROUP_NOUN_RE = re.compile(rf"(?<=[\w+%)\]] )(?i:groups?|arms?)(?![\w])(?!\s{_LABEL})")
_NAME_WORD = re.compile(r"[\w+/\u00b5\u03bc%-]+(?:\.\w+)*")
_SIZE_AFTER = re.compile(rf"\s*[\(\[,]?\s*(?:[nN]\s?=\s?(?P<n>{INT})|(?P<n2>{INT})\s+(?:women|patients|participants|couples|subjects))\s*[\)\]]?")
_SIZE_BEFORE = re.compile(
    rf"(?P<n>{INT})\s+(?:(?:women|patients|participants|couples|subjects|cases)\s+)?"
    r"(?:(?:were|was)\s+)?(?:(?:(?:randomi[sz]ed|allocated|assigned|included|enrolled)\s+)?(?:in|into|to)|received|"
    r"underwent|were\s+given|got)\s+(?:the\s+)?$"
)
_ALLOC_RE = re.compile(
    r"(?:randomi[sz]ed|randomly\s+(?:allocated|assigned|divided)|allocated|assigned|divided)\s+"
    r"(?:(?:\w+\s+){0,3}?)(?:to|into|in)\s+(?:receive\s+|either\s+|undergo\s+|two\s+groups?\s*:?\s*|three\s+groups?\s*:?\s*)*"
)


@dataclass(frozen=True, slots=True)
class Arm:
    """One arm of a trial.

    ``keys`` are the lower-case words that refer to this arm in later sentences; ``name`` is the
    arm as first printed. ``size`` is the number randomised (or analysed) when the text gives it.
    """

    name: str
    role: str
    control_kind: str | None = None
    size: int | None = None
    start: int = -1
    keys: tuple[str, ...] = ()
    therapy: str | None = None
    order: int = -1


@dataclass(frozen=True, slots=True)
class ArmMention:
    """A mention of arm number ``arm`` at ``text[start:end]``."""

    arm: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class ArmsHint:
    """Words for the intervention and comparator when the caller knows them (e.g. a registry entry)."""

    intervention: str
    comparator: str


@dataclass
class _Candidate:
    name: str
    start: int
    size: int | None = None
    letter: str | None = None
    role: str | None = None
    control_kind: str | None = None
    therapy: str | None = None
    keys: set[str] = field(default_factory=set)
    order: int | None = None  # where the trial lists this arm (allocation or "(n = k)")
    definition: str = ""      # what a lettered group received ("group A received G-CSF")


def lowered(text: str) -> str:
    """``text`` in lower case with hyphens as spaces, the same length (so offsets still hold)."""
    low = text.lower()
    if len(low) != len(text):  # a character whose lower case is longer ("İ"): map one by one
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return low.replace("-", " ")


def find_word(low: str, word: str, start: int = 0, end: int | None = None):
    """Start offsets of ``word`` in the lowered text ``low``, on word boundaries only."""
    end = len(low) if end is None else end
    n = len(word)
    if not n:
        return
    pos = low.find(word, start, end)
    while pos >= 0:
        before = low[pos - 1] if pos else " "
        after = low[pos + n] if pos + n < len(low) else " "
        if not (before.isalnum() or before == "_") and not (after.isalnum() or after == "_"):
            yield pos
        pos = low.find(word, pos + 1, end)


def control_kind(phrase: str) -> str | None:
    """The kind of comparator ``phrase`` names, or ``None`` if it names none.

    Examples
    --------
    >>> control_kind("normal saline"), control_kind("no scratch"), control_kind("G-CSF")
    ('saline', 'no_treatment', None)
    """
    kinds = set()
    for m in _control_matches(lowered(phrase)):
        # "placebo-controlled" describes the trial, not an arm
        if m.lastgroup == "control" and phrase[max(0, m.start() - 1):m.start()] == "-":
            continue
        kinds.add(m.lastgroup)
    if not kinds:
        return None
    # "saline placebo" is a placebo arm: the most specific comparator wins.
    return min(kinds, key=lambda k: _PREFERRED_CONTROL[k])


def _clean(phrase: str, tail: bool = False) -> str:
    """Drop padding words; with ``tail``, keep only the run of content words at the end."""
    words = phrase.strip(" ,;:()[]").split()
    while words and words[-1].lower() in _STOP:
        words.pop()
    if tail:
        kept: list[str] = []
        for word in reversed(words):
            if word.lower() in _STOP or word.lower() in _VERBS or len(kept) == 4:
                break
            kept.insert(0, word)
        return " ".join(kept)
    while words and words[0].lower() in _STOP:
        words.pop(0)
    return " ".join(words)


#: Words that end a group name when read backwards from "group" ("higher in the G-CSF group").
_VERBS = frozenset("""
higher lower greater smaller more less increased decreased improved reduced similar significantly
significant compared observed found seen reported than whereas while but however respectively
""".split())


@lru_cache(maxsize=64)
def _therapy_regex(therapy: str | None) -> tuple[re.Pattern | None, dict[str, str]]:
    """One regex for the words of ``therapy`` (or every configured therapy), and term -> id."""
    from config.schema import default_config

    config = default_config()
    chosen = [config.therapy(therapy)] if therapy else list(config.therapies)
    owner: dict[str, str] = {}
    cased, uncased = [], []
    for t in chosen:
        for term in t.phrases + t.brands:
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


def _hint_keys(words: str) -> set[str]:
    """Salient words of a hint: names, abbreviations and content words, lower-cased."""
    tokens = re.findall(r"[A-Za-z\u00b5\u03bc][\w+.\u00b5\u03bc-]*", words)
    keys = {t.lower().strip(".") for t in tokens if t.lower() not in _STOP and len(t) > 1}
    return keys - _GENERIC_HINT


_GENERIC_HINT = frozenset("""
mg kg ml dose doses daily day days week weeks group groups patients women therapy treatment plus
alone only standard usual care received receiving given study intervention administration
""".split())


def find_arms(text: str, therapy: str | None = None, hint: ArmsHint | None = None) -> list[Arm]:
    """The arms of the trial an abstract describes, in the order they are first named.

    Parameters
    ----------
    text
        The normalised abstract.
    therapy
        A therapy id from ``config/therapies.toml``; its words mark the active arm. Without it,
        every configured therapy's words do.
    hint
        The intervention and comparator as the caller knows them; their words then decide roles.
    """
    low = lowered(text)
    candidates = _group_phrases(text, low) + _allocation_phrases(text) + _sized_phrases(text)
    # Without a therapy id, a bare therapy word ("hCG" of the trigger) does not make an arm;
    # only named groups and allocations do.
    regex, owner = _therapy_regex(therapy) if therapy else (None, {})
    if regex is not None:
        for m in regex.finditer(text):
            if re.search(r"(?:\bno|\bwithout|\bnon)[\s-]+$", text[max(0, m.start() - 9):m.start()]):
                neg = re.search(r"(?:\bno|\bwithout|\bnon)[\s-]+$", text[max(0, m.start() - 9):m.start()])
                start = m.start() - len(neg.group(0))
                candidates.append(_Candidate(text[start:m.end()], start, role="control",
                                             control_kind="no_treatment"))
                continue
            candidates.append(_Candidate(m.group(0), m.start(), therapy=owner.get(m.group(0).lower()),
                                         role="treatment"))
    for m in _control_matches(low):
        kind = m.lastgroup
        phrase = text[m.start():m.end()]
        if re.match(r"-\s?control", text[m.end():m.end() + 10]):
            continue  # "placebo-controlled" describes the trial
        if kind == "control" and (text[m.end():m.end() + 1] == "-" or text[max(0, m.start() - 1):m.start()] == "-"):
            continue
        if kind == "control" and re.match(r"\s*(?:group|arm)s?\b|s\b", text[m.end():m.end() + 7]) is None \
                and not re.match(r"controls\b", phrase, re.IGNORECASE) \
                and not re.search(r"(?:with|versus|vs\.?|than|to)\s+(?:the\s+)?$", text[max(0, m.start() - 12):m.start()]):
            continue  # "control of bleeding", "controlled": not an arm
        previous = candidates[-1] if candidates else None
        if previous is not None and previous.role == "control" and previous.start + len(previous.name) + 1 >= m.start() \
                and previous.start < m.start():
            # "saline placebo": one comparator named twice over; the more specific kind names it
            previous.name = text[previous.start:m.end()]
            if _PREFERRED_CONTROL[kind] < _PREFERRED_CONTROL.get(previous.control_kind or "control", 9):
                previous.control_kind = kind
            continue
        candidates.append(_Candidate(phrase, m.start(), role="control", control_kind=kind))
    if hint is not None:
        _apply_hint(candidates, text, hint)
    return _merge(candidates, text)


def _words_before(text: str, end: int, limit: int = 5) -> tuple[str, int]:
    """The last ``limit`` words before ``end`` within one clause, and where they start."""
    window_start = max(0, end - 70)
    window = text[window_start:end]
    cut = max(window.rfind(c) for c in ".;:()[]\n")
    if cut >= 0:
        window_start += cut + 1
        window = text[window_start:end]
    words = list(_NAME_WORD.finditer(window))[-limit:]
    if not words:
        return "", end
    first = words[0].start()
    return window[first:].strip(), window_start + first


_GROUP_WORD = re.compile(r"(?<![a-z])(?:group|arm)")
_PIECES = re.compile(r"\s*(?:,|\band\b|\bor\b|\bversus\b|\bvs\.?)\s*")
_NUMERIC = re.compile(r"[\d.,%]+")


def _group_phrases(text: str, low: str | None = None) -> list[_Candidate]:
    low = lowered(text) if low is None else low
    found = []
    for hit in _GROUP_WORD.finditer(low):
        m = _LETTER_RE.match(text, hit.start())
        if m:
            _letter_group(m, text, found)
            continue
        if hit.start() < 2:
            continue
        m = _GROUP_NOUN_RE.match(text, hit.start())
        if m:
            _named_group(m, text, found)
    return found


def _letter_group(m: re.Match, text: str, found: list[_Candidate]) -> None:
    """"group A (n = 40) received PBMC": a lettered arm, its size and its role."""
    label = m.group("label")
    cand = _Candidate(f"group {label}", m.start(), letter=label.upper())
    cand.keys.add(f"group {label.lower()}")
    cand.size = _size_after(text, m.end())
    if cand.size is not None:
        cand.order = cand.start
    _define_letter_group(cand, text, m.end())
    found.append(cand)


def _named_group(m: re.Match, text: str, found: list[_Candidate]) -> None:
    """"the G-CSF group", "the PBMC and control groups": the words before "group" name arms."""
    mods, offset = _words_before(text, m.start())
    # "the PBMC and control groups": one phrase naming two arms
    pieces = _PIECES.split(mods)
    for piece in pieces:
        name = _clean(piece, tail=True)
        if not name or name.lower() in _STOP or _NUMERIC.fullmatch(name):
            continue
        pos = text.find(name, offset, m.end())
        cand = _Candidate(name, pos if pos >= 0 else m.start())
        if len(pieces) == 1 or piece is pieces[-1]:
            cand.size = _size_after(text, m.end())
        found.append(cand)


def _size_after(text: str, end: int) -> int | None:
    m = _SIZE_AFTER.match(text, end, min(len(text), end + 25))
    if not m:
        return None
    return parse_int(m.group("n") or m.group("n2"))


def _allocation_phrases(text: str) -> list[_Candidate]:
    """Arms listed after "randomized to": "EST (n = 66) or no scratch (n = 51)"."""
    found = []
    for m in _ALLOC_RE.finditer(text):
        stop = re.search(r"\.\s|;\s(?![^()\[\]]*[\)\]])|\bto\s+(?:evaluate|assess|compare|determine|investigate)\b",
                         text[m.end():m.end() + 250])
        window_end = m.end() + (stop.start() if stop else min(250, len(text) - m.end()))
        span = text[m.end():window_end]
        pieces = re.split(r"\s*(?:,\s*(?:and|or)?|\band\b|\bor\b|\bversus\b|\bvs\.?)\s+", span)
        offset = m.end()
        for piece in pieces:
            sized = re.match(rf"(?P<name>[^()\[\]]{{1,60}}?)\s*[\(\[](?P<abbr>[^()\[\];,]{{1,15}}[;,])?\s*[nN]\s?=\s?(?P<n>{INT})\s*[\)\]]", piece)
            if not sized:
                continue
            name = _clean(re.sub(r"\b(?:groups?|arms?)\b", "", sized.group("name")))
            if not name:
                continue
            pos = text.find(sized.group("name"), offset, window_end)
            cand = _Candidate(name, pos if pos >= 0 else offset, size=parse_int(sized.group("n")))
            cand.order = cand.start
            if sized.group("abbr"):
                cand.keys.add(sized.group("abbr")[:-1].strip().lower())
            found.append(cand)
            if pos >= 0:
                offset = pos + len(sized.group("name"))
    return found


_SIZED_RE = re.compile(rf"[\(\[]\s*[nN]\s?=\s?(?P<n>{INT})\s*[\)\]]")


_NAMED_SIZE_RE = re.compile(rf"(?<=[(\[;,] )(?P<name>[A-Za-z][\w+-]{{2,}})\s?=\s?(?P<n>{INT})(?=\s*[;,)\]])"
                            rf"|(?<=[(\[;,])(?P<name2>[A-Za-z][\w+-]{{2,}})\s?=\s?(?P<n2>{INT})(?=\s*[;,)\]])")


def _sized_phrases(text: str) -> list[_Candidate]:
    """Arms printed with their size: "subcutaneous G-CSF (n = 60)", "(Prolutex = 392; ...)"."""
    found = []
    for m in _NAMED_SIZE_RE.finditer(text):
        name = m.group("name") or m.group("name2")
        if name.lower() in ("n", "p", "ci", "or", "rr", "hr"):
            continue
        cand = _Candidate(name, m.start(), size=parse_int(m.group("n") or m.group("n2")))
        cand.order = cand.start
        found.append(cand)
    for m in _SIZED_RE.finditer(text):
        words, start = _words_before(text, m.start(), limit=4)
        name = _clean(words, tail=True)
        if name:
            cand = _Candidate(name, start + words.rfind(name) if name in words else start,
                              size=parse_int(m.group("n")))
            cand.order = cand.start
            found.append(cand)
    return found


def _define_letter_group(cand: _Candidate, text: str, end: int) -> None:
    """Give "group A" the role its definition states ("group A received G-CSF", "group B (control)")."""
    window = text[end:end + 120]
    stop = re.search(r"[;.]\s|\bgroup\s[A-D1-4]\b|\band\s(?:the\s)?(?:other|second)\b", window, re.IGNORECASE)
    window = window[: stop.start()] if stop else window
    cand.definition = window
    kind = control_kind(window)
    regex, owner = _therapy_regex(None)
    therapy_hit = regex.search(window) if regex is not None else None
    if kind and (not therapy_hit or window.find(therapy_hit.group(0)) > _CONTROL_RE.search(lowered(window)).start()):
        cand.role, cand.control_kind = "control", kind
    elif therapy_hit:
        cand.role, cand.therapy = "treatment", owner.get(therapy_hit.group(0).lower())
        cand.keys.add(therapy_hit.group(0).lower())


def _hint_letters(words: str) -> set[str]:
    """Group letters a hint names ("group A (DFE 2 cm)" -> {"a"})."""
    return {m.group(1).lower() for m in re.finditer(rf"(?i:group|arm)s?\s({_LABEL})", words)}


def _apply_hint(candidates: list[_Candidate], text: str, hint: ArmsHint) -> None:
    treat_keys, ctrl_keys = _hint_keys(hint.intervention), _hint_keys(hint.comparator)
    shared = treat_keys & ctrl_keys
    treat_keys, ctrl_keys = treat_keys - shared, ctrl_keys - shared
    for cand in candidates:
        words = set(_hint_keys(cand.name)) | (_hint_keys(cand.definition) if cand.letter else set())
        if cand.letter and cand.letter.lower() in _hint_letters(hint.intervention):
            words |= treat_keys
        elif cand.letter and cand.letter.lower() in _hint_letters(hint.comparator):
            words |= ctrl_keys
        t, c = len(words & treat_keys), len(words & ctrl_keys)
        if cand.letter:
            cand.keys |= words & (treat_keys if t > c else ctrl_keys if c > t else set())
        if t > c:
            cand.role, cand.control_kind = "treatment", None
        elif c > t:
            cand.role = "control"
            cand.control_kind = cand.control_kind or control_kind(hint.comparator) or "control"
        else:
            cand.role = None
    # The hint's own words are arms even when the text never says "group".
    low = lowered(text)
    for keys, role in ((treat_keys, "treatment"), (ctrl_keys, "control")):
        for key in sorted(keys):
            pos = next(find_word(low, key.replace("-", " ")), None)
            if pos is not None:
                cand = _Candidate(text[pos:pos + len(key)], pos, role=role)
                if role == "control":
                    cand.control_kind = control_kind(hint.comparator) or "control"
                candidates.append(cand)


def _terms_in(name: str, therapy: str | None) -> set[str]:
    """Every word of ``therapy`` inside ``name`` ("intrauterine hCG" -> {"intrauterine hcg", "hcg"})."""
    regex, owner = _therapy_regex(therapy)
    if regex is None or therapy is None:
        return set()
    found = set()
    low = lowered(name)
    for term, tid in owner.items():
        if tid == therapy and next(find_word(low, term.replace("-", " ")), None) is not None:
            found.add(term)
    return found


def _role(cand: _Candidate) -> None:
    if cand.role:
        return
    kind = control_kind(cand.name)
    if kind:
        cand.role, cand.control_kind = "control", kind
        return
    regex, owner = _therapy_regex(None)
    hit = regex.search(cand.name) if regex is not None else None
    if hit:
        cand.role, cand.therapy = "treatment", owner.get(hit.group(0).lower())
        cand.keys |= _terms_in(cand.name, cand.therapy)
    elif _TREATMENT_WORDS.match(cand.name):
        cand.role = "treatment"


def _merge(candidates: list[_Candidate], text: str) -> list[Arm]:
    """Fold the candidate phrases into arms: one per control kind, one per active identity."""
    for cand in candidates:
        _role(cand)
        cand.keys.add(cand.name.lower())
    candidates = [c for c in candidates if c.role in ("treatment", "control")]
    candidates.sort(key=lambda c: c.start)
    arms: list[_Candidate] = []
    for cand in candidates:
        target = _same_arm(arms, cand)
        if target is None:
            arms.append(cand)
            continue
        target.keys |= cand.keys
        if target.size is None:
            target.size = cand.size
        if target.therapy is None:
            target.therapy = cand.therapy
        if target.order is None:
            target.order = cand.order
    # Generic active names ("intervention group", "study group") join the one active arm.
    active = [a for a in arms if a.role == "treatment"]
    generic = [a for a in active if _TREATMENT_WORDS.match(a.name)]
    specific = [a for a in active if not _TREATMENT_WORDS.match(a.name)]
    if generic and len({a.therapy or a.name.lower() for a in specific}) <= 1 and specific:
        for g in generic:
            specific[0].keys |= g.keys
            specific[0].size = specific[0].size or g.size
            specific[0].order = specific[0].order if specific[0].order is not None else g.order
            arms.remove(g)
    low = lowered(text)
    for a in arms:
        if a.size is None:
            a.size = _size_before(text, low, a)
    return [Arm(a.name, a.role, a.control_kind, a.size, a.start, tuple(sorted(a.keys)), a.therapy,
                a.order if a.order is not None else a.start) for a in arms]


def _same_arm(arms: list[_Candidate], cand: _Candidate) -> _Candidate | None:
    for arm in arms:
        if arm.role != cand.role:
            continue
        if cand.letter or arm.letter:
            if cand.letter and cand.letter == arm.letter:
                return arm
            if cand.letter and arm.letter is None and arm.name.lower() in cand.keys:
                arm.letter = cand.letter
                arm.keys |= cand.keys
                return arm
            if cand.letter is None and arm.letter and (
                    cand.name.lower() in arm.keys
                    or (arm.role == "control" and cand.control_kind == arm.control_kind)
                    or (arm.role == "treatment" and cand.therapy and cand.therapy == arm.therapy)):
                return arm
            continue
        if arm.role == "control":
            a, c = arm.name.lower(), cand.name.lower()
            if arm.control_kind == cand.control_kind or "control" in (arm.control_kind, cand.control_kind) \
                    or a in c or c in a:
                if _PREFERRED_CONTROL.get(cand.control_kind or "control", 9) < _PREFERRED_CONTROL.get(
                        arm.control_kind or "control", 9):
                    arm.control_kind = cand.control_kind
                return arm
            continue
        if arm.therapy and arm.therapy == cand.therapy:
            return arm
        if cand.name.lower() in arm.keys or any(k in cand.name.lower().split() for k in arm.keys):
            return arm
        if arm.therapy is None and cand.therapy is None:
            return arm
    return None


def _size_before(text: str, low: str, arm: _Candidate) -> int | None:
    for key in arm.keys:
        for pos in find_word(low, key.replace("-", " ")):
            before = _SIZE_BEFORE.search(text, max(0, pos - 70), pos)
            if before:
                return parse_int(before.group("n"))
    return None


class ArmMatcher:
    """Finds mentions of a trial's arms in its abstract.

    Keys are looked up in a lower-cased copy of the text (hyphens read as spaces), longest first;
    "no scratch", "without G-CSF" (a negated key of an active arm) is a mention of the comparator.
    """

    def __init__(self, arms: Sequence[Arm], text: str):
        self.text = text
        self.low = lowered(text)
        entries: dict[str, int] = {}
        pairs = comparisons(arms)
        for i, arm in enumerate(arms):
            for key in arm.keys:
                entries.setdefault(key.replace("-", " "), i)
        if pairs:
            control = pairs[0][1]
            for t in {t for t, _ in pairs}:
                for key in arms[t].keys:
                    for neg in ("no ", "without ", "non "):
                        entries[neg + key.replace("-", " ")] = control
        self.entries = sorted(entries.items(), key=lambda kv: -len(kv[0]))

    def mentions(self, start: int = 0, end: int | None = None) -> list[ArmMention]:
        """Mentions in ``text[start:end]``, left to right, never overlapping."""
        end = len(self.text) if end is None else end
        taken: list[ArmMention] = []
        for key, arm in self.entries:
            for pos in find_word(self.low, key, start, end):
                stop = pos + len(key)
                if self.low.startswith(" control", stop) and self.text[stop] == "-":
                    continue  # "placebo-controlled" describes the trial
                if any(m.start < stop and pos < m.end for m in taken):
                    continue
                taken.append(ArmMention(arm, pos, stop))
        return sorted(taken, key=lambda m: m.start)


def comparisons(arms: Sequence[Arm]) -> list[tuple[int, int]]:
    """``(treatment index, control index)`` pairs: each active arm against the preferred control.

    Examples
    --------
    >>> arms = [Arm("G-CSF", "treatment"), Arm("no treatment", "control", "no_treatment"),
    ...         Arm("placebo", "control", "placebo"), Arm("hCG", "treatment")]
    >>> comparisons(arms)
    [(0, 2), (3, 2)]
    """
    controls = [i for i, a in enumerate(arms) if a.role == "control"]
    if not controls:
        return []
    best = min(controls, key=lambda i: (_PREFERRED_CONTROL.get(arms[i].control_kind or "control", 9), i))
    return [(i, best) for i, a in enumerate(arms) if a.role == "treatment"]


def with_sizes(arms: Iterable[Arm], sizes: dict[int, int]) -> list[Arm]:
    """A copy of ``arms`` with the sizes in ``sizes`` (index -> size) filled in."""
    return [replace(a, size=sizes.get(i, a.size)) for i, a in enumerate(arms)]
