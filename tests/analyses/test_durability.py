"""Durability and randomized comparisons, recomputed from the raw CSV rows by a separate route.

The pooled hazard ratio is recomputed here with the REML likelihood maximised by scipy and the
Knapp-Hartung interval written out by hand (not cartatlas.stats), and compared with what the
analysis and the CLI print.
"""

from __future__ import annotations

import csv
import math
import re

import numpy as np
import pandas as pd
import pytest
from scipy import optimize, stats
from typer.testing import CliRunner

from cartatlas.analyses.durability import (
    comparisons_frame,
    left_out_later_analyses,
    median_text,
    pooled_hazard_ratios,
)
from cartatlas.cli import app
from cartatlas.evidence.reading import BUNDLED_DIR
from cartatlas.store import open_store
from tests.golden.plain import hazard_trials as _raw_trials


def _csv(name: str) -> list[dict[str, str]]:
    with (BUNDLED_DIR / f"{name}.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _reml_knapp_hartung(y: np.ndarray, v: np.ndarray) -> tuple[float, float, float]:
    """Pooled mean and 95% CI: REML tau^2 by direct maximisation, Knapp-Hartung t interval
    with its variance factor (the weighted residual mean square) not below 1."""

    def negative_restricted_loglik(tau2: float) -> float:
        w = 1 / (v + tau2)
        mu = np.sum(w * y) / np.sum(w)
        return 0.5 * (np.sum(np.log(v + tau2)) + np.log(np.sum(w)) + np.sum(w * (y - mu) ** 2))

    tau2 = optimize.minimize_scalar(
        negative_restricted_loglik, bounds=(0, 50), method="bounded", options={"xatol": 1e-12}
    ).x
    if negative_restricted_loglik(0.0) <= negative_restricted_loglik(tau2):
        tau2 = 0.0
    w = 1 / (v + tau2)
    mu = np.sum(w * y) / np.sum(w)
    k = y.size
    se = math.sqrt(max(1.0, np.sum(w * (y - mu) ** 2) / (k - 1)) / np.sum(w))
    crit = stats.t.ppf(0.975, k - 1)
    return mu, mu - crit * se, mu + crit * se


@pytest.fixture(scope="module")
def comparisons(evidence_store):
    with open_store(evidence_store, read_only=True) as store:
        return comparisons_frame(store)


def test_the_latest_analysis_is_pooled_even_when_only_a_news_page_gives_it(comparisons):
    """CARTITUDE-4's later OS HR (second interim analysis, read on the ASCO Post, a news page)
    is pooled rather than the primary one, and the pool says both: which analysis it uses,
    that it is still interim (immature), that its source is weak, and what the journal's
    earlier analysis gives."""
    [mm_os] = [
        p for p in pooled_hazard_ratios(comparisons) if (p.indication, p.endpoint) == ("MM", "OS")
    ]
    [raw] = [t for t in _raw_trials("MM", "OS") if t["study_id"] == "CARTITUDE-4"]
    assert mm_os.rows.set_index("study_id").loc["CARTITUDE-4", "hr"] == float(raw["hr"])
    if raw["source_kind"] == "news":
        hr, low, high = (float(raw[c]) for c in ("hr", "ci_low", "ci_high"))
        assert (
            f"CARTITUDE-4 {hr:g} ({low:g}–{high:g}; longer follow up, "
            f"{float(raw['follow_up_months']):g} months"
            f"{', immature' if raw['status'] == 'immature' else ''}; news page ascopost.com, "
            "weak source)"
        ) in mm_os.caveat
        assert "CARTITUDE-4: a journal source gives 0.78 (0.5–1.2) for the primary analysis, " in (
            mm_os.caveat
        )


def _frame(*rows: dict) -> pd.DataFrame:
    base = {
        "indication": "LBCL",
        "endpoint": "OS",
        "product_id": "p",
        "ci_level": 95.0,
        "status": None,
        "follow_up_months": None,
    }
    return pd.DataFrame([{**base, **row} for row in rows])


def _trial(study: str, analysis: str, hr: tuple[float, float, float], kind: str, url: str) -> dict:
    """One comparisons row: ``hr`` is (HR, CI low, CI high)."""
    return dict(
        zip(("hr", "ci_low", "ci_high"), hr, strict=True),
        study_id=study,
        name=study,
        analysis=analysis,
        source_kind=kind,
        source_url=url,
    )


PAPER = "https://doi.org/10.1/x"
OTHER_TRIAL = _trial("B", "primary", (0.8, 0.6, 1.07), "journal", PAPER)


def test_a_later_analysis_on_a_secondary_page_is_named_beside_the_pool_not_pooled():
    frame = _frame(
        _trial("A", "primary", (0.7, 0.5, 0.98), "journal", PAPER),
        _trial("A", "longer_follow_up", (0.6, 0.45, 0.8), "secondary", "https://blog.example/a"),
        OTHER_TRIAL,
    )
    [pool] = pooled_hazard_ratios(frame)
    assert list(pool.rows["hr"]) == [0.7, 0.8]
    said = (
        "a later analysis of A OS (LBCL, longer follow up; secondary page blog.example) reports "
        "HR 0.6 (0.45–0.8); not pooled because a secondary page (aggregator, blog, review table) "
        "never stands behind a headline number"
    )
    assert pool.beside == (said,) and said in pool.caveat
    assert left_out_later_analyses(frame) == [said]


def test_a_journal_row_of_the_same_analysis_is_used_over_a_news_report():
    """When a journal source of a mature analysis is curated beside its news report, the pool
    uses the journal row without any change to the code."""
    news = _trial("A", "longer_follow_up", (0.55, 0.39, 0.79), "news", "https://ascopost.com/a")
    journal = _trial("A", "longer_follow_up", (0.56, 0.4, 0.8), "journal", PAPER)
    [pool] = pooled_hazard_ratios(_frame(news, journal, OTHER_TRIAL))
    assert list(pool.rows["hr"]) == [0.56, 0.8] and "weak source" not in pool.caveat


@pytest.mark.parametrize(
    ("indication", "endpoint"), [("LBCL", "EFS"), ("LBCL", "OS"), ("MM", "PFS"), ("MM", "OS")]
)
def test_pooled_hazard_ratio_matches_an_independent_recomputation(
    comparisons, evidence_store, indication, endpoint
):
    trials = _raw_trials(indication, endpoint)
    assert len(trials) >= 2
    hr = np.array([float(t["hr"]) for t in trials])
    lo = np.array([float(t["ci_low"]) for t in trials])
    hi = np.array([float(t["ci_high"]) for t in trials])
    y = np.log(hr)
    v = ((np.log(hi) - np.log(lo)) / (2 * stats.norm.ppf(0.975))) ** 2
    mu, low, high = _reml_knapp_hartung(y, v)

    [pooled] = [
        p
        for p in pooled_hazard_ratios(comparisons)
        if (p.indication, p.endpoint) == (indication, endpoint)
    ]
    assert sorted(pooled.rows["study_id"]) == sorted(t["study_id"] for t in trials)
    assert pooled.hr == pytest.approx(math.exp(mu), rel=1e-5)
    assert pooled.ci[0] == pytest.approx(math.exp(low), rel=1e-4)
    assert pooled.ci[1] == pytest.approx(math.exp(high), rel=1e-4)

    result = CliRunner().invoke(
        app, ["--db", evidence_store, "durability", "--indication", indication]
    )
    assert result.exit_code == 0, result.output
    line = re.search(
        rf"Pooled HR, {indication} {endpoint} \(.*?\): ([\d.]+) \(95% CI ([\d.]+)–([\d.]+)",
        result.output,
    )
    assert line, result.output
    assert float(line.group(1)) == pytest.approx(math.exp(mu), abs=0.006)
    assert float(line.group(2)) == pytest.approx(math.exp(low), abs=0.006)
    assert float(line.group(3)) == pytest.approx(math.exp(high), abs=0.006)


def test_durability_cli_shows_every_survival_row_of_the_product(evidence_store):
    result = CliRunner().invoke(
        app, ["--db", evidence_store, "durability", "--product", "axi-cel", "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    printed = list(csv.reader(result.output.splitlines()))
    products = {r["study_id"]: r["product_id"] for r in _csv("studies")}
    expected = [r for r in _csv("survival") if products[r["study_id"]] == "axicabtagene-ciloleucel"]
    end = next(i for i, r in enumerate(printed) if i and r and r[0] == "study")
    survival_lines = printed[1:end]  # the hazard-ratio table follows with its own header
    assert len(survival_lines) == len(expected)
    for raw in expected:
        value = "not reached" if raw["not_reached"] == "true" else f"{float(raw['value']):g}"
        assert any(r[0] == raw["study_id"] and r[6].startswith(value) for r in survival_lines), raw


def test_durability_says_why_medians_are_not_pooled(evidence_store):
    result = CliRunner().invoke(
        app, ["--db", evidence_store, "durability", "--product", "Carvykti"]
    )
    assert "Medians are shown per study and not pooled" in result.output


def test_unknown_product_is_a_clear_error(evidence_store):
    result = CliRunner().invoke(app, ["--db", evidence_store, "durability", "--product", "[x]nope"])
    assert result.exit_code == 2
    assert "no product called '[x]nope'" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("row", "text"),
    [
        ({"statistic": "median", "value": 15.6, "ci_low": 12.9, "ci_high": None}, "15.6 (12.9–NE)"),
        ({"statistic": "median", "not_reached": True, "ci_low": 34.5}, "not reached (34.5–NE)"),
        (
            {"statistic": "landmark", "value": 76.4, "ci_low": 70.0, "ci_high": 81.6},
            "76.4% (70–81.6)",
        ),
        ({"statistic": "median", "value": 11.9}, "11.9"),
    ],
)
def test_median_text_says_not_estimable_for_a_missing_upper_bound(row: dict, text: str) -> None:
    """FELIX OS prints "95% CI, 12.9–NE": an empty upper bound must not read as "not reached"."""
    assert median_text(row) == text
