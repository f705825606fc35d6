"""The outlook's shares and the types' leading targets, recomputed with SQL over the stored
classifier labels and registry rows (not with the code under test), agree on every surface: the
report section, the dashboard page, the JSON API and the CLI.

Before: the outlook answer gave bare shares ("IL: autoimmune 60%") with neither the number of
trials behind them (5) nor an interval, listed countries alphabetically instead of as asked, and
the types answer said "IN: no data (no registered CAR trial with a site in IN names a target)"
for a country whose one trial names EGFRvIII (leaders were picked from the 15 most frequent
targets overall)."""

from __future__ import annotations

import csv
import html
import io
import json

import duckdb
import pytest
from scipy.stats import beta
from typer.testing import CliRunner

from cartatlas.cli import app
from cartatlas.report.context import ReportContext
from cartatlas.report.sections import registry_views
from cartatlas.store import open_store

PAIR = ["IL", "US"]
KINDS = {"allogeneic": "allogeneic", "solid": "solid tumour", "autoimmune": "autoimmune"}

LABELLED = """
    WITH car AS (
        SELECT l.nct_id, l.targets, l.cell_source, l.disease_area, l.in_vivo,
               TRY_CAST(substr(s.start_date, 1, 4) AS INTEGER) AS year,
               unnest(string_split(l.countries, '|')) AS country
        FROM trial_labels l JOIN reg_study s ON s.trial_id = l.nct_id
        WHERE l.is_car AND l.countries <> ''
    )
"""


def _clopper_pearson(k: int, n: int) -> tuple[float, float]:
    low = 0.0 if k == 0 else beta.ppf(0.025, k, n - k + 1)
    high = 1.0 if k == n else beta.ppf(0.975, k + 1, n - k)
    return 100 * low, 100 * high


@pytest.fixture(scope="module")
def last_full_year(full_store) -> int:
    with duckdb.connect(full_store, read_only=True) as con:
        snapshot = con.execute("SELECT max(snapshot_date) FROM reg_run").fetchone()[0]
    return int(str(snapshot)[:4]) - 1


def _kinds_started(full_store, year: int, countries: list[str]) -> dict[str, dict[str, int]]:
    """Per country: trials started in ``year``, and how many are of each kind."""
    query = (
        LABELLED
        + """
        SELECT country, count(DISTINCT nct_id) AS n,
          count(DISTINCT nct_id) FILTER (WHERE cell_source LIKE '%allogeneic%') AS allogeneic,
          count(DISTINCT nct_id) FILTER (WHERE disease_area LIKE '%solid:%') AS solid,
          count(DISTINCT nct_id) FILTER (WHERE disease_area LIKE '%autoimmune:%') AS autoimmune,
          count(DISTINCT nct_id) FILTER (WHERE in_vivo) AS in_vivo,
          count(DISTINCT nct_id) FILTER (WHERE cell_source = 'unknown') AS unstated
        FROM car WHERE year = ? AND list_contains(?, country) GROUP BY country
    """
    )
    with duckdb.connect(full_store, read_only=True) as con:
        rows = con.execute(query, [year, countries]).fetchall()
    columns = ["n", "allogeneic", "solid", "autoimmune", "in_vivo", "unstated"]
    return {r[0]: dict(zip(columns, r[1:], strict=True)) for r in rows}


@pytest.fixture(scope="module")
def expected_outlook(full_store, last_full_year) -> dict[str, dict[str, int]]:
    return _kinds_started(full_store, last_full_year, PAIR)


def _fragments(country: str, counts: dict[str, int]) -> list[str]:
    """What the answer must say of ``country``: the denominator, each kind as count (share,
    exact CI), and the allogeneic count among the trials that state a cell source."""
    n, unstated = counts["n"], counts["unstated"]
    parts = [f"{country} ({n} trials, cell source not stated in {unstated}):"]
    for column, label in {**KINDS, "in_vivo": "in vivo"}.items():
        k = counts[column]
        low, high = _clopper_pearson(k, n)
        said = f"{label} {k} ({k / n:.0%}, {low:.0f}–{high:.0f}%"
        if column == "allogeneic" and 0 < unstated < n:
            low, high = _clopper_pearson(k, n - unstated)
            said += f"; {k} of the {n - unstated} stating a cell source, {k / (n - unstated):.0%}"
            said += f", {low:.0f}–{high:.0f}%"
        parts.append(said + ")")
    return parts


