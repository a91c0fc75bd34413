"""Brent's method must stop exactly where R's uniroot stops (values from R 4.2.2)."""

from __future__ import annotations

import math

import pytest

from models.pooling.rootfind import R_DEFAULT_TOL, RootNotBracketed, brent_root

# Rscript -e 'r <- uniroot(f, interval, tol = tol); sprintf("%.17g", r$root)'
UNIROOT = [
    pytest.param(lambda x: x ** 3 - 2 * x - 5, (0, 4), R_DEFAULT_TOL, 2.0945516481601172, id="cubic-default-tol"),
    pytest.param(lambda x: x ** 3 - 2 * x - 5, (0, 4), 1e-8, 2.0945514815030868, id="cubic-1e-8"),
    pytest.param(lambda x: math.exp(-x) - x, (-1, 3), R_DEFAULT_TOL, 0.56714335000344462, id="exp-default-tol"),
    pytest.param(lambda x: math.cos(x) - x ** 3, (0, 2), R_DEFAULT_TOL, 0.86547362733875499, id="cos-default-tol"),
    pytest.param(lambda x: math.log(x) - 0.3, (0.5, 10), R_DEFAULT_TOL, 1.3498608262061811, id="log-default-tol"),
    pytest.param(lambda x: (x - 0.123456) ** 5, (-2, 3), R_DEFAULT_TOL, 0.12346877045543796, id="flat-root"),
    pytest.param(lambda x: (x - 0.123456) ** 5, (-2, 3), 1e-8, 0.12345599925046918, id="flat-root-1e-8"),
]


@pytest.mark.parametrize(("f", "interval", "tol", "root"), UNIROOT)
def test_same_root_as_uniroot_to_the_last_bit(f, interval, tol, root):
    assert brent_root(f, *interval, tol=tol, maxiter=1000) == root


def test_unbracketed_root_is_refused():
    with pytest.raises(RootNotBracketed):
        brent_root(lambda x: x * x + 1, -1.0, 1.0)


def test_root_at_an_end_point_is_returned_at_once():
    assert brent_root(lambda x: x - 1.0, 1.0, 5.0) == 1.0
