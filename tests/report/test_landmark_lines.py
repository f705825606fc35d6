"""Each landmark-survival series names its trial's line of therapy, and the figure says its
series are not like for like.

One LBCL plot holds second-line randomized trials (ZUMA-7, TRANSFORM), timed from
randomization, beside third-line single-arm ones (JULIET, ZUMA-1), timed from infusion; with
only "Yescarta (axi-cel) — ZUMA-7, OS" in the legend a reader compared the curves as products.
The line is read here from studies.csv and the series from survival.csv with the csv module,
and each label is found in the report's SVG figure and the dashboard's chart spec.
"""

from __future__ import annotations

import html
import json
import re

from cartatlas.report.context import ReportContext
from cartatlas.report.model import Figure
from cartatlas.report.sections import durability
from cartatlas.store import open_store
from tests.golden import plain

SPEC = re.compile(r'<script type="application/json" id="spec-[^"]+">(.*?)</script>', re.S)
PAIR = ["DE", "US"]


def _series(indication: str) -> set[str]:
    """ " — ZUMA-7, EFS (2L)": how each CAR-T-arm landmark series of ``indication`` ends."""
    studies = {s["study_id"]: s for s in plain.rows("studies") if s["indication"] == indication}
    return {
        f" — {r['study_id']}, {r['endpoint']} "
        f"({studies[r['study_id']]['line_of_therapy'] or 'line not stated'})"
        for r in plain.rows("survival")
        if r["study_id"] in studies and r["statistic"] == "landmark" and r["arm"] == "car-t"
    }


def test_the_hand_route_sees_second_and_third_line_trials_in_one_plot():
    ends = _series("LBCL")
    assert " — ZUMA-7, OS (2L)" in ends and " — JULIET, OS (3L+)" in ends


def test_report_figure_and_dashboard_chart_name_the_line(evidence_store, evidence_client):
    with open_store(evidence_store, read_only=True) as store:
        blocks = durability.build(ReportContext(store, PAIR)).blocks
    [figure] = [b for b in blocks if isinstance(b, Figure) and b.slug == "landmarks-LBCL"]
    svg = html.unescape(figure.svg)
    assert durability.LANDMARKS_UNLIKE in figure.caption
    page = evidence_client.get("/q/durability", params={"a": PAIR[0], "b": PAIR[1]}).text
    specs = " ".join(json.dumps(json.loads(s), ensure_ascii=False) for s in SPEC.findall(page))
    assert durability.LANDMARKS_UNLIKE in html.unescape(page)
    for end in _series("LBCL"):
        assert end in svg, end
        assert end in specs, end
