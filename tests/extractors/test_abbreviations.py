"""Paper-defined abbreviations are found by the Schwartz-Hearst walk, and noise is not."""

from __future__ import annotations

import pytest

from extractors.abbreviations import abbreviation_map


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param("Women received intralipid (IL) or saline.", {"IL": "intralipid"}, id="single-word"),
    pytest.param("low-molecular-weight heparin (LMWH) daily", {"LMWH": "low-molecular-weight heparin"}, id="hyphenated"),
    pytest.param("granulocyte colony-stimulating factor (G-CSF) was given",
                 {"G-CSF": "granulocyte colony-stimulating factor"}, id="short-form-with-hyphen"),
    pytest.param("RIF (recurrent implantation failure) is common", {"RIF": "recurrent implantation failure"},
                 id="short-form-first"),
    pytest.param("interleukin (IL)-6 rose", {"IL": "interleukin"}, id="another-meaning-of-IL"),
    pytest.param("women (n = 40) were seen", {}, id="count-is-not-an-abbreviation"),
    pytest.param("the odds ratio (95% CI 1.2-3.0)", {}, id="interval-is-not-an-abbreviation"),
    pytest.param("G-CSF (Neupogen) was injected", {}, id="brand-in-parentheses"),
])
def test_abbreviation_map(text, expected):
    assert abbreviation_map(text) == expected


def test_first_definition_wins():
    text = "endometrial scratching (ES) ... embryo score (ES)"
    assert abbreviation_map(text) == {"ES": "endometrial scratching"}
