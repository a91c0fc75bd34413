"""Events printed with their outcome, then their women: "18 clinical pregnancies among 50 women".

"There were 18 clinical pregnancies among 50 women in the G-CSF arm versus 10 among 50 women in
the placebo arm" is 18 of 50 against 10 of 50. No size is borrowed from elsewhere: both totals are
printed, and the arms are still named beside each count (``extractors.binding`` binds them, never
by order). Read only when

- the first count stands right before a per-woman outcome's name ("18 clinical pregnancies"),
  which is followed by among / out of / in / of and a number of women (patients, participants,
  couples): a number of cycles, transfers or embryos is another denominator and is not read;
- a second count follows the first arm's name (no figure between), after and / versus / compared
  with / whereas, with its own number of women, and with nothing or the same outcome's name between
  its events and its total; a third such count after it (three arms) and nothing is read;
- events do not exceed their total.

A subset after the total ("among 50 women who reached transfer") is left out as for the "of"
forms (``extractors.binding.names_other_total``).

Examples
--------
>>> from extractors.outcomes import find_outcomes
>>> s = "There were 18 clinical pregnancies among 50 women in the G-CSF arm versus 10 among 50 women in the placebo arm."
>>> counts, folded = find_among_counts(s, 0, len(s), find_outcomes(s, 0, len(s)))
>>> [(c.events, c.total, c.form) for c in counts], folded
([(18, 50, 'among'), (10, 50, 'among')], [])
"""

from __future__ import annotations

import re
from typing import Sequence

from extractors.numbers import INT, WORD_INT, Count, parse_int
from extractors.outcomes import OutcomeMention

_NUMBER = rf"(?:{INT}|{WORD_INT})"
#: The total and its women, after the outcome: "among 50 women", "out of the 50 patients".
_TOTAL = rf"\s*(?:among|out\s+of|in|of)\s+(?:the\s+)?(?P<n>{INT})\s+(?:women|patients|participants|couples)\b"
_FIRST_EVENTS = re.compile(rf"(?P<e>{_NUMBER})\s+$", re.IGNORECASE)
_FIRST_TOTAL = re.compile(_TOTAL, re.IGNORECASE)
#: The second count, after the first arm's name: "versus 10 among 50 women", "and 10 clinical
#: pregnancies in 50 women" (its outcome, when repeated, is checked apart).
_SECOND = re.compile(
    rf"\b(?:and|vs\.?|versus|compared\s+(?:with|to)|against|whereas|while)\s+(?:only\s+)?(?P<e>{_NUMBER})\s+"
    rf"(?P<between>[a-z\s-]{{0,40}}?){_TOTAL}", re.IGNORECASE)

_DIGIT = re.compile(r"\d")
_ANOTHER_TOTAL = re.compile(rf"(?P<e>{_NUMBER})\s+(?:[a-z-]+\s+){{0,3}}?{_TOTAL}", re.IGNORECASE)


def find_among_counts(text: str, start: int, end: int, outcomes: Sequence[OutcomeMention]
                      ) -> tuple[list[Count], list[OutcomeMention]]:
    """The two counts of ``text[start:end]`` in the "E outcome among T women" form, and the outcome
    mentions they fold (a repeated name inside the second count is the same outcome, not a new
    segment). Nothing when the sentence does not hold exactly that pair."""
    for outcome in outcomes:
        if outcome.unit not in (None, "woman") or outcome.outcome in ("", "implantation", "other"):
            continue
        lead = _FIRST_EVENTS.search(text, max(start, outcome.start - 20), outcome.start)
        total = _FIRST_TOTAL.match(text, outcome.end)
        if lead is None or total is None:
            continue
        second = _SECOND.search(text, total.end(), end)
        # the second count follows the first arm's name, and no third count follows it (three arms)
        if second is None or _DIGIT.search(text, total.end(), second.start()) \
                or _ANOTHER_TOTAL.search(text, second.end(), end):
            return [], []
        between = second.group("between").strip()
        repeated = [o for o in outcomes if second.start("between") <= o.start < second.end("between")]
        if between and not (len(repeated) == 1 and repeated[0].outcome == outcome.outcome
                            and repeated[0].text.strip() == between):
            return [], []
        counts = [Count(parse_int(lead.group("e")), parse_int(total.group("n")), None, 0, lead.start("e"),
                        total.end(), "among", "woman"),
                  Count(parse_int(second.group("e")), parse_int(second.group("n")), None, 0, second.start("e"),
                        second.end(), "among", "woman")]
        if any(c.events > c.total for c in counts):
            return [], []
        return counts, repeated
    return [], []
