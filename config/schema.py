"""Typed shapes of the files in ``config/`` and the function that loads them all.

Each dataclass mirrors one TOML file (or one table in it). ``load_config`` reads every file,
validates it with ``config.loader.build`` and checks cross-file rules (unique ids, strata that
exist, outcomes that monitoring knows). Everything returned is frozen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Mapping

from config.loader import ConfigError, build, config_dir, in_range, one_of, read_toml

#: Therapy ids fixed by CONTRACT.md; config may add more but never drop these.
CONTRACT_THERAPIES = (
    "scratch", "pbmc", "g_csf", "hcg_intrauterine", "aspirin", "lmwh", "glucocorticoid",
    "intralipid", "ivig", "prp", "tnf_blocker", "lit", "atosiban",
)
POPULATIONS = ("rif", "rpl", "general_ivf", "other")
DESIGNS = (
    "rct", "quasi_rct", "meta_analysis", "systematic_review", "cohort", "case_control",
    "case_series", "narrative_review", "trial_registration", "protocol", "other",
)
OUTCOMES = (
    "live_birth", "clinical_pregnancy", "ongoing_pregnancy", "miscarriage", "implantation",
    "chemical_pregnancy", "other",
)
MEASURES = ("RR", "OR", "RD", "HR")
STRATA = ("rif_any", "rif_ge2", "rif_ge3")

_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_CRON_FIELD = re.compile(r"^[\d*/,\-]+$")


def _identifier(value: str) -> str | None:
    return None if _ID.match(value) else f"{value!r} is not a lower-case identifier"


def _iso_date(value: str) -> str | None:
    try:
        date.fromisoformat(value)
    except ValueError:
        return f"{value!r} is not a date (YYYY-MM-DD)"
    return None


def _cron(value: str) -> str | None:
    parts = value.split()
    if len(parts) != 5 or not all(_CRON_FIELD.match(p) for p in parts):
        return f"{value!r} is not a five-field cron expression"
    return None


def _nonempty(value: tuple) -> str | None:
    return None if value else "must not be empty"


@dataclass(frozen=True)
class Therapy:
    id: str = field(metadata={"check": _identifier})
    label: str
    group: str = field(metadata={"check": one_of("pro-inflammatory", "anti-inflammatory", "other")})
    phrases: tuple[str, ...] = ()
    abbreviations: tuple[str, ...] = ()
    typos: tuple[str, ...] = ()
    brands: tuple[str, ...] = ()
    #: abbreviations that also mean something else (ASA grade, GC = granulosa cells, IVI clinics):
    #: they count only when the record also names the therapy in full or defines them itself.
    ambiguous: tuple[str, ...] = ()
    #: short names that call the therapy's arm ("the scratch group") but are too loose to say a
    #: record studies the therapy ("scratch assay", "skin scratch test"): arms only, never therapy.
    arm_names: tuple[str, ...] = ()
    search_terms: tuple[str, ...] = ()
    routes: tuple[str, ...] = ()
    table1_verdict: str = ""
    table2_recommendation: str = ""
    table2_considerations: str = ""
    clinic_position: str = ""

    @property
    def all_terms(self) -> tuple[str, ...]:
        return self.phrases + self.abbreviations + self.typos + self.brands


@dataclass(frozen=True)
class TherapiesFile:
    therapy: tuple[Therapy, ...] = field(metadata={"check": _nonempty})


@dataclass(frozen=True)
class Outcome:
    id: str = field(metadata={"check": one_of(*OUTCOMES)})
    label: str
    phrases: tuple[str, ...] = ()
    abbreviations: tuple[str, ...] = ()


@dataclass(frozen=True)
class OutcomesFile:
    outcome: tuple[Outcome, ...] = field(metadata={"check": _nonempty})


@dataclass(frozen=True)
class Search:
    population_terms: tuple[str, ...] = field(metadata={"check": _nonempty})
    extra_terms: tuple[str, ...] = ()
    initial_watermark: str = field(default="2022-01-31", metadata={"check": _iso_date})
    overlap_days: int = field(default=3, metadata={"check": in_range(0, 60)})
    max_ids_per_search: int = field(default=10000, metadata={"check": in_range(1, 10000)})
    efetch_batch_size: int = field(default=200, metadata={"check": in_range(1, 10000)})
    mdat_pass: bool = True
    deletion_check_days: int = field(default=56, metadata={"check": in_range(0, 3650)})


@dataclass(frozen=True)
class Schedule:
    cron: str = field(metadata={"check": _cron})
    timezone: str = "UTC"
    deployment_name: str = "weekly"


@dataclass(frozen=True)
class Stratum:
    id: str = field(metadata={"check": one_of(*STRATA)})
    label: str
    min_failures: int = field(metadata={"check": in_range(0, 100)})


@dataclass(frozen=True)
class StrataFile:
    stratum: tuple[Stratum, ...] = field(metadata={"check": _nonempty})


@dataclass(frozen=True)
class DigestSettings:
    sender: str
    subject_prefix: str = "[rifwatch]"
    recipients: tuple[str, ...] = ()
    pubmed_url: str = "https://pubmed.ncbi.nlm.nih.gov/{pmid}/"


@dataclass(frozen=True)
class TsaSettings:
    alpha: float = field(default=0.05, metadata={"check": in_range(0, 1, inclusive=False)})
    beta: float = field(default=0.20, metadata={"check": in_range(0, 1, inclusive=False)})
    spending: str = field(default="obf", metadata={"check": one_of("obf", "pocock")})
    heterogeneity_adjustment: str = field(default="D2", metadata={"check": one_of("D2", "I2", "none")})
    control_risk: Mapping[str, float] = field(default_factory=dict)
    relative_effect: float = field(default=0.30, metadata={"check": in_range(0, 10, inclusive=False)})


@dataclass(frozen=True)
class LilSettings:
    enabled: bool = False
    # Lan, Hu & Proschan (2009) recommend lambda = 2 for risk and odds ratios.
    lambda_: float = field(default=2.0, metadata={"check": in_range(0, 10, inclusive=False)})


@dataclass(frozen=True)
class Monitoring:
    lead_measure: str = field(default="RR", metadata={"check": one_of("RR", "OR", "RD")})
    lead_method: str = field(default="REML", metadata={"check": one_of("FE", "MH", "DL", "REML", "PM")})
    lead_ci: str = field(default="hksj-adhoc", metadata={"check": one_of("wald", "hksj", "hksj-adhoc")})
    alpha: float = field(default=0.05, metadata={"check": in_range(0, 1, inclusive=False)})
    tsa: TsaSettings = field(default_factory=TsaSettings)
    lil: LilSettings = field(default_factory=LilSettings)


@dataclass(frozen=True)
class Config:
    """Every configuration file, validated."""

    directory: Path
    therapies: tuple[Therapy, ...]
    outcomes: tuple[Outcome, ...]
    search: Search
    schedule: Schedule
    strata: tuple[Stratum, ...]
    digest: DigestSettings
    monitoring: Monitoring

    def therapy(self, therapy_id: str) -> Therapy:
        for therapy in self.therapies:
            if therapy.id == therapy_id:
                return therapy
        known = ", ".join(t.id for t in self.therapies)
        raise KeyError(f"unknown therapy {therapy_id!r} (known: {known})")

    @property
    def therapy_ids(self) -> tuple[str, ...]:
        return tuple(t.id for t in self.therapies)


def _load_file(cls, name: str, directory: Path):
    data, shown = read_toml(name, directory)
    return build(cls, data, f"{shown}:")


def _monitoring(directory: Path) -> Monitoring:
    data, shown = read_toml("monitoring.toml", directory)
    lil = data.get("lil")
    if isinstance(lil, dict) and "lambda" in lil:  # ``lambda`` is a Python keyword
        data = {**data, "lil": {**{k: v for k, v in lil.items() if k != "lambda"}, "lambda_": lil["lambda"]}}
    monitoring = build(Monitoring, data, f"{shown}:")
    unknown = sorted(set(monitoring.tsa.control_risk) - set(OUTCOMES))
    if unknown:
        raise ConfigError(f"{shown}: tsa.control_risk.{unknown[0]}: unknown outcome")
    for outcome, risk in monitoring.tsa.control_risk.items():
        if not 0 < risk < 1:
            raise ConfigError(f"{shown}: tsa.control_risk.{outcome}: {risk} is outside (0, 1)")
    return monitoring


def _unique(ids, shown: str, what: str) -> None:
    seen: set[str] = set()
    for item in ids:
        if item in seen:
            raise ConfigError(f"{shown}: {what} {item!r} is defined twice")
        seen.add(item)


def load_config(directory: Path | str | None = None) -> Config:
    """Read and validate every file in the config folder.

    Raises
    ------
    ConfigError
        With a one-line message naming the file, the key and the problem.
    """
    folder = Path(directory) if directory is not None else config_dir()
    therapies = _load_file(TherapiesFile, "therapies.toml", folder).therapy
    _unique((t.id for t in therapies), "config/therapies.toml", "therapy")
    missing = sorted(set(CONTRACT_THERAPIES) - {t.id for t in therapies})
    if missing:
        raise ConfigError(f"config/therapies.toml: therapy {missing[0]!r} of CONTRACT.md is missing")
    outcomes = _load_file(OutcomesFile, "outcomes.toml", folder).outcome
    _unique((o.id for o in outcomes), "config/outcomes.toml", "outcome")
    strata = _load_file(StrataFile, "strata.toml", folder).stratum
    _unique((s.id for s in strata), "config/strata.toml", "stratum")
    return Config(
        directory=folder,
        therapies=therapies,
        outcomes=outcomes,
        search=_load_file(Search, "search.toml", folder),
        schedule=_load_file(Schedule, "schedule.toml", folder),
        strata=strata,
        digest=_load_file(DigestSettings, "digest.toml", folder),
        monitoring=_monitoring(folder),
    )


@lru_cache(maxsize=4)
def default_config() -> Config:
    """The configuration from ``config_dir()``, loaded once per process."""
    return load_config()
