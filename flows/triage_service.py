"""Applying a maintainer's decision: check it, write it, pool again, move the flags it settles.

The command line (``rifwatch triage``) and the web page (``rifwatch serve``) both call
``decide``, so a decision means the same wherever it is made. One decision is one short write to
the warehouse, in one transaction:

1. check the request against the paper's current values (``models.curation``);
2. open a ``curation`` run and append the decision, and any decision it implies (confirming a
   paper confirms its undecided numbers; a corrected count of a computed effect recomputes its
   ratio; a corrected design sets ``is_rct``), to ``store.decisions``;
3. pool every stratum again from the views into that run (``flows.recompute``); a flag the
   recomputation raises names the decided paper when no study entered or left the stratum (the
   decision is what changed it);
4. settle the open flags the recomputation judges (``models.flag_review``): ``dismissed`` when
   the change no longer holds, ``confirmed`` when it holds and its papers are settled.

A flag verdict (confirm or dismiss a flag) changes no number and is written without pooling.
``decide`` waits a bounded time for the warehouse and, if the weekly run holds it longer, raises
``flows.triage_access.WarehouseBusy`` ("the weekly run is writing; try again in a moment").
"""

from __future__ import annotations

import getpass
import os
import re
from dataclasses import dataclass, field
from typing import Any

import duckdb

from config.schema import Config, default_config
from flows.recompute import PoolStep, open_curation_run, pool_curation_run
from flows.triage_access import WRITE_WAIT_SECONDS, writing
from models import curation
from models.flag_review import settle_flag
from models.triage_queue import paper_settled_for
from warehouse import triage as wt
from warehouse.db import transaction

ACTIONS = ("confirm", "correct", "reject", "flag")
FLAG_VERDICTS = {"confirmed": "confirm", "dismissed": "reject"}
MAX_REASON = 2000
MAX_CURATOR = 200
_INDEX = re.compile(r"^e(\d+)$")


def default_curator() -> str:
    """Who decides when nobody said: ``$RIFWATCH_CURATOR``, else the operating system's login name."""
    name = os.environ.get("RIFWATCH_CURATOR", "").strip()
    if name:
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


@dataclass(frozen=True)
class DecisionRequest:
    """What a maintainer asked for, as the CLI or a form gives it (values still text)."""

    action: str                    # confirm | correct | reject | flag
    reason: str
    curator: str
    pmid: str | None = None
    effect_key: str | None = None  # a key from ``effects.effect_key`` or ``eN`` (N-th in key order)
    field: str | None = None
    value: str | None = None
    why: str | None = None         # reject: not_a_trial | off_topic | duplicate
    of_pmid: str | None = None     # reject --why duplicate: the report it duplicates
    flag_id: int | None = None
    verdict: str | None = None     # flag: confirmed | dismissed
    via: str = "cli"


@dataclass(frozen=True)
class DecisionOutcome:
    """What a decision wrote and changed."""

    decision_id: int
    decision_ids: tuple[int, ...]
    run_id: str | None
    pooled_changes: list[dict[str, Any]] = field(default_factory=list)
    flag_moves: list[dict[str, Any]] = field(default_factory=list)
    new_flags: list[dict[str, Any]] = field(default_factory=list)


def decide(db, request: DecisionRequest, config: Config | None = None, *,
           wait_seconds: float = WRITE_WAIT_SECONDS, pool: PoolStep | None = None) -> DecisionOutcome:
    """Open a short write connection (waiting at most ``wait_seconds``) and apply ``request``.

    Raises ``flows.triage_access.WarehouseBusy`` when the weekly run holds the file longer.
    """
    with writing(db, wait_seconds=wait_seconds) as con:
        return apply_decision(con, request, config or default_config(), pool=pool)


def apply_decision(con: duckdb.DuckDBPyConnection, request: DecisionRequest, config: Config, *,
                   pool: PoolStep | None = None) -> DecisionOutcome:
    """Check and write ``request``, pool again and settle flags, in one transaction."""
    _check_signature(request)
    if request.action not in ACTIONS:
        raise curation.CurationError(f"unknown action {request.action!r} (choose one of: {', '.join(ACTIONS)})")
    with transaction(con):
        if request.action == "flag":
            return _flag_verdict(con, request)
        planned = _plan(con, request, config)
        run_id = open_curation_run(con, config)
        ids = _write(con, planned, run_id)
        pool_curation_run(con, run_id, config, pool=pool)
        wt.name_papers_of_run_flags(con, run_id, [planned[0].decision.pmid])
        moves = _settle_flags(con, run_id, ids[0], request)
        return DecisionOutcome(ids[0], tuple(ids) + tuple(m["decision_id"] for m in moves), run_id,
                               wt.pooled_changes(con, run_id), moves, wt.flags_of_run(con, run_id))