def test_cn_us_allogeneic_share_among_trials_stating_a_source_on_report_and_dashboard(
    full_store, client, last_full_year
):
    """China states a cell source far less often than the US, so its allogeneic share of all
    trials is lower while its share of the trials stating one is higher: both must be shown."""
    counts = _kinds_started(full_store, last_full_year, ["CN", "US"])
    share = {c: v["allogeneic"] / v["n"] for c, v in counts.items()}
    stated = {c: v["allogeneic"] / (v["n"] - v["unstated"]) for c, v in counts.items()}
    assert (share["CN"] < share["US"]) != (stated["CN"] < stated["US"]), "the case to show"
    with open_store(full_store, read_only=True) as store:
        answer = registry_views.outlook(ReportContext(store, ["CN", "US"])).answer
    pages = [
        " ".join(html.unescape(client.get(p, params={"a": "CN", "b": "US"}).text).split())
        for p in ("/q/outlook", "/")
    ]
    for country in ("CN", "US"):
        for fragment in _fragments(country, counts[country]):
            assert fragment in answer, (fragment, answer)
            for page in pages:
                assert fragment in page, fragment


def test_cn_us_trials_stating_a_source_and_the_share_among_them_on_api_and_cli(
    full_store, client, last_full_year
):
    """The API and the CLI give, beside the allogeneic share of all trials, the trials stating a
    cell source and the allogeneic share among them with its exact CI: a reader of the bare
    share (CN 2025: 22%, US 29%) would otherwise take China's lower share at face value."""
    counts = _kinds_started(full_store, last_full_year, ["CN", "US"])
    api = client.get("/api/landscape/shares", params={"countries": ["CN", "US"]}).json()["items"]
    cli = {}
    for fmt in ("csv", "json"):
        result = CliRunner().invoke(
            app,
            ["--db", full_store, "landscape", "--countries", "CN", "US", "--shares"]
            + ["--format", fmt],
        )
        assert result.exit_code == 0, result.output
        cli[fmt] = result.stdout
    csv_rows = list(csv.DictReader(io.StringIO(cli["csv"])))
    json_rows = json.loads(cli["json"])
    for country, c in counts.items():
        stating = c["n"] - c["unstated"]
        low, high = _clopper_pearson(c["allogeneic"], stating)
        expected = {
            "trials": c["n"],
            "stating_source": stating,
            "allogeneic_of_stating": round(c["allogeneic"] / stating, 4),
            "allogeneic_of_stating_low": round(low / 100, 4),
            "allogeneic_of_stating_high": round(high / 100, 4),
        }
        assert c["unstated"] > 0, "the case to show: some trials state no cell source"
        for rows in (api, json_rows, csv_rows):
            row = next(
                r
                for r in rows
                if r["country"] == country
                and r["start_year"] not in (None, "")
                and float(r["start_year"]) == last_full_year
            )
            for column, value in expected.items():
                assert float(row[column]) == pytest.approx(value, abs=1e-9), (country, column)


