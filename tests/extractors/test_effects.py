"""The effect extractor on invented RIF-trial abstracts, each with the effects a reader would take.

The fixtures (``tests/fixtures/extract/rif_abstracts.json``) are written for this project in its
own words; each case names what it tests. The comparison is exact: an extra effect fails a case as
surely as a missing one, since a wrong number is worse than none.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.effects import extract_effects, preferred_effects
from extractors.records import Article, Effect

CASES = json.loads((Path(__file__).resolve().parents[1] / "fixtures" / "extract" / "rif_abstracts.json")
                   .read_text(encoding="utf-8"))


def _key(effect: Effect) -> tuple:
    if effect.source == "computed":
        return ("computed", effect.outcome, (effect.treat_events, effect.treat_total, effect.ctrl_events,
                                            effect.ctrl_total))
    return ("reported", effect.outcome, effect.measure, effect.estimate, effect.ci_low, effect.ci_high)


def _expected_key(row: dict) -> tuple:
    if row["source"] == "computed":
        return ("computed", row["outcome"], tuple(row["counts"]))
    low, high = row["ci"]
    return ("reported", row["outcome"], row["measure"], row["estimate"], low, high)


def _article(case: dict) -> Article:
    return Article(pmid=case["id"], title=case.get("title", "A randomized trial"), abstract=case["abstract"])


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_fixture_abstract_gives_exactly_the_expected_effects(case):
    effects = extract_effects(_article(case), therapy=case.get("therapy"))
    got = {_key(e): e for e in effects}
    expected = {_expected_key(r): r for r in case["expected"]}
    assert sorted(got, key=repr) == sorted(expected, key=repr), case["note"]
    for key, row in expected.items():
        effect = got[key]
        if "p" in row:
            assert effect.p_value == pytest.approx(row["p"])
        if "unit" in row:
            assert effect.denominator_unit == row["unit"]
        assert bool(effect.check_failures) == row.get("fails", False), effect.check_failures
        for qualifier in row.get("qualifiers", []):
            assert qualifier in effect.qualifiers
        if row["source"] == "reported" and "counts" in row:
            assert (effect.treat_events, effect.treat_total, effect.ctrl_events, effect.ctrl_total) == tuple(row["counts"])
        if "estimate" in row and row["source"] == "computed" and row["estimate"] is None:
            assert effect.estimate is None


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_evidence_span_points_at_the_stored_abstract(case):
    article = _article(case)
    for effect in extract_effects(article, therapy=case.get("therapy")):
        assert article.abstract[effect.char_start:effect.char_end] == effect.evidence_text
        assert effect.evidence_text.strip()
        assert effect.rule_id.startswith("effect.") and effect.rule_id.endswith(".v1")


def test_computed_rr_matches_effect_sizes():
    case = next(c for c in CASES if c["id"] == "atosiban-lancet-middot")
    computed = [e for e in extract_effects(_article(case), therapy="atosiban") if e.source == "computed"]
    assert len(computed) == 1
    assert round(computed[0].estimate, 2) == 1.43 and computed[0].measure == "RR"


def test_preferred_effects_take_counts_over_the_reported_ratio():
    case = next(c for c in CASES if c["id"] == "atosiban-lancet-middot")
    effects = extract_effects(_article(case), therapy="atosiban")
    chosen = preferred_effects(effects)
    assert [e.source for e in chosen] == ["computed"]


def test_preferred_effects_never_choose_pooled_or_failing_rows():
    pooled = next(c for c in CASES if c["id"] == "meta-analysis-pooled")
    failing = next(c for c in CASES if c["id"] == "interval-excludes-estimate")
    assert preferred_effects(extract_effects(_article(pooled), therapy="g_csf")) == []
    assert preferred_effects(extract_effects(_article(failing), therapy="g_csf")) == []


def test_abstract_without_digits_gives_nothing():
    assert extract_effects(Article("1", "t", "No numbers here. None at all.")) == []


_OUTCOMES = {"Clinical pregnancy": "clinical_pregnancy", "Live birth": "live_birth",
             "Ongoing pregnancy": "ongoing_pregnancy", "Miscarriage": "miscarriage"}
_THERAPIES = {"G-CSF": "g_csf", "PBMC": "pbmc", "intralipid": "intralipid", "atosiban": "atosiban"}
_SENTENCES = [
    "{O} was {a}/{n} ({p}%) in the {T} group and {b}/{m} ({q}%) in the {C} group.",
    "{O}: {T} group {a}/{n} ({p}%) vs {C} group {b}/{m} ({q}%).",
    "{O} rates were {p}% ({a}/{n}) and {q}% ({b}/{m}) in the {T} and {C} groups, respectively.",
    "In the {C} group {O_lower} occurred in {b} of {m} women, compared with {a} of {n} in the {T} group.",
    "{O} rates were {q}% ({b}/{m}) and {p}% ({a}/{n}) in the {C} and {T} groups, respectively.",
]


@st.composite
def two_arm_abstracts(draw):
    outcome = draw(st.sampled_from(sorted(_OUTCOMES)))
    therapy = draw(st.sampled_from(sorted(_THERAPIES)))
    control = draw(st.sampled_from(["placebo", "saline", "control"]))
    n, m = draw(st.integers(10, 400)), draw(st.integers(10, 400))
    a, b = draw(st.integers(0, n)), draw(st.integers(0, m))
    template = draw(st.sampled_from(_SENTENCES))
    text = (f"Women with repeated implantation failure were randomized to {therapy} (n = {n}) or {control} "
            f"(n = {m}). " + template.format(O=outcome, O_lower=outcome.lower(), T=therapy, C=control, a=a, n=n,
                                             b=b, m=m, p=f"{100 * a / n:.1f}", q=f"{100 * b / m:.1f}"))
    return text, _THERAPIES[therapy], _OUTCOMES[outcome], (a, n, b, m)


@given(two_arm_abstracts())
@settings(max_examples=150, deadline=None)
def test_any_two_arm_sentence_gives_its_counts_in_the_right_order(case):
    text, therapy, outcome, counts = case
    effects = extract_effects(Article("p", "t", text), therapy=therapy)
    assert [(e.source, e.outcome, (e.treat_events, e.treat_total, e.ctrl_events, e.ctrl_total)) for e in effects] == [
        ("computed", outcome, counts)]
    assert effects[0].check_failures == ()


_PIECES = ["LBR", "clinical pregnancy", "live birth rate", "G-CSF group", "placebo", "control group", "(n = 40)",
           "13/71", "(18.3%)", "vs", "versus", "and", "respectively", "RR 1.5 (95% CI 1.1-2.0)", "P = 0.04",
           "45.0%", "12 of 40", ".", ", ", " ", "\u2212", "\u2013", "OR", "(", ")", "group A", "n = 12", "9/0"]


@given(st.lists(st.sampled_from(_PIECES), max_size=40), st.sampled_from([None, "g_csf", "pbmc"]))
@settings(max_examples=300, deadline=None)
def test_any_jumble_of_abstract_words_is_read_without_error(pieces, therapy):
    text = " ".join(pieces)
    article = Article("p", "t", text)
    for effect in extract_effects(article, therapy=therapy):
        assert text[effect.char_start:effect.char_end] == effect.evidence_text
        assert effect.outcome in ("live_birth", "clinical_pregnancy", "ongoing_pregnancy", "miscarriage",
                                  "implantation", "chemical_pregnancy", "other")
