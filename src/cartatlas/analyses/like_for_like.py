"""Like-for-like comparisons: the most comparable CN vs US evidence there is.

* **Same product** (``same_product``): one product's results in its trials in each country
  (cilta-cel CARTITUDE-1 vs CARTIFAN-1; axi-cel ZUMA-1 vs its Chinese bridging and real-world
  data), compared with the named test of :func:`~cartatlas.analyses.success_rates.pool_rows`.
  Only evidence rows present are used; an endpoint one country lacks says "no data".
* **Multinational pivotal trials** (``with_multinational``): the main analysis leaves them out
  of both countries. The sensitivity analysis assigns each to the country holding at least half
  of its registry sites (``ASSIGNMENT_RULE``), and pools again, shown beside the main analysis.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pandas as pd

from cartatlas.analyses.response_floors import as_floors, deeper_only
from cartatlas.analyses.study_rows import ENDPOINTS, study_rows
from cartatlas.analyses.success_rates import CountryPooling, absent_reason, pool_rows
from cartatlas.evidence.countries import registry_site_counts
from cartatlas.evidence.source_strength import on_secondary_pages
from cartatlas.store import Store

ASSIGNMENT_RULE = (
    "a multinational trial counts for the country holding at least half of its registry sites "
    "(ClinicalTrials.gov site list in the store); trials without such a country, or without a "
    "site list in the store, stay out"
)
INDICATIONS = ("LBCL", "B-ALL", "MM", "FL", "MCL")


def assigned_country(counts) -> str | None:
    """The country with at least half of the sites, or None (``ASSIGNMENT_RULE``)."""
    total = sum(counts.values())
    if not total:
        return None
    code, n = counts.most_common(1)[0]
    return code if 2 * n >= total else None


def _assign(rows: pd.DataFrame, sites: dict[str, Counter], countries: list[str]) -> pd.DataFrame:
    """Rows with ``country``: the country of conduct, or for a multinational trial the one its
    registry sites support (``sites``: :func:`registry_site_counts`; ``assigned_from`` says
    which)."""
    rows = rows.copy()
    assigned = [
        assigned_country(sites.get(study)) if where == "multinational" and study in sites else None
        for study, where in zip(rows["study_id"], rows["country_of_conduct"], strict=True)
    ]
    rows["country"] = [
        a if a else where for a, where in zip(assigned, rows["country_of_conduct"], strict=True)
    ]
    rows["assigned_from"] = [
        "registry sites (multinational)" if a else "country of conduct" for a in assigned
    ]
    rows["label"] = rows["study_id"]
    rows = rows[rows["country"].isin(countries)]
    order = {c: i for i, c in enumerate(countries)}
    return (
        rows.assign(_o=rows["country"].map(order))
        .sort_values(["_o", "study_id"])
        .drop(columns="_o")
    )


def with_multinational(
    store: Store,
    indication: str,
    endpoint: str,
    countries: list[str],
    site_counts: dict[str, Counter] | None = None,
) -> CountryPooling:
    """The sensitivity analysis: multinational trials assigned by ``ASSIGNMENT_RULE``.
    ``site_counts``: :func:`registry_site_counts` when the caller has read it already."""
    if site_counts is None:
        site_counts = registry_site_counts(store)
    rows = _assign(study_rows(store, indication, endpoint), site_counts, countries)
    return pool_rows(rows, indication, endpoint, countries)


@dataclass
class SameProduct:
    product: str
    indication: str
    endpoint: str
    pooling: CountryPooling


def same_products(
    store: Store,
    countries: list[str],
    endpoints: tuple[str, ...] = tuple(ENDPOINTS),
    site_counts: dict[str, Counter] | None = None,
) -> dict[str, list[SameProduct]]:
    """:func:`same_product` of every product with results in each of ``countries`` for at least
    one indication × endpoint, in product order. The study rows and registry sites are read once
    for all products (reading them per product cost the report seconds); ``site_counts``:
    :func:`registry_site_counts` when the caller has read it already."""
    return {
        product: comparisons
        for product, comparisons in by_product(store, countries, endpoints, site_counts).items()
        if any(len(c.pooling.summaries) == len(countries) for c in comparisons)
    }


def by_product(
    store: Store,
    countries: list[str],
    endpoints: tuple[str, ...] = tuple(ENDPOINTS),
    site_counts: dict[str, Counter] | None = None,
) -> dict[str, list[SameProduct]]:
    """:func:`same_product` of every product with study rows, in product order, reading the
    study rows and registry sites once for all of them."""
    sites = registry_site_counts(store) if site_counts is None else site_counts
    frames = _assigned_frames(store, countries, endpoints, sites)
    floors = _deeper_only(store, frames, sites, countries)
    _, rows = store.query("SELECT DISTINCT product_id FROM evidence_studies WHERE product_id <> ''")
    return {
        product: _comparisons(frames, floors, product, countries)
        for product in sorted(row[0] for row in rows)
    }


def same_product(
    store: Store,
    product: str,
    countries: list[str],
    endpoints: tuple[str, ...] = tuple(ENDPOINTS),
) -> list[SameProduct]:
    """Per indication × endpoint with data: the product's own studies in each country (country
    of conduct, multinational trials by ``ASSIGNMENT_RULE``), rates with CIs and the named test.
    """
    sites = registry_site_counts(store)
    frames = _assigned_frames(store, countries, endpoints, sites)
    floors = _deeper_only(store, frames, sites, countries)
    return _comparisons(frames, floors, product, countries)


def _assigned_frames(
    store: Store,
    countries: list[str],
    endpoints: tuple[str, ...],
    site_counts: dict[str, Counter] | None = None,
) -> dict[tuple[str, str], pd.DataFrame]:
    """Per indication × endpoint, the selected study rows of every product with ``country``."""
    sites = registry_site_counts(store) if site_counts is None else site_counts
    return {
        (indication, endpoint): _assign(study_rows(store, indication, endpoint), sites, countries)
        for indication in INDICATIONS
        for endpoint in endpoints
    }


def _deeper_only(
    store: Store,
    frames: dict[tuple[str, str], pd.DataFrame],
    sites: dict[str, Counter],
    countries: list[str],
) -> dict[str, pd.DataFrame]:
    """Per indication with a complete-response frame: the cohorts that report only sCR or
    MRD-negative CR (:func:`~cartatlas.analyses.response_floors.deeper_only`), assigned to a
    country as the study rows are (``ASSIGNMENT_RULE``), so a product's comparison can show the
    floor each sets."""
    found = {}
    for (indication, endpoint), rows in frames.items():
        if endpoint == "CR":
            deeper = deeper_only(store, indication, set(rows["study_id"]))
            found[indication] = _assign(deeper, sites, countries)
    return found


def _comparisons(
    frames: dict[tuple[str, str], pd.DataFrame],
    floors: dict[str, pd.DataFrame],
    product: str,
    countries: list[str],
) -> list[SameProduct]:
    out = []
    for (indication, endpoint), rows in frames.items():
        rows = rows[rows["product_id"] == product]
        if rows.empty:
            continue
        pooling = pool_rows(rows, indication, endpoint, countries)
        # pool_rows drops rows read only on secondary pages: named, so a country whose only
        # study of the product is one (axi-cel's Chinese real-world cohort) says why it has none.
        weak = rows[on_secondary_pages(rows)]
        pooling.secondary_only = [
            f"{s} ({c})" for s, c in zip(weak["study_id"], weak["country"], strict=True)
        ]
        if endpoint == "CR" and indication in floors:
            own = floors[indication]
            pooling.floors = as_floors(own[own["product_id"] == product], countries)
        out.append(SameProduct(product, indication, endpoint, pooling))
    return out


def no_rate_reason(comparison: SameProduct, country: str) -> str:
    """ "no data (reason)" for a compared country without a rate of the product: its only
    studies read on secondary pages or in special populations, or none of the product's studies
    counted for it (other products' studies there do not count) reports the endpoint."""
    return absent_reason(comparison.pooling, country) or (
        f"no data (no study of {comparison.product} counted for {country} reports "
        f"{comparison.endpoint} in {comparison.indication})"
    )
