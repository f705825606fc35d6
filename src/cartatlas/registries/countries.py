"""Country names as registries spell them → ISO 3166-1 alpha-2 codes.

Analyses compare countries, so every site and country list is stored as an alpha-2 code; the
names come from ``data/iso3166.tsv`` (ISO short names plus the spellings ClinicalTrials.gov,
AACT and WHO ICTRP use). A name that is not there is reported by the caller, never guessed.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from importlib.resources import files

_NOISE = re.compile(r"[^a-z0-9]+")


def _key(name: str) -> str:
    """Compare names without case, accents, punctuation or a leading "the"."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    text = _NOISE.sub(" ", text).strip()
    return text[4:] if text.startswith("the ") else text


@cache
def _table() -> dict[str, str]:
    table: dict[str, str] = {}
    source = files("cartatlas.registries").joinpath("data/iso3166.tsv").read_text("utf-8")
    for line in source.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        code, names = line.split("\t", 1)
        table[_key(code)] = code
        for name in names.split("|"):
            table[_key(name)] = code
    return table


def all_codes() -> list[str]:
    """Every alpha-2 code the table knows, sorted (what an API may document as allowed)."""
    return sorted(set(_table().values()))


@cache
def country_code(name: str | None) -> str | None:
    """The alpha-2 code for a country name (or code), or ``None`` when the name is unknown."""
    if not name or not name.strip():
        return None
    return _table().get(_key(name))
