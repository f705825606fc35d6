"""Dashboard charts name each study in full and say what their axes count: Vega cut forest-plot
labels at 180 px ("Xuzhou2022-CD19BCMA-54MM (…"), and the landmark chart said "months after
treatment" where the PDF says, as the sources count, after infusion or randomization."""

from __future__ import annotations

import pandas as pd

from cartatlas.web import charts


def test_forest_and_hazard_ratio_labels_are_not_cut():
    studies = pd.DataFrame(
        {
            "label": ["Xuzhou2022-CD19BCMA-54MM (MM)"],
            "country": ["CN"],
            "percent": [90.0],
            "ci_low": [80.0],
            "ci_high": [96.0],
        }
    )
    forest = charts.forest(studies, None, ["CN", "US"])
    hrs = charts.hazard_ratios(
        pd.DataFrame(
            {
                "label": ["CT041-ST-01 PFS (gastric)"],
                "kind": ["trial"],
                "hr": [0.37],
                "ci_low": [0.24],
                "ci_high": [0.56],
            }
        )
    )
    for spec in (forest, hrs):
        assert spec["encoding"]["y"]["axis"]["labelLimit"] >= 300


def test_landmark_axis_names_the_time_origin_as_the_pdf_does():
    rows = pd.DataFrame(
        {
            "series": ["ZUMA-3 OS"],
            "months": [36],
            "rate": [46.0],
            "ci_low": [32.0],
            "ci_high": [59.0],
        }
    )
    titles = {layer["encoding"]["x"]["title"] for layer in charts.landmarks(rows)["layer"]}
    assert titles == {"months after infusion or randomization"}


def test_landmark_legend_names_each_series_in_full():
    """Series are named by product and study ("Breyanzi (liso-cel) — TRANSFORM, EFS"): Vega
    cut a legend label at 160 px ("Breyanzi (liso-cel) — TRANSF…")."""
    rows = pd.DataFrame(
        {
            "series": ["Breyanzi (liso-cel) — TRANSFORM, EFS"],
            "months": [36],
            "rate": [46.0],
            "ci_low": [None],
            "ci_high": [None],
        }
    )
    limits = [
        layer["encoding"]["color"]["legend"]["labelLimit"]
        for layer in charts.landmarks(rows)["layer"]
        if "legend" in layer["encoding"]["color"]
    ]
    assert limits and min(limits) >= 300


def test_product_response_labels_say_the_analysis_in_words(client):
    """The product page named a later data cut by its stored code, "longer_follow_up", and a
    browser broke its CIs at the dash."""
    import re

    html, labels = _product_labels(client, "axicabtagene-ciloleucel")
    assert any(" · longer follow up · " in label for label in labels)
    assert not any("_" in label for label in labels)
    assert "longer_follow_up" not in html  # the response table too
    assert re.search(r'<td class="nowrap">\d+(\.\d)?–\d+(\.\d)?%</td>', html)  # CI kept whole


def _product_labels(client, key: str) -> tuple[str, list[str]]:
    """A product page and the study labels of its charts."""
    import json
    import re

    html = client.get(f"/products/{key}").text
    specs = re.findall(
        r'<script type="application/json" id="spec-[^"]*">(.*?)</script>', html, re.S
    )
    labels = [
        row["label"]
        for spec in map(json.loads, specs)
        for row in spec.get("data", {}).get("values", [])
        if "label" in row
    ]
    return html, labels


def test_product_response_labels_name_each_study_s_indication(client):
    """A product's trials span indications (axi-cel: ZUMA-5 in FL beside ZUMA-1 in LBCL); the
    chart's labels did not say which, so FL rates read as LBCL ones."""
    import csv
    from pathlib import Path

    data = Path(charts.__file__).parents[1] / "evidence" / "data" / "studies.csv"
    with data.open(encoding="utf-8") as f:
        indication = {r["study_id"]: r["indication"] for r in csv.DictReader(f)}
    _, labels = _product_labels(client, "axicabtagene-ciloleucel")
    assert labels
    for label in labels:
        study = label.split(" (")[0]
        assert label.startswith(f"{study} ({indication[study]}) · "), label
    assert {indication[label.split(" (")[0]] for label in labels} >= {"FL", "LBCL"}


def test_a_trial_s_few_sites_are_drawn_large_enough_to_find():
    site = {
        "lat": 22.5,
        "lon": 114.1,
        "country_code": "CN",
        "trial_id": "NCT1",
        "facility": "f",
        "city": "Shenzhen",
        "country": "China",
    }
    few = charts.site_map([site], ["CN"], "/world.json", zoom=True)
    many = charts.site_map([site] * 300, ["CN"], "/world.json")
    size = [
        layer["mark"]["size"]
        for spec in (few, many)
        for layer in spec["layer"]
        if isinstance(layer.get("mark"), dict) and layer["mark"].get("type") == "circle"
    ]
    assert size[0] >= 60 and size[1] < size[0]


def test_count_bars_tick_whole_numbers():
    """The claims page's bars count claims per verdict; their axis read 0.5, 1.5, 2.5."""
    verdicts = pd.DataFrame({"verdict": ["supported", "contradicted"], "claims": [9, 1]})
    axis = charts.counts(verdicts, "verdict", "claims", "claims")["encoding"]["x"]["axis"]
    assert axis["tickMinStep"] == 1 and axis["format"] == "d"
