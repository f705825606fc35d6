"""Claims are read strictly and judged by stated rules against the store."""

from __future__ import annotations

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
        if v.verdict not in ("no data",) and v.claim.metric not in (
            "approved_targets",
            "approved_products",
        ):
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
        id="n", text="CR in Japan", metric="CR", indication="LBCL", countries=["JP"], range=(30, 60)
    )
    with open_store(evidence_store, read_only=True) as store:
        assert check_claim(store, claim).verdict == "no data"


@pytest.mark.parametrize(
    ("claim", "message"),
    [
        (
            {"id": "a", "text": "x", "metric": "CR", "countries": ["US"], "range": [1, 2]},
            "claims.yaml: claim 1: Value error, metric CR needs an indication (e.g. LBCL)",
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
