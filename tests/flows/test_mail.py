"""Sending the digest through a real SMTP server on 127.0.0.1 (aiosmtpd) and checking what arrives."""

from __future__ import annotations

import email
import shutil
import socket
import ssl
import subprocess
from email import policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from config.schema import load_config
from flows.mail import MailError, SmtpSettings, send_digest


def free_port() -> int:
    """A port nobody listens on now (aiosmtpd cannot be given port 0)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """An aiosmtpd handler that keeps every message it accepts, and can refuse a recipient."""

    def __init__(self, refuse: str | None = None):
        self.messages: list[tuple[str, list[str], bytes]] = []
        self.refuse = refuse

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == self.refuse:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


class Server:
    def __init__(self, port: int, inbox: Inbox, **kwargs):
        self.controller = Controller(inbox, hostname="127.0.0.1", port=port, **kwargs)
        self.inbox = inbox
        self.running = False

    def start(self):
        self.controller.start()
        self.running = True

    def stop(self):
        if self.running:
            self.controller.stop()
            self.running = False

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()


@pytest.fixture()
def server():
    with Server(free_port(), Inbox()) as made:
        yield made


@pytest.fixture(scope="module")
def config():
    return load_config()


@pytest.fixture()
def smtp_env(monkeypatch):
    def point_at(port: int, **extra: str) -> None:
        for name in ("HOST", "PORT", "USER", "PASSWORD", "STARTTLS", "SSL"):
            monkeypatch.delenv(f"RIFWATCH_SMTP_{name}", raising=False)
        monkeypatch.setenv("RIFWATCH_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("RIFWATCH_SMTP_PORT", str(port))
        for name, value in extra.items():
            monkeypatch.setenv(f"RIFWATCH_SMTP_{name}", value)
    return point_at


def deliveries(con, run_id):
    return con.execute("SELECT attempt, status, error FROM store.deliveries WHERE run_id = ? ORDER BY attempt",
                       [run_id]).fetchall()


def no_sleep(_seconds: float) -> None:
    return None


def test_one_multipart_message_arrives_with_its_images(digest_warehouse, config, server, smtp_env):
    con, ids = digest_warehouse
    smtp_env(server.controller.port)
    result = send_digest(con, ids["busy"], config, to=["chair@example.org", "member@example.org"])
    assert (result.status, result.attempts) == ("sent", 1)
    (mail_from, rcpt_tos, raw), = server.inbox.messages
    assert mail_from == "rifwatch@localhost"
    assert rcpt_tos == ["chair@example.org", "member@example.org"]
    msg = email.message_from_bytes(raw, policy=policy.default)
    assert msg["Subject"] == "[rifwatch] Week 38, 2026: 2 changes, 3 new trials, 7 new records"
    assert msg["To"] == "chair@example.org, member@example.org"
    assert msg["Message-ID"] == result.message_id == "<rifwatch.digest.2026-W38-snapshot@localhost>"
    assert msg.get_content_type() == "multipart/alternative"
    plain, related = msg.get_payload()
    assert plain.get_content_type() == "text/plain"
    assert "Intrauterine hCG · ongoing pregnancy" in plain.get_content()
    assert related.get_content_type() == "multipart/related"
    html_part, *images = related.get_payload()
    assert html_part.get_content_type() == "text/html"
    body = html_part.get_content()
    assert "data:image" not in body
    assert len(images) == 12
    for image in images:
        assert image.get_content_type() == "image/png"
        assert image.get_content()[:8] == b"\x89PNG\r\n\x1a\n"
        assert f'src="cid:{image["Content-ID"].strip("<>")}"' in body
    assert deliveries(con, ids["busy"]) == [(1, "sent", None)]


def test_the_same_run_is_not_sent_twice_unless_asked(digest_warehouse, config, server, smtp_env):
    con, ids = digest_warehouse
    smtp_env(server.controller.port)
    first = send_digest(con, ids["quiet"], config, to=["chair@example.org"])
    again = send_digest(con, ids["quiet"], config, to=["chair@example.org"])
    assert again.status == "already_sent" and again.message_id == first.message_id
    assert len(server.inbox.messages) == 1
    forced = send_digest(con, ids["quiet"], config, to=["chair@example.org"], resend=True)
    assert forced.status == "sent" and forced.message_id != first.message_id
    assert len(server.inbox.messages) == 2
    assert [row[1] for row in deliveries(con, ids["quiet"])] == ["sent", "sent"]


def test_the_archived_rendering_is_what_gets_sent(digest_warehouse, config, server, smtp_env):
    con, ids = digest_warehouse
    from digest.archive import archive_digest

    archive_digest(con, ids["quiet"], {"txt": "archived text\n", "html": "<title>Archived subject</title><p>x</p>"})
    smtp_env(server.controller.port)
    send_digest(con, ids["quiet"], config, to=["chair@example.org"])
    msg = email.message_from_bytes(server.inbox.messages[0][2], policy=policy.default)
    assert msg["Subject"] == "Archived subject"
    assert msg.get_body(("plain",)).get_content().splitlines() == ["archived text"]


def test_a_refused_connection_is_retried_until_the_server_is_up(digest_warehouse, config, smtp_env):
    con, ids = digest_warehouse
    late = Server(free_port(), Inbox())
    smtp_env(late.controller.port)
    pauses = []

    def start_server_while_waiting(seconds):
        pauses.append(seconds)
        late.start()

    try:
        result = send_digest(con, ids["quiet"], config, to=["chair@example.org"], sleep=start_server_while_waiting)
    finally:
        late.stop()
    assert (result.status, result.attempts) == ("sent", 2)
    assert pauses == [2.0]
    assert len(late.inbox.messages) == 1
    (first, second) = deliveries(con, ids["quiet"])
    assert first[:2] == (1, "failed") and "ConnectionRefusedError" in first[2]
    assert second == (2, "sent", None)


def test_a_send_that_keeps_failing_is_recorded_and_reported(digest_warehouse, config, smtp_env):
    con, ids = digest_warehouse
    smtp_env(free_port())
    pauses = []
    result = send_digest(con, ids["quiet"], config, to=["chair@example.org"], sleep=pauses.append)
    assert (result.status, result.attempts, result.ok) == ("failed", 3, False)
    assert "ConnectionRefusedError" in result.error
    assert pauses == [2.0, 4.0]
    assert [row[:2] for row in deliveries(con, ids["quiet"])] == [(1, "failed"), (2, "failed"), (3, "failed")]
    # a failure is not a delivery: the next call tries again
    assert send_digest(con, ids["quiet"], config, to=["chair@example.org"], sleep=no_sleep).status == "failed"


def test_a_refused_recipient_is_not_retried(digest_warehouse, config, smtp_env):
    con, ids = digest_warehouse
    with Server(free_port(), Inbox(refuse="gone@example.org")) as picky:
        smtp_env(picky.controller.port)
        result = send_digest(con, ids["quiet"], config, to=["gone@example.org"], sleep=no_sleep)
    assert (result.status, result.attempts) == ("failed", 1)
    assert "SMTPRecipientsRefused" in result.error and picky.inbox.messages == []


def test_one_refused_recipient_of_several_is_reported_with_the_delivery(digest_warehouse, config, smtp_env):
    con, ids = digest_warehouse
    with Server(free_port(), Inbox(refuse="gone@example.org")) as picky:
        smtp_env(picky.controller.port)
        result = send_digest(con, ids["quiet"], config, to=["chair@example.org", "gone@example.org"])
    assert result.status == "sent" and "gone@example.org" in result.error
    assert picky.inbox.messages[0][1] == ["chair@example.org"]


@pytest.fixture()
def tls_files(tmp_path):
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a throw-away certificate for the STARTTLS test")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


def test_starttls_with_login_uses_credentials_from_the_environment(digest_warehouse, config, smtp_env,
                                                                   tls_files, monkeypatch):
    con, ids = digest_warehouse
    cert, key = tls_files
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.login == b"committee" and auth_data.password == b"s3cret")

    with Server(free_port(), Inbox(), tls_context=server_tls, require_starttls=True, auth_required=True,
                authenticator=authenticator) as secure:
        smtp_env(secure.controller.port, STARTTLS="1", USER="committee", PASSWORD="s3cret")
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # trust the throw-away certificate
        result = send_digest(con, ids["quiet"], config, to=["chair@example.org"], sleep=no_sleep)
    assert result.status == "sent", result.error
    assert logins == [(b"committee", b"s3cret")]
    assert len(secure.inbox.messages) == 1


@pytest.mark.parametrize("env, message", [
    ({}, "RIFWATCH_SMTP_HOST is not set"),
    ({"RIFWATCH_SMTP_HOST": "mail.example.org", "RIFWATCH_SMTP_SSL": "1", "RIFWATCH_SMTP_STARTTLS": "1"},
     "set only one of"),
    ({"RIFWATCH_SMTP_HOST": "mail.example.org", "RIFWATCH_SMTP_PORT": "smtp"}, "is not a port number"),
    ({"RIFWATCH_SMTP_HOST": "mail.example.org", "RIFWATCH_SMTP_STARTTLS": "maybe"}, "is not a yes/no value"),
    ({"RIFWATCH_SMTP_HOST": "mail.example.org", "RIFWATCH_SMTP_PASSWORD": "x"}, "RIFWATCH_SMTP_USER is not"),
    ({"RIFWATCH_SMTP_HOST": "mail.example.org", "RIFWATCH_SMTP_USER": "u", "RIFWATCH_SMTP_PASSWORD": "p"},
     "refusing to send SMTP credentials to mail.example.org unencrypted"),
], ids=["no-host", "ssl-and-starttls", "bad-port", "bad-flag", "password-without-user", "credentials-in-clear"])
def test_bad_smtp_settings_are_one_line_errors(env, message):
    with pytest.raises(MailError, match=message):
        SmtpSettings.from_env(env)


@pytest.mark.parametrize("env, port", [
    ({"RIFWATCH_SMTP_HOST": "h"}, 25),
    ({"RIFWATCH_SMTP_HOST": "h", "RIFWATCH_SMTP_STARTTLS": "yes"}, 587),
    ({"RIFWATCH_SMTP_HOST": "h", "RIFWATCH_SMTP_SSL": "true"}, 465),
], ids=["plain", "starttls", "ssl"])
def test_default_ports_follow_the_tls_mode(env, port):
    assert SmtpSettings.from_env(env).port == port


def test_no_recipients_is_an_error_before_anything_is_sent(digest_warehouse, config):
    con, ids = digest_warehouse
    with pytest.raises(MailError, match="no recipients"):
        send_digest(con, ids["quiet"], config)
    assert deliveries(con, ids["quiet"]) == []
