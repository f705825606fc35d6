"""A response count derived from a printed percentage must agree with the exact 95 % CI the same
quote prints. TRANSCEND NHL 001's ORR was stored as 187/256 (round(73 % × 256)), but its quote
prints "73% (95% CI, 66.8-78.0)", the Clopper–Pearson interval of 186/256 (187 gives 67.2–78.4).
Here every derived count of outcomes.csv and safety.csv whose quote prints a one-decimal CI is
checked against it, and the corrected count is asserted on the CLI, the API and the dashboard."""

from __future__ import annotations

import csv
import json
import re

from scipy.stats import beta
from typer.testing import CliRunner

from cartatlas.cli import app
from cartatlas.evidence.reading import BUNDLED_DIR


def _exact_ci(k: int, n: int) -> tuple[str, str]:
    """Clopper–Pearson 95 % bounds in percent to one decimal, from the beta quantiles."""
    low = 0.0 if k == 0 else beta.ppf(0.025, k, n - k + 1)
    high = 1.0 if k == n else beta.ppf(0.975, k + 1, n - k)
    return f"{100 * low:.1f}", f"{100 * high:.1f}"


def _derived_rows() -> list[dict]:
    found = []
    for name in ("outcomes.csv", "safety.csv"):
        with (BUNDLED_DIR / name).open(encoding="utf-8", newline="") as handle:
            found += [r for r in csv.DictReader(handle) if r["events_derived"] == "true"]
    return found


def test_a_derived_count_agrees_with_the_ci_its_quote_prints():
    for row in _derived_rows():
        n, k = int(row["n"]), int(row["events"])
        printed = set(re.findall(r"\d+\.\d", row["source_quote"]))
        if set(_exact_ci(k, n)) <= printed:
            continue
        # The stored count's interval is not printed: no neighbouring count's may be either.
        near = [j for j in range(max(0, k - 2), min(n, k + 2) + 1) if j != k]
        assert not [j for j in near if set(_exact_ci(j, n)) <= printed], row["study_id"]


def test_transcend_orr_is_186_of_256_on_every_surface(evidence_store, evidence_client):
    assert _exact_ci(186, 256) == ("66.8", "78.0") and _exact_ci(187, 256) != ("66.8", "78.0")
    result = CliRunner().invoke(
        app, ["--db", evidence_store, "outcomes", "--product", "liso-cel", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    cli = [
        r
        for r in json.loads(result.stdout)
        if r["study"] == "TRANSCEND-NHL-001" and r["endpoint"] == "ORR" and r["n"] == 256
    ]
    assert cli and all(r["events"] == 186 for r in cli)
    api = evidence_client.get(
        "/api/outcomes", params={"study": "TRANSCEND-NHL-001", "endpoint": "ORR"}
    ).json()
    items = api["items"] if isinstance(api, dict) else api
    assert [i["events"] for i in items if i["n"] == 256] == [186]
    page = evidence_client.get("/products/lisocabtagene-maraleucel").text
    assert '<td>186 / 256</td><td>72.7%</td><td class="nowrap">66.8–78.0%</td>' in page
    assert "187 / 256" not in page
