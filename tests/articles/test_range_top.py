"""An open range whose top the page also names ("complete response rates range from 30% to over
60%", "between 30% and 60%+") asserts two things: the rates lie at or above 30 %, and the top
of the range goes beyond 60 %. Only the first was checked, so LBCL rates that all lie between 43
and 56 % "supported" it. Both ends are checked now: both holding supports the claim, one end
alone is partly supported with the reason, neither contradicts it. Recomputed here from
outcomes.csv and studies.csv by the golden tests' plain route (``plain.selected``: one row per
cohort, none read only on a secondary page, no special population) and read on the CLI, the
API, the /article page and a claims file (the report's claims table)."""

from __future__ import annotations

import pytest

from tests.articles.surfaces import assert_api_and_page, claims_table, cli_records
from tests.golden.plain import selected


def _lbcl_cr_rates(country: str) -> list[float]:
    return [100 * events / n for _, events, n in selected("LBCL", "CR", country)]


def _whole(rate: float) -> int:
    """A rate rounded half up to whole percent, as the claim's bounds are written."""
    return int(rate + 0.5)


def _expected(rates: list[float], low: float, top: float) -> tuple[str, int, str]:
    inside = sum(_whole(r) >= low for r in rates)
    share = inside / len(rates)
    lower = (
        "supported" if share >= 0.75 else "partly supported" if share >= 0.25 else "contradicted"
    )
    reached = any(_whole(r) >= top for r in rates)
    highest = f"{max(rates):.1f}%"
    if reached:
        verdict = "supported" if lower == "supported" else "partly supported"
        note = f"the top, over {top:g}%, is reached (highest {highest})"
    else:
        verdict = "contradicted" if lower == "contradicted" else "partly supported"
        note = f"the top, over {top:g}%, is not reached (highest {highest})"
    return verdict, inside, note


CASES = [
    (
        "In China and the US, complete response rates in LBCL range from 30% to over 60%.",
        ["CN", "US"],
        60,
    ),
    (
        "In China and the US, complete response rates in LBCL lie between 30% and 60%+.",
        ["CN", "US"],
        60,
    ),
    ("In the US, complete response rates in LBCL range from 30% to over 50%.", ["US"], 50),
]


@pytest.mark.parametrize(("sentence", "countries", "top"), CASES)
def test_both_ends_of_an_open_range_on_every_surface(
    sentence, countries, top, evidence_store, evidence_client, tmp_path
):
    rates = [r for c in countries for r in _lbcl_cr_rates(c)]
    verdict, inside, note = _expected(rates, 30, top)
    [record] = cli_records(evidence_store, tmp_path, sentence + "\n")
    assert (record["range"], record["verdict"]) == ([30, None], verdict)
    assert record["evidence"].startswith(f"{inside} of {len(rates)} study rates in range; {note}")
    assert_api_and_page(evidence_client, sentence + "\n", [verdict])
    page = evidence_client.post("/article", data={"text": sentence}).text
    assert note in page
    yaml_text = (
        "claims:\n  - id: top\n    text: rates from 30% to over the top\n    metric: CR\n"
        f"    indication: LBCL\n    countries: [{', '.join(countries)}]\n"
        f"    range: [30, null]\n    top_over: {top}\n"
    )
    [table] = claims_table(evidence_store, tmp_path, yaml_text)
    assert table["verdict"] == verdict and note in table["evidence"]


def test_the_example_ranges_hold_at_one_end_on_lymphoma_alone():
    """The example's LBCL rates (CN and US studies) never pass 60 %: on lymphoma alone its two
    open ranges hold at one end only; its sentences say them of leukemias too."""
    rates = _lbcl_cr_rates("CN") + _lbcl_cr_rates("US")
    verdict, _, note = _expected(rates, 30, 60)
    assert verdict == "partly supported" and "not reached" in note


def test_top_over_needs_an_open_range():
    from cartatlas.analyses.claims.model import ClaimsFileError, parse_claims

    claim = {"id": "x", "text": "t", "metric": "CR", "indication": "LBCL", "countries": ["US"]}
    with pytest.raises(ClaimsFileError, match="top_over is the top of an open range"):
        parse_claims({"claims": [{**claim, "range": [30, 60], "top_over": 70}]}, "f.yaml")


def test_a_range_said_of_several_diseases_spans_them(evidence_store, evidence_client, tmp_path):
    """ "For B-cell lymphomas and certain leukemias, complete response rates range from 30% to
    over 60%": the range is checked across LBCL and B-ALL (B-ALL's rates carry the top past
    60 %), the claim's scope says so, and a single value stays with the first disease."""
    text = (
        "In China and the US, for B-cell lymphomas and certain leukemias, complete response "
        "rates range from 30% to over 60%.\n"
    )
    rates = [
        100 * e / n
        for disease in ("LBCL", "B-ALL")
        for c in ("CN", "US")
        for _, e, n in selected(disease, "CR", c)
    ]
    verdict, inside, note = _expected(rates, 30, 60)
    [record] = cli_records(evidence_store, tmp_path, text)
    assert (record["indication"], record["verdict"]) == ("LBCL", verdict)
    assert record["evidence"].startswith(f"{inside} of {len(rates)} study rates in range; {note}")
    scope = "checked across the diseases the sentence names (LBCL, B-ALL)"
    assert scope in record["checked_scope"]
    assert_api_and_page(evidence_client, text, [verdict])
    assert scope in evidence_client.post("/article", data={"text": text}).text
    [table] = claims_table(
        evidence_store,
        tmp_path,
        "claims:\n  - id: top\n    text: t\n    metric: CR\n    indication: LBCL\n"
        "    also_in: [B-ALL]\n    countries: [CN, US]\n    range: [30, null]\n"
        "    top_over: 60\n",
    )
    assert table["verdict"] == verdict and note in table["evidence"]
    single = "In the US, for B-cell lymphomas and certain leukemias, the CR rate is 52%.\n"
    [one] = cli_records(evidence_store, tmp_path, single)
    assert any("also names B-ALL" in n for n in one["checked_scope"])
