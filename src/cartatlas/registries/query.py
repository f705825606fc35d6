"""What "CAR-based cell therapy" means when selecting trials from a registry.

One list of terms feeds both the ClinicalTrials.gov search expression used by ``cartatlas sync``
and the regular expressions ``cartatlas import-aact`` applies in SQL, so the two routes select
the same trials. The INNs are those of CAR products approved somewhere (US, EU, China, Japan,
Korea, Spain's hospital exemption), because trials of approved products often never write out
"chimeric antigen receptor".
"""

from __future__ import annotations

PHRASES = ("chimeric antigen receptor",)
ACRONYMS = ("CAR-T", "CAR T", "CAR-NK", "CAR NK", "CART")
APPROVED_INNS = (
    "tisagenlecleucel",
    "axicabtagene ciloleucel",
    "brexucabtagene autoleucel",
    "lisocabtagene maraleucel",
    "idecabtagene vicleucel",
    "ciltacabtagene autoleucel",
    "relmacabtagene autoleucel",
    "equecabtagene autoleucel",
    "zevorcabtagene autoleucel",
    "inaticabtagene autoleucel",
    "obecabtagene autoleucel",
    "satricabtagene autoleucel",
    "varnimcabtagene autoleucel",
    "anbalcabtagene autoleucel",
)


def default_query() -> str:
    """The ClinicalTrials.gov ``query.term`` (Essie syntax) for CAR-based cell therapy."""
    return " OR ".join(f'"{term}"' for term in (*PHRASES, *ACRONYMS, *APPROVED_INNS))


def sql_patterns() -> tuple[str, str]:
    """PostgreSQL regular expressions: (case-sensitive acronyms, case-insensitive phrases/INNs).

    Acronyms must match case and word boundaries, or "CAR T" would match "scar tissue".
    """
    acronyms = r"\m(CAR[- ]?(T|NK)|CART)\M"
    phrases = "|".join(t.replace(" ", r"[- ]") for t in (*PHRASES, *APPROVED_INNS))
    return acronyms, phrases
