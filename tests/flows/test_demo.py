"""The demo, end to end: every contract view, a digest per week, and exactly the flags that the
published numbers imply (data/demo_snapshot/manifest.json, docs/demo_snapshot.md)."""

from __future__ import annotations

import duckdb
import pytest

#: The views and columns CONTRACT.md fixes.
CONTRACT_VIEWS = {
    "papers": ["pmid", "title", "journal", "year", "entry_date", "publication_types", "is_rct",
               "rct_probability", "design", "therapies", "primary_therapy", "population",
               "rif_min_failures", "rif_definition_text", "first_seen_run", "last_seen_run"],
    "effects": ["pmid", "outcome", "treat_events", "treat_total", "ctrl_events", "ctrl_total", "measure",
                "estimate", "ci_low", "ci_high", "p_value", "source", "evidence_text", "char_start", "char_end"],
    "pooled": ["run_id", "therapy", "outcome", "rif_stratum", "measure", "method", "k", "n_patients",
               "estimate", "ci_low", "ci_high", "p_value", "tau2", "i2", "pi_low", "pi_high",
               "information_fraction", "z", "z_boundary", "significant", "significant_sequential",
               "computed_at"],
    "flags": ["flag_id", "run_id", "therapy", "outcome", "rif_stratum", "kind", "pmids", "details",
              "created_at", "status"],
    "runs": ["run_id", "started_at", "finished_at", "status", "source", "query", "window_start",
             "window_end", "n_fetched", "n_new", "n_updated", "n_rct_new", "error"],
}
CONTRACT_VIEWS["pooled_latest"] = CONTRACT_VIEWS["pooled"]


@pytest.fixture(scope="module")
def con(demo_output):
    con = duckdb.connect(str(demo_output / "warehouse.duckdb"), read_only=True)
    yield con
    con.close()


@pytest.mark.parametrize("view", sorted(CONTRACT_VIEWS))
def test_every_contract_view_has_its_columns(con, view):
    columns = [row[0] for row in con.execute(f"DESCRIBE {view}").fetchall()]
    missing = [c for c in CONTRACT_VIEWS[view] if c not in columns]
    assert not missing, f"{view} lacks {missing}"


def test_a_digest_for_every_replayed_week(demo_output, demo_manifest):
    weeks = [w["iso_week"] for w in demo_manifest["weeks"]]
    for suffix in ("md", "html"):
        written = sorted(p.stem for p in (demo_output / "digests").glob(f"*.{suffix}"))
        assert written == weeks


def test_each_cycle_saw_what_the_week_holds(con, demo_manifest):
    runs = {r[0]: r[1:] for r in con.execute(
        "SELECT run_id, status, n_new, n_updated, n_deleted, n_rct_new FROM runs").fetchall()}
    for week in demo_manifest["weeks"]:
        status, n_new, n_updated, n_deleted, n_rct = runs[f"{week['iso_week']}-snapshot"]
        assert status == "succeeded"
        assert (n_new, n_updated, n_deleted) == (
            len(week["new_pmids"]), len(week["revised_pmids"]), len(week["deleted_pmids"])), week["iso_week"]
        assert n_rct == week["n_new_rct"], week["iso_week"]


def test_flags_are_exactly_those_the_published_numbers_imply(con, demo_manifest):
    expected = sorted(
        (f"{f['iso_week']}-snapshot", f["therapy"], f["outcome"], f["rif_stratum"], f["kind"], tuple(f["pmids"]))
        for week in demo_manifest["weeks"] for f in week["expected_flags"])
    raised = sorted((r[0], r[1], r[2], r[3], r[4], tuple(r[5])) for r in con.execute(
        "SELECT run_id, therapy, outcome, rif_stratum, kind, pmids FROM flags").fetchall())
    assert expected, "the manifest should expect at least one flag"
    assert raised == expected


def test_deleted_and_revised_records_are_honoured(con, demo_manifest):
    deleted = [p for w in demo_manifest["weeks"] for p in w["deleted_pmids"]]
    revised = [p for w in demo_manifest["weeks"] for p in w["revised_pmids"]]
    present = {r[0] for r in con.execute("SELECT pmid FROM papers").fetchall()}
    assert not set(deleted) & present
    for pmid in revised:
        assert con.execute("SELECT revision FROM papers WHERE pmid = ?", [pmid]).fetchone()[0] == 2


def test_pooled_trials_carry_their_published_counts(con, demo_manifest):
    """Every comparison the gold marks poolable is in the warehouse with its published numbers."""
    for record in demo_manifest["records"]:
        for gold in record["expected"].get("effects", []):
            if not gold.get("pool"):
                continue
            rows = con.execute(
                "SELECT treat_events, treat_total, ctrl_events, ctrl_total, measure, estimate, ci_low, ci_high"
                " FROM poolable_effects WHERE pmid = ? AND outcome = ?", [record["pmid"], gold["outcome"]]).fetchall()
            if gold.get("treat_events") is not None:
                want = (gold["treat_events"], gold["treat_total"], gold["ctrl_events"], gold["ctrl_total"])
                assert want in [r[:4] for r in rows], (record["reconstructs"], rows)
            else:
                want = (gold["measure"], gold["estimate"], gold["ci_low"], gold["ci_high"])
                assert want in [r[4:] for r in rows], (record["reconstructs"], rows)


def test_every_number_points_at_its_words(con):
    bad = con.execute(
        "SELECT e.pmid, e.evidence_text FROM effect_mentions e JOIN papers p USING (pmid)"
        " WHERE e.char_start IS NOT NULL"
        "   AND substr(p.abstract, e.char_start + 1, e.char_end - e.char_start) <> e.evidence_text").fetchall()
    assert bad == []


def test_the_digest_tells_one_trial_in_three_strata_as_one_change(demo_output):
    text = (demo_output / "digests" / "2026-W38.md").read_text(encoding="utf-8")
    changed = text.split("## What changed", 1)[1].split("\n## ", 1)[0]
    assert changed.count("Caused by") == 1
    assert "RIF, any definition; RIF ≥2 failures; RIF ≥3 failures (same trials)" in changed
    assert "OR is now 2.94 (1.23–8.33)" in changed  # the interval the paper printed
