"""Counting rules of the landscape, on a hand-built frame and on the real snapshot."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from cartatlas.analyses.landscape.counts import ALL, count, yearly_shares
from cartatlas.cli import app
from cartatlas.store import derived, open_store

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
                "cell_source": ["unknown"],
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
                "cell_source": ["allogeneic"],
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
                "cell_source": ["in vivo"],
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


def test_allogeneic_share_among_trials_stating_a_cell_source():
    """CN 2020: A states no cell source, B is allogeneic, so 1 of 2 trials but 1 of the 1
    stating a source; US 2020 (A only) states none, so that share is missing, not 0."""
    shares = yearly_shares(frame(), ["CN", "US"]).set_index(["country", "start_year"])
    assert shares.loc[("CN", 2020), "stating_source"] == 1
    assert shares.loc[("CN", 2020), "allogeneic_of_stating"] == 1.0
    assert shares.loc[("CN", 2020), "allogeneic_of_stating_low"] == 0.025  # (1/40)^(1/1)
    assert shares.loc[("CN", 2020), "allogeneic_of_stating_high"] == 1.0
    assert shares.loc[("US", 2020), "stating_source"] == 0
    assert pd.isna(shares.loc[("US", 2020), "allogeneic_of_stating"])


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


def test_a_printed_table_is_kept_and_read_back_without_pandas(full_store, tmp_path):
    """Asked again on the same data, the landscape prints the same table from the store,
    without loading pandas or the classification rules (a new data version counts again)."""
    db = str(tmp_path / "store.duckdb")
    shutil.copy(full_store, db)
    args = ["--db", db, "landscape", "--countries", "CN", "US", "--by", "year,phase"]
    first = CliRunner().invoke(app, [*args, "--format", "csv"])
    assert first.exit_code == 0, first.output
    again = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "cartatlas", *args, "--format", "csv"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert again.stdout == first.stdout
    loaded = {line.rsplit("|", 1)[-1].strip() for line in again.stderr.splitlines()}
    assert not loaded & {"pandas", "cartatlas.classify.labels"}
    with open_store(db, read_only=True) as store:  # kept under the current data version
        assert derived.load(store, "landscape:year,phase:CN,US:False:False") is not derived.MISSING


def test_an_import_keeps_the_year_table_that_any_countries_read(full_store, tmp_path):
    """The first `landscape --countries …` after an import reads its rows from the every-country
    by-year table the import kept (no pandas), and they equal a count made from the stored
    labels here, with the same counting rules, for two and for three countries."""
    from cartatlas.analyses.landscape.cli import _ALL
    from cartatlas.analyses.landscape.data import stored_trial_frame

    assert _ALL == ALL
    db = str(tmp_path / "store.duckdb")
    shutil.copy(full_store, db)
    with open_store(db, read_only=True) as store:
        assert derived.load(store, "landscape:year:*:False:False") is not derived.MISSING
        frame = stored_trial_frame(store)
    frame = frame[frame["is_car"]]
    for codes in (["CN", "US"], ["DE", "JP", "IN"]):
        run = subprocess.run(
            [
                sys.executable,
                "-X",
                "importtime",
                "-m",
                "cartatlas",
                "--db",
                db,
                "landscape",
                "--countries",
                *codes,
                "--format",
                "csv",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        loaded = {line.rsplit("|", 1)[-1].strip() for line in run.stderr.splitlines()}
        assert "pandas" not in loaded
        printed = list(csv.DictReader(io.StringIO(run.stdout)))
        expected = count(frame, ["year"], codes)
        assert [r["country"] for r in printed] == list(expected["country"])
        assert [int(r["trials"]) for r in printed] == list(expected["trials"])
        assert [float(r["share"]) for r in printed] == pytest.approx(list(expected["share"]))
