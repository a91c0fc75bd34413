"""``rifwatch triage`` as a maintainer types it: list, show, confirm, correct, reject, flag, export-labels."""

from __future__ import annotations

import json

import pytest

from flows.cli import main
from warehouse.db import connect


@pytest.fixture()
def db(triage_db, monkeypatch):
    """The fixture warehouse; the verb pools with the real pooling step, as it would in use."""
    monkeypatch.delenv("RIFWATCH_CURATOR", raising=False)
    return str(triage_db[0])


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(["triage", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def rows(db, sql, params=()):
    con = connect(db, read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def test_list_shows_each_item_with_why(db, capsys):
    code, out, _ = run(capsys, "list", "--db", db)
    assert code == 0
    assert out.index("Behind open flags") < out.index("Uncertain classification") < out.index("New trials")
    assert "PMID 99000021" in out and "reported RR 3.10 but the counts 19/45 vs 9/44 give RR 2.06" in out


def test_show_puts_each_value_beside_its_words(db, capsys):
    code, out, _ = run(capsys, "show", "99000021", "--db", db)
    assert code == 0
    assert "[rif: women with three or more failed transfers]" in out
    assert "[e1: Live birth 19/45 vs 9/44 (][e1,e2: RR 3.10, 95% CI 1.55 to 6.20][e1: ).]" in out
    assert "e2  live_birth: RR 3.10 (1.55–6.20)" in out
    assert "key: live_birth|therapy|control|RR|reported" in out


def test_a_correction_is_recorded_with_its_curator_and_pooled_again(db, capsys, monkeypatch):
    monkeypatch.setenv("RIFWATCH_CURATOR", "ann@example.org")
    code, out, _ = run(capsys, "correct", "99000011", "--effect", "e2", "--field", "treat_events", "--value", "24",
                       "--reason", "the abstract says 24/80", "--db", db)
    assert code == 0, out
    assert out.startswith("recorded decision #1")
    assert "pooled again in run" in out and "estimate(s) changed" in out
    assert rows(db, "SELECT curator, via, field, old_value, new_value, reason FROM decisions WHERE decision_id = 1") == [
        ("ann@example.org", "cli", "treat_events", "38", "24", "the abstract says 24/80")]


def test_curator_option_wins_over_the_environment(db, capsys, monkeypatch):
    monkeypatch.setenv("RIFWATCH_CURATOR", "env-person")
    assert run(capsys, "confirm", "99000022", "--reason", "ok", "--curator", "Bo Chen", "--db", db)[0] == 0
    assert {c for (c,) in rows(db, "SELECT DISTINCT curator FROM decisions")} == {"Bo Chen"}


def test_reject_duplicate_and_flag_verdict(db, capsys):
    assert run(capsys, "reject", "99000021", "--why", "duplicate", "--of", "99000012", "--reason", "same trial",
               "--db", db)[0] == 0
    code, out, _ = run(capsys, "flag", "3", "dismiss", "--reason", "one small trial", "--db", db)
    assert code == 0 and "flag #3" in out and "open → dismissed" in out
    assert rows(db, "SELECT status FROM flags WHERE flag_id = 3") == [("dismissed",)]


@pytest.mark.parametrize("argv, message", [
    (["reject", "99000021", "--reason", "x"], "rejecting a paper needs --why"),
    (["reject", "99000021", "--effect", "e1", "--why", "off_topic", "--reason", "x"], "apply to a paper"),
    (["correct", "99000021", "--field", "colour", "--value", "red", "--reason", "x"], "unknown paper field 'colour'"),
    (["show", "123"], "no paper with PMID 123"),
    (["confirm", "99000021", "--reason", "x", "--curator", " "], "needs who made it"),
], ids=["reject-without-why", "why-on-effect", "unknown-field", "unknown-pmid", "blank-curator"])
def test_user_errors_are_one_line(db, capsys, argv, message):
    code, out, err = run(capsys, *argv, "--db", db)
    assert code == 2 and out == ""
    assert err.startswith("rifwatch: ") and message in err and err.count("\n") == 1


def test_a_decision_without_a_reason_is_refused_by_the_parser(db, capsys):
    with pytest.raises(SystemExit) as caught:
        main(["triage", "confirm", "99000021", "--db", db])
    assert caught.value.code == 2
    assert "--reason" in capsys.readouterr().err


def test_a_missing_warehouse_is_named_not_created(tmp_path, capsys):
    code, _, err = run(capsys, "list", "--db", str(tmp_path / "nope.duckdb"))
    assert code == 2 and "no warehouse at" in err
    assert not (tmp_path / "nope.duckdb").exists()


def test_export_labels_writes_one_json_line_per_decided_paper(db, capsys, tmp_path):
    run(capsys, "reject", "99000015", "--why", "not_a_trial", "--reason", "a registration", "--db", db)
    run(capsys, "confirm", "99000022", "--reason", "checked", "--db", db)
    out_file = tmp_path / "labels.jsonl"
    code, out, _ = run(capsys, "export-labels", "--db", db, "--out", str(out_file))
    assert code == 0 and "wrote 2 labels (2 with an RCT label)" in out
    labels = [json.loads(line) for line in out_file.read_text().splitlines()]
    assert [(l["pmid"], l["is_rct"], l["topic"]) for l in labels] == [("99000015", False, "on_topic"),
                                                                      ("99000022", True, "on_topic")]
    assert labels[1]["text"].startswith("<script>alert('title')</script>")  # data, exported as stored
