"""Every figure names a study by its product first: forest plots, landmark plots and hazard-ratio
plots labelled each series by its study ID alone ("ZUMA-7", "CT041-ST-01"), which tells a
patient nothing. Each label the report's figures and the dashboard's charts draw is checked
against the evidence rows themselves: studies.csv gives the study's product, products.csv that
product's names (brand, INN, aliases), and the label must name that product and no other."""

from __future__ import annotations

import html
import json
import re

import pytest

from cartatlas.report.context import ReportContext
from cartatlas.report.model import Figure
from cartatlas.report.sections import durability, success
from cartatlas.store import open_store
from tests.golden import plain

SPEC = re.compile(r'<script type="application/json" id="spec-[^"]+">(.*?)</script>', re.S)
SVG_TEXT = re.compile(r"<text[^>]*>(.*?)</text>", re.S)
#: After the dash: the study ID, then what the figure adds (", OS", ", EFS (LBCL)", " (MM)").
LABEL = re.compile(r"^(?P<product>.+) — (?P<study>[^\s,]+)(?:, [A-Z]+(?: \([^)]*\))?| \([^)]*\))?$")


def _names() -> dict[str, set[str]]:
    """Every name of each product in products.csv: its ID, INN, aliases and brands."""
    names = {}
    for row in plain.rows("products"):
        brands = {b.partition(":")[2].strip() for b in row["brands"].split("|") if b}
        aliases = {a.strip() for a in row["aliases"].split("|") if a.strip()}
        names[row["product_id"]] = {row["product_id"], row["inn"], *aliases, *brands} - {""}
    return names


def _check(labels: list[str], where: str) -> int:
    """Each label of a study names its study's product (studies.csv → products.csv) and no
    other product; a study of no product is named by its targets. No label is a bare study ID.
    Returns how many study labels were checked."""
    studies = {row["study_id"]: row for row in plain.rows("studies")}
    names = _names()
    checked = 0
    for label in labels:
        first = re.split(r"[\s,]", label, maxsplit=1)[0]
        assert first not in studies, f"{where}: {label!r} names a study by its ID alone"
        match = LABEL.match(label)
        if not match or match["study"] not in studies:
            continue
        words, study = match["product"], studies[match["study"]]
        product = study["product_id"]
        if product:
            assert any(name in words for name in names[product]), (where, label, product)
            others = {n for p, ns in names.items() if p != product for n in ns} - names[product]
            assert not [n for n in others if re.search(rf"\b{re.escape(n)}\b", words)], (
                where,
                label,
            )
        else:
            kind = "/".join(study["targets"].split("|"))
            assert words.startswith(f"{kind} CAR-T"), (where, label, kind)
        checked += 1
    return checked


@pytest.fixture(scope="module")
def report_figures(evidence_store) -> list[Figure]:
    with open_store(evidence_store, read_only=True) as store:
        ctx = ReportContext(store, ["CN", "US"])
        blocks = [*success.build(ctx).blocks, *durability.build(ctx).blocks]
    return [b for b in blocks if isinstance(b, Figure)]


def test_report_figures_name_each_study_by_its_product(report_figures):
    kinds = {"forest": 0, "landmarks": 0, "hazard": 0}
    for figure in report_figures:
        texts = [html.unescape(t).strip() for t in SVG_TEXT.findall(figure.svg)]
        checked = _check([t for t in texts if t], figure.slug)
        for kind in kinds:
            if figure.slug.startswith(kind) or kind in figure.title.lower():
                kinds[kind] += checked
    assert all(kinds.values()), kinds  # every kind of figure drew study labels, all checked


def test_the_example_label_reads_as_the_brief_asks(report_figures):
    texts = " ".join(html.unescape(t) for f in report_figures for t in SVG_TEXT.findall(f.svg))
    assert "Yescarta (axi-cel) — ZUMA-7" in texts  # hazard-ratio plot, ZUMA-7's EFS and OS


@pytest.mark.parametrize(
    ("page", "params"),
    [
        ("/q/success", {"a": "CN", "b": "US"}),
        ("/q/durability", {"a": "CN", "b": "US"}),
        ("/q/safety", {"a": "CN", "b": "US"}),
        ("/meta", {"indication": "MM", "endpoint": "CR", "countries": ["CN", "US"]}),
    ],
)
def test_dashboard_charts_name_each_study_by_its_product(client, page, params):
    specs = [json.loads(s) for s in SPEC.findall(client.get(page, params=params).text)]
    labels = [
        str(row[field])
        for spec in specs
        for row in spec.get("data", {}).get("values", [])
        for field in ("label", "series")
        if field in row and not str(row[field]).startswith("Pooled")
    ]
    assert _check(labels, page) > 0, page


def test_dashboard_hazard_ratios_stand_with_their_pooled_estimate(client):
    """Sorted by label, a pool stood apart from its trials; now, as in the report's figure, per
    indication and endpoint the trials come first, then their pooled estimate."""
    page = client.get("/q/durability", params={"a": "CN", "b": "US"}).text
    specs = [json.loads(s) for s in SPEC.findall(page)]
    [rows] = [
        spec["data"]["values"]
        for spec in specs
        if any(r.get("kind") == "pooled" for r in spec.get("data", {}).get("values", []))
    ]
    for i, row in enumerate(rows):
        if row["kind"] == "pooled":  # "Pooled OS, LBCL" follows two "…, OS (LBCL)" trials
            endpoint, indication = row["label"].removeprefix("Pooled ").split(", ")
            assert all(r["label"].endswith(f", {endpoint} ({indication})") for r in rows[i - 2 : i])
