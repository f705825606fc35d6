"""Server-rendered pages: each answers with its key content, every chart carries its spec, data
table and sources, and bad parameters give a readable page."""

from __future__ import annotations

import html
import json
import re

import pytest

from cartatlas.web.questions import QUESTIONS

SPEC = re.compile(r'<script type="application/json" id="spec-[^"]+">(.*?)</script>', re.S)


def _specs(html: str) -> list[dict]:
    return [json.loads(text) for text in SPEC.findall(html)]


def test_overview_compares_the_two_countries(client):
    html = client.get("/", params={"a": "CN", "b": "US"}).text
    assert "CAR-T in China and United States" in html
    for question in QUESTIONS:
        assert f"/q/{question.key}?a=CN&amp;b=US" in html or f"/q/{question.key}?a=CN&b=US" in html
    assert len(_specs(html)) >= 2
    other = client.get("/", params={"a": "de", "b": "US"}).text
    assert "CAR-T in Germany and United States" in other


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.key)
def test_every_question_page(client, question):
    response = client.get(f"/q/{question.key}")
    assert response.status_code == 200
    html = response.text
    assert f"<h1>{question.title}</h1>" in html
    assert 'class="answer"' in html and 'id="references"' in html
    figures = html.count('class="figure"')
    assert figures >= 1, "every question page has at least one chart"
    assert html.count("Data and sources") == figures
    for block in html.split('<details class="figure-data">')[1:]:
        inside = block.split("</details>")[0]
        assert "<table" in inside and 'class="sources"' in inside, "data and sources"
    for spec in _specs(html):
        assert spec["$schema"].endswith("vega-lite/v5.json")
        data = spec.get("data", {}).get("values")
        assert data is None or isinstance(data, list)


def test_success_page_has_an_interactive_forest_per_indication(client):
    html = client.get("/q/success").text
    forests = [
        s
        for s in _specs(html)
        if any("pooled" in str(v) for v in s.get("data", {}).get("values", []))
    ]
    assert len(forests) >= 3  # LBCL, B-ALL, MM pool in both countries


def test_claims_form_checks_a_pasted_document(client):
    document = (
        "claims:\n  - id: a\n    text: More CAR-T products are approved in China.\n"
        "    metric: approved_products\n    countries: [CN, US]\n    compare: greater\n"
    )
    html = client.post("/q/claims", data={"document": document}).text
    assert "More CAR-T products are approved in China." in html
    assert "supported" in html
    bad = client.post("/q/claims", data={"document": "claims: [1]"})
    assert bad.status_code == 422 and "claim 1" in bad.text


def test_products_and_product_page(client):
    html = client.get("/products").text
    assert "axicabtagene-ciloleucel" in html and "Yikaida" in html
    page = client.get("/products/Yescarta").text
    assert "<h1>axicabtagene-ciloleucel</h1>" in page and "Clopper" in page
    assert len(_specs(page)) == 1
    assert client.get("/products/unknown-thing").status_code == 404


def test_trial_finder_filters_and_lists_sites(client):
    html = client.get(
        "/trials",
        params={"condition": "lymphoma", "country": "CN", "recruiting": "true", "searched": "true"},
    ).text
    assert "trials found" in html and "site" in html
    assert "download CSV" in html and len(_specs(html)) == 1
    first = re.search(r'href="[^"]*/trials/(NCT\d+)"', html).group(1)
    trial = client.get(f"/trials/{first}").text
    assert first in trial and "<h2>Sites</h2>" in trial
    assert client.get("/trials/NCT00000000").status_code == 404


def test_first_visit_to_the_finder_shows_recruiting_trials(client):
    html = client.get("/trials").text
    assert 'name="recruiting" value="true" checked' in html


def test_meta_explorer(client):
    html = client.get(
        "/meta", params={"indication": "MM", "endpoint": "ORR", "method": "REML", "knha": "true"}
    ).text
    assert "Knapp–Hartung t inference" in html and "Test for a difference" in html
    assert "/api/meta/forest.svg?" in html and len(_specs(html)) == 1


def test_bad_page_parameters_give_a_readable_page(client):
    response = client.get("/", params={"a": "ZZ"})
    assert response.status_code == 422
    assert "<code>a</code>" in response.text
    same = client.get("/", params={"a": "US", "b": "us"})
    assert same.status_code == 422 and "<code>b</code>" in same.text
    assert client.get("/q/nothing").status_code == 404


def test_pages_without_registry_data_still_answer(evidence_client):
    assert evidence_client.get("/").status_code == 200
    html = evidence_client.get("/q/activity").text
    assert "cartatlas import" in html
    finder = evidence_client.get("/trials")
    assert finder.status_code == 503 and "cartatlas import" in finder.text


def test_static_assets_are_served_locally(client):
    for path in ("vega.min.js", "vega-lite.min.js", "vega-embed.min.js"):
        assert client.get(f"/static/vendor/{path}").status_code == 200
    assert client.get("/static/js/charts.js").status_code == 200
    assert client.get("/assets/world-110m.json").json()["type"] == "Topology"
    html = client.get("/q/access").text
    assert "https://cdn" not in html and "unpkg" not in html


