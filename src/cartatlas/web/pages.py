"""Dashboard pages: overview, one page per question, products, the trial finder and the
meta-analysis explorer. Server-rendered; charts are Vega-Lite specs embedded in the page."""

from __future__ import annotations

from typing import Annotated, get_args
from urllib.parse import parse_qs, urlencode

import pandas as pd
from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse
from markupsafe import Markup, escape
from pydantic import BeforeValidator

from cartatlas.analyses.approvals import CHOICE_RULE, approvals_frame, approved_product_counts
from cartatlas.analyses.claims import ClaimsFile
from cartatlas.analyses.study_rows import ENDPOINTS
from cartatlas.analyses.success_rates import MEASURE_NAMES
from cartatlas.evidence.absence import no_approvals
from cartatlas.evidence.jurisdictions import shown_brand
from cartatlas.registries.concepts import RECRUITING_DEFINITION, recruiting_in
from cartatlas.registries.national import unloaded_register_line
from cartatlas.report.sections import side_by_side
from cartatlas.store import Store
from cartatlas.web import charts, params
from cartatlas.web.api import meta as meta_api
from cartatlas.web.api.claims import MAX_BYTES as CLAIMS_MAX_BYTES
from cartatlas.web.api.claims import parse_document
from cartatlas.web.api.products import product_profile, products_frame
from cartatlas.web.api.trials import find_trial, trial_sites
from cartatlas.web.body import read_capped
from cartatlas.web.cache import Memo
from cartatlas.web.dashboard import QuestionPage, question_page
from cartatlas.web.deps import EvidenceDep, MemoDep, RegistryDep, RequiredRegistryDep
from cartatlas.web.errors import NotFound
from cartatlas.web.loop import on_loop_when_kept
from cartatlas.web.questions import BY_KEY, QUESTIONS
from cartatlas.web.registry import RegistryData, TrialFilters, WebContext
from cartatlas.web.render import body, country_name, fragment, kept_html, render, site_kept
from cartatlas.web.responses import records
from cartatlas.web.stored import question_key, question_name, stored
from cartatlas.wording import in_words

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

PairA = Annotated[params.CountryCode, Query(description="first country")]
PairB = Annotated[params.CountryCode, Query(description="second country")]
#: The compare form's optional third and fourth countries (an empty box: not given).
MoreCountry = Annotated[
    params.CountryCode | None,
    BeforeValidator(params.blank_is_none),
    Query(description="a further country to compare (optional)"),
]
PER_PAGE = 20


async def _pair(
    request: Request,
    a: PairA = "CN",
    b: PairB = "US",
    c: MoreCountry = None,
    d: MoreCountry = None,
) -> list[str]:
    """Two to four distinct countries, in the order given (a, b, then c and d if given); a
    country box given twice (``?a=CN&a=US``) is refused, as the API refuses it. Every bad box
    is named at once (``?c=XX&d=YY`` named c alone, then d on the next try)."""
    chosen: list[str] = []
    problems: list[dict] = []
    for name, value in (("a", a), ("b", b), ("c", c), ("d", d)):
        try:
            params.given_once(name, request.query_params.getlist(name))
            code = params.country(name, value)
            if code in chosen:
                raise params.bad_param(name, value, f"{code} is already compared; choose another")
        except RequestValidationError as exc:
            problems += exc.errors()
            continue
        if code is not None:
            chosen.append(code)
    if problems:
        raise RequestValidationError(problems)
    return chosen


def compare_query(countries: list[str]) -> str:
    """The query string that selects ``countries`` (``a=CN&b=US&c=IN``) for links."""
    return urlencode(dict(zip("abcd", countries, strict=False)))


def _world(request: Request) -> str:
    """The map outlines' URL, relative so a cached page does not carry a host name (looked up
    once: finding a route walks every route)."""
    return site_kept(request, "world", lambda: request.app.url_path_for("world"))


PairDep = Annotated[list[str], Depends(_pair)]


def _country_options(store: Store, registry: RegistryData | None) -> list[str]:
    """Countries with something to show: approvals, studies, prices or registered CAR trials."""
    _, rows = store.query(
        "SELECT country FROM evidence_approvals UNION SELECT country_of_conduct FROM "
        "evidence_studies UNION SELECT country FROM evidence_prices"
    )
    found = {r[0] for r in rows if r[0] and len(r[0]) == 2}
    if registry is not None:
        found |= {c for cs in registry.car_trials["countries"] for c in cs}
    return sorted(found)


