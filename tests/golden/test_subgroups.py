"""Rows of one dose level or a selected subgroup are never pooled (outcomes.csv ``subgroup``,
analyses/populations.py ``SUBGROUP_RULE``). The pools this changed — multiple myeloma, US, ORR
and CR — are recomputed here from the CSV rows read with the csv module (subgroup rows left
out; metafor's pin for the pooled estimate, whose study list must be the one recomputed here),
and every surface (CLI, report, API, dashboard) shows the same rate, with the subgroup rows named
next to it and listed apart with their own rate, exact CI and reason."""

from __future__ import annotations

import json
import math
import re

import pytest
from typer.testing import CliRunner

from cartatlas.cli import app
from tests.golden import plain
from tests.golden.test_golden import METAFOR
from tests.golden.test_populations import api, sections  # noqa: F401 (the same fixtures)

#: The MM US cohorts whose only row for the endpoint is of one dose level: listed, never pooled.
APART = {"ORR": {"Brudno2018-NCI-CARBCMA": (13, 16)}, "CR": {"UNIVERSAL-ALLO715": (6, 24)}}
REASON = "dose-level subgroup only"


def _outcome(study: str, endpoint: str) -> dict[str, str]:
    return next(
        r for r in plain.rows("outcomes") if r["study_id"] == study and r["endpoint"] == endpoint
    )


def test_each_subgroup_row_is_marked_and_each_sum_is_the_quotes():
    """The rows the review named are marked; the whole cohorts recorded instead add up the
    cohorts their quote prints."""
    marked = {(r["study_id"], r["endpoint"]): r["subgroup"] for r in plain.rows("outcomes")}
    for key in [("Brudno2018-NCI-CARBCMA", "ORR"), ("UNIVERSAL-ALLO715", "CR")]:
        assert marked[key] == "dose_level"
    assert marked[("Fry2018-NCI-CD22", "CR")] == "dose_level"
    assert marked[("Aldoss2023-TnMem", "CR_CRi")] == "dose_level"
    assert marked[("PRWCC-Barsan2023", "CR")] == "selected_subgroup"
    assert marked[("Pan2017-LuDaopei-CD19", "CR_CRi")] == "selected_subgroup"
    for study in ("CRB-402", "Cohen2019-Penn"):
        row = _outcome(study, "ORR")
        pairs = [
            (int(a), int(b))
            for a, b in re.findall(r"(\d+)\s*(?:of|/)\s*(\d+)", row["source_quote"])
        ]
        assert (int(row["events"]), int(row["n"])) == tuple(map(sum, zip(*pairs, strict=True)))
        assert row["subgroup"] == "" and row["events_derived"] == "true"
    crb = _outcome("CRB-402", "CR")
    words = ("four complete responders", "none complete", "one complete responder")
    assert all(w in crb["source_quote"] for w in words)
    assert (crb["events"], crb["n"]) == (str(4 + 0 + 1), "33")


def _expected(endpoint: str) -> tuple[int, int, float, float, float]:
    chosen = plain.selected("MM", endpoint, "US")
    assert not {s for s, _, _ in chosen} & set(APART[endpoint])
    ref = METAFOR[("MM", endpoint, "US")]
    assert ref["studies"] == [s for s, _, _ in chosen]
    return len(chosen), sum(n for _, _, n in chosen), ref["estimate"], ref["ci_low"], ref["ci_high"]


def test_the_pools_changed_as_the_rule_says():
    """Before: ORR 10 cohorts, 1,306 patients (87.0%); CR 6 cohorts, 1,138 patients (41.3%)."""
    assert _expected("ORR")[:2] == (9, 1325)
    assert _expected("CR")[:2] == (5, 1135)
    assert plain.apart("MM", "ORR", "US") == [("Brudno2018-NCI-CARBCMA", 13, 16)]
    assert plain.apart("MM", "CR", "US") == [("UNIVERSAL-ALLO715", 6, 24)]


def _block(section, title: str):
    return next(b for b in section.blocks if getattr(b, "title", "") == title)


