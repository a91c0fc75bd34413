"""One stratum end to end with the project's configuration."""

from __future__ import annotations

from datetime import date

import pytest

from config.schema import default_config
from models.monitoring import detect_changes
from models.pooling import PoolingError, Study
from models.stratum import assess_stratum

TRIALS = [Study.from_counts("111", 26, 66, 12, 51, entry_date=date(2019, 5, 1)),
          Study.from_counts("222", 32, 62, 13, 50, entry_date=date(2017, 2, 1)),
          Study.from_counts("333", 30, 100, 25, 98, entry_date=date(2021, 9, 1))]


def test_assessment_holds_steps_state_and_stored_analyses():
    monitoring = default_config().monitoring
    result = assess_stratum(TRIALS, monitoring, "live_birth")
    assert result.measure == "RR"
    assert [s.study_ids[-1] for s in result.steps] == ["222", "111", "333"]
    assert result.lead.method == monitoring.lead_method and result.state.k == 3
    assert {r.method for r in result.analyses} == {"FE", "MH", "DL", "REML", "PM"}
    assert result.state.information_size > 0 and result.state.z_boundary > 1.96
    assert 0 <= result.diversity < 1


def test_a_new_paper_that_changes_the_state_is_named_in_the_flag():
    monitoring = default_config().monitoring
    before = assess_stratum(TRIALS[:2], monitoring, "live_birth").state
    after = assess_stratum(TRIALS, monitoring, "live_birth").state
    events = detect_changes(before, after, ["333"])
    assert before.significant and not after.significant
    assert [e.kind for e in events] == ["lost_significance"] and events[0].pmids == ("333",)


def test_empty_stratum_is_refused():
    with pytest.raises(PoolingError):
        assess_stratum([], default_config().monitoring, "live_birth")
