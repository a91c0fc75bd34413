"""The design label of CONTRACT.md, from the rule verdict and the RCT decision."""

from __future__ import annotations

import pytest

from models.design import label_design

CASES = [
    ("registry-entry", "NCT01234567", "G-CSF in RIF", "Women will be randomized.", False, "trial_registration"),
    ("meta-analysis", "1", "Aspirin in IVF: a meta-analysis", "We pooled nine trials (RR 1.1).", False, "meta_analysis"),
    ("systematic-review-without-pooling", "2", "Aspirin in IVF: a systematic review",
     "We searched MEDLINE; results were not pooled.", False, "systematic_review"),
    ("protocol", "3", "Heparin in RIF: protocol for a randomised trial", "Women will be randomised.", False, "protocol"),
    ("case-report", "4", "Pregnancy after IVIG: a case report", "A woman of 38 conceived.", False, "case_series"),
    ("cohort", "5", "Prednisolone in RIF", "This retrospective cohort study included 400 women.", False, "cohort"),
    ("case-control", "6", "NK cells in RIF", "In this case-control study, 40 women with RIF were compared.", False,
     "case_control"),
    ("rct", "7", "Intralipid in RIF", "Women were randomly assigned to intralipid or saline.", True, "rct"),
    ("quasi-randomised-by-the-rules", "8", "G-CSF in RIF",
     "Women were allocated by alternation to G-CSF or no treatment.", False, "quasi_rct"),
    ("narrative-review", "9", "Immunotherapy for implantation failure: an update", "We review the evidence.",
     False, "narrative_review"),
    ("unclassified-non-trial", "10", "Uterine NK cells", "NK cells were counted in 30 biopsies.", False, "other"),
    ("non-randomised-comparison", "11", "Etanercept in RIF: a prospective non-randomised study",
     "Women chose etanercept or no etanercept; we compared live birth between the groups.", False, "cohort"),
    ("retrospective-comparison", "12", "Heparin in RIF: a retrospective study",
     "The files of 210 women were reviewed; 100 had received heparin and 110 had not.", False, "cohort"),
    ("non-randomised-single-arm", "13", "PRP in thin endometrium: a non-randomised single-arm study",
     "Forty women received PRP without a control group; thickness was compared before and after.", False, "other"),
    ("retrospective-description", "14", "Uterine NK cells in RIF: a retrospective analysis",
     "NK cells were counted in 30 archived biopsies.", False, "other"),
]


@pytest.mark.parametrize("record_id, title, abstract, is_rct, design", [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_design(record_id, title, abstract, is_rct, design):
    assert label_design(title, abstract, is_rct=is_rct, record_id=record_id) == design
