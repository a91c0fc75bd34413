"""Find effect statements in an abstract and bind each to its outcome and arms.

For every sentence that names an outcome and holds a digit, the extractor reads ratios with
intervals (``extractors.ratios``), per-group counts, percentages and p-values
(``extractors.numbers``); outcome mentions (``extractors.outcomes``) split the sentence into
segments, and the figures of a segment belong to its outcome ("fertilization rate" and other
outcomes we do not pool still end a segment). ``extractors.binding`` decides which figure is
whose arm (``extractors.arms``), accepting only what the text proves. Sentences with no outcome
named, flattened tables, interval bounds, differences and baseline figures are not read.

What is returned, per outcome and comparison (one active arm against the preferred control):

* ``source="computed"``: the per-arm counts with the lead measure (RR) and its 95% Wald interval
  computed by ``models.effect_sizes`` (0.5 added only when a cell is zero; no ratio when neither
  arm has an event). At most one per outcome, comparison and denominator unit; repeats of the same
  counts in the abstract are folded into the first.
* ``source="reported"``: each ratio (RR, OR, HR) or risk difference as printed, with its 95%
  interval and p-value (an interval at another level is not stored; the qualifier ``ci90`` says
  so). When counts for the same outcome and comparison stand in the same sentence, the reported
  row carries them too, so the check that the printed ratio agrees with the counts runs on it.
  A ratio whose abstract names no comparator at all keeps ``ctrl_arm=None``.

Qualifiers label what an estimate is: ``pooled`` (a meta-analysis' summary: extracted, never to
be pooled again), ``adjusted``, ``subgroup``, ``events_from_percent``/``totals_from_percent``.

So a paper with counts and a printed ratio gives two rows for one comparison. They describe the
same women: pooling must take one of them, never both. :func:`preferred_effects` makes that choice
(counts first, since any measure can be computed from them; then an unadjusted reported ratio
with an interval; never a failing, pooled or subgroup row) and is what a pooling step should
read. In the warehouse ``effects`` view the key is paper, outcome, comparison *and* source.

Every effect is checked by ``models.effect_checks.check_effect`` before it is returned; one that
fails keeps its reasons in ``check_failures`` and is returned anyway, for triage.

Examples
--------
>>> from extractors.records import Article
>>> art = Article("1", "t", "117 women were randomized to EST (n = 66) or no scratch (n = 51). "
...               "The live birth rate was 39.4% (26/66) in the EST group and 23.5% (12/51) in the "
...               "no scratch group (RR 1.67, 95% CI 0.94-2.98).")
>>> [(e.source, e.outcome, e.measure, round(e.estimate, 2), e.treat_events, e.treat_total, e.ctrl_events,
...   e.ctrl_total) for e in extract_effects(art)]
[('computed', 'live_birth', 'RR', 1.67, 26, 66, 12, 51), ('reported', 'live_birth', 'RR', 1.67, 26, 66, 12, 51)]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Sequence

from extractors.arms import Arm, ArmMatcher, ArmsHint, comparisons, find_arms
from extractors.among_counts import find_among_counts
from extractors.bare_counts import find_bare_counts, find_lead_counts, sizes_unambiguous
from extractors.binding import (
    assign_without_mentions,
    names_other_total,
    order_by_comparative,
    order_across_than,
    order_by_mentions,
    resolve,
    split_listed_outcomes,
)
from extractors.effect_rows import (  # noqa: F401  (preferred_effects is part of this module's API)
    COMPUTED_MEASURE,
    RULE_RATIO,
    Finding,
    Group,
    RatioStatement,
    build_effects,
    preferred_effects,
)
from extractors.numbers import SNUM, WORD_INT, find_counts, normalise
from extractors.p_values import find_p_values
from extractors.outcomes import OutcomeMatcher, OutcomeMention, default_matcher, find_outcomes
from extractors.ratios import Ratio, find_ratios
from extractors.records import Article, Effect
from extractors.sentences import split_sentences as _sentences
from extractors.split_counts import RULE_SPLIT, split_events, split_totals
from extractors.table_counts import find_tables, read_table

#: Stored with every effect; raise it when extraction rules change what an abstract yields.
EXTRACTOR_VERSION = "effects.v2"

_DIGIT = re.compile(r"\d")
#: "Fourteen and seven live births ...": bare counts in words, read when the arms' sizes are known.
_WORD_NUMBER = re.compile(WORD_INT)
RULE_COMPUTED = "effect.computed_{measure}.v1"

# ----------------------------------------------------------------------------------------------
# Masks: numbers that are not group counts
# ----------------------------------------------------------------------------------------------

_INTERVAL_RE = re.compile(
    rf"(?:\d{{2}}\s?%\s*-?\s*(?:CI|C\.I\.|(?i:confidence\s+intervals?))|(?i:\brange\b|IQR|interquartile\s+range)|\bCI\b)"
    rf"[\s:=,(\[]*(?:(?:of|from|between|at|was|were|is|are)\s+)?{SNUM}\s*%?\s*(?:-|to|,|;|and)\s*{SNUM}\s*%?"
)
#: A percentage that is a difference, not a group's rate ("an absolute difference of 12%").
_DIFFERENCE_RE = re.compile(
    rf"(?i:difference|reduction|increase|decrease)\s+(?:\w+\s+){{0,2}}?(?:of|was|=|:)?\s*{SNUM}\s*%"
    rf"|{SNUM}\s*%\s*(?:\(\s*)?(?i:absolute|relative|points?|percentage\s+points?|higher|lower|more|less|"
    rf"reduction|increase|decrease|difference|improvement)")
_SUBGROUP_RE = re.compile(
    r"\b(?:subgroups?|sub-group|subset|stratified|aged|older than|younger than|over the age|under the age|"
    r"per-protocol|per protocol)\b", re.IGNORECASE)
_POOLED_RE = re.compile(r"\b(?:pooled|meta-?analys[ie]s|(?:\d+|two|three|four|five|six|seven|eight|nine|ten)\s+"
                        r"(?:RCTs|trials|studies))\b", re.IGNORECASE)
_META_TITLE = re.compile(r"meta-?analys|systematic\s+review|pooled\s+analysis", re.IGNORECASE)
#: Runs of spaces that only a flattened table leaves (PubMed abstracts have none).
_TABLE_LIKE = re.compile(r" {3,}\S+ {3,}\S+ {3,}")
#: Figures after these words are shares of some whole ("accounted for 25/53 of discontinuations").
_SHARE_OF = re.compile(r"\baccount(?:ed|ing|s)?\s+for\b", re.IGNORECASE)
#: Words that make the outcome named after them a cause ("stopped because of side effects").
_CAUSE_BEFORE = re.compile(r"\b(?:because\s+of|due\s+to|owing\s+to|secondary\s+to)\s+(?:the\s+|an?\s+|any\s+)?$",
                           re.IGNORECASE)
#: Words that open a new clause between figures and the outcome named after them.
_NEW_CLAUSE = re.compile(r"\bas\s+(?:was|were|did|is|are)\b|\bwhereas\b|\bwhile\b|\bbut\b|\balthough\b|;",
                         re.IGNORECASE)
#: A noun phrase that names some outcome: "fertilization rate", "incidence of OHSS".
_OUTCOME_LIKE = re.compile(r"\b([A-Za-z][\w-]*)\s+rates?\b(?!\s+ratio)|\b(incidence|proportion|percentage)s?\s+of\b")
#: Words before "rate" that do not name an outcome ("the rates were ...").
_NOT_OUTCOME_WORDS = frozenset("""
the these those their its both all overall similar higher lower comparable respective corresponding
mean median crude adjusted and or of in with a an was were by at event
""".split())
#: Counts that describe a mean or a baseline, not an outcome ("mean age 32.1 vs 33.4").
_BASELINE = re.compile(r"\b(?:mean|median|age|BMI|body mass|baseline|duration|years?|days?|weeks?|"
                       r"IU|mg|ml|mL|hours?)\s*$", re.IGNORECASE)


def _overlaps(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


def _arm_text(text: str, tables: Sequence) -> str:
    """The text arms are looked for in: prose, and of each table only its header cells, each set
    apart as a clause (offsets kept). Body cells name no arm, and "Characteristic | G-CSF" is no name."""
    if not tables:
        return text
    chars = list(text)
    for t in tables:
        for i in range(t.start, t.end):
            if chars[i] != "\n":
                chars[i] = " "
        for c in t.header:
            chars[c.start:c.end] = text[c.start:c.end]
            if c.start > t.start and c.end > c.start:
                chars[c.start - 1] = ";"
    return "".join(chars)


# ----------------------------------------------------------------------------------------------
# The orchestrator
# ----------------------------------------------------------------------------------------------


@dataclass
class _Reading:
    """What every sentence and table of one abstract is read against, and what was found."""

    text: str
    arms: list[Arm]
    pairs: list[tuple[int, int]]        # each active arm against the preferred comparator
    all_pairs: list[tuple[int, int]]    # ... and against every other comparator too
    regex: ArmMatcher
    matcher: OutcomeMatcher | None
    defined: dict[str, str]
    is_meta: bool
    sizes_known: bool = False          # each arm has one size: bare event counts may be read
    split: bool = False                # each arm's total was split out of the women: split events may be read
    findings: list[Finding] = field(default_factory=list)
    ratios: list[RatioStatement] = field(default_factory=list)


def extract_effects(article: Article, therapy: str | None = None, arms_hint: ArmsHint | None = None,
                    *, matcher: OutcomeMatcher | None = None) -> list[Effect]:
    """Every effect statement of ``article``'s abstract, checked, with its evidence span and rule.

    Prose is read sentence by sentence; results tables in the text (pipe tables, flattened rows:
    ``extractors.tables``) are read row by row (``extractors.table_counts``).

    Parameters
    ----------
    article
        The record; offsets index into ``article.abstract``.
    therapy
        The therapy id the record randomised, when known; its words mark the active arm.
    arms_hint
        The intervention and comparator, when the caller knows them. When both are found among
        the arms, only their comparison is read.
    matcher
        Another outcome vocabulary (evaluation on corpora whose outcomes are not ours).
    """
    text = normalise(article.abstract)
    outcomes = matcher or default_matcher()
    if not _DIGIT.search(text) or not outcomes.might_mention(text):
        return []  # numbers are bound to a named outcome only (prose and table rows alike)
    tables = find_tables(text)
    spans = [(t.start, t.end) for t in tables]
    arms = find_arms(_arm_text(text, tables), therapy, arms_hint)
    is_meta = bool(_META_TITLE.search(article.title)) or bool(
        re.search(r"\bmeta-?analys[ie]s\b", text[:400], re.IGNORECASE))
    # "134 women (74 in the scratch group and 60 in the control group)": the arms' sizes
    totals = split_totals(text, arms, ArmMatcher(arms, text)) if len(arms) >= 2 and "(" in text else {}
    arms = [replace(a, size=totals[i]) if i in totals else a for i, a in enumerate(arms)]
    r = _Reading(text, arms, comparisons(arms), comparisons(arms, every_control=True), ArmMatcher(arms, text),
                 matcher, outcomes.defined_abbreviations(text), is_meta,
                 sizes_unambiguous(text, [a.size for a in arms]), bool(totals))
    for s, e in _sentences(text):
        if (_DIGIT.search(text, s, e) or r.sizes_known and _WORD_NUMBER.search(text, s, e)) \
                and not _overlaps(s, e, spans):
            _read_sentence(r, s, e)
    for table in tables:
        r.findings += read_table(table, text, arms, r.regex, r.all_pairs, matcher, r.defined,
                                 ("pooled",) if is_meta else ())
    return build_effects(article, arms, r.findings, r.ratios)


def _read_sentence(r: _Reading, s: int, e: int) -> None:
    text = r.text
    known = _fold_definitions(text, find_outcomes(text, s, e, r.matcher, r.defined))
    # "treatment was stopped because of side effects": a cause, not the outcome counted
    causes = [o for o in known if _CAUSE_BEFORE.search(text, max(s, o.start - 20), o.start)]
    known = [o for o in known if o not in causes]
    if not known:
        return  # numbers with no outcome named in their sentence are never bound
    if _TABLE_LIKE.search(text, s, e):
        return  # a flattened table: its columns cannot be told apart from prose
    # An outcome we do not know ("fertilization rate") still ends the previous one's segment.
    barriers = [OutcomeMention("", m.group(0), m.start(), m.end()) for m in _OUTCOME_LIKE.finditer(text, s, e)
                if (m.group(1) or "").lower() not in _NOT_OUTCOME_WORDS
                and not any(o.start < m.end() and m.start() < o.end for o in known)]
    barriers += [OutcomeMention("", o.text, o.start, o.end) for o in causes]
    # "18 clinical pregnancies among 50 women ... versus 10 clinical pregnancies among 50": one outcome
    among, folded = find_among_counts(text, s, e, known)
    known = [o for o in known if o not in folded]
    outcomes = sorted(known + barriers, key=lambda o: o.start)
    sentence_ratios = find_ratios(text, s, e)
    p_values = find_p_values(text, s, e)
    masked = [(x.start, x.end) for x in sentence_ratios] + [(p.start, p.end) for p in p_values]
    masked += [(m.start(), m.end()) for m in _INTERVAL_RE.finditer(text, s, e)]
    masked += [(m.start(), m.end()) for m in _DIFFERENCE_RE.finditer(text, s, e)]
    # "adverse events accounted for 25/53 (47.2%) of discontinuations": shares of a whole, not rates
    masked += [(m.end(), text.find(";", m.end(), e) if ";" in text[m.end():e] else e)
               for m in _SHARE_OF.finditer(text, s, e)]
    counts = [c for c in find_counts(text, s, e) if not _overlaps(c.start, c.end, masked)
              and not _BASELINE.search(text, max(s, c.start - 12), c.start)]
    if among:
        counts = [c for c in counts if not _overlaps(c.start, c.end, [(a.start, a.end) for a in among])] + among
    counts = sorted((c for c in counts if not names_other_total(text, c)), key=lambda c: c.start)
    if counts:
        # "Of the 60 women who received G-CSF, 21 had a CP, compared with 11 of 58 controls"
        counts = sorted(counts + find_lead_counts(text, s, e, known), key=lambda c: c.start)
    qualifiers: tuple[str, ...] = ()
    if r.is_meta or _POOLED_RE.search(text, s, e):
        qualifiers += ("pooled",)
    if _SUBGROUP_RE.search(text, s, e):
        qualifiers += ("subgroup",)
    if r.split:
        _read_split_events(r, s, e, known, p_values, qualifiers)
    mentions = [(m.arm, m.start, m.end) for m in r.regex.mentions(s, e)]
    for ratio in sentence_ratios:
        outcome = _outcome_for(ratio.start, ratio.end, outcomes, text)
        if outcome is not None and not outcome.outcome:
            outcome = None
        pair = _pair_for_ratio(ratio, mentions, r.pairs, r.arms, s)
        q = qualifiers + (("adjusted",) if ratio.adjusted else ())
        r.ratios.append(RatioStatement(ratio, outcome, pair, q, s))
    if not counts and r.sizes_known and r.pairs and len(outcomes) == 1 and not qualifiers:
        # "There were 12 clinical pregnancies in the G-CSF group and 6 in the placebo group"
        units = find_bare_counts(text, s, e, outcomes[0])
        if len(units) == 2:
            _bind_segment(r, s, outcomes[0], units, s, e, mentions, False, p_values, qualifiers)
        return
    if not outcomes or len(counts) < 2 or not r.pairs:
        return
    segments = []
    for i, outcome in enumerate(outcomes):
        seg_start = outcome.start if i else s
        seg_end = outcomes[i + 1].start if i + 1 < len(outcomes) else e
        units = [c for c in counts if seg_start <= c.start < seg_end]
        if not i and units and units[0].start < outcome.start and _NEW_CLAUSE.search(
                text, max(c.end for c in units if c.start < outcome.start), outcome.start):
            # "X was similar, 10.5% (42/402) vs 10.6% (41/388), as was the severity of Y": the
            # figures before the first outcome named belong to another clause's subject.
            units = [c for c in units if c.start > outcome.start]
        segments.append((outcome, seg_start, seg_end, units))
    inherited = None
    for outcome, seg_start, seg_end, units, anchors in split_listed_outcomes(text, segments):
        if not outcome.outcome or len(units) < 2 or len(units) > len(r.arms):
            continue
        used = _bind_segment(r, s, outcome, units, seg_start, seg_end, mentions, len(outcomes) > 1,
                             p_values, qualifiers, anchors, inherited)
        if used is not None:
            inherited = used


def _bind_segment(r: _Reading, s, outcome, units, seg_start, seg_end, mentions, several, p_values,
                  qualifiers, anchors=None, inherited=None) -> list[int] | None:
    """Bind one outcome's figures to arms and record the comparison(s) they make.

    ``inherited`` is the order an earlier outcome of the same sentence was bound in by name
    ("56.4% subcutaneous versus 59.0% vaginal), clinical pregnancy (42.6 versus 46.4%)"): a later
    outcome that names no arm follows it. Returns the order used when it came from names.
    """
    text, arms, pairs = r.text, r.arms, r.pairs
    seg_mentions = [m for m in mentions if seg_start <= m[1] < seg_end]
    if anchors is not None:
        # arm-by-arm lists: the arms named after each run decide, and only they may
        order = order_by_mentions(anchors, seg_mentions, text, arms, shared=True) if seg_mentions else None
        if order is None:
            return None
        seg_mentions = []
    else:
        order = order_by_mentions(units, seg_mentions, text, arms) if seg_mentions else None
    binding = "named"
    if order is None and anchors is None:
        order = order_across_than(units, mentions, text)
    if order is None and anchors is None and len(pairs) == 1:
        order = order_by_comparative(units, mentions, text, s, arms, pairs[0], outcome)
    if order is None and not seg_mentions and anchors is None:
        outside = [m for m in mentions if not (seg_start <= m[1] < seg_end)]
        if inherited is not None and len(inherited) == len(units):
            order = list(inherited)
        if order is None and outside and several:
            order = order_by_mentions(units, outside, text, arms, shared=True)
        if order is None and not mentions and len(pairs) == 1 and len(arms) == 2:
            decided = assign_without_mentions(units, arms, pairs[0], outcome)
            if decided is not None:
                order, binding = decided
    if order is None:
        return None
    groups = {}
    for unit, arm_index in zip(units, order):
        events, total, how = resolve(unit, arms[arm_index], outcome, whole_ok="subgroup" not in qualifiers)
        groups[arm_index] = Group(arm_index, unit, events, total, how)
    p = next((pv for pv in p_values if pv.start >= units[-1].end and pv.start < seg_end), None)
    span_end = max(u.end for u in units)
    if units[0].form == "bare":
        span_end = max(span_end, outcome.end)  # "21 ... and 11 ... achieved a clinical pregnancy": the outcome last
    if p is not None:
        span_end = max(span_end, p.end)
    for t, c in r.all_pairs:
        if t not in groups or c not in groups:
            continue
        g_t, g_c = groups[t], groups[c]
        if None in (g_t.events, g_t.total, g_c.events, g_c.total):
            continue
        form = units[0].form
        rule = f"effect.counts_{form}{'' if binding == 'named' else '_' + binding}.v1"
        extra = tuple(sorted({g.how for g in (g_t, g_c) if g.how != "printed"}))
        r.findings.append(Finding(outcome, g_t, g_c, min(outcome.start, units[0].start), span_end,
                                  p.value if p else None, p.operator if p else None, rule,
                                  qualifiers + extra, s))
    return order if binding == "named" else None


def _read_split_events(r: _Reading, s: int, e: int, known, p_values, qualifiers) -> None:
    """"54 live births (32 in the scratch group and 22 in the control group)": each arm's events,
    its total the arm's share of the women split the same way (``extractors.split_counts``)."""
    for outcome, parts, start, end in split_events(r.text, s, e, known, r.regex):
        groups = {p.arm: Group(p.arm, p.count, p.count.events, r.arms[p.arm].size, "totals_from_size")
                  for p in parts if r.arms[p.arm].size is not None}
        p = next((pv for pv in p_values if end <= pv.start <= end + 3), None)
        for t, c in r.all_pairs:
            if t in groups and c in groups:
                r.findings.append(Finding(outcome, groups[t], groups[c], start, p.end if p else end,
                                          p.value if p else None, p.operator if p else None, RULE_SPLIT,
                                          qualifiers + ("totals_from_size",), s))


