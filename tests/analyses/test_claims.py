"""Claims are read strictly and judged by stated rules against the store."""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest

from cartatlas.analyses.claims import EXAMPLE, check_claims, load_claims
from cartatlas.analyses.claims.check import check_claim
from cartatlas.analyses.claims.model import Claim, ClaimsFileError, parse_claims
from cartatlas.store import open_store

VERDICTS = {"supported", "partly supported", "contradicted", "no data"}


def test_example_claims_file_is_valid_and_about_a_dozen_claims():
    claims = load_claims(EXAMPLE)
    assert 10 <= len(claims.claims) <= 16
    assert len({c.id for c in claims.claims}) == len(claims.claims)


def test_every_example_claim_gets_a_verdict_with_evidence(evidence_store):
    with open_store(evidence_store, read_only=True) as store:
        verdicts = check_claims(store, load_claims(EXAMPLE))
    assert {v.verdict for v in verdicts} <= VERDICTS
    for v in verdicts:
        assert v.evidence and v.rule
        if v.verdict != "no data":  # counts and target sets cite their approval rows too
            assert v.sources, v.claim.id


def test_target_set_claim_matches_the_approvals_table(evidence_store):
    claim = Claim(
        id="t",
        text="US targets",
        metric="approved_targets",
        countries=["US"],
        values=["CD19", "BCMA"],
    )
    with open_store(evidence_store, read_only=True) as store:
        targets = {
            t
            for (ts,) in store.execute(
                "SELECT p.targets FROM evidence_approvals a JOIN evidence_products p "
                "USING (product_id) WHERE a.country = 'US'"
            )
            for t in ts.split("|")
        }
        verdict = check_claim(store, claim)
    expected = "supported" if targets == {"CD19", "BCMA"} else "partly supported"
    assert verdict.verdict == expected


def test_a_range_nobody_reaches_is_contradicted(evidence_store):
    claim = Claim(
        id="r",
        text="CR above 99%",
        metric="CR",
        indication="LBCL",
        countries=["US"],
        range=(99.5, None),
    )
    with open_store(evidence_store, read_only=True) as store:
        assert check_claim(store, claim).verdict == "contradicted"


def test_a_metric_without_evidence_says_no_data(evidence_store):
    claim = Claim(
        id="n", text="CR in Peru", metric="CR", indication="LBCL", countries=["PE"], range=(30, 60)
    )
    with open_store(evidence_store, read_only=True) as store:
        assert check_claim(store, claim).verdict == "no data"


@pytest.mark.parametrize(
    ("claim", "message"),
    [
        (
            {"id": "a", "text": "x", "metric": "CR", "countries": ["US"], "range": [1, 2]},
            "claims.yaml: claim 1: Value error, a range of CR needs an indication (e.g. LBCL)",
        ),
        (
            {"id": "a", "text": "x", "metric": "speed", "countries": ["US"], "range": [1, 2]},
            "claims.yaml: claim 1, field metric: Input should be",
        ),
        (
            {
                "id": "a",
                "text": "x",
                "metric": "trial_count",
                "countries": ["CN"],
                "compare": "greater",
            },
            "claims.yaml: claim 1: Value error, compare needs two countries",
        ),
    ],
)
def test_bad_claims_name_file_claim_and_field(claim, message):
    with pytest.raises(ClaimsFileError) as error:
        parse_claims({"claims": [claim]}, "claims.yaml")
    assert (
        str(error.value)
        .replace("Value error, ", "")
        .startswith(message.replace("Value error, ", ""))
    )


# --- one rule per comparison kind (issue 13) -------------------------------------------------


def _mm_cr(compare: str, countries: list[str]) -> Claim:
    return Claim(
        id="mm",
        text="CR in myeloma differs",
        metric="CR",
        indication="MM",
        countries=countries,
        compare=compare,
    )


