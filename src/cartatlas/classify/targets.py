"""Normalized antigen names of the CAR construct(s) a trial gives.

Names come from intervention names and titles first (they name the product), the summary only
when those say nothing. Synonyms map to one name each (Claudin 18.2 → CLDN18.2, TNFRSF17 →
BCMA, mesothelin → MSLN, CD276 → B7-H3); compact multi-target names are expanded ("CD19/22",
"CAR20.19.22", "CART-138/BCMA/19"). Mentions that are prior therapy ("after CD19 CAR-T") or a
negative marker ("CD19-negative") are skipped, and so are construct parts that are not targets
(EGFRt safety tags, CD28/4-1BB domains, PD-1 knock-outs, IL-7/CCL19 armour).
"""

from __future__ import annotations

import re
from functools import lru_cache

from cartatlas.classify.is_car import CAR_PATTERN, car_interventions, is_context
from cartatlas.classify.matching import Hit, hits, quote
from cartatlas.classify.products import known_products, products_in
from cartatlas.classify.record import TrialRecord
from cartatlas.classify.rules import Rule, Words, part, present

# canonical name → regex of its spellings (case-insensitive unless written with (?-i:…)).
SYNONYMS: dict[str, str] = {
    "BCMA": r"BCMA|BMCA|B[- ]cell maturation antigen|TNFRSF17",
    "GPRC5D": r"GPRC5D",
    "SLAMF7": r"SLAMF7|(?-i:CS1)|(?-i:CS-1)",
    "CLL1": r"CLL[- ]?1|CLEC12A",
    "CLDN18.2": r"CLDN[- ]?18\.?2|claudin[- ]?18\.?2|claudin18\.21|(?-i:CLD18)",
    "CLDN6": r"CLDN[- ]?6|claudin[- ]?6",
    "MSLN": r"MSLN|mesothelin|(?-i:meso)(?=[- ]?CAR|CAR|-?CIR|\b(?!thel))|(?-i:MESO)(?!THEL)",
    "GPC3": r"GPC[- ]?3|glypican[- ]?3",
    "GPC2": r"GPC[- ]?2|glypican[- ]?2",
    "B7-H3": r"B7[- ]?H3",
    "GD2": r"GD[- ]?2",
    "HER2": r"HER[- ]?2|ERBB2",
    "EGFRvIII": r"EGFR[- ]?v(?:III|3)|EGFR-?VIII",
    "EGFR": r"EGFR(?![- ]?v|t)|EGFR806|HER1(?!t)",
    "IL13RA2": r"IL[- ]?13[- ]?R(?:α|a|alpha)?[- ]?2|IL13Rα2|IL[- ]?13[- ]?zetakine",
    "PSMA": r"PSMA|FOLH1|prostate[- ]specific membrane antigen",
    "PSCA": r"PSCA|prostate stem cell antigen",
    "MUC1": r"(?:Tn)?MUC[- ]?1(?!\d)C?\*?|mucin[- ]?1(?!\d)",
    "MUC16": r"MUC[- ]?16|mucin[- ]?16",
    "CEA": r"(?-i:CEA)|CEACAM5|carcinoembryonic antigen",
    "NKG2DL": r"NKG2D(?:[- ]?L(?:igands?)?)?|NKR-2",
    "EpCAM": r"EpCAM",
    "GUCY2C": r"GUCY2C|(?-i:GCC)|guanylyl cyclase C|guanylate cyclase 2C",
    "FLT3": r"FLT[- ]?3",
    "ROR1": r"ROR[- ]?1",
    "ROR2": r"ROR[- ]?2",
    "AXL": r"(?-i:AXL)",
    "DLL3": r"DLL[- ]?3",
    "TROP2": r"TROP[- ]?2",
    "Nectin-4": r"Nectin[- ]?4",
    "CDH17": r"CDH17|cadherin[- ]?17",
    "c-Met": r"c-?Met",
    "LeY": r"Lewis[- ]?Y|(?-i:LeY)",
    "FRα": r"FR(?:α|a|alpha)|folate receptor[- ](?:alpha|α)|FOLR1|MOv19|MOv-?gamma",
    "ALPP": r"ALPP|(?-i:PLAP)",
    "CSPG4": r"CSPG4|(?-i:NG2)",
    "L1CAM": r"L1CAM",
    "EphA2": r"EphA[- ]?2",
    "HLA-G": r"HLA-G",
    "CAIX": r"CAIX|carbonic anhydrase IX",
    "GFRα4": r"GFR(?:α|a|alpha)[- ]?4",
    "LGR5": r"LGR5",
    "STEAP1": r"STEAP[- ]?1",
    "STEAP2": r"STEAP[- ]?2",
    "TAG72": r"TAG[- ]?72",
    "VEGFR1": r"VEGFR[- ]?1",
    "VEGFR2": r"VEGFR[- ]?2",
    "FAP": r"(?-i:FAP)",
    "MMP2": r"MMP[- ]?2|chlorotoxin",
    "kappa": r"kappa(?! ?B)|(?-i:KMA)",
    "TRBC1": r"TRBC1",
    "TRBC2": r"TRBC2",
    "ILT3": r"ILT[- ]?3|LILRB4",
    "Siglec-6": r"siglec[- ]?6",
    "ADGRE2": r"ADGRE2",
    "CCR4": r"(?-i:CCR4)",
    "CCR9": r"(?-i:CCR9)",
    "IL1RAP": r"IL[- ]?1RAP",
    "LILRA6": r"LILRA6",
    "TSLPR": r"TSLPR|CRLF2",
    "IL5R": r"IL[- ]?5(?= CAR)|IL5R",
    "GP350": r"GP350",
    "LMP1": r"LMP[- ]?1",
    "BAFF-R": r"BAFF[- ]?R|CD268",
    "TACI": r"(?-i:TACI)",
    "TIM3": r"TIM[- ]?3",
    "GARP": r"(?-i:GARP)",
    "PHOX2B": r"PHOX2B",
    "FGFR4": r"FGFR4",
    "GPNMB": r"GPNMB",
    "ALK": r"(?-i:ALK)",
    "ROBO1": r"ROBO1",
    "MG7": r"(?-i:MG7)",
    "AFP": r"(?-i:AFP)",
    "TM4SF1": r"TM4SF1",
    "5T4": r"5T4",
    "DSG3": r"DSG3|desmoglein[- ]?3",
    "MuSK": r"(?-i:MuSK)",
    "FITC": r"(?-i:FITC)",
    "FcRL5": r"FcR[LH]5",
    "ITGB7": r"integrin[- ]β7|integrin beta[- ]?7",
    "HLA-A2": r"HLA-A\*?0?2",
    "CD79A": r"(?-i:CD79a)",
    "CD79B": r"(?-i:CD79b)|Igβ",
    "PD-L1": r"PD-?L1(?=[\s/-]*(?:CAR|CSR|targeted|targeting|\w+ CAR))",
    "TGFβ": r"TGF[- ]?(?:β|beta)(?=[\s-]*(?:targeted|targeting|CAR))",
}
# Ligand-based CARs bind these receptors.
LIGANDS = {
    "APRIL": ("BCMA", "TACI"),
    "BAFF": ("BAFF-R", "BCMA", "TACI"),
    "IL-3": ("CD123",),
    "IL3": ("CD123",),
}
# CD numbers that name a CAR target (not CD3/CD28/CD8/CD137 construct parts or CD34 tags).
KNOWN_CD = {
    "1a",
    "4",
    "5",
    "6",
    "7",
    "10",
    "19",
    "20",
    "22",
    "30",
    "33",
    "37",
    "38",
    "44v6",
    "47",
    "56",
    "64",
    "70",
    "73",
    "79a",
    "79b",
    "83",
    "84",
    "94",
    "99",
    "117",
    "123",
    "133",
    "138",
    "146",
    "147",
    "171",
    "180",
    "269",
    "276",
    "318",
    "319",
    "371",
}
CD_ALIASES = {
    "CD269": "BCMA",
    "CD276": "B7-H3",
    "CD371": "CLL1",
    "CD319": "SLAMF7",
    "CD171": "L1CAM",
    "CD79A": "CD79A",
    "CD79B": "CD79B",
    "CD1A": "CD1a",
}

