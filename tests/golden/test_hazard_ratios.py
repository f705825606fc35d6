"""Pooled hazard ratios of the randomized CAR-T vs standard-of-care trials, against metafor.

The trials each pool uses are chosen here by the simple route (tests/golden/plain.py:
``hazard_trials``, straight from the CSV rows); metafor's ``rma(yi, sei, method = "REML",
test = "adhoc")`` (Knapp–Hartung, factor at least 1) pooled exactly those in
metafor_hazard_golden.json (make_reference.py + make_reference.R). The same numbers must then
appear on every surface: the analysis, the CLI, the report's lead, the JSON API and the dashboard
page.
"""

from __future__ import annotations

import json
import math
import re
import warnings
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cartatlas.analyses.durability import comparisons_frame, pooled_hazard_ratios
from cartatlas.cli import app
from cartatlas.report.context import ReportContext
from cartatlas.report.sections import durability
from cartatlas.store import open_store
from cartatlas.web.app import create_app
from tests.golden import plain

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

HERE = Path(__file__).parent
INPUTS = json.loads((HERE / "hazard_inputs.json").read_text("utf-8"))
METAFOR = {
    (c["indication"], c["endpoint"]): c
    for c in json.loads((HERE / "metafor_hazard_golden.json").read_text("utf-8"))
}
CELLS = [(c["indication"], c["endpoint"]) for c in INPUTS]
REGENERATE = (
    "comparisons changed: python tests/golden/make_reference.py && "
    "Rscript tests/golden/make_reference.R"
)


@pytest.fixture(scope="module")
def pools(evidence_store):
    with open_store(evidence_store, read_only=True) as store:
        found = pooled_hazard_ratios(comparisons_frame(store))
    return {(p.indication, p.endpoint): p for p in found}


@pytest.fixture(scope="module")
def lead(evidence_store) -> str:
    """The full statement that opens the durability section, below its short answer."""
    with open_store(evidence_store, read_only=True) as store:
        return durability.build(ReportContext(store, ["CN", "US"])).blocks[0].text


@pytest.fixture(scope="module")
def api(evidence_store) -> dict:
    with TestClient(create_app(evidence_store)) as client:
        pooled = {}
        for indication in {i for i, _ in CELLS}:
            body = client.get("/api/comparisons", params={"indication": indication}).json()
            pooled.update({(p["indication"], p["endpoint"]): p for p in body["pooled"]})
        page = client.get("/q/durability", params={"a": "CN", "b": "US"}).text
    return {"pooled": pooled, "page": page}


def test_the_pinned_trials_are_the_simple_routes_choice():
    for cell in INPUTS:
        trials = plain.hazard_trials(cell["indication"], cell["endpoint"])
        assert [t["study_id"] for t in trials] == cell["studies"], REGENERATE
        assert [float(t["hr"]) for t in trials] == cell["hr"], REGENERATE
    every = {
        (i, e)
        for i in {s["indication"] for s in plain.rows("studies")}
        for e in ("EFS", "PFS", "OS")
        if len(plain.hazard_trials(i, e)) >= 2
    }
    assert every == set(CELLS), REGENERATE


@pytest.mark.parametrize("cell", CELLS, ids="-".join)
def test_pooled_hazard_ratio_matches_metafor(cell, pools):
    ref, got = METAFOR[cell], pools[cell]
    assert sorted(got.rows["study_id"]) == sorted(ref["studies"])
    for name, value in [
        ("hr", got.hr),
        ("ci_low", got.ci[0]),
        ("ci_high", got.ci[1]),
        ("pi_low", got.pi[0]),
        ("pi_high", got.pi[1]),
    ]:
        assert value == pytest.approx(ref[name], rel=1e-6), name
    assert got.result.tau2 == pytest.approx(ref["tau2"], abs=1e-8)
    assert got.result.i2 == pytest.approx(ref["i2"], abs=1e-4)


