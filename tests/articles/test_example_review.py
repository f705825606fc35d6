"""The example article's claims as a haematologist and a journalist read them. Each verdict
reviewed here is recomputed from the raw knowledge-base rows (and the stored registry labels)
by a simpler route — the csv module and the helpers of ``tests/golden/plain.py``, no cartatlas
analysis code — and must be the same on the CLI (``check-article --format json``), the API
(``POST /api/check-article``), the dashboard (``/article``) and the report's claims section (the
shipped claims file's claim of the same meaning)."""

from __future__ import annotations

import html
import json
import math
import warnings

import pytest
from typer.testing import CliRunner

from cartatlas.analyses.article.parse_dates import written_on
from cartatlas.analyses.article.parse_numbers import find_money
from cartatlas.analyses.claims import EXAMPLE, load_claims
from cartatlas.cli import app
from cartatlas.report.build import build_report
from cartatlas.store import open_store
from cartatlas.web.app import create_app
from tests.analyses.test_headline_sources import expected_claim_prices
from tests.articles.conftest import EXAMPLE_ARTICLE
from tests.golden.plain import chosen_rows, clopper_pearson, fisher_two_sided, rows
from tests.web.test_price_claims import expected_price_verdict

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

# --- the simple route ---------------------------------------------------------------------------


#: The example page's own date ("Modified date: 2025-12-05").
PAGE_DATE = "2025-12-05"


def dated_approvals(country: str, by: str = PAGE_DATE) -> list[dict[str, str]]:
    """approvals.csv rows of ``country`` dated on or before ``by`` (a month or year date counts
    from its first day, as the string order does)."""
    return [
        a
        for a in rows("approvals")
        if a["country"] == country and a["approval_date"] and a["approval_date"] <= by
    ]


def approved_products(country: str) -> set[str]:
    """Products with any approval in ``country`` (dated or not)."""
    return {a["product_id"] for a in rows("approvals") if a["country"] == country}


def targets_per_country(store_path: str) -> dict[str, set[str]]:
    """Named CAR targets of the registry's CAR trials, per country with a site (stored labels)."""
    found: dict[str, set[str]] = {}
    with open_store(store_path, read_only=True) as store:
        for targets, countries in store.execute(
            "SELECT targets, countries FROM trial_labels WHERE is_car"
        ):
            for country in (countries or "").split("|"):
                found.setdefault(country, set()).update(t for t in (targets or "").split("|") if t)
    return found


# --- every surface --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def surfaces(full_store, tmp_path_factory):
    """Per surface, the article's claims (CLI, API, dashboard) or the shipped claims (report)."""
    if not EXAMPLE_ARTICLE.exists():
        pytest.skip(f"{EXAMPLE_ARTICLE} is missing (the shared folder sits beside the repo)")
    article = EXAMPLE_ARTICLE.read_text("utf-8")
    cli = CliRunner().invoke(
        app, ["--db", full_store, "check-article", "--format", "json", str(EXAMPLE_ARTICLE)]
    )
    assert cli.exit_code == 0, cli.output
    with TestClient(create_app(full_store)) as client:
        api = client.post(
            "/api/check-article", content=article, headers={"content-type": "text/markdown"}
        ).json()
        page = client.post("/article", data={"text": article}).text
    with open_store(full_store, read_only=True) as store:
        report = build_report(store, ["CN", "US"], load_claims(EXAMPLE))
    section = next(s for s in report.sections if s.key == "claims")
    table = next(b for b in section.blocks if getattr(b, "rows", None))
    by_text = {row[0]: row for row in table.rows}
    shipped = {c.id: by_text[c.text] for c in load_claims(EXAMPLE).claims}
    return {
        "cli": [json.loads(line) for line in cli.stdout.splitlines()],
        "api": api["claims"],
        "page": page,
        "report": shipped,
    }


