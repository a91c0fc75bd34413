"""Whether a flag still stands once maintainers' decisions are in force.

A flag says a stratum changed state: it became conventionally significant
(``crossed_significance``), stopped being so (``lost_significance``), crossed its monitoring
boundary (``crossed_boundary``) or reversed direction (``direction_flip``;
``models.monitoring.FLAG_KINDS``). After a decision the strata are pooled again from the curated
values, and ``settle_flag`` compares the flag's claim with the recomputed state:

- the claim no longer holds → ``dismissed`` (the machine's numbers raised a change the checked
  numbers do not support);
- it holds and every paper behind the flag is settled (its numbers confirmed or corrected, or the
  paper rejected) → ``confirmed``;
- otherwise the flag stays ``open``: a maintainer still has papers to check, or the flag's kind
  is one this module cannot judge.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

#: The kinds whose claim can be read off a pooled row (models.monitoring.FLAG_KINDS).
JUDGED_KINDS = ("crossed_significance", "lost_significance", "crossed_boundary", "direction_flip")
RATIO_SCALES = ("RR", "OR", "HR")


@dataclass(frozen=True)
class StratumReading:
    """A stratum's lead pooled row, as far as a flag's claim needs it."""

    measure: str
    estimate: float | None
    significant: bool | None
    significant_sequential: bool | None

    @property
    def direction(self) -> int:
        """+1 above no effect, -1 below, 0 on it or unknown."""
        if self.estimate is None:
            return 0
        centre = math.log(self.estimate) if self.measure in RATIO_SCALES and self.estimate > 0 else self.estimate
        return (centre > 0) - (centre < 0)

    def describe(self) -> str:
        if self.estimate is None:
            return "no estimate"
        state = "significant" if self.significant else "not significant"
        return f"{self.measure} {self.estimate:.2f}, {state}" + (
            ", beyond its monitoring boundary" if self.significant_sequential else "")


@dataclass(frozen=True)
class Settlement:
    status: str | None  # "confirmed" | "dismissed" | None (stays open)
    reason: str


def claim_holds(kind: str, now: StratumReading | None, at_flag: StratumReading | None = None) -> bool | None:
    """Whether the change a flag of ``kind`` announced is still the stratum's state ``now``.

    ``now`` is ``None`` when the stratum is no longer pooled. ``at_flag`` is the stratum's lead row
    in the flag's own run (needed for ``direction_flip``). ``None``: the kind cannot be judged.

    Examples
    --------
    >>> claim_holds("crossed_significance", StratumReading("RR", 1.4, True, False))
    True
    >>> claim_holds("crossed_significance", None)
    False
    >>> claim_holds("direction_flip", StratumReading("RR", 0.8, False, False), StratumReading("RR", 1.3, True, False))
    False
    """
    if kind not in JUDGED_KINDS:
        return None
    significant = bool(now and now.significant)
    if kind == "crossed_significance":
        return significant
    if kind == "lost_significance":
        return not significant
    if kind == "crossed_boundary":
        return bool(now and now.significant_sequential)
    if at_flag is None or now is None:
        return None if at_flag is None else False
    return now.direction != 0 and now.direction == at_flag.direction


def settle_flag(kind: str, papers_settled: bool, now: StratumReading | None,
                at_flag: StratumReading | None = None) -> Settlement:
    """The status a flag moves to after a recomputation, and why (see the module docstring)."""
    holds = claim_holds(kind, now, at_flag)
    state = now.describe() if now else "no longer pooled"
    if holds is None:
        return Settlement(None, f"cannot judge a {kind} flag from the pooled rows; a maintainer decides")
    if not holds:
        return Settlement("dismissed", f"with the maintainers' decisions in force the stratum is {state}: "
                                       f"the {kind.replace('_', ' ')} no longer holds")
    if papers_settled:
        return Settlement("confirmed", f"every paper behind it is settled and the stratum is {state}: "
                                       f"the {kind.replace('_', ' ')} holds")
    return Settlement(None, f"the {kind.replace('_', ' ')} holds ({state}) but papers behind it await a maintainer")
