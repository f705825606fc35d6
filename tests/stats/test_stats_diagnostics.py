"""Leave-one-out (metafor's leave1out) and the Egger-type test (metafor's regtest)."""

from __future__ import annotations

import pytest
from stats_parity import RMA_RTOL, case_id, compare, dataset, reference

from cartatlas.stats import egger_test, leave_one_out, meta_proportions

LOO_CASES = reference()["leave1out"]
REGTEST_CASES = reference()["regtest"]


@pytest.mark.parametrize("case", LOO_CASES, ids=[case_id(c) for c in LOO_CASES])
def test_leave_one_out_matches_metafor(case):
    d = dataset(case["dataset"])
    res = meta_proportions(d["events"], d["n"], case["measure"], case["method"], case["test"])
    loo = leave_one_out(res)
    frame = loo.to_frame()
    actual = {column: frame[column].to_numpy() for column in frame.columns}
    problems = compare(actual, case["expected"], RMA_RTOL)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("case", REGTEST_CASES, ids=[case_id(c) for c in REGTEST_CASES])
def test_egger_matches_metafor(case):
    d = dataset(case["dataset"])
    res = meta_proportions(d["events"], d["n"], case["measure"], case["method"], case["test"])
    egger = egger_test(res, model=case["model"])
    problems = compare(egger.to_dict(), case["expected"], RMA_RTOL)
    assert not problems, "\n".join(problems)


def test_leave_one_out_of_a_glmm():
    d = dataset("pritz1997")
    res = meta_proportions(d["events"], d["n"], method="GLMM")
    loo = leave_one_out(res)
    assert len(loo.estimate) == res.k
    again = meta_proportions(d["events"][1:], d["n"][1:], method="GLMM")
    assert loo.estimate[0] == pytest.approx(again.estimate, rel=1e-8)


def test_egger_rejects_glmm_and_unknown_options():
    d = dataset("pritz1997")
    with pytest.raises(ValueError, match="GLMM"):
        egger_test(meta_proportions(d["events"], d["n"], method="GLMM"))
    res = meta_proportions(d["events"], d["n"])
    with pytest.raises(ValueError, match="model"):
        egger_test(res, model="probit")
    with pytest.raises(ValueError, match="predictor"):
        egger_test(res, predictor="year")


def test_leave_one_out_needs_two_studies():
    with pytest.raises(ValueError, match="at least 2"):
        leave_one_out(meta_proportions([3], [10]))
