"""Evaluate the number extraction on real text the project did not write, and print the figures.

    python -m scripts.evaluate_extraction [--data DIR] [--only SECTION ...]

Sections (all by default):

``counts``    per-arm events and totals against the gold 2x2 tables of ``llm_meta_analysis``
              (Yun et al. 2024) over each article's abstract and results (tables included),
              given the triplet's intervention, comparator and outcome words; development and
              held-out halves; misses explained by kind (``scripts.eval_counts``).
``ratios``    reported ratios with intervals against hand labels of 80 Evidence Inference
              abstracts (``data/labels/extraction/ratios_evidence_inference.jsonl``).
``ivf``       the whole extractor (outcome, arms, counts, ratios) against hand labels of the 23
              IVF trials of ``evidence_inference/ivf_subset``.
``spans``     how often effect statements fall on Evidence Inference's evidence spans, and
              whether their direction agrees with the annotators' label.
``cochrane``  computed RR/OR/RD and 95% CI against Cochrane's own per-study figures.
``speed``     abstracts per second through ``extract_effects`` on one core.

Exact match throughout: counts must equal all four gold numbers; a ratio its measure, estimate
and both bounds.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from extractors.arms import ArmsHint  # noqa: E402
from extractors.effects import extract_effects  # noqa: E402
from extractors.numbers import normalise  # noqa: E402
from extractors.ratios import find_ratios  # noqa: E402
from scripts import eval_cochrane, eval_corpora, eval_counts  # noqa: E402

LABELS = REPO / "data" / "labels" / "extraction"
SECTIONS = ("counts", "ratios", "ivf", "spans", "cochrane", "speed")


def default_data_dir() -> Path:
    """``RIFWATCH_SHARED_DATA``, else ``../shared/data`` beside the repository (or beside its worktree folder)."""
    if os.environ.get("RIFWATCH_SHARED_DATA"):
        return Path(os.environ["RIFWATCH_SHARED_DATA"])
    for base in (REPO.parent, REPO.parent.parent):
        if (base / "shared" / "data").is_dir():
            return base / "shared" / "data"
    return REPO.parent / "shared" / "data"


def _ratio(p: int, n: int) -> str:
    return f"{p}/{n} = {p / n:.3f}" if n else f"{p}/0"


# ---------------------------------------------------------------------------------------------
# ratios: hand labels on Evidence Inference abstracts
# ---------------------------------------------------------------------------------------------


def _read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def evaluate_ratios(data: Path, name: str, include_implied: bool = True) -> dict:
    """Ratio statements found by the grammar against one label file (exact on all four numbers).

    A label with ``ci_level: null`` (the text printed only "CI") matches on the numbers alone.
    """
    labels = _read_jsonl(LABELS / name)
    abstracts = eval_corpora.read_abstracts(data / "evidence_inference")
    tp = fp = fn = 0
    misses, extras = [], []
    for row in labels:
        text = normalise(abstracts[row["id"]].abstract)
        gold = [r for r in row["ratios"] if include_implied or not r.get("implied")]
        ignored = [r for r in row["ratios"] if r not in gold]
        got = list(find_ratios(text))
        unmatched = list(got)
        for r in gold:
            hit = next((g for g in unmatched if (g.measure, g.estimate, g.ci_low, g.ci_high) ==
                        (r["measure"], r["estimate"], r["ci_low"], r["ci_high"])
                        and (r["ci_level"] is None or g.ci_level == r["ci_level"])), None)
            if hit is None:
                fn += 1
                misses.append(f"{row['id']} {r['measure']} {r['estimate']} ({r['ci_low']}-{r['ci_high']})")
            else:
                tp += 1
                unmatched.remove(hit)
        for g in unmatched:
            if any((g.estimate, g.ci_low, g.ci_high) == (r["estimate"], r["ci_low"], r["ci_high"]) for r in ignored):
                continue  # an implied statement left out of this count
            fp += 1
            extras.append(f"{row['id']} {g.measure} {g.estimate} ({g.ci_low}-{g.ci_high}) level {g.ci_level}")
    return {"tp": tp, "fp": fp, "fn": fn, "misses": misses, "extras": extras, "abstracts": len(labels)}


def report_ratios(data: Path) -> list[str]:
    lines = ["Reported ratios with intervals, number grammar (extractors.ratios.find_ratios) against hand labels"
             " of Evidence Inference abstracts (exact measure, estimate and both bounds)"]
    for name, title, implied in (
            ("ratios_evidence_inference.jsonl", "development sample", True),
            ("ratios_evidence_inference_heldout.jsonl", "held-out sample, named measures only", False),
            ("ratios_evidence_inference_heldout.jsonl", "held-out sample, also estimates whose measure is implied", True),
            ("ratios_evidence_inference_test.jsonl",
             "test sample (its first, blind run: precision 35/35, recall 35/42)", True)):
        r = evaluate_ratios(data, name, implied)
        lines.append(f"  {title} ({r['abstracts']} abstracts): labelled {r['tp'] + r['fn']}, found {r['tp'] + r['fp']}; "
                     f"precision {_ratio(r['tp'], r['tp'] + r['fp'])}   recall {_ratio(r['tp'], r['tp'] + r['fn'])}")
        lines += [f"      missed: {m}" for m in r["misses"]]
        lines += [f"      extra:  {m}" for m in r["extras"]]
    return lines


# ---------------------------------------------------------------------------------------------
# ivf: the whole extractor on the IVF trials
# ---------------------------------------------------------------------------------------------


def evaluate_ivf(data: Path) -> dict:
    labels = {r["id"]: r for r in _read_jsonl(LABELS / "ivf_subset.jsonl")}
    articles = eval_corpora.read_ivf_subset(data / "evidence_inference")
    hints = eval_corpora.read_ivf_prompts(data / "evidence_inference")
    c = collections.Counter()
    notes: list[str] = []
    for pmcid, article in articles.items():
        row = labels.get(pmcid, {"ratios": [], "counts": []})
        hint = ArmsHint(row["intervention"], row["comparator"]) if "intervention" in row else hints.get(pmcid)
        effects = [e for e in extract_effects(article, arms_hint=hint)]
        # Effects, not statements: the same ratio repeated in the results counts once.
        got_ratios = collections.Counter({(e.outcome, e.measure, e.estimate, e.ci_low, e.ci_high): 1
                                          for e in effects if e.source == "reported"})
        gold_ratios = collections.Counter({(r["outcome"], r["measure"], r["estimate"], r["ci_low"], r["ci_high"]): 1
                                           for r in row["ratios"]})
        got_counts = {(e.outcome, (e.treat_events, e.treat_total, e.ctrl_events, e.ctrl_total))
                      for e in effects if e.source == "computed"}
        gold_counts = {(r["outcome"], tuple(r["counts"])) for r in row["counts"]}
        c["ratio_tp"] += sum((gold_ratios & got_ratios).values())
        c["ratio_fp"] += sum((got_ratios - gold_ratios).values())
        c["ratio_fn"] += sum((gold_ratios - got_ratios).values())
        c["count_tp"] += len(gold_counts & got_counts)
        c["count_fp"] += len(got_counts - gold_counts)
        c["count_fn"] += len(gold_counts - got_counts)
        printed = {(r["outcome"], tuple(r["counts"])) for r in row["counts"] if not r.get("derived")}
        c["printed_fn"] += len(printed - got_counts)
        c["printed"] += len(printed)
        notes += [f"{pmcid} missed ratio {k}" for k in gold_ratios - got_ratios]
        notes += [f"{pmcid} extra ratio {k}" for k in got_ratios - gold_ratios]
        notes += [f"{pmcid} missed counts {k}" for k in gold_counts - got_counts]
        notes += [f"{pmcid} extra counts {k}" for k in got_counts - gold_counts]
    return {"c": c, "notes": notes, "articles": len(articles)}


def report_ivf(data: Path) -> list[str]:
    r = evaluate_ivf(data)
    c = r["c"]
    lines = [f"IVF subset ({r['articles']} trials, abstract + results prose): whole extractor vs hand labels "
             "(outcome must match too)",
             f"  reported ratios: precision {_ratio(c['ratio_tp'], c['ratio_tp'] + c['ratio_fp'])}   "
             f"recall {_ratio(c['ratio_tp'], c['ratio_tp'] + c['ratio_fn'])}",
             f"  per-arm counts:  precision {_ratio(c['count_tp'], c['count_tp'] + c['count_fp'])}   "
             f"recall {_ratio(c['count_tp'], c['count_tp'] + c['count_fn'])} "
             f"(printed counts missed: {c['printed_fn']} of {c['printed']})"]
    lines += [f"    {n}" for n in r["notes"]]
    return lines


# ---------------------------------------------------------------------------------------------
# spans: Evidence Inference evidence spans and direction
# ---------------------------------------------------------------------------------------------


def _direction(effect) -> int | None:
    """+1 significantly more events with the intervention, -1 fewer, 0 no significant difference."""
    null = 0.0 if effect.measure == "RD" else 1.0
    if effect.p_value is not None and effect.estimate is not None and effect.p_operator in ("=", "<", "<="):
        if effect.p_value >= 0.05 and effect.p_operator == "=":
            return 0
        if effect.p_value <= 0.05:
            return 1 if effect.estimate > null else -1 if effect.estimate < null else None
    if effect.ci_low is None or effect.ci_high is None or effect.estimate is None:
        return None
    if effect.ci_low > null:
        return 1
    if effect.ci_high < null:
        return -1
    return 0


def evaluate_spans(data: Path) -> dict:
    folder = data / "evidence_inference"
    abstracts = eval_corpora.read_abstracts(folder)
    prompts = eval_corpora.read_prompts(folder, set(abstracts))
    c = collections.Counter()
    for p in prompts:
        article = abstracts[p.pmcid]
        gold_spans = [s for s in (eval_corpora.locate(ev, article.abstract) for ev in p.evidence) if s]
        effects = extract_effects(article, arms_hint=p.hint, matcher=eval_corpora.matcher_for(p.outcome))
        if not gold_spans:
            continue
        c["prompts with evidence in the abstract"] += 1
        if not effects:
            continue
        c["prompts with an effect"] += 1
        on_span = [e for e in effects if any(e.char_start < b and a < e.char_end for a, b in gold_spans)]
        c["effects"] += len(effects)
        c["effects on a gold span"] += len(on_span)
        if on_span:
            c["prompts whose effect falls on a gold span"] += 1
        labels = collections.Counter(p.labels)
        if not labels or not on_span:
            continue
        label = labels.most_common(1)[0][0]
        for e in on_span:
            d = _direction(e)
            if d is None:
                continue
            c["directions compared"] += 1
            c["directions agreeing"] += d == label
    return c


def report_spans(data: Path) -> list[str]:
    c = evaluate_spans(data)
    return ["Evidence Inference: effect statements against annotators' evidence spans "
            "(prompt's outcome, intervention and comparator given)",
            f"  prompts with located evidence in the abstract: {c['prompts with evidence in the abstract']}; "
            f"with an extracted effect: {c['prompts with an effect']}",
            f"  effects falling on a gold evidence span: {_ratio(c['effects on a gold span'], c['effects'])}",
            f"  prompts whose effect falls on a gold span: "
            f"{_ratio(c['prompts whose effect falls on a gold span'], c['prompts with an effect'])}",
            f"  direction (significant up / down / no difference) agreeing with the annotators: "
            f"{_ratio(c['directions agreeing'], c['directions compared'])}"]


# ---------------------------------------------------------------------------------------------
# speed
# ---------------------------------------------------------------------------------------------


def report_speed(data: Path) -> list[str]:
    articles = list(eval_corpora.read_abstracts(data / "evidence_inference").values())
    extract_effects(articles[0])  # load config and compile patterns outside the clock
    start = time.process_time()
    n = 0
    for article in articles:
        extract_effects(article)
        n += 1
    elapsed = time.process_time() - start
    chars = sum(len(a.abstract) for a in articles)
    return [f"Speed: {n} Evidence Inference abstracts (mean {chars / n:.0f} characters) in {elapsed:.2f} s CPU "
            f"= {n / elapsed:.0f} abstracts/s on one core"]


REPORTS = {"counts": eval_counts.report, "ratios": report_ratios, "ivf": report_ivf, "spans": report_spans,
           "cochrane": None, "speed": report_speed}


def run(data: Path, sections=SECTIONS) -> list[str]:
    lines: list[str] = []
    for name in sections:
        if name == "cochrane":
            folder = data / "pairwise70_cochrane"
            lines += eval_cochrane.report(folder / "pairwise70_all.csv.gz")
            lines += eval_cochrane.report(folder / "pairwise70_fertility_subset.csv")
        else:
            lines += REPORTS[name](data)
        lines.append("")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=default_data_dir(), help="the shared data folder")
    parser.add_argument("--only", nargs="+", choices=SECTIONS, default=list(SECTIONS))
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"evaluate_extraction: data folder not found: {args.data}", file=sys.stderr)
        return 2
    print("\n".join(run(args.data, args.only)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
