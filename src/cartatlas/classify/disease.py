"""Disease area of a trial: haematological entity, solid tumour by organ, autoimmune disease.

Read from the conditions and titles (what the registry says the trial is about); the summary
only when those name nothing. A trial can have several areas. B-cell entities collapse into
``B-cell basket`` when the trial spans leukaemia and lymphoma, names three or more entities, or
says "B-cell malignancies". A bare "ALL"/"lymphoma" is resolved by the CAR target (CD7, CD5,
CD1a… → T-cell malignancy; otherwise B-cell). Solid tumours are ``solid:<organ>``
(``solid:multiple`` when only "solid tumours" is said), autoimmune diseases ``autoimmune:<name>``
(``autoimmune:multiple`` for "autoimmune diseases" in general).
"""

from __future__ import annotations

import re
from functools import lru_cache

from cartatlas.classify.literals import blank
from cartatlas.classify.matching import Hit, quote
from cartatlas.classify.record import TrialRecord
from cartatlas.classify.rules import Rule, present, selector

B_CELL = ("B-ALL", "LBCL", "FL", "MCL", "CLL", "other B-NHL")
BASKET = "B-cell basket"
T_CELL_TARGETS = {"CD7", "CD5", "CD4", "CD1a", "TRBC1", "TRBC2", "CCR4", "CCR9", "CD3", "CD2"}

