"""How often does a living review flag an effect that is not there?

    python scripts/simulate_false_flags.py [--replicates 4000] [--weeks 20] [--seed 20261122]
                                           [--tau2 0.0] [--json]

Simulates living reviews under the null hypothesis (the therapy does nothing: every trial's
true risk ratio is 1, or its log is drawn around 0 with ``--tau2`` between-trial variance). Each
week one new two-arm trial enters, with a control risk of 0.20 (config/monitoring.toml's live
birth) and 40 to 120 women per trial, so 20 weeks accrue roughly the information size TSA
requires. After every week the stratum is pooled the way rifwatch pools it, and we record
whether a false flag has been raised by then:

- naive MH: Mantel-Haenszel fixed effect with a Wald test at p < 0.05, every week;
- naive DL: DerSimonian-Laird random effects with a Wald test at p < 0.05 (the usual report);
- naive lead: rifwatch's conventional lead estimate (REML, HKSJ with ad-hoc floor, fixed effect
  at k = 2) — the ``crossed_significance`` flag;
- TSA: the ``crossed_boundary`` flag: ``models.monitoring.stratum_state`` (O'Brien-Fleming
  Lan-DeMets boundary, D²-adjusted information size, recomputed every week as TSA does) and
  ``detect_changes``, exactly as the weekly flow runs them;
- LIL: the same with the law-of-the-iterated-logarithm option (λ = 2).

Prints each rate with its Monte-Carlo standard error ``sqrt(p (1 - p) / n)``.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from models.lead import LeadEstimator  # noqa: E402
from models.monitoring import (  # noqa: E402
    MonitoringSettings,
    StratumState,
    detect_changes,
    stratum_state,
)
from models.pooling import Estimator, Study  # noqa: E402
from models.stratum import stratum_diversity  # noqa: E402

CONTROL_RISK = 0.20          # config/monitoring.toml, live birth
RELATIVE_EFFECT = 0.30       # config/monitoring.toml
ALPHA = 0.05
APPROACHES = ("naive_mh", "naive_dl", "naive_lead", "tsa", "lil")


def simulate_trial(rng: np.random.Generator, week: int, tau2: float) -> Study:
    per_arm = int(rng.integers(20, 61))
    log_rr = rng.normal(0.0, math.sqrt(tau2)) if tau2 > 0 else 0.0
    treat_risk = min(CONTROL_RISK * math.exp(log_rr), 0.95)
    return Study.from_counts(f"w{week}", int(rng.binomial(per_arm, treat_risk)), per_arm,
                             int(rng.binomial(per_arm, CONTROL_RISK)), per_arm)


def one_review(rng: np.random.Generator, weeks: int, tau2: float) -> dict[str, bool]:
    """Whether each approach raised a false flag in any of ``weeks`` weekly runs.

    Each week runs what rifwatch runs: the lead estimate of the studies so far, the stratum's
    state (TSA, or LIL) from the cumulative lead results, and ``detect_changes`` against last
    week's state. The naive approaches flag whenever their p-value drops below 0.05.
    """
    lead = LeadEstimator(measure="RR", method="REML", ci="hksj-adhoc", tau2_interval=False)
    naive_dl = Estimator(measure="RR", method="DL", ci="wald", tau2_interval=False)
    naive_mh = Estimator(measure="RR", method="MH", ci="wald")
    tsa = MonitoringSettings(alpha=ALPHA, tsa_alpha=ALPHA, control_risk=CONTROL_RISK,
                             relative_effect=RELATIVE_EFFECT)
    lil = replace(tsa, use_lil=True, lil_lambda=2.0)
    studies: list[Study] = []
    steps = []
    flagged = dict.fromkeys(APPROACHES, False)
    before: dict[str, StratumState | None] = {"tsa": None, "lil": None}
    for week in range(1, weeks + 1):
        studies.append(simulate_trial(rng, week, tau2))
        steps.append(lead.fit(studies))
        for name, estimator in (("naive_dl", naive_dl), ("naive_mh", naive_mh)):
            result = estimator.fit(studies)
            flagged[name] |= bool(result.estimable and result.p_value < ALPHA)
        d2 = stratum_diversity(studies, "RR", "REML")
        for name, settings in (("tsa", tsa), ("lil", lil)):
            now = stratum_state(steps, settings, diversity=d2)
            kinds = {event.kind for event in detect_changes(before[name], now, [studies[-1].id])}
            if name == "tsa":
                flagged["naive_lead"] |= "crossed_significance" in kinds
            flagged[name] |= "crossed_boundary" in kinds
            before[name] = now
    return flagged


def run(replicates: int, weeks: int, seed: int, tau2: float) -> dict:
    rng = np.random.default_rng(seed)
    counts = dict.fromkeys(APPROACHES, 0)
    for _ in range(replicates):
        for name, hit in one_review(rng, weeks, tau2).items():
            counts[name] += int(hit)
    rates = {}
    for name, hits in counts.items():
        p = hits / replicates
        rates[name] = {"rate": p, "mc_se": math.sqrt(p * (1 - p) / replicates), "flags": hits}
    return {"replicates": replicates, "weeks": weeks, "seed": seed, "tau2": tau2, "alpha": ALPHA,
            "rates": rates}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=4000)
    parser.add_argument("--weeks", type=int, default=20)
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument("--tau2", type=float, default=0.0, help="between-trial variance of log RR")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    report = run(args.replicates, args.weeks, args.seed, args.tau2)
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(f"{args.replicates} null reviews, {args.weeks} weekly looks, tau2 = {args.tau2}, seed {args.seed}")
    for name, r in report["rates"].items():
        print(f"  {name:<11} false-flag rate {r['rate']:.4f} (MC SE {r['mc_se']:.4f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
