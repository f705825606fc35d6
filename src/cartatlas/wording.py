"""Counts in words that agree in number: "1 of 1 row was", "2 of 3 rows were".

Every surface writes "k of n <things>" sentences; a bare f-string prints "1 of 1 rows were",
which a reader takes for sloppiness in the numbers too.
"""

from __future__ import annotations

import math


def noun(count: int, singular: str, plural: str | None = None) -> str:
    """``singular`` for a count of 1, else ``plural`` (``singular`` + "s" by default)."""
    return singular if count == 1 else (plural or f"{singular}s")


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """ "1 cohort", "3 cohorts": a count with its noun in agreement."""
    return f"{count} {noun(count, singular, plural)}"


def and_list(items: list[str]) -> str:
    """Join as "a, b and c" (items such as "r/r" hold a slash, so a slash cannot join them)."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def part_of(part: int, whole: int, singular: str, plural: str | None = None) -> str:
    """ "1 of 1 row", "1 of 3 rows", "0 of 2 rows": the noun agrees with the whole."""
    return f"{part} of {whole} {noun(whole, singular, plural)}"


def was(count: int) -> str:
    """The verb that agrees with ``count`` things: "1 … was", "2 … were" ("1 of 3 rows was")."""
    return "was" if count == 1 else "were"


def pvalue(p: float | None) -> str:
    """A p-value as every surface prints it ("p = 0.61", "p = 0.003", "p < 0.001"): the report's
    tables and the forest plot's model note once gave the same test as "p = 0.003" and
    "p = 0.00334"."""
    if p is None or math.isnan(p):
        return "not testable"
    return "p < 0.001" if p < 0.001 else f"p = {p:.2f}" if p >= 0.01 else f"p = {p:.3f}"


#: Evidence-vocabulary codes that a reader cannot read as written ("reports MRD_neg_CR",
#: "pediatric-young-adult in US", "rems change"), in the words every surface prints instead.
CODE_WORDS = {
    "MRD_neg_CR": "MRD-negative CR",
    "VGPR_plus": "VGPR or better",
    "CR_CRi": "CR/CRi",
    "rems_change": "REMS change",
    "rems_removal": "REMS removal",
    "insurance_negotiated": "insurance-negotiated",
    "pediatric-young-adult": "children and young adults",
    "adult+pediatric": "adults and children",
}


def in_words(code: str) -> str:
    """A stored code as a reader reads it: ``CODE_WORDS``, else its underscores as spaces
    ("boxed_warning" → "boxed warning"). Machine outputs (API JSON, CSV) keep the code."""
    return CODE_WORDS.get(code, code.replace("_", " "))
