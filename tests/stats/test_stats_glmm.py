"""The binomial-normal GLMM against metafor's rma.glmm(measure = "PLO") (lme4, nAGQ = 7)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from stats_parity import GLMM_FLOOR, GLMM_RTOL, case_id, compare, dataset, reference

from cartatlas.stats import GLMMConvergenceWarning, meta_proportions
from cartatlas.stats.glmm import fit_glmm
from cartatlas.stats.measures import escalc

GLMM_FIELDS = [
    "estimate",
    "se",
    "stat",
    "pval",
    "ci_low",
    "ci_high",
    "tau2",
    "i2",
    "h2",
    "q",
    "q_p",
    "q_lrt",
    "q_lrt_p",
    "pi_low",
    "pi_high",
]


def glmm_values(res) -> dict[str, float]:
    values = {name: getattr(res, name) for name in GLMM_FIELDS}
    values.update({f"bt_{k}": v for k, v in res.backtransformed().to_dict().items()})
    return values


CASES = [c for c in reference()["glmm"] if "error" not in c]


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_matches_metafor(case):
    d = dataset(case["dataset"])
    res = meta_proportions(d["events"], d["n"], "PLO", "GLMM", case["test"])
    assert res.converged
    values = glmm_values(res)
    problems = compare(values, case["expected_precise"], GLMM_RTOL, GLMM_FLOOR)
    problems += compare(values, case["expected"], GLMM_RTOL, GLMM_FLOOR)
    assert not problems, "\n".join(problems)


def test_identical_studies_give_zero_tau2_where_lme4_fails():
    # rma.glmm cannot fit this (lme4 error); the maximum likelihood answer is tau^2 = 0 and the
    # common-effect logistic estimate.
    assert any("error" in c for c in reference()["glmm"] if c["dataset"] == "identical")
    res = meta_proportions([10] * 5, [50] * 5, method="GLMM")
    assert res.converged
    assert res.tau2 == pytest.approx(0.0, abs=1e-10)
    assert res.estimate == pytest.approx(np.log(0.2 / 0.8), rel=1e-9)
    assert res.se == pytest.approx(np.sqrt(1 / (250 * 0.2 * 0.8)), rel=1e-6)


def test_nonconvergence_is_reported(monkeypatch):
    from cartatlas.stats import glmm

    def no_progress(f, start):
        return start, np.eye(start.size), False

    monkeypatch.setattr(glmm, "_maximise", no_progress)
    x, n = [16, 10, 4, 43], [17, 12, 8, 58]
    yi, vi = escalc(np.array(x, float), np.array(n, float), "PLO")
    with pytest.warns(GLMMConvergenceWarning):
        fit = fit_glmm(np.array(x, float), np.array(n, float), yi, vi)
    assert not fit.converged
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GLMMConvergenceWarning)
        res = meta_proportions(x, n, method="GLMM")
    assert not res.converged
    assert "did not converge" in res.summary()


@pytest.mark.parametrize("bad", [{"measure": "PAS"}, {"test": "knha"}])
def test_glmm_rejects_unsupported_options(bad):
    args = {"measure": "PLO", "method": "GLMM", "test": "z"} | bad
    with pytest.raises(ValueError, match=next(iter(bad))):
        meta_proportions([3, 4, 5], [10, 10, 10], **args)


def test_glmm_needs_two_studies():
    with pytest.raises(ValueError, match="at least 2 studies"):
        meta_proportions([3], [10], method="GLMM")