@pytest.mark.parametrize("cell", CELLS, ids="-".join)
def test_every_surface_shows_metafors_pooled_hazard_ratio(cell, lead, api, evidence_store):
    indication, endpoint = cell
    ref = METAFOR[cell]
    hr, low, high = (f"{ref[k]:.2f}" for k in ("hr", "ci_low", "ci_high"))

    result = CliRunner().invoke(
        app, ["--db", evidence_store, "durability", "--indication", indication]
    )
    assert result.exit_code == 0, result.output
    printed = re.search(
        rf"Pooled HR, {indication} {endpoint} \([^)]*\): ([\d.]+) \(95% CI ([\d.]+)–([\d.]+)",
        " ".join(result.output.split()),
    )
    assert printed and printed.groups() == (hr, low, high), result.output

    said = f"pooled HR {hr} (95% CI {low}–{high}"
    assert re.search(rf"{indication} {endpoint} \([^)]*\): {re.escape(said)}", lead), lead
    page = api["page"].replace("&ndash;", "–").replace("&#8211;", "–")
    assert said in page

    served = api["pooled"][cell]
    assert served["hr"] == pytest.approx(ref["hr"], rel=1e-6)
    assert served["ci_low"] == pytest.approx(ref["ci_low"], rel=1e-6)
    assert served["ci_high"] == pytest.approx(ref["ci_high"], rel=1e-6)


def _wider_than_each(cell: tuple[str, str]) -> bool:
    """Simple route: metafor's pooled 95% CI against each pooled trial's printed CI, log scale."""
    ref = METAFOR[cell]
    width = math.log(ref["ci_high"] / ref["ci_low"])
    return all(
        width > math.log(float(t["ci_high"]) / float(t["ci_low"]))
        for t in plain.hazard_trials(*cell)
    )


def _common_effect_width(cell: dict) -> float:
    """Simple route: the width (log scale) of the common-effect z interval of a cell's trials,
    inverse-variance weights from the printed 95% CIs."""
    variances = [
        ((math.log(high) - math.log(low)) / (2 * 1.959963984540054)) ** 2
        for low, high in zip(cell["ci_low"], cell["ci_high"], strict=True)
    ]
    return 2 * 1.959963984540054 * math.sqrt(1 / sum(1 / v for v in variances))


@pytest.mark.parametrize("cell", INPUTS, ids=lambda c: f"{c['indication']}-{c['endpoint']}")
def test_no_pool_is_surer_than_the_common_effect_model(cell, pools):
    """Plain Knapp-Hartung scaled LBCL OS by its residual mean square 0.02 and printed 0.60-0.91,
    narrower than the common-effect 0.57-0.95 although a random-effects pool of two trials
    cannot know more; with the factor at least 1 no pool is narrower."""
    got = pools[(cell["indication"], cell["endpoint"])]
    assert math.log(got.ci[1] / got.ci[0]) >= _common_effect_width(cell)


def test_two_trial_pools_are_wider_than_their_trials():
    assert all(_wider_than_each(c) for c in CELLS)


@pytest.mark.parametrize("cell", CELLS, ids="-".join)
def test_every_surface_says_whether_the_pool_is_wider_than_its_trials(
    cell, lead, api, evidence_store
):
    """'very wide' was said of every two-trial pool, also of LBCL OS (then 0.60–0.91, narrower
    than either trial's own); each surface says it exactly where it holds."""
    indication, endpoint = cell
    wide = _wider_than_each(cell)
    said = "wider than either trial's own"
    assert (said in api["pooled"][cell]["caveat"]) is wide
    result = CliRunner().invoke(
        app, ["--db", evidence_store, "durability", "--indication", indication]
    )
    printed = re.search(
        rf"Pooled HR, {indication} {endpoint} \(.*?\): [\d.]+ \(95% CI [^;]*; (.*?); each trial",
        " ".join(result.output.split()),
    )
    assert printed and (said in printed.group(1)) is wide, result.output
    own = re.search(
        rf"{indication} {endpoint} \([^)]*\): pooled HR [^;]*; (.*?); each trial on its own", lead
    )
    assert own and (said in own.group(1)) is wide, lead
    assert "very wide" not in lead and "very wide" not in api["page"]