_I = re.IGNORECASE
# (area, pattern) in precedence order; each match is masked before later patterns run.
AREAS: tuple[tuple[str, Rule], ...] = (
    (
        "T-cell malignancy",
        Rule(
            r"\bT[\s-]?(?:cell )?(?:acute )?lymphoblastic|(?-i:\bT-?ALL\b|\bT-?LBL\b)|"
            r"\bT[\s-]cell (?:non[\s-]"
            r"hodgkin )?lymphoma|T[\s-]cell (?:malignan|leuk|neoplasm|tumou?r|hemato|lymphoid|-derived)"
            r"\w*|\bPTCL\b|\bCTCL\b|NK/T|T/NK|\bNK[\s-]cell (?:lymphoma|leuk|malignan)\w*|"
            r"cutaneous T|adult T[\s-]cell|\bATLL?\b|S[eé]zary|mycosis fungoides|anaplastic large[\s-]"
            r"cell|\bALCL\b|T[\s-]lineage|T[\s-]lymphoid|CD7[\s-]?(?:positive|\+)[^,;.]{0,30}"
            r"(?:leuk|lymph|malignan|hemato)",
            _I,
        ),
    ),
    (
        "B-cell basket",
        Rule(
            r"B[\s-]cell (?:hematologic(?:al)? |haematological |lymphoid )?(?:malignan|neoplas|tumou?r|"
            r"cancer|derived hema)\w*|B[\s-]cell (?:leuk(?:a)?emia|lymphoma)s? (?:and|or|/) (?:B[\s-]"
            r"cell )?(?:leuk|lymph)\w*|B[\s-]lymphoid malignan\w*|CD19[\s-]?(?:positive|\+)[^,;.]{0,20}"
            r"(?:malignan|hematolog)\w*|B[\s-]cell[\s-]related (?:malignan|hemato)\w*|(?:leuk(?:a)?emia"
            r"|ALL) and (?:\w+ )?lymphoma|lymphoma and (?:\w+ )?leuk(?:a)?emia",
            _I,
        ),
    ),
    (
        "LBCL",
        Rule(
            r"(?:diffuse large|large|high[\s-]grade)[\s-]B[\s-]?cell(?:[\s-](?:non[\s-]hodgkin'?s? )?"
            r"lymphomas?)?|diffuse large(?: cell)?(?: lymphomas?)?|\bDLBCL|\bLBCL|\bPMBCL|\bPMBL|"
            r"\bHGBC?L|primary mediastinal(?: \(thymic\))?(?: large)?(?: B[\s-]cell)?(?: cell)?"
            r"(?: lymphomas?)?|transformed (?:follicular|indolent|B[\s-]cell)[\w\s-]{0,30}?lymphomas?|"
            r"\btFL\b|double[\s-]hit|(?:primary )?(?:central nervous system|CNS) (?:B[\s-]cell )?"
            r"lymphomas?|\bPCNSL|Richter'?s?(?: (?:transformation|syndrome))?(?: lymphoma)?",
            _I,
        ),
    ),
    ("FL", Rule(r"follicular lymphomas?|lymphoma,? follicular|(?-i:\bFL\b)", _I)),
    ("MCL", Rule(r"mantle[\s-]cell(?: lymphomas?)?|(?-i:\bMCL\b)", _I)),
    (
        "CLL",
        Rule(
            r"chronic lymphocytic(?: leuk(?:a)?emia)?|(?-i:\bCLL\b)(?![\s-]?1)|"
            r"small lymphocytic(?: lymphoma)?|(?-i:\bSLL\b)",
            _I,
        ),
    ),
    (
        "B-ALL",
        Rule(
            r"\bB[\s-]?(?:cell )?(?:precursor )?(?:acute )?lymphoblastic|\bB[\s-]?ALL\b|\bBALL\b|"
            r"acute lymphoblastic|acute lymphocytic|acute lymphoid leuk|(?-i:\bALL\b|\bB-All\b)|"
            r"\bB[\s-]cell leuk(?:a)?emias?|"
            r"B[\s-]cell acute|acute B[\s-]?(?:cell )?(?:lymphoblastic|lymphocytic)",
            _I,
        ),
    ),
    (
        "Hodgkin",
        Rule(r"(?<!non-)(?<!non )\bhodgkin'?s?\b(?: lymphoma| disease)?|(?-i:\bc?HL\b)", _I),
    ),
    (
        "other B-NHL",
        Rule(
            r"marginal zone(?: B[\s-]cell)?(?: lymphomas?)?|(?-i:\bMZL\b)|Burkitt|lymphoplasmacytic|"
            r"Waldenstr|hairy[\s-]cell|"
            r"B[\s-]cell (?:non[\s-]hodgkin'?s? )?lymphoma|\bB-?NHL\b|non[\s-]?hodgkin|\bNHL\b|"
            r"B[\s-]cell lymphoid|indolent lymphoma|\blymphomas?\b",
            _I,
        ),
    ),
    (
        "MM",
        Rule(
            r"myeloma|plasma[\s-]cell (?:leuk|neoplasm|malignan|dyscrasia|tumou?r)\w*|"
            r"plasmacytoma|(?-i:\bp?PCL\b|\bRR?MM\b|\bNDMM\b|\bMM\b)",
            _I,
        ),
    ),
    (
        "AML",
        Rule(
            r"acute myelo\w*|(?-i:\bAML\b)|acute (?:non[\s-]lymphocytic|monocytic)|"
            r"myeloid leuk(?:a)?emia(?<!chronic myeloid leukemia)",
            _I,
        ),
    ),
    (
        "other haematological",
        Rule(
            r"myelodysplastic|(?-i:\bMDS\b|\bBPDCN\b|\bCML\b)|plasmacytoid dendritic|chronic myeloid|"
            r"heme malignan\w*|blood cancers?|h(?:a)?ematolog\w* (?:neoplasm|disease|disorder)s?|"
            r"histiocyt|\bHLH\b|h(?:a)?emophagocytic|myeloproliferative|amyloidosis|POEMS|mixed[\s-]"
            r"(?:lineage|phenotype)|eosinophilic|Castleman|h(?:a)?ematolog\w* (?:malignan|tumou?r|"
            r"cancer|neoplasm)\w*|leuk(?:a)?emias?\b|myeloid (?:malignan|neoplasm)\w*|"
            r"lymphoid (?:malignan|neoplasm|tumou?r)\w*",
            _I,
        ),
    ),
)
_TUMOUR = r"(?:cancers?|carcinomas?|adenocarcinomas?|neoplasms?|tumou?rs?|malignan\w*|metasta\w*)"
SOLID: tuple[tuple[str, str], ...] = (
    ("liver", rf"hepatocellular|(?-i:\bHCC\b)|(?:liver|hepatic) {_TUMOUR}|hepatoma"),
    ("biliary", r"cholangio\w*|biliary|bile duct|gallbladder"),
    (
        "gastric",
        rf"gastric|stomach {_TUMOUR}|gastro[\s-]?(?:o)?esophageal junction|"
        r"esophagogastric junction|(?-i:\bG/?GEJ\b)",
    ),
    ("esophageal", rf"(?:o)?esophag\w* (?:squamous )?{_TUMOUR}|(?-i:\bESCC\b)"),
    ("pancreatic", rf"pancrea\w* (?:\(?ductal\)? )?{_TUMOUR}|(?-i:\bPDAC\b)"),
    ("colorectal", rf"colorectal|(?:colon|rectal) {_TUMOUR}|(?-i:\bm?CRC\b)"),
    (
        "lung",
        rf"lung (?:non-small[\s-]cell |small[\s-]cell )?{_TUMOUR}|(?-i:NSCLC|\bSCLC\b)|"
        r"small[\s-]cell lung",
    ),
    ("mesothelioma", r"mesothelioma"),
    ("breast", rf"breast {_TUMOUR}|(?-i:\bTNBC\b)"),
    (
        "ovarian",
        rf"ovar\w* (?:epithelial )?{_TUMOUR}|{_TUMOUR},? ovarian|fallopian|"
        r"primary peritoneal|ovary neoplasm",
    ),
    ("cervical", rf"cervical {_TUMOUR}|cervix"),
    ("uterine", rf"endometri\w* {_TUMOUR}|uterine {_TUMOUR}"),
    ("prostate", rf"prostat\w* {_TUMOUR}|(?-i:\bm?CRPC\b)|castrat\w*[\s-]resistant"),
    ("kidney", rf"renal cell|(?-i:\bc?c?RCC\b)|(?:kidney|renal) {_TUMOUR}"),
    ("bladder", rf"bladder {_TUMOUR}|urothelial|urologic\w* {_TUMOUR}"),
    (
        "brain",
        r"gliom\w*|glioblastoma|(?-i:\br?GBM\b|\bDIPG\b|\bDMG\b|\bATRT\b)|"
        r"astrocytom\w*|medulloblastom\w*|ependym\w*|"
        rf"brain {_TUMOUR}|(?:CNS|central nervous system) {_TUMOUR}|leptomeningeal|rhabdoid",
    ),
    ("neuroblastoma", r"neuroblastoma"),
    ("sarcoma", r"sarcoma|\bEwing|(?-i:\bDSRCT\b)|desmoplastic small round"),
    (
        "head-neck",
        rf"head and neck|(?-i:\bHNSCC\b)|nasopharyn\w* {_TUMOUR}|oral {_TUMOUR}|"
        rf"laryn\w* {_TUMOUR}",
    ),
    ("thyroid", rf"thyroid {_TUMOUR}|medullary thyroid|(?-i:\bMTC\b)"),
    ("melanoma", r"melanoma"),
    ("germ-cell", r"germ[\s-]cell tumou?rs?|testicular|testis cancer"),
    ("neuroendocrine", r"neuroendocrine"),
    ("peritoneal", rf"peritoneal {_TUMOUR}|malignant ascites|carcinomatosis"),
    ("eye", r"retinoblastoma"),
    ("thymus", r"thym(?:oma|ic carcinoma)"),
    (
        "multiple",
        rf"solid {_TUMOUR}|carcinomas?\b|advanced {_TUMOUR}|epithelial {_TUMOUR}|"
        r"metastatic cancer|malignant (?:solid )?tumou?rs?|\bcancers?\b",
    ),
)
AUTOIMMUNE: tuple[tuple[str, str], ...] = (
    ("SLE", r"lupus|(?-i:\bc?SLE\b|\bLN\b)"),
    ("SSc", r"systemic sclerosis|scleroderma|(?-i:\bSSc\b|\bSSC\b)"),
    (
        "myositis",
        r"myositis|dermatomyositis|polymyositis|(?-i:\bIIM\b|\bJDM\b)|antisynthetase|"
        r"necroti[sz]ing myopath\w*|inflammatory myopath\w*",
    ),
    ("MG", r"myasthenia|(?-i:\bg?MG\b)|(?-i:MuSK)"),
    ("NMOSD", r"neuromyelitis|(?-i:\bNMOSD\b|\bNMO\b)|aquaporin"),
    ("MS", r"multiple sclerosis|(?-i:\bRMS\b|\bPMS\b)"),
    ("RA", r"rheumatoid|(?-i:\bRA\b)"),
    ("JIA", r"juvenile idiopathic arthritis|(?-i:\bJIA\b)"),
    ("AAV", r"ANCA|vasculitis|(?-i:\bAAV\b|\bGPA\b|\bMPA\b)|granulomatosis with polyangiitis"),
    ("ITP", r"immune thrombocytop\w*|(?-i:\bITP\b)"),
    ("AIHA", r"autoimmune h(?:a)?emolytic|(?-i:\bAIHA\b)|Evans syndrome"),
    ("pemphigus", r"pemphigus|pemphigoid"),
    ("Sjogren", r"Sj[oö]gren|(?-i:\bp?SS\b)"),
    ("IgG4-RD", r"IgG4"),
    (
        "nephropathy",
        r"membranous nephropathy|IgA nephropathy|(?-i:\bIgAN\b)|glomerul\w*|"
        r"nephrotic|autoimmune kidney|immune nephritis",
    ),
    ("T1D", r"type 1 diabetes|(?-i:\bT1DM?\b)"),
    ("Graves", r"Graves"),
    ("CIDP", r"(?-i:\bCIDP\b)|chronic inflammatory demyelinating"),
    ("encephalitis", r"autoimmune encephalitis|NMDA|stiff[\s-]person"),
    ("aplastic anaemia", r"aplastic an(?:a)?emia"),
    ("HS", r"hidradenitis"),
    ("GVHD", r"graft[\s-]versus[\s-]host|(?-i:\bc?GVHD\b)"),
    (
        "multiple",
        r"autoimmun\w*|antibody[\s-](?:associated|mediated)|immune[\s-]mediated|"
        r"rheumatic|connective tissue|neuro\w* immune|B[\s-]cell[\s-](?:mediated|related) "
        r"(?:autoimmune )?disease",
    ),
)
_SOLID = tuple((f"solid:{n}", Rule(p, _I)) for n, p in SOLID)
_AUTOIMMUNE = tuple((f"autoimmune:{n}", Rule(p, _I)) for n, p in AUTOIMMUNE)
_ALL = AREAS + _SOLID + _AUTOIMMUNE
_FIELD_SETS = (
    ("conditions", "title", "official_title", "keywords"),
    ("brief_summary", "detailed_description"),
)


