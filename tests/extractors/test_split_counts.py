"""A whole split among the arms in brackets: totals and events read only when the parts add up and
each names one arm."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.arms import ArmMatcher, find_arms
from extractors.effects import extract_effects
from extractors.outcomes import find_outcomes
from extractors.records import Article
from extractors.split_counts import RULE_SPLIT, split_events, split_totals

ALLOCATION = "Women were randomised to G-CSF or placebo. "


def _totals(text: str) -> dict[int, int]:
    arms = find_arms(text)
    return split_totals(text, arms, ArmMatcher(arms, text))


@pytest.mark.parametrize("sentence, totals", [
    pytest.param("We enrolled 98 women (50 in the G-CSF group and 48 in the placebo group).", {0: 50, 1: 48},
                 id="women-split-by-arm"),
    pytest.param("A total of 98 patients had a transfer (50 patients in the G-CSF group and 48 patients in the "
                 "placebo group).", {0: 50, 1: 48}, id="what-was-done-between"),
    pytest.param("In all 98 women were analysed (Figure 1; 50 in the G-CSF group and 48 in the placebo group).",
                 {0: 50, 1: 48}, id="a-figure-cited-first"),
    pytest.param("We enrolled 98 women (50 aged under 35 and 48 aged 35 or more).", {}, id="age-strata"),
    pytest.param("We retrieved 980 oocytes (500 in the G-CSF group and 480 in the placebo group).", {},
                 id="oocytes-are-not-women"),
    pytest.param("We enrolled 100 women (50 in the G-CSF group and 48 in the placebo group).", {},
                 id="parts-do-not-add-up"),
    pytest.param("We enrolled 98 women (50 in the G-CSF group who had a fresh transfer and 48 in the placebo "
                 "group).", {}, id="a-subset-of-an-arm"),
    pytest.param("We enrolled 98 women (50 in the G-CSF group and 48 in the placebo group); n = 45 per arm "
                 "completed the study.", {}, id="a-printed-size-disagrees"),
    pytest.param("We enrolled 98 women (50 in the G-CSF group and 48 in the placebo group) and analysed 90 women "
                 "(46 in the G-CSF group and 44 in the placebo group).", {}, id="two-splits-disagree"),
])
def test_split_totals(sentence, totals):
    assert _totals(ALLOCATION + sentence) == totals


def test_an_arm_size_printed_elsewhere_must_agree():
    assert _totals("Women were randomised to G-CSF (n = 50) or placebo (n = 48). We enrolled 98 women (50 in the "
                   "G-CSF group and 48 in the placebo group).") == {0: 50, 1: 48}
    assert _totals("Women were randomised to G-CSF (n = 52) or placebo (n = 48). We enrolled 98 women (50 in the "
                   "G-CSF group and 48 in the placebo group).") == {}


@pytest.mark.parametrize("sentence, events", [
    pytest.param("There were 30 clinical pregnancies (19 in the G-CSF group and 11 in the placebo group).",
                 [19, 11], id="events-split-by-arm"),
    pytest.param("In all, 30 live births were recorded (19 in the G-CSF group and 11 in the placebo group).",
                 [19, 11], id="a-verb-after-the-outcome"),
    pytest.param("There were 30 clinical pregnancies (19 in the G-CSF group and 11 in the placebo group; "
                 "P = 0.09).", [19, 11], id="a-p-value-closes-the-bracket"),
    pytest.param("There were 30 implantations (19 in the G-CSF group and 11 in the placebo group).", [],
                 id="implantation-is-per-embryo"),
    pytest.param("There were 30 clinical pregnancies (19 and 11 in the G-CSF and placebo groups).", [],
                 id="names-after-both-counts"),
    pytest.param("There were 30 clinical pregnancies (19 in the G-CSF group, 6 in the first cohort and 5 in the "
                 "placebo group).", [], id="a-part-names-no-arm"),
    pytest.param("There were 30 clinical pregnancies (19 and 11 in the G-CSF and placebo groups, respectively).",
                 [19, 11], id="respectively-in-the-bracket"),
    pytest.param("There were 30 clinical pregnancies (11 and 19 in the placebo and G-CSF groups, respectively).",
                 [11, 19], id="respectively-comparator-first"),
    pytest.param("There were 30 clinical pregnancies (19 and 11 women in the G-CSF and placebo arms, "
                 "respectively).", [19, 11], id="respectively-with-a-noun"),
    pytest.param("There were 30 clinical pregnancies (19 and 11 in the G-CSF group and the first cohort, "
                 "respectively).", [], id="respectively-one-arm-named"),
    pytest.param("There were 30 clinical pregnancies (19 and 11 in the G-CSF and placebo groups aged under 35, "
                 "respectively).", [], id="respectively-a-subset"),
    pytest.param("There were 30 clinical pregnancies (19 and 11 in the G-CSF and G-CSF groups, respectively).", [],
                 id="respectively-one-arm-twice"),
])
def test_split_events(sentence, events):
    text = ALLOCATION + sentence
    arms = find_arms(text)
    found = split_events(text, 0, len(text), find_outcomes(text, 0, len(text)), ArmMatcher(arms, text))
    assert [p.count.events for _, parts, _, _ in found for p in parts] == events


def test_the_row_carries_its_rule_span_and_qualifier():
    text = ALLOCATION + ("We enrolled 98 women (50 in the G-CSF group and 48 in the placebo group), and there were "
                         "30 clinical pregnancies (19 in the G-CSF group and 11 in the placebo group).")
    [effect] = extract_effects(Article("1", "t", text))
    assert (effect.treat_events, effect.treat_total, effect.ctrl_events, effect.ctrl_total) == (19, 50, 11, 48)
    assert effect.rule_id == RULE_SPLIT and "totals_from_size" in effect.qualifiers
    assert effect.evidence_text == "30 clinical pregnancies (19 in the G-CSF group and 11 in the placebo group)"


def test_three_arms_each_named_give_each_comparison():
    text = ("Women were randomised to G-CSF, PBMC or placebo. We enrolled 150 women (50 in the G-CSF group, 52 in "
            "the PBMC group and 48 in the placebo group). There were 45 clinical pregnancies (19 in the G-CSF "
            "group, 15 in the PBMC group and 11 in the placebo group).")
    got = sorted((e.treat_arm, e.treat_events, e.treat_total, e.ctrl_events, e.ctrl_total)
                 for e in extract_effects(Article("1", "t", text)) if e.source == "computed")
    assert got == [("G-CSF", 19, 50, 11, 48), ("PBMC", 15, 52, 11, 48)]


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 200), st.integers(1, 200), st.data(), st.booleans(), st.booleans())
def test_any_split_is_read_exactly_and_a_wrong_sum_gives_nothing(n_t, n_c, data, control_first, respectively):
    e_t, e_c = data.draw(st.integers(0, n_t)), data.draw(st.integers(0, n_c))
    total = e_t + e_c
    if respectively:
        order = [("placebo", n_c, e_c), ("G-CSF", n_t, e_t)] if control_first else \
            [("G-CSF", n_t, e_t), ("placebo", n_c, e_c)]
        names = f"the {order[0][0]} and {order[1][0]} groups, respectively"
        women = f"{n_t + n_c} women ({order[0][1]} and {order[1][1]} in {names})"
        births = f"({order[0][2]} and {order[1][2]} in {names})"
    elif control_first:
        women = f"{n_t + n_c} women ({n_c} in the placebo group and {n_t} in the G-CSF group)"
        births = f"({e_c} in the placebo group and {e_t} in the G-CSF group)"
    else:
        women = f"{n_t + n_c} women ({n_t} in the G-CSF group and {n_c} in the placebo group)"
        births = f"({e_t} in the G-CSF group and {e_c} in the placebo group)"
    text = ALLOCATION + f"We enrolled {women}, and there were {total} live births {births}."
    got = [(e.treat_events, e.treat_total, e.ctrl_events, e.ctrl_total) for e in extract_effects(Article("1", "t", text))]
    assert got == [(e_t, n_t, e_c, n_c)]
    wrong = text.replace(f"were {total} live", f"were {total + 1} live")
    assert extract_effects(Article("1", "t", wrong)) == []
