"""Evaluations of the extractor on the real corpora in ../shared/data; they print their figures.

Run with ``./dev eval`` (or ``pytest -m eval -s``). Each asserts the floor the extractor reached
when it was last measured, so a change that makes it worse fails here; the issue's bar is printed
beside the figure where the extractor does not reach it.
"""

from __future__ import annotations

import pytest

from scripts import eval_cochrane, eval_counts
from scripts import evaluate_extraction as ev

pytestmark = pytest.mark.eval


def test_computed_effects_equal_cochrane(shared_data, capsys):
    folder = shared_data / "pairwise70_cochrane"
    for name in ("pairwise70_all.csv.gz", "pairwise70_fertility_subset.csv"):
        result = eval_cochrane.evaluate(folder / name)
        with capsys.disabled():
            print("\n".join(eval_cochrane.report(folder / name)))
        assert result["equal"] / result["rows"] >= 0.98  # the bar


def test_reported_ratios_against_hand_labels(shared_data, capsys):
    with capsys.disabled():
        print("\n".join(ev.report_ratios(shared_data)))
    for name in ("ratios_evidence_inference.jsonl", "ratios_evidence_inference_heldout.jsonl",
                 "ratios_evidence_inference_test.jsonl"):
        r = ev.evaluate_ratios(shared_data, name, include_implied=False)
        assert r["tp"] / (r["tp"] + r["fp"]) >= 0.97  # the bar
        assert r["tp"] / (r["tp"] + r["fn"]) >= 0.90  # the bar


def test_whole_extractor_on_the_ivf_trials(shared_data, capsys):
    with capsys.disabled():
        print("\n".join(ev.report_ivf(shared_data)))
    c = ev.evaluate_ivf(shared_data)["c"]
    assert c["count_tp"] / max(1, c["count_tp"] + c["count_fp"]) >= 0.95
    assert c["ratio_tp"] / max(1, c["ratio_tp"] + c["ratio_fp"]) >= 0.85


def test_counts_against_llm_meta_analysis(shared_data, capsys):
    with capsys.disabled():
        print("\n".join(eval_counts.report(shared_data)))
    tallies = eval_counts.evaluate(shared_data)
    # Floors where the extractor stands (docs/extraction.md), far under the recall bar of
    # 0.85: 47 of the 74 gold tuples are not printed as counts in the article at all.
    for half in ("development", "heldout"):
        t = tallies[half]
        assert t.asserted == t.correct, half  # no wrong tuple
    assert tallies["all"].correct / tallies["all"].asserted >= 0.95  # the bar
    assert tallies["development"].hits >= 6 and tallies["heldout"].hits >= 7
    assert tallies["all"].printed_hits / tallies["all"].printed >= 0.4


def test_evidence_spans_and_direction(shared_data, capsys):
    with capsys.disabled():
        print("\n".join(ev.report_spans(shared_data)))
    c = ev.evaluate_spans(shared_data)
    assert c["directions agreeing"] / max(1, c["directions compared"]) >= 0.8


def test_speed(shared_data, capsys):
    lines = ev.report_speed(shared_data)
    with capsys.disabled():
        print("\n".join(lines))
    rate = float(lines[0].rsplit("= ", 1)[1].split()[0])
    assert rate >= 1000  # the brief's floor, on one core
