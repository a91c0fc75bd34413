"""Events printed with their outcome and then their women: "11 live births among 40 women ..."."""

from __future__ import annotations

import pytest

from extractors.among_counts import find_among_counts
from extractors.outcomes import find_outcomes


def _read(sentence: str) -> list[tuple[int, int]]:
    counts, _ = find_among_counts(sentence, 0, len(sentence), find_outcomes(sentence, 0, len(sentence)))
    return [(c.events, c.total) for c in counts]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        pytest.param("We recorded 11 live births among 40 women in the PBMC group and 5 among 39 women in the "
                     "control group.", [(11, 40), (5, 39)], id="among-and"),
        pytest.param("Fourteen ongoing pregnancies occurred out of 45 patients given hCG compared with seven out "
                     "of 44 patients given saline.", [], id="outcome-after-occurred-is-not-right-after-events"),
        pytest.param("There were 14 ongoing pregnancies out of 45 patients given hCG versus seven ongoing "
                     "pregnancies out of 44 patients given saline.", [(14, 45), (7, 44)], id="outcome-repeated"),
        pytest.param("There were 14 clinical pregnancies in 45 couples given hCG whereas 7 in 44 couples given "
                     "saline.", [(14, 45), (7, 44)], id="in-couples"),
    ],
)
def test_the_pair_is_read_with_printed_totals(sentence, expected):
    assert _read(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        pytest.param("There were 14 clinical pregnancies among 45 transfers given hCG versus 7 among 44 transfers "
                     "given saline.", id="transfers-are-another-denominator"),
        pytest.param("There were 14 implantations among 45 women given hCG versus 7 among 44 women given saline.",
                     id="implantation-is-per-embryo"),
        pytest.param("There were 14 clinical pregnancies among 45 women given hCG versus 7 live births among 44 "
                     "women given saline.", id="another-outcome-in-the-second-count"),
        pytest.param("There were 14 clinical pregnancies among 45 women given hCG, 7 among 44 women given saline "
                     "and 6 among 44 women given nothing.", id="three-arms"),
        pytest.param("There were 50 clinical pregnancies among 45 women given hCG versus 7 among 44 women given "
                     "saline.", id="more-events-than-women"),
        pytest.param("There were 14 clinical pregnancies among 45 women given hCG.", id="one-count"),
    ],
)
def test_near_misses_read_nothing(sentence):
    assert _read(sentence) == []


def test_a_repeated_outcome_name_is_folded_into_the_first():
    s = "There were 14 live births among 45 women given hCG versus 7 live births among 44 women given saline."
    mentions = find_outcomes(s, 0, len(s))
    _, folded = find_among_counts(s, 0, len(s), mentions)
    assert folded == [mentions[1]]
