"""Which stratum each kind of record falls in, rule by rule, in words of our own."""

from __future__ import annotations

import pytest

from models.rct_rules import judge

CASES = [
    # (id, title, abstract, stratum, rule)
    ("title-says-randomised", "Heparin after knee surgery: a randomised controlled trial", "We studied 200 patients.",
     "randomised", "rct.title_randomised.v1"),
    ("title-denies-randomisation", "Heparin after knee surgery: a non-randomised comparison",
     "Patients chose heparin or no heparin and were followed prospectively.", "not_report", "rct.non_randomised.v1"),
    ("agreed-to-be-randomised", "Heparin after knee surgery",
     "Of 240 eligible patients, 200 agreed to be randomised to heparin or saline.", "randomised", "rct.allocation.v1"),
    ("past-tense-allocation", "Heparin after knee surgery", "Patients were randomly assigned to heparin or saline.",
     "randomised", "rct.allocation.v1"),
    ("we-randomised-n", "Heparin after knee surgery", "We randomised 120 patients to heparin or nothing.",
     "randomised", "rct.allocation.v1"),
    ("design-label", "Heparin after knee surgery", "DESIGN: Double-blind, randomized, parallel-group study.",
     "randomised", "rct.design_label.v1"),
    ("design-statement", "Heparin after knee surgery", "In a prospective, randomized study, 58 women had surgery.",
     "randomised", "rct.design_statement.v1"),
    ("meta-analysis-title", "Heparin after surgery: a meta-analysis of randomised trials",
     "Patients were randomly assigned in the included trials.", "not_report", "rct.synthesis_title.v1"),
    ("cochrane-structure", "Heparin after surgery",
     "OBJECTIVES: To assess heparin. SEARCH STRATEGY: We searched CENTRAL. SELECTION CRITERIA: Randomised trials.",
     "not_report", "rct.synthesis_structure.v1"),
    ("literature-search", "Heparin after surgery", "We searched MEDLINE and Embase to 2020 for trials.",
     "not_report", "rct.synthesis_search.v1"),
    ("protocol-title", "Heparin after surgery: study protocol for a randomised controlled trial",
     "Patients will be randomised to heparin or placebo.", "not_report", "rct.protocol_title.v1"),
    ("future-tense", "Heparin after surgery: a randomised controlled trial",
     "Three hundred patients will be randomised to heparin or placebo.", "not_report", "rct.future_tense.v1"),
    ("ivf-stimulation-protocols-are-not-a-protocol", "Long versus short agonist protocol in IVF: a randomised trial",
     "Women were randomly allocated to the long or the short protocol.", "randomised", "rct.title_randomised.v1"),
    ("secondary-analysis", "Heparin and quality of life",
     "We performed a secondary analysis of data from a randomized trial of 300 patients.", "not_report",
     "rct.secondary.v1"),
    ("post-hoc-title", "Heparin and quality of life: a post hoc analysis of the HEP trial",
     "Patients were randomly assigned to heparin.", "not_report", "rct.secondary_title.v1"),
    ("case-report-title", "Bleeding on heparin: a case report", "A woman of 40 bled after surgery.",
     "not_report", "rct.case_report_title.v1"),
    ("case-report-abstract", "Bleeding on heparin", "We describe two patients who bled after surgery.",
     "not_report", "rct.case_report.v1"),
    ("animal", "Heparin in rats", "Rats were randomly assigned to heparin or saline.", "not_report", "rct.animal.v1"),
    ("animal-with-people-is-not-animal-only", "Heparin in rats and in patients",
     "Rats and patients were studied.", "undecided", None),
    ("mendelian", "Lipids and stroke", "A Mendelian randomization study of 10,000 people.", "not_report",
     "rct.mendelian.v1"),
    ("narrative-review", "Heparin in pregnancy: an update", "This article reviews what is known.",
     "not_report", "rct.review_title.v1"),
    ("cohort", "Heparin and bleeding", "This retrospective cohort study included 900 patients.",
     "not_report", "rct.observational.v1"),
    ("quasi-random", "Heparin and bleeding", "Patients were allocated by alternation to heparin or nothing.",
     "not_report", "rct.non_randomised.v1"),
    ("letter-without-abstract", "Re: Heparin and bleeding", "", "not_report", "rct.letter.v1"),
    ("nothing-said", "Heparin and bleeding", "Patients who received heparin bled less.", "undecided", None),
    ("adverbs-with-commas-before-randomly-placed", "Staples or sutures",
     "Ninety patients were prospectively, randomly placed to have staples or sutures. Charts were reviewed.",
     "randomised", "rct.allocation.v1"),
    ("recruited-and-randomised-to-a-list", "Formula milk and infection",
     "Infants were recruited in four clinics and randomized to: 1) cow's milk, 2) formula.",
     "randomised", "rct.allocation.v1"),
    ("crossover-order-from-a-randomisation-table", "Compression pumps after hip surgery",
     "In a crossover study, a randomization table set the order in which each pump was tested.",
     "randomised", "rct.allocation.v1"),
    ("random-number-table", "Heparin after surgery", "Allocation followed a table of random numbers.",
     "randomised", "rct.allocation.v1"),
    ("open-label-single-group", "Lithium added to venlafaxine: an open-label trial",
     "We conducted an open-label study in 40 outpatients not helped by venlafaxine.",
     "not_report", "rct.non_randomised.v1"),
    ("open-label-and-randomised-is-randomised", "Lithium added to venlafaxine",
     "In this open-label, randomized study, 40 outpatients received lithium or placebo.",
     "randomised", "rct.design_statement.v1"),
    ("animals-section-and-one-species", "Enalapril after infarction",
     "ANIMALS AND METHODS: Dogs were randomized to enalapril or placebo.", "not_report", "rct.animal.v1"),
    ("human-cells-are-not-participants", "Ranitidine and neutrophils in rats",
     "DESIGN: Randomized, controlled study. Human neutrophils were exposed to ranitidine in vitro.",
     "not_report", "rct.animal.v1"),
]


@pytest.mark.parametrize("title, abstract, stratum, rule", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_stratum_and_rule(title, abstract, stratum, rule):
    verdict = judge(title, abstract)
    assert (verdict.stratum, verdict.rule_id) == (stratum, rule)


@pytest.mark.parametrize("title, abstract, design", [
    ("Aspirin: a systematic review", "We searched MEDLINE.", "systematic_review"),
    ("Heparin: study protocol for a randomised trial", "", "protocol"),
], ids=["systematic-review", "protocol"])
def test_syntheses_and_protocols_are_never_reports(title, abstract, design):
    verdict = judge(title, abstract)
    assert verdict.never_a_report


def test_a_case_report_is_not_excluded_outright():
    """NLM indexes some of these as trial reports; their stratum's calibration decides."""
    assert not judge("Bleeding on heparin: a case report", "").never_a_report
