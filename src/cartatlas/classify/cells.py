"""Which cells carry the CAR, where they come from, and whether they are made in the body.

``cell_type``: T, NK, NKT, γδ T, macrophage, Treg or DC, read from the words attached to the
CAR ("CAR-NK", "CAR-γδT", "CAR Tregs", "NK-92") or from a known product; plain "CAR-T"/"CART"
means T cells. ``cell_source``: autologous, allogeneic-donor (the patient's transplant donor or
a related/haplo donor), allogeneic-universal (gene-edited or third-party off-the-shelf cells,
cord blood, NK cell lines), allogeneic-iPSC, allogeneic (unspecified), in vivo, or unknown when
the record does not say. "Allogeneic"/"autologous" count only when they qualify the cells, not
a stem-cell transplant in the same sentence.
"""

from __future__ import annotations

import re
from functools import lru_cache

from cartatlas.classify.is_car import car_interventions
from cartatlas.classify.literals import blank
from cartatlas.classify.matching import Hit, quote
from cartatlas.classify.products import (
    ALLOGENEIC,
    AUTO,
    DONOR,
    IN_VIVO,
    IPSC,
    UNIVERSAL,
    known_products,
)
from cartatlas.classify.record import TrialRecord
from cartatlas.classify.rules import Rule, part, present, scoped, selector

UNKNOWN = "unknown"

_FIELDS = (
    "interventions",
    "title",
    "official_title",
    "arms",
    "keywords",
    "brief_summary",
    "detailed_description",
)
_SUMMARY_FIELDS = ("brief_summary", "detailed_description")

# Order matters: more specific cell words first, and their spans are removed before the next.
_CELL_TYPES: tuple[tuple[str, Rule], ...] = (
    ("γδ T", Rule(r"γδ|gamma[\s-]?delta|\bgd[\s-]?T\b|\bγ\s?δ", re.I)),
    (
        "NKT",
        Rule(
            r"\bCAR[\s-]?i?NKT\b|\bi?NKT[\s-]cells?\b|natural killer T[\s-]cells?|"
            r"\bNK T[\s-]cells?|\baNKT\b",
            re.I,
        ),
    ),
    ("Treg", Rule(r"\bT[\s-]?regs?\b|regulatory T[\s-]cells?|Foxp3", re.I)),
    ("macrophage", Rule(r"macrophages?|monocytes?|\bCAR[\s-]?M\b", re.I)),
    ("DC", Rule(r"\bCAR[\s-]?DCs?\b|dendritic cells?", re.I)),
    (
        "NK",
        Rule(
            r"\bCAR[\s-]?p?NK\b|\bNK[\s-]?92|\bNK[\s-]cells?\b|natural killer(?: \(NK\))?"
            r" cells?|\bCAR[\s-]NK|-NK\b",
            re.I,
        ),
    ),
    (
        "T",
        Rule(
            r"\bCAR[\s-]?T\b|\bU?CART|\bCAR[\s-]?T[\s-]?cells?|\bT[\s-]?cells?\b|"
            r"\bT[\s-]lymphocytes?\b|\bCTLs?\b|\bVSTs?\b|EBVSTs?|CARCIK|\bCAR\d",
            re.I,
        ),
    ),
)
_POSSIBLE_TYPES = selector([rule.mask for _, rule in _CELL_TYPES])
# NK words that describe the disease ("NK/T-cell lymphoma") or a drug, not the product.
_NOT_A_PRODUCT = Rule(
    r"NK/T|T/NK|NK[\s-]cell (?:lymphoma|leuk\w*|malignan\w*|neoplasm)|NKTR-|NKG2D|T[\s-]cells? "
    r"(?:lymphoma|leuk\w*|malignan\w*|neoplasm\w*|acute|lymphoblastic|non-hodgkin)|"
    r"T[\s-]cell-derived|T-ALL|T-LBL|T[\s-]lineage|T lymphoblastic|T[\s-]cell engag\w*|"
    r"CAR[\s-]?T[\s-]cell[\s-]related|following CAR|after CAR|dendritic cell (?:neoplasm|leuk)",
    re.I,
)

