"""Which figure belongs to which arm, and which outcome: the rules a careful reader applies.

Figures are bound to arms only where the text proves it: arms named together, in order ("in the
G-CSF and control groups, respectively"); an arm named right beside a figure ("13/71 in the G-CSF
group"), never across "than" or "compared with"; or, with no arm named, the arms' printed sizes
(totals equal to them, or percentages only they can give). "Compared with controls, the G-CSF
group had ... (40% vs 25%)" puts the subject's figure first. A percentage becomes a count only
when its rounding proves exactly one count for the arm's size (``extractors.numbers``).
"""

from __future__ import annotations

import re
from typing import Sequence

from extractors.arms import Arm
from extractors.numbers import Count, events_from_percent, percent_matches, sizes_from_percent
from extractors.outcomes import OutcomeMention

_COMPARED_WITH = re.compile(r"(?:compared\s+(?:with|to)|in\s+comparison\s+(?:with|to)|relative\s+to|versus|vs\.?|than)"
                            r"\s+(?:(?:the|those|women|patients)\s+)*(?:in\s+(?:the\s+)?)?$", re.IGNORECASE)
#: What may stand between a figure and the arm named after it ("13/71 in the G-CSF group").
_AFTER_GAP = re.compile(
    r"[\s,:)\]]*(?:(?:in|with|for|among|of|after|from|on|by|receiving|received|given|treated|allocated|"
    r"assigned|randomi[sz]ed|to|the|those|women|patients|participants|subjects|cases|who|were|was|group|"
    r"arm|cohort)\b[\s,:)\]]*){0,6}", re.IGNORECASE)
#: What may stand between an arm's name and its figure ("the G-CSF group (13/71)", "controls: 10/71").
_BEFORE_GAP = re.compile(
    r"[\s,;:(\[]*(?:(?:groups?|arms?|cohort|patients|women|participants|subjects|was|were|had|of|the|"
    r"n\s?=\s?\d+)\b[\s,;:(\[]*){0,4}", re.IGNORECASE)
#: Between outcomes listed together ("The CPR and LBR", "CPR, OPR and LBR").
_LIST_GAP = re.compile(r"\s*(?:,|and|or|&)?\s*(?:,|and|or)?\s*(?:the\s+)?")
#: Between the two figures of one outcome in a list of pairs ("48.0% vs 30.0%").
_PAIR_GAP = re.compile(r"[\s)\]]*(?:vs\.?|versus|v\.?|compared\s+(?:with|to))[\s(\[]*", re.IGNORECASE)
_GAP_DIGIT = re.compile(r"\d")
#: A p-value or a group's size between names and figures: "(n = 44)", and the size closing a group's
#: definition, "group I (G-CSF, n = 50)".
_P_IN_GAP = re.compile(r"[Pp]\s*(?:[<>=\u2264\u2265]|<=|>=)\s*0?\.\d+|[(\[,;]\s*[nN]\s?=\s?\d+\s*[)\]]")
RESPECTIVELY = re.compile(r"\brespectively\b", re.IGNORECASE)


def _close(text: str, spans: list[tuple[int, int]], limit: int) -> bool:
    """Consecutive spans separated by at most ``limit`` characters holding no figure but a p-value
    or a group size ("the G-CSF group (n = 44) than controls")."""
    for (_, end), (start, _) in zip(spans, spans[1:]):
        gap = _P_IN_GAP.sub("", text[end:start])
        if len(gap) > limit or _GAP_DIGIT.search(gap):
            return False
    return True


def _compared_first(text: str, named: list[tuple[int, int, int]], units: list[Count]) -> bool:
    """"Compared with controls, the G-CSF group had a higher CPR (40% vs 25%)": the figures follow
    the subject, which is named second."""
    first, second = named
    lead_in = text[max(0, first[1] - 40):first[1]]
    return bool(re.search(r"(?:compared|comparison|relative)\s+(?:with|to)\s+(?:the\s+)?$", lead_in, re.IGNORECASE)
                and not _COMPARED_WITH.search(text, max(0, second[1] - 40), second[1])
                and not re.search(r"\bthan\b", text[second[2]:units[0].start]))


