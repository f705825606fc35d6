"""CT041-ST-01 (satri-cel vs physician's choice): each arm's median follow-up per endpoint is read
again from the quoted sentence and must be the row's value on the CSV, the CLI and the API."""

from __future__ import annotations

import re

from typer.testing import CliRunner

from cartatlas.cli import app
from tests.analyses.test_durability import _csv

_SENTENCE = re.compile(
    r"median follow-up times for PFS were ([\d.]+) months in the satri-cel group and ([\d.]+) "
    r"months in the treatment of physician’s choice group; the median follow-up times for OS "
    r"were ([\d.]+) months vs ([\d.]+) months"
)


def _expected() -> dict[tuple[str, str], float]:
    rows = [r for r in _csv("survival") if r["study_id"] == "CT041-ST-01"]
    found = _SENTENCE.search(rows[0]["source_quote"])
    assert found, "the follow-up sentence is missing from the CT041-ST-01 quote"
    pfs_cart, pfs_control, os_cart, os_control = (float(v) for v in found.groups())
    read = {
        ("PFS", "car-t"): pfs_cart,
        ("PFS", "control"): pfs_control,
        ("OS", "car-t"): os_cart,
        ("OS", "control"): os_control,
    }
    for raw in rows:
        assert float(raw["follow_up_months"]) == read[(raw["endpoint"], raw["arm"])], raw
    return read


def test_the_follow_up_reads_the_same_in_the_csv_cli_and_api(evidence_store, evidence_client):
    expected = _expected()
    result = CliRunner().invoke(
        app, ["--db", evidence_store, "durability", "--product", "satri-cel"]
    )
    assert result.exit_code == 0, result.output
    for (endpoint, arm), months in expected.items():
        assert re.search(
            rf"{re.escape(arm)}\s+{endpoint}\s+.*\s{months:g}\s*$", result.output, re.M
        )
    items = evidence_client.get("/api/survival", params={"product": "satri-cel"}).json()["items"]
    shown = {(i["endpoint"], i["arm"]): i["follow_up_months"] for i in items}
    assert shown == expected