_IN_VIVO = Rule(
    r"\bin[\s-]?vivo (?:CAR|gene|generat\w*|engineer\w*|deliver\w*|transduc\w*|reprogramm\w*|"
    r"lentivir\w*|LV\b|CD\d|BCMA|mRNA|PICX)|(?:CAR|CAR-T|CAR-M)[^.;]{0,30}\bin[\s-]vivo\b(?! "
    r"(?:tracking|imaging|expansion|persistence|kinetics|proliferation|monitoring))|"
    r"lentiviral (?:vector )?injection|mRNA[\s-]LNP|lipid nanoparticle|polymer[\s-]lipid",
    re.I,
)
_IPSC = Rule(r"\biPSC|induced pluripotent", re.I)
_UNIVERSAL = Rule(
    r"\buniversal\b|\bU-?CAR|\bUCART|off[\s-]the[\s-]shelf|third[\s-]party|(?:healthy|normal) "
    r"(?:volunteer )?donors?|cord[\s-]blood|\bUCB\b|\bCB[\s-]derived|NK[\s-]?92|"
    r"gene[\s-]edited allogeneic|"
    r"(?-i:\bTRAC\b)|TALEN|CRISPR[^.;]{0,30}allogeneic|allogeneic[^.;]{0,30}(?:CRISPR|TALEN)|"
    r"\bt?-?haNK\b",
    re.I,
)
_DONOR = Rule(
    r"donor[\s-]derived|\bdonor (?:T[\s-]cells?|lymphocytes?|CAR)|(?:transplant|HSCT|original|"
    r"related|sibling|stem cell) donors?|from (?:the |a )?(?!healthy|normal)(?:\w+ )?donors?|"
    r"haplo[\s-]?identical|"
    r"HLA[\s-]haplo|donor lymphocyte",
    re.I,
)
_ALLO = Rule(r"\ballo(?:geneic|genic|genetic)?\b|\bALLO-?\d", re.I)
_AUTO = Rule(
    r"\bautologous\b|\bautoleucel\b|patient[\s-]derived|patient'?s'? own|\bauto[\s-]?CAR", re.I
)
# "Allogeneic"/"autologous" that qualify a transplant rather than the CAR cells.
_TRANSPLANT_AFTER = re.compile(
    r"^[\s,-]*(?:hematopoietic |haematopoietic |peripheral blood )?(?:stem[\s-]cell|HSCT|SCT|HCT|"
    r"transplant\w*|bone marrow|PBSCT|ASCT)",
    re.I,
)
_CELLS = Rule(r"\bCAR|chimeric|cells?\b|lymphocytes|product", re.I)
_CAR_WORDS = Rule(r"\bCAR|chimeric|U-?CAR", re.I)
_APHERESIS = Rule(r"leuka?pheresis|\bapheresis", re.I)


@lru_cache(maxsize=16384)
def _cell_words_in(text: str) -> tuple[tuple[str, int, int], ...]:
    """``(cell type, start, end)`` of each type's first cell word in one text, in type order.

    Disease and drug words are blanked first, then each type's words before the next type is
    sought; types whose words do not occur in the text are skipped (:mod:`~.rules`). The last
    type sought blanks nothing that is read later, so only its first match is looked for (a
    summary says "CAR-T" dozens of times)."""
    words = present(text)
    possible = _POSSIBLE_TYPES(words)
    if not possible:
        return ()  # no type to seek: nothing to blank for
    masked = blank(text, [m.span() for m in _NOT_A_PRODUCT.finditer(text, words)])
    found = []
    *blanking, last = possible
    for index in blanking:
        name, rule = _CELL_TYPES[index]
        spans = [m.span() for m in rule.finditer(masked, words)]
        if spans:
            found.append((name, *spans[0]))
            masked = blank(masked, spans)
    name, rule = _CELL_TYPES[last]
    if m := rule.search(masked, words):
        found.append((name, *m.span()))
    return tuple(found)


def cell_types(record: TrialRecord, car: bool = True) -> tuple[list[str], str]:
    """``(cell types, reason)``; first the words in interventions/title, then the summary."""
    if not car:
        return [], "not a CAR trial"
    for _, product in _known(record):
        return [product.cell_type], f"known product {product.names.split('|')[0]}"
    for fields in (("interventions", "title", "official_title"), _FIELDS):
        found: dict[str, Hit] = {}
        for field, text in record.texts(*fields):
            if field in _SUMMARY_FIELDS and "CAR" not in text:
                continue
            for name, start, end in _cell_words_in(text):
                if name not in found:  # the first words of a type are its reason
                    found[name] = Hit(field, text, start, end)
        if found:
            if "T" in found and len(found) > 1 and not _explicit_car_t(record):
                found.pop("T")
            order = [name for name, _ in _CELL_TYPES if name in found]
            return order, "; ".join(f"{n} ← {quote(found[n], 20)}" for n in order)
    return ["T"], "CAR product without a cell word: T cells by default"


_EXPLICIT_CAR_T = Rule(r"\bCAR[\s-]?T\b|\bCART\b|CAR[\s-]T[\s-]cells?", re.I)


