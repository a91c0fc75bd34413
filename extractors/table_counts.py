"""Read per-arm counts from a results table: which column is which arm, which row which outcome.

A column belongs to an arm when its header names that arm and no other ("G-CSF (n = 60)",
"Placebo group"), or names a generic active or control group ("Intervention", "Control") and the
trial has one such arm; when a two-arm table names one arm, its one other arm-like column is the
other arm. Columns of statistics (P, difference, ratio, CI, total, all patients) belong to no arm.
A column's group size comes from its header ("n = 66"), else from a "Number of patients" row,
else from the arm's size in the text.

A row belongs to an outcome when its label names it (the reader's outcome vocabulary). A cell is
read when it holds one count: ``26/66``, ``26/66 (39.4%)``, ``39.4% (26/66)``, ``26 of 66``,
``26 (39.4%)`` and ``26 (39.4)`` when the percentage is what ``26`` of the column's size gives
(to one decimal, or to a whole percent when the header itself prints the size), and ``39.4%``
when its rounding proves exactly one count of the column's size. Bare numbers, means and medians
are never read. Baseline tables (their caption says so) and rows about the baseline are skipped.
When one arm has two columns giving different counts in a row (time points, analyses), that row
says nothing for sure and is skipped.

Examples
--------
>>> from extractors.arms import ArmMatcher, comparisons, find_arms
>>> text = ("Women were randomized to EST (n = 66) or no scratch (n = 51).\\n\\nTable 2. Outcomes\\n\\n"
...         "| Outcome | EST (n = 66) | No scratch (n = 51) | P |\\n| --- | --- | --- | --- |\\n"
...         "| Live birth | 26 (39.4%) | 12 (23.5%) | 0.07 |")
>>> arms = find_arms(text, "scratch")
>>> [t] = find_tables(text)
>>> [(f.treat.events, f.treat.total, f.ctrl.events, f.ctrl.total, f.p_value)
...  for f in read_table(t, text, arms, ArmMatcher(arms, text), comparisons(arms, True))]
[(26, 66, 12, 51, 0.07)]
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Sequence

from extractors.arm_words import control_kind
from extractors.arms import Arm, ArmMatcher
from extractors.effect_rows import Finding, Group
from extractors.numbers import Count, events_from_percent, find_counts, find_group_sizes, parse_int, percent_matches
from extractors.outcomes import OutcomeMatcher, OutcomeMention, default_matcher
from extractors.tables import Cell, Table, find_tables

__all__ = ["find_tables", "read_table"]

_STAT_COLUMN = re.compile(
    r"(?i:\bp\b|p[\s-]?values?|differen|ratio|\bCI\b|confidence|\btotal\b|overall|\ball\b|combined|\bboth\b|"
    r"change|estimate|effect|mean|median)|\b(?:RR|OR|HR|RD|MD)\b")
_GENERIC_ACTIVE = re.compile(r"(?i)^\s*(?:the\s+)?(?:intervention|treatment|treated|active|study|experimental|"
                             r"verum|test)(?:\s+(?:group|arm|patients|participants))?\s*(?:\(|$)")
_P_COLUMN = re.compile(r"(?i)^\s*p(?:[\s-]?values?)?\b")
_P_CELL = re.compile(r"\s*(?P<op>[<>=\u2264\u2265]?)\s*(?P<v>0?\.\d+|[01](?:\.0+)?)\s*")
_SIZE_ROW = re.compile(r"(?i)^\s*(?:(?:total\s+)?(?:number|no\.?)\s+of\s+(?:patients|participants|subjects|women|"
                       r"couples|cases)(?:\s+\w+)?|n|patients|participants|(?:patients|participants)\s*,?\s*n|"
                       r"randomi[sz]ed|analy[sz]ed)\s*$")
_BASELINE = re.compile(r"(?i)\b(?:baseline|demographic\w*|characteristics|at\s+(?:entry|inclusion|enrol\w*))\b")
#: A caption that also announces results ("characteristics ... and results at 12 months").
_RESULTS = re.compile(r"(?i)\b(?:results?|outcomes?|follow-?up|efficacy|adverse|safety)\b")
_SUBGROUP = re.compile(r"(?i)\b(?:subgroups?|sub-group|stratified|per[\s-]protocol)\b")
_PCT_DECLARED = re.compile(r"(?:\bn\s*\(\s*%\s*\)|\bno\.?\s*\(\s*%\s*\)|\(\s*%\s*\)|number\s*\(\s*%\s*\))",
                           re.IGNORECASE)
_EVENTS_PCT_BARE = re.compile(r"(?P<e>\d{1,6})\s*\(\s*(?P<p>\d{1,3}(?:\.\d+)?)\s*\)")


def _columns(table: Table, text: str, arms: Sequence[Arm], regex: ArmMatcher,
             pairs: Sequence[tuple[int, int]]) -> dict[int, list[int]]:
    """Arm index -> the columns that are that arm's."""
    by_arm: dict[int, list[int]] = defaultdict(list)
    in_pairs = {i for p in pairs for i in p}
    unknown = []
    for j, cell in enumerate(table.header[1:], start=1):
        if not cell.text or _STAT_COLUMN.search(cell.text):
            continue
        named = {m.arm for m in regex.mentions(cell.start, cell.end)} if cell.end > cell.start else set()
        named &= in_pairs
        if len(named) == 1:
            by_arm[named.pop()].append(j)
            continue
        if named:
            continue
        arm = _generic(cell.text, arms, in_pairs)
        if arm is not None:
            by_arm[arm].append(j)
        else:
            unknown.append(j)
    # Two arms, one named: the one other arm-like column is the other arm.
    if len(in_pairs) == 2 and len(by_arm) == 1 and len(unknown) == 1 and len(next(iter(by_arm.values()))) == 1:
        (other,) = in_pairs - set(by_arm)
        by_arm[other].append(unknown[0])
    return by_arm


