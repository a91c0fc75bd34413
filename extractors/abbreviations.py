"""Abbreviations a paper defines itself: "intralipid (IL)" makes every later "IL" mean intralipid.

A pure algorithm over plain text, after Schwartz & Hearst (2003, "A simple algorithm for
identifying abbreviation definitions in biomedical text"): find ``long form (SHORT)``; take the
words before the parenthesis (at most ``min(len(SHORT) + 5, 2 * len(SHORT))``); walk the short
form's characters right to left, matching each in the long form, the first character at the start
of a word. The shortest long form that matches wins. The reverse order ``SHORT (long form)`` is
read too when the parenthesis holds several words and the outside one is a single short token.

Examples
--------
>>> [(a.short, a.long) for a in find_abbreviations("Women received intralipid (IL) or saline. IL was safe.")]
[('IL', 'intralipid')]
>>> [(a.short, a.long) for a in find_abbreviations("low-molecular-weight heparin (LMWH) daily")]
[('LMWH', 'low-molecular-weight heparin')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PAREN = re.compile(r"\(([^()]{1,60})\)")
_WORD = re.compile(r"\S+")


@dataclass(frozen=True, slots=True)
class Abbreviation:
    """A definition found in the text: offsets index into the text given."""

    short: str
    long: str
    short_start: int
    long_start: int


def _is_short_form(candidate: str) -> bool:
    if not 2 <= len(candidate) <= 10 or len(candidate.split()) > 2:
        return False
    if not candidate[0].isalnum() or not any(ch.isalpha() for ch in candidate):
        return False
    return True


def _match_long_form(short: str, words: list[str]) -> int | None:
    """Index of the first word of the shortest long form matching ``short``, else None."""
    text = " ".join(words)
    s_index = len(short) - 1
    l_index = len(text) - 1
    while s_index >= 0:
        char = short[s_index].lower()
        if not char.isalnum():
            s_index -= 1
            continue
        # the first character of the short form must start a word of the long form
        while l_index >= 0 and (
            text[l_index].lower() != char
            or (s_index == 0 and l_index > 0 and text[l_index - 1].isalnum())
        ):
            l_index -= 1
        if l_index < 0:
            return None
        l_index -= 1
        s_index -= 1
    start_char = text.rfind(" ", 0, l_index + 1) + 1
    return len(text[:start_char].split())


def _definition_after_long(text: str, match: re.Match) -> Abbreviation | None:
    short = match.group(1).strip()
    if not _is_short_form(short):
        return None
    before = text[: match.start()]
    spans = list(_WORD.finditer(before))
    limit = min(len(short) + 5, 2 * len(short))
    window = spans[-limit:] if spans else []
    # a clause boundary ends the candidate long form
    for i in range(len(window) - 1, -1, -1):
        if window[i].group().endswith((".", ";", ":")) and i < len(window) - 1:
            window = window[i + 1:]
            break
    words = [w.group().strip(",") for w in window]
    if not words:
        return None
    first = _match_long_form(short, words)
    if first is None:
        return None
    long_words = window[first:]
    long_start = long_words[0].start()
    long_form = before[long_start:].strip().rstrip(",")
    if not long_form or len(long_form) <= len(short) or short.lower() in long_form.lower().split():
        return None
    return Abbreviation(short, long_form, match.start(1) + match.group(1).index(short), long_start)


def _definition_before_long(text: str, match: re.Match) -> Abbreviation | None:
    inner = match.group(1).strip()
    if len(inner.split()) < 2:
        return None
    before = text[: match.start()].rstrip()
    token = re.search(r"(\S+)$", before)
    if not token or not _is_short_form(token.group(1)) or not any(c.isupper() for c in token.group(1)):
        return None
    short = token.group(1)
    words = inner.split()
    if len(words) > min(len(short) + 5, 2 * len(short)):
        return None
    first = _match_long_form(short, words)
    if first != 0:
        return None
    return Abbreviation(short, inner, token.start(1), match.start(1) + match.group(1).index(inner))


def find_abbreviations(text: str) -> list[Abbreviation]:
    """Every abbreviation defined in ``text``, first definition of each short form only."""
    found: dict[str, Abbreviation] = {}
    for match in _PAREN.finditer(text):
        definition = _definition_after_long(text, match) or _definition_before_long(text, match)
        if definition and definition.short not in found:
            found[definition.short] = definition
    return list(found.values())


def abbreviation_map(text: str) -> dict[str, str]:
    """``{short: long}`` for the abbreviations ``text`` defines."""
    return {a.short: a.long for a in find_abbreviations(text)}
