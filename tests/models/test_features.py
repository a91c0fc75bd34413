"""The cue features of the RCT model fire on the wording they name, in sentences of our own."""

from __future__ import annotations

import pytest

from models.features import FEATURE_NAMES, cue_row
from models.text_scan import Scan


def cues(abstract: str) -> set[str]:
    return {name for name, value in zip(FEATURE_NAMES, cue_row(Scan("A title", abstract))) if value}


@pytest.mark.parametrize("abstract, cue", [
    ("Each volunteer took both drugs in a two-period cross-over design.", "abstract:crossover"),
    ("A washout period of two weeks separated the treatments.", "abstract:crossover"),
    ("Women received progesterone or placebo for twelve weeks.", "abstract:placebo_arm"),
    ("Outcomes in the placebo group did not change.", "abstract:placebo_arm"),
    ("The trial is registered as NCT01234567.", "abstract:registration"),
    ("Registered with ISRCTN 12345678.", "abstract:registration"),
    ("In this pilot study twelve patients took the drug.", "abstract:pilot_phase"),
    ("A phase II study of a new regimen in 40 patients.", "abstract:pilot_phase"),
], ids=["crossover", "washout", "or-placebo", "placebo-group", "nct-number", "isrctn-number",
        "pilot", "phase-ii"])
def test_cue_fires(abstract, cue):
    assert cue in cues(abstract)


@pytest.mark.parametrize("abstract, cue", [
    ("The crossing of the river took two hours.", "abstract:crossover"),
    ("Placebo effects are discussed in the literature.", "abstract:placebo_arm"),
    ("A phase III trial enrolled 900 patients.", "abstract:pilot_phase"),
    ("Lung function was measured in 30 donors.", "abstract:registration"),
], ids=["crossing", "placebo-effects", "phase-iii", "function-is-not-nct"])
def test_cue_stays_quiet(abstract, cue):
    assert cue not in cues(abstract)
