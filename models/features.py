"""Explicit text cues for the RCT classifier and the design rules.

Each cue is a named regular expression over the title or the abstract. Positive cues are the
words a trial report uses for random allocation, blinding, placebo and its reporting standard
(CONSORT 2010 items 8-11; the text words of the Cochrane Highly Sensitive Search Strategy:
randomized, placebo, randomly, trial, groups). Negative cues mark the hardest negatives: records
that talk about randomised trials without reporting one (protocols, registrations, meta-analyses,
systematic and narrative reviews, cohorts, case reports and series, Mendelian randomisation).

The cue names are part of the model artifact: a model trained with one list refuses to load with
another, so renaming a cue means retraining.

Examples
--------
>>> cues = find_cues("Patients were randomly assigned to placebo or drug.")
>>> sorted(c for c in cues if c in {"randomly", "placebo", "were_randomized"})
['placebo', 'randomly', 'were_randomized']
"""

from __future__ import annotations

import re
from typing import Iterable

import numpy as np
from scipy import sparse

_I = re.IGNORECASE

#: name -> pattern. Order matters only for the artifact's column order; keep it stable.
CUES: dict[str, re.Pattern[str]] = {
    # --- random allocation and trial vocabulary (positive) ---
    "randomized": re.compile(r"\brandomi[sz](?:ed|ation|ing|e)\b", _I),
    "randomly": re.compile(r"\brandomly\b", _I),
    "random_allocation": re.compile(
        r"\brandom\s+(?:allocation|assignment|number|sequence|permuted|block)|\bpermuted\s+blocks?\b", _I),
    "were_randomized": re.compile(
        r"\b(?:were|was|been|being)\s+(?:then\s+)?(?:randomly\s+|prospectively\s+)?"
        r"(?:randomi[sz]ed|allocated|assigned|divided|distributed)\b", _I),
    "rct_phrase": re.compile(
        r"\brandomi[sz]ed[\s,-]+(?:(?:controlled|clinical|comparative|double|single|triple|blind(?:ed)?|"
        r"placebo|multi-?cent(?:er|re)|open|label|prospective|parallel|group|pilot|phase|\w+-controlled)"
        r"[\s,-]+){0,4}(?:trial|study)\b|\bRCT\b", _I),
    "controlled_trial": re.compile(r"\bcontrolled\s+(?:clinical\s+)?trial\b", _I),
    "placebo": re.compile(r"\bplacebo", _I),
    "blinding": re.compile(
        r"\b(?:double|single|triple|observer|assessor|investigator)[\s-]+(?:blind|mask)|\bblinded\b|"
        r"\bdouble[\s-]dummy\b|\bmasked\b", _I),
    "crossover": re.compile(r"\bcross[\s-]?over\b", _I),
    "trial_word": re.compile(r"\btrials?\b", _I),
    "groups_word": re.compile(r"\bgroups?\b|\barms?\b", _I),
    "versus": re.compile(r"\b(?:versus|vs)\b", _I),
    "compared_with": re.compile(r"\bcompared\s+(?:with|to)\b|\bcomparison\s+of\b", _I),
    "itt": re.compile(r"\bintent(?:ion)?[\s-]+to[\s-]+treat|\bper[\s-]protocol\b|\bITT\b", _I),
    "consort": re.compile(r"\bCONSORT\b"),
    "concealment": re.compile(
        r"\bsealed\s+(?:opaque\s+)?envelopes?\b|\ballocation\s+conceal|\bcomputer[\s-]generated\b", _I),
    "registration": re.compile(
        r"\b(?:NCT\d{8}|ISRCTN\d+|ChiCTR[\w-]+|IRCT\w+|ACTRN\d+)|\btrial\s+registration\b", _I),
    "phase_trial": re.compile(r"\bphase\s+(?:I{1,3}|[1-3])[ab]?\b", _I),
    "results_stats": re.compile(r"\bp\s*[<=>≤]\s*0?\.\d|\b95\s*%\s*(?:ci|confidence)|\bodds ratio\b|\brelative risk\b", _I),
    "receive_treatment": re.compile(r"\b(?:to\s+receive|received\s+either|or\s+placebo|or\s+no\s+treatment)\b", _I),
    # --- records about trials that are not reports of one (negative) ---
    "meta_analysis": re.compile(r"\bmeta[\s-]?analy[sz]|\bmeta[\s-]?regression\b|\bpooled\s+analysis\b", _I),
    "systematic_review": re.compile(
        r"\bsystematic(?:ally)?\s+(?:review|search|literature)|\bwe\s+searched\b|\bsearched\s+(?:the\s+)?"
        r"(?:medline|pubmed|embase|cochrane|web\s+of|scopus|databases?|electronic)|\bPRISMA\b|"
        r"\belectronic\s+databases?\b|\beligible\s+(?:studies|trials)\b|\bincluded\s+(?:studies|trials)\b", _I),
    "review_word": re.compile(r"\breview(?:s|ed)?\b|\boverview\b|\bstate\s+of\s+the\s+art\b", _I),
    "protocol": re.compile(r"\b(?:study|trial)\s+protocol\b|\bprotocol\s+(?:for|of)\s+(?:a|an|the)\b|\bthis\s+protocol\b", _I),
    "future_tense": re.compile(
        r"\bwill\s+be\s+(?:randomi[sz]ed|allocated|assigned|recruited|enrolled|included|measured|assessed|"
        r"collected|compared|analy[sz]ed|performed|conducted|treated|followed|divided|evaluated)\b|"
        r"\bwill\s+(?:recruit|enrol+|randomi[sz]e|assess|compare|receive|undergo|include|investigate|evaluate)\b", _I),
    "case_report": re.compile(
        r"\bcase\s+report\b|\bwe\s+(?:report|describe|present)\s+(?:a|an|the|two|three|\d+)\s+"
        r"(?:case|cases|patients?|man|woman|boy|girl|infant|child|\d+[\s-]year)|"
        r"\b\d+[\s-](?:year|month)[\s-]old\s+(?:man|woman|male|female|boy|girl|patient|infant|child)\b", _I),
    "case_series": re.compile(
        r"\bcase\s+series\b|\bretrospective(?:ly)?\b|\bchart\s+review\b|\bmedical\s+records?\b|"
        r"\bconsecutive\s+(?:patients|cases)\b", _I),
    "cohort": re.compile(
        r"\bcohort\b|\bobservational\b|\bregistry\b|\bpopulation[\s-]based\b|\blongitudinal\b|"
        r"\bfollow(?:ed)?[\s-]up\s+study\b", _I),
    "case_control": re.compile(r"\bcase[\s-]+control\b|\bmatched\s+controls\b", _I),
    "cross_sectional": re.compile(r"\bcross[\s-]sectional\b|\bsurvey\b|\bquestionnaires?\b|\binterviews?\b", _I),
    "mendelian": re.compile(r"\bmendelian\s+randomi[sz]ation\b|\bgenetic\s+instruments?\b|\binstrumental\s+variables?\b", _I),
    "secondary_analysis": re.compile(
        r"\bsecondary\s+analys[ie]s\b|\bpost[\s-]hoc\s+analys|\bancillary\s+study\b|\bsub[\s-]?study\b|"
        r"\bexploratory\s+analysis\b|\bdata\s+from\s+(?:a|the)\s+(?:large\s+)?randomi[sz]ed\b", _I),
    "nonrandomized": re.compile(
        r"\bnon[\s-]?randomi[sz]ed\b|\bnot\s+randomi[sz]ed\b|\bquasi[\s-]?(?:randomi[sz]ed|experimental)\b|"
        r"\bby\s+alternation\b|\balternate(?:ly)?\s+(?:allocat|assign)|\bhistorical\s+controls?\b|"
        r"\bsingle[\s-]arm\b|\bopen[\s-]label\s+extension\b|\bpre[\s-]?(?:and|/)[\s-]?post\b", _I),
    "animal": re.compile(r"\b(?:mice|mouse|rats?|murine|rabbits?|dogs?|canine|porcine|pigs?|sheep|bovine|cattle|"
                         r"horses?|in\s+vitro\s+study|cell\s+lines?|zebrafish)\b", _I),
    "opinion": re.compile(r"\bguidelines?\b|\bconsensus\b|\bcommentary\b|\beditorial\b|\bletter\b|\bwe\s+argue\b|"
                          r"\bviewpoint\b|\bperspective\b", _I),
    "we_discuss": re.compile(r"\b(?:we|this\s+(?:article|paper|chapter))\s+(?:discuss|summari[sz]e|highlight|outline)\b", _I),
}

