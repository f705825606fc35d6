"""The overview's short answers: a few sentences each, every number in them recomputed here.

A patient reads the overview's answer cards; the full statements, tables and caveats are on each
question's page. So each card is capped in length for several pairs, and the durability card's
numbers (studies recording survival per country, each indication's primary randomized hazard
ratio, the trials without one) are recomputed from the CSV rows by the plain route
(tests/golden/plain.py, metafor's reference for pooled values) and found on the overview, on the
durability page and in the JSON API.
"""

from __future__ import annotations

import html
import math
import re
from collections import Counter

import pytest

from tests.golden import plain
from tests.golden.test_hazard_ratios import METAFOR

PAIRS = [("CN", "US"), ("KR", "CN"), ("JP", "CN"), ("IN", "CN"), ("US", "GB")]
#: No answer card may be longer than this (characters a reader sees, citation marks included);
#: before the short answers, success rates ran to 3,500 and durability to 2,600.
CAP = 800
#: The durability answer: two or three sentences (680: a trial left out of a pooled HR for
#: want of a CI is named beside it, "BELINDA 1.07 not pooled, no CI"; 760: a two-trial pool
#: wider than its trials, now LBCL EFS too, names each trial's own HR beside it; 790: a
#: missing HR says why, "BELINDA (OS HR): no data (no source in the evidence base reports
#: it)", where it said "no HR recorded for BELINDA (OS HR)": 787 for KR, JP, IN or GB vs CN).
DURABILITY_CAP = 790
WEAK = ("news", "secondary")