def _generic(header: str, arms: Sequence[Arm], in_pairs: set[int]) -> int | None:
    """An arm a header names only generically ("Intervention group", "Placebo", "Controls")."""
    if _GENERIC_ACTIVE.match(header):
        active = [i for i in in_pairs if arms[i].role == "treatment"]
        return active[0] if len(active) == 1 else None
    kind = control_kind(header)
    if kind is None:
        return None
    controls = [i for i in in_pairs if arms[i].role == "control"]
    same = [i for i in controls if arms[i].control_kind == kind]
    if len(same) == 1:
        return same[0]
    return controls[0] if len(controls) == 1 and kind == "control" else None


def _sizes(table: Table, text: str, arms: Sequence[Arm], columns: dict[int, list[int]]) -> dict[int, tuple[int, str]]:
    """Column -> (group size, where it came from: ``header``, ``row`` or ``arm``)."""
    sizes: dict[int, tuple[int, str]] = {}
    for arm, cols in columns.items():
        for j in cols:
            cell = table.header[j]
            found = find_group_sizes(text, cell.start, cell.end)
            if len(found) == 1:
                sizes[j] = (found[0][0], "header")
    for row in table.rows:
        if _SIZE_ROW.match(row[0].text):
            for arm, cols in columns.items():
                for j in cols:
                    if j < len(row) and j not in sizes and re.fullmatch(r"\d{1,3}(?:,\d{3})*|\d+", row[j].text):
                        sizes[j] = (parse_int(row[j].text), "row")
            break
    for arm, cols in columns.items():
        for j in cols:
            if j not in sizes and arms[arm].size:
                sizes[j] = (arms[arm].size, "arm")  # type: ignore[assignment]
    return sizes


def _cell_count(text: str, cell: Cell, declared: bool) -> Count | None:
    """The one count a cell holds, or ``None``."""
    if not cell.text or not any(ch.isdigit() for ch in cell.text):
        return None
    found = find_counts(text, cell.start, cell.end)
    if len(found) == 1 and found[0].start == cell.start and cell.end - found[0].end <= 1:
        return found[0]
    m = _EVENTS_PCT_BARE.fullmatch(text, cell.start, cell.end)
    if m:
        p = m.group("p")
        decimals = len(p.split(".")[1]) if "." in p else 0
        if decimals >= 1 or declared:
            return Count(int(m.group("e")), None, float(p), decimals, cell.start, cell.end, "events_pct")
    return None


def _resolve(count: Count, size: tuple[int, str] | None) -> tuple[int | None, int | None, str]:
    """Events and total of a cell, as printed or proved by the column's size."""
    if count.events is not None and count.total is not None:
        return count.events, count.total, "printed"
    if size is None or count.percent is None:
        return None, None, "printed"
    n, source = size
    if count.form == "events_pct" and count.events is not None:
        if percent_matches(count.events, n, count.percent, count.percent_decimals) and (
                count.percent_decimals >= 1 or source in ("header", "row")):
            return count.events, n, "totals_from_percent"
        return None, None, "printed"
    if count.form in ("pct", "pct_n") and count.percent_decimals >= 1 and (count.group_size in (None, n)):
        k = events_from_percent(count.percent, count.percent_decimals, n)
        if k is not None:
            return k, n, "events_from_percent"
    return None, None, "printed"


