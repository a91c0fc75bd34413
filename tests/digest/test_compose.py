"""Composing a digest: what each section says for a busy week, a quiet week and a failed one."""

from __future__ import annotations

import dataclasses

import pytest

from config.schema import load_config
from digest.compose import build_digest, compose_digest, gather_inputs
from digest.wording import estimate
from warehouse import marts


@pytest.fixture(scope="module")
def config():
    return load_config()


def test_headline_of_a_busy_week_counts_records_trials_and_changes(digest_warehouse, config):
    con, ids = digest_warehouse
    d = compose_digest(con, ids["busy"], config)
    assert d.headline.title == "Week 38, 2026"
    assert d.headline.period == "PubMed records entered 11–14 September 2026"
    assert d.headline.complete
    assert d.headline.counts == "7 new records, 3 new trials (1 outside a RIF population), 2 changes of state."
    notes = " ".join(d.headline.notes)
    assert "1 extracted number failed an automatic check" in notes
    assert "2 records classified with low confidence" in notes
    assert "not yet confirmed by a maintainer" in notes
    assert d.subject == "[rifwatch] Week 38, 2026: 2 changes, 3 new trials, 7 new records"
    assert not d.nothing_new


def test_each_flag_is_said_in_plain_words_with_the_numbers_of_its_pooled_row(digest_warehouse, config):
    con, ids = digest_warehouse
    d = compose_digest(con, ids["busy"], config)
    rows = {(r.therapy, r.outcome, r.rif_stratum): r for r in marts.pooled_state(con, ids["busy"])}
    ge2 = rows[("hcg_intrauterine", "ongoing_pregnancy", "rif_ge2")]
    change = next(c for c in d.changes if c.heading.endswith("RIF ≥2 failures"))
    assert change.heading == "Intrauterine hCG · ongoing pregnancy · RIF ≥2 failures"
    shown = estimate("RR", ge2.estimate, ge2.ci_low, ge2.ci_high)[3:]
    assert change.sentence.startswith(f"the pooled RR is now {shown}: more ongoing pregnancies with intrauterine hCG,")
    assert "conventionally significant (p = 0.005)" in change.sentence
    assert f"not yet crossed (information fraction {ge2.information_fraction:.2f})" in change.sentence
    assert [p.pmid for p in change.papers] == ["99000011"] and change.papers[0].confirmed is False
    assert change.papers[0].url == "https://pubmed.ncbi.nlm.nih.gov/99000011/"
    assert change.confirmation == "Numbers not yet confirmed by a maintainer."
    assert "few trials (k = 3)" in change.cautions
    assert change.figure is not None and len(change.figure.forest.rows) == 3
    assert [p.k for p in change.figure.cumulative.points] == [1, 2, 3]


def test_a_maintainers_confirmation_is_reported(digest_warehouse, digest_weeks, config):
    con, ids = digest_warehouse
    digest_weeks.confirm_effects(con, "99000011")
    d = compose_digest(con, ids["busy"], config)
    assert all(c.confirmation == "Numbers confirmed by a maintainer (maintainer@example.org)." for c in d.changes)
    assert not any("behind this week's changes" in n for n in d.headline.notes)
    forest = d.changes[0].figure.forest
    assert [r.confirmed for r in forest.rows if r.label.startswith("Varga")] == [True]


@pytest.mark.parametrize("kind, expected", [
    ("lost_significance", "no longer conventionally significant"),
    ("crossed_boundary", "the monitoring boundary is not yet crossed"),
    ("direction_flip", "changed direction, from 1.31 to"),
    ("something_new", "the stratum changed state (something new)"),
], ids=["lost", "boundary", "direction", "unknown-kind"])
def test_every_flag_kind_has_a_sentence(digest_warehouse, config, kind, expected):
    con, ids = digest_warehouse
    inputs = gather_inputs(con, ids["busy"], config)
    flags = tuple(dataclasses.replace(f, kind=kind) for f in inputs.flags)
    d = build_digest(dataclasses.replace(inputs, flags=flags), config)
    assert expected in d.changes[1].sentence


