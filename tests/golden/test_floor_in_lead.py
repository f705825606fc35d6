"""The short answer names a complete-response floor above its own country's pooled rate: the
lead said "MM: 72% (63–80%) in CN … vs 40% (22–60%) in US …, p = 0.003" while CARTITUDE-1,
left out of the US pool for printing only its stringent CR, responded completely in at least
65/97 = 67% of patients, above the US pool's upper bound. The floor is recomputed from
outcomes.csv and the bound is metafor's (metafor_golden.json); report lead and dashboard page."""

from __future__ import annotations

import html

from cartatlas.report.context import ReportContext
from cartatlas.report.sections import success
from cartatlas.store import open_store
from tests.golden.plain import rows
from tests.golden.test_golden import METAFOR


def _cartitude_floor() -> tuple[int, int]:
    [row] = [
        r
        for r in rows("outcomes")
        if r["study_id"] == "CARTITUDE-1"
        and r["endpoint"] == "sCR"
        and r["analysis"] == "primary"
        and not r["assessor"]
    ]
    return int(row["events"]), int(row["n"])


def test_the_floor_lies_above_metafors_us_bound():
    x, n = _cartitude_floor()
    assert x / n > METAFOR[("MM", "CR", "US")]["ci_high"]
    assert not any(
        r["study_id"] == "CARTITUDE-1" and r["endpoint"] == "CR" for r in rows("outcomes")
    )


def test_the_lead_and_the_dashboard_name_the_floor(evidence_store, evidence_client):
    x, n = _cartitude_floor()
    said = f"CARTITUDE-1 (US), sCR only, not pooled: CR at least {round(100 * x / n)}%"
    with open_store(evidence_store, read_only=True) as store:
        lead = success.build(ReportContext(store, ["CN", "US"])).answer
    mm = lead[lead.index("MM: ") :].split("; FL")[0]
    assert said in mm
    assert "POLARIS2023-OriCAR017" not in mm  # CN's floor lies inside CN's pooled interval
    page = " ".join(html.unescape(evidence_client.get("/q/success?a=CN&b=US").text).split())
    assert said in page[: page.index("Every study and caveat")]