def _plain(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def _cards(client, pair: tuple[str, str]) -> dict[str, str]:
    """Each answer card's answer text on the overview for ``pair``, by question key."""
    page = client.get("/", params={"a": pair[0], "b": pair[1]})
    assert page.status_code == 200
    cards = re.findall(
        r'<article class="answer-card" id="q-([^"]+)">(.*?)</article>', page.text, re.S
    )
    return {key: _plain(re.findall(r"<p>(.*?)</p>", body, re.S)[-1]) for key, body in cards}


def _page_answer(client, key: str, pair: tuple[str, str]) -> str:
    page = client.get(f"/q/{key}", params={"a": pair[0], "b": pair[1]}).text
    return _plain(re.search(r'<p class="answer">(.*?)</p>', page, re.S).group(1))


@pytest.fixture(scope="module")
def overview(client) -> dict[tuple[str, str], dict[str, str]]:
    return {pair: _cards(client, pair) for pair in PAIRS}


@pytest.mark.parametrize("pair", PAIRS, ids="-".join)
def test_every_overview_answer_is_short(overview, pair):
    cards = overview[pair]
    assert len(cards) == 12
    for key, text in cards.items():
        assert text, key
        assert len(text) <= CAP, (key, len(text), text)
    assert len(cards["durability"]) <= DURABILITY_CAP, cards["durability"]


def _survival_counts(place: str) -> tuple[int, int]:
    """Studies, and their products, with a CAR-T-arm row in survival.csv, by country of
    conduct (the study's row in studies.csv). A study of no recorded product (an academic
    construct such as LEGEND-2's LCAR-B38M) counts as a study, not as a product."""
    studies = {s["study_id"]: s for s in plain.rows("studies")}
    found = {
        r["study_id"]
        for r in plain.rows("survival")
        if r["arm"] == "car-t" and studies[r["study_id"]]["country_of_conduct"] == place
    }
    return len(found), len({studies[s]["product_id"] for s in found} - {""})


def _randomized() -> dict[str, dict[str, str]]:
    return {
        s["study_id"]: s
        for s in plain.rows("studies")
        if s["design"].startswith("randomized vs standard of care")
    }


def _headline_hazard_ratios() -> list[tuple[str, int]]:
    """Per indication with a randomized trial: the endpoint most of its trials name as primary
    (comparisons.csv ``primary_endpoint``), the trials behind it (``plain.hazard_trials``) and
    the text the answer must give: metafor's pooled HR for two or more trials, else the trial's
    own printed HR; with the number of those trials read on a weak page."""
    trials = _randomized()
    primary: dict[str, Counter] = {}
    for row in plain.rows("comparisons"):
        if row["primary_endpoint"] == "true" and row["hr"] and row["ci_low"]:
            indication = trials[row["study_id"]]["indication"]
            primary.setdefault(indication, Counter())[row["study_id"], row["endpoint"]] = 1
    expected = []
    for indication in sorted(primary):
        per_endpoint = Counter(endpoint for _, endpoint in primary[indication])
        endpoint = min(per_endpoint, key=lambda e: (-per_endpoint[e], e))
        rows = plain.hazard_trials(indication, endpoint)
        if len(rows) > 1:
            ref = METAFOR[indication, endpoint]
            # a pooled interval that spans 1 and is wider than every trial's own names the
            # trials' own HRs
            width = math.log(ref["ci_high"] / ref["ci_low"])
            wide = ref["ci_low"] < 1 < ref["ci_high"] and all(
                width > math.log(float(r["ci_high"]) / float(r["ci_low"])) for r in rows
            )
            own = ", ".join(
                f"{r['study_id']} {float(r['hr']):g} ({float(r['ci_low']):g}–"
                f"{float(r['ci_high']):g})"
                for r in sorted(rows, key=lambda r: r["study_id"])
            )
            each = "either" if len(rows) == 2 else "every"
            # a trial of the comparison printed without a CI is named, not pooled
            unpooled = "".join(
                f"; {r['study_id']} {float(r['hr']):g} not pooled, no CI"
                for r in plain.hazard_without_ci(indication, endpoint)
            )
            said = (
                f"{indication} {endpoint} {ref['hr']:.2f} (95% CI {ref['ci_low']:.2f}–"
                f"{ref['ci_high']:.2f}, {len(rows)} trials pooled"
                + (f", wider than {each} trial's own: {own}" if wide else "")
                + f"{unpooled})"
            )
        else:
            (row,) = rows
            study = trials[row["study_id"]]
            said = (
                f"{indication} {endpoint} {float(row['hr']):g} (95% CI {float(row['ci_low']):g}–"
                f"{float(row['ci_high']):g}, {row['study_id']}, {study['country_of_conduct']})"
            )
        expected.append((said, sum(r["source_kind"] in WEAK for r in rows)))
    return expected


def _expected_durability(pair: tuple[str, str]) -> list[tuple[str, int | None]]:
    said: list[tuple[str, int | None]] = []
    for place in [*pair, "multinational"]:
        studies, products = _survival_counts(place)
        where = "in several countries" if place == "multinational" else f"in {place}"
        said.append(
            (
                f"{studies} ({products} product{'' if products == 1 else 's'}) {where}"
                if studies or place == "multinational"
                else f"in {place}, no data (no study conducted in {place} reports survival or "
                "response duration)",
                None,
            )
        )
    said += _headline_hazard_ratios()
    assert plain.hazard_ratio_gaps(), "the check needs a randomized trial without a recorded HR"
    # why each is absent, in words (not a bare "no HR recorded"): no stored source prints it
    # (the command that lists the gaps is left to the section, as the answer's length is capped)
    gaps = plain.hazard_ratio_gaps()
    them = "it" if sum(g.count(" HR") for g in gaps) == 1 else "them"
    said += [
        (
            f"{gaps[0] if len(gaps) == 1 else ', '.join(gaps[:-1]) + ' and ' + gaps[-1]}: "
            f"no data (no source in the evidence base reports {them})",
            None,
        )
    ]
    return said


@pytest.mark.parametrize("pair", [("CN", "US"), ("KR", "CN")], ids="-".join)
def test_durability_short_answer_numbers_match_the_csv_on_overview_and_page(client, overview, pair):
    card = overview[pair]["durability"]
    assert card == _page_answer(client, "durability", pair)  # the same answer on its page
    for text, weak in _expected_durability(pair):
        assert text in card, (text, card)
        if weak is not None:  # a trial read on a news or secondary page is marked beside it
            part = card.split(text, 1)[1].split(";", 1)[0]
            assert part.count("(weak source)") == weak, (text, part)
    assert "see Durability" in card


def test_durability_short_answer_numbers_match_the_api(evidence_client, overview):
    card = overview["CN", "US"]["durability"]
    for country in ("CN", "US"):
        items = evidence_client.get("/api/survival", params={"country": country}).json()["items"]
        car_t = [i for i in items if i["arm"] == "car-t"]
        studies = len({i["study_id"] for i in car_t})
        products = len({i["product_id"] for i in car_t} - {None, ""})
        assert (studies, products) == _survival_counts(country)
        noun = "product" if products == 1 else "products"
        assert f"{studies} ({products} {noun}) in {country}" in card
    for (indication, endpoint), ref in METAFOR.items():
        body = evidence_client.get("/api/comparisons", params={"indication": indication}).json()
        (pooled,) = [p for p in body["pooled"] if p["endpoint"] == endpoint]
        shown = f"{indication} {endpoint} {pooled['hr']:.2f} (95% CI {pooled['ci_low']:.2f}–"
        assert pooled["hr"] == pytest.approx(ref["hr"], rel=1e-6)
        if any(shown in text for text, _ in _headline_hazard_ratios()):
            assert shown in card


def test_success_short_answer_counts_studies_and_news_rows_as_the_csv(overview, client):
    """Per indication and country, the short answer's "(k studies, n from news)" is the plain
    route's pooled cohorts, and its rate is the one the full statement on the page gives."""
    card = overview["CN", "US"]["success"]
    page = _plain(client.get("/q/success", params={"a": "CN", "b": "US"}).text)
    for indication in ("LBCL", "B-ALL", "MM"):
        line = card.split(f"{indication}: ", 1)[1].split(";", 1)[0]
        for country in ("CN", "US"):
            chosen = plain.selected(indication, "CR", country)
            news = sum(
                o["source_kind"] == "news"
                for s, o in plain.chosen_rows(indication, "CR", country).items()
                if s in {c for c, _, _ in chosen}
            )
            k = len(chosen)
            mark = "" if not news else ", from news" if k == 1 else f", {news} from news"
            counted = f"{k} studies" if k > 1 else "1 study"
            rate = re.search(rf"(\d+% \(\d+–\d+%\)) in {country} \({counted}{mark}\)", line)
            assert rate, (indication, country, line)
            assert f"{rate.group(1)} in {country} (" in page
