"""Curated values outlive the machine: a revised record re-classified and re-extracted by the real
pipeline keeps the maintainer's corrections (``rifwatch import`` of tests/fixtures/eutils)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from config.schema import default_config
from flows.importer import import_files
from flows.triage_service import DecisionRequest, decide
from warehouse import triage as wt
from warehouse.db import connect

pytestmark = pytest.mark.slow  # loads the classifier and extractor (about 10 s)

EUTILS = Path(__file__).resolve().parents[1] / "fixtures" / "eutils"
COUNTS = "clinical_pregnancy|platelet-rich plasma|controls|RR|computed"


def test_corrections_survive_a_revision_and_its_re_extraction(tmp_path):
    db = tmp_path / "w.duckdb"
    config = default_config()
    import_files([EUTILS / "2024-02-28_pubmed.xml"], db=db, config=config, as_of=date(2024, 2, 28))
    decide(db, DecisionRequest("correct", "the abstract's table gives 25", "ann", pmid="90000002",
                               effect_key=COUNTS, field="treat_events", value="25"), config)
    decide(db, DecisionRequest("correct", "women with recurrent miscarriage, not RIF", "ann", pmid="90000002",
                               field="population", value="rpl"), config)
    outcome = import_files([EUTILS / "2024-03-01_update.xml"], db=db, config=config, as_of=date(2024, 3, 1))
    assert outcome.n_updated == 1  # 90000002, now MEDLINE-indexed: classified and extracted again
    con = connect(db, read_only=True)
    try:
        paper = wt.paper_values(con, "90000002")
        effect = wt.effect_values(con, "90000002", COUNTS)
        assert paper["revision"] == 2 and paper["population"] == "rpl"
        assert effect["revision"] == 2 and effect["extractor_version"]
        assert (effect["treat_events"], effect["curation_status"], effect["source"]) == (25, "corrected", "curated")
        assert effect["estimate"] == pytest.approx((25 / 60) / (17 / 60))
        assert wt.orphans(con, "90000002") == []
        # curated out of the RIF population, it stays out of every RIF stratum after the new revision
        assert con.execute("SELECT count(*) FROM pooled_latest WHERE list_contains(pmids, '90000002')").fetchone() == (0,)
    finally:
        con.close()
