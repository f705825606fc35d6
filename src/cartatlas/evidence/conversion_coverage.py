"""Which prices can be converted: the exchange rate and the PPP factor each price year needs.

A price converts to US dollars only with an annual exchange rate for its currency and year (or,
for a year after the latest recorded average, that latest average, see
:data:`cartatlas.analyses.cost.LATEST_RATE_RULE`), and to international dollars only with its
country's PPP factor for the same year (the same rule for a later year). Listing what is
missing tells curators which rate to look for and readers why a converted value says "no data".
"""

from __future__ import annotations

from cartatlas.store import Store

COLUMNS = ["country", "currency", "year", "prices", "exchange rate", "PPP factor"]


def conversion_coverage(store: Store) -> list[list[str]]:
    """One row per country × currency × price year: the exchange-rate year and the PPP-factor
    year that convert it ("2023", "2024 (latest)", "not needed" for USD, "US is the base" for
    US PPP, or "no data")."""
    rates: dict[str, set[int]] = {}
    for currency, year in store.execute("SELECT currency, year FROM evidence_exchange_rates"):
        rates.setdefault(currency, set()).add(int(year))
    ppp: dict[str, set[int]] = {}
    for country, year in store.execute("SELECT country, year FROM evidence_ppp"):
        ppp.setdefault(country, set()).add(int(year))
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
                "not needed" if currency == "USD" else _year_used(rates.get(currency), int(year)),
                "US is the base" if country == "US" else _year_used(ppp.get(country), int(year)),
            ]
        )
    return rows


def _year_used(years: set[int] | None, year: int) -> str:
    """The recorded year that converts a price of ``year`` (LATEST_RATE_RULE), or "no data"."""
    if years and year in years:
        return str(year)
    if years and year > max(years):
        return f"{max(years)} (latest)"
    return "no data"


def gap_counts(rows: list[list[str]]) -> tuple[int, int]:
    """(price years without an exchange rate, price years without a PPP factor)."""
    fx = sum(1 for r in rows if r[4] == "no data")
    ppp = sum(1 for r in rows if r[5] == "no data")
    return fx, ppp
