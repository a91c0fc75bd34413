"""Reported p-values: ``P = 0.49``, ``P<.001``, ``p=0.047``, ``P ≤ 0.05``, ``P = NS``.

One grammar for every way trial abstracts print a p-value, on normalised text
(``extractors.numbers.normalise``); pure, no I/O.

Examples
--------
>>> from extractors.numbers import normalise
>>> [(p.operator, p.value) for p in find_p_values(normalise("P<.001 and p = 0·047"))]
[('<', 0.001), ('=', 0.047)]
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PValue:
    """A reported p-value. ``operator`` is one of ``= < > <= >=`` or ``ns`` (value ``None``)."""

    value: float | None
    operator: str
    start: int
    end: int


_P_OPS = {"=": "=", "<": "<", ">": ">", "\u2264": "<=", "\u2265": ">=", "<=": "<=", ">=": ">=",
          "=<": "<=", "=>": ">=", "<or=": "<=", ">or=": ">=", "less than": "<", "greater than": ">",
          "of": "=", "was": "=", "is": "=", ":": "=", "": "="}
_P_RE = re.compile(
    r"(?<![\w./-])(?:[Pp](?:\s?-?\s?values?)?|[Pp]\s?\(\s?two-sided\s?\)|[Pp]\s?for\s(?:trend|interaction))"
    r"(?![\w])\s*"
    r"(?P<op><\s?or\s?=|>\s?or\s?=|<=|>=|=<|=>|[=<>\u2264\u2265:]|less than|greater than|of|was|is|)\s*"
    r"(?:(?P<num>(?:\d+(?:\.\d+)?|\.\d+))(?!\d)"
    r"(?:\s?(?:[x\u00d7*]\s?10\s?\^?\s?(?P<exp>-?\s?\d+)|[eE](?P<exp2>-?\d+)))?"
    r"|(?P<ns>N\.?\s?S\.?(?![\w])|ns(?![\w])|not significant))"
)


def find_p_values(text: str, start: int = 0, end: int | None = None) -> list[PValue]:
    """Every p-value in ``text[start:end]``: ``P = 0.49``, ``P<.001``, ``p=0.047``, ``P ≤ 0.05``, ``P = NS``.

    Examples
    --------
    >>> [(p.operator, p.value) for p in find_p_values("P = 0.49; P<.001; P ≤ 0.05; P-value = NS; p = 2 × 10^-5")]
    [('=', 0.49), ('<', 0.001), ('<=', 0.05), ('ns', None), ('=', 2e-05)]
    """
    end = len(text) if end is None else end
    found = []
    for m in _P_RE.finditer(text, start, end):
        raw_op = m.group("op")
        op = _P_OPS.get(raw_op if " " in raw_op and "than" in raw_op else raw_op.replace(" ", ""), "=")
        if m.group("ns"):
            found.append(PValue(None, "ns", m.start(), m.end()))
            continue
        value = float(m.group("num"))
        exp = m.group("exp") or m.group("exp2")
        if exp is not None:
            value *= 10.0 ** int(exp.replace(" ", ""))
        if not 0 <= value <= 1:
            continue
        # "P 0.03" without an operator is read, "P4" (progesterone) never reaches here
        # because the number must follow a space or an operator.
        if m.group("op") == "" and not text[m.start():m.start("num")].endswith(" "):
            continue
        found.append(PValue(value, op, m.start(), m.end()))
    return found
