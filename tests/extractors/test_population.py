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
    pytest.param("after at least two IVF\u2013ET cycles that ended without pregnancy", 2, "cycles", id="en-dash-ivf-et"),
    pytest.param("women with three failed good\u2010quality embryo transfers", 3, "transfers", id="unicode-hyphen"),
    pytest.param("after at least two IVF-ET cycles that ended without pregnancy", 2, "cycles", id="ascii-unchanged"),
    pytest.param("women with a history of four or more failed IVF", 4, "attempts", id="failed-ivf-without-noun"),
    pytest.param("couples with ≥2 unsuccessful ICSI, randomised to", 2, "attempts", id="unsuccessful-icsi-without-noun"),
    pytest.param("women with three failed IVF cycles", 3, "cycles", id="noun-given-still-cycles"),
    pytest.param("women with one or two earlier failed embryo transfers", 1, "transfers", id="or-range-lower-end"),
    pytest.param("women with two or three failed embryo transfers", 2, "transfers", id="or-range-two-three"),
    pytest.param("women with two or more failed embryo transfers", 2, "transfers", id="or-more-unchanged"),
    pytest.param("women who had never conceived after the transfer of ≥5 good-quality cleavage embryos or ≥3 "
                 "good-quality blastocysts over at least three cycles", 3, "cycles", id="never-conceived"),
    pytest.param("women who had had no clinical pregnancy despite the replacement of a total of ≥5 good-quality "
                 "cleavage-stage embryos or ≥3 good-quality blastocysts over at least three cycles", 3, "cycles",
                 id="cycles-frame-far-embryos"),
    pytest.param("women who had unsuccessfully completed two or more IVF/ICSI treatments", 2, "cycles",
                 id="ivf-icsi-treatments"),
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
    pytest.param("Heparin in IVF", "Women undergoing ICSI were randomised, stratified by the number of earlier "
                 "failed transfers (0, 1, or 2 or more), to heparin or no heparin.", "general_ivf",
                 id="stratifier-names-no-population"),
    pytest.param("Heparin in IVF", "Women with RIF (two or more failed transfers) were randomised, stratified by "
                 "centre, to heparin or no heparin.", "rif", id="rif-trial-stratified-by-centre-stays-rif"),
    pytest.param("Steroids for reproductive failure", "Women with repeated implantation failure or with recurrent "
                 "miscarriage were randomised, stratified by diagnosis, to prednisolone or placebo.", "other",
                 id="mixed-population-before-the-stratifier"),
    pytest.param("Scratch before IVF", "Women having IVF were randomised to a scratch or no scratch. Live birth was "
                 "similar in a subgroup of women with three or more failed embryo transfers.", "general_ivf",
                 id="rif-subgroup-of-unselected-trial"),
    pytest.param("Luteal agonist in IVF", "Women having ICSI were randomised to a luteal GnRH agonist or none. The "
                 "benefit was greater in women with recurrent implantation failure (P for interaction = 0.04).",
                 "general_ivf", id="rif-effect-modifier-of-unselected-trial"),
    pytest.param("DHEA in poor-prognosis IVF", "We randomised women with diminished ovarian reserve, women aged 40 "
                 "or older, or women with recurrent implantation failure to DHEA or placebo.", "general_ivf",
                 id="rif-among-poor-prognosis-groups"),
    pytest.param("G-CSF in IVF", "Women with a thin endometrium or at least two failed embryo transfers were "
                 "randomised to G-CSF or saline.", "general_ivf", id="counted-rif-or-thin-endometrium"),
    pytest.param("G-CSF in RIF", "Women with recurrent implantation failure (three or more failed transfers) and "
                 "a thin endometrium were randomised to G-CSF or saline.", "rif", id="rif-and-thin-endometrium-is-rif"),
    pytest.param("G-CSF in RIF", "Women with recurrent implantation failure, with or without endometriosis, were "
                 "randomised to G-CSF or saline.", "rif", id="with-or-without-is-not-an-alternative"),
    pytest.param("Heparin in RIF", "Women with RIF aged 38 or older were randomised to heparin or no heparin.", "rif",
                 id="or-older-is-not-an-alternative"),
    pytest.param("Vitamin D in IVF", "We will enrol poor-prognosis patients: women aged over 40, repeated "
                 "implantation failure, poor ovarian response. Good-prognosis patients will be the controls.",
                 "general_ivf", id="poor-prognosis-group-listed-with-commas"),
    pytest.param("Tacrolimus in RIF", "Women with repeated implantation failure, a thin endometrium and raised "
                 "Th1/Th2 ratios were randomised.", "rif", id="comma-list-of-criteria-stays-rif"),
    pytest.param("Melatonin in IVF", "Women having IVF will be randomised in three strata: 1. History of recurrent "
                 "implantation failure 2. History of recurrent miscarriage 3. Neither. All will receive melatonin "
                 "or placebo.", "general_ivf", id="numbered-list-of-strata"),
    pytest.param("Melatonin in RIF", "Women with two or more failed transfers will be randomised: 1. melatonin "
                 "2. placebo.", "rif", id="numbered-arms-are-not-strata"),
    pytest.param("Vitamin D and implantation", "RIF was defined as no clinical pregnancy after four or more transfers "
                 "of good embryos. Ninety women were randomised to vitamin D or placebo.", "rif",
                 id="study-definition-past-tense-is-enrolment"),
    pytest.param("Vitamin D in IVF", "RIF is commonly defined as three or more failed transfers. Ninety women "
                 "starting IVF were randomised to vitamin D or placebo.", "general_ivf",
                 id="general-definition-present-tense-is-background"),
    pytest.param("Vitamin D in IVF", "Women with one or two earlier failed IVF cycles were randomised to vitamin D "
                 "or placebo.", "general_ivf", id="one-or-two-failures-is-not-rif"),
])
def test_population(title, abstract, population):
    assert find_population(title, abstract).population == population