def test_a_dismissed_flag_says_so_with_the_reason(digest_warehouse, config):
    con, ids = digest_warehouse
    inputs = gather_inputs(con, ids["busy"], config)
    flags = (dataclasses.replace(inputs.flags[0], status="dismissed", status_reason="duplicate report"),)
    d = build_digest(dataclasses.replace(inputs, flags=flags), config)
    assert d.changes[0].confirmation.startswith("A maintainer dismissed this change: duplicate report.")


def test_strata_that_moved_without_a_flag_are_listed_and_all_moved_strata_get_figures(digest_warehouse, config):
    con, ids = digest_warehouse
    d = compose_digest(con, ids["busy"], config)
    assert [u.heading for u in d.updates] == [
        "G-CSF · live birth · RIF, any definition", "G-CSF · live birth · RIF ≥3 failures",
        "Intrauterine hCG · live birth · RIF, any definition", "Intrauterine hCG · live birth · RIF ≥2 failures"]
    assert d.updates[1].sentence.endswith("2 trials, 249 women; new this week.")
    assert len(d.figures) == 6  # 2 flagged + 4 moved; the unchanged PBMC stratum has none
    assert all(f.forest.sides == ("fewer live births", "more live births")
               for f in d.figures if "live birth" in f.key.replace("_", " "))


def test_new_trials_by_therapy_with_their_numbers_and_sentences(digest_warehouse, config):
    con, ids = digest_warehouse
    d = compose_digest(con, ids["busy"], config)
    assert [g.therapy for g in d.new_trials] == ["G-CSF", "Intrauterine hCG", "Intralipid"]
    graft = d.new_trials[0].trials[0]
    assert graft.group_sizes == "75 vs 74 women (therapy vs control)"
    assert graft.rif_definition == "“women with at least three failed transfers” (at least 3 failures)"
    live, clinical = graft.effects
    assert live.summary.startswith("20/75 vs 18/74; RR 1.10 (0.63–1.90) from counts")
    assert live.evidence == "Live birth 20/75 (26.7%) vs 18/74 (24.3%)."
    assert not live.confirmed and live.problem is None
    assert clinical.problem.startswith("failed an automatic check (percentage 45.3% disagrees with 31/75)")
    assert graft.pooling == "Pooled into: RIF, any definition; RIF ≥3 failures."
    outside = d.new_trials[2].trials[0]
    assert outside.population == "Not a RIF population"
    assert outside.pooling.startswith("Not pooled: trials outside a RIF population")


def test_standings_lead_with_live_birth_and_quote_the_review(digest_warehouse, config):
    con, ids = digest_warehouse
    d = compose_digest(con, ids["busy"], config)
    assert [s.therapy_id for s in d.standings] == ["pbmc", "g_csf", "hcg_intrauterine"]
    hcg = d.standings[2]
    assert [r.outcome for r in hcg.rows] == ["Live birth", "Live birth", "Ongoing pregnancy", "Ongoing pregnancy"]
    assert hcg.review_recommendation == config.therapy("hcg_intrauterine").table2_recommendation
    assert hcg.review_verdict == "Possibly effective for RIF"
    (pbmc,) = d.standings[0].rows
    assert pbmc.size == "single study, 89 women" and pbmc.change == "no change" and not pbmc.changed
    assert pbmc.monitoring.startswith("p = 0.04, significant · boundary not crossed (information fraction 0.06)")
    ongoing = hcg.rows[2]
    assert ongoing.change == "+1 trial; RR 1.31 → 1.54; now conventionally significant"
    unpooled = dict(d.not_pooled)
    assert unpooled["No evidence"] == ("Endometrial scratch", "Intralipid")