def _fold_definitions(text: str, mentions: list[OutcomeMention]) -> list[OutcomeMention]:
    """"implantation rate (IR)" is one mention, not two."""
    folded: list[OutcomeMention] = []
    for m in mentions:
        if folded and folded[-1].outcome == m.outcome and re.fullmatch(r"\s*[(\[]", text[folded[-1].end:m.start]) \
                and text[m.end:m.end + 1] in ")]":
            last = folded[-1]
            folded[-1] = OutcomeMention(last.outcome, text[last.start:m.end + 1], last.start, m.end + 1, last.unit)
            continue
        folded.append(m)
    return folded


def _outcome_for(start: int, end: int, outcomes: list[OutcomeMention], text: str) -> OutcomeMention | None:
    """The outcome a ratio speaks of: the last one named before it, else one named right after."""
    before = [o for o in outcomes if o.end <= start + 1 or start <= o.start < end]
    inside = [o for o in outcomes if start <= o.start < end]
    if inside:
        return inside[0]
    if before:
        return before[-1]
    after = [o for o in outcomes if o.start >= end and re.fullmatch(r"[\s,;)]*(?:for|of|on|in)\s+(?:the\s+)?",
                                                                     text[end:o.start])]
    return after[0] if after else None


def _pair_for_ratio(ratio: Ratio, mentions, pairs, arms, s) -> tuple[int | None, int | None] | None:
    """The comparison a printed ratio speaks of: the only one, or the one whose active arm the
    sentence names. With no comparator found at all (a meta-analysis' "G-CSF improved the CPR
    (RR ...)"), the only active arm against an unnamed comparator (``None``)."""
    if len(pairs) == 1:
        return pairs[0]
    if not pairs:
        active = [i for i, a in enumerate(arms) if a.role == "treatment"]
        if not any(a.role == "control" for a in arms) and len(active) <= 1:
            return (active[0] if active else None, None)
        return None
    named = {m[0] for m in mentions if m[1] < ratio.start}
    chosen = [p for p in pairs if p[0] in named]
    return chosen[0] if len(chosen) == 1 else None