#: One alternative per synonym, in table order: the index of a match's alternative names it.
_NAMED = Rule([rf"(?<![A-Za-z0-9])(?:{rx})(?![a-z])" for rx in SYNONYMS.values()], re.IGNORECASE)
_NAMES = list(SYNONYMS)
_LIGAND = Rule(r"\b(APRIL|BAFF|IL-?3)(?=[\s-]*(?:ligand|based|CAR))", re.IGNORECASE)
_CD_CHAIN = Rule(
    r"(?:(?<![A-Z0-9])CD[- ]?|(?:CAR|CART|CAR-T|CAR-NK)[-. ]?)"
    r"(?P<first>\d{1,3}[ab]?v?\d?)(?![\d])"
    r"(?P<rest>(?:\s?(?:/|\.|x|×|&|\+|-|,|and|or)\s?(?:CD|CAR-?T?)?\s?\d{1,3}[ab]?(?!\d))*)",
)
_NUMBER = re.compile(r"\d{1,3}[ab]?")
_NEGATIVE_AFTER = re.compile(r"^(?:[\s-]*(?:negative|neg\b|−)|-\s)", re.IGNORECASE)
_ARMOUR_BEFORE = re.compile(r"(?:knock[- ]?out|KO|silent|secreting|armou?red|αPD|anti-?)\s*$")


