"""The meta explorer's forest chart names in its legend only the countries that have a study
in it. Before: asked for B-ALL complete response in ES and US, the legend listed ES, none of
whose B-ALL studies is drawn (CART19-BE-01 reports only MRD-negative CR), beside US, the only
country drawn."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

SPEC = re.compile(r'<script type="application/json" id="spec-[^"]+">(.*?)</script>', re.S)
DATA = Path(__file__).resolve().parents[2] / "src" / "cartatlas" / "evidence" / "data"


def _legends(spec: dict) -> list[list[str]]:
    """The country domain of each coloured layer of a chart spec."""
    return [
        layer["encoding"]["color"]["scale"]["domain"]
        for layer in spec["layer"]
        if "color" in layer["encoding"]
    ]


def _countries_with_study(indication: str) -> set[str]:
    """Countries of conduct of the curated studies of ``indication``, read from the CSV."""
    with (DATA / "studies.csv").open(encoding="utf-8") as handle:
        return {
            row["country_of_conduct"]
            for row in csv.DictReader(handle)
            if row["indication"] == indication
        }


def test_forest_legend_names_only_countries_with_a_study(client):
    assert "ES" in _countries_with_study("B-ALL"), "the case: ES has B-ALL studies"
    for asked in (["ES", "US"], ["CN", "US", "ES"]):
        params = {"indication": "B-ALL", "endpoint": "CR", "countries": asked}
        (spec,) = [json.loads(s) for s in SPEC.findall(client.get("/meta", params=params).text)]
        drawn = {row["country"] for row in spec["data"]["values"]}
        assert "ES" not in drawn and "US" in drawn
        for legend in _legends(spec):
            assert legend == [c for c in asked if c in drawn], (asked, legend)
        # Each country keeps the colour it has when all asked countries are drawn.
        layer = next(layer for layer in spec["layer"] if "color" in layer["encoding"])
        scale = layer["encoding"]["color"]["scale"]
        assert scale["range"][scale["domain"].index("US")] == _palette_colour(asked.index("US"))


def _palette_colour(position: int) -> str:
    from cartatlas.report.figures import PALETTE

    return PALETTE[position % len(PALETTE)]
