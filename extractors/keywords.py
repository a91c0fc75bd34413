"""Which keywords a text's tokens contain, answered from a cache instead of a search per keyword.

A :class:`KeywordGate` is the cheap first question of an expensive extractor: "could this text
mention any of my words at all?" Checking 200 keywords with ``in`` costs about 1 µs each on an
abstract; looking up the text's distinct tokens in a cache that remembers, for every token seen
before, which keywords it contains costs a dictionary lookup per token.

A keyword is *contained* when it is a substring of one of the text's tokens (runs of word
characters joined by hyphens, lowercased). That is a necessary condition for any phrase whose
longest run of word characters is the keyword, so a gate built from an extractor's vocabulary
never turns away a text the extractor would have found something in.

Examples
--------
>>> gate = KeywordGate(["intralipid", "heparin"])
>>> sorted(gate.found(tokens("Women received Intralipid or low-molecular-weight heparin.")))
['heparin', 'intralipid']
>>> gate.found(tokens("Patients were followed for a year."))
set()
>>> longest_run("low-molecular-weight heparin")
'molecular'
"""

from __future__ import annotations

import re
from typing import Iterable

TOKEN = re.compile(r"\w+(?:-\w+)*")
_RUN = re.compile(r"\w+")
#: The cache is cleared when it holds more tokens than this (memory stays bounded on long runs).
CACHE_LIMIT = 500_000


def tokens(text: str) -> list[str]:
    """The lowercased tokens of ``text``."""
    return TOKEN.findall(text.lower())


#: Words too common in abstracts to index a phrase by (each was in more than one abstract in
#: twenty of 7,000 in shared/data). A phrase is indexed by its longest other word.
COMMON_WORDS = frozenset(
    "treatment therapy anti administration intravenous inhibitor inhibitors hormone antagonist activated "
    "recombinant molecular undergoing previous previously multiple repeated failure failures pregnancy "
    "stimulation transfer spontaneous recurrent controlled assisted technology technologies techniques "
    "infusion injection low dose human factor cells cell blood early local growth alpha".split())


def longest_run(phrase: str) -> str | None:
    """The longest run of word characters in ``phrase``, lowercased (None when it has none)."""
    runs = _RUN.findall(phrase.lower())
    return max(runs, key=len) if runs else None


def words_of(phrase: str) -> list[str]:
    """The runs of word characters of ``phrase``, lowercased."""
    return _RUN.findall(phrase.lower())


def gate_word(phrase: str) -> str | None:
    """The word to index ``phrase`` by: its longest word not in :data:`COMMON_WORDS`."""
    runs = words_of(phrase)
    rare = [run for run in runs if run not in COMMON_WORDS]
    return max(rare or runs, key=len) if runs else None


def has_word(text: str, word: str) -> bool:
    """``word`` occurs in ``text`` as written, not inside a longer word or hyphenated word.

    Examples
    --------
    >>> has_word("Women undergoing ART were included", "ART"), has_word("PARTICIPANTS: 40", "ART")
    (True, False)
    """
    at = text.find(word)
    while at >= 0:
        before = text[at - 1] if at else " "
        after = text[at + len(word)] if at + len(word) < len(text) else " "
        if not (before.isalnum() or before in "_-") and not (after.isalnum() or after in "_-"):
            return True
        at = text.find(word, at + 1)
    return False


class KeywordGate:
    """A set of lowercase keywords and a cache of which of them each token contains.

    A token not seen before is matched against the keywords through an index of their first
    three characters, so adding keywords does not slow it down.
    """

    def __init__(self, keywords: Iterable[str] = ()):
        self._keywords: set[str] = set()
        self._by_start: dict[str, list[str]] = {}  # first (up to) three characters -> keywords
        self._by_token: dict[str, frozenset[str]] = {}
        #: Bumped whenever a keyword is added: answers computed before are stale.
        self.generation = 0
        for keyword in keywords:
            self.add(keyword)

    @property
    def keywords(self) -> tuple[str, ...]:
        return tuple(sorted(self._keywords))

    def add(self, keyword: str) -> None:
        """Add a keyword (lowercase); the cache is rebuilt as tokens come."""
        if keyword != keyword.lower() or not keyword:
            raise ValueError(f"keyword must be lowercase and not empty: {keyword!r}")
        if keyword not in self._keywords:
            self._keywords.add(keyword)
            self._by_start.setdefault(keyword[:3], []).append(keyword)
            self._by_token.clear()
            self.generation += 1

    def _contained(self, token: str) -> frozenset[str]:
        index, hits = self._by_start, []
        for i in range(len(token)):
            for width in (1, 2, 3):
                for keyword in index.get(token[i:i + width], ()):
                    if token.startswith(keyword, i):
                        hits.append(keyword)
        return frozenset(hits)

    def found(self, text_tokens: Iterable[str]) -> set[str]:
        """The keywords contained in any of ``text_tokens``."""
        cache = self._by_token
        if len(cache) > CACHE_LIMIT:
            cache.clear()
        distinct = set(text_tokens)
        found: set[str] = set()
        for token, words in zip(distinct, map(cache.get, distinct)):  # map() keeps lookups in C
            if words is None:
                words = cache[token] = self._contained(token)
            if words:
                found.update(words)
        return found


#: The one gate every extractor and pattern registers its words with, so a record's tokens are
#: looked up once for all of them (:func:`found_words`).
WORDS = KeywordGate()


def found_words(text_tokens: Iterable[str]) -> set[str]:
    """The registered words (of every :class:`PhraseGate` and pattern) contained in the tokens."""
    return WORDS.found(text_tokens)


class PhraseGate:
    """Phrases whose every word a text's tokens contain: the phrases it *may* mention.

    Each phrase is indexed by its rarest word (:func:`gate_word`); a phrase is a candidate when
    that word and all its other words are contained in the text's tokens, which any occurrence
    of the phrase, case-insensitive and with any separator between its words, guarantees.

    Examples
    --------
    >>> gate = PhraseGate(["recurrent pregnancy loss", "embryo transfer"])
    >>> gate.candidates(tokens("Weight loss in recurrent asthma during pregnancy"))
    ['recurrent pregnancy loss']
    >>> gate.candidates(tokens("Weight loss in asthma"))
    []
    """

    def __init__(self, phrases: Iterable[str]):
        self._by_word: dict[str, list[tuple[str, frozenset[str]]]] = {}
        for phrase in phrases:
            words = words_of(phrase)
            if not words:
                continue
            for word in words:
                WORDS.add(word)
            self._by_word.setdefault(gate_word(phrase), []).append((phrase, frozenset(words)))

    def candidates(self, text_tokens: Iterable[str] = (), *, found: set[str] | None = None) -> list[str]:
        """The phrases all of whose words the tokens contain (``found``: :func:`found_words` of them)."""
        found = found_words(text_tokens) if found is None else found
        return [phrase for word in self._by_word.keys() & found for phrase, words in self._by_word[word]
                if words <= found]