def _claims(surfaces, words: str, sentence: str = "") -> list[tuple[dict, dict]]:
    """The (CLI, API) records of the claims read from ``words`` in a sentence holding
    ``sentence``; the two lists must be the same claims in the same order."""
    assert [c["words"] for c in surfaces["cli"]] == [c["words"] for c in surfaces["api"]]
    return [
        (c, a)
        for c, a in zip(surfaces["cli"], surfaces["api"], strict=True)
        if c["words"] == words and sentence in c["sentence"]
    ]


def _page_verdict(page: str, number: int) -> str:
    item = page[page.index(f'<li id="claim-{number}">') :]
    return html.unescape(item.split('class="verdict verdict-')[1].split(">")[1].split("<")[0])


def _assert_everywhere(surfaces, cli: dict, api: dict, expected: str, shipped: str) -> None:
    number = surfaces["cli"].index(cli) + 1
    assert cli["verdict"] == api["verdict"] == expected
    assert cli["evidence"] == api["evidence"]
    assert _page_verdict(surfaces["page"], number) == expected
    assert surfaces["report"][shipped][1] == expected


# --- the reviewed claims ------------------------------------------------------------------------


def test_experimental_constructs_are_compared_by_target_not_by_approved_products(
    surfaces, full_store
):
    """ "China has a broader array of experimental and domestically developed CAR-T constructs
    targeting various antigens …, including those not yet widely approved in the US" compares
    what trials test. It was read as a count of approved products (CN 6 vs US 7: contradicted);
    the registry's named targets (a trial naming none adds none) support it."""
    targets = targets_per_country(full_store)
    cn, us = len(targets["CN"]), len(targets["US"])
    expected = "supported" if cn > us else "contradicted"
    ((cli, api),) = _claims(surfaces, "broader array")
    assert cli["metric"] == "distinct_targets"
    assert f"CN {cn} vs US {us}" in cli["evidence"]
    _assert_everywhere(surfaces, cli, api, expected, "china-more-targets")
    assert f"CN {cn} vs US {us}" in surfaces["report"]["china-more-targets"][3]


def test_a_growth_of_approvals_is_not_read_as_china_ahead_of_the_us(surfaces):
    """ "A rapid expansion of approved CAR-T products and a higher volume of ongoing clinical
    trials in China": the growth is no comparison with the US (it was checked as CN > US in
    approved products, contradicted); the higher volume of trials is one."""
    found = [c for c in surfaces["cli"] if "rapid expansion" in c["sentence"]]
    assert [c["metric"] for c in found] == ["trial_count"]
    assert found[0]["words"] == "higher volume"


def test_approved_product_counts_are_cited(surfaces):
    """ "A broader range of available treatments locally" (NMPA's faster approvals): distinct
    approved products per country in approvals.csv up to the page's date; the count now cites
    the approval rows."""
    cn_rows, us_rows = dated_approvals("CN"), dated_approvals("US")
    cn, us = {a["product_id"] for a in cn_rows}, {a["product_id"] for a in us_rows}
    expected = "supported" if len(cn) > len(us) else "contradicted"
    ((cli, api),) = _claims(surfaces, "broader range", "NMPA")
    assert cli["metric"] == "approved_products"
    assert f"by {PAGE_DATE}: CN {len(cn)} vs US {len(us)}" in cli["evidence"]
    _assert_everywhere(surfaces, cli, api, expected, "china-more-approved")
    cited = {a["source_url"] for a in cn_rows + us_rows}
    assert set(cli["sources"]) == cited
    assert surfaces["report"]["china-more-approved"][5], "the report cites the approvals"


def test_a_price_range_or_even_higher_has_no_upper_bound(surfaces):
    """ "Typically falls between $375,000 and $500,000 or even higher": a lower bound only (it
    was read as at most $500,000), the same claim as the summary's "$375,000 to over $500,000"."""
    (money,) = find_money("between $375,000 and $500,000 or even higher")
    assert (money.low, money.open_high) == (375000, True)
    expected, inside, total = expected_price_verdict("price-us")  # ≥ $375,000 as of the page
    ((cli, api),) = _claims(surfaces, "between $375,000 and $500,000")
    assert cli["range"] == [375000, None]
    _assert_everywhere(surfaces, cli, api, expected, "price-us")
    assert cli["evidence"].startswith(f"{inside} of {total} prices in range")


