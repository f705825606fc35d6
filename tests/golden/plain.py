"""The simple route: answers recomputed straight from the knowledge-base CSV rows with the csv
module and textbook formulas (no cartatlas code, no scipy or statsmodels), so a golden test
compares cartatlas with an independent computation rather than with itself."""

from __future__ import annotations

import csv
import datetime as dt
import math
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "src" / "cartatlas" / "evidence" / "data"

# the primary analysis (the paper's, then the label's review of it) before a later data cut
ANALYSIS = ["primary", "label", "longer_follow_up"]
DENOMINATOR = ["infused", "evaluable", "enrolled", "randomized"]
ASSESSOR = ["IRC", "investigator", ""]
STRENGTH = ["regulator", "label", "journal", "hta_body", "registry", "conference_abstract"]
STRENGTH += ["company_release", "news", "secondary"]


def rows(name: str) -> list[dict[str, str]]:
    with (DATA / f"{name}.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _pos(value: str, order: list[str]) -> int:
    return order.index(value) if value in order else len(order)


def best_safety_rows(
    studies: set[str] | dict, events: tuple[str, ...], grade: str
) -> dict[str, dict[str, str]]:
    """Each study's one safety row of ``events`` at ``grade``, as the analyses choose it: a row
    read only on a secondary page last, then the earlier event of ``events`` (ICANS before
    neurotoxicity), the primary analysis, the strongest source, the first in the file."""
    best: dict[str, tuple[tuple, dict[str, str]]] = {}
    for line, row in enumerate(rows("safety")):
        if row["study_id"] in studies and row["event"] in events and row["grade"] == grade:
            rank = (
                row["source_kind"] == "secondary",
                events.index(row["event"]),
                _pos(row["analysis"], ANALYSIS),
                _pos(row["source_kind"], STRENGTH),
                line,
            )
            if row["study_id"] not in best or rank < best[row["study_id"]][0]:
                best[row["study_id"]] = (rank, row)
    return {study: row for study, (_, row) in best.items()}


def chosen_rows(
    indication: str, endpoint: str, country: str, where=None
) -> dict[str, dict[str, str]]:
    """The one outcome row per cohort conducted in ``country`` (or, given ``where``, per study
    row it accepts): earlier reports only (no ``overlaps_with``), a secondary page only when
    the study has no other row, a dose-level or selected-subgroup row only when it has no
    whole-cohort row, CR/CRi before CR in B-ALL, then primary analysis, infused denominator,
    independent review, strongest source kind, file order."""
    studies = {
        s["study_id"]: s
        for s in rows("studies")
        if s["indication"] == indication
        and (where(s) if where else s["country_of_conduct"] == country)
        and not s["overlaps_with"]
    }
    codes = ["CR_CRi", "CR"] if (endpoint == "CR" and indication == "B-ALL") else [endpoint]
    best: dict[str, tuple[tuple, dict[str, str]]] = {}
    for line, o in enumerate(rows("outcomes")):
        if o["study_id"] in studies and o["endpoint"] in codes:
            rank = (
                o["source_kind"] == "secondary",
                bool(o["subgroup"]),
                codes.index(o["endpoint"]),
                _pos(o["analysis"], ANALYSIS),
                _pos(o["denominator"], DENOMINATOR),
                _pos(o["assessor"], ASSESSOR),
                _pos(o["source_kind"], STRENGTH),
                line,
            )
            if o["study_id"] not in best or rank < best[o["study_id"]][0]:
                best[o["study_id"]] = (rank, o)
    return {study: row for study, (_, row) in best.items()}


def special_population(study_id: str) -> str | None:
    """The study's population group when it is not the standard one (an empty cell is
    standard): such cohorts are shown apart and never pooled."""
    group = next(
        s.get("population_group") or "" for s in rows("studies") if s["study_id"] == study_id
    )
    return None if group in ("", "standard") else group


def _apart(study_id: str, row: dict[str, str]) -> bool:
    """A cohort in a special population, or a row of one dose level or selected subgroup (a
    non-empty ``subgroup`` cell): shown, never pooled."""
    return bool(special_population(study_id) or row["subgroup"])


def selected(indication: str, endpoint: str, country: str) -> list[tuple[str, int, int]]:
    """(study, events, n) of the cohorts a headline pools: ``chosen_rows`` without those read
    only on a secondary page, those in a special population and subgroup rows."""
    return sorted(
        (s, int(o["events"]), int(o["n"]))
        for s, o in chosen_rows(indication, endpoint, country).items()
        if o["source_kind"] != "secondary" and not _apart(s, o)
    )


def apart(indication: str, endpoint: str, country: str) -> list[tuple[str, int, int]]:
    """(study, events, n) of the cohorts in special populations and of the rows of one dose
    level or selected subgroup: shown, never pooled."""
    return sorted(
        (s, int(o["events"]), int(o["n"]))
        for s, o in chosen_rows(indication, endpoint, country).items()
        if _apart(s, o)
    )


def later(indication: str, endpoint: str, country: str) -> list[tuple[str, int, int]]:
    """(study, events, n) of every whole-cohort longer_follow_up row, for the endpoint's chosen
    code, of a pooled cohort whose chosen row is an earlier analysis: listed, never pooled."""
    pooled = {s for s, _, _ in selected(indication, endpoint, country)}
    chosen = chosen_rows(indication, endpoint, country)
    return sorted(
        (o["study_id"], int(o["events"]), int(o["n"]))
        for o in rows("outcomes")
        if o["study_id"] in pooled
        and chosen[o["study_id"]]["analysis"] != "longer_follow_up"
        and o["analysis"] == "longer_follow_up"
        and o["endpoint"] == chosen[o["study_id"]]["endpoint"]
        and not o["subgroup"]
    )


def counted(indication: str, endpoint: str, country: str) -> list[str]:
    """The cohorts ``cartatlas cohorts`` counts: every population, none read only on a
    secondary page."""
    return sorted(
        s
        for s, o in chosen_rows(indication, endpoint, country).items()
        if o["source_kind"] != "secondary"
    )


def secondary_only(indication: str, endpoint: str, country: str) -> list[str]:
    """The cohorts of the standard population whose only row for the endpoint is from a
    secondary page (never pooled)."""
    return sorted(
        s
        for s, o in chosen_rows(indication, endpoint, country).items()
        if o["source_kind"] == "secondary" and not _apart(s, o)
    )


def hazard_trials(indication: str, endpoint: str) -> list[dict[str, str]]:
    """The comparisons.csv row per randomized trial that a pooled hazard ratio uses: HR and CI
    printed, not read only on a secondary page, the latest analysis (longer follow-up, then
    primary, then label) and, for that analysis, the strongest kind of source."""
    order = ["longer_follow_up", "primary", "label"]
    indications = {r["study_id"]: r["indication"] for r in rows("studies")}
    best: dict[str, dict[str, str]] = {}
    for row in rows("comparisons"):
        if indications[row["study_id"]] != indication or row["endpoint"] != endpoint:
            continue
        if (
            not (row["hr"] and row["ci_low"] and row["ci_high"])
            or row["source_kind"] == "secondary"
        ):
            continue
        key = (_pos(row["analysis"], order), _pos(row["source_kind"], STRENGTH))
        kept = best.get(row["study_id"])
        if kept is None or key < (
            _pos(kept["analysis"], order),
            _pos(kept["source_kind"], STRENGTH),
        ):
            best[row["study_id"]] = row
    return list(best.values())


def hazard_without_ci(indication: str, endpoint: str) -> list[dict[str, str]]:
    """Per randomized trial of ``indication`` and ``endpoint`` that prints a hazard ratio but
    no row of it with a CI: its latest analysis's comparisons.csv row (never pooled)."""
    order = ["longer_follow_up", "primary", "label"]
    indications = {r["study_id"]: r["indication"] for r in rows("studies")}
    same = [
        r
        for r in rows("comparisons")
        if indications[r["study_id"]] == indication and r["endpoint"] == endpoint and r["hr"]
    ]
    with_ci = {r["study_id"] for r in same if r["ci_low"] and r["ci_high"]}
    latest: dict[str, dict[str, str]] = {}
    for row in same:
        if row["study_id"] in with_ci:
            continue
        kept = latest.get(row["study_id"])
        if kept is None or _pos(row["analysis"], order) < _pos(kept["analysis"], order):
            latest[row["study_id"]] = row
    return [latest[study] for study in sorted(latest)]


def hazard_ratio_gaps(indication: str | None = None) -> list[str]:
    """ "BELINDA (OS HR)": randomized CAR-T vs standard-of-care trials (of ``indication``, if
    given) with no primary-endpoint or no OS hazard ratio printed in comparisons.csv."""
    recorded = [r for r in rows("comparisons") if r["hr"]]
    trials = sorted(
        s["study_id"]
        for s in rows("studies")
        if s["design"].startswith("randomized vs standard of care")
        and indication in (None, s["indication"])
    )
    named = []
    for study in trials:
        own = [r for r in recorded if r["study_id"] == study]
        gaps = [
            label
            for label, found in (
                ("primary HR", any(r["primary_endpoint"] == "true" for r in own)),
                ("OS HR", any(r["endpoint"] == "OS" for r in own)),
            )
            if not found
        ]
        if gaps:
            named.append(f"{study} ({', '.join(gaps)})")
    return named


def binomial_tail_at_least(x: int, n: int, p: float) -> float:
    return sum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(x, n + 1))


