"""Event counts printed bare, their group sizes given elsewhere in the abstract.

"There were 12 clinical pregnancies in the G-CSF group and 6 in the placebo group", after
"randomised to G-CSF (n = 30) or saline (n = 30)": the events are 12 and 6, and the totals are
the arms' sizes. Such a number is read only when nothing else could be meant: the first count
stands right before the outcome's name ("12 clinical pregnancies"; "12 and 6 clinical
pregnancies"), the sentence prints no other count, rate or subgroup, and the abstract gives each
arm exactly one size (no "n =" that is not an arm's size or their sum, and no word saying that
fewer women were analysed than randomised). Which count is whose arm is left to the names
beside them (``extractors.binding.order_by_mentions``); a bare count is never bound by order.

Examples
--------
>>> from extractors.outcomes import find_outcomes
>>> s = "There were 12 clinical pregnancies in the G-CSF group and 6 in the placebo group."
>>> [(c.events, c.form) for c in find_bare_counts(s, 0, len(s), find_outcomes(s, 0, len(s))[0])]
[(12, 'bare'), (6, 'bare')]
"""

from __future__ import annotations

import re
from typing import Sequence

from extractors.numbers import INT, WORD_INT, Count, find_group_sizes, parse_int
from extractors.outcomes import OutcomeMention

_NUMBER = rf"(?:{INT}|{WORD_INT})"
#: Between the first count and the outcome named after it: "12 clinical pregnancies", "12 women
#: achieved a clinical pregnancy", "12 and 6 clinical pregnancies".
_BEFORE_OUTCOME = re.compile(
    rf"(?P<e1>{_NUMBER})(?:\s+(?:and|vs\.?|versus)\s+(?P<e2>{_NUMBER}))?\s+"
    r"(?:(?:women|patients|participants)\s+(?:(?:had|achieved|with|reached|got)\s+)?(?:an?\s+|the\s+)?)?$",
    re.IGNORECASE)
#: Or right after it: "clinical pregnancy was achieved in 20 women given atosiban compared with 11 ...".
_AFTER_OUTCOME = re.compile(
    rf"\s+(?:was|were)\s+(?:achieved|confirmed|observed|reported|recorded|seen|diagnosed|documented)\s+"
    rf"(?:in|by|among)\s+(?P<e1>{_NUMBER})\s+(?:women|patients|participants)\b", re.IGNORECASE)
#: The second count, after the first arm's name: "... and 6 in the placebo group", "vs. 6 with placebo".
_SECOND = re.compile(
    rf"(?:,\s*)?\b(?:and|vs\.?|versus|compared\s+(?:with|to)|against|whereas|while)\s+(?:only\s+)?"
    rf"(?P<e>{_NUMBER})(?=\s+(?:in|among|with|after|of|for|on|receiving|given|treated|from)\b)", re.IGNORECASE)
_ANY_NUMBER = re.compile(rf"\d|{WORD_INT}")
_WHO = r"(?:(?:women|patients|participants)\s+)?(?:in|among|receiving|given|treated\s+with|from)\s+"
#: Both counts before the outcome, each with its arm, the outcome last: "21 women in the PBMC group
#: and 11 in the control group achieved a clinical pregnancy". The arms' names are checked apart.
_OUTCOME_LAST = re.compile(
    rf"(?P<e1>{_NUMBER})\s+{_WHO}(?P<a1>[^\d;,()]{{1,50}}?),?\s+(?:and|vs\.?|versus|compared\s+with|whereas|while)\s+"
    rf"(?P<e2>{_NUMBER})\s+{_WHO}(?P<a2>[^\d;,()]{{1,50}}?)\s+"
    r"(?:achieved|had|reached|attained|developed|experienced|suffered)\s+(?:an?\s+|the\s+)?$", re.IGNORECASE)
