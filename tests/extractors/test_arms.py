"""Arms: who got the therapy, who is the comparator, how many each, and which comparisons."""

from __future__ import annotations

import re

import pytest

from extractors.arms import Arm, ArmMatcher, ArmsHint, comparisons, control_kind, find_arms


def arms_of(text: str, therapy: str | None = None, hint: ArmsHint | None = None) -> list[tuple]:
    return [(a.role, a.control_kind, a.size) for a in find_arms(text, therapy, hint)]


@pytest.mark.parametrize(
    ("text", "therapy", "expected"),
    [
        pytest.param("117 women were randomized to EST (n = 66) or no scratch (n = 51).", "scratch",
                     [("treatment", None, 66), ("control", "no_treatment", 51)], id="issue-allocation"),
        pytest.param("randomized to endometrial scratching (EST; n = 66) or no scratch (n = 51).", "scratch",
                     [("treatment", None, 66), ("control", "no_treatment", 51)], id="abbreviation-inside-size"),
        pytest.param("The G-CSF group (n = 60) received G-CSF and the control group (n = 60) received saline.", "g_csf",
                     [("treatment", None, 60), ("control", "saline", 60)], id="group-phrases"),
        pytest.param("Group A (n = 40) received PBMC and group B (n = 41) received no intervention.", None,
                     [("treatment", None, 40), ("control", "no_treatment", 41)], id="lettered-groups"),
        pytest.param("We randomized 88 women to LMWH and 87 to no LMWH.", "lmwh",
                     [("treatment", None, 88), ("control", "no_treatment", 87)], id="sizes-before"),
        pytest.param("Intralipid or saline placebo was infused.", "intralipid",
                     [("treatment", None, None), ("control", "placebo", None)], id="saline-placebo-is-placebo"),
    ],
)
def test_find_arms(text, therapy, expected):
    assert arms_of(text, therapy) == expected


def test_placebo_controlled_describes_the_trial_not_an_arm():
    found = find_arms("In this placebo-controlled trial, women received atosiban or no treatment.", "atosiban")
    assert [(a.role, a.control_kind) for a in found] == [("treatment", None), ("control", "no_treatment")]


def test_bare_therapy_word_is_not_an_arm_without_a_therapy_id():
    # "hCG" here is the ovulation trigger, not an arm
    assert find_arms("Ovulation was triggered with hCG 10,000 IU in all women.") == []


def test_hint_decides_roles_in_an_active_comparator_trial():
    text = "Women received subcutaneous progesterone (Prolutex = 392; Endometrin = 390) or vaginal progesterone."
    hint = ArmsHint("subcutaneous progesterone Prolutex", "vaginal progesterone Endometrin")
    assert arms_of(text, hint=hint) == [("treatment", None, 392), ("control", "control", 390)]


@pytest.mark.parametrize(
    ("phrase", "kind"),
    [("placebo", "placebo"), ("sham procedure", "sham"), ("normal saline", "saline"), ("culture medium", "saline"),
     ("no treatment", "no_treatment"), ("untreated", "no_treatment"), ("usual care", "standard_care"),
     ("control group", "control"), ("G-CSF", None), ("placebo-controlled", "placebo")],
)
def test_control_kind(phrase, kind):
    assert control_kind(phrase) == kind


def test_one_comparison_per_active_arm_against_the_placebo():
    arms = [Arm("hCG", "treatment"), Arm("no treatment", "control", "no_treatment"),
            Arm("G-CSF", "treatment"), Arm("placebo", "control", "placebo")]
    assert comparisons(arms) == [(0, 3), (2, 3)]


def test_no_comparison_without_a_control():
    assert comparisons([Arm("hCG", "treatment"), Arm("G-CSF", "treatment")]) == []


