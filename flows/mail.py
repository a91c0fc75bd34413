"""Deliver a run's digest by SMTP: one multipart message per run, retried, recorded, never doubled.

The message is ``multipart/alternative``: the plain-text digest, then the HTML digest inside a
``multipart/related`` with its figures as inline ``image/png`` parts (``cid:`` links; many mail
clients block ``data:`` images). Every attempt is written to ``store.deliveries``; a run with a
``sent`` row is not sent again unless ``resend=True``. A failed attempt is retried with
exponential backoff, and a final failure is returned (and recorded), never swallowed.

Server and credentials come only from the environment: ``RIFWATCH_SMTP_HOST``, ``_PORT``,
``_USER``, ``_PASSWORD``, ``_STARTTLS``, ``_SSL``. Recipients come from ``config/digest.toml``
or the caller (``--to``).
"""

from __future__ import annotations

import base64
import html
import ipaddress
import os
import re
import smtplib
import ssl
import time
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from typing import Callable, Mapping, Sequence

from digest.archive import load_archived, publish_digest
from flows.errors import UserError
from warehouse.ledger import utcnow

#: Attempts per send and the first pause between them (doubled each time): 2 s, 4 s ... rides
#: out a restarting relay without holding a weekly run for long.
ATTEMPTS = 3
BACKOFF_SECONDS = 2.0
TIMEOUT_SECONDS = 30.0
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("", "0", "false", "no", "off")
_DATA_IMAGE = re.compile(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"')
_TITLE = re.compile(r"<title>(.*?)</title>", re.S)
#: Errors that another attempt cannot fix: the server said no to who we are or whom we write to.
_PERMANENT = (smtplib.SMTPAuthenticationError, smtplib.SMTPRecipientsRefused,
              smtplib.SMTPSenderRefused, smtplib.SMTPNotSupportedError)


class MailError(UserError):
    """Mail cannot be sent as configured (no server, no recipients, unsafe credentials)."""


def _flag(env: Mapping[str, str], name: str) -> bool:
    value = env.get(name, "").strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise MailError(f"{name}={env[name]!r} is not a yes/no value (use 1 or 0)")


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    user: str | None = None
    password: str | None = None
    starttls: bool = False
    ssl: bool = False
    timeout: float = TIMEOUT_SECONDS

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "SmtpSettings":
        """Read the server from ``RIFWATCH_SMTP_*``; a missing or unsafe setting is a ``MailError``."""
        env = os.environ if env is None else env
        host = env.get("RIFWATCH_SMTP_HOST", "").strip()
        if not host:
            raise MailError("RIFWATCH_SMTP_HOST is not set; cannot send the digest")
        use_ssl, starttls = _flag(env, "RIFWATCH_SMTP_SSL"), _flag(env, "RIFWATCH_SMTP_STARTTLS")
        if use_ssl and starttls:
            raise MailError("set only one of RIFWATCH_SMTP_SSL and RIFWATCH_SMTP_STARTTLS")
        port_text = env.get("RIFWATCH_SMTP_PORT", "").strip()
        if port_text:
            if not port_text.isdigit() or not 0 < int(port_text) < 65536:
                raise MailError(f"RIFWATCH_SMTP_PORT={port_text!r} is not a port number")
            port = int(port_text)
        else:
            port = 465 if use_ssl else 587 if starttls else 25
        user = env.get("RIFWATCH_SMTP_USER") or None
        password = env.get("RIFWATCH_SMTP_PASSWORD") or None
        if password and not user:
            raise MailError("RIFWATCH_SMTP_PASSWORD is set but RIFWATCH_SMTP_USER is not")
        if user and not (use_ssl or starttls) and not _is_loopback(host):
            raise MailError(f"refusing to send SMTP credentials to {host} unencrypted; "
                            "set RIFWATCH_SMTP_STARTTLS=1 or RIFWATCH_SMTP_SSL=1")
        return cls(host=host, port=port, user=user, password=password, starttls=starttls, ssl=use_ssl)


@dataclass(frozen=True)
class DeliveryResult:
    """What happened to a run's digest: ``sent``, ``already_sent`` or ``failed``."""

    run_id: str
    status: str
    attempts: int
    recipients: tuple[str, ...]
    message_id: str | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status in ("sent", "already_sent")


def subject_of(rendered_html: str) -> str:
    """The subject is the HTML digest's ``<title>`` (the archive keeps no separate subject)."""
    match = _TITLE.search(rendered_html)
    return " ".join(html.unescape(match.group(1)).split()) if match else "rifwatch weekly digest"


def build_message(*, subject: str, sender: str, recipients: Sequence[str], text: str, html_body: str,
                  message_id: str) -> EmailMessage:
    """One ``multipart/alternative`` message with the HTML's ``data:`` images as inline parts."""
    images: list[tuple[str, bytes]] = []

    def to_cid(match: re.Match) -> str:
        cid = f"figure{len(images) + 1}.{message_id.strip('<>')}"
        images.append((cid, base64.b64decode(match.group(1))))
        return f'src="cid:{cid}"'

    body = _DATA_IMAGE.sub(to_cid, html_body)
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = sender
    msg["To"] = ", ".join(recipients)
    msg["Date"] = formatdate(localtime=False, usegmt=True)
    msg["Message-ID"] = message_id
    msg.set_content(text, subtype="plain", charset="utf-8")
    msg.add_alternative(body, subtype="html", charset="utf-8")
    html_part = msg.get_payload()[1]
    for cid, png in images:
        html_part.add_related(png, maintype="image", subtype="png", cid=f"<{cid}>",
                              disposition="inline", filename=f"{cid.split('.')[0]}.png")
    return msg


def _deliver(settings: SmtpSettings, msg: EmailMessage, sender: str, recipients: Sequence[str]) -> dict:
    context = ssl.create_default_context()
    if settings.ssl:
        smtp = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout, context=context)
    else:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    with smtp:
        smtp.ehlo()
        if settings.starttls:
            smtp.starttls(context=context)
            smtp.ehlo()
        if settings.user:
            smtp.login(settings.user, settings.password or "")
        return smtp.send_message(msg, from_addr=parseaddr(sender)[1], to_addrs=list(recipients))


