"""Any pair of countries on the dashboard overview: each country's card gives the number of
approved products (recomputed from approvals.csv) or "no data (reason)", never a false zero."""

from __future__ import annotations

import csv
import re
from html.parser import HTMLParser

import pytest

from tests.golden import plain
from tests.report.test_pairs import BARE_NO_DATA, FALSE_ZERO, PAIRS, expected_products


def _csv_rows(country: str) -> list[dict]:
    """The approvals.csv rows stored under ``country`` (read with the csv module)."""
    from cartatlas.evidence.reading import BUNDLED_DIR

    with (BUNDLED_DIR / "approvals.csv").open(encoding="utf-8", newline="") as handle:
        return [r for r in csv.DictReader(handle) if r["country"] == country]


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.parts))


@pytest.mark.parametrize("pair", PAIRS, ids=["-".join(p) for p in PAIRS])
def test_dashboard_overview_gives_a_number_or_a_reason(client, pair):
    a, b = pair
    response = client.get(f"/?a={a}&b={b}")
    assert response.status_code == 200
    text = _text(response.text)
    assert not BARE_NO_DATA.search(text), BARE_NO_DATA.search(text)
    assert not FALSE_ZERO.search(text), FALSE_ZERO.search(text)
    for country in pair:
        n = expected_products(country)
        cards = response.text.split('<div class="card">')[1:]
        card_html = next(c for c in cards if f"<h2>{country} " in c)
        card = re.search(r"approved CAR-T products (.*?) registered", _text(card_html))
        assert card, card_html
        expected = (
            str(n) if n else f"no data (no approvals recorded for {country} in the evidence base)"
        )
        assert card.group(1).strip() == expected


def test_api_lists_eu_approvals_under_a_member_state_and_explains_an_empty_answer(
    evidence_client,
):
    found = evidence_client.get("/api/approvals", params={"country": "FR"}).json()
    assert found["count"] == len(_csv_rows("EU")) + len(_csv_rows("FR"))
    assert {i["via"] for i in found["items"] if i["agency"] == "EMA"} == {"EU"}
    empty = evidence_client.get("/api/approvals", params={"country": "MX"}).json()
    if not _csv_rows("MX"):
        assert empty["count"] == 0
        assert empty["note"] == "no data (no approvals recorded for MX in the evidence base)"


def test_compare_form_takes_up_to_four_countries(client):
    response = client.get("/?a=CN&b=US&c=IN&d=ES")
    assert response.status_code == 200
    text = _text(response.text)
    assert "CN, US, IN, ES side by side" in text
    for name in ("a", "b", "c", "d"):
        assert f'name="{name}"' in response.text
    assert client.get("/?a=CN&b=US&c=&d=").status_code == 200  # empty optional boxes
    assert client.get("/?a=CN&b=US&c=CN").status_code == 422  # a country twice
    assert "?a=CN&amp;b=US&amp;c=IN&amp;d=ES" in response.text  # links keep all four


def _csv(name: str) -> list[dict]:
    from cartatlas.evidence.reading import BUNDLED_DIR

    with (BUNDLED_DIR / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_prices_in_usd_for_at_least_six_countries_besides_cn_and_us(client):
    """USD = amount ÷ the same year's rate (first source by URL), recomputed from the CSVs."""
    rates: dict[tuple[str, int], float] = {}
    for row in sorted(_csv("exchange_rates"), key=lambda r: r["source_url"]):
        rates.setdefault((row["currency"], int(row["year"])), plain.per_usd(row))
    expected: dict[str, list[float]] = {}
    for row in _csv("prices"):
        if row["country"] in ("CN", "US") or not row["year"]:
            continue
        key = (row["currency"], int(row["year"]))
        rate = 1.0 if row["currency"] == "USD" else rates.get(key)
        if rate is not None:
            expected.setdefault(row["country"], []).append(float(row["amount"]) / rate)
    assert len(expected) >= 6, sorted(expected)
    for country, values in expected.items():
        items = client.get("/api/prices", params={"country": country}).json()["items"]
        served = sorted(round(i["usd"]) for i in items if i["usd"] is not None)
        for value in values:
            assert round(value) in served, (country, value, served)


def _raw_recruiting(country_name: str) -> int:
    """Trials of the raw ClinicalTrials.gov snapshots (every record, CAR or not) recruiting in a
    country: overall status recruiting or enrolling by invitation and a site there recruiting,
    enrolling by invitation or without a status. Read with gzip and json, not the store."""
    from tests.conftest import snapshot_protocols

    open_now = {"RECRUITING", "ENROLLING_BY_INVITATION"}
    found = set()
    for protocol in snapshot_protocols():
        sites = protocol.get("contactsLocationsModule", {}).get("locations", [])
        here = [s for s in sites if s.get("country") == country_name]
        if protocol["statusModule"]["overallStatus"] in open_now and any(
            s.get("status") in (None, *open_now) for s in here
        ):
            found.add(protocol["identificationModule"]["nctId"])
    return len(found)


def test_a_zero_trial_count_names_the_registers_read(client, full_store):
    """India's card said "recruiting now 0" while the report's cell says "0 (ClinicalTrials.gov
    only; CTRI not loaded)": India's trials are mostly in its own register, so a bare 0 reads
    as none in India. The 0 is recomputed from the raw snapshots (no trial of any kind recruits
    there), and the card and the report's side-by-side cell say the same words."""
    from cartatlas.report.context import ReportContext
    from cartatlas.report.sections import side_by_side
    from cartatlas.store import open_store

    assert _raw_recruiting("India") == 0
    countries = ["CN", "US", "IN", "ES"]
    response = client.get("/?a=CN&b=US&c=IN&d=ES")
    cards = response.text.split('<div class="card">')[1:]
    card = _text(next(c for c in cards if "<h2>IN " in c))
    said = re.search(r"recruiting now \(open to enrolment\) (.*)", card).group(1).strip()
    assert said == "0 (ClinicalTrials.gov only; CTRI not loaded)"
    with open_store(full_store, read_only=True) as store:
        table = side_by_side.build(ReportContext(store, countries)).blocks[0]
    cell = next(row for row in table.rows if row[0] == "recruiting there now")[3]
    assert cell.startswith(said)
