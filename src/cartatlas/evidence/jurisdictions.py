"""Which recorded approvals apply in a country: its own, and the EU's where it is an EEA state.

The European Commission's marketing authorisation (on the EMA's opinion) is stored once, under
the region code ``EU``, because that is how the regulator issues it. A question about Germany or
Spain must still find it: at query time every ``EU`` row is expanded into one row per requested
member state, dated as the Commission decision. The EEA EFTA states (Iceland, Liechtenstein,
Norway) take over centralised authorisations as well. The United Kingdom was covered until the
end of the Brexit transition period (2020-12-31); later British approvals are the MHRA's own rows.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

#: The region code under which EMA / European Commission approvals are stored.
EU = "EU"

#: The 27 member states of the European Union (ISO 3166-1 alpha-2).
EU_MEMBERS = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "HU",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
    ]
)
#: The EEA EFTA states, which adopt the Commission's centralised authorisations.
EEA_EFTA = frozenset({"IS", "LI", "NO"})
EEA = EU_MEMBERS | EEA_EFTA

#: Former members and the last day on which a Commission authorisation applied there.
FORMER_MEMBERS = {"GB": "2020-12-31"}

#: The one jurisdiction each agency authorises for (``EU`` for the EMA / European Commission).
#: An approval row whose country differs names the wrong agency or the wrong country, and would
#: show a product as approved where it is not; `kb check` rejects it.
AGENCY_COUNTRIES = {
    "FDA": "US",
    "NMPA": "CN",
    "EMA": EU,
    "PMDA": "JP",
    "MHRA": "GB",
    "HSA": "SG",
    "TGA": "AU",
    "HC": "CA",
    "AEMPS": "ES",
    "CDSCO": "IN",
    "MFDS": "KR",
    "Swissmedic": "CH",
    "ANVISA": "BR",
    "IMoH": "IL",
}


def agency_country_problem(agency: str, country: str) -> str | None:
    """Why ``country`` cannot be where ``agency`` approved a product, or None when it is."""
    home = AGENCY_COUNTRIES.get(agency)
    if home is None or home == country:
        return None
    return (
        f"{agency} authorises medicines for {home}, not {country}; set country to {home} or "
        "name the agency that approved the product there"
    )


def covered_by_eu(country: str, approval_date: str | None = None) -> bool:
    """Does an EU authorisation granted on ``approval_date`` apply in ``country``?

    For a former member the date decides; an undated EU row is not assumed to have applied there.
    """
    if country in EEA:
        return True
    end = FORMER_MEMBERS.get(country)
    return bool(end and isinstance(approval_date, str) and approval_date and approval_date <= end)


def stored_codes(countries: list[str]) -> list[str]:
    """The country codes to read from the approvals table to answer for ``countries``."""
    wanted = list(dict.fromkeys(countries))
    if any(c in EEA or c in FORMER_MEMBERS for c in wanted) and EU not in wanted:
        wanted.append(EU)
    return wanted


def with_eu_if_member(countries: list[str]) -> list[str]:
    """``countries`` plus ``EU`` when one of them is an EEA state now: rules such as the EMA's
    safety actions apply to current members; a former member's own agency decides for it."""
    wanted = list(dict.fromkeys(countries))
    if any(c in EEA for c in wanted) and EU not in wanted:
        wanted.append(EU)
    return wanted


def expand_regional(frame: pd.DataFrame, countries: list[str]) -> pd.DataFrame:
    """One row per approval and requested country where it applies.

    ``frame`` holds approval rows (``country``, ``approval_date``) read with ``stored_codes``.
    A country's own rows are kept; each ``EU`` row becomes a row for every requested EEA state
    (and former member, by date) with ``via = "EU"``. ``EU`` rows stay as they are only when
    ``EU`` itself was asked for. The result keeps the order of ``frame``.
    """
    frame = frame.assign(via=None)
    own = frame[frame["country"].isin(countries)]
    regional = frame[frame["country"] == EU]
    parts = [own]
    for country in countries:
        if country == EU:
            continue
        applies = [covered_by_eu(country, d) for d in regional["approval_date"]]
        chosen = regional[applies] if len(regional) else regional
        if len(chosen):
            parts.append(chosen.assign(country=country, via=EU))
    if len(parts) == 1:
        return own.reset_index(drop=True)
    combined = pd.concat(parts)
    # Keep the reader's order (by date) across the expanded rows.
    return combined.sort_index(kind="stable").reset_index(drop=True)


def approval_countries(stored: list[tuple[str, str | None]]) -> list[str]:
    """The countries a product is approved in, from its stored (country, date) approvals.

    ``EU`` stays in the list (it is how the approval was issued) and is followed by every state
    it applies to, so a filter by ``DE`` finds an EMA-approved product.
    """
    found = list(dict.fromkeys(country for country, _ in stored))
    eu_dates = [date for country, date in stored if country == EU]
    if eu_dates:
        members = EEA | {c for c in FORMER_MEMBERS if any(covered_by_eu(c, d) for d in eu_dates)}
        found += sorted(members - set(found))
    return found


def local_brand(brands: object, country: str) -> str | None:
    """The brand a product carries in ``country`` (``US:Yescarta|EU:Yescarta``); in an EEA
    state without a brand of its own, the EU brand."""
    named = {}
    for brand in brands.split("|") if isinstance(brands, str) else []:
        code, _, name = brand.partition(":")
        named.setdefault(code.strip(), name.strip())
    if country in named:
        return named[country]
    return named.get(EU) if country in EEA or country in FORMER_MEMBERS else None


def shown_brand(brands: object, country: str) -> str | None:
    """The brand to print for a product in ``country``: its local brand, else the brand it
    carries in most other countries, marked as such ("Tecartus — brand elsewhere, none recorded
    for CA"), never an empty cell; None only for a product with no brand recorded anywhere."""
    local = local_brand(brands, country)
    if local:
        return local
    elsewhere = most_used_brand(brands)
    if elsewhere is None:
        return None
    return f"{elsewhere} — brand elsewhere, none recorded for {country}"


def most_used_brand(brands: object, script: Callable[[str], bool] = bool) -> str | None:
    """The brand a product carries in most countries (``US:Yescarta|EU:Yescarta|CN:…`` →
    Yescarta; the first listed on a tie), among those ``script`` accepts (a figure, whose font
    has no Chinese glyphs, takes only Latin brands); None without one."""
    names = (
        [b.partition(":")[2].strip() for b in brands.split("|")] if isinstance(brands, str) else []
    )
    names = [n for n in names if n and script(n)]
    return max(names, key=names.count) if names else None
