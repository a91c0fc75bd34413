"""Rendering llm_meta_analysis markdown: prose as text, pandoc tables as pipe tables."""

from __future__ import annotations

from scripts.eval_markdown import clean_cell, render_markdown, render_table

SIMPLE = """
::: caption
Clinical outcomes
:::

  Outcome          Drug (*n* = 103)   Placebo (*n* = 97)   *P*^a^
  ---------------- ------------------ -------------------- --------
  Success          89 (86.4%)^c^      54 (55.7%)           <0.001
  Death            4 (3.9%)           18 (18.6%)           0.001

^a^Fisher's exact test."""

MULTILINE = """
::: caption
Week 48
:::

  --------------------------------------------------------
  Parameter          Vitamin D         Placebo
                     (n = 79)          (n = 86)
  ------------------ ----------------- -------------------
  Metabolic          7 (9%)            12 (14%)
  syndrome

  Male sex           72 (91%)          77 (90%)
  --------------------------------------------------------

Values are n (%)."""


def test_simple_table_becomes_a_pipe_table_with_caption_and_notes():
    out = render_table(SIMPLE).split("\n")
    assert out[0] == "Clinical outcomes"
    assert out[2:6] == ["| Outcome | Drug (n = 103) | Placebo (n = 97) | P |", "| --- | --- | --- | --- |",
                        "| Success | 89 (86.4%) | 54 (55.7%) | <0.001 |", "| Death | 4 (3.9%) | 18 (18.6%) | 0.001 |"]
    assert out[-1] == "^aFisher's exact test."


def test_multiline_table_joins_header_lines_and_row_lines():
    out = render_table(MULTILINE).split("\n")
    assert "| Parameter | Vitamin D (n = 79) | Placebo (n = 86) |" in out
    assert "| Metabolic syndrome | 7 (9%) | 12 (14%) |" in out
    assert "| Male sex | 72 (91%) | 77 (90%) |" in out


def test_a_cell_run_over_its_neighbour_stays_a_separate_cell():
    block = "\n  A      B       C\n  ------ ------- ----\n  x      6^*^ (1, 2)    .73\n"
    assert render_table(block).split("\n")[-1] == "| x | 6 (1, 2) | .73 |"


def test_cell_marks_and_emphasis_are_dropped():
    assert clean_cell("*n* = 103[b](#) ~10~ 2--3 | x") == "n = 103 10 2\u20133 / x"


def test_prose_and_tables_are_set_apart_by_blank_lines():
    md = "# Results Deaths fell. ::::table-wrap" + SIMPLE + "::::" + " More prose."
    text = render_markdown(md)
    assert text.startswith("Results Deaths fell.\n\nClinical outcomes\n\n| Outcome")
    assert text.endswith("\n\nMore prose.")
