"""Effect rows and the one row per comparison pooling reads."""

from __future__ import annotations

from extractors.effect_rows import preferred_effects
from extractors.records import Effect


def _computed(ctrl_arm: str, counts: tuple[int, int, int, int], **fields) -> Effect:
    te, tn, ce, cn = counts
    return Effect(pmid="1", outcome="ongoing_pregnancy", measure="RR", estimate=(te / tn) / (ce / cn),
                  ci_low=0.5, ci_high=3.0, treat_events=te, treat_total=tn, ctrl_events=ce, ctrl_total=cn,
                  treat_arm="hCG", ctrl_arm=ctrl_arm, source="computed", rule_id="effect.counts_pct.v1", **fields)


def test_of_two_comparators_the_placebo_like_comparison_is_read():
    untreated = _computed("no intrauterine infusion", (32, 62, 13, 50))
    saline = _computed("saline", (32, 62, 22, 49))
    assert preferred_effects([untreated, saline]) == [saline]


def test_comparators_of_one_kind_are_all_kept():
    a, b = _computed("placebo", (32, 62, 22, 49)), _computed("placebo tablets", (30, 60, 20, 50))
    assert preferred_effects([a, b]) == [a, b]


def test_a_failing_placebo_row_does_not_hide_the_other_comparison():
    untreated = _computed("no infusion", (32, 62, 13, 50))
    saline = _computed("saline", (32, 62, 22, 49), check_failures=("treat_percent 60.0 disagrees",))
    assert preferred_effects([untreated, saline]) == [untreated]
