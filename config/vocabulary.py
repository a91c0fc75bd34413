"""Typed shapes of the classifier's own configuration: RIF definitions and operating points.

``config/rif_definitions.toml`` holds the words of the RIF-definition grammar and the population
terms; ``config/operating_points.toml`` holds the RCT thresholds that
``scripts/train_rct_model.py`` chose, with how it chose them. Both are validated on load with
``config.loader.build`` (unknown keys are errors, one line naming file and key).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Mapping

from config.loader import ConfigError, build, config_dir, in_range, one_of, read_toml

#: What a RIF definition can count (``extractors.records.RifDefinition.count_unit``).
COUNT_UNITS = ("transfers", "cycles", "embryos", "blastocysts", "attempts")
OPERATING_POINTS = ("sensitive", "balanced", "precise")


def _nonempty(value) -> str | None:
    return None if value else "must not be empty"


@dataclass(frozen=True)
class OrMore:
    phrases: tuple[str, ...] = field(metadata={"check": _nonempty})


@dataclass(frozen=True)
class FailureWords:
    words: tuple[str, ...] = field(metadata={"check": _nonempty})


@dataclass(frozen=True)
class AgeWords:
    before_bound: tuple[str, ...] = field(metadata={"check": _nonempty})


@dataclass(frozen=True)
class PopulationTerms:
    rif: tuple[str, ...] = field(metadata={"check": _nonempty})
    rpl: tuple[str, ...] = field(metadata={"check": _nonempty})
    ivf: tuple[str, ...] = field(metadata={"check": _nonempty})
    #: Phrases that say "at least one failure" ("prior implantation failure"): RIF only with a count.
    weak_rif: tuple[str, ...] = ()


@dataclass(frozen=True)
class RifVocabulary:
    """``config/rif_definitions.toml``."""

    numbers: Mapping[str, int]
    comparators: Mapping[str, int]
    or_more: OrMore
    units: Mapping[str, tuple[str, ...]]
    failure: FailureWords
    age: AgeWords
    immune: Mapping[str, tuple[str, ...]]
    terms: PopulationTerms


@dataclass(frozen=True)
class OperatingPoint:
    name: str = field(metadata={"check": one_of(*OPERATING_POINTS)})
    threshold: float = field(metadata={"check": in_range(0, 1)})
    target: str = ""
    cv_sensitivity: float = field(default=0.0, metadata={"check": in_range(0, 1)})
    cv_specificity: float = field(default=0.0, metadata={"check": in_range(0, 1)})


@dataclass(frozen=True)
class OperatingPoints:
    """``config/operating_points.toml``."""

    default: str = field(metadata={"check": one_of(*OPERATING_POINTS)})
    model_version: str
    chosen_on: str
    point: tuple[OperatingPoint, ...] = field(metadata={"check": _nonempty})

    def threshold(self, name: str) -> float:
        for point in self.point:
            if point.name == name:
                return point.threshold
        raise ConfigError(f"config/operating_points.toml: no operating point {name!r} "
                          f"(known: {', '.join(p.name for p in self.point)})")


def load_rif_vocabulary(directory: Path | str | None = None) -> RifVocabulary:
    """Read and validate ``rif_definitions.toml``."""
    data, shown = read_toml("rif_definitions.toml", Path(directory) if directory else None)
    vocabulary = build(RifVocabulary, data, f"{shown}:")
    unknown = sorted(set(vocabulary.units) - set(COUNT_UNITS))
    if unknown:
        raise ConfigError(f"{shown}: units.{unknown[0]}: not one of: {', '.join(COUNT_UNITS)}")
    for word, value in vocabulary.numbers.items():
        if not 0 < value < 100:
            raise ConfigError(f"{shown}: numbers.{word}: {value} is outside [1, 99]")
    for phrase, add in vocabulary.comparators.items():
        if add not in (0, 1):
            raise ConfigError(f"{shown}: comparators.{phrase}: must add 0 or 1, not {add}")
    return vocabulary


def load_operating_points(directory: Path | str | None = None) -> OperatingPoints:
    """Read and validate ``operating_points.toml`` (thresholds must rise from sensitive to precise)."""
    data, shown = read_toml("operating_points.toml", Path(directory) if directory else None)
    points = build(OperatingPoints, data, f"{shown}:")
    names = [p.name for p in points.point]
    if sorted(names) != sorted(OPERATING_POINTS):
        raise ConfigError(f"{shown}: point: needs exactly {', '.join(OPERATING_POINTS)}, got {', '.join(names)}")
    order = [points.threshold(name) for name in OPERATING_POINTS]
    if order != sorted(order):
        raise ConfigError(f"{shown}: point: thresholds must rise from sensitive to balanced to precise")
    return points


@lru_cache(maxsize=2)
def default_rif_vocabulary() -> RifVocabulary:
    """``rif_definitions.toml`` from ``config_dir()``, loaded once per process."""
    return load_rif_vocabulary(config_dir())
