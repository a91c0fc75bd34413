"""Where an abstract names its arms: group phrases, allocation lists, printed sizes, lettered groups.

Each finder returns :class:`Candidate` phrases with a position, and a size or a role when the
text gives one; ``extractors.arms`` folds them into arms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractors.arm_words import CONTROL_RE, LABEL, STOP_WORDS, clean_name, control_kind, therapy_regex
from extractors.numbers import INT, WORD_INT, parse_int
from extractors.patterns import find_word, lowered


@dataclass
class Candidate:
    """A phrase that may name an arm, with what the text says about it."""

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
    hinted: str | None = None  # "intervention" / "comparator" when an ArmsHint's words name it


_LETTER_RE = re.compile(rf"(?P<letter>(?i:group|arm))\s(?P<label>{LABEL})")
#: "group"/"arm" as a noun; the words before it name the arm. The name is read backwards from
#: here (a forward regex with optional words backtracks badly on long abstracts).
#: "group A (intrauterine hCG 500 IU, n = 60)": a bracket right after the label whose last item is
#: the group's size. Whether the group is an arm is still decided by its definition's words: an age
#: stratum ("group 1 (< 35 years, n = 60)") names no therapy or comparator and is dropped.
_SIZE_CLOSING_DEFINITION = re.compile(rf"\s*[(\[][^()\[\];]{{1,80}}?[,;]\s*[nN]\s?=\s?(?P<n>{INT})\s*[)\]]")
_GROUP_NOUN_RE = re.compile(rf"(?<=[\w+%)\]] )(?i:groups?|arms?)(?![\w])(?!\s{LABEL})")
_NAME_WORD = re.compile(r"[\w+/\u00b5\u03bc%-]+(?:\.\w+)*")
_SIZE_AFTER = re.compile(rf"\s*[\(\[,]?\s*(?:[nN]\s?=\s?(?P<n>{INT})|(?P<n2>{INT})\s+(?:women|patients|participants|couples|subjects))\s*[\)\]]?")
_SIZE_BEFORE = re.compile(
    rf"(?P<n>{INT}|{WORD_INT})\s+(?:(?:women|patients|participants|couples|subjects|cases)\s+)?"
    r"(?:(?:were|was)\s+)?(?:(?:(?:randomi[sz]ed|allocated|assigned|included|enrolled)\s+)?(?:in|into|to)|received|"
    r"underwent|were\s+given|got)\s+(?:the\s+)?$"
)
_ALLOC_RE = re.compile(
    r"(?:randomi[sz]ed|randomly\s+(?:allocated|assigned|divided)|allocated|assigned|divided)\s+"
    r"(?:(?:\w+\s+){0,3}?)(?:to|into|in)\s+(?:receive\s+|either\s+|undergo\s+|two\s+groups?\s*:?\s*|three\s+groups?\s*:?\s*)*"
)


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


def group_phrases(text: str, low: str | None = None) -> list[Candidate]:
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


def _letter_group(m: re.Match, text: str, found: list[Candidate]) -> None:
    """"group A (n = 40) received PBMC": a lettered arm, its size and its role."""
    label = m.group("label")
    cand = Candidate(f"group {label}", m.start(), letter=label.upper())
    cand.keys.add(f"group {label.lower()}")
    cand.size = _size_after(text, m.end())
    if cand.size is None:
        # "group A (intrauterine hCG 500 IU, n = 60)": the size closes the group's definition
        inside = _SIZE_CLOSING_DEFINITION.match(text, m.end())
        cand.size = parse_int(inside.group("n")) if inside else None
    if cand.size is not None:
        cand.order = cand.start
    _define_letter_group(cand, text, m.end())
    found.append(cand)


def _named_group(m: re.Match, text: str, found: list[Candidate]) -> None:
    """"the G-CSF group", "the PBMC and control groups": the words before "group" name arms."""
    mods, offset = _words_before(text, m.start())
    # "the PBMC and control groups": one phrase naming two arms
    pieces = _PIECES.split(mods)
    for piece in pieces:
        name = clean_name(piece, tail=True)
        if not name or name.lower() in STOP_WORDS or _NUMERIC.fullmatch(name):
            continue
        pos = text.find(name, offset, m.end())
        cand = Candidate(name, pos if pos >= 0 else m.start())
        if len(pieces) == 1 or piece is pieces[-1]:
            cand.size = _size_after(text, m.end())
        found.append(cand)


def _size_after(text: str, end: int) -> int | None:
    m = _SIZE_AFTER.match(text, end, min(len(text), end + 25))
    if not m:
        return None
    return parse_int(m.group("n") or m.group("n2"))


#: How the randomisation was done, said between "randomized in" and the list: "in a 1:1 ratio to",
#: "in a double-blind fashion to".
_MANNER_THEN_TO = re.compile(r"[^.;()\[\]]{1,40}?\bto\s+(?:receive\s+|either\s+)*")


def allocation_phrases(text: str) -> list[Candidate]:
    """Arms listed after "randomized to": "EST (n = 66) or no scratch (n = 51)"."""
    found = []
    for m in _ALLOC_RE.finditer(text):
        stop = re.search(r"\.\s|;\s(?![^()\[\]]*[\)\]])|\bto\s+(?:evaluate|assess|compare|determine|investigate)\b",
                         text[m.end():m.end() + 250])
        window_end = m.end() + (stop.start() if stop else min(250, len(text) - m.end()))
        begin = m.end()
        manner = _MANNER_THEN_TO.match(text, begin, window_end) if re.search(r"\bin(?:to)?\s+$", m.group(0)) else None
        if manner:
            begin = manner.end()  # "randomized in a 1:1 ratio to G-CSF or placebo": the list follows "to"
        span = text[begin:window_end]
        pieces = re.split(r"\s*(?:,\s*(?:and|or)?|\band\b|\bor\b|\bversus\b|\bvs\.?)\s+", span)
        offset = begin
        for piece in pieces:
            sized = re.match(rf"(?P<name>[^()\[\]]{{1,60}}?)\s*[\(\[](?P<abbr>[^()\[\];,]{{1,15}}[;,])?\s*[nN]\s?=\s?(?P<n>{INT})\s*[\)\]]", piece)
            if not sized:
                offset = _unsized_piece(piece, text, offset, window_end, len(pieces), found)
                continue
            name = clean_name(re.sub(r"\b(?:groups?|arms?)\b", "", sized.group("name")))
            if not name:
                continue
            pos = text.find(sized.group("name"), offset, window_end)
            cand = Candidate(name, pos if pos >= 0 else offset, size=parse_int(sized.group("n")))
            cand.order = cand.start
            if sized.group("abbr"):
                cand.keys.add(sized.group("abbr")[:-1].strip().lower())
            found.append(cand)
            if pos >= 0:
                offset = pos + len(sized.group("name"))
    return found


#: An arm listed with no size: "randomized to intralipid or saline". A short name with no figure
#: in it; whether it is an arm at all is decided by its words (a therapy's or a comparator's) when
#: the candidates are merged, so "randomized to two groups" or "... or were followed up" adds none.
_UNSIZED_NAME = re.compile(r"[A-Za-z][\w+/-]*(?:\s+[A-Za-z][\w+/-]*){0,3}")


def _unsized_piece(piece: str, text: str, offset: int, window_end: int, listed: int,
                   found: list[Candidate]) -> int:
    """Add ``piece`` of an allocation list as an arm without a size; return where reading goes on.

    Only in a list of two or three (more is a sentence running on, not arms), and only a name
    of up to four words with no figure, bracket or padding word in it ("double-blind fashion to
    placebo" is the manner of randomising, then the arm)."""
    name = clean_name(piece)
    if not 2 <= listed <= 3 or not _UNSIZED_NAME.fullmatch(name) \
            or any(w.lower() in STOP_WORDS for w in name.split()):
        return offset
    pos = text.find(name, offset, window_end)
    if pos < 0:
        return offset
    cand = Candidate(name, pos)
    cand.order = pos
    found.append(cand)
    return pos + len(name)


_SIZED_RE = re.compile(rf"[\(\[]\s*[nN]\s?=\s?(?P<n>{INT})\s*[\)\]]")
_NAMED_SIZE_RE = re.compile(rf"(?<=[(\[;,] )(?P<name>[A-Za-z][\w+-]{{2,}})\s?=\s?(?P<n>{INT})(?=\s*[;,)\]])"
                            rf"|(?<=[(\[;,])(?P<name2>[A-Za-z][\w+-]{{2,}})\s?=\s?(?P<n2>{INT})(?=\s*[;,)\]])")
#: "(G-CSF, n = 60; placebo, n = 58)": a one-word name opening a bracket or a list item, then its n.
#: Found from the ", n =" backwards (a pattern starting at the name is tried at every letter: slow).
_COMMA_N_RE = re.compile(rf",\s?[nN]\s?=\s?(?P<n>{INT})(?=\s*[;)\]])")
_NAME_BEFORE_COMMA_N = re.compile(r"(?:^|[(\[;]\s?)(?P<name>[A-Za-z][\w+-]{2,})$")


def sized_phrases(text: str) -> list[Candidate]:
    """Arms printed with their size: "subcutaneous G-CSF (n = 60)", "(Prolutex = 392; ...)",
    "(G-CSF, n = 60; placebo, n = 58)"."""
    found = []
    for m in _NAMED_SIZE_RE.finditer(text):
        name = m.group("name") or m.group("name2")
        if name.lower() in ("n", "p", "ci", "or", "rr", "hr"):
            continue
        cand = Candidate(name, m.start(), size=parse_int(m.group("n") or m.group("n2")))
        cand.order = cand.start
        found.append(cand)
    for m in _COMMA_N_RE.finditer(text):
        named = _NAME_BEFORE_COMMA_N.search(text, max(0, m.start() - 40), m.start())
        if named and clean_name(named.group("name")):
            cand = Candidate(named.group("name"), named.start("name"), size=parse_int(m.group("n")))
            cand.order = cand.start
            found.append(cand)
    for m in _SIZED_RE.finditer(text):
        words, start = _words_before(text, m.start(), limit=4)
        name = clean_name(words, tail=True)
        if name:
            cand = Candidate(name, start + words.rfind(name) if name in words else start,
                              size=parse_int(m.group("n")))
            cand.order = cand.start
            found.append(cand)
    return found


_NEXT_DEFINITION = re.compile(rf"[;.]\s|\bgroup\s{LABEL}|\band\s(?:the\s)?(?:other|second)\b", re.IGNORECASE)


def _define_letter_group(cand: Candidate, text: str, end: int) -> None:
    """Give "group A" the role its definition states ("group A received G-CSF", "group B (control)")."""
    window = text[end:end + 120]
    # the next group's label ends this one's definition, Roman ("group II") as well as lettered
    stop = _NEXT_DEFINITION.search(window)
    window = window[: stop.start()] if stop else window
    cand.definition = window
    kind = control_kind(window)
    regex, owner = therapy_regex(None)
    therapy_hit = regex.search(window) if regex is not None else None
    control = CONTROL_RE.search(lowered(window)) if kind else None
    if control and (not therapy_hit or window.find(therapy_hit.group(0)) > control.start()):
        cand.role, cand.control_kind = "control", kind
        # "group II (placebo, n = 50)" after "randomized to G-CSF or placebo": the same arm as "placebo"
        cand.keys.add(control.group(0).strip())
    elif therapy_hit:
        cand.role, cand.therapy = "treatment", owner.get(therapy_hit.group(0).lower())
        cand.keys.add(therapy_hit.group(0).lower())


def size_before(text: str, low: str, arm: Candidate) -> int | None:
    """The size printed before the arm's name ("60 women were allocated to the G-CSF group"), when
    every key of the arm that has one gives the same: keys are a set, and an arm whose keys give two
    sizes (two arms folded into one) would otherwise take whichever key came first in the process."""
    sizes = {n for n in (_first_size_before(text, low, key) for key in arm.keys) if n is not None}
    return sizes.pop() if len(sizes) == 1 else None


def _first_size_before(text: str, low: str, key: str) -> int | None:
    for pos in find_word(low, key.replace("-", " ")):
        before = _SIZE_BEFORE.search(text, max(0, pos - 70), pos)
        if before and not (_VERB_BEFORE_SIZE.search(text, max(0, before.start() - 40), before.start())
                           and not _SECOND_SIZE.match(text, pos, min(len(text), pos + 100))) \
                and not _EVERYONE_TO_LIST.match(text, pos + len(key)) \
                and not (_BARE_IN.search(before.group(0))
                         and _RESULT_WORDS.search(text, _sentence_start(text, before.start()), before.start())) \
                and not (_PLAIN_IN.search(before.group(0))
                         and _RESULT_WORDS.search(text, before.start(), _sentence_end(text, pos))):
            return parse_int(before.group("n"))
    return None


#: "We randomized 117 women to A or B": a number after the verb is everyone randomized, not A's size.
_VERB_BEFORE_SIZE = re.compile(r"(?i:randomi[sz]ed|randomly\s+(?:allocated|assigned|divided)|allocated|assigned|"
                               r"divided|included|enrolled|recruited)\s+(?:a\s+total\s+of\s+)?$")
#: "... randomized 88 women to LMWH and 87 to no LMWH": then the first number is LMWH's after all.
_SECOND_SIZE = re.compile(rf"[^.;]{{0,80}}?\band\s+{INT}\s+(?:\w+\s+)?(?:to|into|in|received)\b")


#: "Sixty women were randomised to G-CSF or placebo": a list of every arm after the number, so
#: the number is everyone's, not the first arm's.
_EVERYONE_TO_LIST = re.compile(r"[\w-]*\s*(?:(?:groups?|arms?)\s*)?(?:[(\[][^()\[\]]{0,40}[)\]]\s*)?(?:or|versus|vs\.?)\s",
                               re.IGNORECASE)
#: "... and 6 in the placebo group": a number with neither noun nor verb before "in" ...
_BARE_IN = re.compile(r"^\S+\s+in\s", re.IGNORECASE)
#: ... in a sentence that has named a result is that result's count, not the arm's size.
_RESULT_WORDS = re.compile(r"pregnan|birth|miscarr|abortion|implantation|deliver|\brates?\b|\bevents?\b|outcome",
                           re.IGNORECASE)


#: "21 women in the PBMC group and 11 in the control group achieved a clinical pregnancy": a number
#: "in" an arm, with a result named later in its sentence, is that result's count too.
_PLAIN_IN = re.compile(r"^\S+\s+(?:(?:women|patients|participants|couples|subjects|cases)\s+)?in\s", re.IGNORECASE)


def _sentence_end(text: str, pos: int) -> int:
    end = text.find(". ", pos)
    return len(text) if end < 0 else end


def _sentence_start(text: str, pos: int) -> int:
    return max(text.rfind(". ", 0, pos) + 2, text.rfind("\n", 0, pos) + 1, 0)


#: Who an equal size counts: women, never embryos or cycles.
_PEOPLE = r"(?:women|patients|participants|couples|subjects|cases)"
_N = rf"(?:{INT}|{WORD_INT})"
_EACH_SIZE = re.compile(
    rf"[nN]\s?=\s?(?P<n>{INT})\s+(?:each|in\s+each\s+(?:group|arm)|per\s+(?:group|arm))\b"
    rf"|(?P<n2>{_N})\s+(?:{_PEOPLE}\s+)?(?:in\s+each|per)\s+(?:\w+\s+)?(?:group|arm)\b"
    rf"|(?P<n3>{_N})\s+{_PEOPLE}\s+each\b"
    # "each group had 60 patients", "each arm comprised 30 women": a figure of anything else
    # ("each group had 60 embryos transferred") is no size
    rf"|\beach\s+(?:group|arm)\s+(?:had|has|included|includes|contained|comprised|consisted\s+of|was\s+composed\s+of|"
    rf"enrolled)\s+(?P<n4>{_N})(?:\s+{_PEOPLE}\b|(?!\s+[A-Za-z]))", re.IGNORECASE)
#: "each group" of strata, not of arms: "stratified by age into three groups of 40 each".
_STRATA = re.compile(r"stratif|subgroup|\bage[ds]?\b|\byears\b|\bBMI\b|tertile|quartile|according\s+to", re.IGNORECASE)
#: How many groups the sentence says there are: "divided into three groups, 40 in each".
_GROUP_COUNT = re.compile(r"\b(?P<k>two|three|four|2|3|4)\s+(?:\w+\s+)?(?:groups|arms)\b", re.IGNORECASE)


def each_size(text: str, arms: int = 2) -> int | None:
    """The one size every one of ``arms`` arms has when the text says so: "(n = 30 each)", "40 women
    in each group", "60 cases each", "each group had 60 patients".

    Not when the sentence is about strata ("stratified by age ... 40 in each group") or says there
    are more or fewer groups than the arms found (a third arm not recognised), and only one such
    size in the whole text.

    Examples
    --------
    >>> each_size("Women were randomly divided into two groups, with 60 cases in each group.")
    60
    >>> each_size("Women were stratified by age into two groups of 60 patients each.") is None
    True
    """
    if "each" not in text.lower() and "per " not in text:
        return None
    sizes = set()
    for m in _EACH_SIZE.finditer(text):
        start, end = _sentence_start(text, m.start()), _sentence_end(text, m.end())
        stated = _GROUP_COUNT.search(text, start, end)
        if _STRATA.search(text, start, end) or stated and parse_int(stated.group("k")) != arms:
            return None
        sizes.add(parse_int(m.group("n") or m.group("n2") or m.group("n3") or m.group("n4")))
    return sizes.pop() if len(sizes) == 1 else None
