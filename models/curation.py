"""What a maintainer may decide, checked before it is written: fields, values and their rules.

A decision's value arrives as text (a form field, a command-line option) and is stored as text in
``store.decisions.new_value``, which the views cast back. ``normalise_paper_value`` and
``normalise_effect_value`` check a value against the field's vocabulary or range and return the
text to store; ``check_effect`` checks that an effect still makes sense with the new value in
force (events within totals, the estimate within its interval). Every error is a
``CurationError`` whose message is one line naming the field and what was wrong.
"""

from __future__ import annotations

import math
from typing import Callable, Mapping, Sequence

from config.schema import DESIGNS, MEASURES, OUTCOMES, POPULATIONS
from models.effect_sizes import MEASURES as COUNT_MEASURES
from models.effect_sizes import RATIO_MEASURES, EffectSizeError, effect_from_counts

#: Why a paper is rejected (issue 7): not a randomised trial, not about immune therapy for RIF,
#: or a second report of a trial already in the warehouse.
REJECT_WHYS = ("not_a_trial", "off_topic", "duplicate")
PAPER_FIELDS = ("design", "is_rct", "therapies", "primary_therapy", "population", "rif_min_failures",
                "rif_definition_text")
EFFECT_FIELDS = ("outcome", "treat_events", "treat_total", "ctrl_events", "ctrl_total", "measure",
                 "estimate", "ci_low", "ci_high", "p_value")
COUNT_FIELDS = ("treat_events", "treat_total", "ctrl_events", "ctrl_total")
#: Values recomputed from corrected counts on an effect the machine computed from counts.
DERIVED_FIELDS = ("estimate", "ci_low", "ci_high", "p_value")
CURATION_FIELDS_HELP = (
    f"Paper fields: {', '.join(PAPER_FIELDS)} (therapies is a comma list; aliases: therapy, rif_definition, "
    f"min_failures). Effect fields, with --effect: {', '.join(EFFECT_FIELDS)}.")
#: Shorter names people type for paper fields.
ALIASES = {"therapy": "primary_therapy", "rif_definition": "rif_definition_text",
           "min_failures": "rif_min_failures", "rct": "is_rct"}
#: More failed attempts than anyone defines RIF by; a larger number is a typing slip.
MAX_RIF_FAILURES = 20
_TRUE, _FALSE = ("true", "yes", "1", "rct"), ("false", "no", "0")


class CurationError(ValueError):
    """A decision that cannot be recorded as given; the message names the field and the problem."""


def _choice(options: Sequence[str]) -> Callable[[str], str]:
    def check(text: str) -> str:
        if text not in options:
            raise ValueError(f"not one of: {', '.join(options)}")
        return text
    return check


def _boolean(text: str) -> str:
    low = text.lower()
    if low in _TRUE:
        return "true"
    if low in _FALSE:
        return "false"
    raise ValueError("not true or false")


def _count(text: str) -> str:
    if text == "":
        return ""
    if not text.isdigit():
        raise ValueError("not a whole number of people")
    return str(int(text))


def _number(text: str) -> str:
    if text == "":
        return ""
    try:
        value = float(text)
    except ValueError:
        raise ValueError("not a number") from None
    if not math.isfinite(value):
        raise ValueError("not a finite number")
    return repr(value)


def _probability(text: str) -> str:
    value = _number(text)
    if value and not 0.0 <= float(value) <= 1.0:
        raise ValueError("a p-value lies between 0 and 1")
    return value


def _min_failures(text: str) -> str:
    value = _count(text)
    if value and not 1 <= int(value) <= MAX_RIF_FAILURES:
        raise ValueError(f"must lie between 1 and {MAX_RIF_FAILURES}")
    return value


def _text(text: str) -> str:
    if not text:
        raise ValueError("must not be empty")
    return text


def canonical_paper_field(field: str) -> str:
    """The stored name of a paper field, accepting the aliases people type."""
    name = ALIASES.get(field, field)
    if name not in PAPER_FIELDS:
        raise CurationError(f"unknown paper field {field!r} (choose one of: {', '.join(PAPER_FIELDS)})")
    return name


def normalise_paper_value(field: str, text: str, therapy_ids: Sequence[str]) -> tuple[str, str]:
    """``(field, value to store)`` for a correction of a paper field.

    Examples
    --------
    >>> normalise_paper_value("therapy", "g_csf", ["g_csf", "pbmc"])
    ('primary_therapy', 'g_csf')
    >>> normalise_paper_value("therapies", "pbmc, g_csf", ["g_csf", "pbmc"])
    ('therapies', 'pbmc,g_csf')
    """
    name = canonical_paper_field(field)
    therapies = tuple(therapy_ids) + ("none",)
    rules: Mapping[str, Callable[[str], str]] = {
        "design": _choice(DESIGNS), "is_rct": _boolean, "primary_therapy": _choice(therapies),
        "population": _choice(POPULATIONS), "rif_min_failures": _min_failures,
        "rif_definition_text": _text,
    }
    value = " ".join((text or "").split())
    try:
        if name == "therapies":
            items = [t.strip() for t in value.split(",") if t.strip()]
            if not items:
                raise ValueError("name at least one therapy (or none)")
            for item in items:
                _choice(therapies)(item)
            return name, ",".join(dict.fromkeys(items))
        return name, rules[name](value)
    except ValueError as exc:
        raise CurationError(f"{name}: {value!r} is {exc}" if str(exc).startswith("not") else f"{name}: {exc}") from None


