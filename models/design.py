"""The design label of a record (CONTRACT.md vocabulary), from text cues and the RCT probability.

Rules run in order; the first that fires wins. Registry ids and explicit "study protocol" wording
come first because such records talk about randomisation without reporting a trial; then
syntheses (meta-analysis before systematic review), then the RCT decision, then observational
designs. A case report is labelled ``case_series`` (the vocabulary has no single-case label).

Examples
--------
>>> label_design("Aspirin: a systematic review and meta-analysis", "We searched MEDLINE.", 0.4, is_rct=False)
'meta_analysis'
>>> label_design("Drug A versus placebo", "Patients were randomly assigned.", 0.97, is_rct=True)
'rct'
"""

from __future__ import annotations

import re

from models.corpora import REGISTRY_ID

_I = re.IGNORECASE
_PROTOCOL = re.compile(r"\b(?:study|trial)\s+protocol\b|\bprotocol\s+for\s+a\b|\bthis\s+protocol\b|"
                       r"\bprotocol\s+of\s+a\s+randomi[sz]ed\b|\bstatistical\s+analysis\s+plan\b", _I)
_FUTURE = re.compile(r"\bwill\s+be\s+(?:randomi[sz]ed|allocated|assigned|recruited|enrolled|included)\b|"
                     r"\bwill\s+(?:recruit|enrol+|randomi[sz]e)\b", _I)
_META = re.compile(r"\bmeta[\s-]?analy[sz]|\bnetwork\s+meta|\bpooled\s+analysis\s+of\s+(?:randomi|trials)", _I)
_SYSTEMATIC = re.compile(r"\bsystematic(?:ally)?\s+review|\bwe\s+searched\b|\bPRISMA\b|\bsearched\s+(?:the\s+)?"
                         r"(?:medline|pubmed|embase|cochrane|databases?)", _I)
_REVIEW = re.compile(r"\breview\b|\boverview\b|\bupdate\s+on\b|\bstate\s+of\s+the\s+art\b|\bcurrent\s+concepts\b|"
                     r"\bwe\s+(?:discuss|summari[sz]e)\b", _I)
_QUASI = re.compile(r"\bquasi[\s-]?(?:randomi[sz]ed|experimental)\b|\bby\s+alternation\b|\balternate(?:ly)?\s+"
                    r"(?:allocat|assign)|\b(?:odd|even)\s+(?:and\s+(?:odd|even)\s+)?(?:days|numbers|dates)\b|"
                    r"\bdate\s+of\s+birth\b|\bnon[\s-]?randomi[sz]ed\s+(?:controlled|concurrent)", _I)
_CASE_CONTROL = re.compile(r"\bcase[\s-]+control\b", _I)
_COHORT = re.compile(r"\bcohort\b|\bprospective(?:ly)?\s+(?:observational|followed|collected)|\bregistry\b|"
                     r"\bobservational\b|\bpopulation[\s-]based\b|\bretrospective(?:ly)?\s+(?:cohort|analy|review)\w*", _I)
_CASE_SERIES = re.compile(r"\bcase\s+(?:report|series)\b|\bwe\s+(?:report|describe|present)\s+(?:a|an|the|two|three|"
                          r"\d+)\s+(?:case|cases|patients?|women|woman)\b|\b\d+[\s-]year[\s-]old\s+(?:woman|man|patient)",
                          _I)


def label_design(title: str, abstract: str, rct_probability: float, *, is_rct: bool,
                 record_id: str = "", source_format: str = "") -> str:
    """One of CONTRACT.md's designs for a record."""
    text = f"{title}\n{abstract}"
    if REGISTRY_ID.match(record_id or "") or source_format == "ctgov":
        return "trial_registration"
    if _PROTOCOL.search(text) or (_FUTURE.search(text) and not re.search(r"\bwere\s+randomi[sz]ed\b", text, _I)):
        return "protocol"
    if _META.search(text):
        return "meta_analysis"
    if _SYSTEMATIC.search(text):
        return "systematic_review"
    if is_rct:
        return "quasi_rct" if _QUASI.search(text) else "rct"
    if _QUASI.search(text):
        return "quasi_rct"
    if _REVIEW.search(title) or (not abstract and _REVIEW.search(text)):
        return "narrative_review"
    if _CASE_CONTROL.search(text):
        return "case_control"
    if _CASE_SERIES.search(text):
        return "case_series"
    if _COHORT.search(text):
        return "cohort"
    if _REVIEW.search(abstract[:400]):
        return "narrative_review"
    return "other"
