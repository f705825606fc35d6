"""A lag that rests on an approval date only news or a secondary page prints is said as such on
every surface.

China's first CD19 approval in follicular lymphoma (relma-cel) is dated 2022-10-10 by a
secondary page alone: JW Therapeutics' release, the stronger source, prints no date. The report,
the dashboard, the CLI and the API gave its +19-month lag, and the median lag built on it, with
no mark, while the approvals table beside them named the secondary page. The weakly dated first
approvals are recomputed here from approvals.csv by the plain route (``plain.one_per_approval``)
and asserted on the CLI (CSV), the API (items and note), the report section (short answer and lag
table) and the dashboard (overview and approvals page).
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
from tests.golden.test_lag_populations import FIRSTS

WEAK = {"news": "news (weak source)", "secondary": "secondary (weak source)"}
PAIRS = sorted({(t, i) for c, t, i in FIRSTS if ("US", t, i) in FIRSTS and ("CN", t, i) in FIRSTS})
WEAKLY_DATED = sorted(
    (target, indication, country)
    for country, target, indication in FIRSTS
    if FIRSTS[(country, target, indication)]["date_source_kind"] in WEAK
)


def _phrase(target: str, indication: str) -> str:
    sides = [
        f"{c} {FIRSTS[(c, target, indication)]['approval_date']}, "
        f"{WEAK[FIRSTS[(c, target, indication)]['date_source_kind']]}"
        for c in ("US", "CN")
        if (c, target, indication) in FIRSTS
        and FIRSTS[(c, target, indication)]["date_source_kind"] in WEAK
    ]
    return f"{target} {indication} ({'; '.join(sides)})"


LAGGED_WEAK = [(t, i) for t, i in PAIRS if any(w[:2] == (t, i) for w in WEAKLY_DATED)]


def test_the_data_has_a_lag_resting_on_a_weak_date():
    """relma-cel's CN FL date (cancercarechina.com, secondary) is one, at the time of writing."""
    assert ("CD19", "FL") in LAGGED_WEAK


@pytest.fixture(scope="module")
def section(evidence_store):
    with open_store(evidence_store, read_only=True) as store:
        return approvals_section.build(ReportContext(store, ["CN", "US"]))


@pytest.fixture(scope="module")
def api(evidence_client) -> dict:
    body = evidence_client.get("/api/approvals/lag", params={"countries": ["CN", "US"]})
    assert body.status_code == 200, body.text
    return body.json()


def test_cli_and_api_give_the_kind_of_source_dating_each_first_approval(evidence_store, api):
    result = CliRunner().invoke(
        app, ["--db", evidence_store, "approvals", "--lag", "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    printed = {
        (r["target"], r["indication"]): r for r in csv.DictReader(io.StringIO(result.stdout))
    }
    served = {(r["target"], r["indication"]): r for r in api["items"]}
    for (country, target, indication), first in FIRSTS.items():
        if (target, indication) not in printed:
            continue  # a target approved in neither of the two: not in the lag table
        column = f"date_source_kind_{country}"
        assert printed[(target, indication)][column] == first["date_source_kind"]
        assert served[(target, indication)][column] == first["date_source_kind"]


@pytest.mark.parametrize("pair", LAGGED_WEAK, ids="-".join)
def test_every_answer_names_the_lag_resting_on_a_weak_date(pair, section, api, evidence_client):
    said = _phrase(*pair)
    assert said in section.answer
    assert said in api["note"]
    for page in ("/?a=CN&b=US", "/q/approvals?a=CN&b=US"):
        assert said in " ".join(html.unescape(evidence_client.get(page).text).split())


@pytest.mark.parametrize("weak", WEAKLY_DATED, ids="-".join)
def test_the_lag_table_marks_each_weakly_dated_first_approval(weak, section):
    target, indication, country = weak
    first = FIRSTS[(country, target, indication)]
    table = next(
        b for b in section.blocks if getattr(b, "title", "").startswith("Lag, same target")
    )
    [row] = [r for r in table.rows if r[:2] == [target, indication]]
    cell = row[3] if country == "US" else row[5]
    assert cell.startswith(first["approval_date"] + " (")
    assert cell.endswith(f"dated only by a {WEAK[first['date_source_kind']]} page)")


def test_a_strongly_dated_first_approval_is_not_marked(section):
    table = next(
        b for b in section.blocks if getattr(b, "title", "").startswith("Lag, same target")
    )
    strong = [
        (t, i, c)
        for (c, t, i), first in FIRSTS.items()
        if first["date_source_kind"] not in WEAK and [t, i] in [r[:2] for r in table.rows]
    ]
    assert strong
    for target, indication, country in strong:
        [row] = [r for r in table.rows if r[:2] == [target, indication]]
        assert "dated only by" not in (row[3] if country == "US" else row[5])