def normalise_effect_value(field: str, text: str) -> str:
    """The value to store for a correction of an effect field.

    Examples
    --------
    >>> normalise_effect_value("treat_events", "19")
    '19'
    >>> normalise_effect_value("ci_high", "3.1")
    '3.1'
    """
    rules: Mapping[str, Callable[[str], str]] = {
        "outcome": _choice(OUTCOMES), "measure": _choice(MEASURES), "estimate": _number, "ci_low": _number,
        "ci_high": _number, "p_value": _probability, **{name: _count for name in COUNT_FIELDS},
    }
    if field not in rules:
        raise CurationError(f"unknown effect field {field!r} (choose one of: {', '.join(EFFECT_FIELDS)})")
    value = (text or "").strip()
    try:
        return rules[field](value)
    except ValueError as exc:
        raise CurationError(f"{field}: {value!r} is {exc}" if str(exc).startswith("not") else f"{field}: {exc}") from None


def check_effect(values: Mapping[str, object]) -> None:
    """Refuse an effect whose values contradict each other (after a correction is applied)."""
    te, tn, ce, cn = (values.get(name) for name in COUNT_FIELDS)
    for events, total, arm in ((te, tn, "treat"), (ce, cn, "ctrl")):
        if events is not None and total is not None and int(events) > int(total):
            raise CurationError(f"{arm}_events {events} exceed {arm}_total {total}")
        if total is not None and int(total) == 0:
            raise CurationError(f"{arm}_total must be at least 1")
    measure, estimate = values.get("measure"), values.get("estimate")
    low, high = values.get("ci_low"), values.get("ci_high")
    if measure in RATIO_MEASURES + ("HR",):
        for name, value in (("estimate", estimate), ("ci_low", low), ("ci_high", high)):
            if value is not None and float(value) <= 0:
                raise CurationError(f"{name}: a {measure} must be above 0, got {value}")
    if low is not None and high is not None and float(low) > float(high):
        raise CurationError(f"ci_low {low} is above ci_high {high}")
    if estimate is not None and low is not None and high is not None and not float(low) <= float(estimate) <= float(high):
        raise CurationError(f"estimate {estimate} lies outside its interval {low} to {high}")


def derived_from_counts(values: Mapping[str, object]) -> dict[str, str]:
    """Estimate, interval and p-value recomputed from an effect's counts (empty if they cannot be).

    Used when a maintainer corrects a count of an effect the machine computed from counts, so
    the effect's ratio follows its corrected counts.

    Examples
    --------
    >>> d = derived_from_counts({"measure": "RR", "treat_events": 26, "treat_total": 66,
    ...                          "ctrl_events": 12, "ctrl_total": 51})
    >>> round(float(d["estimate"]), 2)
    1.67
    """
    counts = [values.get(name) for name in COUNT_FIELDS]
    measure = values.get("measure")
    if measure not in COUNT_MEASURES or any(v is None for v in counts):
        return {}
    try:
        size = effect_from_counts(str(measure), *(int(v) for v in counts))  # type: ignore[arg-type]
    except EffectSizeError:
        return {}
    if size is None:
        return {}
    return {"estimate": repr(size.estimate), "ci_low": repr(size.ci_low), "ci_high": repr(size.ci_high),
            "p_value": repr(size.p_value)}


def rejection_value(why: str, of_pmid: str | None, pmid: str) -> str:
    """The stored status of a rejected paper: ``rejected:<why>`` (``rejected:duplicate:<pmid>``)."""
    if why not in REJECT_WHYS:
        raise CurationError(f"--why {why!r} is not one of: {', '.join(REJECT_WHYS)}")
    if why == "duplicate":
        other = (of_pmid or "").strip()
        if not other.isdigit():
            raise CurationError("a duplicate needs the PMID of the report it duplicates (--of PMID)")
        if other == pmid:
            raise CurationError(f"PMID {pmid} cannot duplicate itself")
        return f"rejected:duplicate:{other}"
    if of_pmid:
        raise CurationError("--of PMID only applies to --why duplicate")
    return f"rejected:{why}"


def is_rct_for_design(design: str) -> bool | None:
    """What a corrected design says about ``is_rct``: true for ``rct``, false for non-trials,
    ``None`` (leave as is) for ``quasi_rct``."""
    if design == "rct":
        return True
    if design == "quasi_rct":
        return None
    return False
