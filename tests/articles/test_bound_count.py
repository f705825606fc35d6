"""A published trial count the source gives as a bound is stored as one: BioWorld's "more than
300 CAR T trials registered in China" (31 Jan 2024) was stored as 300 and read as exactly 300, so
"fewer than 300 trials in 2024" counted it in range and "about 300" counted it as a match. Now
``lower_bound`` marks it, the quote must say so (``kb check``,
tests/evidence/test_durability_checks.py), and the claims checker reads it
as any number above 300: in a range only when all of them are, out of it when none is, left out
(and named) otherwise. Recomputed here from trial_counts.csv by a plain route, on the CLI, the
API, the /article page and a claims file (the report's claims table)."""

from __future__ import annotations

import math

import pytest

from tests.articles.surfaces import assert_api_and_page, claims_table, cli_records, rows


def _counts_2024() -> list[tuple[int, bool]]:
    return [
        (int(r["count"]), r["lower_bound"] == "true")
        for r in rows("trial_counts.csv")
        if r["country"] == "CN" and r["as_of"][:4] == "2024"
    ]


def _expected(low: float, high: float | None) -> tuple[str, int, int, int]:
    """(verdict, in range, counted, left out) for a CN trial count claim dated 2024."""
    inside = counted = unplaced = 0
    top = math.inf if high is None else high
    for count, bound in _counts_2024():
        least, most = (count + 1, math.inf) if bound else (count, count)
        if low <= least and most <= top:
            inside, counted = inside + 1, counted + 1
        elif least > top or most < low:
            counted += 1
        else:
            unplaced += 1
    share = inside / counted
    verdict = (
        "supported" if share >= 0.75 else "partly supported" if share >= 0.25 else "contradicted"
    )
    return verdict, inside, counted, unplaced


def test_the_bioworld_row_is_a_lower_bound():
    [row] = [r for r in rows("trial_counts.csv") if "bioworld.com" in r["source_url"]]
    assert (row["count"], row["lower_bound"]) == ("300", "true")
    assert "more than 300" in row["source_quote"]


CASES = [
    ("As of Jan. 31, 2024, there were more than 300 CAR T trials registered in China.", 300, None),
    ("As of Jan. 31, 2024, there were fewer than 300 CAR T trials registered in China.", 0, 300),
    ("As of Jan. 31, 2024, there were about 300 CAR T trials registered in China.", 270, 330),
]


@pytest.mark.parametrize(("sentence", "low", "high"), CASES)
def test_a_bound_is_never_read_as_the_number_on_every_surface(
    sentence, low, high, evidence_store, evidence_client, tmp_path
):
    verdict, inside, counted, unplaced = _expected(low, high)
    [record] = cli_records(evidence_store, tmp_path, sentence + "\n")
    assert record["range"] == [low, high] and record["verdict"] == verdict
    assert record["evidence"].startswith(f"{inside} of {counted} values in range")
    bioworld = "published count, BioWorld/Cortellis (registries not specified) as of 2024-01-31"
    if unplaced:
        assert f"cannot be placed in the range: {bioworld} more than 300" in record["evidence"]
    else:
        assert f"{bioworld} more than 300" in record["evidence"]
    assert f"{bioworld} 300" not in record["evidence"]
    assert_api_and_page(evidence_client, sentence + "\n", [verdict])
    yaml_text = (
        "claims:\n  - id: c\n    text: CN trials in 2024\n    metric: trial_count\n"
        f"    countries: [CN]\n    range: [{low}, {'null' if high is None else high}]\n"
        '    as_of: "2024-01-31"\n'
    )
    [table] = claims_table(evidence_store, tmp_path, yaml_text)
    assert table["verdict"] == verdict
    assert table["evidence"].startswith(f"{inside} of {counted} values in range")


def test_the_fewer_than_claim_no_longer_counts_the_bound_as_in_range():
    """Read as exactly 300, "more than 300" sat inside "fewer than 300" (0–300)."""
    _, inside, counted, _ = _expected(0, 300)
    exact_inside = sum(c <= 300 for c, _ in _counts_2024())
    assert inside == exact_inside - 1 and counted == len(_counts_2024())
