"""Trie-shaped alternations match exactly the phrases they were built from, longest first."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from extractors.patterns import trie_pattern

words = st.text(alphabet="abc -", min_size=1, max_size=6)


@given(st.lists(words, min_size=1, max_size=12), words)
def test_fullmatch_is_membership(phrases, probe):
    regex = re.compile(trie_pattern(phrases))
    assert bool(regex.fullmatch(probe)) == (probe in phrases)


@given(st.lists(words, min_size=1, max_size=12))
def test_longest_phrase_wins_at_a_position(phrases):
    regex = re.compile(trie_pattern(phrases))
    for phrase in phrases:
        m = regex.match(phrase)
        assert m is not None and m.group(0) == max((p for p in phrases if phrase.startswith(p)), key=len)


def test_empty_list_matches_nothing():
    assert re.compile(trie_pattern([])).search("anything") is None