def test_the_domestic_price_sentence_naming_no_country_is_checked(surfaces):
    """ "Domestically developed and approved CAR-T treatments may range from approximately
    $50,000 to $200,000": missed before ("treatments" was no word of cost); China from the
    sentence before, ±10 % for "approximately" (45,000–220,000)."""
    expected, inside, total = expected_price_verdict("price-china")  # 45,000–220,000 USD
    ((cli, api),) = _claims(surfaces, "$50,000 to $200,000", "approximately")
    assert (cli["countries"], cli["scope"], cli["metric"]) == (
        ["CN"],
        "domestic_products",
        "price_usd",
    )
    assert "45,000–220,000 USD" in cli["rule"]
    _assert_everywhere(surfaces, cli, api, expected, "price-china")
    assert cli["evidence"].startswith(f"{inside} of {total} prices in range")


def test_a_pooled_rate_names_its_studies_read_on_news_pages(surfaces):
    """The B-ALL "similar" verdict pools a news page's rows (the real-world brexu-cel cohort in
    the US): the evidence names them as weak sources on every surface, and a CI inside the ±10
    margin is never printed as reaching 10. The approved products' comparison names any of its
    trials read on news pages the same way (none since inati-cel's pivotal rows cite CASI's own
    release)."""
    weak = [
        study
        for country in ("CN", "US")
        for study, row in chosen_rows("B-ALL", "CR", country).items()
        if row["source_kind"] == "news"
    ]
    assert weak
    for cli, _ in _claims(surfaces, "similar"):
        if cli["indication"] != "B-ALL" or cli["scope"]:
            continue  # the approved products' comparison is checked below
        for study in weak:
            assert f"{study} from a news or secondary source" in cli["evidence"]
        if cli["verdict"] == "supported":
            assert " to +10)" not in cli["evidence"] and "CI -10 to" not in cli["evidence"]
    approved_weak = [  # the shipped claim compares the approved products' trials
        study
        for country in ("CN", "US")
        for study, row in approved_trial_rows("B-ALL", country).items()
        if row["source_kind"] == "news"
    ]
    for study in approved_weak:
        assert (
            f"{study} from a news or secondary source" in surfaces["report"]["cr-ball-similar"][3]
        )


ESCAPES = "\x1b[31m\x1b]8;;http://evil.example\x07x\x1b]8;;\x07\x9b1m"
HOSTILE_CLAIMS = f"""
source: {{title: "T{ESCAPES.encode("unicode_escape").decode()}"}}
claims:
  - id: h
    text: "CR in LBCL is similar{ESCAPES.encode("unicode_escape").decode()} [bold]x[/]"
    metric: CR
    indication: LBCL
    countries: [CN, US]
    compare: similar
"""


@pytest.mark.parametrize("fmt", ["text", "json", "md", "html"])
def test_no_control_character_reaches_a_check_article_output(evidence_store, tmp_path, fmt):
    """A page's terminal escape sequences (colour, an OSC 8 hyperlink, a C1 CSI) would act on
    the terminal its claims are printed to: they are dropped with the article's text."""
    page = tmp_path / "page.txt"
    page.write_text(f"In China, CAR-T costs $120,000 to $170,000{ESCAPES}.", "utf-8")
    result = CliRunner().invoke(
        app, ["--db", evidence_store, "check-article", "--format", fmt, str(page)]
    )
    assert result.exit_code == 0, result.output
    assert "1 checkable claims" in result.output
    assert not any(c in result.stdout for c in "\x1b\x07\x9b")


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_no_control_character_reaches_a_claims_file_output(evidence_store, tmp_path, fmt):
    path = tmp_path / "claims.yaml"
    path.write_text(HOSTILE_CLAIMS, "utf-8")
    result = CliRunner().invoke(app, ["--db", evidence_store, "claims", "--format", fmt, str(path)])
    assert result.exit_code == 0, result.output
    assert "similar" in result.stdout and "[bold]x[/]" in result.stdout.replace("\n", "")
    assert not any(c in result.stdout for c in "\x1b\x07\x9b")


