"""Binding figures to arms: named together, named beside, or proved by the arms' sizes."""

from __future__ import annotations

import pytest

from extractors.arms import Arm
from extractors.binding import assign_without_mentions, names_other_total, order_by_mentions, resolve
from extractors.numbers import find_counts
from extractors.outcomes import OutcomeMention

ARMS = [Arm("G-CSF", "treatment", size=60, order=0), Arm("placebo", "control", "placebo", size=50, order=1)]
LIVE_BIRTH = OutcomeMention("live_birth", "live birth", 0, 10)


def _mentions(text: str) -> list[tuple[int, int, int]]:
    found = []
    for arm, word in ((0, "G-CSF"), (1, "placebo")):
        start = text.find(word)
        while start >= 0:
            found.append((arm, start, start + len(word)))
            start = text.find(word, start + 1)
    return sorted(found, key=lambda m: m[1])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("21/60 in the G-CSF group and 12/50 in the placebo group", [0, 1], id="each-named-after"),
        pytest.param("the placebo group: 12/50; the G-CSF group: 21/60", [1, 0], id="each-named-before"),
        pytest.param("with G-CSF than with placebo (21/60 vs 12/50)", [0, 1], id="named-together-before"),
        pytest.param("21/60 and 12/50 in the G-CSF and placebo groups, respectively", [0, 1], id="respectively"),
        pytest.param("Compared with placebo, G-CSF gave more (21/60 vs 12/50)", [0, 1], id="compared-with-subject-first"),
        pytest.param("61.4% (27/44) in the G-CSF group versus 16.7% (8/48) receiving placebo (treatment "
                     "difference 44.5% in favour of G-CSF)", [0, 1], id="far-name-not-a-list"),
    ],
)
def test_order_by_mentions(text, expected):
    units = [c for c in find_counts(text) if c.total]  # the extractor masks differences first
    assert order_by_mentions(units, _mentions(text), text, ARMS) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Live birth: 12/50 vs 21/60", ([1, 0], "proved"), id="totals-prove-order"),
        pytest.param("Live birth: 35.0% vs 24.0%", ([0, 1], "proved"), id="percentages-prove-order"),
        pytest.param("Live birth: 21/55 vs 12/50", None, id="totals-contradict"),
    ],
)
def test_assign_without_mentions(text, expected):
    assert assign_without_mentions(find_counts(text), ARMS, (0, 1), LIVE_BIRTH) == expected


@pytest.mark.parametrize(
    ("text", "outcome", "expected"),
    [
        pytest.param("35.0%", LIVE_BIRTH, (21, 60, "events_from_percent"), id="events-from-percent"),
        pytest.param("21 (35.0%)", LIVE_BIRTH, (21, 60, "totals_from_percent"), id="total-from-percent"),
        pytest.param("35%", LIVE_BIRTH, (None, None, "printed"), id="integer-percent-proves-nothing"),
        pytest.param("35.0%", OutcomeMention("implantation", "implantation rate", 0, 17), (None, None, "printed"),
                     id="implantation-is-per-embryo"),
        pytest.param("35.0%", OutcomeMention("live_birth", "live birth", 0, 10, "transfer"), (None, None, "printed"),
                     id="per-transfer-is-not-per-woman"),
    ],
)
def test_resolve(text, outcome, expected):
    (count,) = find_counts(text)
    assert resolve(count, ARMS[0], outcome) == expected


def test_each_figure_followed_by_its_own_name_takes_that_name():
    text = "51.6% (32/62) after hCG, 44.9% (22/49) after saline and 26% (13/50) in the control group"
    arms = [Arm("hCG", "treatment"), Arm("saline", "control", "saline"), Arm("control", "control", "no_treatment")]
    mentions = [(i, text.find(w), text.find(w) + len(w)) for i, w in enumerate(("hCG", "saline", "control"))]
    assert order_by_mentions(find_counts(text), mentions, text, arms) == [0, 1, 2]


def test_names_set_apart_only_by_a_group_size_are_named_together():
    text = "rates (38.6% vs 18.2%, p=0.03) were higher in the G-CSF group (n = 44) than in the placebo group"
    units = find_counts(text)
    assert order_by_mentions(units, _mentions(text), text, ARMS) == [0, 1]