#: The arms named with their sizes in the sentence, then the two counts: "clinical pregnancies in
#: the G-CSF group (n=50) and the placebo group (n=48) were 20 vs 11".
_SIZED_THEN_PAIR = re.compile(
    rf"[^\d;]{{1,80}}?\(\s*n\s*=\s*\d+\s*\)[^\d;]{{1,60}}?\(\s*n\s*=\s*\d+\s*\)\s*"
    rf"(?:,\s*)?(?:(?:was|were|:)\s*)?(?P<e1>{_NUMBER})\s+(?:vs\.?|versus|and)\s+(?P<e2>{_NUMBER})"
    r"(?:,?\s+respectively)?\s*(?:\(\s*P\s*[=<>]\s*0?\.\d+\s*\))?\s*\.?\s*$", re.IGNORECASE)
#: Words that make an arm's name a clause or a subgroup: "in the PBMC group who had a transfer".
NOT_AN_ARM = re.compile(r"\b(?:who|which|that|whom|had|have|were|was|and|or|aged|under|over|older|younger|with)\b",
                         re.IGNORECASE)
#: A count's noun: "clinical pregnancies", "the number of live births" (a bare figure after "the
#: clinical pregnancy rate" or "clinical pregnancy ... was 40 vs 22" may be a percentage).
_COUNT_NOUN = re.compile(r"\bnumbers?\s+of\s+$", re.IGNORECASE)
_P_VALUE = re.compile(r"\(?\s*P\s*[=<>≤]\s*0?\.\d+\s*\)?", re.IGNORECASE)
#: Words that say some other count is meant, or another denominator.
_NOT_BARE = re.compile(
    r"%|\bper\s*cent|\brates?\b|\bsubgroups?\b|\bamong\s+(?:the\s+)?(?:women|patients)\b|\baged\b|\bolder\b|"
    r"\byounger\b|\bunder\s+\d|\bover\s+\d|\bbaseline\b|\bprevious|\bprior\b|\bhistory\b|\bper\s+(?:transfer|cycle|"
    r"embryo)|\bcycles?\b|\btransfers?\b|\bembryos?\b", re.IGNORECASE)
#: Words that say the analysed groups are not the randomised ones: then an arm has two sizes.
_FEWER_ANALYSED = re.compile(
    r"\banaly[sz]ed\b|\bcompleted\b|\blost\s+to\s+follow|\bdropped\s+out\b|\bwithdr[ae]w|\bexcluded\b|"
    r"\bdiscontinued\b|\bper[-\s]protocol\b", re.IGNORECASE)


def sizes_unambiguous(text: str, sizes: Sequence[int | None]) -> bool:
    """Whether each arm has one size in the abstract: every arm sized, every printed ``n = k``
    one of those sizes or their sum, and no word that fewer were analysed than randomised."""
    if not sizes or any(n is None for n in sizes):
        return False
    allowed = set(sizes) | {sum(sizes)}  # type: ignore[arg-type]
    if any(n not in allowed for n, _, _ in find_group_sizes(text)):
        return False
    return not _FEWER_ANALYSED.search(text)


def find_bare_counts(text: str, start: int, end: int, outcome: OutcomeMention) -> list[Count]:
    """The two bare event counts of ``outcome`` in the sentence ``text[start:end]``, or ``[]``.

    The caller has checked that the sentence prints no other count and that the arms' sizes are
    unambiguous (:func:`sizes_unambiguous`).
    """
    if outcome.unit not in (None, "woman") or outcome.outcome in ("", "implantation", "other"):
        return []
    if _NOT_BARE.search(text, start, end):
        return []
    lead = _BEFORE_OUTCOME.search(text, max(start, outcome.start - 60), outcome.start) \
        or _AFTER_OUTCOME.match(text, outcome.end, end)
    if lead is None:
        return _outcome_last(text, start, end, outcome) or _sized_then_pair(text, start, end, outcome)
    first = Count(parse_int(lead.group("e1")), None, None, 0, lead.start("e1"), lead.end("e1"), "bare")
    if lead.groupdict().get("e2") is not None:
        second = Count(parse_int(lead.group("e2")), None, None, 0, lead.start("e2"), lead.end("e2"), "bare")
        return [first, second]
    later = list(_SECOND.finditer(text, max(outcome.end, first.end), end))
    if len(later) != 1:
        return []
    m = later[0]
    if _ANY_NUMBER.search(text, first.end, m.start("e")):
        return []  # a third count between them ("12 ..., 6 ... and 4 ..."): a list, not a pair
    return [first, Count(parse_int(m.group("e")), None, None, 0, m.start("e"), m.end("e"), "bare")]