def _against_than(text: str, named: list[tuple[int, int, int]], units: list[Count]) -> bool:
    """"higher in group I than in group II (20.0% vs 36.0%)": the figures, read in the names' order,
    say the opposite of the comparative the names stand in. Then they are in another order, or of
    something else, and which is whose is not known. One comparative word only ("higher ... and
    fewer miscarriages" says nothing clear)."""
    first, second = named
    if not re.search(r"\bthan\b", text[first[2]:second[1]], re.IGNORECASE):
        return False
    lead = text[max(0, first[1] - 60):second[1]]
    higher, lower = len(_HIGHER.findall(lead)), len(_LOWER.findall(lead))
    rates = [u.events / u.total if u.events is not None and u.total else u.percent for u in units]
    if higher + lower != 1 or None in rates or rates[0] == rates[1]:
        return False
    return (rates[0] > rates[1]) != bool(higher)


def order_by_mentions(units: list[Count], mentions: list[tuple[int, int, int]], text: str,
                       arms: Sequence[Arm], shared: bool = False) -> list[int] | None:
    """Arm index per unit from the arms named around them, or ``None`` when it is not clear.

    ``shared``: the names are the sentence's, said once for several outcomes' figures, so other
    figures may stand between them and these.
    """
    # Collapse repeats of the same arm next to each other ("the G-CSF group ... G-CSF").
    distinct: list[tuple[int, int, int]] = []
    for m in mentions:
        if distinct and distinct[-1][0] == m[0]:
            continue
        distinct.append(m)
    k = len(units)
    # "between Prolutex and Endometrin (41.6 versus 44.4%)", "40% and 20% in the G-CSF and
    # control groups, respectively": as many arms named together as there are figures, in order.
    before = [m for m in distinct if m[2] <= units[0].start][-k:]
    after = [m for m in distinct if m[1] >= units[-1].end][:k]
    # Named together means close together: "in the G-CSF and control groups", "with G-CSF than
    # with placebo (...)"; a name far past the figures ("... in favour of budesonide") is not a list.
    first = [] if shared else [(units[0].start, units[0].end)]
    last = [] if shared else [(units[-1].start, units[-1].end)]
    by_before = [m[0] for m in before] if len({m[0] for m in before}) == k and _close(
        text, [(m[1], m[2]) for m in before] + first, 90) else None
    by_after = [m[0] for m in after] if len({m[0] for m in after}) == k and _close(
        text, last + [(m[1], m[2]) for m in after], 60) else None
    if by_before and by_after and by_before != by_after:
        # "respectively" after the figures points at the names that follow them
        if RESPECTIVELY.search(text, units[-1].end, units[-1].end + 150):
            by_before = None
        else:
            return None
    if by_before:
        if k == 2 and _compared_first(text, before, units):
            return [by_before[1], by_before[0]]
        if k == 2 and _against_than(text, before, units):
            return None
        return by_before
    if by_after:
        return by_after
    # Otherwise each figure takes the arm named right beside it: "13/71 in the G-CSF group",
    # "the control group: 10/71". A name further off, or across "than"/"compared with", is not
    # taken: that is where readers (and rules) swap arms.
    assigned: list[int | None] = [None] * k
    # Every mention counts here, not only the first of a run: "in both study groups -- 10.5% (42/402)
    # in the progesterone group" names the arm right after the figure.
    afters = [[m for m in mentions if m[1] >= unit.end and _AFTER_GAP.fullmatch(text, unit.end, m[1])]
              for unit in units]
    # "... less likely to carry gametocytes than those receiving CQ/SP (30/378 vs 42/86)": the arm
    # after "than" is the second figure's, never the first's. Named between the two figures ("a
    # higher CPR (45.0%) than the placebo group (25.9%)") it is the second figure's own name.
    befores = [[m for m in mentions if m[2] <= unit.start and _BEFORE_GAP.fullmatch(text, m[2], unit.start)
                and (i > 0 and m[1] >= units[i - 1].end
                     or not _OBJECT_OF_COMPARISON.search(text, max(0, m[1] - 50), m[1]))]
               for i, unit in enumerate(units)]
    # "51.6% (32/62) after hCG, 44.9% (22/49) after saline and 26% (13/50) in controls": when every
    # figure has its own name after it, the sentence names after its figures, and "hCG" does not
    # also stand before the next one.
    for side, pick in ((afters, 0), (befores, -1)):
        if all(side) and len({names[pick][0] for names in side}) == k:
            return [names[pick][0] for names in side]
    for i, unit in enumerate(units):
        after, before = afters[i], befores[i]
        # the nearer name wins when one stands on each side
        if after and (not before or after[0][1] - unit.end <= unit.start - before[-1][2]):
            assigned[i] = after[0][0]
        elif before:
            assigned[i] = before[-1][0]
    # "27.5% with PBMC and 15.0% without": one arm named, the other unit is the other arm.
    missing = [i for i, a in enumerate(assigned) if a is None]
    if k == 2 and len(missing) == 1 and len(arms) == 2 and assigned[1 - missing[0]] is not None \
            and not _WHO_ELSE_AFTER.match(text, units[missing[0]].end):
        assigned[missing[0]] = 1 - assigned[1 - missing[0]]  # type: ignore[operator]
    if None in assigned or len(set(assigned)) != k:
        return None
    return assigned  # type: ignore[return-value]


