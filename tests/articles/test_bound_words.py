"""Bound words before a count of approved products or a rate: "more than five approved
products", "fewer than ten", "exceed 50%". Each was read as the exact number (5, 10, 50 %) and
contradicted although the evidence meets the bound; recomputed here from the CSV rows."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cartatlas.cli import app

DATA = Path(__file__).resolve().parents[2] / "src" / "cartatlas" / "evidence" / "data"


def _rows(name: str) -> list[dict]:
    return list(csv.DictReader((DATA / name).read_text("utf-8").splitlines()))


def _approved(country: str) -> int:
    return len({r["product_id"] for r in _rows("approvals.csv") if r["country"] == country})


def _us_lbcl_cr_share_over_50() -> float:
    studies = {r["study_id"]: r for r in _rows("studies.csv")}
    rates = [
        100 * int(r["events"]) / int(r["n"])
        for r in _rows("outcomes.csv")
        if r["endpoint"] == "CR"
        and r["analysis"] == "primary"
        and studies[r["study_id"]]["indication"] == "LBCL"
        and studies[r["study_id"]]["country_of_conduct"] == "US"
    ]
    return sum(rate >= 50 for rate in rates) / len(rates)


@pytest.mark.parametrize(
    ("sentence", "metric", "bounds", "holds"),
    [
        (
            "China has approved more than five CAR-T products.",
            "approved_products",
            [5, None],
            lambda: _approved("CN") > 5,
        ),
        (
            "Fewer than ten CAR-T products have been approved in the US.",
            "approved_products",
            [0, 10],
            lambda: _approved("US") < 10,
        ),
        (
            "In the US, complete response rates in DLBCL exceed 50%.",
            "CR",
            [50, None],
            lambda: _us_lbcl_cr_share_over_50() >= 0.75,
        ),
    ],
)
def test_bound_words_on_every_surface(
    sentence, metric, bounds, holds, evidence_store, evidence_client, tmp_path
):
    assert holds()  # the plain route: the evidence meets the bound
    page = tmp_path / "page.md"
    page.write_text(sentence, "utf-8")
    result = CliRunner().invoke(
        app, ["--db", evidence_store, "check-article", "--format", "json", str(page)]
    )
    [record] = [json.loads(line) for line in result.stdout.splitlines()]
    assert record["metric"] == metric and record["range"] == bounds
    assert record["verdict"] == "supported"
    api = evidence_client.post("/api/check-article", json={"text": sentence}).json()
    assert [c["verdict"] for c in api["claims"]] == ["supported"]
    html = evidence_client.post("/article", data={"text": sentence}).text
    assert '<li id="claim-1"><span class="verdict verdict-supported">' in html
    extra = "    indication: LBCL\n" if metric == "CR" else ""
    claims = tmp_path / "claims.yaml"
    claims.write_text(
        f"claims:\n  - id: b\n    text: {sentence}\n    metric: {metric}\n{extra}"
        f"    countries: [{record['countries'][0]}]\n"
        f"    range: [{bounds[0]}, {'null' if bounds[1] is None else bounds[1]}]\n",
        "utf-8",
    )
    table = CliRunner().invoke(
        app, ["--db", evidence_store, "claims", "--format", "json", str(claims)]
    )
    assert [c["verdict"] for c in json.loads(table.stdout)] == ["supported"]
