"""A count of one region's centres carries its region wherever it is shown: GB's only count is
NHS England's commissioned centres (7, 2019), which the access headline gave as "GB: 7", the
country's. Recomputed from centres.csv by a plain route and read in the report's access section
(headline and table, as ``cartatlas report`` writes them) and on the dashboard's access page and
overview; the centres have no API or CLI command of their own."""

from __future__ import annotations

import html

import pytest
from typer.testing import CliRunner

from cartatlas.cli import app
from tests.golden import plain


def _regional() -> list[dict[str, str]]:
    return [r for r in plain.rows("centres") if r["region"]]


def test_gb_counts_england_only():
    [row] = [r for r in plain.rows("centres") if r["country"] == "GB"]
    assert (row["count"], row["region"]) == ("7", "England")
    assert "England" in row["source_quote"]


@pytest.fixture(scope="module")
def report_md(evidence_store, tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("gb")
    result = CliRunner().invoke(
        app,
        [
            "--db",
            evidence_store,
            "report",
            "--countries",
            "GB",
            "FR",
            "--format",
            "md",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    [md] = out.glob("*.md")
    return " ".join(md.read_text("utf-8").split())


@pytest.mark.parametrize("row", _regional(), ids=lambda r: r["country"])
def test_the_region_travels_with_the_number(row, report_md, evidence_client):
    said = f"{row['count']} in {row['region']} only"
    headline = f"{row['country']}: {said} ({row['as_of']})"
    assert headline in report_md and f"| {said} |" in report_md
    for path in (f"/q/access?a={row['country']}&b=FR", f"/?a={row['country']}&b=FR"):
        page = " ".join(html.unescape(evidence_client.get(path).text).split())
        assert headline in page, path
        assert f"{row['country']}: {row['count']} (" not in page
