"""The 2023 baseline: the seed review's randomized trials as curated evidence.

``data/baseline/review_2023.toml`` lists the trials the review reports, with its figures. Loading
turns each into the records the pipeline itself makes — an ``Article`` whose stored text states
the trial's definition and figures (so every number still points at its words), a curated
``Classification`` and curated ``Effect`` rows — stores them under a ``baseline`` run and pools
them, without flags: the baseline is the starting state later runs are compared with.

Ids are ``review2023-<key>`` (the review gives no PMIDs). When a trial's own PubMed record arrives
(same first author, year and therapy), the warehouse's ``poolable_effects`` view lets the real
record stand and the baseline entry step aside, so no trial is counted twice.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from config.loader import ConfigError, build, in_range, one_of
from config.schema import OUTCOMES, POPULATIONS, Config
from extractors.records import Article, Classification, Effect, RifDefinition, Span, TherapyFinding
from flows.cycle import open_cycle
from flows.pooling_step import pool_and_flag
from models.effect_sizes import effect_from_counts
from warehouse.db import transaction
from warehouse.ledger import archive_raw, known_inputs
from warehouse.load import insert_classifications, insert_effects, upsert_records
from warehouse.runs import RunCounts, finish_run

BASELINE_FILE = Path(__file__).resolve().parents[1] / "data" / "baseline" / "review_2023.toml"
ID_PREFIX = "review2023-"
RULE_ID = "baseline.review2023.v1"
MODEL_VERSION = "curated:review2023"
SOURCE_NOTE = "as cited in Reproduction 2023;165:R39-R60"


@dataclass(frozen=True)
class BaselineEffect:
    outcome: str = field(metadata={"check": one_of(*OUTCOMES)})
    treat_arm: str
    ctrl_arm: str
    where: str
    treat_events: int | None = None
    treat_total: int | None = None
    ctrl_events: int | None = None
    ctrl_total: int | None = None
    measure: str | None = field(default=None, metadata={"check": one_of("RR", "OR", "RD")})
    estimate: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    p_value: float | None = field(default=None, metadata={"check": in_range(0, 1)})


@dataclass(frozen=True)
class BaselineTrial:
    key: str
    citation: str
    first_author: str
    year: int = field(metadata={"check": in_range(1950, 2100)})
    therapy: str
    population: str = field(metadata={"check": one_of(*POPULATIONS)})
    rif_definition: str
    effect: tuple[BaselineEffect, ...] = ()
    rif_min_failures: int | None = None

    @property
    def pmid(self) -> str:
        return ID_PREFIX + self.key


@dataclass(frozen=True)
class BaselineFile:
    trial: tuple[BaselineTrial, ...]


def read_baseline(path: Path = BASELINE_FILE, config: Config | None = None) -> tuple[bytes, list[BaselineTrial]]:
    """The file's bytes and its validated trials."""
    import tomllib

    body = path.read_bytes()
    shown = str(path)
    try:
        data = tomllib.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{shown}: not valid TOML ({exc})") from None
    trials = list(build(BaselineFile, data, f"{shown}:").trial)
    known = set(config.therapy_ids) if config else None
    for i, trial in enumerate(trials):
        if known is not None and trial.therapy not in known:
            raise ConfigError(f"{shown}: trial[{i}].therapy: unknown therapy {trial.therapy!r}")
        for j, e in enumerate(trial.effect):
            counts = (e.treat_events, e.treat_total, e.ctrl_events, e.ctrl_total)
            ratio = (e.measure, e.estimate, e.ci_low, e.ci_high)
            if not (None not in counts or None not in ratio):
                raise ConfigError(f"{shown}: trial[{i}].effect[{j}]: give four counts or a ratio with its interval")
    return body, trials


def _sentence(e: BaselineEffect, label: str) -> str:
    if e.treat_events is not None:
        text = (f"{label}: {e.treat_events}/{e.treat_total} with {e.treat_arm} vs "
                f"{e.ctrl_events}/{e.ctrl_total} with {e.ctrl_arm}")
    else:
        text = f"{label} with {e.treat_arm} vs {e.ctrl_arm}: {e.measure} {e.estimate} (95% CI {e.ci_low}-{e.ci_high})"
    if e.p_value is not None:
        text += f", P = {e.p_value}"
    return text + f" ({e.where})."


