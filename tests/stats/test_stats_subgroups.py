"""Subgroup analyses against metafor: per-subgroup fits, the separate-tau^2 test
(rma(yi = estimates, sei = ses, method = "FE")$QE) and the common-tau^2 test
(rma(..., mods = ~ factor(group))$QM)."""

from __future__ import annotations

import pytest
from stats_parity import GLMM_FLOOR, GLMM_RTOL, RMA_RTOL, case_id, compare, dataset, reference
from test_stats_glmm import glmm_values
from test_stats_pooled import pooled_values

from cartatlas.stats import meta_proportions

CASES = [c for c in reference()["subgroups"] if "error" not in c]


def subgroup_problems(res, expected, rtol, floor):
    sub = res.subgroups
    assert list(sub.groups) == list(expected["order"])
    values = glmm_values if res.method == "GLMM" else pooled_values
    problems = []
    for name, want in expected["groups"].items():
        problems += [f"[{name}] {p}" for p in compare(values(sub.groups[name]), want, rtol, floor)]
    actual = {
        "q_between": sub.q_between,
        "q_between_df": sub.q_between_df,
        "q_between_p": sub.q_between_p,
        "qm": sub.qm,
        "qm_df": list(sub.qm_df),
        "qm_p": sub.qm_p,
        "tau2_common": sub.tau2_common,
    }
    return problems + compare(actual, {k: expected[k] for k in actual}, rtol, floor)


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_matches_metafor(case):
    d = dataset(case["dataset"])
    res = meta_proportions(
        d["events"], d["n"], case["measure"], case["method"], case["test"], subgroups=d["groups"]
    )
    if case["method"] == "GLMM":
        problems = subgroup_problems(res, case["expected_precise"], GLMM_RTOL, GLMM_FLOOR)
        problems += subgroup_problems(res, case["expected"], GLMM_RTOL, GLMM_FLOOR)
    else:
        problems = subgroup_problems(res, case["expected"], RMA_RTOL, 1e-4)
    assert not problems, "\n".join(problems)


def test_overall_result_ignores_subgroups():
    d = dataset("pritz1997")
    with_groups = meta_proportions(d["events"], d["n"], subgroups=d["groups"])
    without = meta_proportions(d["events"], d["n"])
    assert with_groups.estimate == without.estimate
    assert without.subgroups is None


def test_single_subgroup_has_no_test():
    res = meta_proportions([3, 5, 7], [10, 12, 14], subgroups=["a", "a", "a"])
    assert list(res.subgroups.groups) == ["a"]
    assert res.subgroups.q_between != res.subgroups.q_between  # NaN
