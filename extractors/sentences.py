"""Split an abstract into sentences by offsets, without spaCy.

A full stop after "vs.", "et al.", "e.g." or a single capital does not end a sentence; a blank line
(between abstract sections) or a new "LABEL:" line always does. ``extractors.effects`` reads
sentences only through :func:`split_sentences`, so the shared spaCy sentencizer can replace it.
"""

from __future__ import annotations

import re

#: Abbreviations after which a full stop does not end a sentence.
_NO_BREAK_AFTER = re.compile(
    r"(?:\b(?:vs|v|al|e\.g|i\.e|etc|Fig|Figs|approx|ca|No|Dr|resp|incl|min|max|mo|yr|yrs|wk|wks|"
    r"Inc|Ltd|Co|St|cf|viz|Eq)|\b[A-Z])\.$"
)
_BREAK = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9\u0391-\u03a9])|\n\s*\n|\n(?=[A-Z][A-Z ]+:)")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence; a full stop after "vs." or "et al." does not end one.

    Kept behind one function so the shared spaCy sentencizer can replace it.

    Examples
    --------
    >>> t = "LBR was 40% vs. 25% (P = 0.04). CPR did not differ.\\n\\nCONCLUSIONS: None."
    >>> [t[s:e] for s, e in split_sentences(t)]
    ['LBR was 40% vs. 25% (P = 0.04).', 'CPR did not differ.', 'CONCLUSIONS: None.']
    """
    spans = []
    start = 0
    for m in _BREAK.finditer(text):
        if m.group(0).strip() == "" and "\n" not in m.group(0) and _NO_BREAK_AFTER.search(text, max(0, m.start() - 8), m.start()):
            continue
        if text[start:m.start()].strip():
            spans.append((start, m.start()))
        start = m.end()
    if text[start:].strip():
        spans.append((start, len(text.rstrip())))
    return spans
