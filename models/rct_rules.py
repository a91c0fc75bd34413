"""Explicit rules for the clearest cases of "does this record report a randomised trial?".

The rules put each record into one of three strata; the linear model of
:mod:`models.rct_classifier` scores every record, and its score is calibrated separately within
each stratum on out-of-fold predictions, so the data decide how much each stratum is worth:

``not_report``
    The record is, by its own words, a kind of publication that is not the report of a trial's
    results, even when it talks about randomised trials: a systematic review or meta-analysis
    (including Cochrane's structure: "SEARCH STRATEGY", "SELECTION CRITERIA", "MAIN RESULTS"), a
    protocol or a design paper (future tense, "study protocol"), a secondary or post-hoc analysis
    of trial data, a case report, an animal or in-vitro study, a Mendelian randomisation study, a
    narrative review, a letter or comment without an abstract; and, when nothing says the
    participants were allocated at random, a record that names an observational or
    non-randomised design.
``randomised``
    The title declares a randomised (or placebo-controlled, double-blind) trial, or the abstract
    says the participants were allocated at random, in the past tense (CONSORT 2010 items 8-10;
    the design words of the Cochrane Highly Sensitive Search Strategy).
``undecided``
    Everything else: the model alone decides.

Rules run in order and the first that fires wins; each has a stable id. Patterns run on the
lowercased text unless they need capitals (section labels), only near their anchor words
(:mod:`models.text_scan`), so a record without the word never pays for the regular expression.

Examples
--------
>>> judge("Aspirin after stroke: a systematic review and meta-analysis", "We searched MEDLINE.").stratum
'not_report'
>>> judge("Aspirin after stroke", "Patients were randomly assigned to aspirin or placebo.").rule_id
'rct.allocation.v1'
>>> judge("Aspirin after stroke", "We followed 400 patients.").stratum
'undecided'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from models.text_scan import Pattern, Scan

STRATA = ("not_report", "randomised", "undecided")


#: Designs that report no trial's results by their nature: a record a rule gives one of these is
#: never called a trial report, whatever its probability. The other not-a-report rules (case
#: reports, secondary analyses, cohorts ...) lower the probability through their stratum's
#: calibration instead, because NLM does index some of them as trial reports.
NEVER_REPORTS = frozenset({"protocol", "meta_analysis", "systematic_review"})


@dataclass(frozen=True, slots=True)
class RuleVerdict:
    """Which stratum a record falls in, the rule that put it there and the design that rule implies."""

    stratum: str
    rule_id: str | None = None
    design: str | None = None

    @property
    def never_a_report(self) -> bool:
        return self.stratum == "not_report" and self.design in NEVER_REPORTS


@dataclass(frozen=True, slots=True)
class _Rule:
    rule_id: str
    stratum: str
    design: str | None
    where: str  # "title", "abstract" or "text" (either)
    pattern: Pattern | None  # None: a rule with its own test (animal studies)
    unless_allocated: bool = False  # only when nothing says participants were randomised
    needs_no_abstract: bool = False


def _any(name: str, *parts: tuple[tuple[str, ...], str], cased: bool = False) -> Pattern:
    """A pattern from ``(anchors, expression)`` parts, each searched only near its own anchors."""
    return Pattern.any_of(name, *(Pattern(name, anchors, expression, cased) for anchors, expression in parts))


#: Past-tense random allocation of participants (CONSORT items 8-10); "randomly selected" is
#: sampling, not allocation, and is left out on purpose.
ALLOCATION = Pattern("allocation", ("random",),
    r"\b(?:were|was|been|being|are|is)\s+(?:\w+,?\s+){0,3}?(?:randomi[sz]ed|randomly\s+(?:assigned|allocated|"
    r"divided|distributed|split|selected\s+to\s+receive|placed))\b"
    r"|\b(?:and|then|subsequently|later)\s+randomi[sz]ed\s+(?:to|into|between|in)\b|\brandomi[sz]ed\s+to\s*:"
    r"|\b(?:agreed|consented|accepted|chose|elected)\s+to\s+be\s+randomi[sz]ed\b"
    r"|\brandomi[sz]ation\s+(?:table|procedure|process|scheme|envelopes?|blocks?)\b"
    r"|\b(?:block|stratified|centrali[sz]ed|computeri[sz]ed|computer[\s-]generated)\s+randomi[sz]ation\b"
    r"|\brandom\s+numbers?\s+(?:table|list|generator|sequence)\b|\btable\s+of\s+random\s+numbers\b"
    r"|\brandomly\s+(?:assigned|allocated|divided|distributed)\b"
    r"|\bwe\s+(?:then\s+)?randomi[sz]ed\b|\brandomi[sz]ed\s+(?:\d+|two|three|four)\b"
    r"|\b(?:underwent|after|before|at|following|prior\s+to|upon)\s+randomi[sz]ation\b"
    r"|\brandom\s+(?:allocation|assignment)\b|\b(?:allocated|assigned)\s+at\s+random\b"
    r"|\brandomi[sz]ation\s+(?:was|were|to|into|schedule|sequence|list|code|ratio)\b"
    r"|\brandomi[sz]ed\s+(?:in|on)\s+a\s+(?:1:1|2:1|1:2|3:1|1:1:1)\b|\bby\s+randomi[sz]ation\b"
    r"|\brandomi[sz]ed\s+(?:to|into|between)\s+(?:receive|either|one|two|three|\w+\s+(?:group|arm)s?)\b"
    r"|\b(?:assigned|allocated|allotted|divided|distributed)\s+(?:\w+\s+)?randomly\b|\brandomly\s+allotted\b"
    r"|\bin\s+(?:a\s+)?random(?:i[sz]ed)?\s+(?:order|sequence)\b"
    r"|\b(?:of|the|all|\d+)\s+randomi[sz]ed\s+(?:patients|subjects|participants|women|men|children|infants|"
    r"volunteers|couples|cycles)\b")

_BLIND_PLACEBO = r"double[\s-](?:blind|masked)[\w\s,-]{0,40}?placebo[\s-]controlled"
#: The abstract names its own design as randomised: a design label, or "we conducted a randomised
#: ...", "in this randomised ...", a sentence that opens "In a randomised ... trial". A randomised
#: trial mentioned mid-sentence ("results in a randomised trial") is background, not the design.
DESIGN_LABEL = Pattern("design_label", ("random", "placebo"),
    r"\b(?:DESIGN|STUDY\s+DESIGN|TRIAL\s+DESIGN|TYPE\s+OF\s+STUDY|DESIGN\s+AND\s+SETTING|SETTING\s+AND\s+DESIGN|"
    r"DESIGN,\s+SETTING,?\s+AND\s+PARTICIPANTS|METHODS?|MATERIALS?\s+AND\s+METHODS|PATIENTS\s+AND\s+METHODS|"
    r"SUBJECTS\s+AND\s+METHODS|METHODS\s+AND\s+RESULTS|STUDY\s+DESIGN,\s+SIZE,?\s+DURATION)\s*:\s*"
    rf"(?:[\w-]+[\s,]+){{0,6}}?(?i:randomi[sz]ed|{_BLIND_PLACEBO})", cased=True)
DESIGN_STATEMENT = Pattern("design_statement", ("random", "placebo"),
    r"\b(?:we\s+(?:conducted|performed|carried\s+out|undertook|did|report|designed|initiated|completed)|"
    r"this\s+(?:was|is)|(?:the|our)\s+(?:study|trial)\s+(?:was|is))\s+an?\s+(?:[\w-]+[\s,]+){0,6}?"
    rf"(?:randomi[sz]ed|{_BLIND_PLACEBO})\b"
    r"|\b(?:in|using|by)\s+(?:this|our|the\s+present)\s+(?:[\w-]+[\s,]+){0,6}?randomi[sz]ed\b"
    rf"|(?:^|[.:;]\s+|\n)(?:in|using|by|during)\s+an?\s+(?:[\w-]+[\s,]+){{0,6}}?(?:randomi[sz]ed|{_BLIND_PLACEBO})"
    r"[\s,]+(?:[\w-]+[\s,]+){0,6}?(?:trial|study|design|fashion|manner|order|sequence|crossover|cross-over|"
    r"comparison|experiment)\b"
    r"|randomi[sz]ed[\s,]+(?:[\w():-]+[\s,]+){0,6}?(?:trial|study|design)\s+(?:was|were|has\s+been)\s+"
    r"(?:conducted|performed|undertaken|carried\s+out|done|designed|initiated|completed|used|employed|applied)\b"
    r"|\busing\s+an?\s+(?:[\w-]+[\s,]+){0,6}?randomi[sz]ed[\s,]+(?:[\w-]+[\s,]+){0,6}?design\b")

TITLE_RANDOMISED = Pattern("randomised_words", ("random", "placebo", "sham", "blind", "mask", "controlled"),
    # "non-randomised", "not randomised": a title that denies randomisation does not declare it
    r"(?<!non-)(?<!non\s)(?<!not\s)\brandomi[sz]ed\b|(?<!not\s)\brandomly\b|(?<!non-)(?<!non\s)\brandomi[sz]ation\b|"
    r"\bplacebo[\s-]controlled\b|\bsham[\s-]controlled\b|"
    r"\bdouble[\s-](?:blind|masked)\b|\bcontrolled\s+(?:clinical\s+)?trial\b")
TITLE_RCT = Pattern("rct_acronym", ("rct",), r"\bRCTs?\b", cased=True)

TITLE_SYNTHESIS = Pattern("synthesis_words", ("meta", "review", "pooled"),
    r"\bmeta[\s-]?analy[sz]|\bsystematic(?:ally)?\s+(?:\w+\s+)?review|\bcochrane\s+review|\bpooled\s+analysis\b|"
    r"\b(?:umbrella|scoping|integrative|rapid|evidence)\s+review\b|\breview\s+of\s+(?:the\s+)?(?:literature|"
    r"randomi[sz]ed|controlled|clinical\s+trials|trials|evidence|studies)\b|\bmeta[\s-]?regression\b")
#: Section labels of Cochrane reviews and of structured review abstracts (JAMA, Annals).
ABSTRACT_SYNTHESIS_LABELS = _any(
    "review_section_labels",
    (("search strategy", "search methods"), r"\bSEARCH (?:STRATEGY|METHODS)\s*:"),
    (("selection criteria", "eligibility criteria", "study selection"),
     r"\b(?:SELECTION|ELIGIBILITY) CRITERIA\s*:|\bSTUDY SELECTION\s*:"),
    (("data collection", "data sources", "data extraction", "data synthesis"),
     r"\bDATA (?:COLLECTION\s+AND\s+ANALYSIS|SOURCES|EXTRACTION|SYNTHESIS)\s*:"),
    (("authors", "reviewers"), r"\b(?:AUTHORS|REVIEWERS)'?\s+CONCLUSIONS\s*:"),
    cased=True)
#: A literature search or a pooling of studies: what a review does and a trial report does not.
DATABASES = (r"(?:medline|pubmed|embase|cochrane|central|web\s+of\s+science|scopus|cinahl|psycinfo|lilacs|"
             r"google\s+scholar|clinicaltrials\.gov|(?:electronic|bibliographic|online|literature)\s+databases?|"
             r"the\s+literature|trial\s+registr)")
ABSTRACT_SEARCH = _any(
    "literature_search",
    (("search",), rf"\b(?:we\s+(?:systematically\s+|comprehensively\s+)?searched|(?:were|was)\s+(?:systematically\s+)?"
                  rf"searched|search(?:es)?\s+(?:of|in)|searching)\s+(?:\w+\s+){{0,3}}?{DATABASES}"),
    (("prisma",), r"\bprisma\b"),
    (("studies were", "trials were", "rcts were", "articles were", "studies was", "trials was"),
     r"\b(?:studies|trials|rcts|articles) (?:were|was) (?:included|eligible|identified|selected|retrieved)\b"),
    (("included studies", "included trials", "included rcts", "eligible studies", "eligible trials", "eligible rcts"),
     r"\b(?:included|eligible) (?:studies|trials|rcts)\b"),
    (("random effect", "random-effect"), r"\brandom[ -]effects? (?:model|meta)"),
    (("pooled",), r"\bpooled\s+(?:relative\s+risk|odds\s+ratio|risk\s+ratio|rr|or)\b"))
#: Naming the design is weaker: trial reports cite meta-analyses in their background.
ABSTRACT_SYNTHESIS_NAMED = Pattern("synthesis_named", ("systematic", "meta"),
                                   r"\bsystematic(?:ally)?\s+(?:\w+\s+)?review|\bmeta[\s-]?analy[sz]")

#: "protocol" alone is not enough: IVF trials compare stimulation protocols ("long versus short protocol").
TITLE_PROTOCOL = Pattern("protocol_words", ("protocol", "rationale", "analysis plan", "design"),
    r"\b(?:study|trial|review)\s+protocol\b|\bprotocol\s+(?:for|of)\s+(?:a|an|the)\s+(?:[\w-]+[\s,]+){0,6}?"
    r"(?:trial|study|review)\b|\b(?:design\s+and\s+rationale|rationale\s+and\s+design|rationale,\s+design)\b|"
    r"\bstatistical\s+analysis\s+plan\b|\bdesign\s+of\s+(?:a|the)\s+(?:[\w-]+[\s,]+){0,6}?(?:trial|study)\b")
#: The study or its participants in the future tense: a protocol. "Future research will test ..."
#: is a trial report's conclusion and is left out on purpose.
FUTURE = _any(
    "future_tense",
    (("will", "shall"),
     r"\b(?:will|shall)\s+be\s+(?:\w+\s+)?(?:randomi[sz]ed|allocated|assigned|recruited|enrolled|screened)\b|"
     r"\b(?:will|shall)\s+(?:recruit|enrol+|randomi[sz]e|allocate)\b|"
     r"\b(?:this|the|our)\s+(?:\w+\s+){0,3}?(?:study|trial)\s+will\s+(?:assess|evaluate|compare|investigate|test|"
     r"examine|determine|include|enrol+|recruit|randomi[sz]e)\b|"
     r"\b(?:participants|patients|women|subjects|children|couples)\s+will\s+(?:be\s+(?:\w+\s+)?(?:given|treated|"
     r"followed|asked|invited|offered)|receive|undergo)\b"),
    (("aims", "designed"),
     r"\b(?:this|the|our)\s+(?:\w+\s+){0,3}?(?:study|trial)\s+(?:aims\s+to|is\s+designed\s+to)\s+(?:assess|evaluate|"
     r"compare|investigate|test|examine|determine|include|enrol+|recruit|randomi[sz]e)\b"),
    (("being",), r"\bare\s+being\s+(?:randomi[sz]ed|recruited|enrolled)\b"))

#: An analysis of data a trial (or several) collected, not the report of the randomised comparison.
#: Subgroup analyses are left out: trial reports present their own.
SECONDARY = _any(
    "secondary_analysis",
    (("secondary analys", "hoc analys", "ancillary analys", "exploratory analys", "pooled analys"),
     r"\b(?:secondary|post[ -]?hoc|ancillary|exploratory|pooled) analys[ie]s\s+(?:of|from|using|on)\s+"
     r"(?:(?:the\s+)?data\s+(?:from|of)\s+)?(?:a|an|the|two|three|four|\d+|our|this|these)\s+(?:[\w-]+[\s,]+){0,6}?"
     r"(?:trials?|studies|study|rcts?|cohorts?)\b|"
     r"\b(?:a|this|we\s+(?:performed|conducted|undertook|did)\s+a)\s+(?:secondary|post[ -]?hoc) analysis\b"),
    (("data from", "data of", "data were from", "data were of"),
     r"\bdata (?:were )?(?:from|of)\s+(?:\w+\s+){0,3}?(?:randomi[sz]ed|clinical|controlled)\s+trials?\s+"
                r"(?:\w+\s+){0,4}?(?:were|was)\s+(?:used|analy[sz]ed|included|pooled|combined)\b"),
    (("ancillary",), r"\bancillary\s+study\b"),
    (("participants in", "participant in"),
     r"\bparticipants? in\s+(?:two|three|four|several)\s+(?:\w+\s+)?(?:clinical\s+)?trials\b"),
    (("pooled",), r"\b(?:studies|trials)\s+(?:\w+\s+){0,3}?(?:were|was)\s+pooled\b"))
TITLE_SECONDARY = Pattern("secondary_words", ("analys", "ancillary"),
    r"\b(?:secondary|post[\s-]?hoc|ancillary|exploratory)\s+(?:\w+\s+)?analys[ie]s\b|\bancillary\s+study\b")

CASE_REPORT_TITLE = Pattern("case_report_words", ("case",),
    r"\bcase\s+reports?\b|\bcase\s+series\b|\ba\s+case\s+of\b|\breport\s+of\s+(?:a|an|one|two|three|four|\d+)\s+"
    r"(?:\w+\s+)?cases?\b|\b(?:two|three|four|\d+)\s+cases\s+(?:of|with)\b|\bcase\s+study\b")
CASE_REPORT_ABSTRACT = _any(
    "case_report_statement",
    (("report", "describe", "present", "discuss"),
     r"\bwe\s+(?:report|describe|present|discuss)\s+(?:a|an|the\s+case\s+of|two|three|four|five|\d+)\s+"
     r"(?:[\w-]+\s+){0,3}?(?:cases?|patients?|man|woman|boy|girl|infant|child|neonate)\b"),
    (("case",), r"\bcase\s+(?:report|presentation|description)\s*:|\bthis\s+case\s+(?:report|illustrates|highlights|"
                r"shows)\b"))

#: Words naming non-human subjects, and words naming people; an animal or in-vitro study names the
#: first and none of the second (veterinary trials are not indexed as human RCTs). "Human" is not a
#: word naming people here: laboratory studies use it of cells and tissues ("human neutrophils"),
#: and a trial in people names them (patients, volunteers ...).
ANIMAL_WORDS = frozenset(
    "rat rats mice mouse murine rodent rodents hamster hamsters rabbit rabbits dog dogs canine cat cats feline pig "
    "pigs piglet piglets swine porcine sheep ewe ewes lamb lambs ovine goat goats cattle cow cows heifer heifers "
    "calves bovine horse horses equine monkey monkeys macaque macaques primate primates zebrafish drosophila "
    "chicken chickens broiler broilers hen hens vitro animal animals".split())
HUMAN_WORDS = frozenset(
    "patient patients women woman men volunteer volunteers participant participants children child adult adults "
    "infant infants neonate neonates adolescent adolescents person persons people outpatient outpatients inpatient "
    "inpatients mother mothers pregnancies couples students elderly residents smokers clients "
    "athletes workers".split())

MENDELIAN = Pattern("mendelian", ("mendelian",), r"\bmendelian\s+randomi[sz]ation\b")

TITLE_REVIEW = Pattern("review_words", ("review", "overview", "update", "current", "state", "primer", "perspective",
                                        "lessons", "where", "know"),
    r"\breview\b|\boverview\b|\bupdate\s+on\b|\ban\s+update\b|\bcurrent\s+(?:concepts|status|perspectives|"
    r"knowledge|evidence|understanding)\b|\bstate\s+of\s+the\s+art\b|\ba\s+primer\b|\bperspectives?\s+on\b|"
    r"\blessons\s+(?:learned|from)\b|\bwhere\s+are\s+we\b|\bwhat\s+(?:is|do)\s+we\s+know\b")
ABSTRACT_REVIEW = _any(
    "review_statement",
    (("article", "review", "paper", "chapter", "commentary", "editorial"),
     r"\b(?:this|the\s+present|our)\s+(?:article|review|paper|chapter|commentary|editorial)\s+(?:\w+\s+)?"
     r"(?:reviews|summari[sz]es|discusses|describes|examines|outlines|considers|focuses|highlights|"
     r"provides|presents|addresses)\b|\bin\s+this\s+(?:review|chapter)\b|\b(?:is|are)\s+reviewed\b|"
     r"\bliterature\s+(?:was|is)\s+reviewed\b|\b(?:aim|objective|purpose)s?\s+of\s+this\s+(?:review|article)\b"),
    (("review", "summari", "discuss"), r"\bwe\s+(?:review|summari[sz]e|discuss)\s+(?:the|recent|current|what|how)\b"))
LETTER_TITLE = Pattern("letter_words", ("re:", "reply", "response", "comment", "letter", "erratum", "correction"),
    r"^(?:re\s*:|(?:reply|in\s+reply|response\s+to|comment\s+on|letter|erratum|correction)\b)|"
    r"\b(?:a\s+reply|author'?s?\s+reply|letter\s+to\s+the\s+editor)\b")

OBSERVATIONAL = _any(
    "observational",
    (("cohort", "observational", "case", "chart", "registry", "database"),
     r"\b(?:retrospective|prospective|population[\s-]based|historical|longitudinal|nested)\s+(?:\w+\s+)?"
     r"(?:cohort|observational|case[\s-]control|chart|registry|database)\b"),
    (("cohort", "observational", "sectional", "case", "descriptive", "retrospective"),
     r"\b(?:design|study\s+design|methods?)\s*:\s*(?:an?\s+)?(?:(?:retrospective|prospective|population-based|"
     r"multicent\w+|single-cent\w+|longitudinal|comparative|descriptive|historical|matched|nested)[\s,]+){0,3}"
     r"(?:cohort|observational|cross[\s-]sectional|case[\s-]control(?:led)?|descriptive|retrospective)\b"),
    (("observational", "cohort", "sectional", "case"),
     r"\b(?:this|an?|our)\s+(?:\w+[\s,]+){0,2}?(?:observational|cohort|cross[\s-]sectional|case[\s-]control(?:led)?)"
     r"\s+(?:study|analysis|design)\b|\bcase[\s-]control(?:led)?\s+study\b|\bcross[\s-]sectional\s+(?:study|survey)\b"),
    (("records", "chart", "retrospectively"),
     r"\bmedical\s+records\s+(?:of|were)\b|\bchart\s+review\b|\bwere\s+retrospectively\b|\bretrospectively\s+"
     r"(?:reviewed|analy[sz]ed|studied|evaluated|collected|identified)\b"))
#: Allocation that is not random (Cochrane's quasi-randomised designs), a single group or an
#: extension, and open-label or open pilot studies: read only when nothing says the participants
#: were randomised, so "an open-label, randomised trial" is not one of them.
NON_RANDOMISED = _any(
    "non_randomised",
    (("random",), r"\bnon[\s-]?randomi[sz]ed\b|\bnot\s+randomi[sz]ed\b|\bwithout\s+randomi[sz]ation\b"),
    (("quasi",), r"\bquasi[\s-]?(?:randomi[sz]ed|experimental|random)\b"),
    (("alternat",), r"\bby\s+alternation\b|\balternate(?:ly)?\s+(?:allocat|assign)"),
    (("odd", "even"), r"\b(?:odd|even)[\s-](?:and[\s-](?:odd|even)[\s-])?(?:numbered\s+)?(?:days|dates|numbers)\b"),
    (("historical", "single", "extension", "uncontrolled"),
     r"\bhistorical\s+controls?\b|\bsingle[\s-]arm\b|\bopen[\s-]label\s+extension\b|\buncontrolled\b"),
    (("open-label", "open label", "open study", "open trial", "open pilot", "open phase", "open uncontrolled",
      "open non", "open, "),
     r"\bopen(?:[ -]label)?,? (?:pilot |phase i+ |uncontrolled |non-?comparative )?(?:study|trial)\b|"
     r"\bopen[ -]label (?:[\w-]+ ){0,2}?(?:study|trial)\b"))
QUASI = Pattern("quasi", ("quasi", "alternat", "odd", "even", "birth", "week"),
    r"\bquasi[\s-]?(?:randomi[sz]ed|random)\b|\bby\s+alternation\b|\balternate(?:ly)?\s+(?:allocat|assign)|"
    r"\b(?:odd|even)[\s-](?:and[\s-](?:odd|even)[\s-])?(?:numbered\s+)?(?:days|dates|numbers)\b|"
    r"\bdate\s+of\s+birth\b|\bday\s+of\s+the\s+week\b")

#: The rules, in the order they are tried; the first that fires wins.
RULES: tuple[_Rule, ...] = (
    _Rule("rct.mendelian.v1", "not_report", "other", "text", MENDELIAN),
    _Rule("rct.synthesis_title.v1", "not_report", "meta_analysis", "title", TITLE_SYNTHESIS),
    _Rule("rct.synthesis_structure.v1", "not_report", "systematic_review", "abstract", ABSTRACT_SYNTHESIS_LABELS),
    _Rule("rct.synthesis_search.v1", "not_report", "systematic_review", "abstract", ABSTRACT_SEARCH),
    _Rule("rct.protocol_title.v1", "not_report", "protocol", "title", TITLE_PROTOCOL),
    _Rule("rct.secondary_title.v1", "not_report", "other", "title", TITLE_SECONDARY),
    _Rule("rct.secondary.v1", "not_report", "other", "abstract", SECONDARY),
    _Rule("rct.case_report_title.v1", "not_report", "case_series", "title", CASE_REPORT_TITLE),
    _Rule("rct.letter.v1", "not_report", "other", "title", LETTER_TITLE, needs_no_abstract=True),
    _Rule("rct.animal.v1", "not_report", "other", "text", None),
    _Rule("rct.future_tense.v1", "not_report", "protocol", "abstract", FUTURE, unless_allocated=True),
    _Rule("rct.title_randomised.v1", "randomised", None, "title", TITLE_RANDOMISED),
    _Rule("rct.title_rct.v1", "randomised", None, "title", TITLE_RCT),
    _Rule("rct.synthesis_named.v1", "not_report", "systematic_review", "abstract", ABSTRACT_SYNTHESIS_NAMED,
          unless_allocated=True),
    _Rule("rct.case_report.v1", "not_report", "case_series", "abstract", CASE_REPORT_ABSTRACT, unless_allocated=True),
    _Rule("rct.allocation.v1", "randomised", None, "abstract", ALLOCATION),
    _Rule("rct.design_label.v1", "randomised", None, "abstract", DESIGN_LABEL),
    _Rule("rct.design_statement.v1", "randomised", None, "abstract", DESIGN_STATEMENT),
    # Below this line nothing said the participants were randomised.
    _Rule("rct.review_title.v1", "not_report", "narrative_review", "title", TITLE_REVIEW),
    _Rule("rct.review_abstract.v1", "not_report", "narrative_review", "abstract", ABSTRACT_REVIEW),
    _Rule("rct.non_randomised.v1", "not_report", "other", "text", NON_RANDOMISED),
    _Rule("rct.observational.v1", "not_report", "cohort", "text", OBSERVATIONAL),
)


def allocated(scan: Scan) -> bool:
    """The abstract says the participants were randomised (allocation, design label or statement)."""
    return (scan.found(ALLOCATION, "abstract") or scan.found(DESIGN_LABEL, "abstract")
            or scan.found(DESIGN_STATEMENT, "abstract"))


def animal_only(scan: Scan) -> bool:
    """Animals or cells were studied and no people: the text names no human participants."""
    title_words, abstract_words = scan.tokens("title"), scan.tokens("abstract")
    if ANIMAL_WORDS.isdisjoint(title_words):
        if ANIMAL_WORDS.isdisjoint(abstract_words) or sum(w in ANIMAL_WORDS for w in abstract_words) < 2:
            return False
    return HUMAN_WORDS.isdisjoint(title_words) and HUMAN_WORDS.isdisjoint(abstract_words)


def _design(rule: _Rule, scan: Scan) -> str | None:
    if rule.rule_id == "rct.non_randomised.v1" and scan.found(QUASI, "text"):
        return "quasi_rct"
    if rule.rule_id == "rct.observational.v1":
        text = f"{scan.text('title')}\n{scan.text('abstract')}"
        if re.search(r"\bcase[\s-]control", text):
            return "case_control"
        if re.search(r"\bcross[\s-]sectional", text):
            return "other"
    return rule.design


def judge_scan(scan: Scan) -> RuleVerdict:
    """:func:`judge` on a :class:`models.text_scan.Scan` (shared with the cue features)."""
    for rule in RULES:
        if rule.needs_no_abstract and scan.abstract.strip():
            continue
        if rule.pattern is None:
            if animal_only(scan):
                return RuleVerdict(rule.stratum, rule.rule_id, rule.design)
            continue
        if not scan.found(rule.pattern, rule.where):
            continue
        if rule.unless_allocated and allocated(scan):
            continue
        return RuleVerdict(rule.stratum, rule.rule_id, _design(rule, scan))
    return RuleVerdict("undecided")


def judge(title: str, abstract: str) -> RuleVerdict:
    """The stratum of one record, and the rule that decided it (see the module docstring)."""
    return judge_scan(Scan(title, abstract))
