"""Render PubMed's inline markup (``<b>``, ``<i>``, ``<sup>``, ``<sub>``, MathML) as plain text.

PubMed XML marks up titles, abstract sections and keywords with a few inline elements. Joining
their text naively is how other parsers produce ``"was0.85(95% CI"``; a number extractor then
reads one number where the author wrote two. The rules here keep every token apart that the
markup keeps apart, and keep numbers unambiguous:

* Emphasis (``<b>``, ``<i>``, ``<u>`` and any element we do not know) keeps the source's
  whitespace. Where an emphasis boundary sits between characters that would otherwise merge into
  one number-bearing token — letter|digit, digit|digit, digit or letter|``(``, ``)``/``%``|letter
  or digit — a space is inserted. Letter|letter boundaries are left as written, because markup
  inside a word is real (the ``T<i>X</i>Y`` motif of a kinase).
* ``<sup>`` after a non-space character becomes ``^`` + its text (``10<sup>6</sup>`` ->
  ``10^6``, ``m<sup>2</sup>`` -> ``m^2``): ``106`` would be a different number. A superscript made
  only of signs or footnote marks stays inline (``CD56<sup>+</sup>`` -> ``CD56+``), which is how
  immunophenotypes are written in plain text. A caret superscript is followed by a space when
  a letter or digit comes next, so the exponent ends where the markup ended.
* ``<sub>`` is appended as written (``E<sub>2</sub>`` -> ``E2``, ``IC<sub>50</sub>`` -> ``IC50``),
  the conventional plain-text forms vocabularies match; only a subscript that starts with a digit
  right after a digit gets ``_`` (``10<sub>2</sub>`` -> ``10_2``), so two numbers never merge.
* MathML is flattened with the same conventions (``msup`` -> ``^``, ``mfrac`` -> ``/``).

Whitespace runs become one space, the result is stripped and in Unicode NFC.
"""

from __future__ import annotations

import unicodedata
import xml.etree.ElementTree as ET

#: Superscripts made only of these stay inline: charges, immunophenotype signs, primes and
#: footnote marks ("CD56+", "CD16−", "5′"). Source: the inline forms used in PubMed plain text.
INLINE_SUPERSCRIPT_CHARS = frozenset("+-−–±′″'*†‡§¶#")

_OPENING = frozenset("([{")
_CLOSING = frozenset(")]}%")

#: Pairs of (left, right) character classes that merge into one token if nothing separates them:
#: L letter, D digit, O opening bracket, C closing bracket or percent sign.
_GLUING_PAIRS = frozenset({"LD", "DL", "DD", "LO", "DO", "CO", "CL", "CD"})

_EMPHASIS, _AFTER_EXPONENT, _AFTER_SUBSCRIPT = "emphasis", "after_exponent", "after_subscript"

_MATHML_NS = "{http://www.w3.org/1998/Math/MathML}"
#: Annotations repeat the formula in another notation; placeholders and spacing carry no text.
_MATH_DROPPED = frozenset({"annotation", "annotation-xml"})
_MATH_EMPTY = frozenset({"none", "mprescripts", "mspace"})


def normalise_text(text: str) -> str:
    """Collapse whitespace runs to one space, strip, and put the text in Unicode NFC.

    Parameters
    ----------
    text
        Any text; Unicode spaces (no-break, thin) count as whitespace.

    Returns
    -------
    str
        The normalised text.

    Examples
    --------
    >>> normalise_text("  live\\u00a0birth \\n rate ")
    'live birth rate'
    """
    text = " ".join(text.split())
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text


def render_inline(element: ET.Element) -> str:
    """Render an element's text with its inline markup, normalised (see the module docstring).

    Parameters
    ----------
    element
        An element whose content is text with inline markup (ArticleTitle, AbstractText, ...).

    Returns
    -------
    str
        One line of text: whitespace collapsed, stripped, NFC.

    Examples
    --------
    >>> import xml.etree.ElementTree as ET
    >>> render_inline(ET.fromstring("<t>OR was<b>0.85</b>(95% CI 0.7-1.0)</t>"))
    'OR was 0.85 (95% CI 0.7-1.0)'
    >>> render_inline(ET.fromstring("<t>10<sup>6</sup> cells; CD56<sup>+</sup>; E<sub>2</sub></t>"))
    '10^6 cells; CD56+; E2'
    """
    if len(element) == 0:
        return normalise_text(element.text or "")
    out = _Output()
    out.add(element.text)
    for child in element:
        _render_element(child, out)
        out.add(child.tail)
    return normalise_text(out.text())


def _char_class(char: str) -> str:
    if char.isdigit():
        return "D"
    if char.isalpha():
        return "L"
    if char in _OPENING:
        return "O"
    if char in _CLOSING:
        return "C"
    return "-"


