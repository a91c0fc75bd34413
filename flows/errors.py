"""Exceptions a user can cause, which the CLI reports as one line without a traceback."""

from __future__ import annotations

from config.loader import ConfigError
from extractors.sources import RecordFileError
from warehouse.db import WarehouseError


class UserError(Exception):
    """Bad input from the person at the keyboard: a missing file, a bad option value."""


#: Caught by the CLI and printed as ``rifwatch: <message>``. Modules add their own one-line
#: error types by subclassing ``UserError`` or ``ValueError``-like types listed here.
USER_ERRORS: tuple[type[BaseException], ...] = (UserError, ConfigError, WarehouseError, RecordFileError, FileNotFoundError)
