"""How often does a living review flag an effect that is not there?

    python scripts/simulate_false_flags.py [--replicates 4000] [--weeks 20] [--seed 20261122]
                                           [--tau2 0.0] [--json]

Simulates living reviews under the null hypothesis (the therapy does nothing: every trial's
true risk ratio is 1, or its log is drawn around 0 with ``--tau2`` between-trial variance). Each
week one new two-arm trial enters, with a control risk of 0.20 (config/monitoring.toml's live
birth) and 40 to 120 women per trial, so 20 weeks accrue roughly the information size TSA
requires. After every week the stratum is pooled the way rifwatch pools it, and we record
whether a false flag has been raised by then:

- naive MH: Mantel-Haenszel fixed effect with a Wald test at p < 0.05;
- naive DL: DerSimonian-Laird random effects with a Wald test at p < 0.05 (the usual report);
- naive lead: rifwatch's conventional lead estimate (REML, HKSJ with ad-hoc floor, fixed effect
  at k = 2) at p < 0.05 — what ``crossed_significance`` reacts to;
- TSA: the lead's z against the O'Brien-Fleming Lan-DeMets boundary at the information
  fraction reached (``crossed_boundary``), with D²-adjusted information size;
- LIL: the lead's z penalised by the law of the iterated logarithm (λ = 2) against 1.96.

Prints each rate with its Monte-Carlo standard error ``sqrt(p (1 - p) / n)``.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import numpy as np
from scipy.stats import norm

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from models.lead import LeadEstimator  # noqa: E402
from models.pooling import Estimator, Study, effect_table  # noqa: E402
from models.pooling.tau2 import tau2_reml  # noqa: E402
from models.sequential import boundaries, diversity, lil_statistic, required_information_size  # noqa: E402

CONTROL_RISK = 0.20          # config/monitoring.toml, live birth
RELATIVE_EFFECT = 0.30       # config/monitoring.toml
ALPHA = 0.05
#: Grid for the boundary recursion in the simulation: 101 points stay within 1e-7 of the
#: default grid on these looks (models/sequential.py measures 401 vs 6,001), and run 8x faster.
SIM_GRID = 101
APPROACHES = ("naive_mh", "naive_dl", "naive_lead", "tsa", "lil")


def simulate_trial(rng: np.random.Generator, week: int, tau2: float) -> Study:
    per_arm = int(rng.integers(20, 61))
    log_rr = rng.normal(0.0, math.sqrt(tau2)) if tau2 > 0 else 0.0
    treat_risk = min(CONTROL_RISK * math.exp(log_rr), 0.95)
    return Study.from_counts(f"w{week}", int(rng.binomial(per_arm, treat_risk)), per_arm,
                             int(rng.binomial(per_arm, CONTROL_RISK)), per_arm)


def z_of(p_value: float, theta: float) -> float:
    return math.copysign(float(norm.isf(max(p_value, 1e-300) / 2)), theta) if theta else 0.0


def one_review(rng: np.random.Generator, weeks: int, tau2: float) -> dict[str, bool]:
    """Whether each approach raised a false flag at any of ``weeks`` looks."""
    lead = LeadEstimator(measure="RR", method="REML", ci="hksj-adhoc", tau2_interval=False)
    naive = Estimator(measure="RR", method="DL", ci="wald", tau2_interval=False)
    fixed = Estimator(measure="RR", method="MH", ci="wald")
    studies: list[Study] = []
    flagged = dict.fromkeys(APPROACHES, False)
    fractions: list[float] = []
    zs: list[float] = []
    for week in range(1, weeks + 1):
        studies.append(simulate_trial(rng, week, tau2))
        result = lead.fit(studies)
        if not result.estimable:
            continue
        flagged["naive_lead"] |= bool(result.p_value < ALPHA)
        dl = naive.fit(studies)
        flagged["naive_dl"] |= bool(dl.estimable and dl.p_value < ALPHA)
        mh = fixed.fit(studies)
        flagged["naive_mh"] |= bool(mh.estimable and mh.p_value < ALPHA)
        z = z_of(result.p_value, result.theta)
        flagged["lil"] |= bool(abs(lil_statistic(z, 1 / result.se ** 2, 2.0)) >= norm.isf(ALPHA / 2))
        table = effect_table(studies, "RR")
        d2 = diversity(table.vi, tau2_reml(table.yi, table.vi)) if table.k >= 2 else 0.0
        size = required_information_size(CONTROL_RISK, RELATIVE_EFFECT, alpha=ALPHA, diversity=d2)
        # The information size moves with D²; earlier looks keep the fractions they had then.
        fractions.append(max(result.n_patients / size, fractions[-1] if fractions else 0.0))
        zs.append(z)
    if fractions:
        bounds = boundaries(fractions, ALPHA, "obf", grid_points=SIM_GRID)
        flagged["tsa"] = bool(any(abs(z) >= b for z, b in zip(zs, bounds)))
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
