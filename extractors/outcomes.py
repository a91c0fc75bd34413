"""Find outcome mentions (live birth, clinical pregnancy, LBR, CPR ...) and their denominator unit.

The vocabulary lives in ``config/outcomes.toml``: phrases match case-insensitively on word
boundaries, abbreviations case-sensitively (``MR`` or ``IR`` written in lower case are ordinary
words). Names of the *condition* are not outcomes: "recurrent implantation failure", "recurrent
pregnancy loss" and "recurrent miscarriage" are skipped.

The denominator unit is read only when the text states it next to the mention ("live birth rate
per woman randomised", "clinical pregnancy per transfer", "per-cycle"): ``woman``, ``cycle``,
``transfer`` or ``embryo``.

Examples
--------
>>> [(m.outcome, m.text, m.unit) for m in find_outcomes("The LBR per embryo transfer and clinical pregnancy rate")]
[('live_birth', 'LBR', 'transfer'), ('clinical_pregnancy', 'clinical pregnancy rate', None)]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Sequence

from extractors.patterns import trie_pattern


@dataclass(frozen=True, slots=True)
class OutcomeMention:
    """One mention of an outcome: its id, the words as printed, where, and the unit if stated."""

    outcome: str
    text: str
    start: int
    end: int
    unit: str | None = None


@dataclass(frozen=True, slots=True)
class OutcomeTerms:
    """The words of one outcome id (a row of ``config/outcomes.toml``)."""

    outcome: str
    phrases: tuple[str, ...] = ()
    abbreviations: tuple[str, ...] = ()


#: Condition names that contain outcome words; a mention inside one is not an outcome.
_CONDITION_PREFIX = r"(?<!recurrent )(?<!repeated )(?<!habitual )(?<!recurrent early )"
#: Words that turn an outcome phrase into something else ("implantation failure", "loss of ...").
_NOT_AFTER = r"(?!\s+(?:failures?|window|site|potential|stage)\b)"

_UNIT_AFTER = re.compile(
    r"\s*[\(\[,]?\s*(?:\w+\s+){0,2}?(?:per|/)\s*-?\s*(?:(?P<woman>(?:randomi[sz]ed\s+|included\s+|enrolled\s+)?"
    r"(?:women|woman|patients?|participants?|couples?|subjects?))"
    r"|(?P<cycle>(?:started\s+|initiated\s+|treatment\s+|stimulat(?:ed|ion)\s+|IVF\s+)?cycles?)"
    r"|(?P<transfer>(?:embryo\s+)?transfers?\b|ETs?\b|transfer\s+procedures?)"
    r"|(?P<embryo>(?:embryos?|blastocysts?)(?:\s+transferred)?)"
    # "live birth rate per clinical pregnancy": a share of pregnancies (no stored unit; it only
    # stops a percentage being taken over the arm's women)
    r"|(?P<pregnancy>(?:clinical\s+|ongoing\s+)?pregnanc(?:y|ies)))",
    re.IGNORECASE,
)
_UNIT_BEFORE = re.compile(
    r"(?:per|/)[\s-]?(?P<woman>woman|patient|participant)[\s-]|(?:per|/)[\s-]?(?P<cycle>cycle)[\s-]"
    r"|(?:per|/)[\s-]?(?P<transfer>transfer)[\s-]|(?:per|/)[\s-]?(?P<embryo>embryo)[\s-]",
    re.IGNORECASE,
)
UNITS = ("woman", "cycle", "transfer", "embryo")
_DENOMINATOR_BEFORE = re.compile(r"\bper\s+(?:\d[\d,]*\s+)?$", re.IGNORECASE)
#: "live birth (LB)", "ongoing pregnancy (OP)": an abbreviation defined right after a mention.
_ABBR_DEFINITION = re.compile(r"(?<=\S) ?\((?P<abbr>[A-Z][A-Za-z]{0,4})\)")


def _key(words: str) -> str:
    """Phrase identity regardless of case, spaces and hyphens ("Live-birth" == "live birth")."""
    return re.sub(r"[\s-]+", "", words.lower())


def _loose(ch: str) -> str:
    """A space or hyphen in a vocabulary phrase matches a space, a hyphen or nothing."""
    return r"[\s-]*" if ch in " -" else re.escape(ch)


class OutcomeMatcher:
    """A compiled vocabulary: finds mentions of its outcomes in text.

    Parameters
    ----------
    terms
        One :class:`OutcomeTerms` per outcome id. Longer phrases win over shorter ones that
        overlap them ("ongoing pregnancy rate" over "pregnancy rate").
    """

    def __init__(self, terms: Iterable[OutcomeTerms]):
        self.terms = tuple(terms)
        self._phrases: dict[str, str] = {}
        self._words: dict[str, frozenset[str]] = {}
        self._abbreviations: dict[str, str] = {}
        for t in self.terms:
            for phrase in t.phrases:
                self._phrases.setdefault(_key(phrase), t.outcome)
            for abbr in t.abbreviations:
                self._abbreviations.setdefault(abbr, t.outcome)
        parts = []
        if self._phrases:
            phrases = [p for t in self.terms for p in t.phrases]
            parts.append(f"(?P<p>(?i:{trie_pattern(phrases, _loose)}))")
        if self._abbreviations:
            parts.append(f"(?P<a>{trie_pattern(self._abbreviations)})")
        self._regex = re.compile(
            rf"{_CONDITION_PREFIX}(?<![\w-])(?:{'|'.join(parts)})(?![\w])(?!-\w){_NOT_AFTER}"
        ) if parts else None

    def find(self, text: str, start: int = 0, end: int | None = None,
             extra: dict[str, str] | None = None) -> list[OutcomeMention]:
        """Mentions in ``text[start:end]``, left to right, with the unit when stated beside them.

        ``extra`` maps abbreviations the text itself defined ("ongoing pregnancy (OP)") to ids.
        """
        if self._regex is None:
            return []
        end = len(text) if end is None else end
        found = self._find(text, start, end)
        if extra:
            for abbr, outcome in extra.items():
                for m in re.finditer(rf"(?<![\w-]){re.escape(abbr)}(?![\w-])", text[start:end]):
                    a, b = start + m.start(), start + m.end()
                    if not any(f.start < b and a < f.end for f in found):
                        found.append(OutcomeMention(outcome, abbr, a, b, find_unit(text, a, b)))
            found.sort(key=lambda f: f.start)
        return found

    def might_mention(self, text: str) -> bool:
        """False only when :meth:`find` would find nothing anywhere in ``text``, whatever ``extra``.

        ``extra`` holds abbreviations the text defines right after a phrase ``find`` matches
        (:meth:`defined_abbreviations`), so a text with no match has none either.
        """
        return self._regex is not None and self._regex.search(text) is not None

    def words(self, outcome: str) -> frozenset[str]:
        """Every lower-case word of ``outcome``'s phrases and abbreviations."""
        cached = self._words.get(outcome)
        if cached is None:
            cached = frozenset(w for t in self.terms if t.outcome == outcome
                               for p in t.phrases + t.abbreviations for w in re.findall(r"[a-z0-9]+", p.lower()))
            self._words[outcome] = cached
        return cached

    def defined_abbreviations(self, text: str) -> dict[str, str]:
        """Abbreviations the text defines for an outcome: "live birth (LB)" -> {"LB": "live_birth"}."""
        defined: dict[str, str] = {}
        for m in _ABBR_DEFINITION.finditer(text):
            abbr = m.group("abbr")
            if abbr in self._abbreviations or abbr in defined:
                continue
            before = self._find(text, max(0, m.start() - 60), m.start())
            if before and before[-1].end == m.start():
                defined[abbr] = before[-1].outcome
        return defined

    def _find(self, text: str, start: int, end: int) -> list[OutcomeMention]:
        found: list[OutcomeMention] = []
        if self._regex is None:
            return found
        for m in self._regex.finditer(text, start, end):
            if _DENOMINATOR_BEFORE.search(text, max(0, m.start() - 16), m.start()):
                continue  # "42 deaths per 1000 livebirths": a denominator, not an outcome
            words = m.group(0)
            outcome = (self._phrases.get(_key(words)) if m.lastgroup == "p"
                       else self._abbreviations.get(words))
            if outcome is None:
                continue
            found.append(OutcomeMention(outcome, words, m.start(), m.end(), find_unit(text, m.start(), m.end())))
        return found