def ongoing_trials_per_country(store_path: str) -> dict[str, int]:
    """CAR trials under way (stored labels × registry status) per country with a site."""
    ongoing = (
        "RECRUITING",
        "NOT_YET_RECRUITING",
        "ACTIVE_NOT_RECRUITING",
        "ENROLLING_BY_INVITATION",
    )
    found: dict[str, set[str]] = {}
    with open_store(store_path, read_only=True) as store:
        for trial, countries, status in store.execute(
            "SELECT l.nct_id, l.countries, s.status FROM trial_labels l "
            "JOIN reg_study s ON s.trial_id = l.nct_id WHERE l.is_car"
        ):
            if status in ongoing:
                for country in (countries or "").split("|"):
                    found.setdefault(country, set()).add(trial)
    return {country: len(trials) for country, trials in found.items()}


def test_active_trials_are_counted_among_trials_under_way(surfaces, full_store):
    """ "A higher volume of ongoing clinical trials" (and the shipped "ahead of the US"):
    counted among trials under way, not every registered trial (completed, withdrawn, unknown),
    and without the published counts, which count every status."""
    n = ongoing_trials_per_country(full_store)
    expected = "supported" if n["CN"] > n["US"] else "contradicted"
    for words in ("higher volume",):
        ((cli, api),) = _claims(surfaces, words)
        assert (cli["metric"], cli["scope"]) == ("trial_count", "ongoing_trials")
        assert (
            f"ongoing CAR trials with a site there (registry snapshot): CN {n['CN']} vs US "
            in (cli["evidence"])
        )
        assert "published count" not in cli["evidence"]
        number = surfaces["cli"].index(cli) + 1
        assert cli["verdict"] == api["verdict"] == expected
        assert _page_verdict(surfaces["page"], number) == expected
    shipped = surfaces["report"]["china-more-trials"]
    assert shipped[1] == expected
    assert f"CN {n['CN']} vs US {n['US']}" in shipped[3] and "published count" not in shipped[3]


def test_a_global_lead_is_checked_against_every_country(surfaces, full_store):
    """ "China leads globally in the number of active CAR-T therapy clinical trials", "leading
    the world in the sheer number of active CAR-T studies": first among every country with a
    site in the registry snapshot (trials under way), not CN vs US alone; the runner-up is named
    with its count."""
    n = ongoing_trials_per_country(full_store)
    n.pop("", None)
    others = sorted(((-k, c) for c, k in n.items() if c != "CN"))
    runner_up, runner_up_n = others[0][1], -others[0][0]
    expected = "supported" if n["CN"] > runner_up_n else "contradicted"
    evidence = f"CN {n['CN']}; next: {runner_up} {runner_up_n}; {len(n)} countries counted"
    for words in ("leads globally", "leading the world"):
        ((cli, api),) = _claims(surfaces, words)
        assert (cli["metric"], cli["scope"], cli["versus"]) == (
            "trial_count",
            "ongoing_trials",
            "world",
        )
        assert (
            cli["evidence"]
            == f"ongoing CAR trials with a site there (registry snapshot): {evidence}"
        )
        _assert_everywhere(surfaces, cli, api, expected, "china-leads-world-trials")
        assert "CN vs every country" in cli["plain"]
    assert evidence in surfaces["report"]["china-leads-world-trials"][3]


#: Europe as a reader of "the US and Europe" means it: EU members, the rest of the EEA, UK, CH.
EUROPE_CODES = {
    *("AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE"),
    *("IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"),  # EU-27
    *("IS", "LI", "NO", "GB", "CH"),
}


