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
        return []
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
