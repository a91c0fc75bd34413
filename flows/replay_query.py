"""A small PubMed query language for the replay server: parse, match against a record, translate.

Covered: ``AND``/``OR``/``NOT`` (upper case, evaluated left to right with equal precedence, as
PubMed does), parentheses, quoted phrases, bare words (adjacent words are ANDed), truncation
with a trailing ``*``, field tags ``[tiab]``, ``[ti]``, ``[ab]``, ``[pt]``, ``[mh]``, ``[uid]``/``[pmid]``,
``[all]``, and date tags ``[crdt]``, ``[edat]``, ``[mdat]``, ``[dp]``/``[pdat]`` with single
dates (``2024/01[crdt]``) or ranges (``"2024/01/01"[crdt] : "2024/01/31"[crdt]``). Words match
on token boundaries, case-insensitively. Not covered: automatic term mapping, MeSH explosion,
proximity search, author and journal fields (an unknown tag searches all fields and is
reported as ``FieldNotFound``, as NCBI does).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from functools import lru_cache
from datetime import date
from typing import Union

from flows.replay_corpus import StoredRecord

_TOKEN = re.compile(r'\s*(?:(\()|(\))|(:)|"([^"]*)"|\[([^\]]*)\]|([^\s()\[\]":]+))')
_WORD = re.compile(r"[a-z0-9]+\*?")

#: Field tags as PubMed writes them, to the field searched here.
FIELD_TAGS = {
    "tiab": "tiab", "title/abstract": "tiab", "ti": "ti", "title": "ti", "ab": "ab",
    "abstract": "ab", "pt": "pt", "publication type": "pt", "mh": "mh", "mesh": "mh",
    "mesh terms": "mh", "majr": "mh", "mh:noexp": "mh", "all": "all", "all fields": "all",
    "tw": "all", "text word": "all", "uid": "uid", "pmid": "uid",
}
DATE_TAGS = {
    "crdt": "crdt", "date - create": "crdt", "edat": "edat", "date - entry": "edat",
    "mdat": "mdat", "date - modification": "mdat", "dp": "pdat", "pdat": "pdat",
    "date - publication": "pdat",
}
#: How NCBI names each field in ``QueryTranslation``.
FIELD_NAMES = {
    "tiab": "Title/Abstract", "ti": "Title", "ab": "Abstract", "pt": "Publication Type",
    "mh": "MeSH Terms", "all": "All Fields", "uid": "UID", "crdt": "Date - Create", "edat": "Date - Entry",
    "mdat": "Date - Modification", "pdat": "Date - Publication",
}


class QuerySyntaxError(ValueError):
    """The query cannot be parsed (unbalanced parentheses, a dangling operator, a bad date)."""


@dataclass(frozen=True)
class Term:
    """A word or phrase searched in one field; ``words`` are lower-case tokens."""

    text: str
    field: str
    words: tuple[str, ...]


@dataclass(frozen=True)
class DateRange:
    datetype: str
    low: date
    high: date


@dataclass(frozen=True)
class BoolOp:
    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Group:
    inner: Node


Node = Union[Term, DateRange, BoolOp, Group]


@dataclass(frozen=True)
class ParsedQuery:
    root: Node
    unknown_fields: tuple[str, ...] = ()


def tokenize_words(text: str) -> tuple[str, ...]:
    """Lower-case word tokens; a trailing ``*`` is kept for truncation.

    Examples
    --------
    >>> tokenize_words("IVF-ET in Th1/Th2 randomi*")
    ('ivf', 'et', 'in', 'th1', 'th2', 'randomi*')
    """
    return tuple(_WORD.findall(text.lower()))


def parse_pubmed_date(text: str, *, end: bool) -> date:
    """``YYYY``, ``YYYY/MM`` or ``YYYY/MM/DD`` (``-`` or ``.`` also allowed) as the first or last
    day it covers.

    Examples
    --------
    >>> parse_pubmed_date("2024/02", end=True)
    datetime.date(2024, 2, 29)
    """
    parts = [p for p in re.split(r"[/\-.]", text.strip()) if p]
    try:
        numbers = [int(p) for p in parts]
        if not 1 <= len(numbers) <= 3:
            raise ValueError
        year = numbers[0]
        month = numbers[1] if len(numbers) > 1 else (12 if end else 1)
        if len(numbers) > 2:
            day = numbers[2]
        else:
            day = calendar.monthrange(year, month)[1] if end else 1
        return date(year, month, day)
    except ValueError:
        raise QuerySyntaxError(f"not a PubMed date: {text!r}") from None


def _lex(query: str) -> list[tuple[str, str]]:
    tokens, pos = [], 0
    query = query.rstrip()
    while pos < len(query):
        found = _TOKEN.match(query, pos)
        if not found or found.end() == pos:
            raise QuerySyntaxError(f"cannot read the query at {query[pos:pos + 20]!r}")
        pos = found.end()
        lparen, rparen, colon, phrase, tag, word = found.groups()
        if lparen:
            tokens.append(("(", "("))
        elif rparen:
            tokens.append((")", ")"))
        elif colon:
            tokens.append((":", ":"))
        elif phrase is not None:
            tokens.append(("phrase", phrase))
        elif tag is not None:
            tokens.append(("tag", tag.strip().lower()))
        elif word in ("AND", "OR", "NOT"):
            tokens.append(("op", word))
        else:
            tokens.append(("word", word))
    return tokens


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.unknown: list[str] = []

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def expression(self) -> Node:
        node = self.unit()
        while (token := self.peek()) is not None and token[0] != ")":
            op = self.take()[1] if token[0] == "op" else "AND"
            if self.peek() is None or self.peek()[0] in (")", "op"):
                raise QuerySyntaxError(f"{op} has nothing after it")
            node = BoolOp(op, node, self.unit())
        return node

    def unit(self) -> Node:
        token = self.peek()
        if token is None:
            raise QuerySyntaxError("the query ends too early")
        if token[0] == "(":
            self.take()
            inner = self.expression()
            if self.peek() is None or self.take()[0] != ")":
                raise QuerySyntaxError("unbalanced parentheses")
            return Group(inner)
        if token[0] in ("phrase", "word"):
            return self.term()
        raise QuerySyntaxError(f"unexpected {token[1]!r}")

    def term(self) -> Node:
        kind, text = self.take()
        words = [text]
        while kind == "word" and self.peek() is not None and self.peek()[0] == "word":
            words.append(self.take()[1])
        tag = self.take()[1] if self.peek() is not None and self.peek()[0] == "tag" else None
        if self.peek() is not None and self.peek()[0] == ":":
            self.take()
            if self.peek() is None or self.peek()[0] not in ("phrase", "word"):
                raise QuerySyntaxError("a date range needs an end after ':'")
            high = self.take()[1]
            tag = self.take()[1] if self.peek() is not None and self.peek()[0] == "tag" else tag
            return self.date_range(" ".join(words), high, tag)
        if tag in DATE_TAGS:
            return self.date_range(" ".join(words), " ".join(words), tag)
        if tag is not None and tag not in FIELD_TAGS:
            self.unknown.append(tag)
        field = FIELD_TAGS.get(tag or "all", "all")
        if kind == "word" and tag is None and len(words) > 1:
            node: Node = _term(words[0], field)
            for word in words[1:]:
                node = BoolOp("AND", node, _term(word, field))
            return node
        return _term(" ".join(words), field)

    def date_range(self, low: str, high: str, tag: str | None) -> DateRange:
        if tag not in DATE_TAGS:
            raise QuerySyntaxError(f"a date range needs a date field tag, got [{tag}]")
        return DateRange(
            DATE_TAGS[tag], parse_pubmed_date(low, end=False), parse_pubmed_date(high, end=True)
        )


def _term(text: str, field: str) -> Term:
    return Term(text, field, tokenize_words(text))


def parse_query(query: str) -> ParsedQuery:
    """Parse a PubMed query.

    Raises
    ------
    QuerySyntaxError
        An empty or malformed query.
    """
    tokens = _lex(query)
    if not tokens:
        raise QuerySyntaxError("the query is empty")
    parser = _Parser(tokens)
    root = parser.expression()
    if parser.peek() is not None:
        raise QuerySyntaxError("unbalanced parentheses")
    return ParsedQuery(root, tuple(parser.unknown))


_TEXT_WORD = re.compile(r"[a-z0-9]+")


@lru_cache(maxsize=1 << 18)
def _spaced(text: str) -> str:
    """A text as its lower-case words, each with one space either side: `` ivf et in th1 ``.

    Records are searched again and again with the same texts, so each is normalised once; a
    phrase then matches on token boundaries by plain substring search, which runs in C.
    """
    return " " + " ".join(_TEXT_WORD.findall(text.lower())) + " "


def _needle(words: tuple[str, ...]) -> str:
    if words and words[-1].endswith("*"):  # truncation: the last word is a prefix
        return " " + " ".join(words[:-1] + (words[-1][:-1],))
    return " " + " ".join(words) + " "


def _matches_term(term: Term, record: StoredRecord) -> bool:
    if not term.words:
        return False
    needle = _needle(term.words)

    def in_texts(texts) -> bool:
        return any(needle in _spaced(t) for t in texts)

    def equals_any(texts) -> bool:
        return any(_spaced(t) == needle for t in texts)

    # [tiab] covers author keywords too (PubMed Help, "Title/Abstract").
    tiab = (record.title, record.abstract, *record.keywords)
    if term.field == "ti":
        return in_texts((record.title,))
    if term.field == "ab":
        return in_texts((record.abstract,))
    if term.field == "tiab":
        return in_texts(tiab)
    if term.field == "pt":
        return equals_any(record.publication_types)
    if term.field == "mh":
        return equals_any(record.mesh_terms)
    if term.field == "uid":  # a record's own PMID (PubMed's [uid] / [pmid] tags)
        return term.words == (record.pmid,)
    return in_texts(tiab + record.mesh_terms)


def matches(node: Node, record: StoredRecord) -> bool:
    """Whether ``record`` satisfies the parsed query ``node``."""
    if isinstance(node, Term):
        return _matches_term(node, record)
    if isinstance(node, DateRange):
        day = record.date_of(node.datetype)
        return day is not None and node.low <= day <= node.high
    if isinstance(node, Group):
        return matches(node.inner, record)
    left = matches(node.left, record)
    if node.op == "AND":
        return left and matches(node.right, record)
    if node.op == "OR":
        return left or matches(node.right, record)
    return left and not matches(node.right, record)


def leaf_terms(node: Node) -> list[Term]:
    """Every word or phrase in the query, left to right (for ``PhraseNotFound``)."""
    if isinstance(node, Term):
        return [node]
    if isinstance(node, Group):
        return leaf_terms(node.inner)
    if isinstance(node, BoolOp):
        return leaf_terms(node.left) + leaf_terms(node.right)
    return []


def translate(node: Node) -> str:
    """The query as NCBI's ``QueryTranslation`` would spell it."""
    if isinstance(node, Term):
        shown = f'"{node.text}"' if " " in node.text else node.text
        return f"{shown}[{FIELD_NAMES[node.field]}]"
    if isinstance(node, DateRange):
        return f"{node.low:%Y/%m/%d}:{node.high:%Y/%m/%d}[{FIELD_NAMES[node.datetype]}]"
    if isinstance(node, Group):
        return f"({translate(node.inner)})"
    return f"{translate(node.left)} {node.op} {translate(node.right)}"
