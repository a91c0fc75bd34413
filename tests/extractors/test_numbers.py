"""The number grammar: every printed form of a count, percentage and group size we rely on."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractors.numbers import (
    decimals_of,
    events_from_percent,
    find_counts,
    find_group_sizes,
    normalise,
    parse_number,
    percent_matches,
    sizes_from_percent,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("13/71 (18.3%) vs 10/71 (14.1%)", [(13, 71, 18.3), (10, 71, 14.1)], id="fraction-percent"),
        pytest.param("18.3% (13/71)", [(13, 71, 18.3)], id="percent-fraction"),
        pytest.param("13 / 71", [(13, 71, None)], id="spaced-slash"),
        pytest.param("26 of 66 women (39.4%)", [(26, 66, 39.4)], id="of-with-noun"),
        pytest.param("8% [28 of 334] vs 1% [four of 313]", [(28, 334, 8.0), (4, 313, 1.0)], id="word-number"),
        pytest.param("1,078/1,919", [(1078, 1919, None)], id="thousands"),
        pytest.param("26 (39.4%)", [(26, None, 39.4)], id="events-percent"),
        pytest.param("41.6 versus 44.4%", [(None, None, 41.6), (None, None, 44.4)], id="shared-percent-sign"),
        pytest.param("17 (34%) of 50 women", [(17, 50, 34.0)], id="percent-between-events-and-of"),
        pytest.param("9 [18.4%] out of the 49", [(9, 49, 18.4)], id="percent-between-events-and-out-of"),
        pytest.param("nine (18.4%) of 49", [(9, 49, 18.4)], id="percent-between-word-number-and-of"),
        pytest.param("17 (34%) of them", [(17, None, 34.0)], id="of-without-a-number-keeps-events-percent"),
        pytest.param("17 (34%) of 50.5 mL", [(17, None, 34.0)], id="of-a-decimal-is-no-total"),
    ],
)
def test_counts(text, expected):
    assert [(c.events, c.total, c.percent) for c in find_counts(normalise(text))] == expected


def test_events_percent_then_of_total_is_the_of_percent_form():
    (c,) = find_counts("17 (34.0%) of 50 patients")
    assert (c.form, c.events, c.total, c.percent_decimals, c.unit) == ("of_pct", 17, 50, 1, "woman")


def test_dates_and_interval_levels_are_not_counts():
    # the bounds of a percentage's interval are masked by the effect extractor, not here
    assert find_counts("on 12/03/2015, 95% CI and 90 % confidence") == []


def test_percent_with_n_keeps_the_group_size():
    (c,) = find_counts("46.24% (n = 43)")
    assert (c.form, c.percent, c.percent_decimals, c.group_size) == ("pct_n", 46.24, 2, 43)


def test_group_sizes():
    assert [n for n, _, _ in find_group_sizes("EST (n = 66) or no scratch (N=51)")] == [66, 51]


@pytest.mark.parametrize(
    ("pct", "decimals", "total", "expected"),
    [
        pytest.param(39.4, 1, 66, 26, id="unique"),
        pytest.param(40, 0, 250, None, id="integer-percent-many-counts"),
        pytest.param(39.9, 1, 66, None, id="no-count-rounds-to-it"),
        pytest.param(0.0, 1, 30, 0, id="zero"),
        pytest.param(100.0, 1, 30, 30, id="all"),
        pytest.param(46.24, 2, 43, None, id="n-is-not-the-denominator"),
    ],
)
def test_events_from_percent(pct, decimals, total, expected):
    assert events_from_percent(pct, decimals, total) == expected


@pytest.mark.parametrize(
    ("events", "pct", "decimals", "expected"),
    [
        pytest.param(43, 46.24, 2, [93], id="two-decimals-one-size"),
        pytest.param(10, 5.0, 1, [199, 200, 201, 202], id="one-decimal-several-sizes"),
        pytest.param(9, 36, 0, [25], id="integer-percent-one-size"),
        pytest.param(4, 30, 0, [], id="integer-percent-no-size"),
        pytest.param(0, 0.0, 1, [], id="no-events-no-size"),
        pytest.param(2, 0.4, 1, None, id="too-many-sizes-to-list"),
    ],
)
def test_sizes_from_percent(events, pct, decimals, expected):
    assert sizes_from_percent(events, pct, decimals) == expected


# --------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------

@given(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=0x2FFF)))
def test_normalise_keeps_every_offset(text):
    assert len(normalise(text)) == len(text)


@given(st.integers(1, 600), st.data(), st.integers(0, 2))
def test_percent_never_proves_a_wrong_count(total, data, decimals):
    events = data.draw(st.integers(0, total))
    pct = round(100 * events / total, decimals)
    derived = events_from_percent(pct, decimals, total)
    assert derived is None or derived == events
    assert percent_matches(events, total, pct, decimals)


@given(st.floats(0, 1000, allow_nan=False).map(lambda x: round(x, 3)))
def test_parse_number_reads_what_was_printed(x):
    printed = f"{x:.3f}"
    assert parse_number(printed) == pytest.approx(x)
    assert parse_number(printed.replace(".", ",")) == pytest.approx(x) or decimals_of(printed) == 3


def test_group_size_and_rate_in_one_bracket():
    [c] = find_counts("with LMWH (n = 75; 30.7%)")
    assert (c.form, c.group_size, c.percent, c.percent_decimals) == ("pct_n", 75, 30.7, 1)


@pytest.mark.parametrize(("words", "value"), [("Ten", 10), ("forty-two", 42), ("Ninety-nine", 99), ("twenty", 20)])
def test_counts_written_as_words(words, value):
    [c] = find_counts(f"{words} women (35.0%) conceived")
    assert (c.events, c.percent) == (value, 35.0)


def test_a_dose_written_as_a_fraction_is_not_a_count():
    assert find_counts("budesonide/formoterol 320/9 µg or 160/9 mg") == []


@given(st.integers(1, 600), st.data(), st.integers(1, 2))
def test_percent_never_proves_a_wrong_group_size(total, data, decimals):
    events = data.draw(st.integers(1, total))
    pct = round(100 * events / total, decimals)
    sizes = sizes_from_percent(events, pct, decimals)
    assert sizes is None or total in sizes


@given(st.integers(1, 400).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
       st.sampled_from([0, 1, 2]), st.sampled_from(["({}%)", "[{}%]"]), st.sampled_from(["of", "out of", "of the"]))
def test_events_percent_of_total_reads_back_what_was_printed(counts, decimals, bracket, joint):
    events, total = counts
    percent = f"{100 * events / total:.{decimals}f}"
    (c,) = find_counts(f"in {events} {bracket.format(percent)} {joint} {total} women given G-CSF")
    assert (c.form, c.events, c.total, c.percent, c.percent_decimals) == ("of_pct", events, total, float(percent), decimals)