#: "... and in 9 of 40 women with a thin endometrium": the figure names its own women, who are not
#: an arm (an arm named there would have been a mention), so it is not the other arm by default.
#: "with medium" may still be an arm's treatment; "with a thin endometrium", "aged over 40" describe
#: women. ("patients who completed the trial" is left alone: the arm's own completers, as often as not.)
_WHO_ELSE_AFTER = re.compile(r"[\s,)\]]*(?:(?:women|patients|participants|subjects|those|cases)\s+)?"
                             r"(?:with\s+(?:an?|the|their|previous|prior)|aged|older|younger|under\s+\d|over\s+\d)\b",
                             re.IGNORECASE)
_OBJECT_OF_COMPARISON = re.compile(r"\b(?:than|compared\s+(?:with|to)|versus|vs\.?|relative\s+to)\s+(?:[\w-]+\s+){0,3}$",
                                   re.IGNORECASE)
_OTHER_PAIR = re.compile(r"\([^()]*\b(?:vs\.?|versus)\s[^()]*\)", re.IGNORECASE)
_THAN_GAP = re.compile(r"[^\d]*?\b(?:than|compared\s+(?:with|to)|versus|vs\.?)\s+(?:(?:in|with|for|among|the|those|women|patients)\s+){0,3}$",
                       re.IGNORECASE)


def order_across_than(units: list[Count], mentions: list[tuple[int, int, int]], text: str) -> list[int] | None:
    """"In the atosiban group, the CPR (45.8% vs 28.3%) was higher than in the control group": two
    figures between the arm named before them and the arm named after "than", in that order."""
    if len(units) != 2:
        return None
    before = [m for m in mentions if m[2] <= units[0].start]
    after = [m for m in mentions if m[1] >= units[-1].end]
    if not before or not after or before[-1][0] == after[0][0]:
        return None
    # other outcomes' pairs said the same way ("IR (21.9% vs 12.8%) and CPR (45.8% vs 28.3%)") may stand between
    gap = _OTHER_PAIR.sub("", _P_IN_GAP.sub("", text[units[-1].end:after[0][1]]))
    if len(gap) > 120 or not _THAN_GAP.fullmatch(gap):
        return None
    lead = _OTHER_PAIR.sub("", _P_IN_GAP.sub("", text[before[-1][2]:units[0].start]))
    if len(lead) > 160 or _GAP_DIGIT.search(lead) or re.search(r"\b(?:than|compared|versus|vs)\b", lead, re.I):
        return None
    return [before[-1][0], after[0][0]]


