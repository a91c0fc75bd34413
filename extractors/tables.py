"""Find results tables in text: pipe tables and flattened rows, cut into cells with offsets.

Two shapes are read:

* **pipe tables**, one row per line, cells between ``|``; the rows above a ``| --- |`` line are
  the header (several header rows are joined column by column), and without such a line the
  first row is;
* **flattened tables**, lines whose cells are set apart by a tab or by two or more spaces
  ("Live birth    26/66 (39.4%)    12/51 (23.5%)"), at least two such lines in a block, the
  first one the header. A header one cell short has left its label column blank.

A table's *caption* is the short paragraph right before it and its *notes* the one right after;
they say what the cells are ("n (%)") and what the table is about ("baseline characteristics").
Nothing here decides which column is which arm (``extractors.table_counts`` does).

Examples
--------
>>> text = "Outcomes\\n\\n| Outcome | EST (n = 66) | No scratch (n = 51) |\\n| --- | --- | --- |\\n" \\
...        "| Live birth | 26 (39.4%) | 12 (23.5%) |"
>>> [t] = find_tables(text)
>>> t.caption, [c.text for c in t.header], [[c.text for c in row] for row in t.rows]
('Outcomes', ['Outcome', 'EST (n = 66)', 'No scratch (n = 51)'], [['Live birth', '26 (39.4%)', '12 (23.5%)']])
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell: its text (stripped) and where it sits in the text (empty cells have start == end)."""

    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Table:
    """A table found in text: header cells (one per column), body rows, and the words around it."""

    start: int
    end: int
    header: tuple[Cell, ...]
    rows: tuple[tuple[Cell, ...], ...]
    caption: str = ""
    notes: str = ""
    form: str = "pipe"   # "pipe" or "flat"


_LINE = re.compile(r"[^\n]*")
_PIPE_ROW = re.compile(r"[ \t]*\|.*\|[ \t]*")
_RULE_ROW = re.compile(r"[ \t]*\|?(?:\s*:?-{3,}:?\s*\|)+\s*(?::?-{3,}:?\s*)?")
_FLAT_SPLIT = re.compile(r"\t+| {2,}")
#: The longest paragraph still read as a table's caption or notes.
_CAPTION_MAX = 300
_NOTES_MAX = 800


def _lines(text: str) -> list[tuple[int, int]]:
    spans = []
    pos = 0
    for line in text.split("\n"):
        spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def _pipe_cells(text: str, start: int, end: int) -> tuple[Cell, ...]:
    line = text[start:end]
    first = line.index("|")
    last = line.rindex("|")
    cells = []
    pos = start + first + 1
    for raw in line[first + 1:last].split("|"):
        lead = len(raw) - len(raw.lstrip())
        stripped = raw.strip()
        cells.append(Cell(stripped, pos + lead, pos + lead + len(stripped)))
        pos += len(raw) + 1
    return tuple(cells)


def _flat_cells(text: str, start: int, end: int) -> tuple[Cell, ...]:
    cells = []
    pos = start
    line = text[start:end]
    for piece in _FLAT_SPLIT.split(line):
        offset = line.find(piece, pos - start) if piece else pos - start
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            cells.append(Cell(piece.strip(), start + offset + lead, start + offset + lead + len(piece.strip())))
        pos = start + offset + len(piece)
    return tuple(cells)


def _join_header(rows: list[tuple[Cell, ...]]) -> tuple[Cell, ...]:
    width = max(len(r) for r in rows)
    joined = []
    for i in range(width):
        parts = [r[i] for r in rows if i < len(r) and r[i].text]
        if not parts:
            anchor = next((r[i] for r in rows if i < len(r)), Cell("", 0, 0))
            joined.append(Cell("", anchor.start, anchor.start))
            continue
        joined.append(Cell(" ".join(p.text for p in parts), parts[0].start, parts[-1].end))
    return tuple(joined)


def _paragraph_before(text: str, start: int) -> str:
    head = text[:start].rstrip()
    cut = head.rfind("\n\n")
    para = head[cut + 2:] if cut >= 0 else head
    return para.strip() if len(para) <= _CAPTION_MAX and "|" not in para else ""


def _paragraph_after(text: str, end: int) -> str:
    tail = text[end:].lstrip("\n")
    cut = tail.find("\n\n")
    para = tail[:cut] if cut >= 0 else tail
    return para.strip() if len(para) <= _NOTES_MAX and not para.lstrip().startswith("|") else ""


def find_tables(text: str) -> list[Table]:
    """Every pipe table and flattened table in ``text``, in order."""
    if "|" not in text and "  " not in text and "\t" not in text:
        return []
    lines = _lines(text)
    tables: list[Table] = []
    i = 0
    while i < len(lines):
        s, e = lines[i]
        if _PIPE_ROW.fullmatch(text, s, e):
            j = i
            while j + 1 < len(lines) and _PIPE_ROW.fullmatch(text, *lines[j + 1]):
                j += 1
            table = _pipe_table(text, lines[i:j + 1])
            if table is not None:
                tables.append(table)
            i = j + 1
            continue
        if len(_flat_cells(text, s, e)) >= 2:
            j = i
            while j + 1 < len(lines) and len(_flat_cells(text, *lines[j + 1])) >= 2:
                j += 1
            if j > i:
                table = _flat_table(text, lines[i:j + 1])
                if table is not None:
                    tables.append(table)
            i = j + 1
            continue
        i += 1
    return tables


def _pipe_table(text: str, lines: list[tuple[int, int]]) -> Table | None:
    rule = next((k for k, (s, e) in enumerate(lines) if _RULE_ROW.fullmatch(text, s, e)), None)
    rows = [_pipe_cells(text, s, e) for k, (s, e) in enumerate(lines) if k != rule]
    if rule is None:
        head, body = rows[:1], rows[1:]
    else:
        head, body = rows[:rule], rows[rule:]
    if not head or not body:
        return None
    start, end = lines[0][0], lines[-1][1]
    return Table(start, end, _join_header(head), tuple(body), _paragraph_before(text, start),
                 _paragraph_after(text, end), "pipe")


def _short(row: tuple[Cell, ...]) -> bool:
    """Cells of a table row are short: prose broken by double spaces is not a table."""
    return len(row[0].text) <= 150 and all(len(c.text) <= 60 for c in row[1:])


def _flat_table(text: str, lines: list[tuple[int, int]]) -> Table | None:
    rows = [_flat_cells(text, s, e) for s, e in lines]
    header, body = rows[0], rows[1:]
    width = max(len(r) for r in body)
    if len(header) == width - 1:
        header = (Cell("", header[0].start, header[0].start),) + header
    if len(header) != width or not _short(header):
        return None
    body = [r for r in body if len(r) == width and _short(r) and any(any(ch.isdigit() for ch in c.text)
                                                                     for c in r[1:])]
    if not body:
        return None
    start, end = lines[0][0], lines[-1][1]
    return Table(start, end, header, tuple(body), _paragraph_before(text, start),
                 _paragraph_after(text, end), "flat")
