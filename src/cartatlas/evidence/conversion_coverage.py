"""Which prices can be converted: the exchange rate and the PPP factor each price year needs.

A price converts to US dollars only with an annual exchange rate for its currency and year (or,
for a year after the latest recorded average, that latest average, see
:data:`cartatlas.analyses.cost.LATEST_RATE_RULE`), and to international dollars only with its
country's PPP factor for the same year. Listing what is missing tells curators which rate to
look for and readers why a converted value says "no data".
"""

from __future__ import annotations

from cartatlas.store import Store

COLUMNS = ["country", "currency", "year", "prices", "exchange rate", "PPP factor"]


def conversion_coverage(store: Store) -> list[list[str]]:
    """One row per country × currency × price year: the exchange-rate year that converts it
    ("2023", "2024 (latest)", "not needed" for USD, or "no data") and whether the PPP factor
    for that country and year is recorded."""
    rates: dict[str, set[int]] = {}
    for currency, year in store.execute("SELECT currency, year FROM evidence_exchange_rates"):
        rates.setdefault(currency, set()).add(int(year))
    ppp = {(c, int(y)) for c, y in store.execute("SELECT country, year FROM evidence_ppp")}
    rows = []
    for country, currency, year, count in store.execute(
        "SELECT country, currency, year, count(*) FROM evidence_prices WHERE year IS NOT NULL "
        "GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
    ):
        rows.append(
            [
                country,
                currency,
                str(year),
                str(count),
                _rate_year(rates.get(currency, set()), currency, int(year)),
                "US is the base" if country == "US" else _mark((country, int(year)) in ppp),
            ]
        )
    return rows


def _rate_year(years: set[int], currency: str, year: int) -> str:
    if currency == "USD":
        return "not needed"
    if year in years:
        return str(year)
    if years and year > max(years):
        return f"{max(years)} (latest)"
    return "no data"


def _mark(found: bool) -> str:
    return "yes" if found else "no data"


def gap_counts(rows: list[list[str]]) -> tuple[int, int]:
    """(price years without an exchange rate, price years without a PPP factor)."""
    fx = sum(1 for r in rows if r[4] == "no data")
    ppp = sum(1 for r in rows if r[5] == "no data")
    return fx, ppp