def _explicit_car_t(record: TrialRecord) -> bool:
    return any(_EXPLICIT_CAR_T.search(text) for _, text in record.texts("interventions", "title"))


def _known(record: TrialRecord):
    """Known products named where the record says what is given (the summary only when no
    intervention is listed, as in observational follow-up studies)."""
    texts = [i.name for i in car_interventions(record) or record.interventions]
    texts += [record.title, record.official_title]
    if not record.interventions:
        texts.append(record.brief_summary)
    for text in texts:
        yield from known_products(text)


def _qualifies_cells(hit: Hit) -> bool:
    return not _TRANSPLANT_AFTER.match(hit.text[hit.end : hit.end + 40])


#: (source, words that say it, words a summary sentence must hold to be about the product),
#: in the order the sources are checked.
_SOURCE_CHECKS = (
    # Where the cells come from is said of the CAR product; "autologous" also of its cells.
    (IN_VIVO, _IN_VIVO, _CELLS),
    (IPSC, _IPSC, _CAR_WORDS),
    (UNIVERSAL, _UNIVERSAL, _CAR_WORDS),
    (DONOR, _DONOR, _CAR_WORDS),
    (ALLOGENEIC, _ALLO, _CAR_WORDS),
    (AUTO, _AUTO, _CELLS),
)

_POSSIBLE_SOURCES = selector([pattern.mask for _, pattern, _ in _SOURCE_CHECKS])
#: The words of a summary for these checks alone (its sentences take the summary's, see
#: :func:`~.rules.part`): most labels never read a summary, this one always does (see
#: :func:`~.rules.scoped`).
_source_words = scoped([rule for _, pattern, about in _SOURCE_CHECKS for rule in (pattern, about)])


@lru_cache(maxsize=16384)
def _sources_in(text: str, summary: bool) -> tuple[tuple[str, int, int], ...]:
    """``(source, start, end)`` of each source's first qualifying words in one text, in check
    order. A summary's words count only in a sentence about the product; "allogeneic" and
    "autologous" only when they qualify the cells; a transplant donor only for allogeneic
    cells. One pass per text (interventions repeat across trials, hence the cache)."""
    words = _source_words(text) if summary else present(text)
    found = []
    for index in _POSSIBLE_SOURCES(words):  # the checks whose words occur, in check order
        source, pattern, about = _SOURCE_CHECKS[index]
        for m in pattern.finditer(text, words):
            hit = Hit("", text, m.start(), m.end())
            if summary and not about.search(sentence := hit.sentence(), part(words, sentence)):
                continue
            if source in (ALLOGENEIC, AUTO) and not _qualifies_cells(hit):
                continue
            if (
                source == DONOR
                and "transplant" in hit.words.lower()
                and not _ALLO.search(sentence := hit.sentence(), part(words, sentence))
            ):
                continue
            found.append((source, hit.start, hit.end))
            break
    return tuple(found)


def cell_source(record: TrialRecord, car: bool = True) -> tuple[list[str], str]:
    """``(sources, reason)``; several when the trial gives cells of several origins."""
    if not car:
        return [], "not a CAR trial"
    found: dict[str, str] = {}
    for _, product in _known(record):
        found.setdefault(product.source, f"known product {product.names.split('|')[0]}")
    # Each source's first qualifying words in field order, then text order.
    for field, text in record.texts(*_FIELDS):
        for source, start, end in _sources_in(text, field in _SUMMARY_FIELDS):
            if source not in found:
                found[source] = quote(Hit(field, text, start, end), 25)
    if any(s in found for s in (IPSC, UNIVERSAL, DONOR)):
        found.pop(ALLOGENEIC, None)
    if IPSC in found:
        found.pop(UNIVERSAL, None)  # an iPSC line is off-the-shelf by nature
    if IN_VIVO in found:
        found = {IN_VIVO: found[IN_VIVO]}
    if not found and any(_APHERESIS.search(i.name) for i in record.interventions):
        found[AUTO] = "leukapheresis of the patient among the interventions"
    if not found:
        return [UNKNOWN], "the record does not say where the cells come from"
    order = [s for s in (AUTO, DONOR, UNIVERSAL, IPSC, ALLOGENEIC, IN_VIVO) if s in found]
    return order, "; ".join(f"{s} ← {found[s]}" for s in order)


def in_vivo(sources: list[str]) -> tuple[bool, str]:
    """In vivo CAR: the product is a vector or mRNA that makes CAR cells inside the patient."""
    return IN_VIVO in sources, "cell source is in vivo" if IN_VIVO in sources else ""