def test_negated_therapy_is_a_mention_of_the_control():
    text = "Live birth was 39.4% after EST and 23.5% without EST."
    arms = [Arm("EST", "treatment", keys=("est",)), Arm("no scratch", "control", "no_treatment", keys=("no scratch",))]
    found = [(m.arm, text[m.start:m.end]) for m in ArmMatcher(arms, text).mentions()]
    assert found == [(0, "EST"), (1, "without EST")]


@pytest.mark.parametrize(
    "text",
    [pytest.param("Women received G-CSF or normal saline as placebo.", id="as"),
     pytest.param("Women received G-CSF or saline as a placebo.", id="as-a"),
     pytest.param("Women received G-CSF or placebo (saline).", id="bracketed")],
)
def test_a_comparator_named_twice_over_is_one_arm(text):
    assert arms_of(text, "g_csf") == [("treatment", None, None), ("control", "placebo", None)]


def test_the_control_group_of_a_three_arm_trial_is_the_one_defined_as_such():
    text = ("Women received intrauterine hCG (n = 62) or saline (n = 49) before transfer. Fifty women who had "
            "no intrauterine infusion formed the control group.")
    found = find_arms(text, "hcg_intrauterine")
    untreated = next(a for a in found if a.control_kind == "no_treatment")
    saline = next(a for a in found if a.control_kind == "saline")
    assert "control" in untreated.keys and "control" not in saline.keys


def test_the_word_a_comparator_negates_names_the_active_arm():
    found = find_arms("We randomized 117 women to endometrial scratching or no scratch.", "scratch")
    assert "scratch" in found[0].keys and found[0].role == "treatment"


def test_every_control_gives_one_comparison_per_comparator_the_preferred_first():
    arms = [Arm("hCG", "treatment"), Arm("no infusion", "control", "no_treatment"),
            Arm("saline", "control", "saline")]
    assert comparisons(arms, every_control=True) == [(0, 2), (0, 1)]


def test_a_hint_naming_both_arms_limits_the_comparisons_to_them():
    arms = [Arm("1200 mg", "treatment", hinted="intervention"), Arm("2400 mg", "treatment"),
            Arm("placebo", "control", "placebo", hinted="comparator")]
    assert comparisons(arms, every_control=True) == [(0, 2)]


def test_a_number_after_randomized_is_everyone_not_the_first_arm():
    assert arms_of("We randomized 117 women to endometrial scratching or no scratch.", "scratch") == [
        ("treatment", None, None), ("control", "no_treatment", None)]


def test_a_number_before_randomised_to_a_list_of_arms_is_everyone():
    assert arms_of("Eighty-one women were randomised to intrauterine hCG or no infusion.", "hcg_intrauterine") == [
        ("treatment", None, None), ("control", "no_treatment", None)]


@pytest.mark.parametrize("text, sizes", [
    pytest.param("Sixty women were randomised to G-CSF or placebo. There were 12 clinical pregnancies in the "
                 "G-CSF group and 6 in the placebo group.", [None, None], id="events-after-a-result-word"),
    pytest.param("Sixty women took part: 30 in the G-CSF group and 30 in the placebo group.", [30, 30],
                 id="sizes-with-no-result-word"),
    pytest.param("Forty-two patients were allocated to the intralipid group and 40 to the control group.", [42, 40],
                 id="sizes-as-subjects"),
])
def test_a_count_before_in_the_group_is_a_size_only_outside_results(text, sizes):
    assert [a.size for a in find_arms(text, "g_csf" if "G-CSF" in text else "intralipid")] == sizes


def test_a_negated_therapy_with_its_size_is_the_comparator():
    assert arms_of("Women received tacrolimus (n=42) or no tacrolimus (n=40).", "tacrolimus") == [
        ("treatment", None, 42), ("control", "no_treatment", 40)]


@pytest.mark.parametrize("phrase", ["(n = 30 each)", "with 30 women in each group", "30 per group",
                                    "with 30 cases in each group", "30 cases each", "; each group had 30 patients",
                                    "; each arm comprised thirty women", "(n = 30 per group)", "30 women per arm",
                                    "into two groups of 30 patients each"])
