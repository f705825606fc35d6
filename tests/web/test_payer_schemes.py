"""The dashboard's "who pays" chart counts payer schemes, not coverage.csv rows: a scheme that
names five products is one scheme. Recomputed from coverage.csv with the csv module."""

from __future__ import annotations

import html
from collections import Counter

from cartatlas.web.dashboard import SCHEME_TYPES, payer_schemes
from tests.golden import plain

PAIR = ("CN", "US")


def _expected() -> Counter:
    """(country, "type — status") → distinct payers."""
    schemes = {
        (r["country"], SCHEME_TYPES[r["scheme"]], r["status"], r["payer"])
        for r in plain.rows("coverage")
        if r["country"] in PAIR
    }
    return Counter((c, f"{kind} — {status}") for c, kind, status, _ in schemes)


def test_each_scheme_counts_once_however_many_products_it_names(evidence_store, evidence_client):
    import pandas as pd

    rows = pd.DataFrame(plain.rows("coverage")).replace("", None)
    schemes = payer_schemes(rows[rows["country"].isin(PAIR)])
    got = Counter(
        (c, f"{k} — {s}")
        for c, k, s in zip(
            schemes["country"], schemes["scheme_type"], schemes["status"], strict=True
        )
    )
    expected = _expected()
    assert got == expected
    rows_per_country = Counter(r["country"] for r in plain.rows("coverage") if r["country"] in PAIR)
    assert sum(v for (c, _), v in expected.items() if c == "CN") < rows_per_country["CN"]
    page = html.unescape(evidence_client.get("/q/coverage", params={"a": "CN", "b": "US"}).text)
    assert "Who pays: payer schemes recorded per country, by type and status" in page
    assert "a list naming five products is one scheme" in page
    for payer in schemes["payer"]:
        assert payer in page
