"""Where a country's trials are registered besides ClinicalTrials.gov.

A count of ClinicalTrials.gov records reads as "no trials" for a country whose trials may be
registered only in its own register (the shared snapshot holds one CAR trial with a site in
India, none recruiting). The report names that register next to such counts, so a reader knows
why a 0 or a small number may be low and how to load the rest (a WHO ICTRP export,
``cartatlas import-ictrp``).
"""

from __future__ import annotations

from cartatlas.evidence.jurisdictions import EU_MEMBERS

#: WHO ICTRP primary registers run for one country (or a region) — the registers that hold
#: trials which may never reach ClinicalTrials.gov.
NATIONAL_REGISTERS = {
    "CN": "ChiCTR",
    "IN": "CTRI",
    "JP": "jRCT",
    "KR": "CRiS",
    "DE": "DRKS",
    "AU": "ANZCTR",
    "NZ": "ANZCTR",
    "IR": "IRCT",
    "TH": "TCTR",
    "BR": "ReBEC",
    "NL": "the Netherlands Trial Register (OMON)",
    "LK": "SLCTR",
    "LB": "LBCTR",
    "PE": "REPEC",
    "CU": "RPCEC",
}
EU_REGISTER = "the EU Clinical Trials Register / CTIS"


def registers_of(country: str) -> list[str]:
    """The registers besides ClinicalTrials.gov where ``country``'s trials may be the only
    record: its national one and, for an EU state, the EU's."""
    found = [NATIONAL_REGISTERS[country]] if country in NATIONAL_REGISTERS else []
    return found + ([EU_REGISTER] if country in EU_MEMBERS else [])


def unloaded_register_line(country: str, loaded: set[str]) -> str | None:
    """For a list of one country's trials: the line naming its own registers when no WHO ICTRP
    export (which carries them) is among the ``loaded`` registry codes; None otherwise."""
    if "ICTRP" in loaded or not registers_of(country):
        return None
    return (
        f"Trials registered only in {' or '.join(registers_of(country))} are not listed "
        "(load a WHO ICTRP export with `cartatlas import-ictrp`)."
    )


def named_registers(countries: list[str]) -> str:
    """ "CN: ChiCTR; IN: CTRI": the national or regional registers of ``countries``."""
    return "; ".join(f"{c}: {' and '.join(registers_of(c))}" for c in countries if registers_of(c))


def uncounted_registers_note(countries: list[str], loaded: str) -> str:
    """A caveat for counts drawn from ``loaded`` registries: which registers of ``countries``
    are not among them, so their trials registered only there are not counted."""
    named = named_registers(countries)
    where = f" ({named})" if named else ""
    return (
        f"Only {loaded} records are counted; a trial registered only in a national or regional "
        f"register{where} is not, so a country's count can be low, or 0, for that reason alone "
        "(load a WHO ICTRP export with `cartatlas import-ictrp`)."
    )