def test_other_notable_records_are_listed_and_the_rest_counted(digest_warehouse, config):
    con, ids = digest_warehouse
    d = compose_digest(con, ids["busy"], config)
    assert [(n.kind, n.paper.pmid) for n in d.notable] == [
        ("Meta-analysis", "99000014"), ("Trial registration", "99000015"), ("Trial protocol", "99000016")]
    assert d.n_other_records == 1


def test_a_quiet_week_says_nothing_new_and_still_shows_where_things_stand(digest_warehouse, config):
    con, ids = digest_warehouse
    d = compose_digest(con, ids["quiet"], config)
    assert d.nothing_new and d.subject.endswith(": nothing new")
    assert d.changes == () and d.updates == () and d.new_trials == () and d.figures == ()
    assert [s.therapy_id for s in d.standings] == ["pbmc", "g_csf", "hcg_intrauterine"]
    hcg_live = d.standings[2].rows[0]
    assert hcg_live.strata == "RIF, any definition; RIF ≥2 failures (same trials)"
    assert all(r.change == "no change" for s in d.standings for r in s.rows)


def test_an_incomplete_week_says_so_plainly(digest_warehouse, config):
    con, ids = digest_warehouse
    d = compose_digest(con, ids["failed"], config)
    assert not d.headline.complete
    assert d.headline.status.startswith("Incomplete: PubMed could not be searched completely (esearch failed: HTTP 500")
    assert "1 PubMed request returned an error this run." in d.headline.notes
    assert any("estimates are those of run 2026-W39-snapshot" in n for n in d.headline.notes)
    assert d.subject == "[rifwatch] Week 40, 2026: INCOMPLETE run, nothing new"
    assert d.standings  # still useful


def test_a_failed_run_is_named_as_failed(digest_warehouse, config):
    con, ids = digest_warehouse
    con.execute("UPDATE store.runs SET status = 'failed', error = 'database full' WHERE run_id = ?", [ids["failed"]])
    d = compose_digest(con, ids["failed"], config)
    assert d.headline.status == "This run failed: database full. Nothing new was added this week."
    assert "run failed" in d.subject


def test_an_empty_warehouse_run_composes_without_estimates(config):
    from datetime import datetime

    from warehouse.db import connect
    from warehouse.runs import finish_run, start_run

    con = connect(":memory:")
    start_run(con, "r1", "import", started_at=datetime(2026, 1, 5))
    finish_run(con, "r1", "succeeded")
    d = compose_digest(con, "r1", config)
    assert d.standings == () and d.nothing_new
    assert "No pooled estimates exist yet." in d.headline.notes
    assert d.headline.status == "Complete (import run)."
    assert len(d.not_pooled) >= 5


def test_the_headline_sums_up_the_changes_in_one_line_each(digest_warehouse, digest_weeks, config):
    con, ids = digest_warehouse
    d = compose_digest(con, ids["busy"], config)
    assert d.headline.summary == (
        "Intrauterine hCG · ongoing pregnancy: now conventionally significant (RIF, any definition; "
        "RIF ≥2 failures); monitoring boundary not crossed; numbers not yet confirmed.",
        "4 other estimates updated without a change of state.")
    digest_weeks.confirm_effects(con, "99000011")
    assert not compose_digest(con, ids["busy"], config).headline.summary[0].endswith("numbers not yet confirmed.")
    assert compose_digest(con, ids["quiet"], config).headline.summary == ()


def test_a_baseline_run_does_not_list_the_reviews_trials_as_news(digest_warehouse, config):
    con, ids = digest_warehouse
    con.execute("UPDATE store.runs SET source = 'baseline' WHERE run_id = ?", [ids["baseline"]])
    d = compose_digest(con, ids["baseline"], config)
    assert d.new_trials == () and d.updates == () and d.notable == ()
    assert any("loaded 6 records from the 2023 review as the starting point" in n for n in d.headline.notes)
    assert [s.therapy_id for s in d.standings] == ["pbmc", "g_csf", "hcg_intrauterine"]
