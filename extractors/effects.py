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
from dataclasses import dataclass, replace
from typing import Iterable, Sequence

from extractors.arms import Arm, ArmMatcher, ArmsHint, comparisons, find_arms
from extractors.binding import assign_without_mentions, order_by_mentions, resolve, split_listed_outcomes
from extractors.numbers import (
    SNUM,
    Count,
    find_counts,
    find_p_values,
    normalise,
)
from extractors.outcomes import OutcomeMatcher, OutcomeMention, default_matcher, find_outcomes
from extractors.ratios import Ratio, find_ratios
from extractors.records import Article, Effect
from extractors.sentences import split_sentences as _sentences

#: Stored with every effect; raise it when extraction rules change what an abstract yields.
EXTRACTOR_VERSION = "effects.v1"

RULE_RATIO = "effect.ratio_ci.v1"
_DIGIT = re.compile(r"\d")
RULE_COMPUTED = "effect.computed_{measure}.v1"
#: The measure computed from counts: config/monitoring.toml's lead measure.
COMPUTED_MEASURE = "RR"

# ----------------------------------------------------------------------------------------------
# Masks: numbers that are not group counts
# ----------------------------------------------------------------------------------------------

_INTERVAL_RE = re.compile(
    rf"(?:\d{{2}}\s?%\s*-?\s*(?:CI|C\.I\.|(?i:confidence\s+intervals?))|(?i:\brange\b|IQR|interquartile\s+range)|\bCI\b)"
    rf"[\s:=,(\[]*(?:of\s+|from\s+|between\s+)?{SNUM}\s*%?\s*(?:-|to|,|;|and)\s*{SNUM}\s*%?"
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


@dataclass(frozen=True, slots=True)
class _Group:
    """A count assigned to an arm, with events and total resolved (or not)."""

    arm: int
    count: Count
    events: int | None
    total: int | None
    how: str  # "printed", "events_from_percent", "totals_from_percent"


@dataclass(frozen=True, slots=True)
class _Finding:
    """The counts of one outcome and comparison in one segment."""

    outcome: OutcomeMention
    treat: _Group
    ctrl: _Group
    start: int
    end: int
    p_value: float | None
    p_operator: str | None
    rule_id: str
    qualifiers: tuple[str, ...]
    sentence: int = 0


def _overlaps(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


# ----------------------------------------------------------------------------------------------
# The orchestrator
# ----------------------------------------------------------------------------------------------


def extract_effects(article: Article, therapy: str | None = None, arms_hint: ArmsHint | None = None,
                    *, matcher: OutcomeMatcher | None = None) -> list[Effect]:
    """Every effect statement of ``article``'s abstract, checked, with its evidence span and rule.

    Parameters
    ----------
    article
        The record; offsets index into ``article.abstract``.
    therapy
        The therapy id the record randomised, when known; its words mark the active arm.
    arms_hint
        The intervention and comparator, when the caller knows them.
    matcher
        Another outcome vocabulary (evaluation on corpora whose outcomes are not ours).
    """
    text = normalise(article.abstract)
    if not _DIGIT.search(text):
        return []
    arms = find_arms(text, therapy, arms_hint)
    pairs = comparisons(arms)
    regex = ArmMatcher(arms, text)
    is_meta = bool(_META_TITLE.search(article.title)) or bool(
        re.search(r"\bmeta-?analys[ie]s\b", text[:400], re.IGNORECASE))
    defined = (matcher or default_matcher()).defined_abbreviations(text)
    findings: list[_Finding] = []
    ratios: list[tuple[Ratio, OutcomeMention | None, tuple[int, int] | None, tuple[str, ...]]] = []
    for s, e in _sentences(text):
        if not _DIGIT.search(text, s, e):
            continue
        _read_sentence(text, s, e, arms, pairs, regex, matcher, defined, is_meta, findings, ratios)
    return _build(article, text, arms, findings, ratios)


def _read_sentence(text, s, e, arms, pairs, regex, matcher, defined, is_meta, findings, ratios) -> None:
    known = _fold_definitions(text, find_outcomes(text, s, e, matcher, defined))
    if not known:
        return  # numbers with no outcome named in their sentence are never bound
    if _TABLE_LIKE.search(text, s, e):
        return  # a flattened table: its columns cannot be told apart from prose
    # An outcome we do not know ("fertilization rate") still ends the previous one's segment.
    barriers = [OutcomeMention("", m.group(0), m.start(), m.end()) for m in _OUTCOME_LIKE.finditer(text, s, e)
                if (m.group(1) or "").lower() not in _NOT_OUTCOME_WORDS
                and not any(o.start < m.end() and m.start() < o.end for o in known)]
    outcomes = sorted(known + barriers, key=lambda o: o.start)
    sentence_ratios = find_ratios(text, s, e)
    p_values = find_p_values(text, s, e)
    masked = [(r.start, r.end) for r in sentence_ratios] + [(p.start, p.end) for p in p_values]
    masked += [(m.start(), m.end()) for m in _INTERVAL_RE.finditer(text, s, e)]
    masked += [(m.start(), m.end()) for m in _DIFFERENCE_RE.finditer(text, s, e)]
    counts = [c for c in find_counts(text, s, e) if not _overlaps(c.start, c.end, masked)
              and not _BASELINE.search(text, max(s, c.start - 12), c.start)]
    qualifiers: tuple[str, ...] = ()
    if is_meta or _POOLED_RE.search(text, s, e):
        qualifiers += ("pooled",)
    if _SUBGROUP_RE.search(text, s, e):
        qualifiers += ("subgroup",)
    mentions = [(m.arm, m.start, m.end) for m in regex.mentions(s, e)]
    for ratio in sentence_ratios:
        outcome = _outcome_for(ratio.start, ratio.end, outcomes, text)
        if outcome is not None and not outcome.outcome:
            outcome = None
        pair = _pair_for_ratio(ratio, mentions, pairs, arms, s)
        q = qualifiers + (("adjusted",) if ratio.adjusted else ())
        ratios.append((ratio, outcome, pair, q, s))
    if not outcomes or len(counts) < 2 or not pairs:
        return
    segments = []
    for i, outcome in enumerate(outcomes):
        seg_start = outcome.start if i else s
        seg_end = outcomes[i + 1].start if i + 1 < len(outcomes) else e
        segments.append((outcome, seg_start, seg_end, [c for c in counts if seg_start <= c.start < seg_end]))
    inherited = None
    for outcome, seg_start, seg_end, units, anchors in split_listed_outcomes(text, segments):
        if not outcome.outcome or len(units) < 2 or len(units) > len(arms):
            continue
        used = _bind_segment(text, s, e, outcome, units, seg_start, seg_end, mentions, len(outcomes) > 1, arms,
                             pairs, p_values, qualifiers, findings, anchors, inherited)
        if used is not None:
            inherited = used


def _bind_segment(text, s, e, outcome, units, seg_start, seg_end, mentions, several, arms, pairs, p_values,
                  qualifiers, findings, anchors=None, inherited=None) -> list[int] | None:
    """Bind one outcome's figures to arms and record the comparison(s) they make.

    ``inherited`` is the order an earlier outcome of the same sentence was bound in by name
    ("56.4% subcutaneous versus 59.0% vaginal), clinical pregnancy (42.6 versus 46.4%)"): a later
    outcome that names no arm follows it. Returns the order used when it came from names.
    """
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
        events, total, how = resolve(unit, arms[arm_index], outcome)
        groups[arm_index] = _Group(arm_index, unit, events, total, how)
    p = next((pv for pv in p_values if pv.start >= units[-1].end and pv.start < seg_end), None)
    span_end = max(u.end for u in units)
    if p is not None:
        span_end = max(span_end, p.end)
    for t, c in pairs:
        if t not in groups or c not in groups:
            continue
        g_t, g_c = groups[t], groups[c]
        if None in (g_t.events, g_t.total, g_c.events, g_c.total):
            continue
        form = units[0].form
        rule = f"effect.counts_{form}{'' if binding == 'named' else '_' + binding}.v1"
        extra = tuple(sorted({g.how for g in (g_t, g_c) if g.how != "printed"}))
        findings.append(_Finding(outcome, g_t, g_c, min(outcome.start, units[0].start), span_end,
                                 p.value if p else None, p.operator if p else None, rule,
                                 qualifiers + extra, s))
    return order if binding == "named" else None


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


def _build(article: Article, text: str, arms: Sequence[Arm], findings: list[_Finding],
           ratios: list) -> list[Effect]:
    from models.effect_checks import check_effect
    from models.effect_sizes import EffectSizeError, effect_from_counts

    effects: list[Effect] = []
    seen: dict[tuple, Effect] = {}
    counts_by_key: dict[tuple, list[_Finding]] = {}
    for f in findings:
        key = (f.outcome.outcome, f.treat.arm, f.ctrl.arm, f.outcome.unit or f.treat.count.unit,
               f.treat.events, f.treat.total, f.ctrl.events, f.ctrl.total)
        if key in seen:
            continue
        computed = None
        try:
            computed = effect_from_counts(COMPUTED_MEASURE, f.treat.events, f.treat.total, f.ctrl.events,
                                          f.ctrl.total)
        except EffectSizeError:
            computed = None
        effect = Effect(
            pmid=article.pmid, outcome=f.outcome.outcome, measure=COMPUTED_MEASURE,
            estimate=computed.estimate if computed else None,
            ci_low=computed.ci_low if computed else None,
            ci_high=computed.ci_high if computed else None,
            p_value=f.p_value, p_operator=f.p_operator,
            treat_events=f.treat.events, treat_total=f.treat.total,
            ctrl_events=f.ctrl.events, ctrl_total=f.ctrl.total,
            treat_arm=arms[f.treat.arm].name, ctrl_arm=arms[f.ctrl.arm].name,
            denominator_unit=_unit(f.outcome.unit or f.treat.count.unit),
            source="computed", evidence_text=article.abstract[f.start:f.end],
            char_start=f.start, char_end=f.end, rule_id=f.rule_id,
            treat_percent=f.treat.count.percent, ctrl_percent=f.ctrl.count.percent,
            qualifiers=f.qualifiers,
        )
        seen[key] = effect
        counts_by_key.setdefault((f.outcome.outcome, f.treat.arm, f.ctrl.arm), []).append(f)
        effects.append(effect)
    for ratio, outcome, pair, qualifiers, sentence in ratios:
        if outcome is None or pair is None:
            continue
        if ratio.ci_level is not None and abs(ratio.ci_level - 95.0) > 1e-9:
            low = high = None
            qualifiers = qualifiers + (f"ci{int(ratio.ci_level)}",)
        else:
            low, high = ratio.ci_low, ratio.ci_high
        # Counts join a printed ratio only from its own sentence: elsewhere they may be another
        # analysis (per protocol, a subgroup) of the same outcome.
        matched = [f for f in counts_by_key.get((outcome.outcome, pair[0], pair[1]), []) if f.sentence == sentence]
        counts = matched[0] if len({(f.treat.events, f.treat.total, f.ctrl.events, f.ctrl.total)
                                    for f in matched}) == 1 else None
        effects.append(Effect(
            pmid=article.pmid, outcome=outcome.outcome, measure=ratio.measure, estimate=ratio.estimate,
            ci_low=low, ci_high=high, p_value=ratio.p_value, p_operator=ratio.p_operator,
            treat_events=counts.treat.events if counts else None,
            treat_total=counts.treat.total if counts else None,
            ctrl_events=counts.ctrl.events if counts else None,
            ctrl_total=counts.ctrl.total if counts else None,
            treat_arm=arms[pair[0]].name if pair[0] is not None else None,
            ctrl_arm=arms[pair[1]].name if pair[1] is not None else None,
            denominator_unit=_unit(outcome.unit or (counts.treat.count.unit if counts else None)),
            source="reported",
            evidence_text=article.abstract[ratio.start:ratio.end], char_start=ratio.start,
            char_end=ratio.end, rule_id=RULE_RATIO,
            treat_percent=counts.treat.count.percent if counts else None,
            ctrl_percent=counts.ctrl.count.percent if counts else None,
            qualifiers=tuple(dict.fromkeys(qualifiers)),
        ))
    return [replace(e, check_failures=check_effect(e)) for e in effects]


def _unit(unit: str | None) -> str | None:
    return unit if unit in ("woman", "cycle", "transfer", "embryo") else None


def preferred_effects(effects: Iterable[Effect]) -> list[Effect]:
    """One effect per paper, outcome and comparison: the one pooling should read.

    Counts (a ``computed`` row) come first, since any measure can be computed from them; then a
    reported, unadjusted ratio with a 95% interval; then an adjusted one. Rows that failed their
    checks, pooled (meta-analysis) rows and subgroup rows are never chosen.
    """
    effects = list(effects)
    # A row whose unit was not printed belongs with the comparison's one printed unit, if any.
    units: dict[tuple, set[str]] = {}
    for e in effects:
        if e.denominator_unit:
            units.setdefault((e.pmid, e.outcome, e.treat_arm, e.ctrl_arm), set()).add(e.denominator_unit)
    best: dict[tuple, tuple[int, Effect]] = {}
    for e in effects:
        if e.check_failures or "pooled" in e.qualifiers or "subgroup" in e.qualifiers:
            continue
        if e.source == "computed" and e.has_counts:
            rank = 0
        elif e.source == "reported" and e.ci_low is not None and "adjusted" not in e.qualifiers:
            rank = 1
        elif e.source == "reported" and e.ci_low is not None:
            rank = 2
        else:
            continue
        unit = e.denominator_unit
        known = units.get((e.pmid, e.outcome, e.treat_arm, e.ctrl_arm), set())
        if unit is None and len(known) == 1:
            unit = next(iter(known))
        key = (e.pmid, e.outcome, e.treat_arm, e.ctrl_arm, unit)
        if key not in best or rank < best[key][0]:
            best[key] = (rank, e)
    return [e for _, e in best.values()]
