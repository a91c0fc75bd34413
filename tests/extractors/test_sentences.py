"""Sentence offsets: stops after abbreviations do not end a sentence; section breaks do."""

from __future__ import annotations

import pytest

from extractors.sentences import split_sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("LBR was 40% vs. 25%. CPR differed.", ["LBR was 40% vs. 25%.", "CPR differed."], id="vs-dot"),
        pytest.param("As Smith et al. showed, it works. Yes.", ["As Smith et al. showed, it works.", "Yes."], id="et-al"),
        pytest.param("P < 0.05. The end.", ["P < 0.05.", "The end."], id="number-then-stop"),
        pytest.param("A.\n\nRESULTS: B.", ["A.", "RESULTS: B."], id="section-break"),
    ],
)
def test_sentences(text, expected):
    assert [text[s:e] for s, e in split_sentences(text)] == expected
