"""A whole split among the arms in brackets: "134 women (74 in the scratch group and 60 in the
control group)", "54 live births (32 in the scratch group and 22 in the control group)".

The first bracket gives each arm's total, the second each arm's events of a named outcome; the
two may stand in one sentence or in two. Each part is proved by two things the text prints: it
adds up with the other parts to the whole before the bracket, and it is followed by exactly one
arm's name. So "1139 oocytes for the 3 h group and 1136 oocytes for the 20 h group" gives no
totals (oocytes are not women), "(74 aged under 35 and 60 aged 35 or over)" names no arm, and
"(32 in the G-CSF group and 20 in the placebo group)" after "54 live births" fails the sum.
"(32 and 22 in the G-CSF and placebo groups, respectively)" is read the same way: as many
distinct arms named, in order, as counts listed, and nothing else in their names.

Totals are taken only when every bracket of women that names the arms gives each arm the same
total and no size printed elsewhere ("n = 70", or an arm's size in its allocation) disagrees:
a trial that splits its randomised women one way and its analysed women another gives two
totals per arm, and then none is chosen.

Examples
--------
>>> from extractors.arms import ArmMatcher, find_arms
>>> from extractors.outcomes import find_outcomes
>>> text = ("Women were randomized to G-CSF or placebo. We enrolled 134 women (74 in the G-CSF group and 60 "
...         "in the placebo group), and there were 54 live births (32 in the G-CSF group and 22 in the placebo group).")
>>> arms = find_arms(text)
>>> matcher = ArmMatcher(arms, text)
>>> totals = split_totals(text, arms, matcher)
>>> totals
{0: 74, 1: 60}
>>> [(o.outcome, [(p.arm, p.count.events) for p in parts])
...  for o, parts, _, _ in split_events(text, 43, len(text), find_outcomes(text, 43, len(text)), matcher)]
[('live_birth', [(0, 32), (1, 22)])]

The arms may follow the counts, in order, when "respectively" closes the bracket:

>>> said = text.replace("(32 in the G-CSF group and 22 in the placebo group)",
...                     "(22 and 32 in the placebo and G-CSF groups, respectively)")
>>> [[(p.arm, p.count.events) for p in parts]
...  for _, parts, _, _ in split_events(said, 43, len(said), find_outcomes(said, 43, len(said)),
...                                    ArmMatcher(arms, said))]
[[(1, 22), (0, 32)]]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from extractors.arms import Arm, ArmMatcher
from extractors.bare_counts import NOT_AN_ARM
from extractors.numbers import INT, WORD_INT, Count, find_group_sizes, parse_int
from extractors.outcomes import OutcomeMention

RULE_SPLIT = "effect.counts_split.v1"

_NUMBER = rf"(?:{INT}|{WORD_INT})"
_WOMEN = r"(?:women|patients|participants|couples|subjects)"
#: The whole, the words after it, and the bracket that splits it. No figure between the whole and
#: the bracket ("134 women underwent 150 cycles (...)" splits the cycles, not the women).
_WHOLE_THEN_BRACKET = re.compile(rf"(?P<whole>{_NUMBER})\s+(?P<head>[^()\[\]\d;.]{{1,60}}?)\s*\((?P<body>[^()]{{5,200}})\)")
#: The women the whole counts, with what was done to them: "women", "patients received embryo
#: transfers", "participants were randomised".
_WOMEN_HEAD = re.compile(rf"{_WOMEN}(?:\s+[a-z-]+){{0,4}}", re.IGNORECASE)
#: An outcome's events, the outcome named right after the whole: "54 live births", "54 clinical
#: pregnancies were confirmed".
_EVENTS_TAIL = re.compile(r"(?:\s+(?:were|was)\s+(?:achieved|recorded|observed|confirmed|reported))?", re.IGNORECASE)
#: A figure or table cited first inside the bracket ("(Fig. 1, 74 patients in ...)").
_CITATION = re.compile(r"(?:Fig(?:ure)?s?\.?|Tables?)\s*\d+[a-z]?\s*[,;:]\s*", re.IGNORECASE)
#: A p-value closing the bracket ("(20 in the PBMC group and 11 in the control group; P = 0.04)").
_P_AFTER_PARTS = re.compile(r"\s*[;,]\s*P\s*(?:[=<>\u2264\u2265]|value)[^()]*$", re.IGNORECASE)
#: One part: its count at the start of the bracket or after a separator, then who it counts.
_PART = re.compile(
    rf"(?:^|[,;]\s*(?:and\s+|vs\.?\s+|versus\s+)?|\band\s+|\bvs\.?\s+|\bversus\s+)(?P<n>{_NUMBER})"
    rf"(?:\s+{_WOMEN})?\s+(?:in|with|for|among|from|after|receiving|given|treated\s+with|allocated\s+to|"
    r"assigned\s+to|randomi[sz]ed\s+to|who\s+received)\s", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class SplitPart:
    """One arm's share of a split whole: ``count.events`` is the share, ``arm`` the arm named."""

    arm: int
    count: Count


@dataclass(frozen=True, slots=True)
class _Split:
    whole: int
    start: int
    head_start: int
    head_end: int
    end: int
    parts: tuple[SplitPart, ...]


