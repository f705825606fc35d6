"""How a figure names a study: by the product a patient knows, the study after it.

Forest plots, landmark plots and hazard-ratio plots labelled each series by its study ID alone
("ZUMA-7", "CT041-ST-01"), which tells a patient nothing. A label now names the product first,
as the approvals tables do (its brand, from ``products.csv``), with its short generic name, and
the study after a dash: "Yescarta (axi-cel) — ZUMA-7". A study of no recorded product (an
academic construct) is named by its target and, when short, its construct: "BCMA CAR-T
(LCAR-B38M) — Zhao2018-LEGEND2".
"""

from __future__ import annotations

from cartatlas.analyses.evidence_kept import kept
from cartatlas.evidence.jurisdictions import most_used_brand
from cartatlas.store import Store

#: A construct name short and single-word enough to add to a target's words ("CTL019",
#: "LCAR-B38M"); longer ones are descriptions ("CD19 CAR-T, defined CD4+:CD8+ composition …").
_CONSTRUCT_CHARS = 16


def generic_name(product_id: str, inn: object, aliases: object) -> str:
    """The short generic name a haematologist uses ("axi-cel"): the first alias in the
    INN-derived "-cel" form, else the INN, else the product ID."""
    for alias in aliases.split("|") if isinstance(aliases, str) else []:
        if alias.strip().endswith("-cel"):
            return alias.strip()
    return inn if isinstance(inn, str) and inn else product_id


def product_words(product_id: str, inn: object, aliases: object, brands: object) -> str:
    """ "Yescarta (axi-cel)": the brand used in most countries, in Latin script (a figure's
    font has no Chinese glyphs), with the generic name; the generic name alone without one
    ("satri-cel")."""
    generic = generic_name(product_id, inn, aliases)
    brand = most_used_brand(brands, str.isascii)
    return f"{brand} ({generic})" if brand and brand != generic else generic


def construct_words(targets: object, construct: object) -> str:
    """ "BCMA CAR-T (LCAR-B38M)" for a study of no recorded product; "CAR-T" without targets."""
    kind = f"{'/'.join(str(targets).split('|'))} CAR-T" if isinstance(targets, str) else "CAR-T"
    short = isinstance(construct, str) and 0 < len(construct) <= _CONSTRUCT_CHARS
    return f"{kind} ({construct})" if short and " " not in construct else kind


@kept
def study_labels(store: Store) -> dict[str, str]:
    """Every study's figure label, "Yescarta (axi-cel) — ZUMA-7", by study ID."""
    rows = store.execute(
        "SELECT s.study_id, s.product_id, p.inn, p.aliases, p.brands, s.targets, "
        "s.construct_name FROM evidence_studies s "
        "LEFT JOIN evidence_products p ON p.product_id = s.product_id"
    )
    return {
        study: (
            product_words(product, inn, aliases, brands)
            if product
            else construct_words(targets, construct)
        )
        + f" — {study}"
        for study, product, inn, aliases, brands, targets, construct in rows
    }


@kept
def study_lines(store: Store) -> dict[str, str]:
    """Every study's line of therapy ("2L", "3L+"), by study ID; "line not stated" without one."""
    rows = store.execute("SELECT study_id, line_of_therapy FROM evidence_studies")
    return {study: line if line else "line not stated" for study, line in rows}


def landmark_label(names: dict[str, str], study: str, endpoint: str, lines: dict[str, str]) -> str:
    """A landmark series as the report's and the dashboard's legends name it: "Yescarta
    (axi-cel) — ZUMA-7, EFS (2L)" (``names``: ``study_labels``; ``lines``: ``study_lines``).
    The line is named because one plot holds second-line randomized trials and third-line
    single-arm ones, whose survival is not like for like."""
    return f"{names.get(study, study)}, {endpoint} ({lines.get(study, 'line not stated')})"


def hazard_ratio_label(names: dict[str, str], study: str, endpoint: str, indication: str) -> str:
    """A trial's line in the hazard-ratio forest plots: "Yescarta (axi-cel) — ZUMA-7, EFS
    (LBCL)"."""
    return f"{names.get(study, study)}, {endpoint} ({indication})"