def test_outlook_gives_counts_denominators_and_intervals_on_every_surface(
    full_store, client, expected_outlook, last_full_year
):
    assert set(expected_outlook) == set(PAIR)
    with open_store(full_store, read_only=True) as store:
        answer = registry_views.outlook(ReportContext(store, PAIR)).answer
    page = html.unescape(client.get("/q/outlook", params={"a": "IL", "b": "US"}).text)
    for country in PAIR:
        for fragment in _fragments(country, expected_outlook[country]):
            assert fragment in answer, (fragment, answer)
            assert fragment in page, fragment
    # Countries in the order asked, not alphabetically.
    assert answer.index("IL (") < answer.index("US (")

    api = client.get("/api/landscape/shares", params={"countries": PAIR}).json()["items"]
    cli = CliRunner().invoke(
        app, ["--db", full_store, "landscape", "--countries", *PAIR, "--shares", "--format", "csv"]
    )
    assert cli.exit_code == 0, cli.output
    cli_rows = list(csv.DictReader(io.StringIO(cli.stdout)))
    for country, counts in expected_outlook.items():
        row = next(r for r in api if r["country"] == country and r["start_year"] == last_full_year)
        assert row["trials"] == counts["n"]
        for column in (*KINDS, "in_vivo"):
            assert round(row[column] * counts["n"]) == counts[column], (country, column)
        line = next(
            r
            for r in cli_rows
            if r["country"] == country
            and r["start_year"]
            and float(r["start_year"]) == last_full_year
        )
        assert int(line["trials"]) == counts["n"]
        assert round(float(line["autoimmune"]) * counts["n"]) == counts["autoimmune"]


def test_types_names_each_countrys_own_leading_targets_on_report_and_page(full_store, client):
    countries = ["IN", "CN"]
    query = (
        LABELLED
        + """
        , per AS (
            SELECT country, unnest(string_split(targets, '|')) AS target, nct_id FROM car
            WHERE targets <> ''
        )
        SELECT country, target, count(DISTINCT nct_id) AS n FROM per
        WHERE country IN ('IN', 'CN') GROUP BY ALL ORDER BY country, n DESC, target
    """
    )
    with duckdb.connect(full_store, read_only=True) as con:
        rows = con.execute(query).fetchall()
    leaders = {c: ", ".join([t for country, t, _ in rows if country == c][:4]) for c in countries}
    assert leaders["IN"], "the shared snapshot holds one CAR trial with a site in India"
    with open_store(full_store, read_only=True) as store:
        section = registry_views.types(ReportContext(store, countries))
    page = html.unescape(client.get("/q/types", params={"a": "IN", "b": "CN"}).text)
    overview = html.unescape(client.get("/", params={"a": "IN", "b": "CN"}).text)
    with duckdb.connect(full_store, read_only=True) as con:
        totals = dict(
            con.execute(
                LABELLED + "SELECT country, count(DISTINCT nct_id) FROM car GROUP BY country"
            ).fetchall()
        )
    assert totals["IN"] == 1  # India's "EGFRvIII" rests on one trial: the answer says so
    for country, names in leaders.items():
        n = totals[country]
        said = f"{country} ({n} trial{'' if n == 1 else 's'}): {names}"
        assert said in section.answer, (said, section.answer)
        assert said in page and said in overview
    assert "no data" not in section.answer
    # India's 0s are ClinicalTrials.gov's: its CTRI register was not loaded
    assert any("IN: CTRI" in c for c in section.caveats) and "IN: CTRI" in page
    # India keeps its column in the top-targets table (true zeros), beside China's.
    figure = section.blocks[0]
    assert figure.data.columns == ["target", "IN", "CN"]
    # The figure draws shares (countries of 1 and 1334 trials side by side), in the table's
    # order; the table and the dashboard's chart give CN's CD19 count and share.
    with duckdb.connect(full_store, read_only=True) as con:
        cn_total = con.execute(
            LABELLED + "SELECT count(DISTINCT nct_id) FROM car WHERE country = 'CN'"
        ).fetchone()[0]
    cd19 = next(n for country, t, n in rows if country == "CN" and t == "CD19")
    assert (
        next(r for r in figure.data.rows if r[0] == "CD19")[2] == f"{cd19} ({cd19 / cn_total:.0%})"
    )
    assert "share of the country" in figure.svg
    spec = f'"country": "CN", "share": {round(cd19 / cn_total, 4)}, "targets": "CD19"'
    assert spec in page and f'"trials": {cd19}' in page
