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
