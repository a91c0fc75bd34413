"""Tables in text: pipe tables and flattened rows, cut into cells whose offsets point at their text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.tables import find_tables


def _texts(row) -> list[str]:
    return [c.text for c in row]


def test_pipe_table_with_caption_header_rows_and_notes():
    text = ("Table 2. Outcomes\n\n| Outcome | G-CSF | Placebo |\n| | (n = 52) | (n = 50) |\n| --- | --- | --- |\n"
            "| Live birth | 15/52 | 9/50 |\n\nValues are n/N.")
    [t] = find_tables(text)
    assert _texts(t.header) == ["Outcome", "G-CSF (n = 52)", "Placebo (n = 50)"]
    assert [_texts(r) for r in t.rows] == [["Live birth", "15/52", "9/50"]]
    assert (t.caption, t.notes, t.form) == ("Table 2. Outcomes", "Values are n/N.", "pipe")


def test_pipe_table_without_a_rule_row_takes_its_first_row_as_header():
    [t] = find_tables("| Outcome | A | B |\n| Live birth | 1/2 | 1/3 |")
    assert _texts(t.header) == ["Outcome", "A", "B"] and len(t.rows) == 1


def test_flattened_table_with_a_blank_label_header():
    text = "Results by group.\n\n            EST (n=66)     Control (n=51)\nLive birth  26/66 (39.4%)  12/51 (23.5%)\n"
    [t] = find_tables(text)
    assert _texts(t.header) == ["", "EST (n=66)", "Control (n=51)"]
    assert _texts(t.rows[0]) == ["Live birth", "26/66 (39.4%)", "12/51 (23.5%)"]
    assert t.form == "flat"


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("RESULTS:  The CPR was 40%.  The LBR was 30%.", id="double-spaced-prose-one-line"),
        pytest.param("The rates were similar.  Both arms did well.\nNo harm was seen.  None withdrew.",
                     id="double-spaced-prose-no-digits"),
        pytest.param("A | B", id="a-bar-in-prose"),
    ],
)
def test_prose_is_not_a_table(text):
    assert find_tables(text) == []


_CELL = st.text(alphabet=st.sampled_from("abcdefghij0123456789%()/. -"), min_size=1, max_size=14).map(str.strip).filter(
    lambda s: s and "  " not in s and "---" not in s)


@given(st.integers(min_value=2, max_value=5).flatmap(
    lambda width: st.lists(st.lists(_CELL, min_size=width, max_size=width), min_size=2, max_size=6)))
@settings(max_examples=200, deadline=None)
def test_pipe_cells_point_at_their_own_text(rows):
    text = "Intro.\n\n" + "\n".join("| " + " | ".join(r) + " |" for r in rows[:1]) + "\n| " + \
        " | ".join("---" for _ in rows[0]) + " |\n" + "\n".join("| " + " | ".join(r) + " |" for r in rows[1:])
    [t] = find_tables(text)
    assert [_texts(r) for r in (t.header, *t.rows)] == rows
    for row in (t.header, *t.rows):
        for cell in row:
            assert text[cell.start:cell.end] == cell.text
