"""The pooling engine against R metafor 3.8, case by case (values pinned by scripts/metafor_reference.py).

Each case in ``metafor_reference.json`` holds the study-level inputs, and for every measure the
per-study effects (``escalc``) and every fit (FE, DL, REML, PM with z, Knapp-Hartung and ad-hoc
intervals; Mantel-Haenszel) with the R call that made it. Agreement is required to 1e-6
relative on estimates, standard errors, τ² and everything derived from them.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from models.cumulative import cumulative
from models.pooling import Estimator, Study, effect_table

HERE = Path(__file__).parent
REFERENCE = json.loads((HERE / "metafor_reference.json").read_text())
CASES = {case["id"]: case for case in REFERENCE["cases"]}
#: metafor's ``test`` argument -> our interval names.
INTERVALS = {"z": "wald", "knha": "hksj", "adhoc": "hksj-adhoc"}
REL = 1e-6
#: Floors of what the reference covers; raise them when cases are added, never lower them.
MIN_CASES = 65
MIN_PAIRWISE70 = 51
MIN_FERTILITY = 36
MIN_FITS = 2106
MIN_CUMULATIVE = 30


def study(record: dict) -> Study:
    if "ai" in record:
        return Study.from_counts(record["id"], record["ai"], record["n1i"], record["ci"], record["n2i"])
    return Study.from_reported(record["id"], record["measure"], record["estimate"], record["ci_low"],
                               record["ci_high"])


def close(ours: float | None, theirs: float | None, rel: float = REL) -> bool:
    """Relative agreement; an exact zero in the reference is matched to 1e-12 absolute."""
    if ours is None or theirs is None:
        return ours is None and theirs is None
    if theirs == 0:
        return abs(ours) <= 1e-12
    return abs(ours - theirs) <= rel * abs(theirs)


def analysis_scale(measure: str, value: float | None) -> float | None:
    if value is None or measure == "RD":
        return value
    return math.log(value)


def measure_cases():
    for case in REFERENCE["cases"]:
        for measure in case["results"]:
            yield pytest.param(case["id"], measure, id=f"{case['id']}-{measure}")


def mismatches(result, fit: dict, measure: str) -> list[str]:
    """Names of the quantities where our result disagrees with metafor's fit."""
    if fit.get("beta") is None:
        return [] if not result.estimable else ["estimable where metafor is not"]
    ours = {
        "beta": result.theta, "se": result.se, "pval": result.p_value,
        "ci.lb": analysis_scale(measure, result.ci_low), "ci.ub": analysis_scale(measure, result.ci_high),
    }
    if fit.get("k.yi", fit["k"]) > 1:
        ours.update(QE=result.q, I2=result.i2, H2=result.h2)
    if fit["method"] not in ("FE", "MH") and result.k > 1:
        ours.update({"tau2": result.tau2, "pi.lb": analysis_scale(measure, result.pi_low),
                     "pi.ub": analysis_scale(measure, result.pi_high),
                     "tau2.lb": result.tau2_ci_low, "tau2.ub": result.tau2_ci_high})
    bad = []
    for name, value in ours.items():
        theirs = fit.get(name)
        if theirs is None and name in ("pval", "QE", "I2", "H2"):
            continue  # metafor gives NA (a zero-width HKSJ interval, or Q with a zero variance)
        if not close(value, theirs):
            bad.append(f"{name}: ours {value!r}, metafor {theirs!r}")
    return bad


@pytest.mark.parametrize(("case_id", "measure"), list(measure_cases()))
def test_per_study_effects_match_escalc(case_id, measure):
    case = CASES[case_id]
    expected = case["results"][measure]["effects"]
    table = effect_table([study(s) for s in case["studies"]], measure)
    got = dict(zip(table.ids, zip(table.yi, table.vi)))
    for sid, yi, vi in zip(expected["ids"], expected["yi"], expected["vi"]):
        if yi is None:
            assert sid in table.excluded, f"{sid} should not be estimable ({expected['call']})"
        else:
            assert close(got[sid][0], yi) and close(got[sid][1], vi), (sid, got[sid], yi, vi)


