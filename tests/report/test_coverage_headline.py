"""The "Who pays" lead names, for each payer's decision, what it covers (products, or CAR-T as a
class) and says when only news or secondary pages stand behind it, recomputed from coverage.csv
and asserted on the report and the dashboard's question page, for CN–US and JP–CN."""

from __future__ import annotations

import html
import warnings

import pytest

from cartatlas.report.context import ReportContext
from cartatlas.report.sections import rules_and_payers
from cartatlas.store import open_store
from cartatlas.web.app import create_app
from tests.golden import plain

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

WEAK = {"news", "secondary"}


def _items(country: str) -> list[str]:
    """Each (payer, status) of ``country`` as the lead should say it, from the CSV rows."""
    groups: dict[tuple[str, str], list[dict[str, str]]] = {}
    for row in plain.rows("coverage"):
        if row["country"] == country:
            groups.setdefault((row["payer"], row["status"]), []).append(row)
    items = []
    for (payer, status), rows in groups.items():
        products = ", ".join(sorted({r["product_id"] or "CAR-T as a class" for r in rows}))
        kinds = sorted({r["source_kind"] for r in rows})
        if set(kinds) <= WEAK:
            products += f"; {' and '.join(kinds)} {'page' if len(rows) == 1 else 'pages'} only"
            products += ", weak source"
        items.append(f"{payer} {status} ({products})")
    return items


@pytest.mark.parametrize("countries", [["CN", "US"], ["JP", "CN"]], ids=["CN-US", "JP-CN"])
def test_each_payer_decision_names_what_it_covers_and_its_weak_source(evidence_store, countries):
    with open_store(evidence_store, read_only=True) as store:
        answer = rules_and_payers.coverage(ReportContext(store, countries)).answer
    with TestClient(create_app(evidence_store)) as client:
        page = html.unescape(client.get("/q/coverage", params=dict(zip("ab", countries))).text)
    for country in countries:
        items = _items(country)
        assert items, country
        for item in items:
            assert item in answer, item
            assert item in " ".join(page.split()), item
    # the case that misled: a one-city plan covering one product read as "covered"
    assert "Zhaohuibao" not in answer or "(axicabtagene-ciloleucel; secondary page only" in answer
