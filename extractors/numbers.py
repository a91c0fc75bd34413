"""The number grammar of trial abstracts: decimals, percentages, counts, group sizes.

Everything here works on text passed through :func:`normalise`, which maps look-alike characters
one-for-one (unicode minus and dashes to ``-``, the Lancet's mid-dot decimal ``·`` to ``.``,
no-break and thin spaces to `` ``), so every offset found in the normalised text is also an offset
into the original. Finders return plain records with ``start``/``end`` offsets; they do not decide
which arm or outcome a number belongs to (``extractors.effects`` does).

Finders expect normalised text. The grammar is conservative on purpose: a wrong number is worse than a missing one. A decimal
comma is read only inside a ratio statement (``OR 1,37 (0,55-3,36)``), where a thousands separator
cannot occur; a number split by markup remnants (``0 .85``) is not re-joined, because ``13 5``
could as well be two numbers.

Ratios with their intervals are read by ``extractors.ratios``, p-values by ``extractors.p_values``,
on the same footing.

Examples
--------
>>> [(c.events, c.total, c.percent) for c in find_counts("13/71 (18.3%) vs 10/71 (14.1%)")]
[(13, 71, 18.3), (10, 71, 14.1)]
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from extractors.patterns import trie_pattern

# --------------------------------------------------------------------------------------------
# Normalisation (length-preserving)
# --------------------------------------------------------------------------------------------

#: Characters printed for a hyphen, a range dash or a minus sign. Source: Unicode "Dash"
#: property plus U+2212 MINUS SIGN and the full-width/small forms seen in PubMed text.
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2796\ufe58\ufe63\uff0d"
#: Space characters other than U+0020 that PubMed renderings keep (no-break, thin, narrow ...).
_SPACES = "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u200b\u202f\u205f\u3000"
_TABLE = {ord(c): "-" for c in _DASHES}
_TABLE.update({ord(c): " " for c in _SPACES})
_TABLE.update({
    ord("\u00b7"): ".",  # Lancet-style decimal point "0·85"
    ord("\u2219"): ".",  # bullet operator used the same way
    ord("\u2044"): "/",  # fraction slash
    ord("\u2215"): "/",  # division slash
    ord("\uff05"): "%",
    ord("\uff1d"): "=",
    ord("\uff1c"): "<",
    ord("\uff1e"): ">",
    ord("\u2266"): "\u2264",
    ord("\u2267"): "\u2265",
    ord("\u2a7d"): "\u2264",
    ord("\u2a7e"): "\u2265",
})


def normalise(text: str) -> str:
    """Map look-alike characters one-for-one so offsets stay valid.

    Examples
    --------
    >>> normalise("RR 1·52 (95\u00a0% CI 1·18\u20131·96), P\u2009=\u20090·49; \u22120.5")
    'RR 1.52 (95 % CI 1.18-1.96), P = 0.49; -0.5'
    """
    if text.isascii():
        return text
    out = text.translate(_TABLE)
    assert len(out) == len(text)
    return out


# --------------------------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------------------------

#: An unsigned decimal: "12", "0.85", ".85". Not preceded by a word character or a point, so the
#: "6" of "IL-6" or the "2" of "G2" never starts a number.
NUM = r"(?<![\w.])(?:\d+(?:\.\d+)?|\.\d+)(?![\d])(?!\.\d)"
#: A decimal with an optional minus; the minus must not be a hyphen glued to a word ("IL-6").
SNUM = r"(?:(?<![\w.])-\s?)?(?:\d+(?:\.\d+)?|\.\d+)(?!\d)(?!\.\d)"
#: Inside ratio statements a decimal comma is read too ("1,37"): 1-3 digits after the comma and
#: no digit after those, so "1,234" (thousands) is still refused by the lookahead on 4 digits.
RNUM = r"(?:(?<![\w.,])-\s?)?(?:\d+(?:[.]\d+|,\d{1,2}(?!\d))?|\.\d+)(?!\d)(?!\.\d)"
#: A count: "43", "1,078" (thousands separator), never a decimal.
INT = r"(?<![\w.,])(?:\d{1,3}(?:,\d{3})+|\d+)(?![\d])(?!\.\d)(?!,\d{3})"
PCT = r"(?:%|\s?per\s?cent\b|\s?percent\b)"

_NUMBER_RE = re.compile(RNUM)


def parse_number(token: str) -> float:
    """Read a numeric token the grammar matched: decimal point or comma, leading point, minus.

    Examples
    --------
    >>> parse_number("-0.12"), parse_number(".85"), parse_number("1,37"), parse_number("- 2")
    (-0.12, 0.85, 1.37, -2.0)
    """
    token = token.replace(" ", "")
    if "," in token:
        token = token.replace(",", ".")
    return float(token)


def parse_int(token: str) -> int:
    """Read a count, with or without a thousands separator ("1,078"), or as a word ("four")."""
    word = WORD_NUMBERS.get(token.lower())
    if word is not None:
        return word
    return int(token.replace(",", ""))


def decimals_of(token: str) -> int:
    """Digits printed after the decimal point (or comma): the precision a figure was rounded to."""
    token = token.strip()
    for sep in (".", ","):
        if sep in token:
            return len(token.split(sep, 1)[1])
    return 0


# --------------------------------------------------------------------------------------------
# Percentages and events
# --------------------------------------------------------------------------------------------


def percent_matches(events: int, total: int, percent: float, decimals: int) -> bool:
    """Whether ``events/total`` printed at ``decimals`` places could read ``percent``.

    Allows both round-half-up and round-half-even and truncation-free float noise: the printed
    figure must lie within half a unit of the last printed place (plus 1e-9).

    Examples
    --------
    >>> percent_matches(13, 71, 18.3, 1), percent_matches(13, 71, 18.4, 1)
    (True, False)
    """
    if total <= 0:
        return False
    exact = 100.0 * events / total
    return abs(exact - percent) <= 0.5 * 10.0 ** (-decimals) + 1e-9


def events_from_percent(percent: float, decimals: int, total: int) -> int | None:
    """The one event count that ``percent`` (printed to ``decimals`` places) of ``total`` proves.

    ``None`` when no integer, or more than one, rounds to the printed figure: then the figure does
    not prove the count and none is invented.

    Examples
    --------
    >>> events_from_percent(39.4, 1, 66), events_from_percent(40, 0, 250), events_from_percent(39.9, 1, 66)
    (26, None, None)
    """
    if total <= 0 or not 0 <= percent <= 100:
        return None
    centre = percent * total / 100.0
    candidates = [k for k in range(max(0, math.floor(centre) - 2), min(total, math.ceil(centre) + 2) + 1)
                  if percent_matches(k, total, percent, decimals)]
    return candidates[0] if len(candidates) == 1 else None


def sizes_from_percent(events: int, percent: float, decimals: int) -> list[int] | None:
    """Every group size of which ``events`` is ``percent`` (printed to ``decimals`` places).

    ``None`` when the sizes are too many to be worth listing (a coarse figure of few events):
    the figure then says nothing about the size.

    Examples
    --------
    >>> sizes_from_percent(43, 46.24, 2), sizes_from_percent(62, 40.3, 1), sizes_from_percent(25, 27.2, 1)
    ([93], [154], [92])
    >>> sizes_from_percent(3, 40, 0), sizes_from_percent(1, 50.0, 1), sizes_from_percent(3, 0.0, 1)
    ([], [2], [])
    """
    half = 0.5 * 10.0 ** (-decimals)
    if events <= 0 or not half < percent <= 100:
        return []
    low = math.floor(100.0 * events / (percent + half))
    high = math.ceil(100.0 * events / (percent - half))
    # A range this wide means the figure pins no size down; do not walk it.
    if high - low > 50:
        return None
    return [n for n in range(max(events, low), high + 1) if percent_matches(events, n, percent, decimals)]


# --------------------------------------------------------------------------------------------
# Counts: events of a group
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Count:
    """One group's events as printed: ``13/71 (18.3%)``, ``18.3% (13/71)``, ``26 of 66``, ``39.4%``.

    ``total`` is ``None`` when the text gives only events and a percentage ("26 (39.4%)") or only a
    percentage; ``events`` is ``None`` for a bare percentage. ``percent_decimals`` is the printed
    precision of ``percent``. ``unit`` is the noun after the count ("women", "cycles") when given.
    ``form`` names the printed form, for rule ids.
    """

    events: int | None
    total: int | None
    percent: float | None
    percent_decimals: int
    start: int
    end: int
    form: str
    unit: str | None = None
    group_size: int | None = None


#: Nouns counted in IVF results, mapped to the denominator unit they imply.
UNIT_NOUNS = {
    "women": "woman", "woman": "woman", "patients": "woman", "patient": "woman",
    "participants": "woman", "participant": "woman", "couples": "woman", "subjects": "woman",
    "cases": "woman", "cycles": "cycle", "cycle": "cycle", "transfers": "transfer",
    "transfer": "transfer", "ETs": "transfer", "embryos": "embryo", "embryo": "embryo",
    "blastocysts": "embryo", "blastocyst": "embryo", "pregnancies": "pregnancy",
    "pregnancy": "pregnancy", "infants": "infant", "babies": "infant", "neonates": "infant",
}
_UNIT = r"(?:\s+(?P<unit>(?i:women|woman|patients?|participants?|couples|subjects|cases|cycles?|transfers?|embryos?|blastocysts?|pregnancies|pregnancy|infants|babies|neonates)|ETs)\b)?"
_PCT_NUM = r"(?:\d+(?:\.\d+)?|\.\d+)"
#: Not a dose: "budesonide/formoterol 320/9 µg".
_NOT_DOSE = r"(?!\s?(?:\u00b5g|\u03bcg|mcg|mg|g|IU|iu|ml|mL)\b)"
_FRACTION = rf"(?<!/)(?P<e>{INT})\s?/\s?(?P<n>{INT})(?!\s?/\s?\d){_NOT_DOSE}"
#: Counts written as words ("four of 313", "Forty-two women (35.0%)"), zero to ninety-nine: style
#: guides spell out a number that opens a sentence.
WORD_NUMBERS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen".split())}
for _tens, _word in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), start=2):
    WORD_NUMBERS[_word] = 10 * _tens
    for _unit in range(1, 10):
        WORD_NUMBERS[f"{_word}-{list(WORD_NUMBERS)[_unit]}"] = 10 * _tens + _unit
WORD_NUMBERS["none"] = 0
#: Built as a trie: a hundred alternatives tried at every position would dominate the grammar's time.
WORD_INT = r"(?<![\w-])(?i:" + trie_pattern(WORD_NUMBERS) + r")(?![\w-])"
_WORD_INT = WORD_INT
_OF = rf"(?P<e2>{INT}|{_WORD_INT})\s+(?:out\s+)?of\s+(?:the\s+)?(?P<n2>{INT})(?![\w.])"
#: "36.0% of transfers": what a bare percentage is a share of, when printed right after it. Looked
#: at, not consumed (the count's span stays the figure), so a rate per transfer, cycle, embryo or
#: pregnancy is never turned into events over the arm's women.
_OF_UNIT = (r"(?:(?=\s+of\s+(?:all\s+|the\s+)?(?:\w+\s+)?"
            r"(?P<unit>(?i:women|patients|participants|couples|cycles|transfers|embryos|blastocysts|pregnancies)|ETs)\b))?")
_COUNT_RE = re.compile(
    # 18.3% (13/71) | 18.3% [13 of 71]
    rf"(?<![\w.])(?P<p1>{_PCT_NUM})\s?%\s*[\(\[]\s*(?:(?P<e1>{INT}|{_WORD_INT})\s?(?:/|\s(?:out\s+)?of\s)\s?(?P<n1>{INT})"
    rf"{_UNIT.replace('unit', 'u1')}\s*[\)\]]|n\s?=\s?(?P<nn1>{INT})\s*[\)\]])"
    # 13/71 (18.3%) | 13/71 women (18.3%) | 13/71, 18.3% | 13 of 71 (18.3%)
    rf"|(?:{_FRACTION}|{_OF}){_UNIT.replace('unit', 'u2')}"
    rf"(?:\s*[\(\[]\s*(?P<p2>{_PCT_NUM})\s?%\s*[\)\]]|\s*,\s*(?P<p2b>{_PCT_NUM})\s?%)?"
    # 18 (36.0%) of 50 | 18 (36%) out of 50 women: events, their share, then the total
    rf"|(?P<e8>{INT}|{_WORD_INT})\s*[\(\[]\s*(?P<p8>{_PCT_NUM})\s?%\s*[\)\]]\s+(?:out\s+)?of\s+(?:the\s+)?"
    rf"(?P<n8>{INT})(?![\w.]){_UNIT.replace('unit', 'u8')}"
    # 26 (39.4%) | 26 women (39.4%)
    rf"|(?P<e3>{INT}|{_WORD_INT}){_UNIT.replace('unit', 'u3')}\s*[\(\[]\s*(?P<p3>{_PCT_NUM})\s?%\s*[\)\]]"
    # (n = 75; 30.7%): a group's size and its rate
    rf"|[\(\[]\s*n\s?=\s?(?P<nn7>{INT})\s*[;,]\s*(?P<p7>{_PCT_NUM})\s?%\s*[\)\]]"
    # 41.6 versus 44.4%: one percent sign for both figures
    rf"|(?<![\w.])(?P<p5>{_PCT_NUM})\s+(?:vs\.?|versus|and)\s+(?P<p6>{_PCT_NUM})\s?%(?!\s*-?\s*(?:CI|C\.I|(?i:confidence)))"
    rf"{_OF_UNIT.replace('unit', 'u6')}"
    # 39.4% | 39.4 percent
    rf"|(?<![\w.])(?P<p4>{_PCT_NUM})\s?{PCT}(?!\s*-?\s*(?:CI|C\.I|(?i:confidence)))(?!\s*[\(\[]\s*\d+\s?/)(?:\s*[\(\[]\s*n\s?=\s?(?P<nn4>{INT})\s*[\)\]])?"
    rf"{_OF_UNIT.replace('unit', 'u4')}"
)


def _pct(token: str | None) -> tuple[float | None, int]:
    if token is None:
        return None, 0
    return float(token), decimals_of(token)


def find_counts(text: str, start: int = 0, end: int | None = None) -> list[Count]:
    """Every group-level count or percentage in ``text[start:end]``, left to right.

    Examples
    --------
    >>> [(c.form, c.events, c.total, c.percent) for c in find_counts(
    ...     "18.3% (13/71) vs 14.1% (10/71); 26 of 66 women (39.4%); 26 (39.4%); 46.24% (n = 43)")]
    ... # doctest: +NORMALIZE_WHITESPACE
    [('pct_fraction', 13, 71, 18.3), ('pct_fraction', 10, 71, 14.1), ('of_pct', 26, 66, 39.4),
     ('events_pct', 26, None, 39.4), ('pct_n', None, None, 46.24)]
    """
    end = len(text) if end is None else end
    found: list[Count] = []
    for m in _COUNT_RE.finditer(text, start, end):
        g = m.group
        if g("p1") is not None:
            pct, dec = _pct(g("p1"))
            if g("nn1") is not None:
                found.append(Count(None, None, pct, dec, m.start(), m.end(), "pct_n",
                                   group_size=parse_int(g("nn1"))))
                continue
            e, n = parse_int(g("e1")), parse_int(g("n1"))
            found.append(Count(e, n, pct, dec, m.start(), m.end(), "pct_fraction", _unit(g("u1"))))
        elif g("e") is not None or g("e2") is not None:
            e = parse_int(g("e") if g("e") is not None else g("e2"))
            n = parse_int(g("n") if g("n") is not None else g("n2"))
            pct, dec = _pct(g("p2") or g("p2b"))
            form = ("fraction" if g("e") is not None else "of") + ("_pct" if pct is not None else "")
            found.append(Count(e, n, pct, dec, m.start(), m.end(), form, _unit(g("u2"))))
        elif g("e8") is not None:
            pct, dec = _pct(g("p8"))
            found.append(Count(parse_int(g("e8")), parse_int(g("n8")), pct, dec, m.start(), m.end(), "of_pct",
                               _unit(g("u8"))))
        elif g("e3") is not None:
            pct, dec = _pct(g("p3"))
            found.append(Count(parse_int(g("e3")), None, pct, dec, m.start(), m.end(), "events_pct",
                               _unit(g("u3"))))
        elif g("p7") is not None:
            pct, dec = _pct(g("p7"))
            found.append(Count(None, None, pct, dec, m.start(), m.end(), "pct_n", group_size=parse_int(g("nn7"))))
        elif g("p5") is not None:
            for name in ("p5", "p6"):
                pct, dec = _pct(g(name))
                found.append(Count(None, None, pct, dec, m.start(name), m.end(name) + (name == "p6"), "pct",
                                   _unit(g("u6"))))
        else:
            pct, dec = _pct(g("p4"))
            size = parse_int(g("nn4")) if g("nn4") is not None else None
            found.append(Count(None, None, pct, dec, m.start(), m.end(),
                               "pct_n" if size is not None else "pct", _unit(g("u4")), group_size=size))
    return found


def _unit(token: str | None) -> str | None:
    if token is None:
        return None
    return UNIT_NOUNS.get(token) or UNIT_NOUNS.get(token.lower())


# --------------------------------------------------------------------------------------------
# Group sizes: "n = 43", "(n=66)", "N = 117"
# --------------------------------------------------------------------------------------------

_N_RE = re.compile(rf"(?<![\w])[nN]\s?=\s?(?P<n>{INT})")


def find_group_sizes(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, int]]:
    """``(size, start, end)`` for every ``n = 43`` in ``text[start:end]``.

    Examples
    --------
    >>> find_group_sizes("EST (n = 66) or no scratch (n=51)")
    [(66, 5, 11), (51, 28, 32)]
    """
    end = len(text) if end is None else end
    return [(parse_int(m.group("n")), m.start(), m.end()) for m in _N_RE.finditer(text, start, end)]
