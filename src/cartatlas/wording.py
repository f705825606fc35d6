"""Counts in words that agree in number: "1 of 1 row was", "2 of 3 rows were".

Every surface writes "k of n <things>" sentences; a bare f-string prints "1 of 1 rows were",
which a reader takes for sloppiness in the numbers too.
"""

from __future__ import annotations


def noun(count: int, singular: str, plural: str | None = None) -> str:
    """``singular`` for a count of 1, else ``plural`` (``singular`` + "s" by default)."""
    return singular if count == 1 else (plural or f"{singular}s")


def part_of(part: int, whole: int, singular: str, plural: str | None = None) -> str:
    """ "1 of 1 row", "1 of 3 rows", "0 of 2 rows": the noun agrees with the whole."""
    return f"{part} of {whole} {noun(whole, singular, plural)}"


def was(count: int) -> str:
    """The verb that agrees with ``count`` things: "1 … was", "2 … were" ("1 of 3 rows was")."""
    return "was" if count == 1 else "were"
