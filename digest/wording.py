"""How the digest says numbers and states in words: pure functions, no I/O.

The rules: a ratio with two decimals and its 95% interval; the conventional p-value always shown;
the monitoring state said beside it, because it decides how much the conventional result means;
uncertainty named in plain words (single study, few trials, heterogeneity, a wide interval,
unconfirmed numbers) rather than left to the reader.
"""

from __future__ import annotations

import math

RATIO_MEASURES = ("RR", "OR", "HR")
#: GRADE's default imprecision thresholds: a relative change of 25% either way is "appreciable".
APPRECIABLE_LOW, APPRECIABLE_HIGH = 0.75, 1.25
#: Cochrane Handbook (ch. 10.10.2): I² of 50-90% "may represent substantial heterogeneity".
SUBSTANTIAL_I2 = 50.0
#: Below five studies the between-study variance, and so I², is poorly estimated.
FEW_TRIALS = 5
#: Estimates that differ by less than this are "unchanged" (the digest shows two decimals).
SAME_ESTIMATE = 0.005

#: What an event of each outcome is called in a sentence ("more live births with ...").
EVENT_WORDS = {
    "live_birth": "live births",
    "clinical_pregnancy": "clinical pregnancies",
    "ongoing_pregnancy": "ongoing pregnancies",
    "miscarriage": "miscarriages",
    "implantation": "implantations",
    "chemical_pregnancy": "chemical pregnancies",
}


def number(x: float | None) -> str:
    """Two decimals, a true minus sign, and an em dash for a missing value.

    Examples
    --------
    >>> number(1.994), number(-0.031), number(None)
    ('1.99', '−0.03', '—')
    """
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    return f"{x:.2f}".replace("-", "−")


def interval(low: float | None, high: float | None) -> str:
    """``1.17–3.36``; with a negative bound, ``−0.02 to 0.12`` (a dash would read as a minus).

    Examples
    --------
    >>> interval(1.17, 3.36), interval(-0.02, 0.12)
    ('1.17–3.36', '−0.02 to 0.12')
    """
    if low is not None and low < 0:
        return f"{number(low)} to {number(high)}"
    return f"{number(low)}–{number(high)}"


def estimate(measure: str, value: float | None, low: float | None, high: float | None) -> str:
    """``RR 1.99 (1.17–3.36)``.

    Examples
    --------
    >>> estimate("RR", 1.994, 1.171, 3.361)
    'RR 1.99 (1.17–3.36)'
    """
    return f"{measure} {number(value)} ({interval(low, high)})"


def p_value(p: float | None, operator: str | None = None) -> str:
    """``p = 0.004``, ``p < 0.001``; a reported operator (``<``) is kept.

    Examples
    --------
    >>> p_value(0.0043), p_value(0.00001), p_value(0.05, "<"), p_value(0.213)
    ('p = 0.004', 'p < 0.001', 'p < 0.05', 'p = 0.21')
    """
    if p is None:
        return "p not available"
    if p < 0.001:
        return "p < 0.001"
    shown = f"{p:.3f}" if p < 0.01 else f"{p:.2f}"
    op = operator if operator in ("<", ">", "≤", "≥") else "="
    return f"p {op} {shown}"


def fraction(x: float | None) -> str:
    """An information fraction with two decimals (``0.31``); above 1 it is shown as is."""
    return number(x)


def direction(measure: str, value: float | None, outcome: str, therapy: str) -> str | None:
    """``more live births with G-CSF``; ``None`` at no effect or without an estimate."""
    if value is None:
        return None
    null = 1.0 if measure in RATIO_MEASURES else 0.0
    if abs(value - null) < SAME_ESTIMATE:
        return None
    events = EVENT_WORDS.get(outcome, "events")
    return f"{'more' if value > null else 'fewer'} {events} with {therapy}"


def monitoring(significant_sequential: bool | None, information_fraction: float | None,
               z: float | None = None, z_boundary: float | None = None) -> str:
    """The monitoring state as a clause: crossed or not, at which information fraction.

    Examples
    --------
    >>> monitoring(False, 0.312)
    'the monitoring boundary is not yet crossed (information fraction 0.31)'
    >>> monitoring(True, 0.62, 3.1, 2.8)
    'the monitoring boundary is crossed (z 3.10 beyond 2.80; information fraction 0.62)'
    """
    if information_fraction is None or significant_sequential is None:
        return "no monitoring boundary was computed"
    if significant_sequential:
        where = f"z {number(abs(z))} beyond {number(z_boundary)}; " if z is not None and z_boundary is not None else ""
        return f"the monitoring boundary is crossed ({where}information fraction {fraction(information_fraction)})"
    return f"the monitoring boundary is not yet crossed (information fraction {fraction(information_fraction)})"


