"""The approvals timeline draws one marker per product, country and day, naming every
indication approved that day: Kymriah's EU approval of 27 August 2018 (B-ALL and LBCL, mapped
to Germany) drew two points on one spot, and the tooltip showed only one of them."""

from __future__ import annotations

import json
import re

import pytest

from cartatlas.analyses.approvals import approvals_frame
from cartatlas.store import open_store

SPEC = re.compile(r'<script type="application/json" id="spec-[^"]+">(.*?)</script>', re.S)


def _timeline_points(html: str) -> list[dict]:
    specs = [json.loads(text) for text in SPEC.findall(html)]
    (timeline,) = [s for s in specs if s.get("mark", {}).get("type") == "point"]
    return timeline["data"]["values"]


@pytest.mark.parametrize("pair", [("DE", "US"), ("JP", "CN")])
def test_one_marker_per_product_country_and_day_names_every_indication(
    evidence_store, evidence_client, pair
):
    with open_store(evidence_store, read_only=True) as store:
        dated = approvals_frame(store, list(pair)).dropna(subset=["date"])
    days = dated.assign(day=dated["date"].dt.strftime("%Y-%m-%d"))
    expected: dict[tuple[str, str, str], set[str]] = {}
    for row in days.itertuples():
        expected.setdefault((row.product_id, row.country, row.day), set()).add(row.indication)
    assert any(len(indications) > 1 for indications in expected.values())  # the case exists

    page = evidence_client.get("/q/approvals", params={"a": pair[0], "b": pair[1]})
    points = _timeline_points(page.text)
    drawn = {(p["product_id"], p["country"], p["day"]): p for p in points}
    assert len(drawn) == len(points)  # no two markers on one spot
    assert set(drawn) == set(expected)
    for key, indications in expected.items():
        assert set(drawn[key]["indication"].split("; ")) == indications
