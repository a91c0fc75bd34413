"""The number grammar: every printed form of a ratio, interval, p-value and count we rely on."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.numbers import (
    decimals_of,
    events_from_percent,
    find_counts,
    find_group_sizes,
    find_p_values,
    find_ratios,
    normalise,
    parse_number,
    percent_matches,
)


def ratios(text: str) -> list[tuple]:
    return [(r.measure, r.estimate, r.ci_low, r.ci_high) for r in find_ratios(normalise(text))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("OR 1.37, 95% CI 0.55–3.36", ("OR", 1.37, 0.55, 3.36), id="issue-or-comma-ci"),
        pytest.param("RR: 1.67 (0.94–2.98)", ("RR", 1.67, 0.94, 2.98), id="issue-colon-bare-bracket"),
        pytest.param("(OR = 2.94, 95% CI = 1.23–8.33)", ("OR", 2.94, 1.23, 8.33), id="issue-equals"),
        pytest.param("RR 1.52, 95 % CI 1.18–1.96", ("RR", 1.52, 1.18, 1.96), id="issue-space-percent"),
        pytest.param("RR 1.52 (95% CI 1.18 to 1.96)", ("RR", 1.52, 1.18, 1.96), id="to"),
        pytest.param("RR 1.52 (95% CI 1.18\u20141.96)", ("RR", 1.52, 1.18, 1.96), id="em-dash"),
        pytest.param("OR 0.45 [95% CI: 0.28, 0.75]", ("OR", 0.45, 0.28, 0.75), id="square-comma"),
        pytest.param("relative risk (RR) 1.92, 95% confidence interval (CI) 1.36 to 2.71",
                     ("RR", 1.92, 1.36, 2.71), id="spelled-with-abbreviations"),
        pytest.param("an odds ratio of 0.52 (95% CI 0.33, 0.82; P = 0.005)", ("OR", 0.52, 0.33, 0.82), id="of"),
        pytest.param("the odds ratio for live birth was 1.49 (95% CI 0.92\u20132.41)", ("OR", 1.49, 0.92, 2.41),
                     id="lead-words"),
        pytest.param("HR = 1.2, CI 0.84-1.73, p = 0.35", ("HR", 1.2, 0.84, 1.73), id="bare-ci"),
        pytest.param("Cox hazard ratio (95% confidence interval), 0.663 (0.447\u20130.983)", ("HR", 0.663, 0.447, 0.983),
                     id="interval-named-first"),
        pytest.param("aOR 2.47; 95%CI 1.78\u20133.42", ("OR", 2.47, 1.78, 3.42), id="aor-glued-ci"),
        pytest.param("(RR1.16, CI 0.99\u20131.36)", ("RR", 1.16, 0.99, 1.36), id="glued-abbreviation"),
        pytest.param("RR 1,33; 95% CI 0,69-2,59", ("RR", 1.33, 0.69, 2.59), id="decimal-comma"),
        pytest.param("risk ratio 1\u00b743, 95% CI 0\u00b796 to 2\u00b712", ("RR", 1.43, 0.96, 2.12), id="lancet-middot"),
        pytest.param("OR 2.9. 95% CI 1.1\u20137.7", ("OR", 2.9, 1.1, 7.7), id="stray-full-stop"),
        pytest.param("OR 2.37, 95% CI; 1.20 \u2013 4.68", ("OR", 2.37, 1.2, 4.68), id="semicolon-after-label"),
        pytest.param("OR 9.2, 95% C.I 2.5 to33.6", ("OR", 9.2, 2.5, 33.6), id="ci-with-dots-glued-to"),
        pytest.param("risk difference \u22120.05 (95% CI \u22120.12 to 0.02)", ("RD", -0.05, -0.12, 0.02),
                     id="rd-unicode-minus"),
        pytest.param("absolute risk difference 8.5% (95% CI 1.2% to 15.8%)", ("RD", 0.085, 0.012, 0.158),
                     id="rd-percent-to-proportion"),
    ],
)
def test_ratio_forms(text, expected):
    assert ratios(text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("mean difference 0.8 mm (95% CI 0.2 to 1.4)", id="mean-difference"),
        pytest.param("embryo transfer 3 days after OR (n = 40) and 5 days after OR (n = 41)", id="oocyte-retrieval"),
        pytest.param("IVF OR ICSI", id="boolean-or"),
        pytest.param("incidence rate ratio 1.27 (95% CI 0.92\u20131.75)", id="incidence-rate-ratio"),
        pytest.param("rate ratio (RR) 0.85; clear reductions (RR=0.71, 0.48 to 1.05)", id="rr-defined-as-rate-ratio"),
        pytest.param("500 IU hCG (95% CI 1.0\u20132.0)", id="international-units"),
        pytest.param("cardiac index (CI) 2.5 and heart rate (HR) 80 (70\u201390)", id="ci-and-hr-as-physiology"),
        pytest.param("OR 1.5, 2.3\u20134.5", id="unlabelled-range-excluding-estimate"),
        pytest.param("RR 12% (95% CI 5%\u201320%)", id="ratio-in-percent"),
    ],
)
def test_not_ratios(text):
    assert ratios(text) == []


def test_interval_level_is_kept():
    (r,) = find_ratios("RR 1.20 (90% CI 0.95-1.52)")
    assert r.ci_level == 90.0
    (r,) = find_ratios("OR 1.84; 97.5 % Confidence Interval (CI), 1.04-3.26")
    assert r.ci_level == 97.5


def test_second_estimate_with_its_own_interval():
    text = "Hazard ratios were 0.915 (95% CI 0.625-1.339) for dose A and 0.927 (95% CI 0.634-1.356) for dose B"
    assert ratios(text) == [("HR", 0.915, 0.625, 1.339), ("HR", 0.927, 0.634, 1.356)]


def test_no_second_estimate_across_another_measure():
    text = "HR 0.80 (95% CI 0.60-1.00) and a mean difference of 2.3 (95% CI 1.1-3.5)"
    assert ratios(text) == [("HR", 0.8, 0.6, 1.0)]


def test_p_value_attached_to_its_ratio():
    (r,) = find_ratios("(OR = 2.94, 95% CI = 1.23-8.33, P = 0.01)")
    assert (r.p_value, r.p_operator) == (0.01, "=")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("P = 0.49", ("=", 0.49), id="equals"),
        pytest.param("P<.001", ("<", 0.001), id="leading-point"),
        pytest.param("p=0.047", ("=", 0.047), id="lower-case"),
        pytest.param("P \u2264 0.05", ("<=", 0.05), id="less-or-equal"),
        pytest.param("P = NS", ("ns", None), id="ns"),
        pytest.param("p-value = 0.382", ("=", 0.382), id="p-value"),
        pytest.param("P = 2 \u00d7 10^-5", ("=", 2e-05), id="scientific"),
        pytest.param("p 0.035", ("=", 0.035), id="no-operator"),
    ],
)
def test_p_values(text, expected):
    (p,) = find_p_values(normalise(text))
    assert (p.operator, p.value) == expected


@pytest.mark.parametrize("text", ["P4 levels", "p53 expression", "P = 1.7"], ids=["progesterone", "gene", "above-one"])
def test_not_p_values(text):
    assert find_p_values(text) == []


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
    ],
)
def test_counts(text, expected):
    assert [(c.events, c.total, c.percent) for c in find_counts(normalise(text))] == expected


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


# --------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------

_TEMPLATES = [
    "{m} {e}, 95% CI {l}{d}{h}",
    "{m}: {e} ({l}{d}{h})",
    "({m} = {e}, 95% CI = {l}{d}{h})",
    "{m} {e}, 95 % CI {l}{d}{h}",
    "{m} {e} [95% CI {l}{d}{h}]",
    "{m} {e}; 95% confidence interval {l}{d}{h}",
]
_DASHES = ["-", "\u2013", "\u2014", "\u2010", " to ", " \u2013 "]


@st.composite
def ratio_statements(draw):
    measure = draw(st.sampled_from(["RR", "OR", "HR", "odds ratio", "relative risk", "hazard ratio", "risk ratio"]))
    cents = sorted(draw(st.lists(st.integers(1, 2000), min_size=3, max_size=3, unique=True)))
    low, est, high = (c / 100 for c in cents)
    template = draw(st.sampled_from(_TEMPLATES))
    dash = draw(st.sampled_from(_DASHES))
    point = draw(st.sampled_from([".", "\u00b7"]))

    def fmt(x: float) -> str:
        return f"{x:.2f}".replace(".", point)

    text = template.format(m=measure, e=fmt(est), l=fmt(low), d=dash, h=fmt(high))
    expected = {"odds ratio": "OR", "relative risk": "RR", "risk ratio": "RR", "hazard ratio": "HR"}.get(measure, measure)
    return text, (expected, round(est, 2), round(low, 2), round(high, 2))


@given(ratio_statements())
@settings(max_examples=300, deadline=None)
def test_any_formatted_ratio_round_trips(case):
    text, expected = case
    assert ratios(text) == [expected]


@given(st.integers(0, 999), st.integers(0, 999), st.sampled_from(["\u2212", "-", "\u2013"]))
def test_unicode_minus_parses_as_ascii(a, b, minus):
    low, high = sorted((a / 1000, b / 1000 + 0.001))
    text = f"risk difference {minus}{low:.3f} (95% CI {minus}{high:.3f} to 0.999)"
    ascii_text = f"risk difference -{low:.3f} (95% CI -{high:.3f} to 0.999)"
    assert ratios(text) == ratios(ascii_text)


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