def _needs_space(left: str, right: str, boundary: str) -> bool:
    """Whether a markup boundary between ``left`` and ``right`` must become a space."""
    if not left or left.isspace() or right.isspace():
        return False
    pair = _char_class(left) + _char_class(right)
    if boundary == _EMPHASIS:
        return pair in _GLUING_PAIRS
    if boundary == _AFTER_EXPONENT:
        return pair[1] in "LDO"
    return pair == "DD"  # after a subscript only two digits would merge


class _Output:
    """Text pieces plus one pending markup boundary, resolved when the next text arrives."""

    __slots__ = ("parts", "last", "pending")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.last = ""
        self.pending: str | None = None

    def add(self, text: str | None) -> None:
        if not text:
            return
        if self.pending is not None:
            if _needs_space(self.last, text[0], self.pending):
                self.parts.append(" ")
            self.pending = None
        self.parts.append(text)
        self.last = text[-1]

    def boundary(self, kind: str) -> None:
        # An emphasis boundary never weakens a stricter pending one (an exponent's end).
        if self.pending is None or kind != _EMPHASIS:
            self.pending = kind

    def text(self) -> str:
        return "".join(self.parts)


def _local_name(tag: object) -> str:
    if not isinstance(tag, str):  # comments and processing instructions
        return ""
    return tag.rpartition("}")[2] if tag[0] == "{" else tag


def _render_element(element: ET.Element, out: _Output) -> None:
    name = _local_name(element.tag)
    if not name:
        return
    if name == "sup":
        _add_superscript(render_inline(element), out)
    elif name == "sub":
        _add_subscript(render_inline(element), out)
    elif name == "math" or element.tag.startswith(_MATHML_NS):  # type: ignore[union-attr]
        out.boundary(_EMPHASIS)
        out.add(normalise_text(_render_math(element)))
        out.boundary(_EMPHASIS)
    else:  # b, i, u and anything unforeseen: emphasis
        out.boundary(_EMPHASIS)
        out.add(element.text)
        for child in element:
            _render_element(child, out)
            out.add(child.tail)
        out.boundary(_EMPHASIS)


def _add_superscript(text: str, out: _Output) -> None:
    if not text:
        return
    if all(char in INLINE_SUPERSCRIPT_CHARS for char in text):
        out.add(text)
    elif out.last and not out.last.isspace():
        out.pending = None  # the caret itself separates the exponent from its base
        out.add("^" + (f"({text})" if " " in text else text))
        out.boundary(_AFTER_EXPONENT)
    else:
        out.add(text)


def _add_subscript(text: str, out: _Output) -> None:
    if not text:
        return
    if out.last.isdigit() and text[0].isdigit():
        out.pending = None
        out.add("_" + text)
    else:
        out.add(text)
    out.boundary(_AFTER_SUBSCRIPT)


def _render_math(element: ET.Element) -> str:
    """Flatten a MathML subtree: token text in order, scripts as ``^``, fractions as ``/``."""
    name = _local_name(element.tag)
    if name in _MATH_EMPTY:
        return ""
    # Placeholders stay in the list: a script's meaning depends on its position.
    children = [child for child in element if _local_name(child.tag) not in _MATH_DROPPED]
    if not children:
        return element.text or ""
    parts = [_render_math(child) for child in children]
    if name == "msup" and len(parts) == 2:
        return f"{parts[0]}^{parts[1]}"
    if name == "msub" and len(parts) == 2:
        return _join_subscript(parts[0], parts[1])
    if name == "msubsup" and len(parts) == 3:
        return f"{_join_subscript(parts[0], parts[1])}^{parts[2]}"
    if name == "mfrac" and len(parts) == 2:
        return f"{parts[0]}/{parts[1]}"
    if name == "msqrt":
        return f"√({''.join(parts)})"
    if name == "mroot" and len(parts) == 2:
        return f"{parts[1]}√({parts[0]})"
    if name == "mmultiscripts":
        return _render_multiscripts(children, parts)
    if name == "semantics":
        return parts[0]
    return "".join(parts)


def _join_subscript(base: str, sub: str) -> str:
    if base[-1:].isdigit() and sub[:1].isdigit():
        return f"{base}_{sub}"
    return base + sub


def _render_multiscripts(children: list[ET.Element], parts: list[str]) -> str:
    """``<mmultiscripts>`` base (sub sup)* <mprescripts/> (presub presup)*, e.g. ³He."""
    names = [_local_name(child.tag) for child in children]
    split = names.index("mprescripts") if "mprescripts" in names else len(parts)
    base, post, pre = parts[0], parts[1:split], parts[split + 1:]
    text = "".join(pre) + base
    for index, script in enumerate(post):
        if script:
            text = _join_subscript(text, script) if index % 2 == 0 else f"{text}^{script}"
    return text
