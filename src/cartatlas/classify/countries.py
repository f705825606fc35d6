"""Site countries as ISO codes, and where a trial stands relative to a pair of countries.

The comparison pair is a parameter (China and the US by default) so any two countries can be
compared; Hong Kong, Macao and Taiwan keep their own ISO codes and are not counted as CN.
"""

from __future__ import annotations

from cartatlas.classify.record import TrialRecord

DEFAULT_PAIR = ("CN", "US")


def countries(record: TrialRecord) -> tuple[list[str], str]:
    """``(ISO codes of the site countries, reason)``, in site order."""
    if not record.site_countries:
        return [], "no sites listed"
    return list(record.site_countries), f"{len(record.site_countries)} site country(ies)"


def pair_scope(codes: list[str], pair: tuple[str, str] = DEFAULT_PAIR) -> str:
    """``"<A> only"``, ``"<B> only"``, ``"both"`` or ``"neither"`` for a trial's countries.

    "Only" means the trial has sites in that country and not in the other one of the pair;
    sites in third countries do not change it (a CN+JP trial is "CN only").
    """
    first, second = (code in codes for code in pair)
    if first and second:
        return "both"
    if first:
        return f"{pair[0]} only"
    if second:
        return f"{pair[1]} only"
    return "neither"
