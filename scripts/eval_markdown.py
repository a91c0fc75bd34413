"""Render the markdown of ``llm_meta_analysis`` (pandoc output) as the plain text the extractor reads.

Prose keeps its words: emphasis marks dropped, headers turned into paragraph breaks, sub- and
superscripts written inline. Tables (pandoc's ``::::table-wrap`` blocks, simple or multiline
tables whose columns are drawn by a line of dashes) become pipe tables, one row per line, with
their caption as a paragraph before them and their footnotes after: the form a PMC results table
takes as structured text. Columns are cut where the dash line puts them, on the raw markdown, so
that dropping markup inside a cell cannot shift a figure into its neighbour's column.

This is input rendering for the evaluation, not extraction: it decides nothing about arms,
outcomes or numbers.

Examples
--------
>>> md = "# Results Deaths fell. ::::table-wrap\\n::: caption\\nOutcomes\\n:::\\n\\n" \\
...      "  Outcome     Drug (*n* = 10)   Placebo (*n* = 9)\\n" \\
...      "  ----------- ----------------- -------------------\\n" \\
...      "  Death       1 (10%)^a^        3 (33%)\\n\\n^a^One late.::::"
>>> print(render_markdown(md))
Results Deaths fell.
<BLANKLINE>
Outcomes
<BLANKLINE>
| Outcome | Drug (n = 10) | Placebo (n = 9) |
| --- | --- | --- |
| Death | 1 (10%) | 3 (33%) |
<BLANKLINE>
^aOne late.
"""

from __future__ import annotations

import re

_TABLE_BLOCK = re.compile(r"::::\s*table-wrap(.*?)::::", re.S)
_CAPTION = re.compile(r"::: caption\s*\n(.*?)\n:::\s*\n", re.S)
_DASHES = re.compile(r"^\s*-{3,}(?:\s+-{3,})*\s*$")
_SEGMENT = re.compile(r"-{3,}")
_CHUNK = re.compile(r"[^ \t\n]+(?: [^ \t\n]+)*")  # a no-break space is part of a cell
#: Footnote marks inside a cell: ``^a^``, ``^*^``, ``[b](#)``, ``[***](#)``.
_CELL_MARKS = re.compile(r"\^[^^\s]{1,6}\^|\[[^\]\s]{1,6}\]\(#\)")


def prose_to_text(md: str) -> str:
    """Markdown prose as plain text: emphasis marks dropped, headers as paragraph breaks."""
    text = re.sub(r"\s*#{1,6}\s+", "\n\n", md)
    text = text.replace("**", "").replace("*", "")
    text = re.sub(r"~([^~\s]{1,12})~", r"_\1", text)     # subscripts t~1/2~
    text = re.sub(r"\^([^^\s]{1,12})\^", r"^\1", text)   # superscripts m^2^
    text = text.replace("--", "\u2013")
    text = re.sub(r"\[(\d+)\]\(#\)", r"\1", text)        # figure/table links
    return text


def clean_cell(cell: str) -> str:
    """A table cell's words without markup or footnote marks."""
    cell = _CELL_MARKS.sub("", cell)
    cell = cell.replace("**", "").replace("*", "").replace("|", "/")
    cell = re.sub(r"~([^~\s]{1,12})~", r"\1", cell)
    cell = cell.replace("--", "\u2013")
    cell = re.sub(r"\[([^\]]*)\]\(#\)", r"\1", cell)
    return " ".join(cell.split())


def _cells(line: str, columns: list[tuple[int, int]]) -> list[str]:
    """Cut one table line into its columns: each run of text goes to the column it overlaps most."""
    cells = [""] * len(columns)
    last = -1
    for m in _CHUNK.finditer(line):
        a, b = m.span()
        overlaps = [min(b, e) - max(a, s) for s, e in columns]
        best = max(range(len(columns)), key=lambda i: (overlaps[i], -abs(columns[i][0] - a)))
        # Runs set apart by two spaces are separate cells: markup dropped by pandoc's writer can
        # leave a run over its left neighbour's column, never before it.
        if best <= last and last + 1 < len(columns) and cells[best]:
            best = last + 1
        cells[best] = f"{cells[best]} {m.group(0)}".strip()
        last = max(last, best)
    return cells


def _table_rows(lines: list[str]) -> tuple[list[list[str]], list[list[str]], list[str]] | None:
    """Header rows, body rows and trailing lines of one pandoc table, or ``None`` if none is drawn."""
    dash_rows = [i for i, line in enumerate(lines) if _DASHES.match(line)]
    cut = next((i for i in dash_rows if len(_SEGMENT.findall(lines[i])) >= 2), None)
    if cut is None:
        return None
    columns = [m.span() for m in _SEGMENT.finditer(lines[cut])]
    opening = next((i for i in dash_rows if i < cut), None)
    if opening is not None:  # multiline table: the header lies between the two dash lines
        header_lines = [line for line in lines[opening + 1:cut] if line.strip()]
    else:
        header_lines = []
        for line in reversed(lines[:cut]):
            if not line.strip():
                break
            header_lines.insert(0, line)
    multiline = opening is not None
    body: list[list[str]] = []
    block: list[list[str]] = []
    end = len(lines)
    for i in range(cut + 1, len(lines)):
        line = lines[i]
        if _DASHES.match(line):
            end = i + 1
            break
        if not line.strip():
            if block:
                body.extend(_join(block) if multiline else block)
                block = []
            if not multiline:
                end = i
                break
            continue
        block.append(_cells(line, columns))
    else:
        end = len(lines)
    if block:
        body.extend(_join(block) if multiline else block)
    header = [_cells(line, columns) for line in header_lines]
    header = _join(header) if header else []
    return header, body, lines[end:]


def _join(rows: list[list[str]]) -> list[list[str]]:
    """Lines of one multiline row (or header) joined column by column."""
    return [[" ".join(r[i] for r in rows if r[i]).strip() for i in range(len(rows[0]))]]


def render_table(block: str) -> str:
    """One ``::::table-wrap`` block as caption, pipe table and footnotes."""
    caption_match = _CAPTION.search(block)
    caption = ""
    if caption_match:
        caption = " ".join(clean_cell(caption_match.group(1).replace("#", "")).split())
        block = block[caption_match.end():]
    lines = block.split("\n")
    parsed = _table_rows(lines)
    parts = [caption] if caption else []
    if parsed is None:
        rest = " ".join(line.strip() for line in lines if line.strip())
        if rest:
            parts.append(prose_to_text(rest))
        return "\n\n".join(parts)
    header, body, tail = parsed
    width = len((header or body or [[]])[0])
    rows = []
    for row in (header or [[""] * width]):
        rows.append("| " + " | ".join(clean_cell(c) for c in row) + " |")
    rows.append("| " + " | ".join(["---"] * width) + " |")
    for row in body:
        rows.append("| " + " | ".join(clean_cell(c) for c in row) + " |")
    parts.append("\n".join(rows))
    notes = " ".join(line.strip() for line in tail if line.strip())
    if notes:
        parts.append(prose_to_text(notes).strip())
    return "\n\n".join(parts)


def render_markdown(md: str) -> str:
    """The article's markdown as plain text, its tables as pipe tables set apart by blank lines."""
    out: list[str] = []
    pos = 0
    for m in _TABLE_BLOCK.finditer(md):
        out.append(prose_to_text(md[pos:m.start()]).strip())
        out.append(render_table(m.group(1)))
        pos = m.end()
    out.append(prose_to_text(md[pos:]).strip())
    return "\n\n".join(part for part in out if part)
