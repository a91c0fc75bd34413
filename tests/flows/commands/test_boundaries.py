"""``rifwatch boundaries``: Lan-DeMets boundaries at given fractions."""

from __future__ import annotations

import json

import pytest

from flows import cli


@pytest.fixture(autouse=True)
def only_analyst_verbs(monkeypatch):
    monkeypatch.setattr(cli, "COMMANDS", ("pool", "boundaries"))


def test_json_boundaries(capsys):
    assert cli.main(["boundaries", "--fractions", "0.2,0.4,0.6,0.8,1", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert [round(b, 3) for b in payload["boundaries"]] == [4.877, 3.357, 2.680, 2.290, 2.031]
    assert payload["alpha_spent"][-1] == pytest.approx(0.05)


def test_table_with_pocock(capsys):
    assert cli.main(["boundaries", "--fractions", "0.2,0.45,0.7,1", "--spending", "pocock"]) == 0
    out = capsys.readouterr().out
    assert "pocock" in out and len(out.strip().splitlines()) == 6


@pytest.mark.parametrize(("fractions", "message"), [
    pytest.param("0.2,abc,1", "--fractions: 'abc' is not a number", id="not-a-number"),
    pytest.param("0.5,0.3", "must not decrease", id="decreasing"),
    pytest.param("0,1", "must be positive", id="zero"),
])
def test_bad_fractions(capsys, fractions, message):
    assert cli.main(["boundaries", "--fractions", fractions]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_bad_alpha(capsys):
    assert cli.main(["boundaries", "--fractions", "0.5,1", "--alpha", "1.5"]) == 2
    assert "alpha must lie in (0, 1)" in capsys.readouterr().err
