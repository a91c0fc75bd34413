"""Fast alternations of many phrases: a regex shaped like a trie of their characters.

Python's regex engine tries every branch of ``a|b|c`` at every position. With a few hundred
vocabulary phrases that dominates extraction time; sharing prefixes (``live birth(?:s| rate)``)
lets a failing position be rejected after one character instead of hundreds. Longest phrases
still win, because a branch that continues is tried before the branch that stops.

Examples
--------
>>> trie_pattern(["live birth", "live births", "live birth rate", "LBR"])
'(?:live\\\\ birth(?:\\\\ rate|s)?|LBR)'
"""

from __future__ import annotations

import re
from typing import Callable, Iterable


def trie_pattern(phrases: Iterable[str], escape: Callable[[str], str] = re.escape) -> str:
    """A non-capturing regex matching any of ``phrases``, longest first at each position.

    ``escape`` turns one character into regex text (so callers can, for example, let a space
    also match a hyphen).
    """
    trie: dict = {}
    for phrase in phrases:
        if not phrase:
            continue
        node = trie
        for ch in phrase:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _render(trie, escape) if trie else "(?!)"


def _render(node: dict, escape: Callable[[str], str]) -> str:
    ends_here = "" in node
    branches = []
    for ch in sorted(k for k in node if k):
        branches.append(escape(ch) + _render(node[ch], escape))
    if not branches:
        return ""
    # Longer continuations first; the empty end (if any) becomes an optional group.
    branches.sort(key=lambda b: (-len(b), b))
    if len(branches) == 1 and not ends_here:
        return branches[0]
    body = "|".join(branches)
    if ends_here:
        return f"(?:{body})?"
    return f"(?:{body})"


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
