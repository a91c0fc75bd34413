"""Who may change the warehouse through the web page, and the checks every change passes.

- The server binds to a loopback address unless ``--allow-remote`` is given (``check_host``).
- Changes need the triage token: ``RIFWATCH_TRIAGE_TOKEN``, or a file only its owner can read
  (``load_token``; a file readable by group or others is refused). Without a token the server
  still shows the queue and papers, but refuses every change.
- The login page compares the token in constant time and starts a signed session (an HttpOnly,
  SameSite=Strict cookie; ``flows.web.app``). Each session carries a random CSRF token that every
  form repeats and every POST must match.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import secrets
import stat
from pathlib import Path
from typing import Mapping, MutableMapping

from flows.errors import UserError

TOKEN_ENV = "RIFWATCH_TRIAGE_TOKEN"
TOKEN_FILE_ENV = "RIFWATCH_TRIAGE_TOKEN_FILE"
#: A token shorter than this could be guessed by someone who can reach the login page; 16
#: characters from `secrets.token_urlsafe` carry about 96 bits.
MIN_TOKEN_LENGTH = 16
LOOPBACK_NAMES = ("localhost",)
CSRF_FIELD = "csrf_token"


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine only (127.0.0.0/8, ::1 or ``localhost``)."""
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_host(host: str, allow_remote: bool) -> None:
    """Refuse to listen beyond this machine unless the operator asked for it."""
    if not is_loopback(host) and not allow_remote:
        raise UserError(f"--host {host} is not a loopback address; the triage server listens on this machine "
                        "only unless you add --allow-remote")


def load_token(token_file: Path | str | None = None, environ: Mapping[str, str] | None = None) -> str | None:
    """The triage token from ``--token-file``, ``$RIFWATCH_TRIAGE_TOKEN_FILE`` or ``$RIFWATCH_TRIAGE_TOKEN``.

    Returns ``None`` when none is configured (the server then refuses changes). A token file must
    be readable by its owner only (mode 600 or 400).
    """
    env = os.environ if environ is None else environ
    path = token_file or env.get(TOKEN_FILE_ENV)
    if path:
        path = Path(path)
        try:
            mode = path.stat().st_mode
        except OSError as exc:
            raise UserError(f"token file {path}: cannot read it ({exc.strerror or exc})") from None
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise UserError(f"token file {path} is readable by group or others (mode {stat.S_IMODE(mode):03o}); "
                            f"run chmod 600 {path}")
        token = path.read_text(encoding="utf-8").strip()
        source = f"token file {path}"
    elif env.get(TOKEN_ENV):
        token, source = env[TOKEN_ENV].strip(), f"${TOKEN_ENV}"
    else:
        return None
    if len(token) < MIN_TOKEN_LENGTH:
        raise UserError(f"{source}: the triage token must be at least {MIN_TOKEN_LENGTH} characters "
                        "(python -c 'import secrets; print(secrets.token_urlsafe(24))')")
    return token


def token_matches(expected: str | None, given: str | None) -> bool:
    """Constant-time comparison; never true when no token is configured."""
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode("utf-8"), given.encode("utf-8"))


def csrf_token(session: MutableMapping) -> str:
    """The session's CSRF token, created on first use."""
    token = session.get(CSRF_FIELD)
    if not token:
        token = secrets.token_urlsafe(32)
        session[CSRF_FIELD] = token
    return token


def csrf_ok(session: Mapping, submitted: str | None) -> bool:
    expected = session.get(CSRF_FIELD)
    return bool(expected) and bool(submitted) and hmac.compare_digest(str(expected), str(submitted))


def safe_next(target: str | None) -> str:
    """A redirect target that stays on this site (a path, never ``//host`` or a URL)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"
