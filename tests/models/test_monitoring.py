"""Stratum state and change flags: a flag only when the state changes, naming its papers."""

from __future__ import annotations

from dataclasses import replace

import pytest

from models.cumulative import cumulative
from models.lead import LeadEstimator
from models.monitoring import FLAG_KINDS, MonitoringSettings, StratumState, detect_changes, stratum_state
from models.pooling import Study
from models.sequential import boundaries

SETTINGS = MonitoringSettings(control_risk=0.20)


def state(**changes) -> StratumState:
    base = StratumState(k=3, n_patients=300, measure="RR", method="REML", estimate=1.2, ci_low=0.9,
                        ci_high=1.6, p_value=0.2, z=1.28, significant=False, direction=1,
                        information_size=1500.0, information_fraction=0.2, z_boundary=4.5,
                        crossed_boundary=False, monitor="tsa", study_ids=("1", "2", "3"))
    return replace(base, **changes)


def test_no_change_no_flag():
    assert detect_changes(state(), state(estimate=1.25, p_value=0.15)) == []


@pytest.mark.parametrize(("before", "after", "kinds"), [
    pytest.param({}, {"significant": True, "p_value": 0.01}, ["crossed_significance"], id="gain"),
    pytest.param({"significant": True}, {"significant": False}, ["lost_significance"], id="loss"),
    pytest.param({"significant": True}, {"significant": True, "crossed_boundary": True},
                 ["crossed_boundary"], id="boundary"),
    pytest.param({}, {"direction": -1, "estimate": 0.9}, ["direction_flip"], id="flip"),
    pytest.param({}, {"significant": True, "crossed_boundary": True},
                 ["crossed_significance", "crossed_boundary"], id="gain-and-boundary"),
    pytest.param({"direction": 0}, {"direction": -1}, [], id="from-null-is-no-flip"),
])
def test_each_change_gives_its_flag(before, after, kinds):
    events = detect_changes(state(**before), state(study_ids=("1", "2", "3", "4"), **after), ["4"])
    assert [e.kind for e in events] == kinds
    assert all(e.kind in FLAG_KINDS and e.pmids == ("4",) for e in events)


def test_flags_name_papers_that_left_the_stratum_too():
    events = detect_changes(state(significant=True), state(study_ids=("1", "2")))
    assert events[0].kind == "lost_significance" and events[0].pmids == ("3",)


def test_first_state_flags_only_gains():
    assert detect_changes(None, state()) == []
    events = detect_changes(None, state(significant=True))
    assert [e.kind for e in events] == ["crossed_significance"] and events[0].pmids == ("1", "2", "3")


def test_firm_only_when_the_boundary_backs_the_change():
    tentative = detect_changes(state(), state(significant=True))[0]
    firm = detect_changes(state(), state(significant=True, crossed_boundary=True))[0]
    assert not tentative.firm and firm.firm
    assert "now RR 1.20" in tentative.details and "\n" not in tentative.details


TRIALS = [Study.from_counts("1", 30, 100, 15, 100), Study.from_counts("2", 28, 90, 14, 92),
          Study.from_counts("3", 35, 110, 16, 105), Study.from_counts("4", 40, 120, 20, 118)]


def test_state_reads_the_last_look_against_its_boundary():
    steps = cumulative(TRIALS, LeadEstimator())
    current = stratum_state(steps, SETTINGS)
    size = current.information_size
    expected = boundaries([s.n_patients / size for s in steps])[-1]
    assert current.z_boundary == pytest.approx(expected)
    assert current.information_fraction == pytest.approx(steps[-1].n_patients / size)
    assert current.significant and current.direction == 1
    assert current.crossed_boundary == (abs(current.z) >= current.z_boundary)
    assert current.study_ids == ("1", "2", "3", "4")


def test_z_keeps_the_p_value_of_the_hksj_test():
    steps = cumulative(TRIALS, LeadEstimator(ci="hksj-adhoc"))
    current = stratum_state(steps, SETTINGS)
    from scipy.stats import norm
    assert 2 * norm.sf(abs(current.z)) == pytest.approx(steps[-1].p_value)
    assert abs(current.z) < abs(steps[-1].statistic)


def test_lil_option_uses_the_penalised_threshold():
    steps = cumulative(TRIALS, LeadEstimator())
    current = stratum_state(steps, replace(SETTINGS, use_lil=True))
    assert current.monitor == "lil" and current.z_boundary > 1.96


def test_without_control_risk_there_is_no_boundary():
    current = stratum_state(cumulative(TRIALS, LeadEstimator()), MonitoringSettings())
    assert current.z_boundary is None and not current.crossed_boundary
    assert "no control risk" in current.note


def test_a_study_of_unknown_size_leaves_no_fraction():
    studies = TRIALS[:3] + [Study.from_reported("r", "RR", 1.5, 1.1, 2.0)]
    current = stratum_state(cumulative(studies, LeadEstimator()), SETTINGS)
    assert current.information_fraction is None and current.z_boundary is None


def test_heterogeneity_raises_the_information_size():
    steps = cumulative(TRIALS, LeadEstimator())
    assert (stratum_state(steps, SETTINGS, diversity=0.5).information_size
            == pytest.approx(2 * stratum_state(steps, SETTINGS).information_size))


def test_settings_from_config():
    from config.schema import default_config
    monitoring = default_config().monitoring
    live = MonitoringSettings.from_config(monitoring, "live_birth")
    assert live.control_risk == monitoring.tsa.control_risk["live_birth"] and live.increase
    assert not MonitoringSettings.from_config(monitoring, "miscarriage").increase
    assert MonitoringSettings.from_config(monitoring, "other").control_risk is None
