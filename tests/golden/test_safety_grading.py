"""Grade ≥3 CRS compared only within one stated grading system, recomputed from safety.csv by
the plain route and asserted on the CLI, the report and the API.

The plain route picks each cohort's safety row with the csv module (earlier reports and
secondary pages left out, primary analysis first, strongest source), tallies the grading system
each country's rows state, and then either finds the system every compared country shares (the
rows pooled; one study: its exact Clopper–Pearson proportion) or expects every surface to refuse
the comparison and to name the same per-country tallies. A CRS grade ≥3 under Lee 2014 is not
the same event as under ASTCT 2019 or Penn, so a rate graded differently must never be pooled.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest
from typer.testing import CliRunner

from cartatlas.cli import app
from cartatlas.report.context import ReportContext
from cartatlas.report.sections import safety as safety_section
from cartatlas.store import open_store
from tests.golden import plain
from tests.golden.test_safety_absence import pooled_rows

INDICATIONS = ("LBCL", "B-ALL", "MM")


def expected(indication: str, countries: list[str]) -> tuple[str | None, dict, list]:
    """(shared system or None, per-country tallies of stated systems, rows pooled)."""
    rows = {c: pooled_rows(indication, "CRS_3plus", c) for c in countries}
    present = [c for c in countries if rows[c]]
    tallies = {c: Counter(r["grading"] or "not stated" for r in rows[c]) for c in present}
    shared = [
        (sum(tallies[c][g] for c in present), g)
        for g in {r["grading"] for c in present for r in rows[c] if r["grading"]}
        if all(tallies[c][g] for c in present)
    ]
    if not shared:
        return None, tallies, []
    system = max(shared)[1]
    return system, tallies, [r for c in present for r in rows[c] if r["grading"] == system]


def _country_part(refusal: str, country: str) -> str:
    """The "CN: not stated 4, Lee2014 1" part of a refusal."""
    inside = refusal[refusal.index("(") + 1 : refusal.index(")")]
    return next(p for p in inside.split("; ") if p.startswith(f"{country}: "))


@pytest.fixture(scope="module")
def section(evidence_store):
    with open_store(evidence_store, read_only=True) as store:
        return safety_section.build(ReportContext(store, ["CN", "US"]))


@pytest.fixture(scope="module")
def report(section) -> dict[str, str]:
    return {
        i: next(b.text for b in section.blocks if getattr(b, "text", "").startswith(f"**{i}**"))
        for i in INDICATIONS
        if any(getattr(b, "text", "").startswith(f"**{i}**") for b in section.blocks)
    }


@pytest.mark.parametrize("indication", INDICATIONS)
def test_cn_us_crs3_only_within_one_stated_grading(
    indication, evidence_client, report, evidence_store
):
    system, tallies, pooled = expected(indication, ["CN", "US"])
    cli = CliRunner().invoke(
        app,
        ["--db", evidence_store, "meta", "--indication", indication, "--endpoint", "CRS_3plus"]
        + ["--format", "json"],
    )
    assert cli.exit_code == 0, cli.output
    body = evidence_client.get(
        "/api/meta", params={"indication": indication, "endpoint": "CRS_3plus"}
    ).json()
    if system is None:
        # Refused on every surface, each naming the same systems per country.
        phrase = (
            "no stated grading system is shared by CN and US"
            if len(tallies) > 1
            else "no grading system is stated"
        )
        refusals = {
            "cli": json.loads(cli.stdout)["refusal"],
            "api": body["refusal"],
            "report": report[indication],
        }
        for surface, text in refusals.items():
            assert text and phrase in text, surface
            own = text[max(text.find("CRS, grade ≥3: "), 0) :]  # the report: its own note
            for country, tally in tallies.items():
                part = _country_part(own[own.index(phrase) :], country)
                for grading, n in tally.items():
                    assert f"{grading} {n}" in part, (surface, country, part)
                said = sum(int(piece.rsplit(" ", 1)[1]) for piece in part[4:].split(", "))
                assert said == sum(tally.values()), (surface, part)
        assert not (body.get("pooled") or {}).get("by_country")
        return
    document = json.loads(cli.stdout)
    assert {(s["study_id"], s["grading"]) for s in document["studies"]} == {
        (r["study_id"], system) for r in pooled
    }
    assert f"{system} grading only" in document["model"]
    assert f"{system} grading only" in report[indication]


def test_one_system_pool_equals_its_rows(evidence_client, section, evidence_store):
    """Within one stated system a country's rate is recomputed from its rows: CN multiple
    myeloma, CRS grade ≥3, graded by the one system its studies share."""
    system, _, pooled = expected("MM", ["CN"])
    assert system is not None and pooled
    events = sum(int(r["events"]) for r in pooled)
    n = sum(int(r["n"]) for r in pooled)
    cli = CliRunner().invoke(
        app,
        ["--db", evidence_store, "meta", "--indication", "MM", "--endpoint", "CRS_3plus"]
        + ["--countries", "CN", "--format", "json"],
    )
    assert cli.exit_code == 0, cli.output
    document = json.loads(cli.stdout)
    (cn,) = document["pooled"]
    body = evidence_client.get(
        "/api/meta", params={"indication": "MM", "endpoint": "CRS_3plus", "countries": "CN"}
    ).json()
    served = body["pooled"]["by_country"]["CN"]
    assert (cn["k"], cn["patients"]) == (served["studies"], served["patients"]) == (len(pooled), n)
    assert f"{system} grading only" in document["model"]
    assert [s["grading"] for s in document["studies"]] == [system] * len(pooled)
    if len(pooled) == 1:  # one study: its own proportion with the exact 95% CI
        low, high = plain.clopper_pearson(events, n)
        for shown in (cn, served):
            assert shown["estimate"] == pytest.approx(events / n, abs=1e-9)
            assert shown["ci_low"] == pytest.approx(low, abs=1e-6)
            assert shown["ci_high"] == pytest.approx(high, abs=1e-6)
        # the report lists the same study with the same rate, CI and grading system
        name = next(
            s["name"] for s in plain.rows("studies") if s["study_id"] == pooled[0]["study_id"]
        )
        rows = [r for b in section.blocks if hasattr(b, "rows") for r in b.rows]
        row = next(r for r in rows if r[1].startswith(name + " ("))
        cell = f"{100 * events / n:.0f}% ({events}/{n}; {100 * low:.0f}–{100 * high:.0f}%)"
        assert cell in row[3] and system in row[6], row
    else:  # a pooled logit rate lies within its studies' range
        rates = [int(r["events"]) / int(r["n"]) for r in pooled]
        assert min(rates) <= cn["estimate"] <= max(rates)
        assert served["estimate"] == pytest.approx(cn["estimate"], abs=1e-9)
