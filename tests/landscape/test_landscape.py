"""Counting rules of the landscape, on a hand-built frame and on the real snapshot."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from cartatlas.analyses.landscape.counts import ALL, count, yearly_shares
from cartatlas.cli import app

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "ctgov"


def frame() -> pd.DataFrame:
    """Three hand-made trials: one in CN and US, one CN-only dual-target, one without sites."""
    return pd.DataFrame(
        [
            {
                "nct_id": "A",
                "start_year": 2020,
                "targets": ["CD19"],
                "countries": ["CN", "US"],
                "disease_area": ["B-ALL"],
                "allogeneic": False,
                "in_vivo": False,
                "phase": "1",
            },
            {
                "nct_id": "B",
                "start_year": 2020,
                "targets": ["CD19", "CD22"],
                "countries": ["CN"],
                "disease_area": ["solid:liver"],
                "allogeneic": True,
                "in_vivo": False,
                "phase": "1",
            },
            {
                "nct_id": "C",
                "start_year": 2021,
                "targets": ["BCMA"],
                "countries": [],
                "disease_area": ["MM"],
                "allogeneic": False,
                "in_vivo": True,
                "phase": "2",
            },
        ]
    ).astype({"start_year": "Int64"})


def test_multi_country_trial_counts_once_per_country_and_once_overall():
    table = count(frame(), ["year"], ["CN", "US"]).set_index(["country", "start_year"])
    assert table.loc[("CN", 2020), "trials"] == 2
    assert table.loc[("US", 2020), "trials"] == 1
    assert table.loc[(ALL, 2020), "trials"] == 2  # A counted once although in two countries
    assert table.loc[(ALL, 2021), "trials"] == 1  # C has no sites: only in "all"
    assert ("CN", 2021) not in table.index


def test_dual_target_counts_under_each_target():
    table = count(frame(), ["target"], ["CN"]).set_index(["country", "targets"])
    assert table.loc[("CN", "CD19"), "trials"] == 2
    assert table.loc[("CN", "CD22"), "trials"] == 1
    assert table.loc[("CN", "CD19"), "share"] == 1.0  # both CN trials target CD19


def test_yearly_shares():
    shares = yearly_shares(frame(), ["CN"]).set_index(["country", "start_year"])
    assert shares.loc[("CN", 2020), "allogeneic"] == 0.5
    assert shares.loc[("CN", 2020), "solid"] == 0.5
    assert shares.loc[(ALL, 2021), "in_vivo"] == 1.0


def test_cli_on_real_snapshot_writes_csv_parquet_and_figure(tmp_path):
    snapshot = DATA / "cart-autoimmune-2026-08-22.jsonl.gz"
    if not snapshot.exists():
        pytest.skip("shared snapshot not found")
    out = tmp_path / "by_year_target.csv"
    result = CliRunner().invoke(
        app,
        [
            "--db",
            str(tmp_path / "x.duckdb"),
            "landscape",
            "--countries",
            "CN",
            "US",
            "--by",
            "year,target",
            "--input",
            str(snapshot),
            "--csv",
            str(out),
            "--parquet",
            str(tmp_path / "t.parquet"),
            "--figure",
            str(tmp_path / "f.png"),
            "--format",
            "csv",
        ],
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {r["country"] for r in rows} == {"CN", "US", ALL}
    cn_cd19 = sum(int(r["trials"]) for r in rows if r["country"] == "CN" and r["targets"] == "CD19")
    assert cn_cd19 > 50  # CD19 CAR-T dominates China's autoimmune trials
    assert out.read_text().startswith("country,start_year,targets,trials,share")
    assert pd.read_parquet(tmp_path / "t.parquet").shape[0] == len(rows)
    assert (tmp_path / "f.png").stat().st_size > 10_000


def test_unknown_dimension_is_refused(tmp_path):
    result = CliRunner().invoke(
        app, ["--db", str(tmp_path / "x.duckdb"), "landscape", "--by", "colour"]
    )
    assert result.exit_code != 0
