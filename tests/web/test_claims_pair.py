"""The bundled example claims are about China and the US: on a page for another pair they are
marked with the countries they concern, never shown as if they judged the selected pair."""

from __future__ import annotations

import html

from cartatlas.analyses.claims import EXAMPLE, load_claims

CLAIMS = load_claims(EXAMPLE).claims
LABEL = "About CN and US (outside the selected countries): "


def _page(client, path: str, a: str, b: str) -> str:
    response = client.get(path, params={"a": a, "b": b})
    assert response.status_code == 200
    return html.unescape(response.text)


def test_claims_outside_the_selected_pair_are_labelled_with_their_countries(evidence_client):
    page = _page(evidence_client, "/q/claims", "JP", "CN")
    for claim in CLAIMS:
        if set(claim.countries) <= {"JP", "CN"}:
            assert claim.text in page and LABEL + claim.text not in page, claim.id
        else:
            about = " and ".join(claim.countries)
            assert f"About {about} (outside the selected countries): {claim.text}" in page
    outside = sum(not set(c.countries) <= {"JP", "CN"} for c in CLAIMS)
    assert f"{outside} of the {len(CLAIMS)} claims concern CN and US, not only the selected " in (
        page
    )


def test_the_overview_for_another_pair_says_so(evidence_client):
    assert "claims concern CN and US, not only the selected JP and CN" in _page(
        evidence_client, "/", "JP", "CN"
    )


def test_the_pair_the_claims_are_about_carries_no_label(evidence_client):
    page = _page(evidence_client, "/q/claims", "CN", "US")
    assert "outside the selected countries" not in page
    assert all(claim.text in page for claim in CLAIMS)
