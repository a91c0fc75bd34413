"""A gated, windowed search finds a pattern exactly where a plain search of the whole text does."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models import rct_rules
from models.features import ABSTRACT_CUES
from models.text_scan import REACH, Pattern, Scan

PATTERNS = list({id(p): p for p in [*ABSTRACT_CUES, rct_rules.QUASI,
                                    *(r.pattern for r in rct_rules.RULES if r.pattern is not None)]}.values())
#: Words of the patterns and filler, so random texts hit the patterns often.
WORDS = ["patients", "were", "randomly", "assigned", "randomised", "randomized", "to", "a", "the", "we", "searched",
         "medline", "double-blind", "placebo-controlled", "trial", "study", "secondary", "analysis", "of", "data",
         "from", "will", "be", "case", "report", "this", "review", "retrospective", "cohort", "in", "randomization",
         "and", "METHODS:", "DESIGN:", "SEARCH", "STRATEGY:", "rats", "mice", "women", "protocol", "for", "quasi",
         "by", "alternation", "odd", "days", "pooled", "odds", "ratio", "p", "<", "0.05", "either", "or", "."]


def plain(pattern: Pattern, text: str) -> bool:
    return pattern.regex.search(text if pattern.cased else text.lower()) is not None


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=80), st.integers(0, 3))
def test_scan_agrees_with_a_plain_search(words, filler):
    text = " ".join(words) + " x" * filler * 100  # long texts exercise the windows
    scan = Scan("", text)
    for pattern in PATTERNS:
        assert scan.found(pattern, "abstract") == plain(pattern, text), pattern.name


def test_a_match_far_from_the_text_start_is_found():
    text = "filler " * (3 * REACH) + "patients were randomly assigned to heparin"
    assert Scan("", text).found(rct_rules.ALLOCATION, "abstract")


def test_anchors_must_be_lowercase():
    with pytest.raises(ValueError, match="lowercase"):
        Pattern("bad", ("Random",), r"random")


def test_scan_agrees_with_a_plain_search_on_real_abstracts(shared_data):
    from models import corpora
    records = itertools.islice(corpora.load_robotreviewer(shared_data) + corpora.load_pubmed_other(shared_data), 1200)
    for record in records:
        scan = Scan(record.article.title, record.article.abstract)
        for where, text in (("title", record.article.title), ("abstract", record.article.abstract)):
            for pattern in PATTERNS:
                assert scan.found(pattern, where) == plain(pattern, text), (record.article.pmid, pattern.name)