def _record(con, run_id: str, recipients: Sequence[str], status: str, error: str | None,
            message_id: str | None) -> int:
    attempt = con.execute("SELECT coalesce(max(attempt), 0) + 1 FROM store.deliveries WHERE run_id = ?",
                          [run_id]).fetchone()[0]
    con.execute("INSERT INTO store.deliveries VALUES (?, ?, ?, ?, ?, ?, ?)",
                [run_id, attempt, utcnow(), list(recipients), status, error, message_id])
    return attempt


def _message_id(run_id: str, sender: str, n_sent: int) -> str:
    domain = parseaddr(sender)[1].rpartition("@")[2] or "rifwatch.invalid"
    safe = re.sub(r"[^A-Za-z0-9.-]", "-", run_id)
    return f"<rifwatch.digest.{safe}{f'.resend{n_sent}' if n_sent else ''}@{domain}>"


def send_digest(con, run_id: str, config, *, to: Sequence[str] | None = None, resend: bool = False,
                settings: SmtpSettings | None = None, attempts: int = ATTEMPTS,
                backoff: float | None = None, sleep: Callable[[float], None] = time.sleep) -> DeliveryResult:
    """Send the digest of ``run_id`` once (again only with ``resend``), retrying failures.

    The archived rendering is sent when there is one; otherwise the digest is composed, rendered
    and archived first. Returns a ``DeliveryResult``; a final failure has ``status="failed"`` and
    the last error, and every attempt is in ``store.deliveries``.
    """
    backoff = BACKOFF_SECONDS if backoff is None else backoff
    recipients = tuple(to) if to else tuple(config.digest.recipients)
    if not recipients:
        raise MailError("no recipients: add them to config/digest.toml (recipients) or pass --to")
    sent = con.execute("SELECT count(*), max(message_id) FROM store.deliveries WHERE run_id = ? AND status = 'sent'",
                       [run_id]).fetchone()
    if sent[0] and not resend:
        return DeliveryResult(run_id, "already_sent", 0, recipients, sent[1])
    settings = settings or SmtpSettings.from_env()
    rendered = load_archived(con, run_id)
    if not {"txt", "html"} <= set(rendered):
        rendered = publish_digest(con, run_id, config)
    message_id = _message_id(run_id, config.digest.sender, sent[0])
    msg = build_message(subject=subject_of(rendered["html"]), sender=config.digest.sender,
                        recipients=recipients, text=rendered["txt"], html_body=rendered["html"],
                        message_id=message_id)
    error = None
    for attempt in range(1, attempts + 1):
        try:
            refused = _deliver(settings, msg, config.digest.sender, recipients)
        except (smtplib.SMTPException, OSError) as exc:
            error = f"{type(exc).__name__}: {' '.join(str(exc).split()) or 'no detail'}"
            _record(con, run_id, recipients, "failed", error, message_id)
            if isinstance(exc, _PERMANENT) or attempt == attempts:
                break
            sleep(backoff * 2 ** (attempt - 1))
            continue
        note = f"refused by the server: {', '.join(sorted(refused))}" if refused else None
        _record(con, run_id, recipients, "sent", note, message_id)
        return DeliveryResult(run_id, "sent", attempt, recipients, message_id, note)
    return DeliveryResult(run_id, "failed", attempt, recipients, message_id, error)
