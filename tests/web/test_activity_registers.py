"""Trial activity's answer compares countries' registered trials ("CN 1334, US 678"): China's
trials registered only in ChiCTR are not in that count, and the answer now says so beside the
numbers (report and dashboard), not only in the caveats under the section."""

from __future__ import annotations

import html

from cartatlas.report.context import ReportContext
from cartatlas.report.sections import registry_views
from cartatlas.store import open_store

SAID = (
    "(ClinicalTrials.gov only; trials registered only in CN: ChiCTR are not counted, so a "
    "country's count can be low)"
)


def test_activity_answer_says_which_registers_its_counts_leave_out(full_store, client):
    with open_store(full_store, read_only=True) as store:
        answer = registry_views.activity(ReportContext(store, ["CN", "US"])).answer
    assert SAID in answer
    for page in ("/?a=CN&b=US", "/q/activity?a=CN&b=US"):
        text = " ".join(html.unescape(client.get(page).text).split())
        assert SAID in text, page
