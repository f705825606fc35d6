"""Pooling by country on the bundled evidence, checked against a direct call of the library."""

from __future__ import annotations

import json

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
    assert set(pooling.summaries) == {"CN", "US"}
    for country, summary in pooling.summaries.items():
        part = pooling.rows[pooling.rows["country"] == country]
        direct = meta_proportions(part["events"], part["n"], method="GLMM")
        assert summary.k == len(part)
        assert summary.logit == pytest.approx(direct.estimate, rel=1e-8)
        rates = part["events"] / part["n"]
        assert rates.min() <= summary.estimate <= rates.max()
    assert pooling.comparison.p == pooling.result.subgroups.q_between_p
    assert 0 <= pooling.comparison.p <= 1


def test_a_country_without_studies_is_reported_missing(evidence_store):
    with open_store(evidence_store, read_only=True) as store:
        pooling = pool_by_country(store, "FL", "CR", ["CN", "US"])
    assert pooling.missing == ["CN"]
    assert list(pooling.summaries) == ["US"]


def _meta(store: str, indication: str, endpoint: str, *options: str):
    """`cartatlas meta` on the evidence store, through the CLI runner."""
    return CliRunner().invoke(
        app,
        ["--db", store, "meta", "--indication", indication, "--endpoint", endpoint, *options],
    )


def test_meta_command_prints_pools_test_and_studies(evidence_store):
    result = _meta(evidence_store, "LBCL", "CR", "--by", "country")
    assert result.exit_code == 0, result.output
    assert "Test for a difference between countries" in result.output
    assert "Studies pooled" in result.output
    assert "ZUMA-1" not in result.output  # multinational: not pooled by country


def test_meta_adjusted_for_line_and_real_world(evidence_store):
    result = _meta(evidence_store, "MM", "ORR", "--adjust", "line,real_world")
    assert result.exit_code == 0, result.output
    assert "real_world" in result.output


def test_meta_adjusted_where_the_intercept_only_model_does_not_converge(evidence_store):
    """LBCL CR adjusted for line and real-world setting (2026-12-07 evidence): the regression
    converges but the intercept-only model behind R^2 does not; like metafor, R^2 is NA and the
    coefficients are printed (it had ended in an 'unexpected' ConvergenceError). The stats
    parity case metareg_r2_na pins the numbers."""
    result = _meta(evidence_store, "LBCL", "CR", "--adjust", "line,real_world")
    assert result.exit_code == 0, result.output
    assert "country[US]" in result.output
    assert "unexpected" not in result.output


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


def test_one_study_per_country_is_shown_with_its_exact_ci_and_fisher_test(evidence_store):
    """MCL ORR: RELMA-CEL-MCL (CN) and TRANSCEND-NHL-001-MCL (US), one study each, used to be
    "no data" because no model could be fitted. (MCL CR has no US row since the TRANSCEND
    label CR, read only on a development host, went back to "no data".)"""
    from scipy.stats import beta, fisher_exact

    with open_store(evidence_store, read_only=True) as store:
        pooling = pool_by_country(store, "MCL", "ORR", ["CN", "US"])
    assert set(pooling.summaries) == {"CN", "US"} and not pooling.missing
    for country, s in pooling.summaries.items():
        row = pooling.rows[pooling.rows["country"] == country].iloc[0]
        x, n = int(row["events"]), int(row["n"])
        assert (s.k, s.estimate) == (1, x / n)
        assert s.ci_low == pytest.approx(beta.ppf(0.025, x, n - x + 1), abs=1e-9)
        assert s.ci_high == pytest.approx(beta.ppf(0.975, x + 1, n - x), abs=1e-9)
        assert s.pi_low is None
    table = [[42, 59 - 42], [58, 68 - 58]]
    assert pooling.comparison.test.startswith("Fisher's exact test")
    assert pooling.comparison.p == pytest.approx(fisher_exact(table)[1], rel=1e-12)


def test_meta_prints_both_countries_when_each_has_one_study(evidence_store):
    result = CliRunner().invoke(
        app, ["--db", evidence_store, "meta", "--indication", "MCL", "--endpoint", "ORR"]
    )
    assert result.exit_code == 0, result.output
    assert "no data" not in result.output
    assert "71.2" in result.output and "85.3" in result.output
    assert "Fisher's exact test" in result.output
    as_json = CliRunner().invoke(
        app,
        ["--db", evidence_store, "meta", "--indication", "MCL", "--endpoint", "ORR"]
        + ["--format", "json"],
    )
    document = json.loads(as_json.output)
    assert [(p["country"], p["k"], p["patients"]) for p in document["pooled"]] == [
        ("CN", 1, 59),
        ("US", 1, 68),
    ]
    assert [(s["study_id"], s["events"], s["n"]) for s in document["studies"]] == [
        ("RELMA-CEL-MCL", 42, 59),
        ("TRANSCEND-NHL-001-MCL", 58, 68),
    ]


def test_a_single_study_against_a_pool_is_compared_by_a_wald_test_on_the_logit_scale():
    """Mixed k: the single study enters with its own logit and binomial variance."""
    import math

    from scipy.stats import norm

    from cartatlas.analyses.success_rates import _compare, _exact_summary, _pooled_summary

    pooled = meta_proportions([30, 40, 35], [50, 60, 55], method="REML")
    summaries = {
        "CN": _exact_summary("CN", 20.0, 50.0),
        "US": _pooled_summary("US", pooled, 165, "REML"),
    }
    comparison = _compare(summaries, None, None, "PLO")
    z = (math.log(20 / 30) - pooled.estimate) / math.sqrt(1 / 20 + 1 / 30 + pooled.se**2)
    assert comparison.test.startswith("Wald test on the logit scale")
    assert comparison.p == pytest.approx(2 * norm.sf(abs(z)), rel=1e-10)


def test_safety_is_never_pooled_across_grading_systems(evidence_store):
    """`meta --endpoint CRS_any` used to pool across grading systems silently."""
    with open_store(evidence_store, read_only=True) as store:
        pooling = pool_by_country(store, "MM", "CRS_any", ["CN", "US"])
    assert pooling.comparison is None and not pooling.summaries
    assert "grading" in pooling.refusal and not pooling.missing
    result = CliRunner().invoke(
        app, ["--db", evidence_store, "meta", "--indication", "MM", "--endpoint", "CRS_any"]
    )
    assert result.exit_code == 0 and "not pooled" in result.output
    assert "Grading: safety rates are pooled and compared only within one stated" in (result.output)


def test_forest_pdf_is_written_as_pdf(evidence_store, tmp_path):
    """`--forest f.pdf` reported a PDF but wrote f.png and f.svg."""
    target = tmp_path / "f.pdf"
    result = CliRunner().invoke(
        app, ["--db", evidence_store, "meta", "--indication", "MM", "--forest", str(target)]
    )
    assert result.exit_code == 0, result.output
    assert target.read_bytes()[:5] == b"%PDF-"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.pdf"]
    bad = CliRunner().invoke(
        app, ["--db", evidence_store, "meta", "--indication", "MM", "--forest", "f.jpeg"]
    )
    assert bad.exit_code == 2 and "use one of .svg, .png, .pdf" in bad.output


def test_forest_titles_name_endpoint_indication_and_countries(evidence_store):
    from cartatlas.analyses.figures import forest_title

    with open_store(evidence_store, read_only=True) as store:
        pooling = pool_by_country(store, "B-ALL", "CR", ["CN", "US"])
    title = forest_title(pooling)
    assert "CR/CRi" in title and "B-ALL" in title and "CN vs US" in title
