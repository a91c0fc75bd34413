"""Reported ratios and risk differences with their intervals: ``OR 1.37, 95% CI 0.55–3.36``.

The forms papers print: ``RR: 1.67 (0.94–2.98)``, ``(OR = 2.94, 95% CI = 1.23–8.33)``,
``RR 1.52, 95 % CI 1.18–1.96``, ``relative risk (RR) 1.92, 95% confidence interval (CI) 1.36 to
2.71``, ``Cox hazard ratio (95% confidence interval), 0.663 (0.447–0.983)``, with a decimal comma
or the Lancet's mid-dot, dashes or "to", and a p-value after. Text must be normalised
(``extractors.numbers.normalise``).

What is not read, on purpose: mean differences, rate and incidence-rate ratios (and "RR" where the
abstract defines it as a rate ratio), "OR" without a number (oocyte retrieval, Boolean OR), a
ratio printed in percent, and a bare range that does not bracket its estimate.

Examples
--------
>>> from extractors.numbers import normalise
>>> [(r.measure, r.estimate, r.ci_low, r.ci_high) for r in find_ratios(normalise("OR 1.37, 95% CI 0.55–3.36"))]
[('OR', 1.37, 0.55, 3.36)]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.numbers import RNUM, decimals_of, parse_number
from extractors.p_values import find_p_values


@dataclass(frozen=True, slots=True)
class Ratio:
    """A reported effect measure: ``OR 1.37, 95% CI 0.55–3.36``.

    ``measure`` is ``RR``, ``OR``, ``HR`` or ``RD``; RD printed in percent (or percentage points)
    is converted to a proportion. ``ci_level`` is the interval's coverage in percent (95 unless
    printed otherwise); ``labelled_ci`` tells whether the text said "CI" or left a bare bracket.
    ``lead`` is the text between the measure's name and its value ("for live birth was"), which
    often names the outcome.
    """

    measure: str
    estimate: float
    ci_low: float | None
    ci_high: float | None
    ci_level: float | None
    adjusted: bool
    labelled_ci: bool
    start: int
    end: int
    lead: str = ""
    p_value: float | None = None
    p_operator: str | None = None


#: Measure names. Abbreviations are case-sensitive ("or" is a conjunction, "OR" in a search
#: string is Boolean); full names are not. IRR, "rate ratio", ratios of means, ARR (adjusted risk
#: ratio or absolute risk reduction?) are deliberately absent: they are not our binary measures
#: or are ambiguous.
_MEASURE_WORDS = [
    (r"(?:relative\s+risks?|risk\s+ratios?)", "RR"),
    (r"odds\s+ratios?", "OR"),
    (r"hazard\s+ratios?", "HR"),
    (r"(?:absolute\s+)?risk\s+differences?", "RD"),
    (r"absolute\s+(?!mean\b)(?:[a-z]+\s+)?differences?", "RD"),
]
_MEASURE_ABBR = [("RR", "RR"), ("OR", "OR"), ("HR", "HR"), ("RD", "RD"),
                 ("aRR", "RR"), ("aOR", "OR"), ("AOR", "OR"), ("aHR", "HR"), ("AHR", "HR")]
_ADJ = r"(?:(?i:adjusted|adj\.?|multivariate|multivariable)\s+)"
_MEASURE = (
    r"(?P<measure>"
    + r"|".join(rf"(?P<w{i}>(?i:{pat}))" for i, (pat, _) in enumerate(_MEASURE_WORDS))
    + r"|"
    + r"|".join(rf"(?P<a{i}>(?<![\w-]){abbr}(?![A-Za-z_-]))" for i, (abbr, _) in enumerate(_MEASURE_ABBR))
    + r")"
)


def _ci_label(p: str) -> str:
    """An interval label ("95% CI", "95 % confidence interval", "CI 95%", "CI"); groups prefixed ``p``."""
    return (
        rf"(?:(?:(?P<{p}level>\d{{2}}(?:\.\d)?)\s?%\s*-?\s*(?:CIs?|C\.I\.?|(?i:confidence\s+(?:intervals?|limits?)))"
        rf"|(?:CI|(?i:confidence\s+interval))\s*(?P<{p}level2>\d{{2}})\s?%"
        rf"|(?P<{p}bare>CI|(?i:confidence\s+interval)))"
        r"(?:\s*[\(\[]\s*CIs?\s*[\)\]])?)"
    )


# "~" (also U+223C, U+FF5E) is how many papers from China and Japan print a range: "1.04 ~ 4.78"
_SEP = r"\s*(?:-|~|\u223c|\uff5e|to|,|;|and)\s*"
_RATIO_RE = re.compile(
    rf"(?P<adj>{_ADJ})?{_MEASURE}"
    # "relative risk (RR)", "odds ratio [OR]"
    r"(?:\s*[\(\[]\s*(?:a?RR|a?OR|AOR|a?HR|RD)s?\s*[\)\]])?"
    # "hazard ratios (rizatriptan vs. other triptans)": what is compared, no number in it
    r"(?:\s*\([^()\d]{1,60}\))?"
    # "OR (95% CI)" or "relative risk, 95% CI" naming the interval before the value
    rf"(?:\s*,?\s*(?P<hopen>[\(\[])?\s*(?P<head>{_ci_label('h')})\s*(?P<hclose>[\)\]])?)?"
    # "for live birth was", "of", ":", "="
    # digits only inside words ("HVTN 503-S"), never a number of their own
    r"(?P<lead>(?:\s+(?:for|of|in|on|with|between|over|comparing|vs\.?|versus)\s+"
    r"(?:[^\d;:=()\[\]<>%]|(?<=[A-Za-z-])\d|\d(?=[\w-]*[A-Za-z])){1,80}?)?)"
    r"\s*(?:[:=,]|\s(?:of|was|were|is|being|equal to|amounted to))?\s*(?::|=)?\s*"
    rf"(?P<est>{RNUM})\s*(?P<est_pct>%|\s?percentage points?)?"
    # "OR 1.02 per kg/m2": the estimate's unit
    r"(?:\s+per\s+[^\s,;()\[\]]{1,15})?"
    r"\s*(?:[,;]|\.(?=\s))?\s*(?P<open>[\(\[])?\s*"
    rf"(?:(?P<ci>{_ci_label('c')})\s*[\)\]]?\s*(?:[:=,;]|\s(?:of|was|is|from|between))?\s*[:=]?\s*[\(\[]?\s*)?"
    rf"(?P<low>{RNUM})\s*(?P<low_pct>%)?{_SEP}(?P<high>{RNUM})\s*(?P<high_pct>%)?"
    r"(?P<close>\s*[\)\]])?"
)

_WORD_MEASURES = [m for _, m in _MEASURE_WORDS]
_ADJUSTED_ABBR = frozenset({"aRR", "aOR", "AOR", "aHR", "AHR"})


def _measure_of(m: re.Match) -> tuple[str, str]:
    """``(measure, name as printed)`` of a ratio match."""
    for i, measure in enumerate(_WORD_MEASURES):
        if m.group(f"w{i}"):
            return measure, m.group(f"w{i}")
    for i, (abbr, measure) in enumerate(_MEASURE_ABBR):
        if m.group(f"a{i}"):
            return measure, abbr
    raise AssertionError("measure group without a measure")


#: "incidence rate ratio (IRR/RR)": an abstract that defines RR as a rate ratio (not our measure).
_RATE_RATIO_RR = re.compile(r"(?i:rate\s+ratios?)\s*[\(\[]\s*(?:I?RR)\s*[\)\]]")
#: A cheap test that a span could hold a ratio statement at all.
_RATIO_TRIGGER = re.compile(r"(?i:ratio|risk|difference)|RR|OR|HR|RD")
_TRAILING_P = re.compile(r"\s*[,;]?\s*(?:and\s+)?(?=[Pp](?![\w]))")


def find_ratios(text: str, start: int = 0, end: int | None = None) -> list[Ratio]:
    """Every ratio (RR, OR, HR) or risk difference with its interval in ``text[start:end]``.

    A statement is read when it names its measure and either labels its interval ("95% CI") or
    puts it in brackets right after the estimate. Mean differences, rate ratios and IRRs are not
    read: they are not binary-outcome measures.

    Examples
    --------
    >>> from extractors.numbers import normalise
    >>> [(r.measure, r.estimate, r.ci_low, r.ci_high, r.p_value) for r in find_ratios(
    ...     normalise("RR: 1.67 (0.94 to 2.98); (OR = 2.94, 95% CI = 1.23–8.33, P = 0.01)"))]
    [('RR', 1.67, 0.94, 2.98, None), ('OR', 2.94, 1.23, 8.33, 0.01)]
    """
    end = len(text) if end is None else end
    found: list[Ratio] = []
    if not _RATIO_TRIGGER.search(text, start, end):
        return found
    rate_rr: bool | None = None
    for m in _RATIO_RE.finditer(text, start, end):
        measure, name = _measure_of(m)
        if name in ("RR", "aRR") and rate_rr is None:
            rate_rr = bool(_RATE_RATIO_RR.search(text))
        if name in ("RR", "aRR") and rate_rr:
            continue  # this abstract defined "RR" as a rate ratio
        adjusted = bool(m.group("adj")) or name in _ADJUSTED_ABBR
        head = m.group("head")
        ci = m.group("ci")
        if head and ci:
            continue  # two interval labels: a garbled statement
        label = head or ci
        bracketed = bool(m.group("open")) and bool(m.group("close"))
        if head and m.group("hopen") and not m.group("hclose"):
            continue
        level_text = m.group("hlevel") or m.group("hlevel2") or m.group("clevel") or m.group("clevel2")
        level = float(level_text) if level_text else (95.0 if label or bracketed else None)
        try:
            est = parse_number(m.group("est"))
            low = parse_number(m.group("low"))
            high = parse_number(m.group("high"))
        except ValueError:
            continue
        pct_scale = bool(m.group("est_pct") or m.group("low_pct") or m.group("high_pct"))
        if measure != "RD" and pct_scale:
            continue  # "RR 12%": not a ratio as printed
        if not label and not bracketed and not (min(low, high) <= est <= max(low, high)):
            continue
        if measure == "RD":
            # "absolute difference 0.4" could be a mean difference: only "risk difference"/"RD"
            # may be printed as a proportion; any other difference must be in percent.
            if not pct_scale and "risk" not in name.lower() and name != "RD":
                continue
            if pct_scale:
                est, low, high = (round(parse_number(m.group(g)) / 100.0, decimals_of(m.group(g)) + 2)
                                  for g in ("est", "low", "high"))
        lead = m.group("lead").strip()
        ratio_end = m.end()
        p_value = p_operator = None
        tail = _TRAILING_P.match(text, ratio_end, end)
        if tail:
            ps = find_p_values(text, tail.end(), min(end, tail.end() + 40))
            if ps and ps[0].start == tail.end():
                p_value, p_operator = ps[0].value, ps[0].operator
                ratio_end = ps[0].end
                close = re.match(r"\s*[\)\]]", text[ratio_end:end])
                if close and m.group("open") and not m.group("close"):
                    ratio_end += close.end()
        ratio = Ratio(
            measure=measure, estimate=est, ci_low=low, ci_high=high,
            ci_level=level if level is not None else 95.0, adjusted=adjusted,
            labelled_ci=bool(label), start=m.start(), end=ratio_end, lead=lead,
            p_value=p_value, p_operator=p_operator,
        )
        found.append(ratio)
        if measure != "RD":
            found += _continuations(text, ratio, end)
    return found


#: "HRs were 0.915 (95% CI 0.625-1.339) for X and 0.927 (95% CI 0.634-1.356) for Y": a second
#: estimate of the same measure, each with its own labelled interval in brackets, joined by
#: words with no number and no other measure between.
_CONTINUATION = re.compile(
    rf"(?P<gap>[^\d;%=<>]{{0,80}}?)(?<![\w.])(?P<est>{RNUM})\s*[\(\[]\s*{_ci_label('k')}\s*[:=,]?\s*"
    rf"(?P<low>{RNUM}){_SEP}(?P<high>{RNUM})\s*(?:[,;]\s*)?")
_NOT_IN_GAP = re.compile(r"(?i:ratio|difference|mean|median|change|score|\bOR\b|\bRR\b|\bHR\b|\bMD\b)")


def _continuations(text: str, first: Ratio, end: int) -> list[Ratio]:
    found = []
    previous = first
    while True:
        m = _CONTINUATION.match(text, previous.end, end)
        if not m or _NOT_IN_GAP.search(m.group("gap")) or not re.search(r"\b(?:and|or|versus|vs|for)\b", m.group("gap")):
            return found
        level_text = m.group("klevel") or m.group("klevel2")
        try:
            est, low, high = (parse_number(m.group(g)) for g in ("est", "low", "high"))
        except ValueError:
            return found
        stop = m.end()
        p_value = p_operator = None
        ps = find_p_values(text, stop, min(end, stop + 30))
        if ps and not text[stop:ps[0].start].strip(" ;,"):
            p_value, p_operator, stop = ps[0].value, ps[0].operator, ps[0].end
        previous = Ratio(first.measure, est, low, high, float(level_text) if level_text else 95.0, first.adjusted,
                         True, m.start("est"), stop, "", p_value, p_operator)
        found.append(previous)
