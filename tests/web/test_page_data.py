"""Page and API data built once per data version answer as a fresh computation would: the
landscape's rows per country, every product's like-for-like answer, a trial found by any of
its registrations, and the trial finder's result and map fragments."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from cartatlas.analyses.like_for_like import same_product
from cartatlas.store import open_store
from cartatlas.web.api.meta import same_product_answer
from cartatlas.web.api.trials import find_trial
from cartatlas.web.errors import NotFound
from cartatlas.web.registry import RegistryData, TrialFilters, TrialIndex


def test_landscape_rows_of_a_country_do_not_depend_on_the_others_asked(client):
    """The table is counted once for every country and filtered per request: a country's rows
    must be those it has when asked alone."""

    def rows(countries):
        answer = client.get(
            "/api/landscape", params={"by": ["year", "target"], "countries": countries}
        )
        return answer.json()["items"]

    pair, alone = rows(["CN", "US"]), rows(["US"])
    assert [r for r in pair if r["country"] in ("US", "all")] == alone
    assert {r["country"] for r in pair} == {"CN", "US", "all"}


def test_landscape_count_agrees_with_the_trial_search(client):
    """CN trials with a CD19 target, counted by the landscape and by the trial search (a
    separate route: the search index's masks, not a pandas group-by)."""
    items = client.get("/api/landscape", params={"by": "target", "countries": "CN"}).json()["items"]
    landscape = next(r["trials"] for r in items if (r["country"], r["targets"]) == ("CN", "CD19"))
    search = client.get("/api/trials", params={"country": "CN", "target": "CD19", "per_page": 1})
    assert landscape == search.json()["total"] > 0


def test_landscape_shares_of_one_country_alone(client):
    both = client.get("/api/landscape/shares", params={"countries": ["CN", "US"]}).json()["items"]
    alone = client.get("/api/landscape/shares", params={"countries": "US"}).json()["items"]
    assert [r for r in both if r["country"] in ("US", "all")] == alone


@pytest.mark.parametrize("countries", [["US", "CN"], ["CN", "US"]])
def test_same_product_answers_equal_a_fresh_computation(client, full_store, countries):
    """Every product's answer, built once for all products, equals the one-product computation
    of :func:`same_product` (its own read of the study rows) for each product."""
    with open_store(full_store, read_only=True) as store:
        products = [r[0] for r in store.execute("SELECT product_id FROM evidence_products")]
        for product in products:
            answer = client.get(
                "/api/meta/same-product", params={"product": product, "countries": countries}
            ).json()
            fresh = same_product_answer(
                product, tuple(countries), same_product(store, product, countries)
            )
            assert answer == fresh, product


def _registry(keys: list[str], others: list[list[str]]) -> RegistryData:
    trials = pd.DataFrame({"nct_id": keys, "also_registered_as": others})
    return RegistryData(trials, pd.DataFrame(), pd.DataFrame(), [])


def test_a_trial_is_found_by_its_key_before_another_trials_registration():
    registry = _registry(
        ["NCT1", "ChiCTR2", "NCT3", "NCT4"],
        [["ChiCTR:ChiCTR9", "CTIS:NCT3"], [], ["ChiCTR:ChiCTR9"], ["ChiCTR:chictr7"]],
    )
    assert find_trial(registry, " nct3 ")["nct_id"] == "NCT3"  # own key, any case
    assert find_trial(registry, "ChiCTR9")["nct_id"] == "NCT1"  # first of two registrations
    assert find_trial(registry, "CHICTR7")["nct_id"] == "NCT4"
    assert find_trial(registry, "chictr2")["nct_id"] == "ChiCTR2"
    with pytest.raises(NotFound):
        find_trial(registry, "NCT5")


def test_finder_results_and_map_list_only_the_chosen_countrys_sites(client):
    """Each result's site list and the map's data table, kept per trial and country, show the
    sites in the chosen country only; the same trial without a country shows all its sites."""
    params = {"condition": "lymphoma", "country": "CN", "searched": "true"}
    html = client.get("/trials", params=params).text
    table = re.search(r"<tbody>(.*?)</tbody>", html, re.S).group(1)
    countries = re.findall(r"<tr><td>[^<]*</td><td>[^<]*</td><td>[^<]*</td><td>([^<]*)</td>", table)
    assert countries and set(countries) == {"CN"}
    lists = re.findall(r'<ul class="sites">(.*?)</ul>', html, re.S)
    shown = [re.findall(r"\((\w+)\)(?: — [^<]*)?</li>", part) for part in lists]
    assert lists and all(
        codes == ["CN"] * part.count("<li>") for codes, part in zip(shown, lists, strict=True)
    )
    trial = re.search(r'href="[^"]*/trials/(NCT\d+)"', html).group(1)
    sites = client.get(f"/api/trials/{trial}").json()["sites"]
    page = client.get(f"/trials/{trial}").text.split("<h2>Sites</h2>")[1]
    assert page.count("<tr><td>") == len(sites) > 0


def test_a_kept_text_ranking_answers_as_a_fresh_index(web_app, client):
    """The finder keeps each text's ranking: a search with other filters on a kept text must
    return what a newly built index returns."""
    client.get("/trials", params={"condition": "lymphoma", "searched": "true"})
    registry = web_app.state.memo.peek("registry")
    wanted = TrialFilters(text="lymphoma", country="CN", recruiting=True)
    kept = registry.car_index.search(wanted)
    fresh = TrialIndex(registry.car_trials, registry.places, registry.sites).search(wanted)
    assert len(kept) > 0 and kept.tolist() == fresh.tolist()