def test_more_than_the_us_and_europe_combined(surfaces, full_store):
    """ "Often surpassing the combined number of trials in the US and Europe" (missed before):
    China's trials under way against the distinct trials under way with a site in the US or a
    European country, each counted once however many of those countries it runs in."""
    cn, west = set(), set()
    with open_store(full_store, read_only=True) as store:
        for trial, countries in store.execute(
            "SELECT l.nct_id, l.countries FROM trial_labels l JOIN reg_study s "
            "ON s.trial_id = l.nct_id WHERE l.is_car AND s.status IN ('RECRUITING', "
            "'NOT_YET_RECRUITING', 'ACTIVE_NOT_RECRUITING', 'ENROLLING_BY_INVITATION')"
        ):
            sites = set((countries or "").split("|"))
            if "CN" in sites:
                cn.add(trial)
            if sites & (EUROPE_CODES | {"US"}):
                west.add(trial)
    assert len(EUROPE_CODES) == 32
    per_country = ongoing_trials_per_country(full_store)
    summed = sum(k for c, k in per_country.items() if c in EUROPE_CODES | {"US"})
    assert len(west) < summed, "a trial with sites in several of them is counted once"
    expected = "supported" if len(cn) > len(west) else "contradicted"
    ((cli, api),) = _claims(
        surfaces, "surpassing the combined number of trials in the US and Europe"
    )
    assert (cli["metric"], cli["scope"], cli["versus"]) == (
        "trial_count",
        "ongoing_trials",
        "US_and_Europe",
    )
    counts = f"CN {len(cn)} vs US + Europe {len(west)}"
    assert counts in cli["evidence"]
    assert "Europe = EU/EEA (27 EU members + IS, LI, NO) + GB + CH" in cli["evidence"]
    _assert_everywhere(surfaces, cli, api, expected, "china-more-than-us-europe")
    assert counts in surfaces["report"]["china-more-than-us-europe"][3]


def test_a_price_claim_is_checked_against_the_prices_in_force_on_the_pages_date(surfaces):
    """The page is dated 2025-12-05: a launch price a later one replaced (axi-cel's $373,000 of
    2017–18, liso-cel's $410,300 and $447,227 before its 2024 WAC) is not what the product
    costs then, and a 2026 price is not yet; the prices counted are those in force."""
    for words, shipped in (("$375,000 to over $500,000", "price-us"),):
        ((cli, api),) = _claims(surfaces, words)
        expected, inside, total = expected_price_verdict(shipped)
        assert cli["verdict"] == api["verdict"] == expected
        assert cli["evidence"].startswith(f"{inside} of {total} prices in range")
        assert "prices in force on the page's date (2025-12-05)" in cli["checked_scope"]
        assert surfaces["report"][shipped][1] == expected
    in_force = {round(u) for _, u, _ in expected_claim_prices("US", "2025-12-05")}
    every = {round(u) for _, u, _ in expected_claim_prices("US", None)}
    assert 410300 not in in_force and 447227 not in in_force and 487477 in in_force <= every
    ((cli, _),) = _claims(surfaces, "$50,000 to $200,000", "domestically developed therapies")
    assert " 2026 " not in cli["evidence"]


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("Details\n\nModified date: 2025-12-05\nTreatment: CAR-T", "2025-12-05"),
        ("Published: March 3, 2024. Updated on June 2025.", "2025-06"),
        ("CAR-T was approved in 2021 and costs $400,000.", None),
        ("Last updated 2019", None),  # a bare year is too coarse to date the prices in force
    ],
)
def test_the_pages_own_date_is_read(text, date):
    assert written_on(text) == date


def approved_trial_rows(indication: str, country: str) -> dict[str, dict[str, str]]:
    """The preferred CR row of each trial of a product approved in ``country`` with a treating
    site there (standard population, not real-world, not read only on a secondary page)."""
    approved = approved_products(country)

    def where(study: dict[str, str]) -> bool:
        sites = study["countries"].split("|") + [study["country_of_conduct"]]
        return (
            study["product_id"] in approved
            and country in sites
            and study["real_world"].lower() != "true"
            and (study["population_group"] or "standard") == "standard"
        )

    chosen = chosen_rows(indication, "CR", country, where)
    return {s: r for s, r in chosen.items() if r["source_kind"] != "secondary"}