_POSSIBLE = selector([rule.mask for _, rule in _ALL])
_RANK = {area: index for index, (area, _) in enumerate(_ALL)}


@lru_cache(maxsize=16384)
def _areas_in(text: str) -> tuple[tuple[int, int, int], ...]:
    """``(area index, start, end)`` of each area's first match in one text, in area order.

    Each area's matches are blanked before later areas are sought. Only the areas whose words
    occur in the text are tried (:mod:`~.rules`): blanking never adds words, so the others
    cannot match and skipping them changes nothing. Conditions repeat across trials, hence
    the cache. The last area sought blanks nothing that is read later, so only its first match
    is looked for.
    """
    found = []
    masked = text
    words = present(text)
    *blanking, last = _POSSIBLE(words) or (None,)
    for index in blanking:
        spans = [m.span() for m in _ALL[index][1].finditer(masked, words)]
        if spans:
            found.append((index, *spans[0]))
            masked = blank(masked, spans)
    if last is not None and (m := _ALL[last][1].search(masked, words)):
        found.append((last, *m.span()))
    return tuple(found)


def _scan(record: TrialRecord, fields: tuple[str, ...]) -> dict[str, Hit]:
    found: dict[str, Hit] = {}
    for field, text in record.texts(*fields):
        for index, start, end in _areas_in(text):
            area = _ALL[index][0]
            if area not in found:  # the first field and text that name an area quote it
                found[area] = Hit(field, text, start, end)
    return found


