"""Bare event counts: read only with one size per arm, the outcome named, and names beside them."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.bare_counts import find_bare_counts, find_lead_counts, sizes_unambiguous
from extractors.effects import extract_effects
from extractors.outcomes import find_outcomes
from extractors.records import Article


def _bare(sentence: str) -> list[int]:
    mention = find_outcomes(sentence, 0, len(sentence))[0]
    return [c.events for c in find_bare_counts(sentence, 0, len(sentence), mention)]


@pytest.mark.parametrize("sentence, events", [
    pytest.param("There were 12 clinical pregnancies in the G-CSF group and 6 in the placebo group.", [12, 6],
                 id="each-arm-after-its-count"),
    pytest.param("Twelve and six live births followed in the two groups, respectively.", [12, 6], id="words-and"),
    pytest.param("Clinical pregnancy was achieved in 20 women given atosiban compared with 11 given placebo.",
                 [20, 11], id="after-the-outcome"),
    pytest.param("The clinical pregnancy rate was 12 in the G-CSF group and 6 in the placebo group.", [],
                 id="a-rate-is-not-a-count"),
    pytest.param("There were 12 clinical pregnancies in 40 cycles in the G-CSF group and 6 in the placebo group.",
                 [], id="per-cycle"),
    pytest.param("The implantation of 12 embryos was seen in the G-CSF group and 6 in the placebo group.", [],
                 id="implantation-is-per-embryo"),
    pytest.param("There were 12 clinical pregnancies in the G-CSF group, 6 in the placebo group and 4 in the "
                 "saline group.", [], id="three-counts-are-not-two-arms"),
    pytest.param("21 women in the PBMC group and 11 in the control group achieved a clinical pregnancy.", [21, 11],
                 id="outcome-last"),
    pytest.param("21 women in the PBMC group and 11 in the control group who had a transfer achieved a clinical "
                 "pregnancy.", [], id="outcome-last-a-subset-clause"),
    pytest.param("In 2 centres, 21 women in the PBMC group and 11 in the control group achieved a clinical "
                 "pregnancy.", [], id="outcome-last-another-number-before"),
    pytest.param("Clinical pregnancies in the G-CSF group (n = 50) and the placebo group (n = 48) were 20 vs 11.",
                 [20, 11], id="sizes-beside-arms-then-pair"),
    pytest.param("Clinical pregnancy in the G-CSF group (n = 50) and the placebo group (n = 48) was 40 vs 22.",
                 [], id="singular-outcome-figures-may-be-percentages"),
    pytest.param("Clinical pregnancies in the G-CSF group (n = 50) and the placebo group (n = 48) were 20 vs 11 "
                 "and 9 vs 4 at the second transfer.", [], id="sizes-then-more-pairs"),
])
def test_find_bare_counts(sentence, events):
    assert _bare(sentence) == events


@pytest.mark.parametrize("text, sizes, ok", [
    pytest.param("G-CSF (n = 30) or placebo (n = 30); N = 60", [30, 30], True, id="sizes-and-their-sum"),
    pytest.param("G-CSF (n = 30) or placebo (n = 30); transferred n = 27", [30, 30], False, id="a-second-size"),
    pytest.param("G-CSF (n = 30) or placebo (n = 30); 28 were analysed", [30, 30], False, id="fewer-analysed"),
    pytest.param("G-CSF (n = 30) or placebo", [30, None], False, id="one-arm-unsized"),
])
def test_sizes_unambiguous(text, sizes, ok):
    assert sizes_unambiguous(text, sizes) is ok


@settings(max_examples=60, deadline=None)
@given(n1=st.integers(5, 150), n2=st.integers(5, 150), data=st.data())
def test_bare_counts_take_the_arm_sizes_and_only_them(n1, n2, data):
    k1, k2 = data.draw(st.integers(0, n1)), data.draw(st.integers(0, n2))
    text = (f"Women were randomised to G-CSF (n = {n1}) or placebo (n = {n2}). There were {k1} clinical "
            f"pregnancies in the G-CSF group and {k2} in the placebo group.")
    rows = [(e.treat_events, e.treat_total, e.ctrl_events, e.ctrl_total)
            for e in extract_effects(Article("1", "t", text), "g_csf") if not e.check_failures]
    assert rows == [(k1, n1, k2, n2)]
    # one more size for an arm, and nothing is read
    extra = data.draw(st.integers(1, 200).filter(lambda m: m not in (n1, n2, n1 + n2)))
    text2 = text.replace("). There", f"); embryo transfer in the G-CSF group (n = {extra}). There")
    assert extract_effects(Article("2", "t", text2), "g_csf") == []


@pytest.mark.parametrize("sentence, counts", [
    pytest.param("Of the 60 women who received G-CSF, 21 had a clinical pregnancy, compared with 11 of 58 controls.",
                 [(21, 60)], id="who-received"),
    pytest.param("Of the 58 women in the placebo group, 7 women had a live birth.", [(7, 58)], id="in-the-group"),
    pytest.param("Of the 60 women who received G-CSF, 21 conceived.", [], id="no-outcome-named"),
    pytest.param("Of the 40 women in the G-CSF group who had a transfer, 21 had a clinical pregnancy.", [],
                 id="a-subset-of-the-arm"),
    pytest.param("Of the 60 women who received G-CSF, 21 had a previous clinical pregnancy.", [], id="history"),
    pytest.param("Of the 20 women who received G-CSF, 21 had a clinical pregnancy.", [], id="more-events-than-women"),
])
def test_find_lead_counts(sentence, counts):
    found = find_lead_counts(sentence, 0, len(sentence), find_outcomes(sentence, 0, len(sentence)))
    assert [(c.events, c.total) for c in found] == counts


@settings(max_examples=60, deadline=None)
@given(n1=st.integers(5, 150), n2=st.integers(5, 150), data=st.data())
def test_outcome_last_and_lead_totals_are_read_exactly(n1, n2, data):
    k1, k2 = data.draw(st.integers(0, n1)), data.draw(st.integers(0, n2))
    outcome_last = (f"Women were randomised to PBMC (n = {n1}) or no treatment (n = {n2}). {k1} women in the PBMC "
                    f"group and {k2} in the control group achieved a clinical pregnancy.")
    lead = (f"Women were randomised to G-CSF or placebo. Of the {n1} women who received G-CSF, {k1} had a live "
            f"birth, compared with {k2} of {n2} women given placebo.")
    for text, therapy in ((outcome_last, "pbmc"), (lead, "g_csf")):
        rows = [(e.treat_events, e.treat_total, e.ctrl_events, e.ctrl_total)
                for e in extract_effects(Article("1", "t", text), therapy) if not e.check_failures]
        assert rows == [(k1, n1, k2, n2)], text
    # without the sizes the outcome-last counts have no totals
    unsized = outcome_last.replace(f" (n = {n1})", "").replace(f" (n = {n2})", "")
    assert extract_effects(Article("2", "t", unsized), "pbmc") == []
