"""Per-arm events and totals against the gold 2x2 tables of ``llm_meta_analysis`` (Yun et al. 2024).

The question each gold triplet asks is the one the annotators answered: given the article's
abstract and results (tables included), the intervention and the comparator, and the outcome's
wording, what are the events and group size of each arm? The extractor gets exactly that: the
article rendered as text (``scripts.eval_markdown``), ``ArmsHint(intervention, comparator)`` and
an outcome vocabulary made of the outcome's words (``eval_corpora.matcher_for``).

What the extractor *asserts* for a triplet is every distinct ``(treat events, treat total, ctrl
events, ctrl total)`` of its ``computed`` rows that passed their checks (a row that failed is
kept for triage, not asserted). Exact match: all four numbers, in the right arms.

* precision = asserted tuples equal to the gold / asserted tuples
* recall = triplets whose gold tuple was asserted / triplets

Triplets are split by article into a development and a held-out half
(``data/labels/extraction/llm_meta_analysis_split.json``, made before any tuning). Each gold
tuple is also classed, independently of the extractor, by whether the article prints it: both
arms' events with their total (``26/66``, ``26 of 66``) or with a percentage that only that total
gives (``26 (39.4%)``). Gold the annotators derived (rates per 100 patient-years, proportions
times group sizes, figures) cannot be read and is reported apart.
"""

from __future__ import annotations

import collections
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from extractors.arms import ArmsHint
from extractors.effects import extract_effects
from extractors.numbers import decimals_of, percent_matches
from scripts import eval_corpora

SPLIT = Path(__file__).resolve().parents[1] / "data" / "labels" / "extraction" / "llm_meta_analysis_split.json"
HALVES = ("development", "heldout")


