"""cartatlas.stats against R's metafor on the same simulated data, in interleaved rounds.

    python benchmarks/stats.py [--fits 10000] [--glmm-fits 200] [--k 10] [--rounds 5] [--no-r]

Two models: the random-effects model (REML + Knapp-Hartung, logit proportions) and the
binomial-normal GLMM (``meta``'s default; metafor's ``rma.glmm``, which fits it with lme4). The
data sets (logit-normal proportions, n from 20 to 200) are split into ``--rounds`` chunks; each
round fits one chunk in Python and then the same chunk in R, so that load from other processes
falls on both alike; both sides are timed in CPU seconds of their own process (R's inside
the script, without its start-up). One ``meta_proportions`` call also computes the Q-profile
interval for tau^2, the prediction interval and the back-transformed proportions, so the
REML model is timed in metafor twice: ``rma()`` alone and with ``confint()`` + ``predict()``.
Estimates of both are compared.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from cartatlas.stats import meta_proportions

R_SCRIPT = r"""
suppressPackageStartupMessages(library(metafor))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1])
sets <- split(d[, c("events", "n")], d$fit)
fit <- if (args[3] == "GLMM") {
  function(s) rma.glmm(xi = s$events, ni = s$n, measure = "PLO")
} else {
  function(s) rma(xi = s$events, ni = s$n, measure = "PLO", method = "REML", test = "knha")
}
cpu <- function() sum(proc.time()[c("user.self", "sys.self")])
t0 <- cpu()
fits <- lapply(sets, fit)
t1 <- cpu()
if (args[3] != "GLMM") invisible(lapply(sets, function(s) {
  r <- fit(s); confint(r); predict(r, transf = transf.ilogit)
}))
t2 <- cpu()
est <- vapply(fits, function(r) c(r$beta[1], r$tau2), numeric(2))
write.csv(data.frame(estimate = est[1, ], tau2 = est[2, ]), args[2], row.names = FALSE)
cat(t1 - t0, t2 - t1, as.character(packageVersion("metafor")), "\n")
"""
MODELS = {"REML": ("REML", "knha"), "GLMM": ("GLMM", "z")}
#: Largest relative difference from metafor accepted (tests/stats pin the same tolerances).
TOLERANCE = {"REML": 1e-6, "GLMM": 1e-3}


def simulate(fits: int, k: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(seed)
    data = []
    for _ in range(fits):
        n = rng.integers(20, 201, k)
        p = 1 / (1 + np.exp(-rng.normal(rng.normal(-0.5, 0.8), 0.5, k)))
        data.append((rng.binomial(n, p), n))
    return data


def time_python(data: list[tuple[np.ndarray, np.ndarray]], model: str) -> tuple[float, np.ndarray]:
    method, test = MODELS[model]
    start = time.process_time()
    results = [meta_proportions(events, n, "PLO", method, test) for events, n in data]
    elapsed = time.process_time() - start
    return elapsed, np.array([(r.estimate, r.tau2) for r in results])


def time_metafor(
    data: list[tuple[np.ndarray, np.ndarray]], model: str
) -> tuple[float, float, str, np.ndarray] | None:
    rscript = shutil.which("Rscript")
    if rscript is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        with open(tmpdir / "data.csv", "w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["fit", "events", "n"])
            for i, (events, n) in enumerate(data):
                writer.writerows((i, int(x), int(m)) for x, m in zip(events, n, strict=True))
        (tmpdir / "bench.R").write_text(R_SCRIPT)
        proc = subprocess.run(
            [
                rscript,
                str(tmpdir / "bench.R"),
                str(tmpdir / "data.csv"),
                str(tmpdir / "est.csv"),
                model,
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            print("metafor run failed:\n" + proc.stderr, file=sys.stderr)
            return None
        rma_only, full, version = proc.stdout.split()
        # split() on the integer fit id keeps the numeric order of the data sets
        estimates = np.loadtxt(tmpdir / "est.csv", delimiter=",", skiprows=1, ndmin=2)
    return float(rma_only), float(full), version, estimates


def run_model(model: str, data: list, rounds: int, with_r: bool) -> None:
    """Fit ``data`` in ``rounds`` interleaved chunks (Python, then R) and print the figures."""
    for events, n in data[:5]:  # warm-up: imports, caches
        meta_proportions(events, n, "PLO", *MODELS[model])
    chunks = [data[i::rounds] for i in range(rounds)]
    py_seconds, r_first, r_full, version = 0.0, 0.0, 0.0, ""
    py_estimates, r_estimates = [], []
    for chunk in chunks:
        seconds, estimates = time_python(chunk, model)
        py_seconds += seconds
        py_estimates.append(estimates)
        metafor = time_metafor(chunk, model) if with_r else None
        if metafor is None:
            with_r = False
            continue
        first, full, version, estimates = metafor
        r_first, r_full = r_first + first, r_full + full
        r_estimates.append(estimates)
    fits = len(data)
    label = "REML + Knapp-Hartung" if model == "REML" else "GLMM (binomial-normal)"
    print(f"\n{label}: {fits} fits, k = {len(data[0][0])}, {rounds} interleaved rounds")
    print(
        f"  cartatlas.stats meta_proportions   {py_seconds:8.2f} s CPU "
        f"({1e3 * py_seconds / fits:.3f} ms/fit)"
    )
    if not with_r:
        print("  metafor: not run (no Rscript with metafor, or --no-r)")
        return
    name = "rma()" if model == "REML" else "rma.glmm()"
    print(f"  metafor {version} {name:<24} {r_first:8.2f} s ({1e3 * r_first / fits:.3f} ms/fit)")
    print(f"  ratio metafor {name} / cartatlas: {r_first / py_seconds:6.2f}x")
    if model == "REML":
        print(f"  metafor rma()+confint()+predict()   {r_first + r_full:8.2f} s")
        print(f"  ratio of those / cartatlas:         {(r_first + r_full) / py_seconds:6.2f}x")
    py, r = np.vstack(py_estimates), np.vstack(r_estimates)
    dev = np.abs(py - r) / np.maximum(np.abs(r), 1e-4)
    print(f"  max relative difference in estimate / tau^2 vs metafor: {dev.max():.1e}")
    met = r_first / py_seconds >= 1.0 and dev.max() <= TOLERANCE[model]
    print(
        f"  goal: no slower than metafor {name} on the same fits, estimates within "
        f"{TOLERANCE[model]:.0e}: {'met' if met else 'missed'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fits", type=int, default=10_000)
    parser.add_argument("--glmm-fits", type=int, default=200)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--no-r", action="store_true", help="skip the metafor timing")
    args = parser.parse_args()
    print("times: CPU seconds (user + system) of each side's own process")
    run_model("REML", simulate(args.fits, args.k, args.seed), args.rounds, not args.no_r)
    run_model("GLMM", simulate(args.glmm_fits, args.k, args.seed), args.rounds, not args.no_r)


if __name__ == "__main__":
    main()
