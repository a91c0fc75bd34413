"""The word block: same grams in, same rows out; rows are l2-normalised sublinear tf-idf."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from models.tfidf import fit_tfidf, tokenize, word_grams

DOCS = ["a randomised trial of heparin", "a case report of heparin bleeding", "heparin heparin heparin"]


def test_rows_have_unit_length():
    block = fit_tfidf([word_grams(tokenize(d)) for d in DOCS], min_df=1)
    matrix = block.transform([word_grams(tokenize(d)) for d in DOCS])
    assert np.allclose(np.sqrt(matrix.multiply(matrix).sum(axis=1)).A.ravel(), 1.0)


def test_repeated_words_count_sublinearly():
    block = fit_tfidf([["heparin"], ["trial"]], min_df=1)
    once, thrice = block.transform([["heparin", "trial"], ["heparin"] * 3 + ["trial"]]).toarray()
    j = block.terms.index("heparin")
    ratio = (thrice[j] / thrice[1 - j]) / (once[j] / once[1 - j])
    assert np.isclose(ratio, 1 + np.log(3))


def test_unknown_grams_give_an_empty_row():
    block = fit_tfidf([["heparin"]], min_df=1)
    assert block.transform([["aspirin"]]).nnz == 0


@settings(max_examples=50, deadline=None)
@given(st.lists(st.text(alphabet="abc -", max_size=20), min_size=1, max_size=8))
def test_transform_is_row_by_row(texts):
    grams = [word_grams(tokenize(t)) for t in texts]
    block = fit_tfidf(grams, min_df=1)
    together = block.transform(grams).toarray()
    apart = np.vstack([block.transform([g]).toarray() for g in grams])
    assert np.allclose(together, apart)