def _check_signature(request: DecisionRequest) -> None:
    reason = " ".join((request.reason or "").split())
    if not reason:
        raise curation.CurationError("a decision needs a reason (--reason): say what you checked")
    if len(reason) > MAX_REASON:
        raise curation.CurationError(f"the reason is longer than {MAX_REASON} characters")
    curator = (request.curator or "").strip()
    if not curator or "\n" in curator or len(curator) > MAX_CURATOR:
        raise curation.CurationError("a decision needs who made it (--curator, $RIFWATCH_CURATOR or the login name)")


@dataclass(frozen=True)
class _Planned:
    """A decision to write; ``caused`` ones point at the first (the maintainer's own) decision."""

    decision: wt.Decision
    caused: bool = False


def _base(request: DecisionRequest, **values) -> wt.Decision:
    values.setdefault("via", request.via)
    return wt.Decision(reason=" ".join(request.reason.split()), curator=request.curator.strip(), **values)


def _paper(con: duckdb.DuckDBPyConnection, pmid: str | None) -> dict[str, Any]:
    pmid = (pmid or "").strip()
    if not pmid.isdigit():
        raise curation.CurationError(f"{pmid!r} is not a PMID")
    found = wt.paper_values(con, pmid)
    if found is None:
        raise curation.CurationError(f"no paper with PMID {pmid} in the warehouse")
    return found


def resolve_effect(con: duckdb.DuckDBPyConnection, pmid: str, key: str) -> dict[str, Any]:
    """The effect named by its key or by ``eN`` (the N-th of the paper's effects in key order)."""
    effects = wt.effects_of(con, pmid)
    match = _INDEX.match(key.strip())
    if match and 1 <= int(match.group(1)) <= len(effects):
        return effects[int(match.group(1)) - 1]
    for effect in effects:
        if effect.get("effect_key") == key:
            return effect
    known = ", ".join(f"e{i}={e['effect_key']}" for i, e in enumerate(effects, 1)) or "none"
    raise curation.CurationError(f"PMID {pmid} has no effect {key!r} (its effects: {known})")


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _plan(con: duckdb.DuckDBPyConnection, request: DecisionRequest, config: Config) -> list[_Planned]:
    paper = _paper(con, request.pmid)
    pmid = paper["pmid"]
    effect = resolve_effect(con, pmid, request.effect_key) if request.effect_key else None
    if request.action == "confirm":
        if effect is not None:
            return [_Planned(_base(request, pmid=pmid, target="effect", target_key=effect["effect_key"],
                                   action="confirm", field="status", old_value=effect["curation_status"],
                                   new_value="confirmed"))]
        plan = [_Planned(_base(request, pmid=pmid, target="paper", action="confirm", field="status",
                               old_value=paper["curation_status"], new_value="confirmed"))]
        for item in wt.effects_of(con, pmid):
            if item["curation_status"] == "machine":
                plan.append(_Planned(_base(request, pmid=pmid, target="effect", target_key=item["effect_key"],
                                           action="confirm", field="status", old_value="machine",
                                           new_value="confirmed"), caused=True))
        return plan
    if request.action == "reject":
        if effect is not None:
            return [_Planned(_base(request, pmid=pmid, target="effect", target_key=effect["effect_key"],
                                   action="reject", field="status", old_value=effect["curation_status"],
                                   new_value="rejected"))]
        value = curation.rejection_value(request.why or "", request.of_pmid, pmid)
        if value.startswith("rejected:duplicate:"):
            _paper(con, value.rsplit(":", 1)[1])
        return [_Planned(_base(request, pmid=pmid, target="paper", action="reject", field="status",
                               old_value=paper["curation_status"], new_value=value))]
    if not request.field:
        raise curation.CurationError("a correction needs --field (and --value)")
    if effect is not None:
        return _plan_effect_correction(request, pmid, effect)
    return _plan_paper_correction(request, paper, config)


def _plan_paper_correction(request: DecisionRequest, paper: dict[str, Any], config: Config) -> list[_Planned]:
    name, value = curation.normalise_paper_value(request.field or "", request.value or "", config.therapy_ids)
    old = _text(paper[name])
    if (old or "") == value:
        raise curation.CurationError(f"{name} of PMID {paper['pmid']} is already {value!r}")
    plan = [_Planned(_base(request, pmid=paper["pmid"], target="paper", action="correct", field=name,
                           old_value=old, new_value=value))]
    if name == "design":
        implied = curation.is_rct_for_design(value)
        if implied is not None and implied != paper["is_rct"]:
            plan.append(_Planned(_base(request, pmid=paper["pmid"], target="paper", action="correct", field="is_rct",
                                       old_value=_text(paper["is_rct"]), new_value=_text(implied), via="auto"),
                                 caused=True))
    return plan


