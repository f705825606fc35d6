"""A lag between two first approvals for different populations is said as such on every surface.

The first US approval of CD19 CAR-T in B-ALL (tisa-cel, 2017) was for children and young adults,
China's first (inati-cel, 2023) for adults; read as one lag it tells the family of an adult
patient they waited six years longer than they did. The pairs are recomputed here from
approvals.csv by the plain route (tests/golden/plain.py) and asserted on the CLI (CSV), the
report section (short answer and lag table) and the dashboard (overview and approvals page).
"""

from __future__ import annotations

import csv
import html
import io

import pytest
from typer.testing import CliRunner

from cartatlas.cli import app
from cartatlas.report.context import ReportContext
from cartatlas.report.sections import approvals as approvals_section
from cartatlas.store import open_store
from tests.golden import plain


def _firsts() -> dict[tuple[str, str, str], dict[str, str]]:
    """(country, target, indication) -> the earliest dated approval row there."""
    targets = {r["product_id"]: r["targets"].split("|") for r in plain.rows("products")}
    first: dict[tuple[str, str, str], dict[str, str]] = {}
    for row in plain.one_per_approval({"CN", "US"}):
        if not row["approval_date"]:
            continue
        for target in targets[row["product_id"]]:
            key = (row["country"], target, row["indication"])
            day = plain.date(row["approval_date"])
            if key not in first or day < plain.date(first[key]["approval_date"]):
                first[key] = row
    return first


FIRSTS = _firsts()
DIFFERING = sorted(
    (target, indication)
    for country, target, indication in FIRSTS
    if country == "US"
    and ("CN", target, indication) in FIRSTS
    and FIRSTS[("US", target, indication)]["population"]
    and FIRSTS[("CN", target, indication)]["population"]
    and FIRSTS[("US", target, indication)]["population"]
    != FIRSTS[("CN", target, indication)]["population"]
)


#: The populations in the words the text prints (tests/report/test_code_words.py).
WORDS = {
    "pediatric-young-adult": "children and young adults",
    "adult+pediatric": "adults and children",
}


def _said(target: str, indication: str) -> str:
    us, cn = FIRSTS[("US", target, indication)], FIRSTS[("CN", target, indication)]
    lag = plain.months(plain.date(cn["approval_date"]), plain.date(us["approval_date"]))
    us_said, cn_said = (WORDS.get(p, p) for p in (us["population"], cn["population"]))
    return f"{target} {indication}: {us_said} in US, {cn_said} in CN ({lag:+.0f} months)"


def test_the_data_has_a_pair_of_different_populations():
    assert ("CD19", "B-ALL") in DIFFERING


def test_cli_lag_shows_each_sides_population(evidence_store):
    args = ["--db", evidence_store, "approvals", "--countries", "CN", "US", "--lag"]
    result = CliRunner().invoke(app, [*args, "--format", "csv"])
    assert result.exit_code == 0, result.output
    for row in csv.DictReader(io.StringIO(result.stdout)):
        for side in ("US", "CN"):
            expected = FIRSTS.get((side, row["target"], row["indication"]))
            if expected:
                assert row[f"population_{side}"] == expected["population"], row


@pytest.fixture(scope="module")
def section(evidence_store):
    with open_store(evidence_store, read_only=True) as store:
        return approvals_section.build(ReportContext(store, ["CN", "US"]))


@pytest.mark.parametrize("pair", DIFFERING, ids="-".join)
def test_report_and_dashboard_say_the_populations_differ(pair, section, evidence_client):
    said = _said(*pair)
    assert said in section.answer
    cells = {c for b in section.blocks if hasattr(b, "rows") for r in b.rows for c in r}
    for side in ("US", "CN"):
        row = FIRSTS[(side, *pair)]
        assert any(
            f"{row['approval_date']} (" in c
            and WORDS.get(row["population"], row["population"]) in c
            for c in cells
        )
    for page in ("/?a=CN&b=US", "/q/approvals?a=CN&b=US"):
        text = " ".join(html.unescape(evidence_client.get(page).text).split())
        assert said in text, page


def test_api_lag_gives_each_pairs_lag_populations_and_the_summary(evidence_client):
    """/api/approvals/lag (new: the lag was on the CLI, report and dashboard only)."""
    body = evidence_client.get("/api/approvals/lag", params={"countries": ["CN", "US"]}).json()
    shown = {(r["target"], r["indication"]): r for r in body["items"]}
    pairs = {(t, i) for _, t, i in FIRSTS}
    assert set(shown) == pairs
    for pair in pairs:
        us, cn = FIRSTS.get(("US", *pair)), FIRSTS.get(("CN", *pair))
        row = shown[pair]
        if us and cn:
            lag = plain.months(plain.date(cn["approval_date"]), plain.date(us["approval_date"]))
            assert row["lag_months"] == lag, pair
            assert (row["population_US"], row["population_CN"]) == (
                us["population"],
                cn["population"],
            )
        else:
            assert row["lag_months"] is None and " only " in row["status"], pair
    for pair in DIFFERING:
        assert _said(*pair) in body["note"]
    three = evidence_client.get("/api/approvals/lag", params={"countries": ["CN", "US", "DE"]})
    assert three.status_code == 422