_HIGHER = re.compile(r"\b(?:higher|greater|increased|increases?|more|raised)\b", re.IGNORECASE)
_LOWER = re.compile(r"\b(?:lower|reduced|reduces?|decreased|decreases?|fewer|less)\b", re.IGNORECASE)
#: Words that undo a comparative or hand the comparison to another rule (or to nobody).
_NOT_ONE_WAY = re.compile(r"\b(?:not|no|nor|neither|without|similar|comparable|equal|than|compared|comparison|"
                          r"versus|vs|relative|but|whereas|while|although|however|respectively|baseline|before|"
                          r"pre-?treatment)\b", re.IGNORECASE)


def order_by_comparative(units: list[Count], mentions: list[tuple[int, int, int]], text: str, sentence_start: int,
                         arms: Sequence[Arm], pair: tuple[int, int], outcome: OutcomeMention) -> list[int] | None:
    """"The G-CSF group had a higher CPR (45.0% vs 25.9%)": one arm named, one comparative word.

    The named arm takes the larger figure after "higher" and the smaller after "lower", and the
    figures must stand in that order (subject first) and fit both arms' printed sizes: the words,
    the order and the sizes all agree, or nothing is read. A figure pair for one arm's subgroups
    ("in the G-CSF group, higher in women under 35 (...)") fails the sizes.
    """
    if len(units) != 2 or len(arms) != 2 or any(a.size is None for a in arms):
        return None
    named = {m[0] for m in mentions}
    before = [m for m in mentions if sentence_start <= m[1] and m[2] <= units[0].start]
    if len(named) != 1 or not before:
        return None
    gap = _OTHER_PAIR.sub("", _P_IN_GAP.sub("", text[before[0][1]:units[0].start]))
    # the whole lead-in, not only the gap: "Compared with baseline, G-CSF raised the CPR (...)"
    # is one arm before and after
    if len(gap) > 160 or _GAP_DIGIT.search(gap) or _NOT_ONE_WAY.search(text, sentence_start, units[0].start):
        return None
    higher, lower = len(_HIGHER.findall(gap)), len(_LOWER.findall(gap))
    if higher + lower != 1:
        return None
    rates = [u.events / u.total if u.events is not None and u.total else u.percent for u in units]
    if None in rates or rates[0] == rates[1] or (rates[0] > rates[1]) != bool(higher):
        return None
    subject = before[0][0]
    order = [subject, pair[1] if subject == pair[0] else pair[0]]
    return order if _fits(units, order, arms, outcome) is True else None


#: What a printed total may count for a rate per woman to be read from it: eggs and follicles are
#: no woman ("18 (36%) of 50 oocytes"), and "of 50 women who reached transfer" is a subset of an
#: arm, not the arm. "who received/were given ..." still names the arm (the allocation's words), and
#: "who completed the trial" its completers, as the other readers take them (``_WHO_ELSE_AFTER``).
_NOT_WOMEN_AFTER = re.compile(
    r"\s+(?:(?:retrieved|mature|metaphase\s+II|MII|fertili[sz]ed|injected)\s+)?"
    r"(?:oocytes?|eggs?|follicles?|zygotes?|ova)\b"
    r"|\s+(?:women|patients|participants|subjects|couples|cases|those)?\s*(?:who|that|whose)\s+"
    r"(?!received|completed|finished|were\s+(?:given|treated|randomi[sz]ed|allocated|assigned)|had\s+been\s+(?:given|treated|randomi[sz]ed|allocated|assigned))",
    re.IGNORECASE)