def _nav_pair(countries: tuple[str, ...]) -> list[str]:
    """Two countries for the navigation links (the explorer may pool one or several)."""
    return list(countries[:2]) if len(countries) >= 2 else list(params.DEFAULT_COUNTRIES)


def _common(
    request: Request, store: Store, memo: Memo, registry: RegistryData | None, countries: list[str]
) -> dict:
    options, snapshot = memo.get(
        store,
        "country-options",
        lambda: (
            _country_options(store, registry),
            _snapshot(registry) if registry is not None else None,
        ),
    )
    return {
        "request": request,
        "countries": countries,
        "compare_query": compare_query(countries),
        "country_options": sorted(set(options) | set(countries)),
        "attribution": registry.notes if registry else [],
        "snapshot": snapshot,
    }


def _snapshot(registry: RegistryData) -> str:
    """The registry snapshot dates, as the footer and the site maps' sources name them."""
    return ", ".join(sorted({str(d) for d in registry.snapshots["snapshot_date"] if d}))


def _question_page(
    request: Request,
    store: Store,
    memo: Memo,
    registry: RegistryData | None,
    key: str,
    countries: list[str],
    document: ClaimsFile | None = None,
) -> QuestionPage:
    world = _world(request)
    build = lambda: question_page(  # noqa: E731
        WebContext(store, countries, registry=registry), BY_KEY[key], world, document
    )
    if document is not None:
        return build()
    name = question_name(key, countries, world)
    return memo.get(store, question_key(key, countries, world), lambda: stored(store, name, build))


def _side_by_side(store: Store, registry: RegistryData | None, countries: list[str]) -> dict:
    """The report's side-by-side table for three or four countries, with its references."""
    ctx = WebContext(store, countries, registry=registry)
    section = side_by_side.build(ctx)
    return {"section": section, "references": list(ctx.refs.items)}


@router.get("/")
@on_loop_when_kept
def overview(
    request: Request, store: EvidenceDep, memo: MemoDep, registry: RegistryDep, pair: PairDep
):
    common = _common(request, store, memo, registry, pair)

    def body() -> dict:
        pages = [_question_page(request, store, memo, registry, q.key, pair) for q in QUESTIONS]
        # each with its question, whose page holds the references its table cites
        figures = [
            (p.question.key, next((b for b in p.blocks if getattr(b, "spec", None)), None))
            for p in pages
            if p.question.key in ("approvals", "activity")
        ]
        return {
            **common,
            "compare": _side_by_side(store, registry, pair) if len(pair) > 2 else None,
            "pages": pages,
            "figures": [(key, f) for key, f in figures if f is not None],
            "glance": _glance(store, registry, pair),
            "recruiting_definition": RECRUITING_DEFINITION,
            "registers_note": WebContext(store, pair, registry=registry).uncounted_registers
            if registry
            else None,
        }

    html = fragment(request, memo, store, tuple(pair), "overview_body.html.j2", body)
    return render(request, "overview.html.j2", {**common, "body": html})


def _glance(store: Store, registry: RegistryData | None, pair: list[str]) -> list[dict]:
    """The overview's per-country counts (page data, built once per data version)."""
    products = approved_product_counts(approvals_frame(store, pair), pair)
    ctx: WebContext | None = None
    glance = []
    for country in pair:
        row = {
            "country": country,
            "products": products[country],
            "no_products": no_approvals(country),
        }
        if registry is not None:
            trials = registry.car_trials[[country in c for c in registry.car_trials["countries"]]]
            row["trials"] = len(trials)
            status = registry.car_trials.set_index("nct_id")["status"]
            row["recruiting"] = len(recruiting_in(registry.car_sites, status, country))
            # India's 0 recruiting trials says which registers were read, as the report's cell
            # does ("0 (ClinicalTrials.gov only; CTRI not loaded)"): never a bare, false 0.
            ctx = ctx or WebContext(store, pair, registry=registry)
            row["trials_note"] = ctx.unloaded_beside(country, row["trials"])
            row["recruiting_note"] = ctx.unloaded_beside(country, row["recruiting"])
        glance.append(row)
    return glance


