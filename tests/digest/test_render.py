"""Rendering: golden Markdown and text, escaping of everything that came from a paper, HTML that
stands alone, text that fits a mail reader."""

from __future__ import annotations

import html
import re
from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from config.schema import load_config
from digest.compose import compose_digest
from digest.render import TEXT_WIDTH, RenderError, md_escape, render

GOLDEN = Path(__file__).parent / "golden"
HOSTILE_TITLE = 'Trial of <script>alert("x")</script> & *bold* [link](javascript:alert(1)) `code` <img src=x onerror=y>'
HOSTILE_SENTENCE = "Live birth 9/20 vs 4/20 <b onmouseover=x>bold</b> | cell | ~~gone~~ &amp; more."


@pytest.fixture(scope="module")
def config():
    return load_config()


@pytest.mark.parametrize("week", ["busy", "quiet", "failed"])
@pytest.mark.parametrize("fmt", ["md", "txt"])
def test_rendering_matches_its_golden_file(digest_warehouse, config, week, fmt):
    con, ids = digest_warehouse
    rendered = render(compose_digest(con, ids[week], config), fmt)
    expected = (GOLDEN / f"{week}.{fmt}").read_text(encoding="utf-8")
    assert rendered == expected, (
        f"{week}.{fmt} differs from its golden file; if the change is intended, run "
        "`.venv/bin/python scripts/make_digest_golden.py` and review the diff")


def test_unknown_format_is_a_one_line_error(digest_warehouse, config):
    con, ids = digest_warehouse
    with pytest.raises(RenderError, match="unknown digest format 'pdf'"):
        render(compose_digest(con, ids["quiet"], config), "pdf")


@pytest.fixture()
def hostile_digest(digest_warehouse, digest_weeks, config):
    """A week whose one new trial has a title and an evidence sentence written to break markup."""
    con, _ = digest_warehouse
    weeks = digest_weeks
    from warehouse.runs import finish_run, start_run

    start_run(con, "2026-W41-snapshot", "snapshot", window_start=date(2026, 10, 2), window_end=date(2026, 10, 5),
              started_at=datetime(2026, 10, 5, 6))
    trial = weeks.Trial("99000099", HOSTILE_TITLE, "g_csf", "rif", 2, "women with <two> failed transfers",
                        date(2026, 10, 2), (weeks.Arm("live_birth", 9, 20, 4, 20, HOSTILE_SENTENCE),),
                        authors=("O'Brien <Q>",))
    weeks.add_trials(con, "2026-W41-snapshot", (trial,))
    finish_run(con, "2026-W41-snapshot", "succeeded")
    return compose_digest(con, "2026-W41-snapshot", config)


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def test_html_escapes_every_string_from_a_paper(hostile_digest):
    page = render(hostile_digest, "html")
    parsed = _Collector()
    parsed.feed(page)
    assert "script" not in {tag for tag, _ in parsed.tags}
    assert not any(k.startswith("on") for _, attrs in parsed.tags for k in attrs)
    assert not any(tag == "b" for tag, _ in parsed.tags)
    text = "".join(parsed.text)
    assert HOSTILE_TITLE in text and HOSTILE_SENTENCE in text
    assert "women with <two> failed transfers" in text


def test_markdown_escapes_every_string_from_a_paper(hostile_digest):
    markdown_it = pytest.importorskip("markdown_it")
    page = markdown_it.MarkdownIt("commonmark").enable("table").render(render(hostile_digest, "md"))
    parsed = _Collector()
    parsed.feed(page)
    assert not {"script", "img", "b", "code", "s", "del"} & {tag for tag, _ in parsed.tags}
    assert not any(attrs.get("href", "").startswith("javascript") for _, attrs in parsed.tags)
    text = "".join(parsed.text)
    assert HOSTILE_TITLE in text and HOSTILE_SENTENCE in text


def test_text_part_keeps_paper_strings_verbatim(hostile_digest):
    text = render(hostile_digest, "txt")
    assert HOSTILE_TITLE[:40] in " ".join(text.split())


#: Text made mostly of what Markdown reads as syntax, so emphasis, links, code, tags and entities
#: actually occur; plus any printable character.
MARKUP_TEXT = st.one_of(
    st.lists(st.sampled_from(list("ab1 *_`[]()<>!&#;|~\\-:/.x=\"'") + ["&amp;", "<b>", "http://x"]),
             max_size=30).map("".join),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=40),
)


@settings(max_examples=400, deadline=None)
@given(MARKUP_TEXT)
def test_markdown_escape_always_reads_back_as_the_same_text(value):
    markdown_it = pytest.importorskip("markdown_it")
    shown = markdown_it.MarkdownIt("commonmark").renderInline(md_escape(value))
    assert "<" not in shown.replace("&lt;", "")  # no tag of any kind was produced
    assert html.unescape(shown) == " ".join(value.split()).replace("\0", "\ufffd")


def test_html_is_self_contained_with_every_figure_inline(digest_warehouse, config):
    con, ids = digest_warehouse
    d = compose_digest(con, ids["busy"], config)
    page = render(d, "html")
    parsed = _Collector()
    parsed.feed(page)
    images = [attrs for tag, attrs in parsed.tags if tag == "img"]
    assert len(images) == 2 + 2 * 4 + 2  # flagged: forest inline + cumulative; moved: forest + cumulative
    assert all(a["src"].startswith("data:image/png;base64,") and a.get("alt") for a in images)
    external = [a for tag, a in parsed.tags if tag in ("link", "script", "iframe")]
    assert external == []
    links = [a["href"] for tag, a in parsed.tags if tag == "a" and not a["href"].startswith("#")]
    assert links and all(h.startswith("https://pubmed.ncbi.nlm.nih.gov/") for h in links)


def test_text_lines_fit_a_mail_reader(digest_warehouse, config):
    con, ids = digest_warehouse
    for week in ("busy", "quiet", "failed"):
        text = render(compose_digest(con, ids[week], config), "txt")
        long = [line for line in text.splitlines() if len(line) > TEXT_WIDTH and not re.search(r"https?://", line)]
        assert long == [], week


def test_every_format_carries_the_disclaimer(digest_warehouse, config):
    con, ids = digest_warehouse
    d = compose_digest(con, ids["quiet"], config)
    for fmt in ("md", "html", "txt"):
        flat = " ".join(render(d, fmt).split())
        assert "it does not recommend treatment" in flat, fmt
