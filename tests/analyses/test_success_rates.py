"""Pooling by country on the bundled evidence, checked against a direct call of the library."""

from __future__ import annotations

import numpy as np
import pytest
from typer.testing import CliRunner

from cartatlas.analyses.success_rates import pool_by_country
from cartatlas.cli import app
from cartatlas.stats import meta_proportions
from cartatlas.store import open_store


def test_country_pools_match_a_direct_glmm_fit(evidence_store):
    with open_store(evidence_store, read_only=True) as store:
        pooling = pool_by_country(store, "MM", "ORR", ["CN", "US"])
    assert pooling.method_note.startswith("binomial-normal GLMM")
    assert set(pooling.by_country) == {"CN", "US"}
    for country, result in pooling.by_country.items():
        part = pooling.rows[pooling.rows["country"] == country]
        direct = meta_proportions(part["events"], part["n"], method="GLMM")
        assert result.k == len(part)
        assert result.estimate == pytest.approx(direct.estimate, rel=1e-8)
        rates = part["events"] / part["n"]
        assert rates.min() <= result.backtransformed().estimate <= rates.max()
    assert 0 <= pooling.result.subgroups.q_between_p <= 1


def test_a_country_without_studies_is_reported_missing(evidence_store):
    with open_store(evidence_store, read_only=True) as store:
        pooling = pool_by_country(store, "FL", "CR", ["CN", "US"])
    assert pooling.missing == ["CN"]
    assert list(pooling.by_country) == ["US"]


def test_meta_command_prints_pools_test_and_studies(evidence_store):
    result = CliRunner().invoke(
        app,
        [
            "--db",
            evidence_store,
            "meta",
            "--indication",
            "LBCL",
            "--endpoint",
            "CR",
            "--by",
            "country",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Test for a difference between countries" in result.output
    assert "Studies pooled" in result.output
    assert "ZUMA-1" not in result.output  # multinational: not pooled by country


def test_meta_adjusted_for_line_and_real_world(evidence_store):
    result = CliRunner().invoke(
        app,
        [
            "--db",
            evidence_store,
            "meta",
            "--indication",
            "MM",
            "--endpoint",
            "ORR",
            "--adjust",
            "line,real_world",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "real_world" in result.output


def test_meta_forest_plot_is_written(evidence_store, tmp_path):
    target = tmp_path / "forest.svg"
    result = CliRunner().invoke(
        app, ["--db", evidence_store, "meta", "--indication", "B-ALL", "--forest", str(target)]
    )
    assert result.exit_code == 0, result.output
    assert target.read_text().lstrip().startswith(("<?xml", "<svg"))


def test_rates_are_proportions_of_n(evidence_store):
    with open_store(evidence_store, read_only=True) as store:
        pooling = pool_by_country(store, "B-ALL", "CR", ["CN", "US"])
    assert np.all(pooling.rows["events"] <= pooling.rows["n"])