def test_figures_between_an_arm_and_than_the_other_arm():
    from extractors.binding import order_across_than
    text = "In the G-CSF group, the CPR (45.0% vs 28.3%) was higher than in the placebo group"
    assert order_across_than(find_counts(text), _mentions(text), text) == [0, 1]
    text = "the G-CSF group and the CPR (45.0% vs 28.3%) in the placebo group"
    assert order_across_than(find_counts(text), _mentions(text), text) is None


def test_the_arm_after_than_never_takes_the_first_figure():
    text = ("women given placebo were less likely to conceive within the first four weeks of the study than those "
            "receiving G-CSF (21/60 vs 12/50)")
    assert order_by_mentions(find_counts(text), _mentions(text), text, ARMS) is None


UNSIZED = Arm("G-CSF", "treatment", order=0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("46.24% (n = 93)", (43, 93, "events_from_percent"), id="n-is-the-group"),
        pytest.param("46.24% (n = 43)", (43, 93, "totals_from_percent"), id="n-is-the-events"),
        pytest.param("40.3% (n = 62)", (None, None, "printed"), id="one-decimal-either-reading-fits"),
        pytest.param("27.2% (n = 25)", (None, None, "printed"), id="events-reading-needs-two-decimals"),
        pytest.param("40% (n = 50)", (None, None, "printed"), id="integer-percent-proves-nothing"),
        pytest.param("46.25% (n = 43)", (None, None, "printed"), id="no-reading-fits"),
    ],
)
def test_resolve_a_percentage_with_n_when_the_arm_has_no_size(text, expected):
    (count,) = find_counts(text)
    assert resolve(count, UNSIZED, LIVE_BIRTH) == expected


def test_a_percentage_with_n_is_not_read_per_cycle_without_a_size():
    (count,) = find_counts("46.24% (n = 93)")
    per_cycle = OutcomeMention("live_birth", "live birth", 0, 10, "cycle")
    assert resolve(count, UNSIZED, per_cycle) == (None, None, "printed")


@pytest.mark.parametrize(
    ("text", "other"),
    [
        pytest.param("17 (34%) of 50 oocytes", True, id="eggs"),
        pytest.param("17 of 50 retrieved oocytes", True, id="eggs-without-percent"),
        pytest.param("17 (34%) of 50 women who had a fresh transfer", True, id="subset-clause"),
        pytest.param("17 (34%) of 50 patients that reached embryo transfer", True, id="subset-that"),
        pytest.param("17 (34%) of 50 women who received G-CSF", False, id="allocation-clause"),
        pytest.param("17 (34%) of 50 women who were given placebo", False, id="allocation-passive"),
        pytest.param("17 (34%) of 50 patients who completed the study", False, id="completers"),
        pytest.param("17 (34%) of 50 in the G-CSF group", False, id="arm-name"),
        pytest.param("17 (34%) of 50 embryos", False, id="embryos-keep-their-unit"),
        pytest.param("17 women (34%) who had a fresh transfer", False, id="not-an-of-form"),
    ],
)
def test_names_other_total(text, other):
    (count,) = find_counts(text)
    assert names_other_total(text, count) is other


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("CPR was higher with G-CSF than with placebo (36.0% vs 20.0%)", [0, 1], id="agrees"),
        pytest.param("CPR was higher with G-CSF than with placebo (20.0% vs 36.0%)", None, id="higher-figures-reversed"),
        pytest.param("CPR was lower with placebo than with G-CSF (36.0% vs 20.0%)", None, id="lower-figures-reversed"),
        pytest.param("CPR was lower with placebo than with G-CSF (20.0% vs 36.0%)", [1, 0], id="lower-agrees"),
        pytest.param("CPR with G-CSF and placebo (20.0% vs 36.0%)", [0, 1], id="no-comparative-keeps-the-order"),
    ],
)
def test_names_in_order_must_agree_with_their_comparative(text, expected):
    assert order_by_mentions(find_counts(text), _mentions(text), text, ARMS) == expected
