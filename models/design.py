"""The design label of a record (CONTRACT.md vocabulary), from the RCT rules and the RCT decision.

In order:

1. a registry id (NCT..., ISRCTN...) or a ClinicalTrials.gov source: ``trial_registration``;
2. a rule of :mod:`models.rct_rules` that says the record is not a trial report gives its design
   (``meta_analysis`` when a synthesis pools, ``systematic_review`` otherwise; ``protocol``;
   ``case_series`` for case reports and series, the vocabulary having no single-case label;
   ``narrative_review``; ``cohort``, ``case_control``, ``quasi_rct``; ``other`` for secondary
   analyses, animal studies, Mendelian randomisation, letters);
3. a randomised trial report (the RCT decision): ``rct``, or ``quasi_rct`` when allocation was
   by alternation, dates or the like;
4. a non-randomised comparison of treated and untreated groups, prospective ("a prospective
   non-randomised study ... we compared the women who accepted with those who declined") or
   retrospective ("a retrospective study: the records of 300 women were reviewed, 140 had received
   ..."): ``cohort``, the vocabulary's label for a comparative observational design; a single-arm
   or uncontrolled study stays ``other``;
5. anything else: ``other``.

Examples
--------
>>> label_design("Aspirin: a systematic review and meta-analysis", "We searched MEDLINE.", is_rct=False)
'meta_analysis'
>>> label_design("Drug A versus placebo", "Patients were randomly assigned.", is_rct=True)
'rct'
>>> label_design("Heparin in IVF: a study protocol", "Women will be randomised.", is_rct=False)
'protocol'
"""

from __future__ import annotations

import re

from models.corpora import REGISTRY_ID
from models.rct_rules import QUASI, RuleVerdict, judge_scan
from models.text_scan import Scan

#: Words of a synthesis that pools results (a meta-analysis) rather than only reviewing them.
_POOLING = re.compile(r"\bmeta[\s-]?analy[sz]|\bmeta[\s-]?regression\b|(?<!not )\bpooled\b|\brandom[\s-]effects?\b|"
                      r"\bnetwork\s+meta\b")
#: A non-randomised design named, or a retrospective one.
_NON_RANDOMISED_NAMED = re.compile(r"\bnon[\s-]?randomi[sz]ed\b|\bnot\s+randomi[sz]ed\b|\bretrospective(?:ly)?\b",
                                   re.IGNORECASE)
#: Two groups set side by side (treated against untreated or a control group).
_GROUPS_COMPARED = re.compile(r"\bcompared\b|\bcomparison\b|\bversus\b|\bvs\.?(?=\s)|\bcontrol\s+(?:group|arm)s?\b|"
                              r"\b(?:did|had)\s+not\b|\bwithout\b|\bdeclined\b", re.IGNORECASE)
#: Single-arm designs: no comparison, whatever the words.
_SINGLE_ARM = re.compile(r"\bsingle[\s-]arm\b|\buncontrolled\b|\bnon[\s-]?comparative\b|\bcase\s+series\b",
                         re.IGNORECASE)
_SYNTHESIS_RULES = frozenset({"rct.synthesis_title.v1", "rct.synthesis_structure.v1", "rct.synthesis_search.v1",
                              "rct.synthesis_named.v1"})


def label_design(title: str, abstract: str, *, is_rct: bool, verdict: RuleVerdict | None = None,
                 record_id: str = "", source_format: str = "", scan: Scan | None = None) -> str:
    """One of CONTRACT.md's designs for a record.

    ``verdict`` (and ``scan``) are the rule verdict and text scan when the caller already has them.
    """
    if REGISTRY_ID.match(record_id or "") or source_format == "ctgov":
        return "trial_registration"
    scan = scan or Scan(title, abstract)
    verdict = verdict or judge_scan(scan)
    if verdict.stratum == "not_report" and verdict.design:
        if verdict.rule_id in _SYNTHESIS_RULES:
            pooled = _POOLING.search(scan.text("title")) or _POOLING.search(scan.text("abstract"))
            return "meta_analysis" if pooled else "systematic_review"
        if verdict.rule_id == "rct.non_randomised.v1" and verdict.design == "other" and _comparative(scan):
            return "cohort"
        return verdict.design
    if is_rct:
        return "quasi_rct" if scan.found(QUASI, "text") else "rct"
    if verdict.stratum == "undecided" and _comparative(scan):
        return "cohort"
    return "other"


def _comparative(scan: Scan) -> bool:
    """A named non-randomised or retrospective design that compares groups (see item 4)."""
    text = f"{scan.text('title')}\n{scan.text('abstract')}"
    return bool(_NON_RANDOMISED_NAMED.search(text) and _GROUPS_COMPARED.search(text) and not _SINGLE_ARM.search(text))