def test_similar_efficacy_of_the_respective_approved_products(surfaces):
    """ "Both countries report similar efficacy data for their respective approved CAR-T
    products" (r/r DLBCL or B-ALL) compares the approved products' trials: in B-ALL China's
    inati-cel pivotal trial against the US-approved brexu-cel and obe-cel trials, not academic
    constructs conducted in each country (supported before, by a country-of-conduct pool). One
    country's exact 95% CI wider than 20 points makes the difference's CI wider than the ±10
    margin allows; Fisher's exact test on the summed counts finds no difference: partly."""
    cn, us = approved_trial_rows("B-ALL", "CN"), approved_trial_rows("B-ALL", "US")
    assert not set(cn) & set(us)
    (row,) = cn.values()
    low, high = clopper_pearson(int(row["events"]), int(row["n"]))
    assert 100 * (high - low) > 20
    x1, n1 = int(row["events"]), int(row["n"])
    x2, n2 = sum(int(r["events"]) for r in us.values()), sum(int(r["n"]) for r in us.values())
    p = fisher_two_sided(x1, n1 - x1, x2, n2 - x2)
    expected = "contradicted" if p < 0.05 else "partly supported"
    ((cli, api),) = [
        pair
        for pair in _claims(surfaces, "similar")
        if pair[0]["indication"] == "B-ALL" and pair[0]["scope"] == "approved_products"
    ]
    assert f"k={len(us)}" in cli["evidence"] and "CN single study" in cli["evidence"]
    _assert_everywhere(surfaces, cli, api, expected, "cr-ball-similar")


def test_a_study_rate_in_a_verdict_is_rounded_as_the_paper_prints_it(evidence_store, tmp_path):
    """13 of 16 is 81.25%: the paper, the report and the API print 81.3%; the claims evidence
    printed Python's half-to-even 81.2%."""
    (row,) = [
        o
        for o in rows("outcomes")
        if o["study_id"] == "Yangtze2021-BCMAxCD38" and o["endpoint"] == "CR"
    ]
    assert (row["events"], row["n"]) == ("13", "16")
    path = tmp_path / "cr-mm.yaml"
    path.write_text(
        "claims:\n  - {id: m, text: CR in MM, metric: CR, indication: MM, countries: [CN], "
        "range: [0, 100]}\n",
        "utf-8",
    )
    result = CliRunner().invoke(
        app, ["--db", evidence_store, "claims", "--format", "json", str(path)]
    )
    assert result.exit_code == 0, result.output
    (verdict,) = json.loads(result.stdout)
    assert "Yangtze2021-BCMAxCD38 81.3%" in verdict["evidence"]


def _any_grade_rows(
    events: tuple[str, ...], indication: str, conducted: str, site: str | None = None
) -> list[dict[str, str]]:
    """The non-secondary any-grade rows of ``events`` in standard-population cohorts of
    ``indication`` conducted in ``conducted`` (a country or "multinational"), with a recorded
    site in ``site`` when given."""
    studies = {
        s["study_id"]
        for s in rows("studies")
        if s["indication"] == indication
        and s["country_of_conduct"] == conducted
        and (site is None or site in s["countries"].split("|"))
        and not s["overlaps_with"]
        and (s["population_group"] or "standard") == "standard"
    }
    return [
        r
        for r in rows("safety")
        if r["study_id"] in studies
        and r["event"] in events
        and r["grade"] == "any"
        and r["source_kind"] != "secondary"
    ]


def _any_grade_gradings(events: tuple[str, ...], indication: str, country: str) -> list[str]:
    """The grading system of each any-grade row of ``events`` in cohorts of ``indication``
    conducted in ``country`` ("" when the source names none)."""
    return [r["grading"] for r in _any_grade_rows(events, indication, country)]


