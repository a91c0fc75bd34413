"""Counts from results tables: columns to arms, rows to outcomes, cells proved by the column's size."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.arms import Arm, ArmMatcher, ArmsHint, comparisons, find_arms
from extractors.table_counts import find_tables, read_table

ARMS_TEXT = "Women were randomized to G-CSF or placebo."


def _read(table_text: str, prose: str = ARMS_TEXT, therapy: str | None = "g_csf", hint: ArmsHint | None = None):
    text = f"{prose}\n\n{table_text}"
    arms = find_arms(text[:len(prose)], therapy, hint)
    out = []
    for table in find_tables(text):
        for f in read_table(table, text, arms, ArmMatcher(arms, text), comparisons(arms, every_control=True)):
            out.append((f.outcome.outcome, f.treat.events, f.treat.total, f.ctrl.events, f.ctrl.total))
    return out


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        pytest.param("15/52 (28.8%) | 9/50 (18.0%)", (15, 52, 9, 50), id="fraction-pct"),
        pytest.param("28.8% (15/52) | 18.0% (9/50)", (15, 52, 9, 50), id="pct-fraction"),
        pytest.param("15 (28.8%) | 9 (18.0%)", (15, 52, 9, 50), id="events-pct-proved-by-header-size"),
        pytest.param("15 (29%) | 9 (18%)", (15, 52, 9, 50), id="whole-percent-with-header-size"),
        pytest.param("28.8% | 18.0%", (15, 52, 9, 50), id="percent-proving-one-count"),
        pytest.param("15 of 52 | 9 of 50", (15, 52, 9, 50), id="of-form"),
    ],
)
def test_cell_forms(cells, expected):
    table = f"| Outcome | G-CSF (n = 52) | Placebo (n = 50) |\n| --- | --- | --- |\n| Live birth | {cells} |"
    assert _read(table) == [("live_birth", *expected)]


@pytest.mark.parametrize(
    "cells",
    [
        pytest.param("15 | 9", id="bare-numbers"),
        pytest.param("15 (31.2%) | 9 (18.0%)", id="percent-disagrees-with-size"),
        pytest.param("28.5 (4.1) | 27.9 (3.8)", id="mean-sd"),
        pytest.param("15 (28.8) | 9 (18.0) (n/a)", id="two-things-in-a-cell"),
    ],
)
def test_cells_that_prove_nothing_are_not_read(cells):
    table = f"| Outcome | G-CSF (n = 52) | Placebo (n = 50) |\n| --- | --- | --- |\n| Live birth | {cells} |"
    assert _read(table) == []


def test_bare_percent_in_brackets_is_read_when_the_table_says_n_percent():
    table = "| Outcome, n (%) | G-CSF (n = 52) | Placebo (n = 50) |\n| --- | --- | --- |\n| Live birth | 15 (29) | 9 (18) |"
    assert _read(table) == [("live_birth", 15, 52, 9, 50)]


def test_columns_named_generically_and_statistics_columns_skipped():
    table = ("| | All patients | Intervention group | Control group | p value |\n| --- | --- | --- | --- | --- |\n"
             "| Number of patients | 102 | 52 | 50 | |\n| Live birth, n (%) | 24 (23.5) | 15 (28.8) | 9 (18.0) | 0.2 |")
    assert _read(table, "Women were randomized to G-CSF or no treatment.") == [("live_birth", 15, 52, 9, 50)]


def test_two_arm_table_naming_one_arm_gives_the_other_column_to_the_other_arm():
    table = "| | CoPAT (n = 103) | IPAT (n = 97) | P |\n| --- | --- | --- | --- |\n| Live birth | 89 (86.4%) | 54 (55.7%) | <0.001 |"
    hint = ArmsHint("therapy outside the hospital (CoPAT)", "inpatient therapy")
    prose = "Patients treated outside the hospital (CoPAT) were compared with inpatient therapy."
    assert _read(table, prose, None, hint) == [("live_birth", 89, 103, 54, 97)]


def test_a_baseline_table_is_not_read():
    table = "| Characteristic | G-CSF (n = 52) | Placebo (n = 50) |\n| --- | --- | --- |\n| Previous live birth | 15/52 | 9/50 |"
    assert _read("Table 1. Baseline characteristics\n\n" + table) == []


def test_each_dose_column_is_its_own_comparison():
    prose = "Women were randomized to G-CSF 100 µg, G-CSF 300 µg or placebo."
    table = ("| Outcome | G-CSF 100 µg (n = 40) | G-CSF 300 µg (n = 40) | Placebo (n = 40) |\n| --- | --- | --- | --- |\n"
             "| Live birth | 10/40 | 14/40 | 6/40 |")
    assert sorted(_read(table, prose)) == [("live_birth", 10, 40, 6, 40), ("live_birth", 14, 40, 6, 40)]


@given(st.integers(1, 400), st.integers(1, 400), st.data())
@settings(max_examples=200, deadline=None)
def test_any_printed_fraction_is_read_back_in_its_arm(n_t, n_c, data):
    e_t, e_c = data.draw(st.integers(0, n_t)), data.draw(st.integers(0, n_c))
    table = (f"| Outcome | G-CSF (n = {n_t}) | Placebo (n = {n_c}) |\n| --- | --- | --- |\n"
             f"| Live birth | {e_t}/{n_t} ({100 * e_t / n_t:.1f}%) | {e_c}/{n_c} ({100 * e_c / n_c:.1f}%) |")
    assert _read(table) == [("live_birth", e_t, n_t, e_c, n_c)]


def test_arms_without_hint_words_in_the_header_map_nothing():
    arms = [Arm("G-CSF", "treatment", keys=("g-csf",)), Arm("placebo", "control", "placebo", keys=("placebo",))]
    text = "| Outcome | Group 1 | Group 2 |\n| --- | --- | --- |\n| Live birth | 15/52 | 9/50 |"
    [t] = find_tables(text)
    assert read_table(t, text, arms, ArmMatcher(arms, text), comparisons(arms, True)) == []
