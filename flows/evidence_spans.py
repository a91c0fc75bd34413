"""Where each extracted value came from: evidence spans laid over a paper's abstract.

Every number and definition the machine extracted carries the character span of its evidence in
``papers.abstract`` (``char_start``/``char_end``; ``rif_char_start``/``rif_char_end``; the
classifier's therapy mentions). ``paper_marks`` collects them and ``segments`` cuts the abstract
into runs of text, each with the labels of the spans covering it, so the web page and the command
line can show every value at its words. Overlapping spans are fine: a run covered by two spans
carries both labels. Spans that do not fit the abstract (a stale offset) are returned apart, so
the page can say so instead of highlighting the wrong words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Sequence


@dataclass(frozen=True)
class Mark:
    """One span to highlight: ``label`` (``e1``, ``rif``, ``t1`` …), its kind and a short note."""

    label: str
    kind: str  # effect | rif | therapy
    start: int
    end: int
    note: str = ""


@dataclass(frozen=True)
class Segment:
    text: str
    labels: tuple[str, ...]
    kinds: tuple[str, ...]


def effect_label(index: int) -> str:
    """The short name of a paper's ``index``-th effect (0-based) in key order: ``e1``, ``e2`` …"""
    return f"e{index + 1}"


def paper_marks(paper: dict[str, Any], effects: Sequence[dict[str, Any]],
                therapy_evidence: Iterable[dict[str, Any]] = ()) -> list[Mark]:
    """Marks for every effect with a span, the RIF definition and each therapy mention."""
    marks = []
    for i, effect in enumerate(effects):
        if effect.get("char_start") is not None and effect.get("char_end") is not None:
            marks.append(Mark(effect_label(i), "effect", effect["char_start"], effect["char_end"],
                              f"{effect.get('outcome')} ({effect.get('source')})"))
    if paper.get("rif_char_start") is not None and paper.get("rif_char_end") is not None:
        marks.append(Mark("rif", "rif", paper["rif_char_start"], paper["rif_char_end"], "RIF definition"))
    for i, item in enumerate(therapy_evidence):
        if item.get("start") is not None and item.get("end") is not None:
            marks.append(Mark(f"t{i + 1}", "therapy", item["start"], item["end"], str(item.get("therapy") or "")))
    return marks


def segments(text: str, marks: Sequence[Mark]) -> tuple[list[Segment], list[Mark]]:
    """Cut ``text`` at every mark boundary; return the runs and the marks that do not fit it.

    Examples
    --------
    >>> runs, bad = segments("RR 1.5 in 40 women", [Mark("e1", "effect", 0, 6), Mark("rif", "rif", 3, 18)])
    >>> [(s.text, s.labels) for s in runs]
    [('RR ', ('e1',)), ('1.5', ('e1', 'rif')), (' in 40 women', ('rif',))]
    >>> bad
    []
    """
    fitting = [m for m in marks if 0 <= m.start < m.end <= len(text)]
    misfits = [m for m in marks if m not in fitting]
    cuts = sorted({0, len(text), *(m.start for m in fitting), *(m.end for m in fitting)})
    runs = []
    for start, end in zip(cuts, cuts[1:]):
        covering = [m for m in fitting if m.start <= start and end <= m.end]
        runs.append(Segment(text[start:end], tuple(m.label for m in covering),
                            tuple(dict.fromkeys(m.kind for m in covering))))
    return runs, misfits


def bracketed(text: str, marks: Sequence[Mark]) -> str:
    """The text with each mark's words in ``[label: …]`` brackets, for a terminal.

    Examples
    --------
    >>> bracketed("Live birth 19/45 vs 9/44.", [Mark("e1", "effect", 11, 24)])
    'Live birth [e1: 19/45 vs 9/44].'
    """
    runs, _ = segments(text, marks)
    out, open_labels = [], ()
    for run in runs:
        if run.labels != open_labels:
            if open_labels:
                out.append("]")
            if run.labels:
                out.append(f"[{','.join(run.labels)}: ")
            open_labels = run.labels
        out.append(run.text)
    if open_labels:
        out.append("]")
    return "".join(out)