def test_definition_records_age_immune_and_span():
    abstract = "Women younger than 40 with at least two failed transfers and raised NK cells were randomised."
    rif = find_population("Tacrolimus in RIF", abstract).rif
    assert (rif.min_failures, rif.age_max, rif.immune_selection) == (2, 40, ("NK cells",))
    assert abstract[rif.span.start:rif.span.end] == rif.span.text


@pytest.mark.parametrize("label", ["METHODS: ", "Methods: ", "Patients and methods: ", "Study design: ",
                                   "Inclusion criteria: "])
def test_definition_span_leaves_out_the_section_label(label):
    abstract = f"BACKGROUND: PBMC may help.\n\n{label}Forty women with at least three failed transfers were randomised."
    rif = find_population("PBMC in RIF", abstract).rif
    assert rif.span.text == "Forty women with at least three failed transfers were randomised."
    assert abstract[rif.span.start:rif.span.end] == rif.span.text


def test_definition_span_keeps_a_colon_that_is_not_a_label():
    abstract = "RIF was defined as follows: at least three failed transfers. Forty such women were randomised."
    rif = find_population("PBMC in RIF", abstract).rif
    assert rif.span.text.startswith("RIF was defined as follows:")


def test_a_sentence_on_how_definitions_vary_gives_no_definition():
    abstract = ("Definitions of RIF vary from two failed transfers to four or more failed cycles. We review the "
                "immune treatments offered to women with RIF.")
    found = find_population("Immune treatment of RIF: a review", abstract)
    assert (found.population, found.rif.min_failures) == ("rif", None)


def test_a_study_definition_beside_varied_definitions_is_still_read():
    abstract = ("There is no agreed definition of RIF. We enrolled women with at least three failed embryo "
                "transfers and randomised them to intralipid or saline.")
    assert find_population("Intralipid in RIF", abstract).rif.min_failures == 3


def test_two_ivf_centres_are_not_failures():
    assert read_rif_definition("a trial in two IVF centres enrolled women after failed cycles") is None


