"""Print the agreement-with-metafor table of docs/stats.md from the reference JSON.

    python tests/stats/agreement.py

For every case family it re-runs cartatlas.stats on the reference data and reports, per
compared quantity, the largest deviation (same definition as the tests: relative, with values
below the floor compared on the absolute scale).
"""

from __future__ import annotations

import sys
import warnings
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from stats_parity import FLOOR, GLMM_FLOOR, dataset, deviations, reference  # noqa: E402
from test_stats_diagnostics import LOO_CASES, REGTEST_CASES  # noqa: E402
from test_stats_generic import CASES as GENERIC_CASES  # noqa: E402
from test_stats_generic import generic_fit  # noqa: E402
from test_stats_glmm import glmm_values  # noqa: E402
from test_stats_heldout import expected_values, fit_case, heldout  # noqa: E402
from test_stats_metareg import regression_values  # noqa: E402
from test_stats_pooled import pooled_values  # noqa: E402

from cartatlas.stats import (  # noqa: E402
    egger_test,
    escalc,
    leave_one_out,
    meta_proportions,
    meta_regression,
)


def _collect(worst: dict, actual: dict, expected: dict, floor: float) -> None:
    for key, want in expected.items():
        if key in actual:
            worst[key] = max(worst[key], float(deviations(actual[key], want, floor).max()))


def families():
    ref = reference()
    out = {}

    worst = defaultdict(float)
    for c in ref["escalc"]:
        d = dataset(c["dataset"])
        add = None if c["add"] == "NA" else c["add"]
        yi, vi = escalc(d["events"], d["n"], c["measure"], add=add, to=c["to"])
        _collect(worst, {"yi": yi, "vi": vi}, c, FLOOR)
    out["escalc (yi, vi)"] = (len(ref["escalc"]), worst)

    worst = defaultdict(float)
    for c in ref["pooled"]:
        d = dataset(c["dataset"])
        res = meta_proportions(
            d["events"], d["n"], c["measure"], c["method"], c["test"], level=c["level"]
        )
        _collect(worst, pooled_values(res), c["expected"], FLOOR)
    out["rma.uni + confint + predict"] = (len(ref["pooled"]), worst)

    default, precise = defaultdict(float), defaultdict(float)
    cases = [c for c in ref["glmm"] if "error" not in c]
    for c in cases:
        d = dataset(c["dataset"])
        values = glmm_values(meta_proportions(d["events"], d["n"], "PLO", "GLMM", c["test"]))
        _collect(default, values, c["expected"], GLMM_FLOOR)
        _collect(precise, values, c["expected_precise"], GLMM_FLOOR)
    out["rma.glmm (lme4 defaults)"] = (len(cases), default)
    out["rma.glmm (lme4 optimised)"] = (len(cases), precise)

    rma_sub, glmm_sub, glmm_sub_precise = defaultdict(float), defaultdict(float), defaultdict(float)
    for c in ref["subgroups"]:
        d = dataset(c["dataset"])
        res = meta_proportions(
            d["events"], d["n"], c["measure"], c["method"], c["test"], subgroups=d["groups"]
        )
        glmm = c["method"] == "GLMM"
        floor = GLMM_FLOOR if glmm else FLOOR
        values = glmm_values if glmm else pooled_values
        targets = (
            [(glmm_sub, c["expected"]), (glmm_sub_precise, c["expected_precise"])]
            if glmm
            else [(rma_sub, c["expected"])]
        )
        for worst, e in targets:
            for name, want in e["groups"].items():
                got = values(res.subgroups.groups[name])
                _collect(
                    worst,
                    {f"subgroup {k}": v for k, v in got.items()},
                    {f"subgroup {k}": v for k, v in want.items()},
                    floor,
                )
            sg = res.subgroups
            tests = {
                "q_between": sg.q_between,
                "q_between_p": sg.q_between_p,
                "qm": sg.qm,
                "qm_p": sg.qm_p,
                "tau2_common": sg.tau2_common,
            }
            _collect(worst, tests, e, floor)
    n_glmm = sum(1 for c in ref["subgroups"] if c["method"] == "GLMM")
    out["subgroups (rma.uni)"] = (len(ref["subgroups"]) - n_glmm, rma_sub)
    out["subgroups (rma.glmm, lme4 defaults)"] = (n_glmm, glmm_sub)
    out["subgroups (rma.glmm, lme4 optimised)"] = (n_glmm, glmm_sub_precise)

    rma_reg, glmm_reg, glmm_reg_precise = defaultdict(float), defaultdict(float), defaultdict(float)
    for c in ref["metareg"]:
        d = dataset(c["dataset"])
        mods = {name: d["moderators"][name] for name in c["moderators"]}
        res = meta_regression(d["events"], d["n"], mods, c["measure"], c["method"], c["test"])
        values = regression_values(res, c["new_moderators"])
        if c["method"] == "GLMM":
            _collect(glmm_reg, values, c["expected"], GLMM_FLOOR)
            _collect(glmm_reg_precise, values, c["expected_precise"], GLMM_FLOOR)
        else:
            _collect(rma_reg, values, c["expected"], FLOOR)
    n_glmm = sum(1 for c in ref["metareg"] if c["method"] == "GLMM")
    out["meta-regression (rma.uni mods)"] = (len(ref["metareg"]) - n_glmm, rma_reg)
    out["meta-regression (rma.glmm mods, lme4 defaults)"] = (n_glmm, glmm_reg)
    out["meta-regression (rma.glmm mods, lme4 optimised)"] = (n_glmm, glmm_reg_precise)

    worst = defaultdict(float)
    for c in LOO_CASES:
        d = dataset(c["dataset"])
        frame = leave_one_out(
            meta_proportions(d["events"], d["n"], c["measure"], c["method"], c["test"])
        ).to_frame()
        _collect(worst, {k: frame[k].to_numpy() for k in frame.columns}, c["expected"], FLOOR)
    out["leave1out"] = (len(LOO_CASES), worst)

    worst = defaultdict(float)
    for c in REGTEST_CASES:
        d = dataset(c["dataset"])
        res = meta_proportions(d["events"], d["n"], c["measure"], c["method"], c["test"])
        _collect(worst, egger_test(res, model=c["model"]).to_dict(), c["expected"], FLOOR)
    out["regtest"] = (len(REGTEST_CASES), worst)

    worst = defaultdict(float)
    fitted = [c for c in GENERIC_CASES if "error" not in c]
    for c in fitted:
        _collect(worst, pooled_values(generic_fit(c)), c["expected"], FLOOR)
    out["rma(yi, sei) generic + confint + predict"] = (len(fitted), worst)

    for family, name in (("generic", "rma(yi, sei)"), ("proportions", "rma(measure, xi, ni)")):
        worst = defaultdict(float)
        fitted = [c for c in heldout()[family] if "error" not in c]
        for c in fitted:
            _collect(worst, pooled_values(fit_case(c)), expected_values(c), FLOOR)
        out[f"held-out {name} + confint + predict"] = (len(fitted), worst)
    return out


def main() -> None:
    warnings.simplefilter("ignore")
    print("| metafor function | cases | max deviation | quantities (worst first) |")
    print("|---|---:|---:|---|")
    for name, (n, worst) in families().items():
        ordered = sorted(worst.items(), key=lambda kv: -kv[1])
        overall = max(worst.values())
        detail = ", ".join(f"{k} {v:.0e}" for k, v in ordered[:4])
        print(f"| {name} | {n} | {overall:.1e} | {len(worst)} compared; worst: {detail} |")
    print(f"\nnumpy {np.__version__}")


if __name__ == "__main__":
    main()
