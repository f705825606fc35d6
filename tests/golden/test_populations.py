"""Special populations are never pooled (analyses/populations.py, studies.csv population_group):
the LBCL pools are recomputed here from the CSV rows with the rule applied — primary CNS
lymphoma (Frigault2022, LOC network) and the salvage cohort after CD19 CAR-T (Xue2024) left
out — and every surface (CLI, report, API, dashboard) shows the same rate, with the cohorts
left out named next to it and listed with their own rate."""

from __future__ import annotations

import csv
import html
import json
import warnings

import pytest
from typer.testing import CliRunner

from cartatlas.analyses.populations import population_label
from cartatlas.cli import app
from cartatlas.evidence.reading import BUNDLED_DIR
from cartatlas.evidence.schema import POPULATION_GROUPS
from cartatlas.report.context import ReportContext
from cartatlas.report.sections import success
from cartatlas.store import open_store
from cartatlas.web.app import create_app
from tests.golden import plain
from tests.golden.test_golden import METAFOR

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

SPECIAL_LBCL = {
    "Frigault2022-MGH-tisacel-PCNSL": ("US", "cns_lymphoma"),
    "LOC-PCNSL-CART-FR": ("FR", "cns_lymphoma"),
    "Xue2024-Gobroad-CD20-salvage": ("CN", "after_cd19_therapy"),
}
PAIRS = [("CN", "US"), ("FR", "US")]


