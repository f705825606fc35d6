"""Names an article uses, mapped to the knowledge base's codes: countries (China, 中国, the U.S.,
American, NMPA, FDA), diseases (DLBCL, myeloma, B-ALL), endpoints (complete remission, ORR, CRS,
ICANS), targets (CD19, BCMA) and products (Yescarta, axi-cel, relma-cel, 奕凯达).

Each finder returns (code, span) pairs so a claim can take the mention nearest to its number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pycountry

from cartatlas.inputs import product_names
from cartatlas.store import Store

Mention = tuple[str, tuple[int, int]]


def _compile(table: list[tuple[str, str]]) -> list[tuple[re.Pattern[str], str]]:
    return [(re.compile(pattern, re.IGNORECASE), code) for pattern, code in table]


_COUNTRIES = _compile(
    [
        (r"\bchin(?:a|ese)(?:'s)?\b|中国|\bPRC\b|\bNMPA\b|\bmainland\b", "CN"),
        (
            r"\bU\.\s?S\.(?:A\.)?|\bUSA?\b|\bUnited States\b|\bAmerica(?:n)?\b|\bFDA\b",
            "US",
        ),
        (r"\bIndia(?:n)?\b", "IN"),
        (r"\bJapan(?:ese)?\b|\bPMDA\b", "JP"),
        (r"\bUK\b|\bUnited Kingdom\b|\bBritain\b|\bBritish\b|\bNHS\b|\bNICE\b", "GB"),
        (r"\bEuropean Union\b|\bEMA\b|\bEurope(?:an)?\b", "EU"),
        (r"\bGerman(?:y)?\b", "DE"),
        (r"\bSingapore\b", "SG"),
        (r"\bKorea(?:n)?\b", "KR"),
        (r"\bThailand\b|\bThai\b", "TH"),
        (r"\bMexic(?:o|an)\b", "MX"),
        (r"\bIsrael(?:i)?\b", "IL"),
    ]
)

#: Country names that are also common words, first names or US states ("Georgia", "Jordan"):
#: an article about US prices names them for other reasons.
_AMBIGUOUS = {"GE", "JO", "TD"}
_NAMED = {code for _, code in _COUNTRIES}


def _every_other_country() -> tuple[re.Pattern[str], dict[str, str]]:
    """Every other country by its English short name ("Brazil", "Spain", "Taiwan"), written
    capitalised. A sentence naming a country the evidence does not cover must be checked for
    that country (and find no data), never for a country borrowed from an earlier sentence.
    One pattern for all of them, longest names first ("South Sudan" before "Sudan"), with the
    code of each name: a pattern per country made every sentence take some 250 scans."""
    codes = {}
    for country in pycountry.countries:
        name = getattr(country, "common_name", None) or country.name
        if country.alpha_2 in _NAMED | _AMBIGUOUS or "," in name or "(" in name:
            continue
        codes[name] = country.alpha_2
    names = sorted(codes, key=len, reverse=True)
    return re.compile(rf"\b(?:{'|'.join(map(re.escape, names))})\b"), codes


_OTHER_COUNTRIES, _OTHER_CODES = _every_other_country()

# Specific diseases before the general words that contain them ("follicular lymphoma" before
# "lymphoma"); a bare "lymphoma" or "leukemia" is taken for the commonest CAR-T indication.
_DISEASES = _compile(
    [
        (r"\bfollicular lymphoma\b|\bFL\b", "FL"),
        (r"\bmantle[- ]cell lymphoma\b|\bMCL\b", "MCL"),
        (r"\bmarginal[- ]zone lymphoma\b|\bMZL\b", "MZL"),
        (r"\bchronic lymphocytic leuk(?:a)?emia\b|\bCLL\b|\bSLL\b", "CLL"),
        (r"\bmultiple myeloma\b|\bmyeloma\b|(?-i:\b(?:RR|NDMM|R/R )?MM\b)", "MM"),
        (
            r"\b(?:B-cell )?acute lymphoblastic leuk(?:a)?emia\b|(?-i:\bB-?ALL\b)"
            r"|\bleuk(?:a)?emias?\b",
            "B-ALL",
        ),
        (
            r"\b(?:diffuse )?large B-cell lymphomas?\b|\bDLBCL\b|\bLBCL\b|\bB-cell lymphomas?\b"
            r"|\bnon-Hodgkin(?:'s)? lymphomas?\b|\bNHL\b|\blymphomas?\b",
            "LBCL",
        ),
        (r"\bgastric (?:or gastroesophageal )?(?:cancer|adenocarcinoma)\b", "gastric"),
    ]
)

_ENDPOINTS = _compile(
    [
        # "CRs" with a lower-case s only: read without case, "CRS" (cytokine release syndrome) was
        # taken for complete response.
        (r"\bcomplete (?:remission|response)s?\b|(?-i:\bCRs?\b)(?! rate of)|\bCR rates?\b", "CR"),
        (
            r"\b(?:overall|objective|best overall) response\b|\bORR\b|\bresponse rates?\b"
            r"|\bresponded\b|\bremission rates?\b|\bsuccess rates?\b|\befficacy\b",
            "ORR",
        ),
        (r"\bcytokine release syndrome\b|\bCRS\b", "CRS"),
        (r"\bICANS\b|\bneurotoxicit(?:y|ies)\b|\bneurologic(?:al)? (?:toxicity|events)\b", "ICANS"),
    ]
)
_SEVERE = re.compile(r"\bgrade\s?(?:≥|>=|3|III)|\bsevere\b|\bserious\b", re.IGNORECASE)

TARGETS = ("CD19", "BCMA", "CD20", "CD22", "CD7", "GPC3", "CLDN18.2", "GPRC5D", "CD30", "HER2")
_TARGET = re.compile(
    r"\b(CD19|BCMA|CD20|CD22|CD7|GPC3|GPRC5D|CD30|HER2|Claudin\s?18\.2|CLDN18\.2)\b",
    re.IGNORECASE,
)


def _find(table: list[tuple[re.Pattern[str], str | dict[str, str]]], text: str) -> list[Mention]:
    """Each pattern's matches not overlapping an earlier pattern's, with its code (or, for a
    pattern of many names, the code of the name matched), in the order of the text."""
    found: list[Mention] = []
    taken: list[tuple[int, int]] = []
    for pattern, code in table:
        for m in pattern.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            taken.append(m.span())
            found.append((code if isinstance(code, str) else code[m.group(0)], m.span()))
    return sorted(found, key=lambda mention: mention[1])


def countries(text: str) -> list[Mention]:
    return _find([*_COUNTRIES, (_OTHER_COUNTRIES, _OTHER_CODES)], text)


def diseases(text: str) -> list[Mention]:
    return _find(_DISEASES, text)


def endpoints(text: str) -> list[Mention]:
    return _find(_ENDPOINTS, text)


def severe(before: str) -> bool:
    """Whether the words just before a rate make it a grade ≥ 3 rate ("(grade ≥3, 5%)",
    "severe CRS in 4%"); ``before`` is the few words preceding the number."""
    return bool(_SEVERE.search(before))


def targets(text: str) -> list[str]:
    found = []
    for m in _TARGET.finditer(text):
        name = m.group(1).upper().replace(" ", "")
        name = "CLDN18.2" if name.startswith("CLAUDIN") else name
        if name not in found:
            found.append(name)
    return found


@dataclass(frozen=True)
class Products:
    """The knowledge base's product names (INN, aliases, brands), lowercased, to product IDs;
    ``stems`` maps the stem of each INN ("relma", "equ…") so "Equ-cel" finds equecabtagene;
    ``trials`` maps the trials it names by acronym (``TRIAL_ACRONYM``) to their indication and
    a country they were conducted in, and ``trial_names`` finds them."""

    names: dict[str, str]
    stems: dict[str, str]
    trials: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    trial_names: re.Pattern[str] | None = None

    def find_trials(self, text: str) -> list[str]:
        """The knowledge base's trials ``text`` names by their acronym, as the knowledge base
        writes it ("CARTITUDE-1", "KarMMa-3"; case kept, so "PILOT" is the trial and "a pilot
        study" is not), each once, in order."""
        if self.trial_names is None:
            return []
        return list(dict.fromkeys(m.group(0) for m in self.trial_names.finditer(text)))

    def find(self, text: str) -> list[Mention]:
        found: list[Mention] = []
        lowered = text.lower()
        for name in sorted(self.names, key=len, reverse=True):
            for m in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", lowered):
                if not any(s < m.end() and m.start() < e for _, (s, e) in found):
                    found.append((self.names[name], m.span()))
        for m in UNKNOWN_PRODUCT.finditer(text):
            if any(s < m.end() and m.start() < e for _, (s, e) in found):
                continue
            stem = (m.group(1) or m.group(2).split("cabtagene")[0]).lower()
            match = next((p for s, p in self.stems.items() if s.startswith(stem)), None)
            # An unknown name stays visible (as "?name") so its claim can say why it is unchecked.
            found.append((match or f"?{m.group(0)}", m.span()))
        return sorted(found, key=lambda mention: mention[1])


#: A CAR-T product name by its form: "xxx-cel" abbreviations and "-cabtagene" INNs.
UNKNOWN_PRODUCT = re.compile(r"\b([A-Za-z]{3,})-cel\b|\b(\w+cabtagene)\b", re.IGNORECASE)


#: A study the knowledge base names by a trial acronym: its name is its ID, with two capitals
#: and an optional number ("ZUMA-1", "JULIET", "KarMMa-3"; not "Zhao2022-LEGEND2-4y").
TRIAL_ACRONYM = re.compile(r"(?=[A-Za-z]*[A-Z]{2})[A-Za-z]+(?:-\d+)?")


def load_products(store: Store) -> Products:
    """Every name of every product (the names ``resolve_product`` accepts) and its INN stem,
    and the trials named by acronym."""
    trials = {
        # the country of conduct, or for a multinational trial the first it lists
        study_id: (indication, conduct if len(conduct or "") == 2 else (listed or None))
        for study_id, name, indication, conduct, listed in store.execute(
            "SELECT study_id, name, indication, country_of_conduct, "
            "split_part(coalesce(countries, ''), '|', 1) FROM evidence_studies"
        )
        if name == study_id and TRIAL_ACRONYM.fullmatch(study_id)
    }
    acronyms = sorted(trials, key=len, reverse=True)
    trial_names = (
        re.compile(rf"(?<![\w-])(?:{'|'.join(map(re.escape, acronyms))})(?![\w-])")
        if acronyms
        else None
    )
    rows = store.execute("SELECT product_id, inn, aliases, brands FROM evidence_products")
    names: dict[str, str] = {}
    stems: dict[str, str] = {}
    for product_id, inn, aliases, brands in rows:
        for name in product_names(product_id, inn, aliases, brands):
            if len(name) >= 3:
                names[name.lower()] = product_id
        if inn and "cabtagene" in inn:
            stems[inn.split("cabtagene")[0].lower()] = product_id
    return Products(names, stems, trials, trial_names)