def _p_value(text: str, row: tuple[Cell, ...], p_columns: list[int]) -> tuple[float | None, str | None]:
    for j in p_columns:
        if j < len(row):
            m = _P_CELL.fullmatch(row[j].text)
            if m:
                op = {"": "=", "\u2264": "<=", "\u2265": ">="}.get(m.group("op"), m.group("op"))
                return float(m.group("v")), op
    return None, None


def _outcome_rows(table: Table, text: str, matcher: OutcomeMatcher, defined: dict[str, str] | None):
    """Rows whose label names one outcome, each with its mention. Of several rows naming the same
    outcome, only those sharing the most words with the outcome's vocabulary are kept
    ("Ultrasound examinations for suspected diverticulitis", not "CT for suspected diverticulitis")."""
    found = []
    for row in table.rows:
        label = row[0]
        if label.end <= label.start or _BASELINE.search(label.text) or _SIZE_ROW.match(label.text):
            continue
        outcomes = matcher.find(text, label.start, label.end, defined)
        if not outcomes or len({o.outcome for o in outcomes}) != 1 or not outcomes[0].outcome:
            continue
        vocabulary = matcher.words(outcomes[0].outcome)
        score = len(set(re.findall(r"[a-z0-9]+", label.text.lower())) & vocabulary)
        found.append((row, outcomes[0], score))
    best: dict[str, int] = {}
    for _, outcome, score in found:
        best[outcome.outcome] = max(best.get(outcome.outcome, 0), score)
    return [(row, outcome) for row, outcome, score in found if score == best[outcome.outcome]]


def read_table(table: Table, text: str, arms: Sequence[Arm], regex: ArmMatcher, pairs: Sequence[tuple[int, int]],
               matcher: OutcomeMatcher | None = None, defined: dict[str, str] | None = None,
               qualifiers: tuple[str, ...] = ()) -> list[Finding]:
    """The counts a table gives for each comparison in ``pairs``, one finding per row and comparison."""
    if not pairs or (_BASELINE.search(table.caption) and not _RESULTS.search(table.caption)):
        return []
    columns = _columns(table, text, arms, regex, pairs)
    if len(columns) < 2:
        return []
    sizes = _sizes(table, text, arms, columns)
    p_columns = [j for j, c in enumerate(table.header) if _P_COLUMN.match(c.text)]
    declared = bool(_PCT_DECLARED.search(" ".join([table.caption, table.notes] + [c.text for c in table.header])))
    table_q = qualifiers + (("subgroup",) if _SUBGROUP.search(table.caption) else ())
    matcher = matcher or default_matcher()
    findings: list[Finding] = []
    for row, outcome in _outcome_rows(table, text, matcher, defined):
        label = row[0]
        row_declared = declared or bool(_PCT_DECLARED.search(label.text))
        groups: dict[int, Group] = {}
        for arm, cols in columns.items():
            read = []
            for j in cols:
                if j >= len(row):
                    continue
                count = _cell_count(text, row[j], row_declared)
                if count is None:
                    continue
                events, total, how = _resolve(count, sizes.get(j))
                if events is not None and total is not None:
                    read.append(Group(arm, count, events, total, how))
            if len({(g.events, g.total) for g in read}) == 1:
                groups[arm] = read[0]
        p, op = _p_value(text, row, p_columns)
        row_q = table_q + (("subgroup",) if _SUBGROUP.search(label.text) else ())
        for t, c in pairs:
            if t in groups and c in groups:
                g_t, g_c = groups[t], groups[c]
                extra = tuple(sorted({g.how for g in (g_t, g_c) if g.how != "printed"}))
                mention = OutcomeMention(outcome.outcome, outcome.text, outcome.start, outcome.end, outcome.unit)
                findings.append(Finding(mention, g_t, g_c, label.start, row[-1].end, p, op,
                                        f"effect.counts_table_{g_t.count.form}.v1", row_q + extra, label.start))
    # Rows that name one outcome equally well but give other counts for one comparison (the
    # same outcome at two time points, in two sections): none of them is known to be the one.
    given: dict[tuple, set] = defaultdict(set)
    for f in findings:
        given[_key(f)].add((f.treat.events, f.treat.total, f.ctrl.events, f.ctrl.total))
    return [f for f in findings if len(given[_key(f)]) == 1]


def _key(f: Finding) -> tuple:
    return f.outcome.outcome, f.outcome.unit, f.treat.arm, f.ctrl.arm
