"""Render a ``Digest`` as Markdown, self-contained HTML or plain text (jinja2 templates).

Every string that came from a paper is escaped for its format: HTML by jinja2's autoescape, and
Markdown by an equivalent ``finalize`` hook that backslash-escapes Markdown syntax and HTML, so a
title holding ``<script>`` or ``*`` shows as text in any Markdown viewer. Only values the renderer
builds itself (wrapped in ``Markup``) pass unescaped.

The HTML is one file: its images are PNGs inline as ``data:`` URIs and its style is in the head,
so it can be archived, opened offline or mailed as it is (``flows.mail`` turns the images into
inline MIME parts, which mail clients show more reliably).
"""

from __future__ import annotations

import base64
import re
import textwrap
from functools import lru_cache

import jinja2
from markupsafe import Markup

from digest import plots
from digest.records import Digest, Figure

FORMATS = ("md", "html", "txt")
#: What Markdown (CommonMark + tables) would read as syntax inside inline text: emphasis, code,
#: links, strikethrough, table cells, and ``<`` / ``&`` where they could open a tag or an entity.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~]|<(?=[A-Za-z/!?])|&(?=[#A-Za-z]))")
#: Line width of the plain-text part; mail readers wrap longer lines unpredictably (RFC 5322: 78).
TEXT_WIDTH = 78


class RenderError(ValueError):
    """An unknown output format."""


def md_escape(value) -> str:
    """Escape a string for Markdown inline text; ``Markup`` passes as it is.

    Examples
    --------
    >>> print(md_escape("IL-17 <b>&amp;</b> *Th17*, p < 0.05 & more"))
    IL-17 \\<b>\\&amp;\\</b> \\*Th17\\*, p < 0.05 & more
    """
    if value is None:
        return ""
    if isinstance(value, Markup):
        return str(value)
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(value).split()))


def _md_finalize(value):
    return Markup(md_escape(value)) if not isinstance(value, Markup) else value


def _one_line(value) -> str:
    return " ".join(str(value or "").split())


def _wrap(value, indent: str = "", first: str | None = None) -> str:
    return textwrap.fill(_one_line(value), width=TEXT_WIDTH, initial_indent=first if first is not None else indent,
                         subsequent_indent=indent, break_on_hyphens=False, break_long_words=False)


def _md_link(text, url) -> Markup:
    """A Markdown link whose text is escaped and whose URL cannot break out of its parentheses."""
    safe_url = str(url).replace(" ", "%20").replace("(", "%28").replace(")", "%29")
    return Markup(f"[{md_escape(text)}]({safe_url})")


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


@lru_cache(maxsize=1)
def _environments() -> dict[str, jinja2.Environment]:
    loader = jinja2.PackageLoader("digest", "templates")
    common = dict(loader=loader, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                  undefined=jinja2.StrictUndefined)
    html = jinja2.Environment(autoescape=True, **common)
    md = jinja2.Environment(autoescape=False, finalize=_md_finalize, **common)
    md.filters["link"] = _md_link
    txt = jinja2.Environment(autoescape=False, **common)
    txt.filters["wrap"] = _wrap
    for env in (html, md, txt):
        env.filters["one_line"] = _one_line
    return {"html": html, "md": md, "txt": txt}


def figure_images(figure: Figure) -> dict[str, str]:
    """The figure's PNGs as ``data:`` URIs, by ``forest`` / ``cumulative``."""
    out = {}
    if figure.forest is not None and figure.forest.rows:
        out["forest"] = _data_uri(plots.draw_forest(figure.forest))
    if figure.cumulative is not None and figure.cumulative.points:
        out["cumulative"] = _data_uri(plots.draw_cumulative(figure.cumulative))
    return out


def render(digest: Digest, fmt: str) -> str:
    """The digest as ``md``, ``html`` or ``txt``."""
    if fmt not in FORMATS:
        raise RenderError(f"unknown digest format {fmt!r} (choose one of: {', '.join(FORMATS)})")
    env = _environments()[fmt]
    context = {"d": digest, "h": digest.headline}
    if fmt == "html":
        context["images"] = {f.key: figure_images(f) for f in digest.figures}
    return env.get_template(f"digest.{fmt}.j2").render(**context)


def render_all(digest: Digest) -> dict[str, str]:
    """Every format, keyed as ``store.digests.format`` expects."""
    return {fmt: render(digest, fmt) for fmt in FORMATS}

