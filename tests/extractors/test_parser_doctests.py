"""The ``Examples`` sections of the parsing modules run as doctests."""

from __future__ import annotations

import doctest

import pytest

import extractors.abstracts
import extractors.formats
import extractors.markup
import extractors.medline
import extractors.pubmed_xml


@pytest.mark.parametrize(
    "module",
    [extractors.abstracts, extractors.formats, extractors.markup, extractors.medline,
     extractors.pubmed_xml],
    ids=lambda module: module.__name__,
)
def test_examples_run(module):
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
