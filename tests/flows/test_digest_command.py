"""``rifwatch digest``: render a run, write it to a file, send it once, and fail in one line."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from flows import cli


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.content)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture()
def rifwatch(monkeypatch):
    """``rifwatch`` with only this verb registered (the other verbs live in other modules)."""
    monkeypatch.setattr(cli, "COMMANDS", ("digest",))
    return cli.main


@pytest.fixture()
def db(digest_warehouse) -> tuple[Path, dict]:
    con, ids = digest_warehouse
    path = Path(con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()[0])
    con.close()  # the verb opens the file itself
    return path, ids


def test_renders_the_latest_run_to_standard_output(rifwatch, db, capsys):
    path, _ = db
    assert rifwatch(["digest", "--db", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# rifwatch weekly digest — Week 40, 2026")


def test_writes_a_chosen_run_and_format_to_a_file(rifwatch, db, tmp_path, capsys):
    path, ids = db
    target = tmp_path / "out" / "week38.html"
    assert rifwatch(["digest", "--db", str(path), "--run", ids["busy"], "--format", "html", "--out", str(target)]) == 0
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert capsys.readouterr().out == ""


def test_send_delivers_once_and_then_says_it_was_sent(rifwatch, db, monkeypatch, capsys):
    path, ids = db
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        monkeypatch.setenv("RIFWATCH_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("RIFWATCH_SMTP_PORT", str(controller.port))
        args = ["digest", "--db", str(path), "--run", ids["quiet"], "--send", "--to", "chair@example.org"]
        assert rifwatch(args) == 0
        assert rifwatch(args) == 0
    finally:
        controller.stop()
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"sent digest of {ids['quiet']} to chair@example.org")
    assert out[1].startswith(f"digest of {ids['quiet']} was already sent")
    assert len(inbox.messages) == 1


@pytest.mark.parametrize("args, message", [
    (["--to", "a@b.org"], "--to and --resend only apply with --send"),
    (["--run", "2020-W01-nothing"], "no run '2020-W01-nothing'"),
    (["--send"], "no recipients"),
], ids=["to-without-send", "unknown-run", "no-recipients"])
def test_user_errors_are_one_line(rifwatch, db, capsys, args, message):
    path, _ = db
    assert rifwatch(["digest", "--db", str(path), *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("rifwatch: ") and message in err and err.count("\n") == 1


def test_a_failed_send_exits_non_zero_with_the_reason(rifwatch, db, monkeypatch, capsys):
    path, ids = db
    monkeypatch.setenv("RIFWATCH_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("RIFWATCH_SMTP_PORT", str(free_port()))
    monkeypatch.setattr("flows.mail.BACKOFF_SECONDS", 0.0)
    code = rifwatch(["digest", "--db", str(path), "--run", ids["quiet"], "--send", "--to", "a@example.org"])
    err = capsys.readouterr().err
    assert code == 2 and "could not send the digest of 2026-W39-snapshot after 3 attempts" in err


def test_a_missing_warehouse_is_a_one_line_error(rifwatch, tmp_path, capsys):
    assert rifwatch(["digest", "--db", str(tmp_path / "none.duckdb")]) == 2
    assert "no warehouse at" in capsys.readouterr().err


def test_a_warehouse_without_runs_is_a_one_line_error(rifwatch, tmp_path, capsys):
    from warehouse.db import connect

    connect(tmp_path / "empty.duckdb").close()
    assert rifwatch(["digest", "--db", str(tmp_path / "empty.duckdb")]) == 2
    assert "no finished run yet" in capsys.readouterr().err
