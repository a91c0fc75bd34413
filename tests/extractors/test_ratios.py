"""Ratios and risk differences with intervals: every printed form we rely on, and what is not one."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.numbers import normalise
from extractors.ratios import find_ratios


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
        pytest.param("OR = 2.23 (95% CI: 1.04 ~ 4.78)", ("OR", 2.23, 1.04, 4.78), id="tilde-range"),
        pytest.param("RR 1.31 (95% CI 1.02\uff5e1.69)", ("RR", 1.31, 1.02, 1.69), id="fullwidth-tilde-range"),
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
        pytest.param("OR 1.5, 2.3 ~ 4.5", id="tilde-range-excluding-estimate"),
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
