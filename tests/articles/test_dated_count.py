"""A trial count given for a date ("As of Jan. 31, 2024, there were more than 300 CAR T trials
registered in China", BioWorld) is compared with counts of that year only: it was judged
against counts of 2020 and 2021 and the 2026 registry snapshot, none of which can test it
(registrations only grow). The share in range is recomputed here from trial_counts.csv."""

from __future__ import annotations

from tests.articles.surfaces import assert_api_and_page, claims_table, cli_records, rows

PAGE = "As of Jan. 31, 2024, there were more than 300 CAR T trials registered in China.\n"
CLAIMS = """claims:
  - id: cn-2024
    text: "More than 300 CAR T trials registered in China as of Jan. 31, 2024."
    metric: trial_count
    countries: [CN]
    range: [300, null]
    as_of: "2024-01-31"
"""


def _verdict(inside: int, total: int) -> str:
    share = inside / total
    return "supported" if share >= 0.75 else "partly supported" if share >= 0.25 else "contradicted"


def test_a_dated_count_meets_counts_of_its_year_on_every_surface(
    evidence_store, evidence_client, tmp_path
):
    counts = [
        int(r["count"])
        for r in rows("trial_counts.csv")
        if r["country"] == "CN" and r["as_of"][:4] == "2024"
    ]
    inside = sum(c >= 300 for c in counts)
    expected = _verdict(inside, len(counts))
    [record] = cli_records(evidence_store, tmp_path, PAGE)
    assert record["verdict"] == expected
    assert record["evidence"].startswith(f"{inside} of {len(counts)} values in range")
    assert "as of 2020" not in record["evidence"] and "as of 2021" not in record["evidence"]
    assert_api_and_page(evidence_client, PAGE, [expected])
    [table] = claims_table(evidence_store, tmp_path, CLAIMS)
    assert table["evidence"].startswith(f"{inside} of {len(counts)} values in range")


def test_the_later_registry_snapshot_is_left_out(full_store, tmp_path):
    [record] = cli_records(full_store, tmp_path, PAGE)
    assert "registry snapshot (2026) left out" in record["evidence"]
    assert "with a site in CN (registry snapshot)" not in record["evidence"]
