"""Stored abstracts: section offsets slice back to their text; inline labels split correctly."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from extractors.abstracts import (
    HEADING_WORDS,
    NOT_LABELS,
    QUALIFYING_WORDS,
    SECTION_SEPARATOR,
    compose_abstract,
    split_inline_labels,
)

SENTENCE = st.from_regex(r"[a-z0-9][a-z0-9 ,;%()=<>/–-]{0,60}[a-z0-9)%]\.", fullmatch=True)
SECTION_TEXT = st.lists(SENTENCE, min_size=1, max_size=3).map(" ".join).map(
    lambda text: " ".join(text.split()))
HEADS = sorted(HEADING_WORDS - QUALIFYING_WORDS) + ["PATIENT(S)"]
LABEL = st.tuples(st.lists(st.sampled_from(sorted(HEADING_WORDS)), max_size=2),
                  st.sampled_from(HEADS)).map(lambda words: " ".join([*words[0], words[1]]))
CATEGORY = st.sampled_from(["", "BACKGROUND", "METHODS", "RESULTS", "CONCLUSIONS"])


@given(st.lists(st.tuples(st.one_of(st.just(""), LABEL), CATEGORY, SECTION_TEXT), max_size=6))
def test_offsets_slice_back_to_each_section_text(parts):
    abstract, sections = compose_abstract(parts)
    assert [abstract[s.start:s.end] for s in sections] == [text for _, _, text in parts]
    assert [(s.label, s.category) for s in sections] == [(lab, cat) for lab, cat, _ in parts]
    expected = SECTION_SEPARATOR.join(f"{lab}: {text}" if lab else text for lab, _, text in parts)
    assert abstract == expected


def test_empty_sections_are_dropped():
    abstract, sections = compose_abstract([("AIM", "", ""), ("", "", "Only text.")])
    assert abstract == "Only text."
    assert [(s.start, s.end) for s in sections] == [(0, 10)]


@given(st.lists(st.tuples(LABEL, SECTION_TEXT), min_size=1, max_size=6))
def test_flattened_labels_split_back_into_sections(parts):
    flat = " ".join(f"{label}: {text}" for label, text in parts)
    assert split_inline_labels(flat) == [(label, "", text) for label, text in parts]


@pytest.mark.parametrize(
    ("text", "labels"),
    [
        pytest.param("OBJECTIVE: To test. RESULTS: OR: 1.4, HR: 0.9.", ["OBJECTIVE", "RESULTS"],
                     id="short-ratio-names-are-not-labels"),
        pytest.param("AIM: To test. AUC: 0.81 was seen.", ["AIM"], id="stoplisted-abbreviation"),
        pytest.param("METHOD: Case report RESULTS: A woman.", ["METHOD", "RESULTS"],
                     id="heading-after-missing-period"),
        pytest.param("METHODS: Assayed by ELISA RESULTS: Higher.", ["METHODS", "RESULTS"],
                     id="heading-after-an-acronym"),
        pytest.param("BACKGROUND: We used the PREVENT TRIAL: a design.", ["BACKGROUND"],
                     id="capitals-mid-sentence-are-not-labels"),
        pytest.param("Women were randomised. RESULTS: none.", [""],
                     id="unstructured-unless-it-starts-with-a-label"),
        pytest.param("DESIGN, SETTING, AND PARTICIPANTS: Two clinics. MAIN OUTCOME MEASURE(S): LB.",
                     ["DESIGN, SETTING, AND PARTICIPANTS", "MAIN OUTCOME MEASURE(S)"],
                     id="jama-and-fertil-steril-headings"),
    ],
)
def test_split_inline_labels(text, labels):
    assert [label for label, _, _ in split_inline_labels(text)] == labels


def test_stoplist_entries_are_never_labels_after_a_sentence():
    for word in NOT_LABELS:
        parts = split_inline_labels(f"AIM: To test. {word}: 1.2 was seen.")
        assert [label for label, _, _ in parts] == ["AIM"], word


@given(SECTION_TEXT)
def test_text_without_labels_is_one_section(text):
    assume(":" not in text)
    assert split_inline_labels(text) == [("", "", text)]
