"""Outcome mentions: the configured wordings, abbreviations, condition names and units."""

from __future__ import annotations

import pytest

from extractors.outcomes import OutcomeMatcher, OutcomeTerms, default_matcher, find_outcomes


def mentions(text: str) -> list[tuple]:
    return [(m.outcome, m.text, m.unit) for m in find_outcomes(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("The live birth rate", [("live_birth", "live birth rate", None)], id="phrase"),
        pytest.param("live-birth rate", [("live_birth", "live-birth rate", None)], id="hyphen"),
        pytest.param("LBR and CPR", [("live_birth", "LBR", None), ("clinical_pregnancy", "CPR", None)], id="abbreviations"),
        pytest.param("lbr", [], id="abbreviation-case"),
        pytest.param("ongoing pregnancy rate", [("ongoing_pregnancy", "ongoing pregnancy rate", None)], id="longest-wins"),
        pytest.param("pregnancy rate", [("other", "pregnancy rate", None)], id="unqualified-pregnancy-is-other"),
        pytest.param("take-home baby", [("live_birth", "take-home baby", None)], id="take-home"),
        pytest.param("biochemical pregnancies", [("chemical_pregnancy", "biochemical pregnancies", None)], id="biochemical"),
        pytest.param("early pregnancy loss", [("miscarriage", "early pregnancy loss", None)], id="pregnancy-loss"),
    ],
)
def test_wordings(text, expected):
    assert mentions(text) == expected


@pytest.mark.parametrize(
    "text",
    ["recurrent implantation failure", "repeated implantation failure", "recurrent pregnancy loss",
     "recurrent miscarriage", "the implantation window"],
    ids=["rif", "repeated-if", "rpl", "recurrent-miscarriage", "window"],
)
def test_condition_names_are_not_outcomes(text):
    assert mentions(text) == []


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        pytest.param("live birth rate per woman randomised", "woman", id="per-woman"),
        pytest.param("clinical pregnancy rate per embryo transfer", "transfer", id="per-transfer"),
        pytest.param("implantation rate per embryo transferred", "embryo", id="per-embryo"),
        pytest.param("clinical pregnancy rate per started cycle", "cycle", id="per-cycle"),
        pytest.param("per-cycle live birth rate", "cycle", id="before"),
        pytest.param("live birth rate (per patient)", "woman", id="bracketed"),
        pytest.param("live birth rate was 40%", None, id="not-stated"),
    ],
)
def test_denominator_unit(text, unit):
    assert find_outcomes(text)[0].unit == unit


def test_abbreviations_the_abstract_defines():
    text = "Ongoing pregnancy (OP) and live birth (LB) rates. The OP rate was 37% and the LB rate 36%."
    defined = default_matcher().defined_abbreviations(text)
    assert defined == {"OP": "ongoing_pregnancy", "LB": "live_birth"}
    second = text.index("The OP")
    assert [(m.outcome, m.text) for m in find_outcomes(text, second, extra=defined)] == [
        ("ongoing_pregnancy", "OP"), ("live_birth", "LB")]


def test_a_matcher_of_other_words():
    matcher = OutcomeMatcher([OutcomeTerms("other", ("stomatitis", "grade III/IV stomatitis"))])
    assert [m.text for m in matcher.find("Grade III/IV stomatitis and stomatitis")] == [
        "Grade III/IV stomatitis", "stomatitis"]


@pytest.mark.parametrize(
    "text",
    ["42 deaths per 1000 livebirths", "the health risks of alcohol during pregnancy"],
    ids=["denominator", "bare-pregnancy"],
)
def test_words_that_are_not_outcomes_here(text):
    assert mentions(text) == []


_FIXTURES = __import__("pathlib").Path(__file__).parents[1] / "fixtures" / "extract" / "rif_abstracts.json"


def _fixture_texts() -> list[str]:
    import json

    return [case["abstract"] for case in json.loads(_FIXTURES.read_text(encoding="utf-8"))]


@pytest.mark.parametrize("text", [
    *_fixture_texts(),
    "Mean serum ferritin fell from 80 to 45 ng/mL (P = 0.01) in 40 anaemic adults.",
    "Survival was 12/40 vs 6/40 at one year.",
], ids=lambda t: t[:30])
def test_a_text_the_gate_turns_away_has_no_mention(text):
    """``might_mention`` is the gate of ``extract_effects``: it may let extra texts through, never drop one."""
    matcher = default_matcher()
    if not matcher.might_mention(text):
        assert matcher.find(text) == []
        assert matcher.defined_abbreviations(text) == {}


def test_the_gate_lets_every_outcome_through_and_turns_others_away():
    matcher = default_matcher()
    assert matcher.might_mention("The clinical pregnancy rate was 35%.")
    assert not matcher.might_mention("Mean serum ferritin fell from 80 to 45 ng/mL (P = 0.01).")
