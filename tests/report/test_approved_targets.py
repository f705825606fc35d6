"""The types section's "Approved products by target", recomputed from approvals.csv and
products.csv with the csv module, on the report and the dashboard, countries in the pair's order.

Before: the table sorted countries alphabetically, so "JP vs CN" listed CN's rows first, the only
table of the report that did; its counts were right and are asserted here too."""

from __future__ import annotations

import html
import re
from collections import defaultdict

from cartatlas.report.context import ReportContext
from cartatlas.report.sections import registry_views
from cartatlas.store import open_store
from tests.golden import plain

PAIR = ["JP", "CN"]


def expected() -> list[list[str]]:
    """[country, target, products, which products] per country (pair order) and target (most
    products first, then by name)."""
    targets = {p["product_id"]: p["targets"] for p in plain.rows("products")}
    approved: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in plain.rows("approvals"):
        if row["country"] in PAIR:
            approved[(row["country"], targets[row["product_id"]])].add(row["product_id"])
    keys = sorted(approved, key=lambda k: (PAIR.index(k[0]), -len(approved[k]), k[1]))
    return [
        [c, t, str(len(approved[(c, t)])), ", ".join(sorted(approved[(c, t)]))] for c, t in keys
    ]


def test_approved_targets_in_pair_order_on_report_and_page(evidence_store, evidence_client):
    want = expected()
    assert [r[0] for r in want][:1] == ["JP"] and {r[0] for r in want} == set(PAIR)
    with open_store(evidence_store, read_only=True) as store:
        section = registry_views.types(ReportContext(store, PAIR))
    table = next(
        b for b in section.blocks if getattr(b, "title", "") == "Approved products by target"
    )
    assert table.rows == want
    page = evidence_client.get("/q/types", params={"a": "JP", "b": "CN"}).text
    part = page[page.index("<caption>Approved products by target</caption>") :]
    part = part[: part.index("</table>")]
    shown = [
        [html.unescape(c.strip()) for c in re.findall(r"<td>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", part, re.S)
        if "<td>" in row
    ]
    assert shown == want
