"""Health Canada approvals that rested on reprints now cite Health Canada's own decision pages.

Issue #14 item 1: Abecma (NOC/c), Carvykti (NOC/c) and Yescarta (third line) in Canada were
cited only by a patient group's, a stock site's or a database's copy of the company release.
Each now has a row citing the Regulatory Decision Summary on dhpp.hpfb-dgpsa.ca. Recomputed
here from approvals.csv with the csv module (not with the code under test): the approval is
listed by `products --country CA` with that regulator page as its source and the date the raw
rows give (Yescarta: the Gilead Canada release's day; the other two print none), and
`/api/approvals?country=CA` returns the regulator row with its kind and quote.
"""

from __future__ import annotations

import csv
import io
from urllib.parse import urlparse

import pytest
from typer.testing import CliRunner

from cartatlas.cli import app
from cartatlas.evidence.reading import BUNDLED_DIR

runner = CliRunner()
HEALTH_CANADA = "dhpp.hpfb-dgpsa.ca"
RESOURCED = [
    ("idecabtagene-vicleucel", "MM", "4L+"),
    ("ciltacabtagene-autoleucel", "MM", "4L+"),
    ("axicabtagene-ciloleucel", "LBCL", "3L+"),
]


def _rows(key: tuple[str, str, str]) -> list[dict]:
    with (BUNDLED_DIR / "approvals.csv").open(encoding="utf-8", newline="") as handle:
        return [
            r
            for r in csv.DictReader(handle)
            if r["agency"] == "HC"
            and (r["product_id"], r["indication"], r["line_of_therapy"]) == key
        ]


def _regulator_row(key: tuple[str, str, str]) -> dict:
    (row,) = [r for r in _rows(key) if r["source_kind"] == "regulator"]
    assert urlparse(row["source_url"]).hostname == HEALTH_CANADA
    assert not row["retrieved_from"]  # the quote was read on Health Canada's page itself
    return row


def _expected_date(key: tuple[str, str, str]) -> str:
    """The day any row of the approval prints (none for the two NOC/c approvals)."""
    dates = {r["approval_date"] for r in _rows(key) if r["approval_date"]}
    assert len(dates) <= 1, dates
    return dates.pop() if dates else ""


@pytest.mark.parametrize("key", RESOURCED)
def test_the_cli_lists_the_approval_with_health_canadas_page(evidence_store, key):
    regulator = _regulator_row(key)
    result = runner.invoke(
        app, ["--db", evidence_store, "products", "--country", "CA", "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    listed = [
        r
        for r in csv.DictReader(io.StringIO(result.stdout))
        if (r["product"], r["indication"], r["line"]) == key
    ]
    assert len(listed) == 1
    printed = listed[0]
    assert printed["source_url"] == regulator["source_url"]
    assert printed["date"] == _expected_date(key)


@pytest.mark.parametrize("key", RESOURCED)
def test_the_api_returns_the_regulator_row_with_its_quote(evidence_client, key):
    regulator = _regulator_row(key)
    found = evidence_client.get(
        "/api/approvals", params={"country": "CA", "product": key[0], "indication": key[1]}
    ).json()
    (item,) = [i for i in found["items"] if i["source_url"] == regulator["source_url"]]
    assert (item["source_kind"], item["line_of_therapy"]) == ("regulator", key[2])
    assert item["source_quote"] == regulator["source_quote"]