def _splits(text: str, start: int, end: int, matcher: ArmMatcher) -> list[_Split]:
    """Every whole split into two or three parts that add up to it, each naming one arm."""
    found = []
    for m in _WHOLE_THEN_BRACKET.finditer(text, start, end):
        body_start, body_end = m.start("body"), m.end("body")
        cited = _CITATION.match(text, body_start)
        if cited:
            body_start = cited.end()
        p_value = _P_AFTER_PARTS.search(text, body_start, body_end)
        if p_value:
            body_end = p_value.start()
        whole = parse_int(m.group("whole"))
        if _LISTED_THEN_ARMS.match(text, body_start, body_end):
            # "(32 and 22 in the G-CSF and placebo groups, respectively)"
            named = _respectively(text, body_start, body_end, matcher)
            if named and sum(p.count.events for p in named) == whole:
                found.append(_Split(whole, m.start("whole"), m.start("head"), m.end("head"), m.end(), tuple(named)))
            continue
        parts = list(_PART.finditer(text[body_start:body_end]))
        if not 2 <= len(parts) <= 3 or parts[0].start() != 0:
            continue
        named = []
        for i, p in enumerate(parts):
            who = body_start + p.end()
            stop = body_start + parts[i + 1].start() if i + 1 < len(parts) else body_end
            mentions = matcher.mentions(who, stop)
            # what is left once the arm's name is taken out: no figure ("the 3 h group" is a name) and no
            # clause or subset ("in the G-CSF group who had a transfer", the bare-count readers' words)
            if len({a.arm for a in mentions}) != 1 or not _only_names(text, who, stop, mentions):
                break
            n = parse_int(p.group("n"))
            named.append(SplitPart(mentions[0].arm, Count(n, None, None, 0, body_start + p.start("n"),
                                                          body_start + p.end("n"), "split")))
        if len(named) != len(parts) or len({p.arm for p in named}) != len(named):
            continue
        if sum(p.count.events for p in named) == whole:
            found.append(_Split(whole, m.start("whole"), m.start("head"), m.end("head"), m.end(), tuple(named)))
    return found


def _only_names(text: str, start: int, end: int, mentions: Sequence, joined: bool = False) -> bool:
    """Whether ``text[start:end]`` is arms' names and nothing else once they are taken out: no
    figure ("the 3 h group" is a name) and no clause or subset ("in the G-CSF group who had a
    transfer", the bare-count readers' words). ``joined``: "and"/"or" may join the names."""
    rest = text[start:end]
    for mention in reversed(mentions):
        rest = rest[:mention.start - start] + " " + rest[mention.end - start:]
    if joined:
        rest = _JOINS.sub(" ", rest)
    return not NOT_AN_ARM.search(rest) and not re.search(r"\d", rest)


#: Between names listed together: "the G-CSF and placebo groups", "G-CSF, hCG or placebo".
_JOINS = re.compile(r"\b(?:and|or)\b", re.IGNORECASE)
#: "32 and 22 in the G-CSF and placebo groups, respectively": the counts listed, then the arms in
#: the same order, then "respectively" closing the bracket.
_LISTED_THEN_ARMS = re.compile(
    rf"(?P<ns>{_NUMBER}(?:\s*,\s*{_NUMBER})?\s*,?\s+(?:and|vs\.?|versus)\s+{_NUMBER})(?:\s+{_WOMEN})?\s+"
    rf"(?:in|with|for|among|from|after|receiving|given|treated\s+with)\s+(?P<who>[^()]+?),?\s+respectively\s*$",
    re.IGNORECASE)


def _respectively(text: str, start: int, end: int, matcher: ArmMatcher) -> list[SplitPart]:
    """The parts of "(32 and 22 in the G-CSF and placebo groups, respectively)": as many distinct
    arms named, in order, as counts listed, and nothing else in the names; or ``[]``."""
    m = _LISTED_THEN_ARMS.match(text, start, end)
    if m is None:
        return []
    numbers = list(re.finditer(_NUMBER, m.group("ns")))
    mentions = matcher.mentions(m.start("who"), m.end("who"))
    arms = [a.arm for a in mentions]
    if len(arms) != len(numbers) or len(set(arms)) != len(arms) \
            or not _only_names(text, m.start("who"), m.end("who"), mentions, joined=True):
        return []
    base = m.start("ns")
    return [SplitPart(arm, Count(parse_int(n.group(0)), None, None, 0, base + n.start(), base + n.end(), "split"))
            for arm, n in zip(arms, numbers)]


def split_totals(text: str, arms: Sequence[Arm], matcher: ArmMatcher) -> dict[int, int]:
    """Each arm's total from the brackets that split the women among the arms, or ``{}``.

    Empty when two brackets give one arm two totals, or a printed size disagrees with one.
    """
    totals: dict[int, int] = {}
    for split in _splits(text, 0, len(text), matcher):
        if not _WOMEN_HEAD.fullmatch(text, split.head_start, split.head_end):
            continue
        for part in split.parts:
            if totals.setdefault(part.arm, part.count.events) != part.count.events:
                return {}
    if not totals:
        return {}
    if any(arms[i].size is not None and arms[i].size != n for i, n in totals.items()):
        return {}
    allowed = set(totals.values()) | {sum(totals.values())} | {a.size for a in arms if a.size is not None}
    if any(n not in allowed for n, _, _ in find_group_sizes(text)):
        return {}
    return totals


def split_events(text: str, start: int, end: int, outcomes: Sequence[OutcomeMention],
                 matcher: ArmMatcher) -> list[tuple[OutcomeMention, tuple[SplitPart, ...], int, int]]:
    """The outcomes of ``text[start:end]`` whose events are split among the arms right after them,
    each with its parts and the span from the whole to the closing bracket.

    Only an outcome counted per woman (not implantation, not "other"), named right after the
    whole: "54 live births (32 in ... and 22 in ...)".
    """
    found = []
    for split in _splits(text, start, end, matcher):
        outcome = next((o for o in outcomes if o.start == split.head_start), None)
        if outcome is None or outcome.unit not in (None, "woman") or outcome.outcome in ("", "implantation", "other"):
            continue
        if not _EVENTS_TAIL.fullmatch(text, outcome.end, split.head_end):
            continue
        found.append((outcome, split.parts, split.start, split.end))
    return found
