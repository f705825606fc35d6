"""Result objects: summary text, dict and DataFrame conversions, back-transformation."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from stats_parity import dataset

from cartatlas.stats import meta_proportions, meta_regression


@pytest.fixture(scope="module")
def pritz():
    d = dataset("pritz1997")
    return meta_proportions(d["events"], d["n"], test="knha", subgroups=d["groups"])


def test_required_fields(pritz):
    for name in [
        "estimate",
        "se",
        "ci_low",
        "ci_high",
        "tau2",
        "i2",
        "q",
        "q_p",
        "pi_low",
        "pi_high",
    ]:
        assert isinstance(getattr(pritz, name), float)
    bt = pritz.backtransformed()
    assert 0 < bt.pi_low < bt.ci_low < bt.estimate < bt.ci_high < bt.pi_high < 1
    assert bt.estimate == pytest.approx(1 / (1 + math.exp(-pritz.estimate)))


def test_summary_is_readable(pritz):
    text = pritz.summary()
    assert "Pooled proportion: 0.7575" in text
    assert "Knapp-Hartung" in text
    assert "Test for subgroup differences (separate tau^2)" in text
    assert str(pritz) == text
    assert "MetaResult(" in repr(pritz)


def test_to_dict_is_json_serialisable(pritz):
    out = pritz.to_dict()
    assert out["backtransformed"]["estimate"] == pritz.backtransformed().estimate
    assert set(out["subgroups"]["groups"]) == {"A", "B", "C"}
    assert len(out["studies"]) == pritz.k
    json.dumps(out, allow_nan=True)


def test_to_frame_has_subgroups_and_overall(pritz):
    frame = pritz.to_frame()
    assert list(frame.index) == ["A", "B", "C", "Overall"]
    assert frame.loc["Overall", "estimate"] == pritz.estimate
    assert frame.loc["Overall", "prop_estimate"] == pritz.backtransformed().estimate


def test_study_table(pritz):
    table = pritz.studies.to_frame()
    assert table["weight"].sum() == pytest.approx(100)
    assert (table["ci_low"] <= table["proportion"]).all()
    assert (table["proportion"] <= table["ci_high"]).all()


def test_k1_mirrors_metafor():
    res = meta_proportions([7], [25])
    assert res.tau2 == 0 and res.q == 0 and res.q_p == 1 and res.i2 == 0 and res.h2 == 1
    assert math.isnan(res.tau2_ci_low)
    assert res.pi_low == pytest.approx(res.ci_low)


def test_common_effect_prediction_interval_is_the_ci():
    res = meta_proportions([3, 5, 8], [20, 25, 30], method="FE")
    assert res.method == "CE"
    assert (res.pi_low, res.pi_high) == (res.ci_low, res.ci_high)
    assert res.backtransformed().pi_low == res.backtransformed().ci_low
    assert "Common-effect" in res.summary()


def test_glmm_summary_reports_both_heterogeneity_tests():
    d = dataset("pritz1997")
    text = meta_proportions(d["events"], d["n"], method="GLMM").summary()
    assert "Wald-type Q" in text and "Likelihood-ratio" in text


def test_metaregression_outputs():
    d = dataset("simulated")
    res = meta_regression(d["events"], d["n"], d["moderators"], test="knha")
    assert "not back-transformed" in res.summary()
    pred = res.predict({"country": ["Italy"], "year": [2020]})
    frame = pred.to_frame()
    assert {"pred", "prop_estimate", "prop_pi_high"} <= set(frame.columns)
    assert frame.loc[0, "prop_estimate"] == pytest.approx(1 / (1 + np.exp(-frame.loc[0, "pred"])))
    assert set(res.to_dict()["coefficients"]) == set(res.coefficients.names)
