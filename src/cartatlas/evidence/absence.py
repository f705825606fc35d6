"""How every surface says that the evidence base holds nothing for a country.

A country without a recorded value is not a country with zero: "0 products approved in JP"
would be false when nobody has recorded Japan's approvals. Every report section, dashboard card
and API answer words the gap the same way, "no data (reason)", from these helpers.
"""

from __future__ import annotations

from cartatlas.wording import and_list


def no_data(reason: str) -> str:
    return f"no data ({reason})"


def no_approvals(country: str) -> str:
    return no_data(f"no approvals recorded for {country} in the evidence base")


def no_prices(country: str) -> str:
    return no_data(f"no prices recorded for {country} in the evidence base")


def no_centres(country: str) -> str:
    return no_data(f"no published treatment-centre count recorded for {country}")


def no_cohorts(country: str, endpoint: str, indication: str) -> str:
    return no_data(f"no cohort conducted in {country} reports {endpoint} in {indication}")


def no_survival(country: str) -> str:
    return no_data(f"no study conducted in {country} reports survival or response duration")


def no_coverage(country: str) -> str:
    return no_data(f"no coverage decision recorded for {country}")


def no_records(subject: str, narrowed: bool = False) -> str:
    """An empty API listing asked for one country: "no data (no safety rows from studies
    conducted in IN recorded in the evidence base)", not a bare empty list; ``narrowed`` when
    other filters were given too."""
    tail = " that match the other filters" if narrowed else ""
    return no_data(f"no {subject} recorded in the evidence base{tail}")


def no_hazard_ratio(count: int = 1, *, pointer: bool = True) -> str:
    """Why a randomized trial's hazard ratio (``count`` of them) is absent: no stored source
    prints it. Whether the trial's papers report it is not known, so this never says "not
    reported"; that word is kept for a source that says so (a comparisons row whose status is
    ``not_reported``). A bare "—" left a reader unable to tell "not published" from "not found".
    ``pointer``: name the command that lists the gaps (a short answer, capped in length, leaves
    it to the section below it)."""
    reason = f"no source in the evidence base reports {'it' if count == 1 else 'them'}"
    if pointer:
        reason += "; `cartatlas kb coverage --randomized` lists the gap"
    return no_data(reason)


def hazard_ratio_gaps_said(gaps: list[str], *, pointer: bool = True) -> str:
    """ "BELINDA (OS HR): no data (no source in the evidence base reports it; …)" for the gaps
    ``randomized_gaps`` names, in the words every surface prints (CLI, report, dashboard, API)."""
    return f"{and_list(gaps)}: {no_hazard_ratio(hazard_ratio_count(gaps), pointer=pointer)}"


def hazard_ratio_count(gaps: list[str]) -> int:
    """How many hazard ratios the gaps name: "BELINDA (primary HR, OS HR)" is two."""
    return sum(gap.count(" HR") for gap in gaps)