def names_other_total(text: str, count: Count) -> bool:
    """Whether the total printed after "of" counts eggs, or a subset of an arm's women.

    Examples
    --------
    >>> from extractors.numbers import find_counts
    >>> s = "18 (36%) of 50 oocytes; 18 (36%) of 50 women who reached transfer; 18 (36%) of 50 women who received G-CSF"
    >>> [names_other_total(s, c) for c in find_counts(s)]
    [True, True, False]
    """
    return count.form in ("of", "of_pct", "among") and _NOT_WOMEN_AFTER.match(text, count.end) is not None


def resolve(count: Count, arm: Arm, outcome: OutcomeMention, whole_ok: bool = True) -> tuple[int | None, int | None, str]:
    """Events and total of ``count`` for ``arm``: as printed, or proved by a percentage's rounding.

    ``whole_ok``: whether a whole percentage beside printed events may tie them to the arm's
    size. Not in a subgroup's sentence: "two patients (6%)" of a subgroup agrees with an arm of
    35 as well (2 of 31 to 36 all print 6%), and the subgroup's size is not printed.
    """
    if count.events is not None and count.total is not None:
        return count.events, count.total, "printed"
    if count.form == "bare":
        # events printed alone: the total is the arm's one size (``extractors.bare_counts``)
        if arm.size and count.events is not None and count.events <= arm.size:
            return count.events, arm.size, "totals_from_size"
        return None, None, "printed"
    per_woman = outcome.unit in (None, "woman") and outcome.outcome != "implantation" and count.unit in (None, "woman")
    # A miscarriage rate is a share of pregnancies unless the paper says per woman: its percentage
    # over the arm's women would prove a count of women that is not the paper's.
    derivable = per_woman and (outcome.outcome != "miscarriage" or outcome.unit == "woman")
    if count.form == "events_pct":
        # The events are printed; the percentage only has to agree with them over the arm's size.
        # A whole one agrees with a few sizes near it, so it is taken only for a rate per woman
        # (a rate per transfer or cycle has its own denominator close to the arm's).
        if arm.size and percent_matches(count.events, arm.size, count.percent, count.percent_decimals) \
                and (count.percent_decimals >= 1 or per_woman and whole_ok):
            return count.events, arm.size, "totals_from_percent"
        return count.events, None, "printed"
    if count.form == "pct_n":
        n = count.group_size
        if arm.size and n == arm.size and derivable and count.percent_decimals >= 1:
            k = events_from_percent(count.percent, count.percent_decimals, n)
            if k is not None:
                return k, n, "events_from_percent"
        if arm.size and n is not None and n <= arm.size and percent_matches(n, arm.size, count.percent,
                                                                            count.percent_decimals) \
                and count.percent_decimals >= 1:
            return n, arm.size, "totals_from_percent"
        if not arm.size and n is not None and derivable and count.percent_decimals >= 1:
            return _unsized_pct_n(n, count.percent, count.percent_decimals)
        return None, None, "printed"
    if count.form == "pct" and arm.size and derivable and count.percent_decimals >= 1:
        k = events_from_percent(count.percent, count.percent_decimals, arm.size)
        if k is not None:
            return k, arm.size, "events_from_percent"
    return None, None, "printed"


def _unsized_pct_n(n: int, percent: float, decimals: int) -> tuple[int | None, int | None, str]:
    """"46.24% (n = 93)" with no size known for the arm: ``n`` may be the group or its events.

    Papers print both. The reading the rounding allows is taken only when the other is impossible
    (43 of 93 is 46.24%; 93 events of any size is not), so a true figure is never read the wrong
    way round; when both are possible, nothing is read. Reading ``n`` as events asks two decimals:
    at one, a figure whose denominator is neither (a rate per cycle beside the women's ``n``) fits
    some size by chance too often (one time in three for 25 events at 27.2%).
    """
    as_group = events_from_percent(percent, decimals, n)
    sizes = sizes_from_percent(n, percent, decimals)
    if as_group is not None and sizes == []:
        return as_group, n, "events_from_percent"
    if as_group is None and decimals >= 2 and sizes is not None and len(sizes) == 1 \
            and not any(percent_matches(k, n, percent, decimals) for k in range(n + 1)):
        return n, sizes[0], "totals_from_percent"
    return None, None, "printed"