def test_one_size_for_every_arm(phrase):
    text = f"Women were randomized to PRP or no infusion {phrase}."
    assert [a.size for a in find_arms(text, "prp")] == [30, 30]


@pytest.mark.parametrize("phrase", [
    pytest.param("; each group had 30 embryos transferred", id="embryos"),
    pytest.param("with 30 cycles in each group", id="cycles"),
    pytest.param("and were stratified by age, with 30 women in each group", id="age-strata"),
    pytest.param("; subgroups had 30 patients each", id="subgroups"),
    pytest.param("into three groups with 30 cases in each group", id="three-groups-two-arms"),
    pytest.param("with 30 cases in each group; 28 per group completed", id="two-sizes"),
])
def test_an_equal_size_of_something_else_is_no_arm_size(phrase):
    text = f"Women were randomized to PRP or no infusion {phrase}."
    assert [a.size for a in find_arms(text, "prp")] == [None, None]


def test_a_chinese_style_name_is_the_treated_arm_beside_a_control_group():
    text = "Patients were randomly divided into the observation group (n = 48) and the control group (n = 48)."
    assert [(a.name, a.role, a.size) for a in find_arms(text)] == [
        ("observation", "treatment", 48), ("control", "control", 48)]
    for name in ("research", "experiment"):
        assert [a.role for a in find_arms(text.replace("observation", name))] == ["treatment", "control"]


@pytest.mark.parametrize("text, expected", [
    pytest.param("Women were randomized to prednisolone or observation. The observation group had no treatment.",
                 [("prednisolone", "treatment"), ("observation", "control")], id="against-a-therapy-the-comparator"),
    pytest.param("Patients were randomized to adjuvant goserelin versus observation (control group). The "
                 "observation group was followed up.", [("control", "control")], id="listed-bare-not-the-treated-arm"),
    pytest.param("The observation group and the research group were described in our research group's earlier "
                 "report.", [], id="no-control-no-therapy-no-arm"),
])
def test_observation_is_an_arm_only_opposite_a_control_group_or_a_therapy(text, expected):
    assert [(a.name, a.role) for a in find_arms(text)] == expected


def test_a_generic_name_is_a_mention_only_before_group():
    text = ("Women were divided into the observation group and the control group. During the observation period "
            "the observation group had a transfer.")
    arms = find_arms(text)
    found = [text[m.start:m.end] for m in ArmMatcher(arms, text).mentions() if m.arm == 0]
    assert found == ["observation", "observation"] and text.count("observation") == 3


@pytest.mark.parametrize("text, key", [
    pytest.param("Women were randomized to endometrial scratching or no intervention. The scratch group had a biopsy.",
                 "scratch", id="a-shorter-form"),
    pytest.param("Women were randomized to local endometrial injury or sham. The injury group had a biopsy.",
                 "injury", id="the-head-word"),
    pytest.param("Women were randomized to endometrial scratch or sham. The scratching group had a biopsy.",
                 "scratching", id="a-longer-form"),
])
def test_a_group_named_by_the_active_arms_head_word_is_that_arm(text, key):
    arms = find_arms(text)
    assert key in arms[0].keys and arms[0].role == "treatment"
    assert [m.arm for m in ArmMatcher(arms, text).mentions() if text[m.start:m.end] == key] == [0]


def test_a_head_word_both_arms_share_names_neither():
    text = "Women were randomized to hCG infusion or saline infusion. The infusion group had a transfer."
    assert all("infusion" not in a.keys for a in find_arms(text))


def test_two_doses_of_one_drug_are_two_arms_and_a_dosed_hint_names_one():
    text = "Patients were randomized to 30 µg YIC (n = 81), 60 µg YIC (n = 78) or placebo (n = 78)."
    found = find_arms(text, hint=ArmsHint("60 µg of immune complexes (YIC)", "placebo"))
    assert [(a.name, a.size, a.hinted) for a in found] == [
        ("30 µg YIC", 81, None), ("60 µg YIC", 78, "intervention"), ("placebo", 78, "comparator")]


