"""Cost per responder for pairs other than China and the US.

* A multinational trial with no recorded site list is paired with the country of its product's
  first approval for that indication anywhere, not the first among the compared countries:
  ELIANA (Kymriah, B-ALL; first approved by the FDA) was divided into Japan's NHI price when
  Japan was compared with China, and not when it was compared with the US.
* A pair with no priced trial (FR and CA) or no trial at all (KR and IN) answers rows of
  "no data" or none, never a crash. (GB had none until NICE's 2022 axi-cel list price paired
  with ZUMA-7, DE none until Gilead's 2019 German axi-cel price paired with ZUMA-1 and ZUMA-7:
  tests/report/test_gb_jp_list_price_responders.py.)

The first approval is recomputed here from approvals.csv and studies.csv with the csv module,
and the pairing is read on the CLI, the JSON API, the report's cost table and the dashboard's
cost page.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

DATA = Path(__file__).resolve().parents[2] / "src" / "cartatlas" / "evidence" / "data"
PAIRS = [("JP", "CN"), ("JP", "US"), ("CN", "US")]


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / f"{name}.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _eliana_home() -> str:
    """The jurisdiction of tisagenlecleucel's earliest dated B-ALL approval (any source)."""
    [eliana] = [s for s in _rows("studies") if s["study_id"] == "ELIANA"]
    assert eliana["country_of_conduct"] == "multinational" and not eliana["countries"]
    dated = [
        (a["approval_date"], a["country"])
        for a in _rows("approvals")
        if a["product_id"] == eliana["product_id"] and a["indication"] == eliana["indication"]
        if a["approval_date"]
    ]
    return min(dated)[1]


def _cli(store: str, countries: tuple[str, ...]) -> list[dict]:
    from cartatlas.cli import app

    result = CliRunner().invoke(
        app,
        ["--db", store, "prices", "--per-responder", "--countries", *countries]
        + ["--format", "json"],
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("pair", PAIRS, ids=["-".join(p) for p in PAIRS])
def test_eliana_pairs_with_its_first_approvals_country_whatever_the_pair(
    evidence_store, evidence_client, pair
):
    from cartatlas.report.context import ReportContext
    from cartatlas.report.sections import cost
    from cartatlas.store import open_store

    home = _eliana_home()
    assert home == "US"
    expected = [c for c in pair if c == home]
    cli = [r["country"] for r in _cli(evidence_store, pair) if r["study_id"] == "ELIANA"]
    assert cli == expected
    body = evidence_client.get("/api/prices/per-responder", params={"countries": list(pair)}).json()
    assert [r["country"] for r in body["items"] if r["study_id"] == "ELIANA"] == expected
    with open_store(evidence_store, read_only=True) as store:
        section = cost.build(ReportContext(store, list(pair)))
    table = next(b for b in section.blocks if "responder" in getattr(b, "title", "").lower())
    rows = [r for r in table.rows if r[3].startswith("ELIANA")]
    assert [r[1] for r in rows] == expected
    page = evidence_client.get("/q/cost", params={"a": pair[0], "b": pair[1]})
    assert page.status_code == 200
    # Japan's NHI price (33,490,000 JPY in 2019) divided by ELIANA's CR/CRi rate would read
    # "377,698 USD": never, since ELIANA is not paired with Japan.
    assert "377,698" not in page.text


@pytest.mark.parametrize("pair", [("FR", "CA"), ("KR", "IN"), ("CA", "AU")])
def test_a_pair_without_priced_trials_answers_without_crashing(
    evidence_store, evidence_client, pair
):
    from cartatlas.cli import app

    rows = _cli(evidence_store, pair)
    assert all(r["cost_usd"] is None and r["status"].startswith("no data") for r in rows)
    table = CliRunner().invoke(
        app, ["--db", evidence_store, "prices", "--per-responder", "--countries", *pair]
    )
    assert table.exit_code == 0, table.output
    if not rows:  # no registrational trial ran there: said, not an empty table
        assert "no data (no registrational trial reporting a CR ran in" in table.output
    body = evidence_client.get("/api/prices/per-responder", params={"countries": list(pair)})
    assert body.status_code == 200 and len(body.json()["items"]) == len(rows)