def _fits(units: list[Count], order: Sequence[int], arms: Sequence[Arm], outcome: OutcomeMention) -> bool | None:
    """Whether the units can belong to the arms in ``order``: ``True`` proved by a size,
    ``False`` contradicted by one, ``None`` when no size speaks either way."""
    proved = False
    for unit, arm_index in zip(units, order):
        arm = arms[arm_index]
        if arm.size is None:
            continue
        if unit.total is not None:
            if unit.total != arm.size:
                return False
            proved = True
        elif unit.percent is not None:
            events, total, _ = resolve(unit, arm, outcome)
            if events is None or total is None:
                return False
            proved = True
    return True if proved else None


def assign_without_mentions(units: list[Count], arms: Sequence[Arm], pair: tuple[int, int],
                             outcome: OutcomeMention) -> tuple[list[int], str] | None:
    """With no arm named, the order the sizes prove, else the order the trial listed its arms.

    Returns the arm per unit and how it was decided (``proved`` or ``order``).
    """
    if len(units) != 2:
        return None
    t, c = pair
    forward, backward = [t, c], [c, t]
    fits = {tuple(forward): _fits(units, forward, arms, outcome),
            tuple(backward): _fits(units, backward, arms, outcome)}
    if fits[tuple(forward)] is True and fits[tuple(backward)] is False:
        return forward, "proved"
    if fits[tuple(backward)] is True and fits[tuple(forward)] is False:
        return backward, "proved"
    # Both orders fit (equal arms): the figures follow the order the trial listed its arms, but
    # only when the arms' sizes proved the figures are theirs at all.
    listed = sorted(pair, key=lambda i: arms[i].order)
    if fits[tuple(listed)] is not True:
        return None
    return list(listed), "order"


def split_listed_outcomes(text: str, segments: list) -> list:
    """Outcomes listed first, then their figures in the same order.

    Outcome by outcome: "The CPR and LBR ... (48.0% vs 30.0%, 40.0% vs 22.0%)", each pair joined by
    "vs". Arm by arm: "IR, CPR and LBR were 25.3%, 45.0% and 38.3% in the study group versus
    14.2%, 26.7% and 21.7% in the control group". Returns ``(outcome, start, end, figures,
    anchors)`` per outcome; ``anchors`` are the figures whose named arms decide the order for
    all (the last of each arm's run), or ``None``.
    """
    out = []
    i = 0
    while i < len(segments):
        j = i
        while j + 1 < len(segments) and not segments[j][3] and segments[j][0].outcome and \
                _LIST_GAP.fullmatch(text, segments[j][0].end, segments[j + 1][0].start):
            j += 1
        run = segments[i:j + 1]
        units = run[-1][3]
        k = len(run)
        if k > 1 and len(units) == 2 * k:
            _, seg_start, seg_end, _ = run[-1]
            if all(_PAIR_GAP.fullmatch(text, units[2 * n].end, units[2 * n + 1].start) for n in range(k)):
                # the arms named before the first pair decide the order of every pair
                out += [(o, seg_start, seg_end, units[2 * n:2 * n + 2], units[:2]) for n, (o, _, _, _) in enumerate(run)]
                i = j + 1
                continue
            if all(_LIST_GAP.fullmatch(text, units[n].end, units[n + 1].start) for n in range(k - 1)) and \
                    all(_LIST_GAP.fullmatch(text, units[k + n].end, units[k + n + 1].start) for n in range(k - 1)):
                anchors = [units[k - 1], units[2 * k - 1]]
                out += [(o, seg_start, seg_end, [units[n], units[k + n]], anchors) for n, (o, _, _, _) in enumerate(run)]
                i = j + 1
                continue
        out.append(segments[i] + (None,))
        i += 1
    return out