def test_price_chart_draws_each_distinct_price_once_and_never_stacks(client):
    """Every drawn bar is one price: stacking is off, labels are unique (so even a stacked
    renderer would draw one row per bar) and no bar exceeds the largest US-dollar price the API
    gives (stacked duplicates once drew inati-cel 2025 at four times its price)."""
    html = client.get("/q/cost", params={"a": "CN", "b": "US"}).text
    (spec,) = [s for s in _specs(html) if s["encoding"]["x"].get("title") == "US dollars"]
    assert spec["encoding"]["x"]["stack"] is None
    labels = [row["label"] for row in spec["data"]["values"]]
    assert len(labels) == len(set(labels))
    items = [
        item
        for country in ("CN", "US")
        for item in client.get("/api/prices", params={"country": country}).json()["items"]
        if item.get("usd") is not None
    ]
    most = max(item["usd"] for item in items)
    assert max(row["usd"] for row in spec["data"]["values"]) <= round(most)
    inati = [v for v in spec["data"]["values"] if v["label"].startswith("inaticabtagene")]
    assert len(inati) == 1 and inati[0]["usd"] < 150_000  # one price, quoted by four sources
    assert spec["encoding"]["y"]["axis"]["labelLimit"] >= 300


def test_no_bar_chart_on_any_question_page_stacks(client):
    for question in QUESTIONS:
        for spec in _specs(client.get(f"/q/{question.key}").text):
            for part in [spec, *spec.get("layer", [])]:
                mark = part.get("mark")
                if (mark if isinstance(mark, str) else (mark or {}).get("type")) == "bar":
                    assert part["encoding"]["x"].get("stack", "default") is None, question.key


def _found(html: str) -> int:
    return int(re.search(r'<p class="count"><strong>(\d+)</strong>', html).group(1))


def test_trial_finder_country_box_takes_what_the_cli_takes(client):
    """Names, aliases and Chinese names resolve as `cartatlas trials --country` resolves them
    (cartatlas.inputs.country), to the same results as the code."""
    from cartatlas.inputs import country

    def finder(typed: str):
        return client.get("/trials", params={"condition": "lymphoma", "country": typed})

    for typed, code in [
        ("China", "CN"),
        ("中国", "CN"),
        ("cn", "CN"),
        ("USA", "US"),
        ("United States", "US"),
        ("UK", "GB"),
        ("Korea", "KR"),
    ]:
        assert country(typed) == code
        page = finder(typed)
        assert (
            page.status_code == 200
            and f'name="country" list="country-list" value="{code}"' in page.text
        )
        assert _found(page.text) == _found(finder(code).text)
    miss = finder("Chna")
    assert miss.status_code == 422 and "did you mean &#39;China&#39;" in miss.text
    assert _found(finder("").text) >= _found(finder("CN").text)  # an empty box: any country


def test_overview_counts_its_questions_and_points_to_no_table_it_lacks(client):
    html = client.get("/", params={"a": "CN", "b": "US"}).text
    assert f"{len(QUESTIONS)} questions about" in html
    assert html.count('class="answer-card"') == len(QUESTIONS)
    assert "tables below" not in html  # the overview shows answers, not their tables


def test_map_legend_and_timeline_keep_marks_readable(client):
    """Legend symbols at full opacity (the dots' opacity greyed CN's blue) and the earliest
    approvals clear of the y-axis."""
    (timeline,) = [
        s
        for s in _specs(client.get("/q/approvals").text)
        if s.get("mark", {}).get("type") == "point"
    ]
    assert timeline["encoding"]["x"]["scale"]["padding"] > 0
    assert timeline["encoding"]["color"]["legend"]["symbolOpacity"] == 1


@pytest.mark.parametrize(
    ("value", "words"),
    [("", "got nothing"), ("China", "did you mean CN?"), ("Germny", "did you mean DE")],
)
def test_a_bad_country_in_the_compare_form_is_explained_in_plain_words(
    evidence_client, value, words
):
    """``/?a=CN&b=`` answered with pydantic's "String should match pattern '^[A-Za-z]{2}$'";
    the page and the API now say what is expected and the code most likely meant."""
    expected = "expected a two-letter ISO country code such as US, CN, DE"
    page = evidence_client.get("/", params={"a": "CN", "b": value})
    assert page.status_code == 422 and page.headers["content-type"].startswith("text/html")
    text = html.unescape(page.text)
    assert f"<code>b</code>: {expected}" in text and words in text
    assert "String should match" not in text and "Traceback" not in text
    # an empty country filter is "any country" on the API, so a 3-letter code stands in for it
    api = evidence_client.get("/api/approvals", params={"country": value or "CNN"})
    assert api.status_code == 422
    [problem] = [d for d in api.json()["detail"] if d["loc"][1] == "country"]
    assert problem["msg"].startswith(expected)
    assert (words if value else "did you mean CN?") in problem["msg"]