def _studies() -> list[dict[str, str]]:
    with (BUNDLED_DIR / "studies.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_lbcl_special_cohorts_are_marked_in_the_data():
    marked = {
        s["study_id"]: (s["country_of_conduct"], s["population_group"])
        for s in _studies()
        if s["indication"] == "LBCL" and s["population_group"] not in ("", "standard")
    }
    assert marked == SPECIAL_LBCL
    assert {s["population_group"] for s in _studies()} <= set(POPULATION_GROUPS)


def _expected(endpoint: str, country: str) -> tuple[int, int, float, float, float] | None:
    """(k, patients, estimate, CI) from the CSV rows with the rule applied: metafor's pin for
    several cohorts (its study list must be the one recomputed here), the exact proportion for
    one."""
    chosen = plain.selected("LBCL", endpoint, country)
    assert not {s for s, _, _ in chosen} & set(SPECIAL_LBCL)
    if not chosen:
        return None
    patients = sum(n for _, _, n in chosen)
    if len(chosen) == 1:
        _, events, n = chosen[0]
        return 1, n, events / n, *plain.clopper_pearson(events, n)
    ref = METAFOR[("LBCL", endpoint, country)]
    assert ref["studies"] == [s for s, _, _ in chosen]
    return len(chosen), patients, ref["estimate"], ref["ci_low"], ref["ci_high"]


def test_the_pools_changed_as_the_rule_says():
    """Before the rule CN pooled 3 cohorts for CR (42.6%), FR 2 (47.5%) and US 8."""
    assert _expected("CR", "CN")[:2] == (2, 79)
    assert _expected("CR", "FR")[:2] == (1, 460)
    assert _expected("CR", "US")[0] == 7
    assert _expected("ORR", "US")[0] == 6


@pytest.fixture(scope="module")
def api(evidence_store):
    with TestClient(create_app(evidence_store)) as client:
        yield client


@pytest.fixture(scope="module")
def sections(evidence_store):
    with open_store(evidence_store, read_only=True) as store:
        return {pair: success.build(ReportContext(store, list(pair))) for pair in PAIRS}


def _rate_table(section):
    return next(
        b for b in section.blocks if getattr(b, "title", "") == "Rates by country of conduct, LBCL"
    )


@pytest.mark.parametrize("pair", PAIRS, ids=["-".join(p) for p in PAIRS])
@pytest.mark.parametrize("endpoint", ["CR", "ORR"])
def test_every_surface_shows_the_rule_applied_pool(pair, endpoint, api, sections, evidence_store):
    cli = CliRunner().invoke(
        app,
        ["--db", evidence_store, "meta", "--indication", "LBCL", "--endpoint", endpoint]
        + ["--countries", ",".join(pair), "--format", "json"],
    )
    assert cli.exit_code == 0, cli.output
    document = json.loads(cli.stdout)
    body = api.get(
        "/api/meta", params={"indication": "LBCL", "endpoint": endpoint, "countries": list(pair)}
    ).json()
    table = _rate_table(sections[pair])
    page = api.get("/q/success", params={"a": pair[0], "b": pair[1]}).text
    cli_pooled = {p["country"]: p for p in document["pooled"]}
    for country in pair:
        expected = _expected(endpoint, country)
        if expected is None:
            assert country not in cli_pooled and country not in body["pooled"]["by_country"]
            continue
        k, patients, estimate, low, high = expected
        mine = cli_pooled[country]
        assert (mine["k"], mine["patients"]) == (k, patients)
        assert mine["estimate"] == pytest.approx(estimate, abs=2e-4)
        assert (mine["ci_low"], mine["ci_high"]) == pytest.approx((low, high), abs=2e-4)
        served = body["pooled"]["by_country"][country]
        assert (served["studies"], served["patients"]) == (k, patients)
        assert served["estimate"] == mine["estimate"]
        row = next(r for r in table.rows if r[1] == endpoint and r[2] == country)
        assert row[3:6] == [str(k), str(patients), f"{100 * estimate:.1f}%"]
        assert f"<td>{100 * estimate:.1f}%</td>" in page
    # the cohorts left out: named next to the pool on every surface, never in it
    left_out = {s for s, (c, _) in SPECIAL_LBCL.items() if c in pair}
    here = {s for s in left_out if plain.apart("LBCL", endpoint, SPECIAL_LBCL[s][0])}
    assert {r["study_id"] for r in document["apart"]} == here
    assert {r["study_id"] for r in body["apart"]} == here
    for r in body["apart"]:
        assert r["population"] == population_label(SPECIAL_LBCL[r["study_id"]][1])
    assert not here & {r["study_id"] for r in document["studies"]}
    for study in here:
        assert study in document["not_pooled"] and study in body["not_pooled"]
        assert study in table.note and study in page
    if here:
        assert "shown separately, not pooled" in table.note


def test_the_report_lists_each_left_out_cohort_with_its_own_rate(sections):
    """Frigault2022: 6 of 12 complete responses; the LOC network: 16 of 25; Xue2024: 15 of 54,
    each with its population, in the table beside the pool."""
    for pair, section in sections.items():
        title = (
            "Shown separately, not pooled: cohorts in special populations or results of part "
            "of a trial, LBCL"
        )
        apart = next(b for b in section.blocks if getattr(b, "title", "") == title)
        for study, (country, group) in SPECIAL_LBCL.items():
            if country not in pair:
                continue
            cohort = next(o for o in plain.apart("LBCL", "CR", country) if o[0] == study)
            name = next(s["name"] for s in _studies() if s["study_id"] == study)
            row = next(r for r in apart.rows if r[1].startswith(name) and r[3] == "CR")
            assert row[0] == country and row[4] == f"{cohort[1]}/{cohort[2]}"
            assert row[5] == f"{100 * cohort[1] / cohort[2]:.1f}%"
            assert row[2] == population_label(group)


def _standard_without(indication: str, codes: set[str], country: str) -> list[str]:
    """Standard-population cohorts of ``indication`` conducted in ``country`` that report some
    response row but none of ``codes``, straight from the CSV rows."""
    outcomes = plain.rows("outcomes")
    return sorted(
        s["study_id"]
        for s in _studies()
        if s["indication"] == indication
        and s["country_of_conduct"] == country
        and not s["overlaps_with"]
        and s["population_group"] in ("", "standard")
        and (reported := {o["endpoint"] for o in outcomes if o["study_id"] == s["study_id"]})
        and not reported & codes
    )


def test_a_country_with_a_standard_cohort_left_out_is_not_said_to_have_only_special_ones(
    evidence_store, api
):
    """Spain's B-ALL cohorts: ARI0001-iEMD-2022 (isolated extramedullary relapse, shown apart)
    and CART19-BE-01, a standard-population cohort that reports only MRD-negative CR. No pooled
    rate; "only cohorts in special populations" would hide CART19-BE-01, so every surface says
    no ES cohort reports CR, in the same words, and names it as left out."""
    assert plain.selected("B-ALL", "CR", "ES") == []
    assert [s for s, _, _ in plain.apart("B-ALL", "CR", "ES")] == ["ARI0001-iEMD-2022"]
    assert _standard_without("B-ALL", {"CR", "CR_CRi"}, "ES") == ["CART19-BE-01"]
    only_special = "only cohorts in special populations"
    reason = "no data (no cohort conducted in ES reports complete response in B-ALL)"
    with open_store(evidence_store, read_only=True) as store:
        section = success.build(ReportContext(store, ["ES", "US"]))
    table = next(
        b for b in section.blocks if getattr(b, "title", "") == "Rates by country of conduct, B-ALL"
    )
    assert any(r[1] == "CR" and r[2] == "ES" and r[5] == reason for r in table.rows)
    assert not any(only_special in str(r[5]) for r in table.rows)
    body = api.get(
        "/api/meta", params={"indication": "B-ALL", "endpoint": "CR", "countries": ["ES", "US"]}
    ).json()
    assert body["absent_reasons"] == {"ES": reason}
    assert "CART19-BE-01 (ES; reports MRD-negative CR)" in body["left_out"]
    page = api.get(
        "/meta", params={"indication": "B-ALL", "endpoint": "CR", "countries": ["ES", "US"]}
    )
    assert f"ES: {reason}." in html.unescape(page.text)
    cli = CliRunner().invoke(
        app, ["--db", evidence_store, "meta", "--indication", "B-ALL", "--countries", "ES,US"]
    )
    assert f"ES: {reason}." in cli.output
    assert "CART19-BE-01 (ES; reports MRD-negative CR)" in cli.output
    assert only_special not in cli.output


def test_b_all_orr_in_china_is_not_said_to_have_only_special_cohorts(evidence_store):
    """China's standard B-ALL cohorts report CR/CRi, not ORR, and one CNS-leukaemia cohort reports
    ORR: the ORR row says no cohort reports it, not "only special populations"."""
    assert plain.selected("B-ALL", "ORR", "CN") == []
    assert [s for s, _, _ in plain.apart("B-ALL", "ORR", "CN")] == ["CNSL-Blood2022"]
    assert _standard_without("B-ALL", {"ORR"}, "CN")
    with open_store(evidence_store, read_only=True) as store:
        section = success.build(ReportContext(store, ["CN", "US"]))
    table = next(
        b for b in section.blocks if getattr(b, "title", "") == "Rates by country of conduct, B-ALL"
    )
    (row,) = [r for r in table.rows if r[1] == "ORR" and r[2] == "CN"]
    assert row[5] == "no data (no cohort conducted in CN reports overall response in B-ALL)"