def test_greater_is_judged_by_the_greater_rule_not_the_similar_rule(evidence_store):
    """MM CR is about 70% in CN vs 41% in US, p ≈ 0.001: "CN greater" is supported (it was
    sent to the "similar" rule and judged contradicted)."""
    with open_store(evidence_store, read_only=True) as store:
        greater = check_claim(store, _mm_cr("greater", ["CN", "US"]))
        less = check_claim(store, _mm_cr("less", ["US", "CN"]))
        reversed_ = check_claim(store, _mm_cr("greater", ["US", "CN"]))
        similar = check_claim(store, _mm_cr("similar", ["CN", "US"]))
    assert greater.verdict == "supported", greater.evidence
    assert greater.rule.startswith("greater: CN above US")
    assert less.verdict == "supported" and less.rule.startswith("less: US below CN")
    assert reversed_.verdict == "contradicted"
    assert similar.verdict == "contradicted" and similar.rule.startswith("similar:")


def test_count_claims_follow_less_as_the_mirror_of_greater(evidence_store):
    claims = [
        Claim(id=k, text="x", metric="approved_products", countries=c, compare=k)
        for k, c in (("greater", ["CN", "US"]), ("less", ["US", "CN"]))
    ]
    with open_store(evidence_store, read_only=True) as store:
        verdicts = [check_claim(store, c) for c in claims]
    assert verdicts[0].verdict == verdicts[1].verdict != "no data"


def test_range_bounds_are_compared_at_the_precision_they_were_written_in():
    from cartatlas.analyses.claims.check import _in_range, decimals
    from cartatlas.rounding import half_up

    assert decimals(52) == 0 and decimals(52.5) == 1 and decimals(0.25) == 2
    assert half_up(51.6, 0) == 52 and half_up(72.5, 0) == 73
    assert _in_range(51.6, (52, 73)) and _in_range(73.05, (52, 73))
    assert not _in_range(51.4, (52, 73)) and not _in_range(73.5, (52, 73))
    assert not _in_range(51.6, (52.0 + 0.5, 73))  # a bound written as 52.5 is kept to 0.1


def test_orr_range_counts_juliet_and_transcend_inside_52_to_73(evidence_store):
    claim = Claim(
        id="orr",
        text="ORR 52-73%",
        metric="ORR",
        indication="LBCL",
        countries=["US"],
        scope="approved_products",
        range=(52, 73),
    )
    with open_store(evidence_store, read_only=True) as store:
        verdict = check_claim(store, claim)
    # TRANSCEND's ORR is 186/256 (72.7 %), the count its printed exact CI 66.8–78.0 pins down
    assert "JULIET 51.6%" in verdict.evidence and "TRANSCEND-NHL-001 72.7%" in verdict.evidence
    listed = re.findall(r"(\S+) (\d+\.\d)%", verdict.evidence.split("US: ")[1])
    inside = sum(52 <= math.floor(float(rate) + 0.5) <= 73 for _, rate in listed)
    assert verdict.evidence.startswith(
        f"{inside} of {len(listed)} study rate{'' if len(listed) == 1 else 's'} in range"
    )
    assert "rounded to whole numbers" in verdict.rule
    assert verdict.scope.startswith(
        "overall response (ORR), indication LBCL, trials of the products approved in US"
    )


def test_a_comparison_without_indication_is_checked_in_every_indication_and_says_so(
    evidence_store,
):
    """The CRS claim names no disease; it used to be limited to LBCL in the YAML and said
    "no data" without saying which scope it checked."""
    claims = load_claims(EXAMPLE)
    crs = next(c for c in claims.claims if c.id == "crs-similar")
    assert crs.indication is None
    with open_store(evidence_store, read_only=True) as store:
        verdict = check_claim(store, crs)
    assert "every indication with evidence" in verdict.scope and "MM" in verdict.scope
    assert "MM:" in verdict.evidence  # myeloma has CRS rows in both countries: it is examined
    # the grading rule decides, and is named, rather than a silent pool across systems
    assert "grading" in verdict.evidence


def test_every_verdict_states_its_scope(evidence_store):
    with open_store(evidence_store, read_only=True) as store:
        verdicts = check_claims(store, load_claims(EXAMPLE))
    for v in verdicts:
        assert v.scope, v.claim.id
        assert v.rule.split(":")[0] in ("range", "similar", "greater", "less", "values"), v.rule


def test_compare_similar_is_refused_for_counts():
    with pytest.raises(ClaimsFileError, match="similar is judged for rates only"):
        parse_claims(
            {
                "claims": [
                    {
                        "id": "a",
                        "text": "x",
                        "metric": "trial_count",
                        "countries": ["CN", "US"],
                        "compare": "similar",
                    }
                ]
            },
            "claims.yaml",
        )