def trials(k: int | None, n_patients: int | None) -> str:
    """``3 trials, 414 women`` or ``single study, 89 women``.

    Examples
    --------
    >>> trials(1, 89), trials(3, 414), trials(2, None)
    ('single study, 89 women', '3 trials, 414 women', '2 trials')
    """
    head = "single study" if k == 1 else f"{k} trials"
    return f"{head}, {n_patients} women" if n_patients else head


def cautions(measure: str, k: int | None, low: float | None, high: float | None, i2: float | None,
             pi_low: float | None = None, pi_high: float | None = None,
             n_unconfirmed: int = 0) -> tuple[str, ...]:
    """The reasons to read an estimate with care, most important first.

    A single study is said by ``trials`` ("single study, 89 women"), so it is not repeated here.

    Examples
    --------
    >>> cautions("RR", 1, 0.6, 2.4, None, n_unconfirmed=1)
    ('wide interval: compatible with a 25% decrease and a 25% increase', 'numbers of 1 trial not yet confirmed')
    >>> cautions("RR", 3, 1.2, 1.6, 62.0)
    ('few trials (k = 3)', 'substantial heterogeneity (I² 62%)')
    >>> cautions("RR", 6, 1.2, 1.6, 12.0)
    ()
    """
    out = []
    if k is not None and 1 < k < FEW_TRIALS:
        out.append(f"few trials (k = {k})")
    if measure in RATIO_MEASURES and low is not None and high is not None:
        if low <= APPRECIABLE_LOW and high >= APPRECIABLE_HIGH:
            out.append("wide interval: compatible with a 25% decrease and a 25% increase")
    if i2 is not None and i2 >= SUBSTANTIAL_I2 and (k or 0) > 1:
        out.append(f"substantial heterogeneity (I² {i2:.0f}%)")
    null = 1.0 if measure in RATIO_MEASURES else 0.0
    if None not in (pi_low, pi_high, low, high) and pi_low <= null <= pi_high and not low <= null <= high:
        out.append("the prediction interval includes no effect")
    if n_unconfirmed:
        out.append(f"numbers of {n_unconfirmed} trial{'s' if n_unconfirmed > 1 else ''} not yet confirmed")
    return tuple(out)


def change(measure: str, k: int | None, value: float | None, significant: bool | None,
           prev_k: int | None, prev_value: float | None, prev_significant: bool | None) -> tuple[str, bool]:
    """What moved since the previous pooled run, and whether anything did.

    Examples
    --------
    >>> change("RR", 3, 1.57, True, 2, 1.31, False)
    ('+1 trial; RR 1.31 → 1.57; now conventionally significant', True)
    >>> change("RR", 3, 1.57, True, 3, 1.571, True)
    ('no change', False)
    """
    if k is None:
        return "no longer pooled", True
    if prev_k is None:
        return "new this week", True
    parts = []
    if k != prev_k:
        diff = k - prev_k
        parts.append(f"{'+' if diff > 0 else '−'}{abs(diff)} trial{'s' if abs(diff) > 1 else ''}")
    if value is not None and prev_value is not None and abs(value - prev_value) >= SAME_ESTIMATE:
        parts.append(f"{measure} {number(prev_value)} → {number(value)}")
    if significant != prev_significant and significant is not None and prev_significant is not None:
        parts.append("now conventionally significant" if significant else "no longer conventionally significant")
    return ("; ".join(parts), True) if parts else ("no change", False)


def citation(authors: tuple[str, ...] | None, year: int | None, journal: str | None = None) -> str:
    """``Varga E et al., 2026`` (+ ``, Journal`` when given).

    Examples
    --------
    >>> citation(("Varga E", "Chen L"), 2026), citation(("Novak J",), 2025, "J Test")
    ('Varga E et al., 2026', 'Novak J, 2025, J Test')
    """
    who = "Anonymous" if not authors else authors[0] + (" et al." if len(authors) > 1 else "")
    parts = [who, str(year) if year else "n.d."]
    if journal:
        parts.append(journal)
    return ", ".join(parts)


def in_sentence(label: str) -> str:
    """A label as it reads mid-sentence: ``intrauterine hCG``, but ``G-CSF`` and ``IVIG`` kept.

    Examples
    --------
    >>> in_sentence("Intrauterine hCG"), in_sentence("G-CSF"), in_sentence("IVIG")
    ('intrauterine hCG', 'G-CSF', 'IVIG')
    """
    if len(label) > 1 and label[0].isupper() and label[1].islower():
        return label[0].lower() + label[1:]
    return label


def counts_phrase(n: int, one: str, many: str | None = None) -> str:
    """``1 new trial``, ``3 new trials``, ``no new trials``."""
    many = many or one + "s"
    if n == 0:
        return f"no {many}"
    return f"{n} {one if n == 1 else many}"
