"""``rifwatch pool``: CSV in, table or JSON out, one-line errors."""

from __future__ import annotations

import json

import pytest

from flows import cli

HEADER = "study,treat_events,treat_total,ctrl_events,ctrl_total\n"
WORKED = HEADER + "Trial A,13,71,10,71\nTrial B,4,26,3,25\nTrial C,12,82,13,75\n"


@pytest.fixture(autouse=True)
def only_analyst_verbs(monkeypatch):
    """The dispatcher with just the verbs this branch provides."""
    monkeypatch.setattr(cli, "COMMANDS", ("pool", "boundaries"))


def run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path, text, name="trials.csv"):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_json_has_the_contract_keys_on_the_ratio_scale(tmp_path, capsys):
    code, out, _ = run(capsys, "pool", write(tmp_path, WORKED), "--method", "FE", "--json")
    payload = json.loads(out)
    assert code == 0
    for key in ("estimate", "ci_low", "ci_high", "p_value", "tau2", "i2", "pi_low", "pi_high", "k"):
        assert key in payload
    shown = (round(payload["estimate"], 3), round(payload["ci_low"], 3), round(payload["ci_high"], 3))
    assert shown == (1.064, 0.653, 1.733) and payload["k"] == 3


@pytest.mark.parametrize(("args", "expected"), [
    pytest.param(["--method", "MH"], (1.066, 0.656, 1.731), id="mh"),
    pytest.param(["--method", "DL", "--ci", "hksj"], (1.064, 0.555, 2.038), id="dl-hksj"),
])
def test_methods_and_intervals(tmp_path, capsys, args, expected):
    _, out, _ = run(capsys, "pool", write(tmp_path, WORKED), "--json", *args)
    payload = json.loads(out)
    assert (round(payload["estimate"], 3), round(payload["ci_low"], 3), round(payload["ci_high"], 3)) == expected


def test_default_is_reml_with_adhoc_hksj_and_a_readable_table(tmp_path, capsys):
    code, out, _ = run(capsys, "pool", write(tmp_path, WORKED), "--measure", "OR")
    assert code == 0
    assert "restricted maximum-likelihood" in out and "ad-hoc floor" in out
    assert "Trial B" in out and "prediction interval" in out


def test_cumulative_json_has_one_entry_per_row(tmp_path, capsys):
    _, out, _ = run(capsys, "pool", write(tmp_path, WORKED), "--cumulative", "--json", "--method", "DL")
    steps = json.loads(out)
    assert [s["k"] for s in steps] == [1, 2, 3] and steps[0]["study"] == "Trial A"
    assert steps[0]["label"] == "single study"


def test_cumulative_table(tmp_path, capsys):
    _, out, _ = run(capsys, "pool", write(tmp_path, WORKED), "--cumulative")
    assert len(out.strip().splitlines()) == 4


@pytest.mark.parametrize(("text", "message"), [
    pytest.param("study,treat_events,treat_total\nA,1,10\n", "missing column(s) ctrl_events, ctrl_total",
                 id="missing-columns"),
    pytest.param(HEADER + "A,1,10,2,10\nB,x,10,2,10\n", "line 3, column treat_events: 'x' is not a whole number",
                 id="not-a-number"),
    pytest.param(HEADER + "A,12,10,2,10\n", "line 2: treat_events 12 exceed treat_total 10", id="events-gt-total"),
    pytest.param(HEADER + "A,1,10,2,10\nA,3,10,2,10\n", "line 3, column study: 'A' appears twice", id="duplicate"),
    pytest.param(HEADER + "A,-1,10,2,10\n", "column treat_events: -1 is negative", id="negative"),
    pytest.param(HEADER, "no studies", id="header-only"),
    pytest.param(HEADER + "A,0,10,0,10\nB,0,12,0,9\n", "no study has an estimable effect", id="all-double-zero"),
])
def test_bad_csv_gives_one_line_naming_the_problem(tmp_path, capsys, text, message):
    code, out, err = run(capsys, "pool", write(tmp_path, text))
    assert code == 2 and out == ""
    assert err.startswith("rifwatch: ") and message in err and err.count("\n") == 1


def test_missing_file(tmp_path, capsys):
    code, _, err = run(capsys, "pool", str(tmp_path / "absent.csv"))
    assert code == 2 and "no such file" in err


def test_mh_with_an_hksj_interval_is_refused(tmp_path, capsys):
    code, _, err = run(capsys, "pool", write(tmp_path, WORKED), "--method", "MH", "--ci", "hksj")
    assert code == 2 and "only a Wald interval" in err
