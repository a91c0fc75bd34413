r"""Find named patterns in a record's title and abstract once, cheaply, for rules and features alike.

A :class:`Pattern` is a regular expression with *anchors*: lowercase substrings one of which every
match contains. Looking for a pattern costs three steps, each done only when the one before it
succeeds:

1. **Gate.** The record's tokens are looked up once in :data:`extractors.keywords.WORDS`, which
   remembers which registered words (anchors' among them) each token contains. A pattern none of whose anchor words
   occurs is absent, at the cost of a set lookup.
2. **Windows.** The anchors that passed the gate are found in the text; the expression runs only
   within :data:`REACH` characters of them.
3. **Match.** The regular expression itself.

Python's engine tries a pattern that starts with ``\b`` at every position of a text (about 20 µs
an abstract for each pattern, measured), and a ``str.find`` per anchor costs about 1 µs; with some
180 anchors, these steps are what make the rules and cues affordable. Patterns are written so that
no match reaches farther than ``REACH`` characters from its anchor; the test suite checks that
gated, windowed search and a plain search agree on real abstracts.

A :class:`Scan` holds one record's title and abstract (and their lowercased forms) and remembers
each answer, so the rules of :mod:`models.rct_rules` and the cues of :mod:`models.features` share
the work.

Examples
--------
>>> allocation = Pattern("allocation", ("random",), r"\brandomly\s+assigned\b|\bwe\s+randomi[sz]ed\b")
>>> scan = Scan("Aspirin after stroke", "Patients were randomly assigned to aspirin.")
>>> scan.found(allocation, "abstract"), scan.found(allocation, "title")
(True, False)
"""

from __future__ import annotations

import re

from extractors.keywords import TOKEN, WORDS, longest_run

#: How far (in characters) a match may reach from the anchor that lets its pattern run.
REACH = 200


class _Part:
    __slots__ = ("anchors", "regex", "words", "always")

    def __init__(self, anchors: tuple[str, ...], regex: re.Pattern[str]):
        self.anchors = anchors
        self.regex = regex
        words = [longest_run(a) for a in anchors]
        self.always = any(w is None for w in words)  # an anchor of punctuation only: no gate
        self.words = tuple(dict.fromkeys(w for w in words if w))
        for word in self.words:
            WORDS.add(word)


class Pattern:
    """A named regular expression over lowercased text (or the original text when ``cased``).

    Anchors are lowercase and are looked for in the lowercased text, also for a ``cased``
    pattern, which then runs on the original text at the same places. :meth:`any_of` joins
    patterns into one whose parts keep their own anchors, so a rare alternative is not searched
    near a common alternative's anchor.
    """

    __slots__ = ("name", "cased", "_parts")

    def __init__(self, name: str, anchors: tuple[str, ...], expression: str | re.Pattern[str], cased: bool = False):
        if not anchors or any(a != a.lower() for a in anchors):
            raise ValueError(f"pattern {name}: anchors must be lowercase and at least one")
        self.name = name
        self.cased = cased
        regex = expression if isinstance(expression, re.Pattern) else re.compile(expression)
        self._parts: tuple[_Part, ...] = (_Part(tuple(anchors), regex),)

    @classmethod
    def any_of(cls, name: str, *patterns: Pattern) -> Pattern:
        """A pattern that occurs where any of ``patterns`` does."""
        if len({p.cased for p in patterns}) != 1:
            raise ValueError(f"pattern {name}: cannot join cased and lowercase patterns")
        joined = cls.__new__(cls)
        joined.name, joined.cased = name, patterns[0].cased
        joined._parts = tuple(part for p in patterns for part in p._parts)
        return joined

    @property
    def anchors(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(a for part in self._parts for a in part.anchors))

    @property
    def regex(self) -> re.Pattern[str]:
        """The whole pattern as one expression (to search a text without gates or windows)."""
        if len(self._parts) == 1:
            return self._parts[0].regex
        return re.compile("|".join(f"(?:{part.regex.pattern})" for part in self._parts))

    def search(self, lower: str, original: str | None = None, present: set[str] | None = None) -> re.Match[str] | None:
        """A match near an anchor, or None.

        ``original`` is the text a ``cased`` pattern runs on; ``present`` the anchor words the
        text's tokens contain (:class:`Scan` supplies it; without it every part is tried).
        """
        text = original if self.cased and original is not None else lower
        for part in self._parts:
            if present is not None and not part.always and present.isdisjoint(part.words):
                continue
            if len(text) != len(lower):  # lowercasing changed lengths (rare Unicode): search everything
                match = part.regex.search(text) if any(a in lower for a in part.anchors) else None
            else:
                match = None
                for start, end in _windows(lower, part.anchors):
                    match = part.regex.search(text, start, min(end, len(text)))
                    if match:
                        break
            if match:
                return match
        return None

    def __repr__(self) -> str:
        return f"Pattern({self.name!r})"


def _windows(lower: str, anchors: tuple[str, ...]) -> list[tuple[int, int]]:
    """Merged ``[start, end)`` spans of ``lower`` around every anchor occurrence."""
    if len(lower) <= 2 * REACH:  # a short text is one window, if an anchor occurs at all
        return [(0, len(lower))] if any(anchor in lower for anchor in anchors) else []
    spans = []
    for anchor in anchors:
        at = lower.find(anchor)
        while at >= 0:
            spans.append((max(0, at - REACH), at + len(anchor) + REACH))
            at = lower.find(anchor, at + 1)
    if not spans:
        return []
    spans.sort()
    merged = [spans[0]]
    for start, end in spans[1:]:
        if start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


class Scan:
    """One record's title and abstract, with the answers of every pattern asked about them."""

    __slots__ = ("title", "abstract", "_lower", "_cased", "_found", "_tokens", "_present")

    def __init__(self, title: str, abstract: str):
        self.title = title or ""
        self.abstract = abstract or ""
        self._lower = {"title": self.title.lower(), "abstract": self.abstract.lower()}
        self._cased = {"title": self.title, "abstract": self.abstract}
        self._found: dict[tuple[int, str], bool] = {}
        self._tokens: dict[str, list[str]] = {}
        self._present: dict[str, tuple[int, set[str]]] = {}

    def text(self, where: str, cased: bool = False) -> str:
        """The title or abstract, lowercased unless ``cased``."""
        return self._cased[where] if cased else self._lower[where]

    def found(self, pattern: Pattern, where: str) -> bool:
        """Does ``pattern`` occur in the title, the abstract, or (``text``) either of them?"""
        if where == "text":
            return self.found(pattern, "title") or self.found(pattern, "abstract")
        key = (id(pattern), where)
        answer = self._found.get(key)
        if answer is None:
            present = self.words_found(where)
            answer = pattern.search(self._lower[where], self._cased[where], present) is not None
            self._found[key] = answer
        return answer

    def words_found(self, where: str) -> set[str]:
        """The registered words (:data:`extractors.keywords.WORDS`) the title's or abstract's tokens contain.

        Recomputed if words were registered since (a gate built after this scan began).
        """
        cached = self._present.get(where)
        if cached is None or cached[0] != WORDS.generation:
            cached = self._present[where] = (WORDS.generation, WORDS.found(self.tokens(where)))
        return cached[1]

    def tokens(self, where: str) -> list[str]:
        """The tokens (:data:`extractors.keywords.TOKEN`) of the lowercased title or abstract, in order."""
        tokens = self._tokens.get(where)
        if tokens is None:
            tokens = self._tokens[where] = TOKEN.findall(self._lower[where])
        return tokens