@router.get("/q/{key}")
@on_loop_when_kept
def question(
    request: Request,
    store: EvidenceDep,
    memo: MemoDep,
    registry: RegistryDep,
    pair: PairDep,
    key: Annotated[str, Path(max_length=20)],
):
    if key not in BY_KEY:
        raise NotFound(f"no question {key!r}; the questions are {', '.join(BY_KEY)}")
    page = _question_page(request, store, memo, registry, key, pair)
    common = {**_common(request, store, memo, registry, pair), "page": page}
    html = fragment(
        request,
        memo,
        store,
        (key, tuple(pair)),
        "question_body.html.j2",
        lambda: {**common, "document_text": ""},
    )
    return render(request, "question.html.j2", {**common, "body": html})


async def _posted_document(request: Request) -> tuple[str, ClaimsFile]:
    # Form encoding writes a byte as up to three ("%E4"): the cap allows for that.
    body = await read_capped(request, 3 * CLAIMS_MAX_BYTES, "claims form")
    text = parse_qs(body.decode("utf-8", "replace")).get("document", [""])[0]
    return text, parse_document(text.encode("utf-8"), "application/yaml")


@router.post("/q/claims")
def check_posted_claims(
    request: Request,
    store: EvidenceDep,
    memo: MemoDep,
    registry: RegistryDep,
    pair: PairDep,
    posted: Annotated[tuple[str, ClaimsFile], Depends(_posted_document)],
):
    """The claims page for a pasted YAML document (checked, never stored)."""
    text, document = posted
    page = _question_page(request, store, memo, registry, "claims", pair, document)
    context = {**_common(request, store, memo, registry, pair), "page": page}
    html = body(request, "question_body.html.j2", {**context, "document_text": text})
    return render(request, "question.html.j2", {**context, "body": html})


@router.get("/products")
@on_loop_when_kept
def products(request: Request, store: EvidenceDep, memo: MemoDep, registry: RegistryDep):
    common = _common(request, store, memo, registry, list(params.DEFAULT_COUNTRIES))
    html = fragment(
        request,
        memo,
        store,
        (),
        "products_body.html.j2",
        lambda: {**common, "products": _product_rows(store)},
    )
    return render(request, "products.html.j2", {**common, "body": html})


def _product_rows(store: Store) -> list[dict]:
    """Every product with its first approval per country (page data, built once per data)."""
    frame = products_frame(store)
    approvals = approvals_frame(store, sorted({c for cs in frame["approved_in"] for c in cs}))
    first = (
        approvals.dropna(subset=["date"])
        .sort_values("date")
        .groupby(["product_id", "country"])["approval_date"]
        .first()
    )
    return [
        {
            **row,
            "first_approvals": [
                (c, shown_brand(row["brands"], c), first.get((row["product_id"], c)))
                for c in row["approved_in"]
            ],
        }
        for row in records(frame)
    ]


@router.get("/products/{key}")
@on_loop_when_kept
def product(
    request: Request,
    store: EvidenceDep,
    memo: MemoDep,
    registry: RegistryDep,
    key: Annotated[str, Path(max_length=100)],
):
    profile, spec = memo.get(store, ("product-page", key), lambda: _product_data(store, key))
    common = {
        **_common(request, store, memo, registry, list(params.DEFAULT_COUNTRIES)),
        "profile": profile,
        "outcomes_spec": spec,
        "choice_rule": CHOICE_RULE,
    }
    html = fragment(request, memo, store, key, "product_body.html.j2", lambda: common)
    return render(request, "product.html.j2", {**common, "body": html})


def _product_data(store: Store, key: str) -> tuple[dict, dict | None]:
    """A product's profile and its outcomes forest (page data, built once per data)."""
    profile = product_profile(store, key)
    outcomes = pd.DataFrame(profile["outcomes"])
    spec = None
    if not outcomes.empty:
        studies = outcomes.assign(  # a product's trials span indications: name each one's
            label=outcomes["study_id"]
            + " ("
            + outcomes["indication"]
            + ") · "
            + outcomes["endpoint"].map(in_words)  # "MRD-negative CR", not "MRD_neg_CR"
            + " · "
            + outcomes["analysis"].map(in_words)  # "longer follow up", in words
            + " · "
            + outcomes["denominator"],
            country=outcomes["country_of_conduct"].fillna("not stated"),
        )
        spec = charts.forest(studies, None, list(dict.fromkeys(studies["country"])))
    return profile, spec