def find_unit(text: str, start: int, end: int) -> str | None:
    """The denominator unit stated right after (or just before) the mention ``text[start:end]``."""
    after = _UNIT_AFTER.match(text, end, min(len(text), end + 45))
    if after:
        return after.lastgroup
    before = _UNIT_BEFORE.search(text, max(0, start - 14), start)
    if before:
        return before.lastgroup
    return None


@lru_cache(maxsize=1)
def default_matcher() -> OutcomeMatcher:
    """The matcher for ``config/outcomes.toml``, built once per process."""
    from config.schema import default_config

    return OutcomeMatcher(OutcomeTerms(o.id, o.phrases, o.abbreviations) for o in default_config().outcomes)


def find_outcomes(text: str, start: int = 0, end: int | None = None,
                  matcher: OutcomeMatcher | None = None, extra: dict[str, str] | None = None) -> list[OutcomeMention]:
    """Outcome mentions in ``text[start:end]`` with the configured vocabulary (or ``matcher``)."""
    return (matcher or default_matcher()).find(text, start, end, extra)


def terms_from_phrases(outcome: str, phrases: Sequence[str]) -> OutcomeTerms:
    """An ad-hoc outcome, e.g. for evaluating on a corpus whose outcomes are not ours."""
    return OutcomeTerms(outcome, tuple(p for p in phrases if p.strip()))
