"""The landscape's ``status`` dimension (the overall status as registered) and the recruiting
count of every other surface (overall status recruiting or enrolling by invitation, with an open
site in the country), both recounted from the raw snapshots with gzip + json, are told apart on
the CLI, the API and in docs/landscape.md.

Before: docs/landscape.md gave "status recruiting 512" for China beside the report's "516
recruiting CAR trials", and `landscape --by status` printed RECRUITING 512 with no word that it
is another count (enrolling by invitation left out, a closed Chinese site counted)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from cartatlas.cli import app
from cartatlas.registries.concepts import RECRUITING_DEFINITION
from tests.conftest import snapshot_protocols

DOC = Path(__file__).resolve().parents[2] / "docs" / "landscape.md"
NAMES = {"China": "CN", "United States": "US"}
OPEN = {"RECRUITING", "ENROLLING_BY_INVITATION"}


@pytest.fixture(scope="module")
def counts(full_store) -> dict[str, tuple[int, int]]:
    """country -> (overall status RECRUITING with a site there, recruiting as defined)."""
    with duckdb.connect(full_store, read_only=True) as con:
        car = {r[0] for r in con.execute("SELECT nct_id FROM trial_labels WHERE is_car").fetchall()}
    protocols = {p["identificationModule"]["nctId"]: p for p in snapshot_protocols()}
    overall = dict.fromkeys(NAMES.values(), 0)
    recruiting = dict.fromkeys(NAMES.values(), 0)
    for nct, protocol in protocols.items():
        if nct not in car:
            continue
        status = protocol["statusModule"]["overallStatus"]
        sites = protocol.get("contactsLocationsModule", {}).get("locations", [])
        for name, code in NAMES.items():
            here = [s for s in sites if s.get("country") == name]
            overall[code] += bool(here) and status == "RECRUITING"
            open_here = [s for s in here if s.get("status") in OPEN | {None}]
            recruiting[code] += bool(open_here) and status in OPEN
    return {c: (overall[c], recruiting[c]) for c in NAMES.values()}


def test_status_counts_are_told_apart_from_recruiting(full_store, client, counts):
    (cn_overall, cn_recruiting), (us_overall, us_recruiting) = counts["CN"], counts["US"]
    assert cn_overall != cn_recruiting, "the snapshot holds both kinds of difference"
    body = client.get("/api/landscape", params={"by": "status"}).json()
    shown = {(r["country"], r["status"]): r["trials"] for r in body["items"]}
    assert shown[("CN", "RECRUITING")] == cn_overall and shown[("US", "RECRUITING")] == us_overall
    assert RECRUITING_DEFINITION in body["note"]
    cli = CliRunner().invoke(
        app, ["--db", full_store, "landscape", "--countries", "CN", "US", "--by", "status"]
    )
    assert cli.exit_code == 0, cli.output
    assert "status is each trial's overall status as registered" in cli.stderr
    row = next(line for line in DOC.read_text().splitlines() if line.startswith("| recruiting"))
    assert f"| {cn_recruiting} | {us_recruiting} |" in row
    status = next(line for line in DOC.read_text().splitlines() if line.startswith("| overall"))
    assert f"| {cn_overall} / " in status and f"| {us_overall} / " in status