def test_a_generic_active_word_names_the_arm_only_before_group():
    text = "The study group received G-CSF. Outcomes were similar in both study groups and in the study."
    arms = find_arms(text, "g_csf") + [Arm("placebo", "control", "placebo", keys=("placebo",))]
    found = [text[m.start:m.end] for m in ArmMatcher(arms, text).mentions() if m.arm == 0]
    assert found == ["study", "G-CSF"]


def test_generic_active_word_coordinated_with_the_other_group():
    arms = [Arm("intervention", "treatment", keys=("intervention",)), Arm("control", "control", "control", keys=("control",))]
    text = "16.2% and 14.2% in the intervention and control groups, respectively"
    assert [(m.arm, text[m.start:m.end]) for m in ArmMatcher(arms, text).mentions()] == [(0, "intervention"), (1, "control")]


def test_the_control_group_is_the_randomized_comparator_not_a_description_of_it():
    text = ("Women were randomized to G-CSF (n = 50) or placebo (n = 50); the placebo consisted of normal saline. "
            "The CPR was higher in the G-CSF group than in the control group.")
    placebo = next(a for a in find_arms(text, "g_csf") if a.control_kind == "placebo")
    assert "control" in placebo.keys


def test_a_count_after_the_word_group_is_not_a_numbered_group():
    # Found by the Hypothesis test of two-arm sentences: "G-CSF group 2/10" read as an arm "group 2".
    from extractors.arms import find_arms

    text = ("Women were randomized to G-CSF (n = 10) or placebo (n = 10). "
            "Clinical pregnancy: G-CSF group 2/10 (20.0%) vs placebo group 1/10 (10.0%).")
    assert [a.name for a in find_arms(text, therapy="g_csf")] == ["G-CSF", "placebo"]


@pytest.mark.parametrize("text, expected", [
    pytest.param("Women were randomized to intralipid or saline.", [("intralipid", "treatment"), ("saline", "control")],
                 id="therapy-or-comparator"),
    pytest.param("Couples were randomly assigned to PBMC or no treatment before transfer.",
                 [("PBMC", "treatment"), ("no treatment", "control")], id="negated-comparator"),
    pytest.param("Women were randomized in a blinded fashion to sildenafil or placebo.",
                 [("sildenafil", "treatment"), ("placebo", "control")], id="manner-before-the-list"),
])
def test_an_allocation_list_without_sizes_names_the_arms_with_no_therapy_id(text, expected):
    assert [(a.name, a.role) for a in find_arms(text)] == expected


@pytest.mark.parametrize("text", [
    pytest.param("Women were randomized to two groups of equal size.", id="no-arm-words"),
    pytest.param("Women were randomized to one of four regimens: A, B, C or D.", id="a-long-list"),
    pytest.param("Women were randomized by sealed envelopes and were followed up.", id="a-clause-not-a-list"),
])
def test_an_allocation_list_of_no_arm_words_names_no_arm(text):
    assert find_arms(text) == []


def test_a_lettered_group_takes_the_size_that_closes_its_definition():
    text = ("Patients were randomly allocated to group A (intrauterine hCG 500 IU, n = 60) or group B "
            "(culture medium, n = 58).")
    assert [(a.name, a.role, a.size) for a in find_arms(text)] == [("group A", "treatment", 60), ("group B", "control", 58)]


def test_lettered_age_strata_with_sizes_are_not_arms():
    text = "Women were stratified into group 1 (under 35 years, n = 60) and group 2 (35 years or over, n = 44)."
    assert find_arms(text) == []


def test_a_hint_naming_arms_only_by_a_quantity_is_read_by_it():
    text = ("Oocytes were assigned to a 3 h or 20 h group. Of the women, 40 were in the 3 h group and 38 in the "
            "20 h group.")
    found = find_arms(text, hint=ArmsHint("3 h group", "20 h group"))
    assert [(a.name, a.role) for a in found] == [("3 h", "treatment"), ("20 h", "control")]