def read_split(path: Path = SPLIT) -> dict[str, str]:
    """PMCID -> ``development`` or ``heldout``."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {pmcid: half for half in HALVES for pmcid in raw[half]}


def _num(n: int) -> str:
    """A count as the text may print it: ``1078`` or ``1,078``."""
    plain = str(n)
    grouped = f"{n:,}"
    return plain if plain == grouped else f"(?:{plain}|{grouped})"


def _printed(text: str, events: int, total: int) -> list[tuple[int, int]]:
    """Spans where ``text`` prints one arm's count: ``events/total``, ``events of total``, or
    ``events (p%)`` with ``p`` a rounding of ``events/total``."""
    e, n = _num(events), _num(total)
    found = []
    for m in re.finditer(rf"(?<![\d.,/]){e}\s?(?:/\s?{n}|\s(?:out\s)?of\s(?:the\s)?{n})(?!\d|,\d)"
                         rf"|(?<![\d.,/]){e}\s*(?:[a-z]+\s+)?\(\s*(?P<p>\d+(?:\.\d+)?)\s?%?", text):
        if m.group("p") is not None and not percent_matches(events, total, float(m.group("p")),
                                                               decimals_of(m.group("p"))):
            continue
        found.append(m.span())
    return found


def gold_printed(g) -> str | None:
    """Where the article prints the gold: ``"table"`` (a table row holds both arms), ``"prose"``
    (one line of prose does), else ``None``.

    Independent of the extractor; an approximation (a count printed for another outcome on the
    same line would pass), used only to class misses.
    """
    text = g.article.abstract
    te, tn, ce, cn = g.counts
    lines = lambda spans: {(text.rfind("\n", 0, a) + 1) for a, _ in spans}  # noqa: E731
    shared = lines(_printed(text, te, tn)) & lines(_printed(text, ce, cn))
    if not shared:
        return None
    return "prose" if any(not text.startswith("|", start) for start in shared) else "table"


@dataclass
class Tally:
    triplets: int = 0
    hits: int = 0
    asserted: int = 0
    correct: int = 0
    arm_asserted: int = 0
    arm_correct: int = 0
    printed: int = 0
    printed_hits: int = 0
    failed_checks: int = 0
    misses: collections.Counter = field(default_factory=collections.Counter)
    wrong: collections.Counter = field(default_factory=collections.Counter)
    examples: list[str] = field(default_factory=list)


def asserted_counts(g) -> tuple[set[tuple[int, int, int, int]], int]:
    """The distinct count tuples the extractor asserts for a triplet, and how many failed checks."""
    effects = extract_effects(g.article, arms_hint=ArmsHint(g.intervention, g.comparator),
                              matcher=eval_corpora.matcher_for(g.outcome))
    computed = [e for e in effects if e.source == "computed" and e.has_counts]
    ok = {(e.treat_events, e.treat_total, e.ctrl_events, e.ctrl_total) for e in computed if not e.check_failures}
    return ok, sum(1 for e in computed if e.check_failures)  # type: ignore[return-value]


def evaluate(data: Path) -> dict[str, Tally]:
    """Tallies per half (``development``, ``heldout``) and ``all``."""
    gold = eval_corpora.read_llm_counts(data / "llm_meta_analysis", read_split())
    tallies = {name: Tally() for name in HALVES + ("all",)}
    for g in gold:
        got, failed = asserted_counts(g)
        where = gold_printed(g)
        for t in (tallies[g.half], tallies["all"]):
            t.triplets += 1
            t.asserted += len(got)
            t.failed_checks += failed
            hit = g.counts in got
            t.hits += hit
            t.correct += hit
            t.printed += where is not None
            t.printed_hits += hit and where is not None
            for tup in got:
                t.arm_asserted += 2
                t.arm_correct += (tup[:2] == g.counts[:2]) + (tup[2:] == g.counts[2:])
            for tup in got - {g.counts}:
                t.wrong[_wrong_kind(tup, g.counts)] += 1
                t.examples.append(f"{g.half[:3]} {g.pmcid} {g.outcome[:45]!r}: gold {g.counts}, asserted {tup}")
            if not hit:
                t.misses[_miss_kind(where, got)] += 1
    return tallies


def _wrong_kind(tup: tuple, gold: tuple) -> str:
    if (tup[2], tup[3], tup[0], tup[1]) == gold:
        return "arms reversed"
    if tup[1] == gold[1] and tup[3] == gold[3]:
        return "right group sizes, other events (another outcome, row or time point)"
    if tup[0] == gold[0] and tup[2] == gold[2]:
        return "right events, other totals"
    return "other numbers"


def _miss_kind(where: str | None, got: set) -> str:
    if got:
        return "another tuple asserted instead"
    if where is None:
        return "not printed as counts (annotators derived them from rates, decimals, words or figures)"
    return f"printed in {where}, not read"


def _ratio(p: int, n: int) -> str:
    return f"{p}/{n} = {p / n:.3f}" if n else f"{p}/0"


def report(data: Path) -> list[str]:
    tallies = evaluate(data)
    lines = ["llm_meta_analysis: per-arm events and totals, abstract + results text with tables "
             "(binary triplets with complete gold; hint and outcome words given)"]
    for name in HALVES + ("all",):
        t = tallies[name]
        lines.append(f"  {name:<11} triplets {t.triplets:3d}  precision {_ratio(t.correct, t.asserted)}   "
                     f"recall {_ratio(t.hits, t.triplets)}   recall on printed gold {_ratio(t.printed_hits, t.printed)}"
                     f"   per-arm precision {_ratio(t.arm_correct, t.arm_asserted)}"
                     f"   rows failing checks {t.failed_checks}")
    t = tallies["all"]
    lines.append("  wrong tuples by kind:")
    lines += [f"    {n:4d}  {k}" for k, n in t.wrong.most_common()] or ["    none"]
    lines += [f"      e.g. {e}" for e in t.examples[:12]]
    lines.append("  misses by kind:")
    lines += [f"    {n:4d}  {k}" for k, n in t.misses.most_common()]
    return lines
