"""A trial count without a date speaks of now: it is read against the latest evidence, never
against counts of years that registrations have since outgrown. "China has more than 1,000
registered CAR-T trials" was contradicted by 1 of 6 values — the 2026 registry snapshot (1,334)
in range, the published counts of 2020, 2021 and 2024 out of it. The published counts are read
here from trial_counts.csv; the snapshot's count is the one `cartatlas trials` lists."""

from __future__ import annotations

import csv
import io

from typer.testing import CliRunner

from cartatlas.cli import app
from tests.articles.surfaces import assert_api_and_page, claims_table, cli_records, rows

PAGE = "China has more than 1,000 registered CAR-T trials.\n"
CLAIMS = """claims:
  - id: cn-undated
    text: "China has more than 1,000 registered CAR-T trials."
    metric: trial_count
    countries: [CN]
    range: [1000, null]
"""


def _snapshot_count(store: str, country: str) -> int:
    """CAR trials with a site in ``country``, as `cartatlas trials --country` lists them."""
    result = CliRunner().invoke(
        app, ["--db", store, "trials", "--country", country, "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    return len({r["nct_id"] for r in csv.DictReader(io.StringIO(result.stdout))})


def test_older_counts_would_have_contradicted_it():
    cn = [int(r["count"]) for r in rows("trial_counts.csv") if r["country"] == "CN"]
    assert sum(c > 1000 for c in cn) == 0 and len(cn) >= 4


def test_an_undated_count_meets_the_snapshot_on_every_surface(full_store, tmp_path):
    n = _snapshot_count(full_store, "CN")
    expected = "supported" if n > 1000 else "contradicted"
    [record] = cli_records(full_store, tmp_path, PAGE)
    assert record["verdict"] == expected
    assert record["evidence"].startswith("1 of 1 value in range")
    assert f"(registry snapshot; ChiCTR not loaded) at least {n:,}" in record["evidence"]
    assert "published count" not in record["evidence"].split("; published counts of other")[0]
    [table] = claims_table(full_store, tmp_path, CLAIMS)
    assert table["verdict"] == expected and f"{n:,}" in table["evidence"]


def test_without_a_snapshot_the_latest_published_year_counts(
    evidence_store, evidence_client, tmp_path
):
    cn = [r for r in rows("trial_counts.csv") if r["country"] == "CN"]
    latest = max(r["as_of"][:4] for r in cn)
    exact = [int(r["count"]) for r in cn if r["as_of"].startswith(latest) and not r["lower_bound"]]
    inside = sum(c > 1000 for c in exact)
    share = inside / len(exact)
    expected = (
        "supported" if share >= 0.75 else "partly supported" if share >= 0.25 else "contradicted"
    )
    [record] = cli_records(evidence_store, tmp_path, PAGE)
    assert record["verdict"] == expected
    assert record["evidence"].startswith(f"{inside} of {len(exact)} values in range")
    assert "as of 2020" not in record["evidence"] and "as of 2021" not in record["evidence"]
    assert_api_and_page(evidence_client, PAGE, [expected])


def _raw_sites(country_name: str) -> int:
    """Records of the raw snapshots (CAR or not) with a site in the country: gzip and json."""
    from tests.conftest import snapshot_protocols

    found = set()
    for protocol in snapshot_protocols():
        sites = protocol.get("contactsLocationsModule", {}).get("locations", [])
        if any(s.get("country") == country_name for s in sites):
            found.add(protocol["identificationModule"]["nctId"])
    return len(found)


def test_a_snapshot_count_is_a_floor_where_the_national_register_is_not_loaded(
    full_store, tmp_path
):
    """India's trials are mostly in CTRI, China's in ChiCTR: the snapshot (ClinicalTrials.gov)
    counts the least each has. "About 50 trials in India" was contradicted by the snapshot's
    1; it cannot be placed (no data, with the reason); "fewer than 500 in China" is still
    contradicted, since China has at least the snapshot's count."""
    assert _raw_sites("India") < 45  # every record, CAR or not: below "about 50" (45–55)
    [india] = cli_records(full_store, tmp_path, "India has about 50 CAR-T trials.\n")
    assert india["verdict"] == "no data"
    assert "(registry snapshot; CTRI not loaded) at least" in india["evidence"]
    assert "cannot be placed in the range" in india["evidence"]
    n = _snapshot_count(full_store, "CN")
    assert n > 500
    [china] = cli_records(full_store, tmp_path, "China has fewer than 500 CAR-T trials.\n")
    assert china["verdict"] == "contradicted"
    assert f"ChiCTR not loaded) at least {n:,}" in china["evidence"]
    [table] = claims_table(
        full_store,
        tmp_path,
        "claims:\n  - id: cn-500\n    text: fewer than 500\n    metric: trial_count\n"
        "    countries: [CN]\n    range: [0, 500]\n",
    )
    assert table["verdict"] == "contradicted" and f"at least {n:,}" in table["evidence"]
    [us] = cli_records(full_store, tmp_path, "The US has more than 300 CAR-T trials.\n")
    assert "not loaded" not in us["evidence"]  # ClinicalTrials.gov is the US's own register