def test_a_hint_with_words_keeps_its_words_not_its_quantities():
    from extractors.arm_words import hint_keys

    assert hint_keys("G-CSF 300 mg") == {"g-csf"}
    assert hint_keys("3 h group") == {"3 h"}


@pytest.mark.parametrize("text", [
    pytest.param("Rats were randomly assigned to four experiment groups; group 1 was the control group.",
                 id="plural-all-the-groups"),
    pytest.param("The research group consisted of 27 women, 15 in the control group and 12 in the study group.",
                 id="the-whole-sample-beside-a-study-group"),
])
def test_a_chinese_style_word_naming_every_group_is_no_arm(text):
    assert not any(a.name.lower() in ("experiment", "research") for a in find_arms(text))


def test_an_arm_whose_names_give_two_sizes_gets_none():
    # two arms folded into one ("G-CSF" and "G-CSF plus stem cells"): whichever size came first
    # depended on the order of a set of keys, so it changed from one process to the next
    text = ("Women were assigned to standard care, 26 to the G-CSF group, and 28 to the G-CSF plus stem-cell "
            "infusion group.")
    assert [a.size for a in find_arms(text) if a.role == "treatment"] == [None]


@pytest.mark.parametrize(
    ("sentence", "therapy"),
    [
        pytest.param("Clinical pregnancy was 40.0% (24/60) in the scratch group and 25.0% (15/60) in the control group.",
                     "scratch", id="scratch-group"),
        pytest.param("Clinical pregnancy was 30.0% (18/60) in the steroid group and 20.0% (12/60) in the placebo group.",
                     "glucocorticoid", id="steroid-group"),
    ],
)
def test_a_short_arm_name_from_the_vocabulary_names_the_treated_arm(sentence, therapy):
    from extractors.effects import extract_effects
    from extractors.records import Article

    (effect,) = extract_effects(Article(pmid="1", title="", abstract=sentence))
    printed = [int(n) for n in re.findall(r"\((\d+)/60\)", sentence)]
    assert (effect.treat_events, effect.treat_total, effect.ctrl_events, effect.ctrl_total) == (printed[0], 60, printed[1], 60)
    (arm,) = [a for a in find_arms(sentence, None, None) if a.role == "treatment"]
    assert arm.therapy == therapy


def test_a_short_arm_name_never_decides_the_therapy():
    from config.schema import default_config
    from extractors.therapy import find_therapies

    config = default_config()
    assert all(not set(t.arm_names) & set(t.all_terms) for t in config.therapies)
    found = find_therapies("Migration of endometrial stromal cells",
                           "A scratch assay and steroid receptor staining were done on cells from women with RIF.")
    assert found.primary_therapy == "none"


@pytest.mark.parametrize("label", [("I", "II"), ("A", "B")], ids=["roman", "lettered"])
def test_a_numbered_group_defined_by_a_comparator_is_that_allocated_arm(label):
    first, second = label
    text = (f"Women with RIF were randomized to G-CSF or placebo. The rate was higher in group {first} "
            f"(G-CSF, n = 44) than in group {second} (placebo, n = 43).")
    arms = find_arms(text)
    assert [(a.name, a.role, a.size) for a in arms] == [("G-CSF", "treatment", 44), ("placebo", "control", 43)]
    assert f"group {second.lower()}" in arms[1].keys


def test_a_roman_group_definition_stops_at_the_next_roman_group():
    # group I's words are its own: "placebo" belongs to group II, so group I is no control arm
    text = "Women were allocated to group I (G-CSF, n = 40) or group II (placebo, n = 40)."
    roles = {a.name: a.role for a in find_arms(text)}
    assert roles == {"group I": "treatment", "group II": "control"}
    text = "Women were allocated to group I (n = 40) or group II (placebo, n = 40)."
    assert [a.name for a in find_arms(text) if a.role == "control"] == ["group II"]