def _cd_targets(text: str, words: Words | None = None) -> list[tuple[int, int, str]]:
    found = []
    for m in _CD_CHAIN.finditer(text, words):
        numbers = [m.group("first")] + _NUMBER.findall(m.group("rest") or "")
        for number in numbers:
            if number.startswith("0") or number.lower() not in KNOWN_CD:
                continue
            name = f"CD{number}".upper().replace("CD1A", "CD1a").replace("V6", "v6")
            found.append((m.start(), m.end(), CD_ALIASES.get(name, name)))
    return found


def _named_targets(text: str, words: Words | None = None) -> list[tuple[int, int, str]]:
    found = []
    for index, m in _NAMED.indexed(text, words):
        found.append((m.start(), m.end(), _NAMES[index]))
    for m in _LIGAND.finditer(text, words):
        for name in LIGANDS[m.group(1).upper().replace("IL-3", "IL3")]:
            found.append((m.start(), m.end(), name))
    return found


def _add_targets(found: dict[str, Hit], field: str, text: str, words: Words | None = None) -> None:
    """Adds the targets named in one text that ``found`` lacks, each with the hit that names
    it (the first hit of a target is its reason, so later ones are not built). ``words``: those
    of a part of a text, which is read once, uncached."""
    for name, start, end in _targets_at(text) if words is None else _targets_in(text, words):
        if name not in found:
            found[name] = Hit(field, text, start, end)


@lru_cache(maxsize=8192)
def _targets_at(text: str) -> tuple[tuple[str, int, int], ...]:
    """:func:`_targets_in` once per text (interventions repeat)."""
    return _targets_in(text, present(text))


def _targets_in(text: str, words: Words) -> tuple[tuple[str, int, int], ...]:
    """``(target, start, end)`` of the targets named in one text whose words are ``words``,
    skipping prior and negative ones."""
    result = []
    for start, end, name in _cd_targets(text, words) + _named_targets(text, words):
        if _NEGATIVE_AFTER.match(text[end : end + 10]) or is_context(
            Hit("", text, start, end), words
        ):
            continue
        if name in ("CD4", "CD8") and text[end : end + 1] in "+⁺":
            continue  # a T-cell subset ("CD4+ CAR T cells"), not the CAR's antigen
        if name in ("PD-L1", "TGFβ") and _ARMOUR_BEFORE.search(text[max(0, start - 12) : start]):
            continue
        result.append((name, start, end))
    return tuple(result)


def targets(record: TrialRecord, car: bool = True) -> tuple[list[str], str]:
    """``(targets, reason)``: antigens of the CAR product(s), in first-seen order."""
    if not car:
        return [], "not a CAR trial"
    found: dict[str, Hit] = {}
    for product in car_interventions(record) or record.interventions:
        for m, known in known_products(product.name):
            for name in known.targets:
                found.setdefault(name, Hit("interventions", product.name, m.start(), m.end()))
        _add_targets(found, "interventions", product.name)
    for field, text in record.texts("title", "official_title"):
        _add_targets(found, field, text)
        for m, known in known_products(text):
            for name in known.targets:
                found.setdefault(name, Hit(field, text, m.start(), m.end()))
    if not found:
        for hit in hits(record, CAR_PATTERN, ("brief_summary", "detailed_description")):
            # Only antigens named next to the CAR words, not the background around them.
            near = hit.text[max(0, hit.start - 60) : hit.end + 60]
            words = part(present(hit.text), near)  # no word pass of its own
            _add_targets(found, hit.field, near, words)
            for m, known in products_in(near, words):
                for name in known.targets:
                    found.setdefault(name, Hit(hit.field, near, m.start(), m.end()))
    if not found:
        return [], "no antigen named"
    reasons = "; ".join(f"{name} ← {quote(hit, 20)}" for name, hit in list(found.items())[:4])
    return list(found), reasons
