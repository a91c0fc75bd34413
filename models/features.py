"""Explicit text cues for the RCT classifier: named patterns of the abstract, beside the word block.

The word block (:mod:`models.tfidf`) already holds single words and bigrams, and the title's words
marked as such; the rules of :mod:`models.rct_rules` put each record in a stratum. The cues here
add what neither does for the records the rules leave undecided:

- phrases of a trial report that span more than two words or carry a number (CONSORT 2010 items
  8-11: "randomised ... trial", blinding, allocation concealment, intention to treat, "either ...
  or", a control group, P values and confidence intervals);
- the words of the *title* rules (review, protocol, case report, synthesis) when they occur in the
  abstract, where no rule reads them;
- whether an animal is named, and the shape of the abstract (none, short, structured).

The patterns of rules that read the abstract are not features: a record the rules leave undecided
has none of them (a rule would have fired), and the other strata are calibrated on their own.

The feature names are part of the model artifact: a model trained with one list refuses to load
with another, so renaming or reordering a cue means retraining.

Examples
--------
>>> scan = Scan("Aspirin or placebo", "Women received either aspirin or placebo (P = 0.03).")
>>> sorted(name for name, value in zip(FEATURE_NAMES, cue_row(scan)) if value)
['abstract:either_or', 'abstract:placebo_arm', 'abstract:results_stats', 'short_abstract']
"""

from __future__ import annotations

from typing import Iterable

import numpy as np
from scipy import sparse

from models import rct_rules as rules
from models.text_scan import Pattern, Scan

#: Order matters only for the artifact's column order; keep it stable.
ABSTRACT_CUES: tuple[Pattern, ...] = (
    Pattern("rct_phrase", ("random", "rct"), r"\brandomi[sz]ed[\s,-]+(?:[\w-]+[\s,]+){0,4}?(?:trial|study)\b|\brcts?\b"),
    Pattern("blinding", ("blind", "mask", "dummy"),
            r"\b(?:double|single|triple|observer|assessor|investigator)[\s-]+(?:blind|mask)|\bblinded\b|\bmasked\b|"
            r"\bdouble[\s-]dummy\b"),
    Pattern("either_or", ("either",), r"\beither\b[^.;]{1,80}?\bor\b"),
    Pattern("control_group", ("control",), r"\bcontrol\s+(?:group|arm|subjects|patients|condition)s?\b"),
    Pattern("itt", ("intent", "protocol", "itt"), r"\bintent(?:ion)?[\s-]+to[\s-]+treat|\bper[\s-]protocol\b|\bitt\b"),
    Pattern("concealment", ("sealed", "conceal", "computer"),
            r"\bsealed\s+(?:opaque\s+)?envelopes?\b|\ballocation\s+conceal|\bcomputer[\s-]generated\b"),
    Pattern("results_stats", ("<", "=", ">", "≤", "95", "odds", "relative"),
            r"\bp\s*[<=>≤]\s*0?\.\d|\b95\s*%\s*(?:ci|confidence)|\bodds\s+ratio\b|\brelative\s+risk\b"),
    # Designs of trial reports the allocation rules may not see named (CONSORT 2010 extensions):
    # crossover trials (periods, washout), a placebo arm, a trial registration number (ICMJE asks
    # trial reports to give one). Anchors are whole phrases (and the patterns use single spaces)
    # so common words such as "function" or "open" do not make the patterns run on every abstract;
    # a cue for "between the two groups" wording was tried and dropped: it cost a tenth of the
    # scoring time (its anchors are in nearly every abstract).
    Pattern("crossover", ("crossover", "cross-over", "cross over", "washout", "wash-out", "wash out"),
            r"\bcross[ -]?over\b|\bwash[ -]?out (?:period|phase|of)\b"),
    Pattern("placebo_arm", ("placebo",),
            r"\b(?:or|versus|vs\.?|and|with|to)\s+(?:an?\s+|matching\s+|identical\s+)?placebo\b|"
            r"\bplacebo\s+(?:group|arm|\(n\s*=)"),
    Pattern("registration", ("nct0", "nct 0", "isrctn", "actrn", "chictr", "irct1", "irct2", "clinicaltrials.gov",
                             "trial registration"),
            r"\bnct ?0\d{7}\b|\bisrctn ?\d{6,}|\bactrn ?\d{10,}|\bchictr[\w-]*\d{4,}|\birct[12]\d{5,}|"
            r"\bclinicaltrials\.gov\b|\btrial registration\b"),
    # Single-group and early-phase designs: what a trial report without randomisation mostly is.
    Pattern("pilot_phase", ("pilot study", "pilot trial", "phase i", "phase 1", "phase 2", "open-label", "open label"),
            r"\bpilot (?:study|trial)\b|\bphase (?:i|ii|1|2|i/ii|1/2)\b(?![\w/])|\bopen[ -]label\b"),
    rules.TITLE_SYNTHESIS,
    rules.TITLE_PROTOCOL,
    rules.CASE_REPORT_TITLE,
    rules.TITLE_REVIEW,
)

#: Column names of :func:`cue_matrix`.
FEATURE_NAMES: tuple[str, ...] = (
    tuple(f"abstract:{c.name}" for c in ABSTRACT_CUES) + ("animal", "no_abstract", "short_abstract",
                                                          "structured_abstract")
)

#: Section labels in capitals mark a structured abstract (a plain substring test is enough).
_SECTION_LABELS = ("METHOD", "RESULT", "CONCLUSION", "DESIGN", "PATIENTS")


def cue_row(scan: Scan) -> list[float]:
    """One row of :func:`cue_matrix` (binary presence; repeated cues count once)."""
    row = [1.0 if scan.found(cue, "abstract") else 0.0 for cue in ABSTRACT_CUES]
    animal = not (rules.ANIMAL_WORDS.isdisjoint(scan.tokens("title"))
                  and rules.ANIMAL_WORDS.isdisjoint(scan.tokens("abstract")))
    words = scan.abstract.count(" ") + 1 if scan.abstract.strip() else 0
    row += [
        1.0 if animal else 0.0,
        1.0 if words == 0 else 0.0,
        1.0 if 0 < words < 80 else 0.0,  # conference abstracts, letters' summaries
        1.0 if any(label in scan.abstract for label in _SECTION_LABELS) else 0.0,
    ]
    return row


def cue_matrix(scans: Iterable[Scan]) -> sparse.csr_matrix:
    """A sparse (n, len(FEATURE_NAMES)) matrix of cue features for scanned records."""
    rows = [cue_row(scan) for scan in scans]
    if not rows:
        return sparse.csr_matrix((0, len(FEATURE_NAMES)))
    return sparse.csr_matrix(np.asarray(rows, dtype=np.float64))