@pytest.mark.parametrize("endpoint", ["ORR", "CR"])
def test_every_surface_shows_the_pool_without_the_subgroup_rows(
    endpoint,
    api,  # noqa: F811
    sections,  # noqa: F811
    evidence_store,
):
    section = sections[("CN", "US")]
    k, patients, estimate, low, high = _expected(endpoint)
    cli = CliRunner().invoke(
        app,
        ["--db", evidence_store, "meta", "--indication", "MM", "--endpoint", endpoint]
        + ["--countries", "CN,US", "--format", "json"],
    )
    assert cli.exit_code == 0, cli.output
    document = json.loads(cli.stdout)
    mine = next(p for p in document["pooled"] if p["country"] == "US")
    assert (mine["k"], mine["patients"]) == (k, patients)
    assert mine["estimate"] == pytest.approx(estimate, abs=2e-4)
    assert (mine["ci_low"], mine["ci_high"]) == pytest.approx((low, high), abs=2e-4)
    body = api.get(
        "/api/meta", params={"indication": "MM", "endpoint": endpoint, "countries": ["CN", "US"]}
    ).json()
    served = body["pooled"]["by_country"]["US"]
    assert (served["studies"], served["patients"]) == (k, patients)
    assert served["estimate"] == pytest.approx(estimate, abs=2e-4)
    table = _block(section, "Rates by country of conduct, MM")
    row = next(r for r in table.rows if r[1] == endpoint and r[2] == "US")
    assert row[3:6] == [str(k), str(patients), f"{100 * estimate:.1f}%"]
    page = api.get("/q/success", params={"a": "CN", "b": "US"}).text
    assert f"<td>{100 * estimate:.1f}%</td>" in page
    # the subgroup rows: named next to the pool, listed apart with rate, exact CI and reason
    apart = _block(
        section,
        "Shown separately, not pooled: cohorts in special populations or results of part of a "
        "trial, MM",
    )
    for study, (events, n) in APART[endpoint].items():
        low_ci, high_ci = plain.clopper_pearson(events, n)
        assert study not in {r["study_id"] for r in document["studies"]}
        assert [(r["study_id"], r["subgroup"]) for r in document["apart"]] == [
            (study, "dose_level")
        ]
        assert study in document["not_pooled"] and "one dose level only" in document["not_pooled"]
        (cli_apart,) = document["apart"]
        ci = f"{100 * low_ci:.1f}–{100 * high_ci:.1f}"
        rate = f"{math.floor(1000 * events / n + 0.5) / 10:.1f}"  # half up
        assert (cli_apart["reason"], cli_apart["rate_percent"]) == (REASON, rate)
        assert (cli_apart["events"], cli_apart["n"], cli_apart["ci95_percent"]) == (events, n, ci)
        text = (
            CliRunner()
            .invoke(
                app,
                ["--db", evidence_store, "meta", "--indication", "MM", "--endpoint", endpoint]
                + ["--countries", "CN,US", "--wide"],
            )
            .output
        )
        assert all(cell in text for cell in (study, f"{events}/{n}", rate, ci, "dose-level"))
        (served_apart,) = body["apart"]
        assert (served_apart["study_id"], served_apart["population"]) == (study, REASON)
        assert (served_apart["events"], served_apart["n"]) == (events, n)
        assert served_apart["ci_low"] == pytest.approx(100 * low_ci, abs=0.05)
        assert served_apart["ci_high"] == pytest.approx(100 * high_ci, abs=0.05)
        assert study in body["not_pooled"] and study in page and REASON in page
        name = next(s["name"] for s in plain.rows("studies") if s["study_id"] == study)
        line = next(r for r in apart.rows if r[1].startswith(name) and r[0] == "US")
        assert line[2] == REASON and line[4] == f"{events}/{n}"
        assert line[5] == f"{math.floor(1000 * events / n + 0.5) / 10:.1f}%"  # half up
        assert line[6] == f"{100 * low_ci:.0f}–{100 * high_ci:.0f}%"
        assert study in table.note
    assert "picking the best dose level inflates a pooled rate" in apart.note
