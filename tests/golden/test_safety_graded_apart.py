"""The grading rule says safety rows graded with another system, or with none stated, are
"listed but not pooled": `cartatlas meta`, the API and the meta-analysis page list them, each
with its grading, events/n and exact 95% CI, recomputed from safety.csv with the csv module.

Before: `cartatlas meta --indication MM --endpoint CRS_3plus` (CN vs US) printed the refusal and
nothing else, the API answered "studies": [], and the page showed no rate: a haematologist asking
for grade ≥3 CRS in myeloma got no number at all, though the rule's own words promise a list."""

from __future__ import annotations

import html
import json

import pytest
from typer.testing import CliRunner

from cartatlas.cli import app
from tests.golden import plain
from tests.golden.test_safety_absence import pooled_rows

CASES = [
    ("MM", "CRS_3plus", ("CN", "US")),  # refused: every row listed
    ("LBCL", "CRS_any", ("CN", "US")),  # refused, CN absent
    ("MM", "CRS_3plus", ("CN",)),  # CN's Lee 2014 row pooled, the others listed
]


def expected(indication: str, endpoint: str, countries: tuple[str, ...]) -> dict:
    """study -> (grading or None, events, n, rate %, (CI low %, CI high %)) of each row the rule
    keeps out: all when no stated system is shared by the countries with rows, else those not
    graded with the shared system that has most rows."""
    rows = {c: pooled_rows(indication, endpoint, c) for c in countries}
    present = [c for c in countries if rows[c]]
    systems = {r["grading"] for c in present for r in rows[c] if r["grading"]}
    shared = [
        (sum(r["grading"] == g for c in present for r in rows[c]), g)
        for g in systems
        if all(any(r["grading"] == g for r in rows[c]) for c in present)
    ]
    system = max(shared)[1] if shared else None
    out = {}
    for c in present:
        for r in rows[c]:
            if r["grading"] != system or system is None:
                events, n = int(r["events"]), int(r["n"])
                low, high = plain.clopper_pearson(events, n)
                out[r["study_id"]] = (
                    r["grading"] or None,
                    events,
                    n,
                    round(100 * events / n, 1),
                    (round(100 * low, 1), round(100 * high, 1)),
                )
    return out


@pytest.mark.parametrize("indication,endpoint,countries", CASES)
def test_rows_kept_out_by_grading_are_listed(
    indication, endpoint, countries, evidence_store, evidence_client
):
    want = expected(indication, endpoint, countries)
    assert want, "each case has rows the rule keeps out"
    cli = CliRunner().invoke(
        app,
        ["--db", evidence_store, "meta", "--indication", indication, "--endpoint", endpoint]
        + ["--countries", *countries, "--format", "json"],
    )
    assert cli.exit_code == 0, cli.output
    listed = json.loads(cli.stdout)["graded_apart"]
    assert {
        r["study_id"]: (r["grading"], r["events"], r["n"], float(r["rate_percent"])) for r in listed
    } == {s: w[:4] for s, w in want.items()}
    for r in listed:
        low, high = want[r["study_id"]][4]
        assert r["ci95_percent"] == f"{low:.1f}–{high:.1f}"
    body = evidence_client.get(
        "/api/meta",
        params={"indication": indication, "endpoint": endpoint, "countries": list(countries)},
    ).json()
    assert {
        r["study_id"]: (
            r["grading"],
            r["events"],
            r["n"],
            r["percent"],
            (r["ci_low"], r["ci_high"]),
        )
        for r in body["graded_apart"]
    } == want
    page = html.unescape(
        evidence_client.get(
            "/meta",
            params={"indication": indication, "endpoint": endpoint, "countries": list(countries)},
        ).text
    )
    table = page[page.index("Listed, not pooled: graded with another system") :]
    table = table[: table.index("</table>")]
    for study, (grading, events, n, rate, (low, high)) in want.items():
        assert f"<td>{study}</td>" in table
        assert f"{events} / {n}" in table and f"{rate}%" in table and f"{low}–{high}%" in table
        assert f"<td>{grading or 'not stated'}</td>" in table