def _pair(m: re.Match) -> list[Count]:
    return [Count(parse_int(m.group(g)), None, None, 0, m.start(g), m.end(g), "bare") for g in ("e1", "e2")]


def _outcome_last(text: str, start: int, end: int, outcome: OutcomeMention) -> list[Count]:
    """"21 women in the PBMC group and 11 in the control group achieved a clinical pregnancy"."""
    m = _OUTCOME_LAST.search(text, start, outcome.start)
    if m is None or _ANY_NUMBER.search(text, start, m.start()) \
            or _ANY_NUMBER.search(_P_VALUE.sub("", text[outcome.end:end])):
        return []
    if any(NOT_AN_ARM.search(m.group(a)) or _ANY_NUMBER.search(m.group(a)) for a in ("a1", "a2")):
        return []
    return _pair(m)


def _sized_then_pair(text: str, start: int, end: int, outcome: OutcomeMention) -> list[Count]:
    """"The number of clinical pregnancies in the G-CSF group (n=50) and the placebo group (n=48)
    was 20 vs 11": the sizes printed beside the arms in the sentence itself, the counts after."""
    plural = outcome.text.lower().endswith("s")
    if not (plural or _COUNT_NOUN.search(text, max(start, outcome.start - 15), outcome.start)):
        return []
    m = _SIZED_THEN_PAIR.match(text, outcome.end, end)
    if m is None or _ANY_NUMBER.search(text, start, outcome.start):
        return []
    return _pair(m)


#: "Of the 60 women who received G-CSF, 21 had a clinical pregnancy": the arm's total leads the
#: clause, its events follow, and the outcome comes right after them.
_OF_LEAD = re.compile(
    rf"\bof\s+(?:the\s+)?(?P<n>{_NUMBER})\s+(?:women|patients|participants)\s+"
    r"(?:who\s+(?:received|were\s+(?:given|treated\s+with|randomi[sz]ed\s+to|allocated\s+to|assigned\s+to))|"
    r"given|receiving|treated\s+with|randomi[sz]ed\s+to|allocated\s+to|assigned\s+to|in)\s+"
    rf"(?P<arm>[^\d;,()]{{1,40}}?)\s*,\s*(?P<e>{_NUMBER})\s+(?:(?:women|patients)\s+)?"
    r"(?:had|achieved|reached|attained|developed|experienced|suffered)\s+(?:an?\s+|the\s+)?", re.IGNORECASE)


def find_lead_counts(text: str, start: int, end: int, outcomes: Sequence[OutcomeMention]) -> list[Count]:
    """Events whose total leads their clause: "Of the 60 women who received G-CSF, 21 had a clinical
    pregnancy" is 21 of 60. The count's span is the events', so the arm named before it is its own.

    Examples
    --------
    >>> from extractors.outcomes import find_outcomes
    >>> s = "Of the 60 women who received G-CSF, 21 had a clinical pregnancy, compared with 11 of 58 controls."
    >>> [(c.events, c.total) for c in find_lead_counts(s, 0, len(s), find_outcomes(s, 0, len(s)))]
    [(21, 60)]
    """
    found = []
    for m in _OF_LEAD.finditer(text, start, end):
        named = next((o for o in outcomes if o.start == m.end()), None)
        if named is None or named.unit not in (None, "woman") or named.outcome in ("", "implantation", "other"):
            continue  # the outcome must be what the events had, right after them
        if NOT_AN_ARM.search(m.group("arm")) or _NOT_BARE.search(m.group("arm")):
            continue
        events, total = parse_int(m.group("e")), parse_int(m.group("n"))
        if events <= total:
            found.append(Count(events, total, None, 0, m.start("e"), m.end("e"), "of_lead", "woman"))
    return found