def trial_records(trial: BaselineTrial, config: Config) -> tuple[Article, Classification, list[Effect]]:
    """The records the pipeline would hold for this trial, with curated provenance."""
    labels = {o.id: o.label for o in config.outcomes}
    head = (f"{trial.citation}: randomised trial of {config.therapy(trial.therapy).label}. "
            f"Women enrolled: ")
    definition = trial.rif_definition
    parts = [head + definition + "."]
    effects: list[Effect] = []
    position = len(parts[0]) + 1
    for e in trial.effect:
        sentence = _sentence(e, labels.get(e.outcome, e.outcome))
        common = dict(pmid=trial.pmid, outcome=e.outcome, treat_arm=e.treat_arm, ctrl_arm=e.ctrl_arm,
                      p_value=e.p_value, p_operator="=" if e.p_value is not None else None, source="curated",
                      evidence_text=sentence, char_start=position, char_end=position + len(sentence),
                      rule_id=RULE_ID)
        if e.treat_events is not None:
            rr = effect_from_counts("RR", e.treat_events, e.treat_total, e.ctrl_events, e.ctrl_total)
            effects.append(Effect(**common, treat_events=e.treat_events, treat_total=e.treat_total,
                                  ctrl_events=e.ctrl_events, ctrl_total=e.ctrl_total, measure="RR",
                                  estimate=rr.estimate if rr else None, ci_low=rr.ci_low if rr else None,
                                  ci_high=rr.ci_high if rr else None))
        else:
            effects.append(Effect(**common, measure=e.measure, estimate=e.estimate, ci_low=e.ci_low,
                                  ci_high=e.ci_high))
        parts.append(sentence)
        position += len(sentence) + 1
    abstract = " ".join(parts)
    start = len(head)
    article = Article(
        pmid=trial.pmid, title=f"{trial.citation} ({SOURCE_NOTE})", abstract=abstract,
        journal=SOURCE_NOTE, year=trial.year, entry_date=date(trial.year, 1, 1),
        create_date=date(trial.year, 1, 1), authors=(trial.first_author,), source_format="baseline",
    )
    rif = RifDefinition(trial.rif_min_failures, None, None, (), Span(definition, start, start + len(definition)),
                        RULE_ID) if trial.population == "rif" else None
    classification = Classification(
        pmid=trial.pmid, rct_probability=1.0, is_rct=True, design="rct", therapies=(trial.therapy,),
        primary_therapy=trial.therapy, population=trial.population, rif=rif,
        therapy_findings=(TherapyFinding(trial.therapy, None, None, RULE_ID),),
        operating_point="curated", model_version=MODEL_VERSION, rules_version=RULE_ID)
    return article, classification, effects


def load_baseline(con: duckdb.DuckDBPyConnection, config: Config, *, path: Path = BASELINE_FILE,
                  as_of: date | None = None) -> str | None:
    """Load the baseline once (a second call finds it in the ledger and returns ``None``)."""
    body, trials = read_baseline(path, config)
    if known_inputs(con, [hashlib.sha256(body).hexdigest()]):
        return None
    with transaction(con):
        cycle = open_cycle(con, config, source="baseline", as_of=as_of or date.today(), query=None,
                           model_version=MODEL_VERSION, windowed=False)
        input_id, _ = archive_raw(con, cycle.run_id, "baseline", str(path.name), body)
        records = [trial_records(t, config) for t in trials]
        load = upsert_records(con, [a for a, _, _ in records], cycle.run_id, input_id)
        revision = dict(load.revisions)
        insert_classifications(con, [(revision[c.pmid], c) for _, c, _ in records if c.pmid in revision], cycle.run_id)
        insert_effects(con, [(revision[e.pmid], e, True) for _, _, es in records for e in es if e.pmid in revision],
                       cycle.run_id, RULE_ID)
        pool_and_flag(con, cycle.run_id, config, raise_flags=False)
        finish_run(con, cycle.run_id, "succeeded",
                   RunCounts(n_fetched=len(trials), n_new=len(load.new), n_updated=len(load.updated),
                             n_rct_new=len(load.new)))
    return cycle.run_id
