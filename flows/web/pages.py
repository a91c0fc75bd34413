"""What each page shows, gathered from one short read of the warehouse into plain data.

Each function takes an open connection and returns a dict for its template; nothing here holds
the connection after it returns, so the page is rendered with the warehouse already released.
"""

from __future__ import annotations

from typing import Any

import duckdb

from config.schema import DESIGNS, MEASURES, OUTCOMES, POPULATIONS, Config
from flows.evidence_spans import effect_label, paper_marks, segments
from models.curation import EFFECT_FIELDS, PAPER_FIELDS, REJECT_WHYS
from models.triage_queue import GROUP_TITLES, UncertainBand, paper_settled_for
from warehouse import triage as wt


def queue_page(con: duckdb.DuckDBPyConnection, band: UncertainBand) -> dict[str, Any]:
    entries = wt.load_queue(con, band)
    groups = [(GROUP_TITLES[g], [e for e in entries if e.group == g]) for g in sorted(GROUP_TITLES)]
    n_papers = con.execute("SELECT count(*) FROM papers").fetchone()[0]
    latest = con.execute("SELECT run_id, source, started_at FROM runs WHERE status IN ('succeeded', 'partial')"
                         " ORDER BY started_at DESC LIMIT 1").fetchone()
    return {"groups": groups, "n_entries": len(entries), "n_papers": n_papers, "band": band,
            "latest_run": latest}


def _abstract_runs(abstract: str, marks) -> tuple[list[dict[str, Any]], list]:
    runs, misfits = segments(abstract, marks)
    seen: set[str] = set()
    out = []
    for run in runs:
        starts = [label for label in run.labels if label not in seen]
        seen.update(run.labels)
        out.append({"text": run.text, "labels": run.labels, "kinds": run.kinds, "starts": starts})
    return out, misfits


def field_options(config: Config) -> dict[str, list[str]]:
    """Allowed values per field, for the forms' suggestion lists (the server checks them again)."""
    therapies = list(config.therapy_ids) + ["none"]
    return {"design": list(DESIGNS), "is_rct": ["true", "false"], "primary_therapy": therapies,
            "therapies": therapies, "population": list(POPULATIONS), "outcome": list(OUTCOMES),
            "measure": list(MEASURES)}


def paper_page(con: duckdb.DuckDBPyConnection, pmid: str, band: UncertainBand, config: Config) -> dict[str, Any] | None:
    paper = wt.paper_values(con, pmid)
    if paper is None:
        return None
    effects = wt.effects_of(con, pmid)
    for i, effect in enumerate(effects):
        effect["label"] = effect_label(i)
    evidence = wt.therapy_evidence(con, pmid)
    runs, misfits = _abstract_runs(paper.get("abstract") or "", paper_marks(paper, effects, evidence))
    return {"paper": paper, "effects": effects, "abstract_runs": runs, "misfits": misfits,
            "therapy_evidence": evidence, "flags": wt.flags_naming(con, pmid), "decisions": wt.decisions_of(con, pmid),
            "strata": wt.strata_of(con, pmid), "orphans": wt.orphans(con, pmid), "band": band,
            "paper_fields": PAPER_FIELDS, "effect_fields": EFFECT_FIELDS, "reject_whys": REJECT_WHYS,
            "options": field_options(config)}


def flag_page(con: duckdb.DuckDBPyConnection, flag_id: int) -> dict[str, Any] | None:
    flag = wt.flag(con, flag_id)
    if flag is None:
        return None
    papers = {p.pmid: p for p in wt.queue_papers(con)}
    rows = []
    for pmid in flag["pmids"] or []:
        paper = papers.get(pmid)
        settled = paper_settled_for(paper, wt.queue_effects(con, pmid), flag["outcome"])
        rows.append({"pmid": pmid, "title": paper.title if paper else "(not in the warehouse)",
                     "status": paper.curation_status if paper else "?", "settled": settled})
    key = (flag["therapy"], flag["outcome"], flag["rif_stratum"])
    latest = con.execute("SELECT run_id FROM pooled_latest LIMIT 1").fetchone()
    return {"flag": flag, "papers": rows,
            "then": wt.stratum_reading(con, flag["run_id"], *key),
            "now": wt.stratum_reading(con, latest[0], *key) if latest else None,
            "history": wt.flag_decisions(con, flag_id)}


def decision_page(con: duckdb.DuckDBPyConnection, decision_id: int) -> dict[str, Any] | None:
    decision = wt.decision(con, decision_id)
    if decision is None:
        return None
    following = wt.consequences(con, decision_id)
    flag_ids = [int(d["target_key"]) for d in following if d["target"] == "flag"]
    if decision["target"] == "flag":
        flag_ids.insert(0, int(decision["target_key"]))
    moves = []
    for flag_id in flag_ids:
        flag = wt.flag(con, flag_id)
        own = next((d for d in [decision, *following] if d["target"] == "flag" and int(d["target_key"]) == flag_id), None)
        moves.append({"flag": flag, "decision": own})
    run_id = decision.get("run_id")
    moved = {m["flag"]["flag_id"] for m in moves if m["flag"]}
    for m in moves:
        m["new"] = bool(run_id) and m["flag"] is not None and m["flag"]["run_id"] == run_id
    return {"decision": decision, "following": [d for d in following if d["target"] != "flag"], "moves": moves,
            "pooled_changes": wt.pooled_changes(con, run_id) if run_id else [],
            "new_flags": [f for f in wt.flags_of_run(con, run_id) if f["flag_id"] not in moved] if run_id else [],
            "run_id": run_id}
