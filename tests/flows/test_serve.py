"""The triage web server over HTTP: pages, login, CSRF, escaping, and decisions that recompute."""

from __future__ import annotations

import os
import re
import stat

import pytest

from config.schema import default_config
from flows.cli import main
from flows.errors import UserError
from flows.web.app import Settings, create_app
from flows.web.auth import check_host, load_token, safe_next
from warehouse.db import connect

TOKEN = "correct-horse-battery-staple-42"
HCG_OP = "ongoing_pregnancy|therapy|control|RR|computed"


@pytest.fixture()
def serve(triage_db, triage_weeks, live_server, web_client):
    """``serve(**settings)`` starts the app over a fresh copy of the fixture warehouse; returns a client."""
    def start(**overrides):
        options = dict(db=triage_db[0], config=default_config(), token=TOKEN, pool=triage_weeks.pool_and_flag)
        options.update(overrides)
        base = live_server(create_app(Settings(**options)))
        return web_client.Client(base)
    return start


def n_decisions(path) -> int:
    con = connect(path, read_only=True)
    try:
        return con.execute("SELECT count(*) FROM store.decisions").fetchone()[0]
    finally:
        con.close()


def correction(csrf: str, **extra) -> dict:
    form = {"csrf_token": csrf, "form_id": "correct-e2", "action": "correct", "effect_key": HCG_OP,
            "field": "treat_events", "value": "24", "reason": "the abstract says 24 of 80"}
    form.update(extra)
    return form


def test_pages_render(serve):
    client = serve()
    queue = client.get("/")
    assert queue.status == 200 and "Triage queue" in queue.text and "/paper/99000011" in queue.text
    paper = client.get("/paper/99000021")
    assert paper.status == 200
    assert re.search(r'<span class="tag" id="mark-rif">rif</span><mark class="k-rif ?"[^>]*>women with three or more '
                     r'failed transfers</mark>', paper.text)
    assert "RR 3.10 (1.55–6.20)" in paper.text
    assert client.get("/flag/1").status == 200
    assert client.get("/paper/12345").status == 404
    assert client.get("/decision/999").status == 404


def test_every_string_from_a_paper_is_escaped(serve):
    client = serve()
    client.login(TOKEN)
    for path in ("/", "/paper/99000022"):
        page = client.get(path)
        assert "<script>" not in page.text and "<b>bold</b>" not in page.text
        assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;" in page.text
    paper = client.get("/paper/99000022")
    assert "alert(&#39;abstract&#39;)" in paper.text and "Zeller &lt;i&gt;H&lt;/i&gt;" in paper.text


def test_every_response_forbids_scripts_and_framing(serve):
    headers = serve().get("/").headers
    assert "default-src 'none'" in headers["content-security-policy"]
    assert "script-src" not in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"


def test_login_sets_a_signed_httponly_strict_cookie(serve):
    client = serve()
    reply = client.login(TOKEN, next_path="/paper/99000011")
    assert reply.status == 303 and reply.headers["location"] == "/paper/99000011"
    cookie = [c for c in reply.set_cookies if c.startswith("rifwatch_triage=")][-1].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    assert "signed in as Ann Maintainer" in client.get("/").text


def test_a_tampered_cookie_is_not_a_session(serve):
    client = serve()
    client.login(TOKEN)
    for cookie in client.jar:
        cookie.value = cookie.value[:-3] + ("AAA" if not cookie.value.endswith("AAA") else "BBB")
    assert "signed in as" not in client.get("/").text


def test_a_wrong_token_is_refused(serve):
    client = serve()
    reply = client.login("not-the-token-at-all-000")
    assert reply.status == 403 and "not this server&#39;s triage token" in reply.text
    assert "signed in as" not in client.get("/").text


def test_a_correction_in_the_browser_recomputes_and_moves_flags(serve, triage_db):
    client = serve()
    client.login(TOKEN)
    page = client.get("/paper/99000011")
    reply = client.post("/paper/99000011/decide", correction(page.csrf()))
    assert reply.status == 303 and reply.headers["location"].startswith("/decision/")
    outcome = client.get(reply.headers["location"])
    assert outcome.status == 200
    assert "treat_events" in outcome.text and "38 → <strong>24</strong>" in outcome.text
    assert re.search(r"rif_any</td>\s*<td>RR 1\.54 \(1\.15–2\.06\), k 4, p 0\.0042, significant</td>\s*"
                     r"<td class=\"after\">RR 1\.26 \(0\.93–1\.72\), k 4, p 0\.138</td>", outcome.text)
    assert re.search(r"crossed significance:\s*open → <span class=\"state state-dismissed\">dismissed", outcome.text)
    con = connect(triage_db[0], read_only=True)
    try:
        assert con.execute("SELECT curator, via FROM decisions WHERE decision_id = 1").fetchone() == (
            "Ann Maintainer", "web")
    finally:
        con.close()


