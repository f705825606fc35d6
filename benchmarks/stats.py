"""Time 10,000 random-effects fits (REML + Knapp-Hartung, k = 10) in cartatlas.stats and, when
R with metafor is available, the same fits in metafor in the same run.

    python benchmarks/stats.py [--fits 10000] [--k 10] [--seed 1] [--no-r]

Both sides fit identical simulated data sets (logit-normal proportions, n from 20 to 200).
One ``meta_proportions`` call also computes the Q-profile interval for tau^2, the prediction
interval and the back-transformed proportions, so metafor is timed twice: ``rma()`` alone and
``rma()`` + ``confint()`` + ``predict(transf = transf.ilogit)``, the like-for-like comparison.
The pooled estimates and tau^2 of both are compared at the end.
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
fit <- function(s) rma(xi = s$events, ni = s$n, measure = "PLO", method = "REML", test = "knha")
t0 <- proc.time()[["elapsed"]]
fits <- lapply(sets, fit)
t1 <- proc.time()[["elapsed"]]
invisible(lapply(sets, function(s) {
  r <- fit(s); confint(r); predict(r, transf = transf.ilogit)
}))
t2 <- proc.time()[["elapsed"]]
est <- vapply(fits, function(r) c(r$beta[1], r$tau2), numeric(2))
write.csv(data.frame(estimate = est[1, ], tau2 = est[2, ]), args[2], row.names = FALSE)
cat(t1 - t0, t2 - t1, as.character(packageVersion("metafor")), "\n")
"""


def simulate(fits: int, k: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(seed)
    data = []
    for _ in range(fits):
        n = rng.integers(20, 201, k)
        p = 1 / (1 + np.exp(-rng.normal(rng.normal(-0.5, 0.8), 0.5, k)))
        data.append((rng.binomial(n, p), n))
    return data


def time_python(data: list[tuple[np.ndarray, np.ndarray]]) -> tuple[float, np.ndarray]:
    for events, n in data[:50]:  # warm-up: imports, caches
        meta_proportions(events, n, "PLO", "REML", "knha")
    start = time.perf_counter()
    results = [meta_proportions(events, n, "PLO", "REML", "knha") for events, n in data]
    elapsed = time.perf_counter() - start
    return elapsed, np.array([(r.estimate, r.tau2) for r in results])


def time_metafor(
    data: list[tuple[np.ndarray, np.ndarray]],
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
            [rscript, str(tmpdir / "bench.R"), str(tmpdir / "data.csv"), str(tmpdir / "est.csv")],
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fits", type=int, default=10_000)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-r", action="store_true", help="skip the metafor timing")
    args = parser.parse_args()

    data = simulate(args.fits, args.k, args.seed)
    print(f"{args.fits} fits, k = {args.k}, REML + Knapp-Hartung, measure PLO")
    py_seconds, py_estimates = time_python(data)
    print(
        f"cartatlas.stats meta_proportions (incl. tau^2 CI, PI, back-transform): "
        f"{py_seconds:8.2f} s  ({1e3 * py_seconds / args.fits:.3f} ms/fit)"
    )
    metafor = None if args.no_r else time_metafor(data)
    if metafor is None:
        print("metafor: not run (no Rscript with metafor, or --no-r)")
        return
    rma_only, full, version, r_estimates = metafor
    print(
        f"metafor {version} rma():                                   "
        f"{rma_only:8.2f} s  ({1e3 * rma_only / args.fits:.3f} ms/fit)"
    )
    print(
        f"metafor {version} rma() + confint() + predict():            "
        f"{full:8.2f} s  ({1e3 * full / args.fits:.3f} ms/fit)"
    )
    print(f"ratio metafor rma() / cartatlas:                      {rma_only / py_seconds:6.1f}x")
    print(f"ratio metafor rma()+confint()+predict() / cartatlas:  {full / py_seconds:6.1f}x")
    dev = np.abs(py_estimates - r_estimates) / np.maximum(np.abs(r_estimates), 1e-4)
    print(f"max relative difference in estimate / tau^2 vs metafor: {dev.max():.1e}")


if __name__ == "__main__":
    main()