def _bisect(f, target: float) -> float:
    low, high = 0.0, 1.0
    for _ in range(100):
        mid = (low + high) / 2
        if f(mid) < target:
            low = mid
        else:
            high = mid
    return (low + high) / 2


def clopper_pearson(x: int, n: int) -> tuple[float, float]:
    """Exact 95% CI by inverting the binomial tails (bisection)."""
    low = 0.0 if x == 0 else _bisect(lambda p: binomial_tail_at_least(x, n, p), 0.025)
    # upper: P(X <= x) = 0.025, i.e. P(X >= x + 1) = 0.975 (increasing in p)
    high = 1.0 if x == n else _bisect(lambda p: binomial_tail_at_least(x + 1, n, p), 0.975)
    return low, high


def fisher_two_sided(a: int, b: int, c: int, d: int) -> float:
    """Fisher's exact test of [[a, b], [c, d]]: the probability of tables as or less likely."""
    row1, col1, total = a + b, a + c, a + b + c + d

    def prob(x: int) -> float:
        return math.comb(col1, x) * math.comb(total - col1, row1 - x) / math.comb(total, row1)

    observed = prob(a)
    lo, hi = max(0, row1 + col1 - total), min(row1, col1)
    return sum(p for x in range(lo, hi + 1) if (p := prob(x)) <= observed * (1 + 1e-7))


