"""Population labels and the RIF-definition grammar."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from extractors.population import find_population, read_rif_definition


@pytest.mark.parametrize(("sentence", "minimum", "unit"), [
    pytest.param("women with at least three failed IVF-ET cycles", 3, "cycles", id="at-least-three"),
    pytest.param("defined as more than two failed embryo transfers", 3, "transfers", id="more-than-two-is-3"),
    pytest.param("women with more than three failed IVF attempts", 4, "attempts", id="more-than-three-is-4"),
    pytest.param("two or more implantation failures", 2, "transfers", id="two-or-more"),
    pytest.param("≥3 failed IVF-ET", 3, "transfers", id="symbol"),
    pytest.param("patients who failed to conceive after three or more IVF cycles", 3, "cycles", id="failed-to-conceive"),
    pytest.param("no pregnancy after transfer of at least 4 good-quality embryos", 4, "embryos", id="embryo-count"),
    pytest.param("at least 4 good-quality embryos in a minimum of three fresh or frozen cycles without pregnancy",
                 3, "cycles", id="cycles-beat-embryos"),
    pytest.param("women who had undergone ≥3 embryo transfers without success", 3, "transfers",
                 id="failure-words-after-the-unit"),
    pytest.param("patients with history of unexplained RIF3 or more cycles", 3, "cycles", id="rif-glued-to-count"),
    pytest.param("women with two previous failed implantation attempts", 2, "attempts", id="implantation-attempts"),
    pytest.param("women who had not conceived after at least three IVF cycles", 3, "cycles", id="had-not-conceived"),
    pytest.param("women who have not become pregnant after two or more embryo transfers", 2, "transfers",
                 id="have-not-become-pregnant"),
])
def test_rif_minimum_failures(sentence, minimum, unit):
    found = read_rif_definition(sentence)
    assert (found.min_failures, found.count_unit) == (minimum, unit)


def test_three_miscarriages_are_not_a_rif_definition():
    assert read_rif_definition("women with three or more miscarriages") is None


@given(st.integers(min_value=2, max_value=12))
def test_digit_counts_read_back(n):
    assert read_rif_definition(f"women with at least {n} failed embryo transfers").min_failures == n
    assert read_rif_definition(f"women with more than {n} failed embryo transfers").min_failures == n + 1


@pytest.mark.parametrize(("title", "abstract", "population"), [
    pytest.param("G-CSF in RIF", "Women with recurrent implantation failure were randomised.", "rif", id="rif"),
    pytest.param("Prednisolone", "Women with three or more consecutive miscarriages were randomised.", "rpl", id="rpl"),
    pytest.param("IVIG", "Women with RIF or recurrent miscarriage were randomised.", "other", id="mixed-is-other"),
    pytest.param("Scratch in IVF", "BACKGROUND: RIF is hard.\n\nMETHODS: Women starting IVF were randomised.",
                 "general_ivf", id="rif-in-background-only"),
    pytest.param("Aspirin in IVF", "Women undergoing IVF were randomised. Women with recurrent implantation "
                 "failure were excluded.", "general_ivf", id="rif-excluded"),
    pytest.param("Heparin in recurrent miscarriage", "Women with two or more miscarriages were randomised. Women "
                 "with implantation failure after IVF were not eligible.", "rpl", id="rif-not-eligible"),
    pytest.param("hCG in IVF", "Women in their first IVF cycle were randomised to hCG or nothing. CONCLUSIONS: "
                 "No benefit. Whether women with recurrent implantation failure benefit needs a separate trial.",
                 "general_ivf", id="rif-only-in-future-work"),
    pytest.param("hCG in IVF", "Women in their first IVF cycle were randomised to hCG or nothing. Further trials "
                 "in women with recurrent implantation failure are warranted.", "general_ivf",
                 id="rif-only-in-further-trials"),
    pytest.param("Atosiban at transfer", "Women in whom ≥ 10 embryos had been transferred without a pregnancy were "
                 "randomised.", "rif", id="embryos-transferred-without-pregnancy"),
    pytest.param("Hip fracture", "Elderly patients were randomised.", "other", id="outside-reproduction"),
    pytest.param("Enoxaparin", "Women with two or more unexplained pregnancy losses were randomised.", "rpl",
                 id="rpl-count-with-qualified-losses"),
    pytest.param("Progesterone", "Women with at least three idiopathic first-trimester miscarriages were randomised.",
                 "rpl", id="rpl-count-first-trimester"),
    pytest.param("Immune cells in implantation failure: a narrative review", "This review summarises what studies in "
                 "women with repeated implantation failure have found.", "rif", id="review-states-its-own-scope"),
    pytest.param("Immune cells in IVF", "Studies in women with repeated implantation failure have been small. We "
                 "randomised 200 women in their first IVF cycle.", "general_ivf", id="studies-of-rif-are-background"),
    pytest.param("Intralipid after IVF", "Women who had not conceived after one IVF cycle were randomised.",
                 "general_ivf", id="one-cycle-without-conception-is-not-rif"),
])
def test_population(title, abstract, population):
    assert find_population(title, abstract).population == population


def test_definition_records_age_immune_and_span():
    abstract = "Women younger than 40 with at least two failed transfers and raised NK cells were randomised."
    rif = find_population("Tacrolimus in RIF", abstract).rif
    assert (rif.min_failures, rif.age_max, rif.immune_selection) == (2, 40, ("NK cells",))
    assert abstract[rif.span.start:rif.span.end] == rif.span.text