CUE_NAMES: tuple[str, ...] = tuple(CUES)

#: Column names of :func:`cue_matrix`: each cue in the title, then in the abstract, then extras.
FEATURE_NAMES: tuple[str, ...] = (
    tuple(f"title:{name}" for name in CUE_NAMES)
    + tuple(f"abstract:{name}" for name in CUE_NAMES)
    + ("no_abstract", "short_abstract", "structured_abstract")
)

_STRUCTURED = re.compile(r"\b(?:METHODS?|RESULTS?|CONCLUSIONS?|DESIGN|PATIENTS)\s*:", re.ASCII)


def find_cues(text: str) -> set[str]:
    """The names of the cues that occur in ``text``."""
    return {name for name, pattern in CUES.items() if pattern.search(text)}


def cue_row(title: str, abstract: str) -> list[float]:
    """One row of :func:`cue_matrix` (binary presence; the abstract's repeated cues count once)."""
    in_title = find_cues(title)
    in_abstract = find_cues(abstract) if abstract else set()
    row = [1.0 if name in in_title else 0.0 for name in CUE_NAMES]
    row += [1.0 if name in in_abstract else 0.0 for name in CUE_NAMES]
    words = len(abstract.split())
    row += [
        1.0 if words == 0 else 0.0,
        1.0 if 0 < words < 80 else 0.0,  # conference abstracts, letters' summaries
        1.0 if _STRUCTURED.search(abstract) else 0.0,
    ]
    return row


def cue_matrix(pairs: Iterable[tuple[str, str]]) -> sparse.csr_matrix:
    """A sparse (n, len(FEATURE_NAMES)) matrix of cue features for (title, abstract) pairs."""
    rows = [cue_row(title, abstract) for title, abstract in pairs]
    if not rows:
        return sparse.csr_matrix((0, len(FEATURE_NAMES)))
    return sparse.csr_matrix(np.asarray(rows, dtype=np.float64))