@pytest.mark.parametrize(("case_id", "measure"), list(measure_cases()))
def test_every_fit_matches_metafor(case_id, measure):
    case = CASES[case_id]
    studies = [study(s) for s in case["studies"]]
    failures = []
    for fit in case["results"][measure]["fits"]:
        result = Estimator(measure=measure, method=fit["method"], ci=INTERVALS[fit["test"]]).fit(studies)
        for problem in mismatches(result, fit, measure):
            failures.append(f"{fit['call']}: {problem}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(("case_id", "measure"), [
    p for p in measure_cases() if "cumulative" in CASES[p.values[0]]["results"][p.values[1]]])
def test_cumulative_matches_cumul(case_id, measure):
    case = CASES[case_id]
    by_id = {s["id"]: study(s) for s in case["studies"]}
    for spec in case["results"][measure]["cumulative"]:
        ordered = [by_id[i] for i in spec["ids"]]
        steps = cumulative(ordered, measure=measure, method=spec["method"], ci=INTERVALS[spec["test"]])
        for i, (step, estimate, se, tau2) in enumerate(zip(steps, spec["estimate"], spec["se"], spec["tau2"])):
            assert close(step.theta, estimate), (spec["call"], i)
            if i > 0 or spec["test"] == "z":  # metafor's one-study Knapp-Hartung SE is 0
                assert close(step.se, se), (spec["call"], i)
            if i > 0:
                assert close(step.tau2, tau2), (spec["call"], i)


def test_reference_cases_never_shrink():
    listed = [line.strip() for line in (HERE / "reference_cases.txt").read_text().splitlines()
              if line.strip() and not line.startswith("#")]
    missing = sorted(set(listed) - set(CASES))
    assert not missing, f"cases dropped from the reference: {missing}"
    assert len(CASES) >= MIN_CASES
    assert sum(cid.startswith("p70:") for cid in CASES) >= MIN_PAIRWISE70
    assert sum("fertility review" in c["source"] for c in CASES.values()) >= MIN_FERTILITY
    assert sum(len(r["fits"]) for c in CASES.values() for r in c["results"].values()) >= MIN_FITS
    assert sum("cumulative" in r for c in CASES.values() for r in c["results"].values()) >= MIN_CUMULATIVE
    methods = {(f["method"], f["test"]) for c in CASES.values() for r in c["results"].values() for f in r["fits"]}
    assert methods >= {(m, t) for m in ("FE", "DL", "REML", "PM") for t in INTERVALS} | {("MH", "z")}


def test_every_fit_carries_its_r_call():
    for case in CASES.values():
        for result in case["results"].values():
            assert result["effects"]["call"].startswith("escalc(")
            assert all(f["call"].startswith(("res <- rma.uni(", "rma.mh(")) for f in result["fits"])


@pytest.mark.eval
def test_print_agreement_figures():
    """The largest relative deviation from metafor per quantity (``./dev eval tests/models/pooling``)."""
    names = {"beta": "theta", "se": "se", "pval": "p_value", "tau2": "tau2", "I2": "i2", "QE": "q",
             "tau2.ub": "tau2_ci_high"}
    worst = dict.fromkeys(names, 0.0)
    fits = 0
    for case in REFERENCE["cases"]:
        studies = [study(s) for s in case["studies"]]
        for measure, result in case["results"].items():
            for fit in result["fits"]:
                if fit.get("beta") is None:
                    continue
                ours = Estimator(measure=measure, method=fit["method"], ci=INTERVALS[fit["test"]]).fit(studies)
                fits += 1
                for theirs_key, our_key in names.items():
                    theirs, value = fit.get(theirs_key), getattr(ours, our_key)
                    if theirs and value is not None and not (fit["method"] in ("FE", "MH") and theirs_key == "tau2"):
                        worst[theirs_key] = max(worst[theirs_key], abs(value - theirs) / abs(theirs))
    print(f"\n{fits} metafor fits; largest relative deviation per quantity:")
    for key, value in worst.items():
        print(f"  {key:<8} {value:.1e}")
    assert max(worst.values()) < REL
