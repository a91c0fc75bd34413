"""p-values: every printed form we rely on, and look-alikes that are not p-values."""

from __future__ import annotations

import pytest

from extractors.numbers import normalise
from extractors.p_values import find_p_values


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("P = 0.49", ("=", 0.49), id="equals"),
        pytest.param("P<.001", ("<", 0.001), id="leading-point"),
        pytest.param("p=0.047", ("=", 0.047), id="lower-case"),
        pytest.param("P \u2264 0.05", ("<=", 0.05), id="less-or-equal"),
        pytest.param("P = NS", ("ns", None), id="ns"),
        pytest.param("p-value = 0.382", ("=", 0.382), id="p-value"),
        pytest.param("P = 2 \u00d7 10^-5", ("=", 2e-05), id="scientific"),
        pytest.param("p 0.035", ("=", 0.035), id="no-operator"),
    ],
)
def test_p_values(text, expected):
    (p,) = find_p_values(normalise(text))
    assert (p.operator, p.value) == expected


@pytest.mark.parametrize("text", ["P4 levels", "p53 expression", "P = 1.7"], ids=["progesterone", "gene", "above-one"])
def test_not_p_values(text):
    assert find_p_values(text) == []