@pytest.mark.parametrize(
    ("metric", "events"), [("CRS_any", ("CRS",)), ("ICANS_any", ("ICANS", "neurotoxicity"))]
)
def test_side_effects_said_to_be_similar_have_rows_that_cannot_be_compared(
    surfaces, metric, events
):
    """ "Side effects such as CRS and neurotoxicity (ICANS) are fundamentally similar": both are
    claims (ICANS was not read). Myeloma cohorts in both countries report them, so the evidence
    is not empty, but no grading system is stated in both countries: rates graded differently
    are not comparable, and the verdict says "no comparable data", not plain "no data"."""
    cn, us = (_any_grade_gradings(events, "MM", c) for c in ("CN", "US"))
    assert cn and us
    shared = {g for g in cn if g} & {g for g in us if g}
    expected = "no data" if not shared else "comparable"
    ((cli, api),) = [p for p in _claims(surfaces, "similar") if p[0]["metric"] == metric]
    assert cli["verdict"] == api["verdict"] == expected
    assert cli["evidence"].startswith("no comparable data: ")
    assert f"US: not stated {us.count('')}" in cli["evidence"]
    assert _page_verdict(surfaces["page"], surfaces["cli"].index(cli) + 1) == expected
    if metric == "CRS_any":
        assert surfaces["report"]["crs-similar"][1] == expected
        assert surfaces["report"]["crs-similar"][3].startswith("no comparable data: ")


def _multinational_with_sites(events: tuple[str, ...], indication: str, country: str) -> list[str]:
    """Multinational cohorts of ``indication`` with a recorded site in ``country`` and an
    any-grade row of ``events``, read from the raw rows."""
    rows_there = _any_grade_rows(events, indication, "multinational", site=country)
    return sorted({r["study_id"] for r in rows_there})


@pytest.mark.parametrize(
    ("metric", "events"), [("CRS_any", ("CRS",)), ("ICANS_any", ("ICANS", "neurotoxicity"))]
)
def test_no_data_for_a_country_names_its_multinational_trials(surfaces, metric, events):
    """B-ALL has no any-grade CRS or ICANS cohort conducted in the US, but ZUMA-3 treated
    patients there: "no data for US" alone read as if nothing were known. The verdict names the
    multinational trials with US sites (counted for no country), on the CLI, the API and the
    dashboard alike."""
    assert not _any_grade_gradings(events, "B-ALL", "US")
    expected = _multinational_with_sites(events, "B-ALL", "US")
    assert expected
    ((cli, api),) = [p for p in _claims(surfaces, "similar") if p[0]["metric"] == metric]
    named = ", ".join(expected)
    verb = "is" if len(expected) == 1 else "are"
    words = f"B-ALL: no data for US ({named}, with sites in US, {verb} multinational: counted"
    assert words in cli["evidence"]
    assert cli["evidence"] == api["evidence"]
    page = html.unescape(surfaces["page"])
    assert words in page
    if metric == "CRS_any":
        assert words in surfaces["report"]["crs-similar"][3]


def test_us_trials_of_approved_products_report_cr_of_40_to_54_percent(surfaces):
    """ "In US trials for approved CD19-targeted CAR-T therapies, CR rates for DLBCL have been
    reported in the range of 40-54%": the trials of US-approved products with a US site (the
    2L randomised ZUMA-7 and TRANSFORM included, as the sentence names no line), each rate
    rounded half up to whole percent as the claim is written; each listed with its counts and
    exact 95% CI (rates were listed bare)."""
    chosen = approved_trial_rows("LBCL", "US")
    inside = 0
    for row in chosen.values():
        x, n = int(row["events"]), int(row["n"])
        inside += 40 <= math.floor(100 * x / n + 0.5) <= 54
    share = inside / len(chosen)
    expected = (
        "supported" if share >= 0.75 else "partly supported" if share >= 0.25 else "contradicted"
    )
    ((cli, api),) = _claims(surfaces, "40-54%")
    assert cli["evidence"].startswith(f"{inside} of {len(chosen)} study rates in range")
    for study, row in chosen.items():
        x, n = int(row["events"]), int(row["n"])
        low, high = clopper_pearson(x, n)
        shown = f"{math.floor(100 * low + 0.5)}–{math.floor(100 * high + 0.5)}%"
        assert (
            f"{study} {math.floor(1000 * x / n + 0.5) / 10:.1f}% ({x}/{n}, 95% CI {shown})"
            in (cli["evidence"])
        )
    _assert_everywhere(surfaces, cli, api, expected, "cr-dlbcl-us")
