"""Load the TOML files in ``config/`` into typed, frozen dataclasses, validating as we go.

Every problem is reported as one line naming the file, the key path and what was wrong, e.g.
``config/therapies.toml: therapy[3].synonymz: unknown key (expected one of: id, label, ...)``.
Secrets never live here; they come from the environment (see ``flows.settings``).
"""

from __future__ import annotations

import collections.abc
import dataclasses
import os
import tomllib
import types
import typing
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

#: The folder holding the bundled configuration (this package). ``RIFWATCH_CONFIG_DIR`` points
#: a deployment at its own copy without touching the installed package.
PACKAGE_DIR = Path(__file__).resolve().parent


class ConfigError(ValueError):
    """A configuration file is missing, malformed or holds an unknown key or a bad value."""


def config_dir() -> Path:
    """The folder configuration is read from: ``RIFWATCH_CONFIG_DIR`` or the bundled one."""
    return Path(os.environ.get("RIFWATCH_CONFIG_DIR") or PACKAGE_DIR)


def read_toml(name: str, directory: Path | None = None) -> tuple[dict[str, Any], str]:
    """Read ``name`` from the config folder; return its table and a display name for errors."""
    folder = directory or config_dir()
    path = folder / name
    shown = f"config/{name}"
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle), shown
    except FileNotFoundError:
        raise ConfigError(f"{shown}: file not found in {folder}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{shown}: not valid TOML ({exc})") from None


def build(cls: type[T], data: Any, where: str) -> T:
    """Build dataclass ``cls`` from a TOML table, checking keys and types recursively.

    ``where`` is the ``file:`` (or ``file: key.path``) prefix used in error messages. Fields with defaults are
    optional; unknown keys are errors. A field may declare ``metadata={"check": fn}`` where ``fn``
    returns an error string (or ``None``) for a value that has the right type but a bad content.
    """
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: expected a table, got {_kind(data)}")
    fields = {f.name: f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise ConfigError(
            f"{_child(where, unknown[0])}: unknown key (expected one of: {', '.join(sorted(fields))})"
        )
    hints = typing.get_type_hints(cls)
    values: dict[str, Any] = {}
    for name, fld in fields.items():
        key_where = _child(where, name)
        if name not in data:
            if fld.default is dataclasses.MISSING and fld.default_factory is dataclasses.MISSING:
                raise ConfigError(f"{key_where}: required key is missing")
            continue
        value = _coerce(hints[name], data[name], key_where)
        check = fld.metadata.get("check")
        if check is not None:
            problem = check(value)
            if problem:
                raise ConfigError(f"{key_where}: {problem}")
        values[name] = value
    return cls(**values)


def _coerce(hint: Any, value: Any, where: str) -> Any:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        errors = []
        for option in (a for a in args if a is not type(None)):
            try:
                return _coerce(option, value, where)
            except ConfigError as exc:
                errors.append(str(exc))
        raise ConfigError(errors[0] if errors else f"{where}: bad value")
    if origin is tuple:
        if not isinstance(value, list):
            raise ConfigError(f"{where}: expected a list, got {_kind(value)}")
        item = args[0] if args else Any
        return tuple(_coerce(item, v, f"{where}[{i}]") for i, v in enumerate(value))
    if origin in (dict, collections.abc.Mapping):
        if not isinstance(value, dict):
            raise ConfigError(f"{where}: expected a table, got {_kind(value)}")
        val_hint = args[1] if len(args) == 2 else Any
        return types.MappingProxyType(
            {str(k): _coerce(val_hint, v, _child(where, str(k))) for k, v in value.items()}
        )
    if dataclasses.is_dataclass(hint):
        return build(hint, value, where)
    if hint is Any:
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{where}: expected a number, got {_kind(value)}")
        return float(value)
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{where}: expected an integer, got {_kind(value)}")
        return value
    if hint in (str, bool):
        if not isinstance(value, hint):
            raise ConfigError(f"{where}: expected {hint.__name__}, got {_kind(value)}")
        return value
    raise ConfigError(f"{where}: unsupported type {hint!r}")  # a schema bug, not user input


def _child(where: str, key: str) -> str:
    """``config/x.toml:`` + ``key`` -> ``config/x.toml: key``; ``a.b`` + ``c`` -> ``a.b.c``."""
    return f"{where} {key}" if where.endswith(":") else f"{where}.{key}"


def _kind(value: Any) -> str:
    return {dict: "a table", list: "a list", str: "a string", bool: "a boolean"}.get(
        type(value), type(value).__name__
    )


def one_of(*choices: str):
    """A ``check`` for fields that must take one of ``choices``."""

    def check(value: Any) -> str | None:
        bad = [v for v in (value if isinstance(value, tuple) else (value,)) if v not in choices]
        if bad:
            return f"{bad[0]!r} is not one of: {', '.join(choices)}"
        return None

    return check


def in_range(low: float, high: float, *, inclusive: bool = True):
    """A ``check`` for numbers that must lie in ``[low, high]`` (or ``(low, high)``)."""

    def check(value: Any) -> str | None:
        ok = low <= value <= high if inclusive else low < value < high
        if not ok:
            bounds = f"[{low}, {high}]" if inclusive else f"({low}, {high})"
            return f"{value} is outside {bounds}"
        return None

    return check
