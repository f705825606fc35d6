"""Like for like: the same product in both countries, and multinational trials assigned by
their registry sites beside the main analysis."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from typer.testing import CliRunner

from cartatlas.analyses.like_for_like import assigned_country, same_product, with_multinational
from cartatlas.analyses.success_rates import pool_by_country
from cartatlas.cli import app
from cartatlas.store import open_store


def test_cilta_cel_compares_its_us_and_chinese_trials_from_rows_present(full_store):
    with open_store(full_store, read_only=True) as store:
        found = {
            (c.indication, c.endpoint): c
            for c in same_product(store, "ciltacabtagene-autoleucel", ["US", "CN"])
        }
        rows = store.frame(
            "SELECT s.study_id, o.endpoint, o.events, o.n FROM evidence_outcomes o JOIN "
            "evidence_studies s USING (study_id) "
            "WHERE s.product_id = 'ciltacabtagene-autoleucel'"
        )
    orr = found[("MM", "ORR")].pooling
    assert list(orr.rows.loc[orr.rows["country"] == "CN", "study_id"]) == ["CARTIFAN-1"]
    cn = orr.summaries["CN"]
    cartifan = rows[(rows["study_id"] == "CARTIFAN-1") & (rows["endpoint"] == "ORR")].iloc[0]
    assert cn.estimate == pytest.approx(cartifan["events"] / cartifan["n"])
    assert "CARTITUDE-1" in set(orr.rows["study_id"])
    assert orr.comparison is not None and orr.comparison.test
    # every study used is the product's own and has a row of that endpoint in the store
    for c in found.values():
        assert set(c.pooling.rows["study_id"]) <= set(rows["study_id"])


def test_assignment_needs_half_of_the_registry_sites():
    assert (
        assigned_country(Counter({"US": 23, "NL": 4, "DE": 3, "FR": 3, "CA": 2, "IL": 1})) == "US"
    )
    assert (
        assigned_country(Counter({"US": 18, "JP": 8, "DE": 6, "ES": 4, "IT": 4, "FR": 4})) is None
    )
    assert assigned_country(Counter()) is None


def test_sensitivity_adds_multinational_trials_beside_the_main_analysis(full_store):
    with open_store(full_store, read_only=True) as store:
        main = pool_by_country(store, "LBCL", "CR", ["CN", "US"])
        alt = with_multinational(store, "LBCL", "CR", ["CN", "US"])
    added = set(alt.rows["study_id"]) - set(main.rows["study_id"])
    assert "ZUMA-1" in added
    assert set(alt.rows.loc[alt.rows["study_id"].isin(added), "country_of_conduct"]) == {
        "multinational"
    }


def test_same_product_command(full_store):
    result = CliRunner().invoke(
        app, ["--db", full_store, "same-product", "--product", "cilta-cel", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    cn = next(
        r for r in rows if (r["indication"], r["endpoint"], r["country"]) == ("MM", "ORR", "CN")
    )
    assert cn["studies"] == "CARTIFAN-1" and cn["k"] == 1


@pytest.mark.parametrize(
    "given", [["US,CN"], ["United States", "中国"], ["us", "cn"], ["USA", "China"]]
)
def test_same_product_takes_countries_as_every_command_does(full_store, given):
    """`--countries US,CN` was taken as one country and `China` as "CHINA": both gave a silent
    "no data". Any spelling of the two countries gives the US and CN rows of the default."""
    default = CliRunner().invoke(
        app, ["--db", full_store, "same-product", "--product", "cilta-cel", "--format", "json"]
    )
    result = CliRunner().invoke(
        app,
        ["--db", full_store, "same-product", "--product", "cilta-cel", "--format", "json"]
        + ["--countries", given[0], *given[1:]],
    )
    assert result.exit_code == 0, result.output
    assert sorted(map(str, json.loads(result.stdout))) == sorted(
        map(str, json.loads(default.stdout))
    )


def test_same_product_names_an_unknown_country(full_store):
    result = CliRunner().invoke(
        app, ["--db", full_store, "same-product", "--product", "cilta-cel", "--countries", "Chna"]
    )
    assert result.exit_code == 2
    assert "unknown country 'Chna'; did you mean 'China'" in result.output