def date(text: str) -> dt.date:
    parts = [int(p) for p in text.split("-")] + [1, 1]
    return dt.date(*parts[:3])


def one_per_approval(countries: set[str]) -> list[dict[str, str]]:
    """One approvals.csv row per product × agency × country × indication × line × population:
    the strongest source kind, then the most precise date, then the earliest; a weaker row's
    more precise date that starts with the chosen one (a label's month, a news page's day)
    replaces it. ``date_source_kind``: the kind of the source whose date that is (the chosen
    row's, or the strongest dated row's when the chosen one prints none; the finer day does not
    change it)."""
    key_fields = ("product_id", "agency", "country", "indication", "line_of_therapy", "population")
    chosen: dict[tuple, tuple[tuple, dict[str, str]]] = {}
    dated: dict[tuple, list[tuple[tuple, str]]] = {}
    for row in rows("approvals"):
        if row["country"] not in countries:
            continue
        order = (_pos(row["source_kind"], STRENGTH), -len(row["approval_date"]))
        order += (row["approval_date"] or "9999",)
        key = tuple(row[k] for k in key_fields)
        if key not in chosen or order < chosen[key][0]:
            chosen[key] = (order, row)
        if row["approval_date"]:
            dated.setdefault(key, []).append((order, row["approval_date"], row["source_kind"]))
    result = []
    for key, (_, row) in chosen.items():
        ordered = sorted(dated.get(key, []))
        dates = [d for _, d, _ in ordered]
        # the strongest source printing no date takes the date of the strongest one that prints it
        date = row["approval_date"] or (dates[0] if dates else "")
        kind = row["source_kind"] if row["approval_date"] else (ordered[0][2] if ordered else "")
        finer = [d for d in dates if date and len(d) > len(date) and d.startswith(date)]
        result.append(
            {**row, "approval_date": finer[0] if finer else date, "date_source_kind": kind}
        )
    return result


def months(later: dt.date, earlier: dt.date) -> float:
    return round((later - earlier).days / 30.4375, 1)


def per_usd(rate: dict[str, str]) -> float:
    """Units per US dollar of an exchange_rates row: as printed, or the reciprocal of a rate the
    source prints in US dollars per unit (the Federal Reserve's EUR, GBP and AUD)."""
    if rate["per_usd"]:
        return float(rate["per_usd"])
    return 1 / float(rate["usd_per_unit"])


def price_indication(price: dict[str, str]) -> str:
    """A prices.csv row's indication: the one its source names, else its product's only approved
    indication in its country by the end of the price's year (approvals.csv), else ""."""
    if price["indication"]:
        return price["indication"]
    if not price["year"]:
        return ""
    found = {
        a["indication"]
        for a in rows("approvals")
        if a["product_id"] == price["product_id"]
        and a["country"] == price["country"]
        and a["approval_date"]
        and int(a["approval_date"][:4]) <= int(price["year"])
    }
    return found.pop() if len(found) == 1 else ""