def test_a_bad_value_is_explained_on_the_paper_page_with_the_reason_kept(serve, triage_db):
    client = serve()
    client.login(TOKEN)
    page = client.get("/paper/99000011")
    reply = client.post("/paper/99000011/decide", correction(page.csrf(), value="95"))
    assert reply.status == 400
    assert "Not recorded: treat_events 95 exceed treat_total 80" in reply.text
    assert 'value="the abstract says 24 of 80"' in reply.text
    assert n_decisions(triage_db[0]) == 0


@pytest.mark.parametrize("login, csrf, expected", [
    (False, True, "Log in first"), (True, False, "Form expired"), (True, "forged", "Form expired"),
], ids=["not-logged-in", "no-csrf", "forged-csrf"])
def test_changes_need_a_login_and_the_forms_csrf_token(serve, triage_db, login, csrf, expected):
    client = serve()
    if login:
        client.login(TOKEN)
    form = correction(client.get("/login").csrf())  # the session's own token, logged in or not
    if csrf is False:
        del form["csrf_token"]
    elif csrf == "forged":
        form["csrf_token"] = "x" * 43
    reply = client.post("/paper/99000011/decide", form)
    assert reply.status == 403 and expected in reply.text
    assert n_decisions(triage_db[0]) == 0


def test_without_a_token_the_server_is_read_only(serve, triage_db):
    client = serve(token=None)
    assert client.get("/paper/99000011").status == 200
    assert "read only" in client.get("/").text
    assert client.login("anything-at-all-12345").status == 403
    reply = client.post("/paper/99000011/decide", correction(client.get("/login").csrf()))
    assert reply.status == 403 and "Changes are off" in reply.text
    assert n_decisions(triage_db[0]) == 0


def test_a_foreign_host_header_is_refused(serve, web_client):
    client = serve()
    rebinding = web_client.Client(client.base_url, host="attacker.example")
    assert rebinding.get("/").status == 400


def test_with_remote_access_every_page_needs_a_login(serve):
    client = serve(allow_remote=True)
    assert client.get("/").status == 303
    client.login(TOKEN)
    assert client.get("/").status == 200


def test_a_flag_verdict_from_the_flag_page(serve):
    client = serve()
    client.login(TOKEN)
    page = client.get("/flag/3")
    reply = client.post("/flag/3/decide", {"csrf_token": page.csrf(), "verdict": "dismissed", "reason": "one trial"})
    assert reply.status == 303
    assert "open → <span class=\"state state-dismissed\">dismissed" in client.get(reply.headers["location"]).text
    assert "dismissed" in client.get("/flag/3").text


@pytest.mark.parametrize("target, expected", [
    ("/paper/1", "/paper/1"), ("//evil.example/", "/"), ("https://evil.example/", "/"), ("/\\evil", "/"), (None, "/"),
], ids=["path", "scheme-relative", "absolute", "backslash", "none"])
def test_login_redirects_stay_on_this_site(target, expected):
    assert safe_next(target) == expected


@pytest.mark.parametrize("host, allowed", [
    ("127.0.0.1", True), ("127.0.0.2", True), ("::1", True), ("localhost", True), ("0.0.0.0", False),
    ("192.168.1.5", False), ("example.org", False),
], ids=["v4", "v4-net", "v6", "name", "any", "lan", "name-remote"])
def test_only_loopback_hosts_without_allow_remote(host, allowed):
    if allowed:
        check_host(host, allow_remote=False)
    else:
        with pytest.raises(UserError, match="--allow-remote"):
            check_host(host, allow_remote=False)
        check_host(host, allow_remote=True)


def test_token_sources(tmp_path):
    assert load_token(None, {}) is None
    assert load_token(None, {"RIFWATCH_TRIAGE_TOKEN": f" {TOKEN}\n"}) == TOKEN
    with pytest.raises(UserError, match="at least 16 characters"):
        load_token(None, {"RIFWATCH_TRIAGE_TOKEN": "short"})
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n")
    os.chmod(token_file, 0o600)
    assert load_token(token_file, {"RIFWATCH_TRIAGE_TOKEN": "ignored-when-a-file-is-given"}) == TOKEN
    os.chmod(token_file, 0o640)
    with pytest.raises(UserError, match=r"readable by group or others \(mode 640\); run chmod 600"):
        load_token(token_file, {})
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o640  # the file is left as it was


@pytest.mark.parametrize("argv, message", [
    (["--host", "0.0.0.0"], "not a loopback address"),
    (["--port", "70000"], "not a TCP port"),
    (["--token-file", "{group_readable}"], "readable by group or others"),
    (["--db", "{missing}"], "no warehouse at"),
], ids=["remote-host", "bad-port", "loose-token-file", "missing-warehouse"])
def test_serve_refuses_unsafe_starts_in_one_line(triage_db, tmp_path, capsys, monkeypatch, argv, message):
    monkeypatch.delenv("RIFWATCH_TRIAGE_TOKEN", raising=False)
    loose = tmp_path / "token"
    loose.write_text(TOKEN)
    os.chmod(loose, 0o644)
    argv = [a.format(group_readable=loose, missing=tmp_path / "none.duckdb") for a in argv]
    if "--db" not in argv:
        argv += ["--db", str(triage_db[0])]
    assert main(["serve", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
