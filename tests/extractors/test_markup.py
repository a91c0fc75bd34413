"""Inline markup renders with its spacing kept, and numbers never merge with their neighbours."""

from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractors.markup import normalise_text, render_inline

MATHML = 'xmlns:mml="http://www.w3.org/1998/Math/MathML"'


def render(fragment: str) -> str:
    return render_inline(ET.fromstring(f"<AbstractText {MATHML}>{fragment}</AbstractText>"))


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        pytest.param("the RR was<b>0.85</b>(95% CI 0.55-1.30)",
                     "the RR was 0.85 (95% CI 0.55-1.30)", id="bold-number-glued-both-sides"),
        pytest.param("the RR was <b>0.85</b> (95% CI)", "the RR was 0.85 (95% CI)",
                     id="source-spaces-kept"),
        pytest.param("<i>P</i>=0.03", "P=0.03", id="italic-p-no-space-added"),
        pytest.param("<i>P</i>0.03", "P 0.03", id="italic-letter-then-digit"),
        pytest.param("38<i>/</i>90", "38/90", id="slash-between-digits-stays"),
        pytest.param("12<b>30</b>", "12 30", id="two-numbers-across-bold"),
        pytest.param("(n=30)<b>and</b>", "(n=30) and", id="bracket-then-word"),
        pytest.param("95%<b>CI</b>", "95% CI", id="percent-then-word"),
        pytest.param("T<i>X</i>Y motif", "TXY motif", id="letters-inside-a-word-kept"),
        pytest.param("10<sup>6</sup> cells", "10^6 cells", id="power-of-ten"),
        pytest.param("10<sup>6</sup>cells", "10^6 cells", id="exponent-ends-at-markup"),
        pytest.param("2.5 × 10<sup>−3</sup>", "2.5 × 10^−3", id="negative-exponent"),
        pytest.param("kg/m<sup>2</sup>", "kg/m^2", id="unit-square"),
        pytest.param("CD56<sup>+</sup>CD16<sup>−</sup> cells", "CD56+CD16− cells",
                     id="immunophenotype-signs-inline"),
        pytest.param("repair<sup>3-7,10</sup>. Next", "repair^3-7,10. Next", id="citation-marks"),
        pytest.param("<sup>13</sup>C-glucose", "13C-glucose", id="leading-isotope"),
        pytest.param("serum E<sub>2</sub> rose", "serum E2 rose", id="estradiol-subscript"),
        pytest.param("IC<sub>50</sub>", "IC50", id="subscript-letters-then-digits"),
        pytest.param("10<sub>2</sub>", "10_2", id="digit-subscript-after-digit"),
        pytest.param("<b>10</b><sup>6</sup>", "10^6", id="bold-base-then-exponent"),
        pytest.param("a <i>b\n   c</i>  d", "a b c d", id="whitespace-collapsed"),
        pytest.param('<mml:math><mml:msup><mml:mi>I</mml:mi><mml:mn>2</mml:mn></mml:msup>'
                     '</mml:math>=40%', "I^2=40%", id="mathml-superscript"),
        pytest.param('<mml:math><mml:mfrac><mml:mn>1</mml:mn><mml:mn>3</mml:mn></mml:mfrac>'
                     '</mml:math>', "1/3", id="mathml-fraction"),
        pytest.param('<mml:math><mml:mmultiscripts><mml:mi>He</mml:mi><mml:mprescripts/>'
                     '<mml:none/><mml:mn>3</mml:mn></mml:mmultiscripts></mml:math> MRI',
                     "3He MRI", id="mathml-prescript"),
        pytest.param("was<mml:math><mml:mn>5</mml:mn></mml:math>mg", "was 5 mg",
                     id="mathml-boundaries-are-word-boundaries"),
    ],
)
def test_render_inline(fragment, expected):
    assert render(fragment) == expected


def test_non_ascii_text_is_nfc():
    decomposed = "Mu\u0308ller e\u0301chec"  # combining diaeresis and acute accent
    rendered = render(decomposed)
    assert rendered == "Müller échec"
    assert unicodedata.is_normalized("NFC", rendered)


def test_normalise_text_collapses_unicode_spaces():
    assert normalise_text("\u00a0 30\u2009mg \n\t per day ") == "30 mg per day"


# --- properties -----------------------------------------------------------------------------

WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéµ", min_size=1,
                max_size=8)
NUMBERS = st.from_regex(r"[0-9]{1,3}(\.[0-9]{1,2})?", fullmatch=True)
PUNCTUATION = st.sampled_from(["(", ")", "(95%", "%", ",", ";", "=", "<", "–", "/", ":"])
TOKENS = st.lists(st.one_of(WORDS, NUMBERS, PUNCTUATION), min_size=1, max_size=25)
EMPHASIS = st.sampled_from(["", "b", "i", "u"])


@st.composite
def marked_up(draw):
    """Tokens, each maybe wrapped in emphasis; tokens apart in the source stay apart.

    Two tokens touch (no space between them) only where a markup boundary separates them:
    that is exactly the case where the renderer has to decide.
    """
    tokens = draw(TOKENS)
    wrappers = [draw(EMPHASIS) for _ in tokens]
    pieces = []
    for index, (token, tag) in enumerate(zip(tokens, wrappers, strict=True)):
        if index:
            at_boundary = bool(tag or wrappers[index - 1])
            pieces.append(draw(st.sampled_from(["", " "])) if at_boundary else " ")
        pieces.append(f"<{tag}>{escape(token)}</{tag}>" if tag else escape(token))
    return tokens, "".join(pieces)


@given(marked_up())
def test_numbers_never_merge_with_neighbours(case):
    tokens, fragment = case
    rendered = render(fragment)
    numbers = [run for token in tokens for run in re.findall(r"[0-9]+(?:\.[0-9]+)?", token)]
    digit_runs = [run for run in re.findall(r"[^\W_]+(?:\.[0-9]+)?", rendered)
                  if any(char.isdigit() for char in run)]
    assert digit_runs == numbers


@given(marked_up())
def test_rendering_only_adds_or_collapses_spaces(case):
    tokens, fragment = case
    rendered = render(fragment)
    assert rendered.replace(" ", "") == "".join(tokens).replace(" ", "")
    assert rendered == rendered.strip()
    assert "  " not in rendered and "\n" not in rendered


@given(NUMBERS, st.from_regex(r"[0-9]{1,2}", fullmatch=True), WORDS)
def test_superscript_after_a_number_stays_a_separate_exponent(base, exponent, word):
    rendered = render(f"{base}<sup>{exponent}</sup>{word}")
    assert rendered == f"{base}^{exponent} {word}"
