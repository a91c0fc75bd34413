"""Keyword gates never turn away a text that contains what they guard."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.keywords import KeywordGate, PhraseGate, gate_word, has_word, tokens

KEYWORDS = ["hcg", "intralipid", "ivf", "et", "heparin", "gh", "csf"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="abcdefghijklmnopqrstuvwxyz-", min_size=1, max_size=12), max_size=30))
def test_found_equals_a_search_of_every_keyword_in_every_token(words):
    gate = KeywordGate(KEYWORDS)
    text_tokens = tokens(" ".join(words))
    expected = {k for k in KEYWORDS if any(k in t for t in text_tokens)}
    assert gate.found(text_tokens) == expected
    assert gate.found(text_tokens) == expected  # the cached answer is the same


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["recurrent implantation failure", "low-molecular-weight heparin", "in vitro fertilisation",
                        "embryo transfer", "G-CSF"]),
       st.lists(st.sampled_from(["women", "were", "given", "in", "the", "trial", "(", ")", ",", "12"]), max_size=20),
       st.sampled_from([" ", "-", "\n"]), st.booleans())
def test_a_phrase_in_the_text_is_always_a_candidate(phrase, filler, separator, upper):
    written = phrase.replace(" ", separator)
    written = written.upper() if upper else written
    text = " ".join(filler[: len(filler) // 2]) + " " + written + " " + " ".join(filler[len(filler) // 2:])
    assert phrase in PhraseGate([phrase]).candidates(tokens(text))


def test_a_phrase_needs_all_its_words():
    gate = PhraseGate(["recurrent pregnancy loss"])
    assert gate.candidates(tokens("weight loss during pregnancy")) == []


def test_gate_word_skips_common_words():
    assert gate_word("repeated implantation failure") == "implantation"


def test_has_word_is_whole_word_and_case_sensitive():
    assert has_word("Women undergoing ART", "ART")
    assert not has_word("PARTICIPANTS", "ART")
    assert not has_word("art therapy", "ART")
    assert not has_word("ART-based care", "ART")