_GENERIC = re.compile(r"^(?:lymphomas?|non[\s-]?hodgkin'?s?|NHL|leuk(?:a)?emias?)$", _I)
_GENERIC_B = re.compile(r"^(?:B-?NHL|B[\s-]cell (?:non[\s-]hodgkin'?s? )?lymphomas?)$", _I)
#: Words that make "other haematological" a vague umbrella beside a specific entity.
_VAGUE = re.compile(r"h(?:a)?ematolog|leuk|lymphoid|myeloid", _I)
_B_TARGETS = {"CD19", "CD20", "CD22", "CD79A", "CD79B", "BAFF-R", "CD37", "kappa", "CD10"}


def _resolve(found: dict[str, Hit], targets: list[str]) -> dict[str, Hit]:
    """Collapse generic entries into the specific ones and B-cell lists into a basket."""
    t_targets = bool(T_CELL_TARGETS & set(targets))
    if t_targets and "B-ALL" in found and "B" not in found["B-ALL"].words.upper():
        found.setdefault("T-cell malignancy", found.pop("B-ALL"))
    subtype = any(k in found for k in ("LBCL", "FL", "MCL", "CLL"))
    if subtype and "other B-NHL" in found and _GENERIC_B.match(found["other B-NHL"].words):
        found.pop("other B-NHL")  # "B-cell lymphoma" said of a trial that names the subtype
    generic = "other B-NHL" in found and _GENERIC.match(found["other B-NHL"].words)
    if generic:
        specific = [
            k
            for k, _ in AREAS
            if k in found and k not in ("other B-NHL", "B-ALL", "other haematological")
        ]
        if specific:
            found.pop("other B-NHL")
        elif t_targets:
            found.setdefault("T-cell malignancy", found.pop("other B-NHL"))
        elif targets and not _B_TARGETS & set(targets):
            found.setdefault("other haematological", found.pop("other B-NHL"))
    b_cells = [k for k in B_CELL if k in found]
    leukaemia_and_lymphoma = "B-ALL" in b_cells and len(b_cells) > 1
    if BASKET in found or len(b_cells) >= 3 or leukaemia_and_lymphoma:
        first = found.get(BASKET) or found[b_cells[0]]
        for key in b_cells:
            found.pop(key)
        found[BASKET] = first
    specific_haem = [k for k, _ in AREAS if k in found and k != "other haematological"]
    vague = found.get("other haematological")
    if specific_haem and vague and _VAGUE.search(vague.words):
        found.pop("other haematological")
    if len([k for k in found if k.startswith("solid:")]) > 1:
        found.pop("solid:multiple", None)
    if (
        "solid:multiple" in found
        and len(found) > 1
        and re.fullmatch(r"cancers?", found["solid:multiple"].words, _I)
    ):
        found.pop("solid:multiple")  # "Hematopoietic/Lymphoid Cancer" is not a solid tumour
    if len([k for k in found if k.startswith("autoimmune:")]) > 1:
        found.pop("autoimmune:multiple", None)
    return found


def disease_area(record: TrialRecord, targets: list[str] = ()) -> tuple[list[str], str]:
    """``(areas, reason)`` in the order the areas are declared above."""
    for fields in _FIELD_SETS:
        found = _scan(record, fields)
        if found:
            found = _resolve(found, list(targets))
            order = sorted(found, key=_RANK.__getitem__)
            return order, "; ".join(f"{a} ← {quote(found[a], 15)}" for a in order[:4])
    return [], "no disease named"
