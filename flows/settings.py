"""Settings that come from the environment, never from ``config/``: contact details and secrets.

``config/`` holds what the review searches for; this module holds who is asking and with which
key, which differ per deployment and must not be committed.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Mapping

from flows.errors import UserError

#: NCBI's production E-utilities endpoint (https://www.ncbi.nlm.nih.gov/books/NBK25497/).
DEFAULT_EUTILS_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"

#: The ``tool`` parameter NCBI asks every client to send, so it can contact the maintainer.
DEFAULT_TOOL = "rifwatch"

# Loose on purpose: NCBI only needs something it can write to; a typo without "@" is caught.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")


class SettingsError(UserError):
    """An environment variable holds a value rifwatch cannot use."""


@dataclass(frozen=True)
class EutilsSettings:
    """Who rifwatch tells NCBI it is, and where E-utilities lives.

    ``api_key`` raises NCBI's limit from 3 to 10 requests per second; it is a secret and never
    written to the raw-response ledger.
    """

    base_url: str = DEFAULT_EUTILS_URL
    email: str | None = None
    api_key: str | None = None
    tool: str = DEFAULT_TOOL

    def __repr__(self) -> str:  # keep the key out of logs and tracebacks
        key = "set" if self.api_key else "None"
        return (
            f"EutilsSettings(base_url={self.base_url!r}, email={self.email!r}, "
            f"api_key={key}, tool={self.tool!r})"
        )


def eutils_settings_from_env(environ: Mapping[str, str] | None = None) -> EutilsSettings:
    """Read ``NCBI_EMAIL``, ``NCBI_API_KEY`` and ``RIFWATCH_EUTILS_URL``.

    Parameters
    ----------
    environ
        The environment to read; ``os.environ`` when omitted (tests pass a plain dict).

    Returns
    -------
    EutilsSettings
        Empty variables count as unset. ``RIFWATCH_EUTILS_URL`` points the client at another
        server (the replay server on 127.0.0.1); a trailing ``/`` is added when missing.

    Raises
    ------
    SettingsError
        ``NCBI_EMAIL`` is not an e-mail address, or ``RIFWATCH_EUTILS_URL`` is not http(s).
    """
    env = os.environ if environ is None else environ
    email = (env.get("NCBI_EMAIL") or "").strip() or None
    api_key = (env.get("NCBI_API_KEY") or "").strip() or None
    base_url = (env.get("RIFWATCH_EUTILS_URL") or "").strip() or DEFAULT_EUTILS_URL
    if email is not None and not _EMAIL.match(email):
        raise SettingsError(f"NCBI_EMAIL is not an e-mail address: {email!r}")
    if not base_url.startswith(("http://", "https://")):
        raise SettingsError(
            f"RIFWATCH_EUTILS_URL must start with http:// or https://: {base_url!r}"
        )
    if not base_url.endswith("/"):
        base_url += "/"
    return EutilsSettings(base_url=base_url, email=email, api_key=api_key)
