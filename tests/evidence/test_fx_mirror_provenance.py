"""Exchange-rate rows read on a secondary copy of the Federal Reserve's annual series are only as
good as that copy. Each such row quotes the copy's 2023 line too; this test holds that line to the
Federal Reserve G.5A 2023 rate the knowledge base records from the Fed's own page, so a copy that
drifted from the official series (or a mis-paired currency) fails here. Recomputed from the CSV."""

from __future__ import annotations

import csv

from cartatlas.evidence.reading import BUNDLED_DIR

MIRROR = "https://github.com/datasets/exchange-rates/"
G5A_2023 = "https://federalreserve.gov/releases/g5a/20240201"


def _rates() -> list[dict[str, str]]:
    with (BUNDLED_DIR / "exchange_rates.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _units_per_usd(row: dict[str, str]) -> float:
    return float(row["per_usd"]) if row["per_usd"] else 1 / float(row["usd_per_unit"])


def _mirror_lines(quote: str) -> dict[str, float]:
    """Year -> value of the 'YYYY-01-01,Country,value' lines joined in a mirror row's quote."""
    lines = [part.strip() for part in quote.split(" … ")[1:]]
    return {line[:4]: float(line.rsplit(",", 1)[1]) for line in lines}


def test_mirror_rows_agree_with_the_fed_page_in_2023_and_quote_their_own_value():
    rows = _rates()
    fed_2023 = {
        r["currency"]: _units_per_usd(r)
        for r in rows
        if r["source_url"] == G5A_2023 and r["year"] == "2023"
    }
    mirrored = [r for r in rows if r["source_url"].startswith(MIRROR)]
    assert mirrored, "no rows read on the exchange-rates mirror"
    for row in mirrored:
        lines = _mirror_lines(row["source_quote"])
        assert round(fed_2023[row["currency"]], 4) == lines["2023"], row["currency"]
        assert float(row["per_usd"]) == lines[row["year"]], (row["currency"], row["year"])
        assert row["source_kind"] == "secondary"


TRAVEL_COPY = "https://github.com/TannerL22/travel-value-studio/"


def _fx_table_lines(quote: str) -> dict[tuple[str, str], float]:
    """(quote currency or base currency, year) -> rate of the 'fred_…' lines joined in the quote."""
    table = list(csv.DictReader(quote.split(" … ")))
    return {
        (
            r["quote_currency"] if r["base_currency"] == "USD" else r["base_currency"],
            r["period"],
        ): float(r["rate"])
        for r in table
    }


def test_gbp_rows_read_on_a_second_copy_agree_with_the_first_copy_on_yen():
    """The GBP 2024/2025 rows come from another project's copy of the Fed annual series; the yen
    lines of that same file must equal the yen rows read on the datahub copy, or the copy is not
    to be trusted."""
    rows = _rates()
    second = [r for r in rows if r["retrieved_from"].startswith(TRAVEL_COPY)]
    assert {(r["currency"], r["year"]) for r in second} == {("GBP", "2024"), ("GBP", "2025")}
    datahub_yen = {
        r["year"]: float(r["per_usd"])
        for r in rows
        if r["currency"] == "JPY" and r["source_url"].startswith(MIRROR)
    }
    for row in second:
        lines = _fx_table_lines(row["source_quote"])
        assert lines[("JPY", "2024")] == datahub_yen["2024"]
        assert lines[("JPY", "2025")] == datahub_yen["2025"]
        assert float(row["usd_per_unit"]) == lines[("GBP", row["year"])]
        assert row["source_kind"] == "secondary" and not row["per_usd"]