@router.get("/trials")
@on_loop_when_kept
def trial_finder(
    request: Request,
    store: EvidenceDep,
    memo: MemoDep,
    registry: RequiredRegistryDep,
    condition: Annotated[params.Text, Query()] = "",
    target: Annotated[params.Text, Query()] = "",
    country: params.CountryNameQuery = None,
    recruiting_now: Annotated[bool, Query(alias="recruiting")] = False,
    age: params.AgeQuery = None,
    searched: bool = False,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
):
    """The patient's trial finder. A first visit (no search yet) shows recruiting trials."""
    filters = TrialFilters(
        text=condition.strip().lower() or None,
        country=params.country_named("country", country),
        target=target.strip().lower() or None,
        recruiting=recruiting_now or not searched,
        age=age,
    )
    index = registry.index(filters.car)
    found = index.search(filters)
    pages = max(1, -(-len(found) // PER_PAGE))
    shown = [index.rows[p] for p in found[(page - 1) * PER_PAGE : page * PER_PAGE]]
    common = _common(request, store, memo, registry, list(params.DEFAULT_COUNTRIES))
    # The map first: a new search's page usually lacks only its map, and finding that out
    # before anything else wastes least on the event loop (web/loop.py).
    map_figure = fragment(
        request,
        memo,
        store,
        (tuple(row["nct_id"] for row in shown), filters.country),
        "trials_map.html.j2",
        lambda: {
            **_finder_map(request, store, memo, registry, shown, filters.country),
            "snapshot": common["snapshot"],
        },
    )
    results = [
        fragment(
            request,
            memo,
            store,
            (row["nct_id"], filters.country),
            "trial_result.html.j2",
            lambda row=row: {
                "r": _finder_result(registry, row, filters.country),
                "form": {"country": filters.country or ""},
            },
        )
        for row in shown
    ]
    query = {k: v for k, v in request.query_params.items() if k != "page"}
    return render(
        request,
        "trials.html.j2",
        {
            **common,
            "form": {
                "condition": condition,
                "target": target,
                "country": filters.country or "",
                "recruiting": filters.recruiting,
                "age": age,
            },
            "target_options": _target_options(store, memo, registry, target),
            "country_list": memo.get(
                store, "country-list", lambda: kept_html(_country_list(common["country_options"]))
            ),
            "total": len(found),
            "results": results,
            "register_note": filters.country
            and unloaded_register_line(filters.country, set(registry.snapshots["registry"])),
            "page": page,
            "pages": pages,
            "page_query": urlencode(query),
            "csv_query": urlencode(
                {
                    k: v
                    for k, v in {
                        "text": condition,
                        "target": target,
                        "country": filters.country or "",
                        "recruiting": str(filters.recruiting).lower(),
                        "age": "" if age is None else age,
                    }.items()
                    if v != ""
                }
            ),
            "map_figure": map_figure,
        },
    )


def _finder_result(registry: RegistryData, row: dict, country: str | None) -> dict:
    """One trial of the finder's results: its row and its sites (in ``country`` if given)."""
    sites = registry.site_rows.get(row["nct_id"], [])
    if country:
        sites = [site for site in sites if site["country_code"] == country]
    return {"trial": row, "sites": sites}


def _finder_map(
    request: Request,
    store: Store,
    memo: Memo,
    registry: RegistryData,
    rows: list[dict],
    country: str | None,
) -> dict:
    """The finder's map of the sites of the trials shown (``rows``) and its data table; no map
    (an empty context) when none of them lists a site. Each trial's rows of the table are
    rendered once per country filter: a new search mostly shows trials shown before."""
    every_site = [
        {"trial_id": row["nct_id"], **site}
        for row in rows
        for site in registry.site_rows.get(row["nct_id"], [])
    ]
    if not every_site:
        return {}
    countries = (
        [country]
        if country
        else sorted({s["country_code"] for s in every_site if s.get("country_code") is not None})
    )
    return {
        "results": [_finder_result(registry, row, country) for row in rows],
        "site_rows": [
            fragment(
                request,
                memo,
                store,
                (row["nct_id"], country),
                "trial_map_rows.html.j2",
                lambda row=row: {"r": _finder_result(registry, row, country)},
            )
            for row in rows
        ],
        "map_spec": charts.site_map(every_site, countries, _world(request), zoom=True),
    }


def _target_options(store: Store, memo: Memo, registry: RegistryData, chosen: str) -> Markup:
    """The finder's target list with ``chosen`` selected (case aside): the options are escaped
    once per data version, and a request only joins them."""
    options = memo.get(
        store,
        "target-options",
        lambda: [
            (t.lower(), escape(t))
            for t in sorted({t for ts in registry.car_trials["targets"] for t in ts} - {"unnamed"})
        ],
    )
    chosen = chosen.lower()
    return Markup(
        "".join(
            f"<option selected>{text}</option>" if low == chosen else f"<option>{text}</option>"
            for low, text in options
        )
    )


def _country_list(codes: list[str]) -> Markup:
    """The finder's country suggestions (a datalist), built once per data version."""
    return Markup(
        "".join(
            f'<option value="{escape(c)}">{escape(c)} — {escape(country_name(c))}</option>'
            for c in codes
        )
    )


@router.get("/trials/{trial_id}")
@on_loop_when_kept
def trial(
    request: Request,
    store: EvidenceDep,
    memo: MemoDep,
    registry: RequiredRegistryDep,
    trial_id: Annotated[str, Path(max_length=64)],
):
    key = find_trial(registry, trial_id)["nct_id"]
    common = _common(request, store, memo, registry, list(params.DEFAULT_COUNTRIES))
    html = fragment(
        request,
        memo,
        store,
        key,
        "trial_body.html.j2",
        lambda: _trial_data(request, registry, key, common["snapshot"]),
    )
    return render(request, "trial.html.j2", {**common, "nct_id": key, "body": html})


def _trial_data(request: Request, registry: RegistryData, key: str, snapshot: str) -> dict:
    """A trial's page: its facts, its sites and their map (page data, built once per data);
    ``snapshot``: the registry snapshot dates the page's sources name."""
    row = find_trial(registry, key)
    sites = trial_sites(registry, key).assign(trial_id=key)
    countries = sorted(set(sites["country_code"].dropna()))
    return {
        "trial": row.to_dict(),
        "sites": records(sites),
        "snapshot": snapshot,
        "map_spec": charts.site_map(records(sites), countries, _world(request), zoom=True)
        if sites[["lat", "lon"]].notna().all(axis=1).any()
        else None,
    }


@router.get("/meta")
@on_loop_when_kept
def meta_explorer(
    request: Request,
    store: EvidenceDep,
    memo: MemoDep,
    registry: RegistryDep,
    q: meta_api.MetaQueryDep,
):
    common = _common(request, store, memo, registry, _nav_pair(q.countries))
    html = fragment(
        request, memo, store, q, "meta_body.html.j2", lambda: _meta_page(store, memo, q, common)
    )
    return render(request, "meta.html.j2", {**common, "body": html})


def _meta_page(store: Store, memo: Memo, q: meta_api.MetaQuery, common: dict) -> dict:
    """The explorer's form and result for one query (page data, built once per data)."""
    payload, spec = _meta_data(store, memo, q)
    return {
        **common,
        "q": q,
        "result": payload,
        "spec": spec,
        "query_string": urlencode(q.as_params()),
        "indications": _indications(store),
        "endpoints": ENDPOINTS,
        "measures": MEASURE_NAMES,
        "methods": get_args(meta_api.Method),
    }


def _meta_data(store: Store, memo: Memo, q: meta_api.MetaQuery) -> tuple[dict, dict | None]:
    """The explorer's result and forest for one query (page data, built once per data)."""
    run = meta_api.cached_meta(store, memo, q)
    spec = (
        charts.forest(*meta_api.forest_frames(store, run), list(q.countries))
        if run.pooling.has_data
        else None
    )
    return meta_api.meta_payload(run), spec


def _indications(store: Store) -> list[str]:
    _, rows = store.query("SELECT DISTINCT indication FROM evidence_studies ORDER BY 1")
    return [r[0] for r in rows]
