"""Effect sizes (metafor's escalc) and back-transformations."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from stats_parity import RMA_RTOL, case_id, compare, dataset, reference

from cartatlas.stats import FreemanTukeyWarning, back_transform, escalc, meta_proportions
from cartatlas.stats.measures import ipft, pft

CASES = reference()["escalc"]


@pytest.mark.parametrize("case", CASES, ids=[f"{case_id(c)}-{c['to']}-{c['add']}" for c in CASES])
def test_escalc_matches_metafor(case):
    d = dataset(case["dataset"])
    add = None if case["add"] == "NA" else case["add"]
    yi, vi = escalc(d["events"], d["n"], case["measure"], add=add, to=case["to"])
    problems = compare({"yi": yi, "vi": vi}, case, 1e-12)
    assert not problems, "\n".join(problems)


def test_default_correction_only_for_logit_and_raw():
    events, n = np.array([0.0, 5.0, 10.0]), np.array([10.0, 10.0, 10.0])
    yi, _ = escalc(events, n, "PR")
    assert yi[0] == pytest.approx(0.5 / 11)
    yi, _ = escalc(events, n, "PFT")
    assert yi[0] == pytest.approx(0.5 * np.arcsin(np.sqrt(1 / 11)))  # uncorrected
    with pytest.raises(ValueError, match=r"events\[0\]"):
        escalc(events, n, "PLO", to="none")


def test_ipft_inverts_pft_for_a_single_study():
    p = np.linspace(0, 1, 11)
    assert ipft(pft(p, 25.0), 25.0) == pytest.approx(p, abs=1e-12)


def test_back_transform_edges():
    assert back_transform([-50.0, 0.0, 50.0], "PLO") == pytest.approx([np.exp(-50), 0.5, 1.0])
    assert back_transform([-0.1, np.pi / 4, 2.0], "PAS") == pytest.approx([0.0, 0.5, 1.0])
    assert back_transform([-0.2, 0.3], "PR") == pytest.approx(
        [-0.2, 0.3]
    )  # no clipping, as metafor
    with pytest.raises(ValueError, match="sample sizes"):
        back_transform([0.5], "PFT")


def test_freeman_tukey_warns_and_explains():
    with pytest.warns(FreemanTukeyWarning, match="harmonic mean"):
        meta_proportions([3, 5, 8], [20, 25, 30], measure="PFT")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        meta_proportions([3, 5, 8], [20, 25, 30], measure="PLO")


def test_rma_quantities_agree_to_rounding():
    """The estimators replicate metafor's iterations, so agreement is far inside 1e-6."""
    d = dataset("pritz1997")
    case = next(
        c
        for c in reference()["pooled"]
        if c["dataset"] == "pritz1997" and c["method"] == "REML" and c["measure"] == "PLO"
    )
    res = meta_proportions(d["events"], d["n"], "PLO", "REML", case["test"])
    assert not compare({"tau2": res.tau2, "estimate": res.estimate}, case["expected"], 1e-12)
    assert RMA_RTOL == 1e-6


def test_dersimonian_laird_agrees_with_statsmodels():
    """Where statsmodels has the same estimator it gives the same answer (intercept-only DL)."""
    from statsmodels.stats.meta_analysis import combine_effects

    d = dataset("pritz1997")
    yi, vi = escalc(d["events"], d["n"], "PLO")
    sm = combine_effects(yi, vi, method_re="chi2")
    ours = meta_proportions(d["events"], d["n"], method="DL")
    assert ours.tau2 == pytest.approx(sm.tau2, rel=1e-12)
    assert ours.estimate == pytest.approx(sm.mean_effect_re, rel=1e-12)
    assert ours.q == pytest.approx(sm.q, rel=1e-12)
