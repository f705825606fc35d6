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


def _items(country: str, short: bool = False) -> list[str]:
    """Each (payer, status) of ``country`` as the full statement should say it, from the CSV
    rows; ``short``: as the short answer says it (the payer's bracketed description left out,
    several products counted, the weak source said briefly). A row counting both patients
    treated and eligible is a study of uptake, told apart, not a decision."""
    groups: dict[tuple[str, str], list[dict[str, str]]] = {}
    for row in plain.rows("coverage"):
        if row["country"] == country and not (row["patients_treated"] and row["patients_eligible"]):
            groups.setdefault((row["payer"], row["status"]), []).append(row)
    items = []
    for (payer, status), rows in groups.items():
        named = sorted({r["product_id"] or "CAR-T as a class" for r in rows})
        products = f"{len(named)} products" if short and len(named) > 1 else ", ".join(named)
        kinds = sorted({r["source_kind"] for r in rows})
        if set(kinds) <= WEAK and short:
            products += f"; weak source: {' and '.join(kinds)} only"
        elif set(kinds) <= WEAK:
            products += f"; {' and '.join(kinds)} {'page' if len(rows) == 1 else 'pages'} only"
            products += ", weak source"
        if short and payer.endswith(")"):
            payer = payer[: payer.rindex(" (")]
        items.append(f"{payer} {status} ({products})")
    return items


@pytest.mark.parametrize("countries", [["CN", "US"], ["JP", "CN"]], ids=["CN-US", "JP-CN"])
def test_each_payer_decision_names_what_it_covers_and_its_weak_source(evidence_store, countries):
    with open_store(evidence_store, read_only=True) as store:
        section = rules_and_payers.coverage(ReportContext(store, countries))
    answer = section.blocks[0].text  # the full statement, below the short answer
    with TestClient(create_app(evidence_store)) as client:
        page = html.unescape(
            client.get("/q/coverage", params=dict(zip("ab", countries, strict=False))).text
        )
    page = " ".join(page.split())
    for country in countries:
        items = _items(country)
        assert items, country
        for item in items:
            assert item in answer, item
            assert item in page, item
        for item in _items(country, short=True):
            assert item in section.answer, (item, section.answer)
            assert item in page, item
    # the case that misled: a one-city plan covering one product read as "covered"
    assert "Zhaohuibao" not in answer or "(axicabtagene-ciloleucel; secondary page only" in answer