@pytest.mark.parametrize("sentence", [
    pytest.param("couples with complete fertilisation failure in two or more earlier ICSI cycles", id="fertilisation"),
    pytest.param("couples with poor or failed fertilization in at least three ICSI cycles", id="failed-fertilization"),
    pytest.param("anovulatory women who failed to ovulate during three or more cycles of letrozole", id="ovulation"),
])
def test_failure_of_another_step_is_not_implantation_failure(sentence):
    assert read_rif_definition(sentence) is None


@pytest.mark.parametrize(("sentence", "minimum"), [
    pytest.param("women with two or more failed ICSI cycles despite normal fertilisation", 2, id="failed-cycles-named"),
    pytest.param("women with failed implantation in three cycles despite normal fertilization", 3,
                 id="implantation-named-beside-fertilisation"),
])
def test_implantation_failure_beside_fertilisation_is_still_counted(sentence, minimum):
    assert read_rif_definition(sentence).min_failures == minimum


def test_cycles_not_framing_a_failed_embryo_count_are_not_failures():
    assert read_rif_definition("we cultured ten embryos in each of three cycles of the new medium") is None


@pytest.mark.parametrize(("title", "abstract", "population"), [
    pytest.param("Fluid volume after cardiac surgery", "Adults after valve surgery were randomised to 20 or 40 ml/kg of "
                 "IVF over the first day. Kidney injury was the primary outcome.", "other",
                 id="ivf-as-intravenous-fluid"),
    pytest.param("A drug for chronic pelvic pain", "Symptoms were scored on the Pelvic Pain Symptom Index (ICSI) "
                 "every month. Patients were randomised to the drug or placebo.", "other",
                 id="icsi-as-a-symptom-index"),
    pytest.param("Adherence support in HIV", "Adults starting ART were randomised to text reminders or usual care. "
                 "Viral load was measured at a year.", "other", id="art-as-antiretroviral-therapy"),
    # must not change: the same abbreviations in records about reproduction
    pytest.param("Acupuncture and IVF", "Women having IVF were randomised to acupuncture or none. Clinical "
                 "pregnancy was the outcome.", "general_ivf", id="ivf-with-pregnancy-stays-ivf"),
    pytest.param("Sperm selection for ICSI", "Couples were randomised to two ways of choosing sperm for ICSI.",
                 "general_ivf", id="icsi-with-sperm-stays-ivf"),
    pytest.param("Music during the procedure", "Women having in vitro fertilisation were randomised to music or "
                 "silence during the procedure.", "general_ivf", id="written-out-term-needs-no-context"),
])
def test_an_ivf_abbreviation_alone_is_not_assisted_reproduction(title, abstract, population):
    assert find_population(title, abstract).population == population


@pytest.mark.parametrize(("title", "abstract", "population"), [
    pytest.param("Mouthwash for oral ulcers", "Inclusion Criteria 1. Adults with painful ulcers. 2. Able to consent. "
                 "Exclusion Criteria 1. Use of systemic steroids. 2. Pregnancy or current IVF treatment. 3. Smokers.",
                 "other", id="unlabelled-item-of-an-exclusion-list"),
    pytest.param("Vitamin D before transfer", "Exclusion Criteria 1. Thyroid disease. 2. Recurrent implantation "
                 "failure. Women undergoing frozen embryo transfer will be randomised to vitamin D or placebo.",
                 "general_ivf", id="rif-in-exclusion-list-is-not-the-population"),
    # must not change: the list ends, and what follows it still counts
    pytest.param("Heparin in RIF", "Exclusion Criteria 1. Thrombophilia. 2. Age over 40. We will randomise women with "
                 "at least three failed embryo transfers to heparin or placebo.", "rif",
                 id="enrolment-after-the-list-still-counts"),
    pytest.param("Heparin in RIF", "Inclusion Criteria 1. Recurrent implantation failure. 2. Age under 40.",
                 "rif", id="inclusion-list-is-enrolment"),
])
def test_items_of_a_registry_exclusion_list_are_exclusions(title, abstract, population):
    assert find_population(title, abstract).population == population
