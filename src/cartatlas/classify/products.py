"""Named CAR products that registries often mention only by code or INN.

A record that says "GC012F injection" or "KYV-101" never spells out "chimeric antigen receptor";
this table lets the rules recognise such products and fill targets and cell source that the
record leaves implicit. It lists products whose construct is public (INN or sponsor pipeline),
nothing guessed; an unknown code simply falls through to the text rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from cartatlas.classify.rules import Rule, Words, present, selector

AUTO = "autologous"
UNIVERSAL = "allogeneic-universal"
DONOR = "allogeneic-donor"
IPSC = "allogeneic-iPSC"
IN_VIVO = "in vivo"
ALLOGENEIC = "allogeneic"


@dataclass(frozen=True, slots=True)
class Product:
    names: str  # regex alternation of names and codes (matched case-insensitively, whole word)
    targets: tuple[str, ...]
    cell_type: str = "T"
    source: str = AUTO


PRODUCTS: tuple[Product, ...] = (
    Product(r"tisagenlecleucel|tisa-cel|CTL[- ]?019|CTL119|Kymriah", ("CD19",)),
    Product(r"axicabtagene ciloleucel|axi-cel|KTE-C19|Yescarta|FKC876", ("CD19",)),
    Product(r"brexucabtagene autoleucel|brexu-cel|KTE-X19|Tecartus", ("CD19",)),
    Product(r"lisocabtagene maraleucel|liso-cel|JCAR017|Breyanzi", ("CD19",)),
    Product(r"idecabtagene vicleucel|ide-cel|bb2121|Abecma", ("BCMA",)),
    Product(r"ciltacabtagene autoleucel|cilta-cel|JNJ-68284528|LCAR-B38M|Carvykti", ("BCMA",)),
    Product(r"relmacabtagene autoleucel|relma-cel|JWCAR029", ("CD19",)),
    Product(r"equecabtagene autoleucel|eque-cel|CT103A|Fucaso", ("BCMA",)),
    Product(r"zevorcabtagene autoleucel|zevor-cel|CT053", ("BCMA",)),
    Product(r"inaticabtagene autoleucel|inati-cel|CNCT[- ]?19", ("CD19",)),
    Product(r"obecabtagene autoleucel|obe-cel|Aucatzyl", ("CD19",)),
    Product(r"satricabtagene autoleucel|satri-cel|CT041", ("CLDN18.2",)),
    Product(r"varnimcabtagene autoleucel|IM19", ("CD19",)),
    Product(r"prizloncabtagene autoleucel|C-CAR039", ("CD19", "CD20")),
    Product(r"anitocabtagene autoleucel|anito-cel|CART-ddBCMA", ("BCMA",)),
    Product(r"arlocabtagene autoleucel|arlo-cel|BMS-986393|CC-95266", ("GPRC5D",)),
    Product(r"rapcabtagene autoleucel|YTB323", ("CD19",)),
    Product(r"zamtocabtagene autoleucel|zamto-cel|MB-CART2019\.1", ("CD19", "CD20")),
    Product(r"zolacabtagene autoleucel|zola-cel|CC-97540|BMS-986353", ("CD19",)),
    Product(r"GC012F|AZD0120", ("BCMA", "CD19")),
    Product(r"KYV-101", ("CD19",)),
    Product(r"CABA-201|rese-cel", ("CD19",)),
    Product(r"Descartes-08|Descartes-11|Descartes-15", ("BCMA",)),
    Product(r"bbT369", ("CD79A", "CD20")),
    Product(r"JCAR015|JCAR014", ("CD19",)),
    Product(r"JCARH125|MCARH125|PHE885|C-CAR088|P-BCMA-101", ("BCMA",)),
    Product(r"MCARH109|CT071", ("GPRC5D",)),
    Product(r"MB-CART19\.1", ("CD19",)),
    Product(r"MB-CART20\.1|C-CAR066|LUCAR-20S", ("CD20",)),
    Product(r"AUTO2", ("BCMA", "TACI")),
    Product(r"AUTO3", ("CD19", "CD22")),
    Product(r"AUTO4", ("TRBC1",)),
    Product(r"GC007F|GC019F", ("CD19",)),
    Product(r"GC022F?", ("CD19", "CD22")),
    Product(r"LCAR-AIO", ("CD19", "CD20", "CD22")),
    Product(r"NXC-201|HBI0101", ("BCMA",)),
    Product(r"BPX-601", ("PSCA",)),
    Product(r"BPX-603", ("HER2",)),
    Product(r"AZD5851", ("GPC3",)),
    Product(r"AZD6422", ("CLDN18.2",)),
    Product(r"LMY-92[02]", ("BAFF-R", "BCMA", "TACI")),
    Product(r"SynKIR-310", ("CD19",)),
    Product(r"KITE-363|KITE-753", ("CD19", "CD20")),
    Product(r"KITE-585", ("BCMA",)),
    Product(r"KITE-222", ("CLL1",)),
    Product(r"NKR-2|CYAD-01|CYAD-02", ("NKG2DL",)),
    Product(r"bb21217", ("BCMA",)),
    Product(r"BMS-986453", ("BCMA", "GPRC5D")),
    Product(r"AMG 119", ("DLL3",)),
    Product(r"MB-102", ("CD123",)),
    Product(r"MB-106", ("CD20",)),
    Product(r"KITE-197", ("CD19",)),
    Product(r"TAK-102", ("GPC3",)),
    Product(r"TAK-103", ("MSLN",)),
    Product(r"LYL797", ("ROR1",)),
    Product(r"LYL273", ("GUCY2C",)),
    Product(r"SWI019", ("CD19",)),
    Product(r"CLBR001|MT027", ()),
    Product(r"CYAD-211", ("BCMA",)),
    # Allogeneic: gene-edited "universal" donor cells, iPSC lines and off-the-shelf NK cells.
    Product(
        r"UCART19|ALLO-501A?|cemacabtagene ansegedleucel|cema-cel", ("CD19",), source=UNIVERSAL
    ),
    Product(r"UCART123", ("CD123",), source=UNIVERSAL),
    Product(r"UCART22", ("CD22",), source=UNIVERSAL),
    Product(r"UCARTCS1", ("SLAMF7",), source=UNIVERSAL),
    Product(r"UCART20x22", ("CD20", "CD22"), source=UNIVERSAL),
    Product(
        r"ALLO-715|ALLO-605|CTX120|PBCAR269A|CB-011|P-BCMA-ALLO1|CT0590|CT0596",
        ("BCMA",),
        source=UNIVERSAL,
    ),
    Product(r"ThisCART19A?", ("CD19",), source=ALLOGENEIC),
    Product(r"ALLO-316|CTX13[01]", ("CD70",), source=UNIVERSAL),
    Product(r"CTX11[02]|PBCAR0191|azer-cel|PBCAR19B|CB-010|SC291", ("CD19",), source=UNIVERSAL),
    Product(r"PBCAR20A", ("CD20",), source=UNIVERSAL),
    Product(r"CB-012", ("CLL1",), source=UNIVERSAL),
    Product(r"SC262", ("CD22",), source=UNIVERSAL),
    Product(r"P-MUC1C-ALLO1", ("MUC1",), source=UNIVERSAL),
    Product(r"P-CD19CD20-ALLO1", ("CD19", "CD20"), source=UNIVERSAL),
    Product(r"WU-CART-007|RD13-0[12]", ("CD7",), source=UNIVERSAL),
    Product(r"ATA3219", ("CD19",), source=UNIVERSAL),
    Product(r"CYAD-101", ("NKG2DL",), source=UNIVERSAL),
    Product(r"ADI-001|prulacabtagene leucel|prula-cel", ("CD20",), "γδ T", UNIVERSAL),
    Product(r"NKX019", ("CD19",), "NK", UNIVERSAL),
    Product(r"NKX101", ("NKG2DL",), "NK", UNIVERSAL),
    Product(r"TAK-007", ("CD19",), "NK", UNIVERSAL),
    Product(r"FT819", ("CD19",), source=IPSC),
    Product(r"FT825", ("HER2",), source=IPSC),
    Product(r"FT836", ("NKG2DL",), source=IPSC),
    Product(r"FT596|FT522|CNTY-101|QN-019a", ("CD19",), "NK", IPSC),
    Product(r"FT576", ("BCMA",), "NK", IPSC),
    Product(r"FT536", ("NKG2DL",), "NK", IPSC),
    # In vivo: vectors or mRNA that make CAR cells inside the patient.
    Product(r"UB-VV111|CPTX2309", ("CD19",), source=IN_VIVO),
    Product(r"INT2104", ("CD20",), source=IN_VIVO),
    Product(r"UB-VV\d+", (), source=IN_VIVO),
    Product(r"ESO-T01|KLN-1010", ("BCMA",), source=IN_VIVO),
)

_PATTERNS = tuple((Rule(rf"(?<![\w-])(?:{p.names})(?![\w-])", re.IGNORECASE), p) for p in PRODUCTS)
#: Every CAR-T INN carries the "-cabtagene" stem (tisagenlecleucel predates it).
INN_STEM = Rule(r"\b\w+cabtagene\b|\btisagenlecleucel\b", re.IGNORECASE)
_POSSIBLE = selector([pattern.mask for pattern, _ in _PATTERNS])


@lru_cache(maxsize=8192)
def known_products(text: str) -> tuple[tuple[re.Match[str], Product], ...]:
    """The known products named in ``text``, with the match that names each (table order)."""
    return products_in(text, present(text))


def products_in(text: str, words: Words) -> tuple[tuple[re.Match[str], Product], ...]:
    """:func:`known_products` of a text whose words are ``words`` (uncached: for parts of a
    text, which recur rarely). Only products whose names' words occur are searched
    (:mod:`~.rules`)."""
    found = []
    for index in _POSSIBLE(words):
        pattern, product = _PATTERNS[index]
        m = pattern.search(text, words)
        if m:
            found.append((m, product))
    return tuple(found)