def _plan_effect_correction(request: DecisionRequest, pmid: str, effect: dict[str, Any]) -> list[_Planned]:
    name = request.field or ""
    value = curation.normalise_effect_value(name, request.value or "")
    old = _text(effect.get(name))
    if (old or "") == value:
        raise curation.CurationError(f"{name} of effect {effect['effect_key']} is already {value!r}")
    after = {k: effect.get(k) for k in curation.EFFECT_FIELDS}
    if value == "":
        after[name] = None
    elif name in curation.COUNT_FIELDS:
        after[name] = int(value)
    else:
        after[name] = value if name in ("outcome", "measure") else float(value)
    derived: dict[str, str] = {}
    if effect.get("machine_source") == "computed" and name in curation.COUNT_FIELDS + ("measure",):
        derived = curation.derived_from_counts(after)
        after.update({k: float(v) for k, v in derived.items()})
    curation.check_effect(after)
    key = effect["effect_key"]
    plan = [_Planned(_base(request, pmid=pmid, target="effect", target_key=key, action="correct", field=name,
                           old_value=old, new_value=value))]
    for derived_field, derived_value in derived.items():
        if _text(effect.get(derived_field)) != derived_value:
            plan.append(_Planned(_base(request, pmid=pmid, target="effect", target_key=key, action="correct",
                                       field=derived_field, old_value=_text(effect.get(derived_field)),
                                       new_value=derived_value, via="auto"), caused=True))
    return plan


def _write(con: duckdb.DuckDBPyConnection, planned: list[_Planned], run_id: str) -> list[int]:
    ids: list[int] = []
    for item in planned:
        decision = item.decision
        if item.caused:
            decision = wt.Decision(**{**decision.__dict__, "cause_id": ids[0],
                                      "reason": f"{decision.reason} (follows from decision #{ids[0]})"})
        ids.append(wt.insert_decision(con, wt.Decision(**{**decision.__dict__, "run_id": run_id})))
    return ids


def _settle_flags(con: duckdb.DuckDBPyConnection, run_id: str, cause_id: int,
                  request: DecisionRequest) -> list[dict[str, Any]]:
    """Move the open flags the recomputation judges; return each move with its decision id."""
    papers = {p.pmid: p for p in wt.queue_papers(con)}
    moves = []
    for flag in wt.current_flags(con, run_id):
        pmids = list(flag["pmids"] or [])
        settled = bool(pmids) and all(
            paper_settled_for(papers.get(p), wt.queue_effects(con, p), flag["outcome"]) for p in pmids)
        key = (flag["therapy"], flag["outcome"], flag["rif_stratum"])
        settlement = settle_flag(flag["kind"], settled, wt.stratum_reading(con, run_id, *key),
                                 wt.stratum_reading(con, flag["run_id"], *key))
        if settlement.status is None:
            continue
        decision_id = wt.insert_decision(con, wt.Decision(
            pmid="", target="flag", target_key=str(flag["flag_id"]), action=FLAG_VERDICTS[settlement.status],
            field="status", old_value="open", new_value=settlement.status,
            reason=f"automatic after decision #{cause_id}: {settlement.reason}", curator=request.curator.strip(),
            via="auto", cause_id=cause_id, run_id=run_id))
        moves.append({**flag, "decision_id": decision_id, "old_status": "open", "status": settlement.status,
                      "status_reason": settlement.reason})
    return moves


def _flag_verdict(con: duckdb.DuckDBPyConnection, request: DecisionRequest) -> DecisionOutcome:
    if request.verdict not in FLAG_VERDICTS:
        raise curation.CurationError(f"a flag is confirmed or dismissed, not {request.verdict!r}")
    found = wt.flag(con, int(request.flag_id)) if request.flag_id is not None else None
    if found is None:
        raise curation.CurationError(f"no flag #{request.flag_id} in the warehouse")
    if found["status"] == request.verdict:
        raise curation.CurationError(f"flag #{request.flag_id} is already {request.verdict}")
    decision_id = wt.insert_decision(con, _base(
        request, pmid="", target="flag", target_key=str(found["flag_id"]), action=FLAG_VERDICTS[request.verdict],
        field="status", old_value=found["status"], new_value=request.verdict))
    move = {**found, "decision_id": decision_id, "old_status": found["status"], "status": request.verdict,
            "status_reason": " ".join(request.reason.split())}
    return DecisionOutcome(decision_id, (decision_id,), None, [], [move], [])