def _trials(*rows: tuple[str, str, str]) -> pd.DataFrame:
    """A registry snapshot by hand: (trial id, sites joined by "|", overall status)."""
    return pd.DataFrame(
        [{"nct_id": t, "countries": s.split("|"), "status": st} for t, s, st in rows]
    )


def _versus(country: str, versus: str) -> Claim:
    return Claim(
        id="v",
        text="x",
        metric="trial_count",
        countries=[country],
        compare="greater",
        versus=versus,
        scope="ongoing_trials",
    )


def test_a_global_lead_not_held_names_the_rank_and_the_leader(evidence_store):
    """Two US trials, one Chinese, one finished German trial: the US leads, China is second."""
    trials = _trials(
        ("T1", "US", "RECRUITING"),
        ("T2", "US|DE", "RECRUITING"),
        ("T3", "CN", "RECRUITING"),
        ("T4", "DE|DE", "COMPLETED"),
    )
    with open_store(evidence_store, read_only=True) as store:
        cn = check_claim(store, _versus("CN", "world"), trials)
        us = check_claim(store, _versus("US", "world"), trials)
    assert cn.verdict == "contradicted"
    assert cn.evidence.endswith("CN 1 (rank 2); first: US 2; 3 countries counted")
    assert us.verdict == "supported" and "US 2; next: CN 1;" in us.evidence


def test_the_us_and_europe_combined_count_each_trial_once(evidence_store):
    """A trial with sites in the US and two European countries is one of the combined trials."""
    trials = _trials(
        ("T1", "US|FR|GB", "RECRUITING"),
        ("T2", "CH", "RECRUITING"),
        ("T3", "CN", "RECRUITING"),
        ("T4", "CN", "RECRUITING"),
        ("T5", "CN|JP", "ACTIVE_NOT_RECRUITING"),
        ("T6", "TR", "RECRUITING"),  # not in the stated list of European countries
    )
    with open_store(evidence_store, read_only=True) as store:
        verdict = check_claim(store, _versus("CN", "US_and_Europe"), trials)
    assert verdict.verdict == "supported"
    assert "CN 3 vs US + Europe 2" in verdict.evidence
    assert "EU/EEA" in verdict.evidence


def test_versus_is_refused_for_other_claims():
    with pytest.raises(ClaimsFileError, match="versus is for trial_count claims"):
        parse_claims(
            {
                "claims": [
                    {
                        "id": "a",
                        "text": "x",
                        "metric": "approved_products",
                        "countries": ["CN"],
                        "compare": "greater",
                        "versus": "world",
                    }
                ]
            },
            "claims.yaml",
        )


def test_an_eu_approval_counts_for_a_member_state_in_count_and_target_claims(evidence_store):
    """A claim about Germany's approved products reads the EMA's approvals, stored once under
    EU, as every other answer about approvals does; reading only rows stored under DE found
    none and said "no data". Recomputed from approvals.csv and products.csv."""
    import csv

    from tests.conftest import REPO

    data = REPO / "src" / "cartatlas" / "evidence" / "data"
    with open(data / "products.csv", newline="", encoding="utf-8") as handle:
        targets_of = {r["product_id"]: r["targets"] for r in csv.DictReader(handle)}
    with open(data / "approvals.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    products = {
        c: {r["product_id"] for r in rows if r["country"] in ({"DE", "EU"} if c == "DE" else {c})}
        for c in ("DE", "US")
    }
    assert products["DE"], "the EMA approvals apply in Germany"
    count = Claim(
        id="n", text="x", metric="approved_products", countries=["DE", "US"], compare="greater"
    )
    named = sorted({t for p in products["DE"] for t in targets_of[p].split("|")})
    target_set = Claim(id="t", text="x", metric="approved_targets", countries=["DE"], values=named)
    with open_store(evidence_store, read_only=True) as store:
        counted, targeted = check_claim(store, count), check_claim(store, target_set)
    expected = f"DE {len(products['DE'])} vs US {len(products['US'])}"
    assert expected in counted.evidence
    assert counted.verdict == (
        "supported" if len(products["DE"]) > len(products["US"]) else "contradicted"
    )
    assert targeted.verdict == "supported"
