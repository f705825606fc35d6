"""Lead sponsor type (industry / academic-hospital / government) and, where knowable, country.

Type: the registry's sponsor class first (INDUSTRY; NIH, FED, OTHER_GOV), corrected by the
name — registries file many Chinese biotech companies ("… Biotechnology Co., Ltd.") under OTHER,
and government-owned hospitals and universities under OTHER_GOV; those are academic-hospital.
Country: a place, nationality or well-known institution in the sponsor's name; failing that, the
single country of the trial's sites when the sponsor is an academic or government body (which
rarely run trials abroad); otherwise unknown.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

import pycountry

from cartatlas.classify.record import TrialRecord
from cartatlas.classify.rules import Rule, present, selector

INDUSTRY = "industry"
ACADEMIC = "academic-hospital"
GOVERNMENT = "government"

_COMPANY = re.compile(
    r"\b(?:co\.?,? ?ltd|ltd\.?|limited|inc\.?|incorporated|corp(?:oration)?\.?|llc|gmbh|s\.?a\.?s?|"
    r"ag|plc|b\.?v\.?|pty|k\.?k\.?|biotech\w*|pharma\w*|therapeutics|biosciences?|"
    r"biopharma\w*|biomedic\w*|bio[- ]?(?:tech|medical|logics|therapeutics)|medical technology|"
    r"life sciences?|cell (?:therapy|technology|technologies)|biologics|"
    r"genetics? (?:co|technology)|"
    r"gene (?:technology|therapy co))\b",
    re.IGNORECASE,
)
_ACADEMIC = re.compile(
    r"hospital|universit|college|institute|school|medical cent|clinic|academy|foundation|"
    r"group\b|cooperative|consortium|network|research cent|cancer cent|oncology group|"
    r"council|society|health (?:system|care)|healthcare|children'?s|memorial|infirmary",
    re.IGNORECASE,
)
_GOVERNMENT = re.compile(
    r"national (?:cancer|institutes?|heart)|\bNIH\b|\bNCI\b|ministry|department of|veterans|"
    r"\bVA\b|government|federal|agency|commission|\bCDC\b",
    re.IGNORECASE,
)


def sponsor_type(record: TrialRecord) -> tuple[str, str]:
    """``(type, reason)`` for the lead sponsor."""
    return _sponsor_type(record.sponsor_name, record.sponsor_class)


@lru_cache(maxsize=4096)
def _sponsor_type(name: str, cls: str | None) -> tuple[str, str]:
    """Sponsors run many trials, so each name and class is read once."""
    cls = (cls or "").upper()
    if not name and not cls:
        return "", "no lead sponsor"
    said = f"lead sponsor '{name}' (class {cls or 'none'})"
    academic = _ACADEMIC.search(name)
    if cls == "INDUSTRY":
        return INDUSTRY, said
    if cls in ("NIH", "FED"):
        return GOVERNMENT, said
    if cls == "OTHER_GOV":
        if academic and not _GOVERNMENT.search(name):
            return ACADEMIC, f"{said}: a public hospital or university"
        return GOVERNMENT, said
    if _COMPANY.search(name) and not academic:
        return INDUSTRY, f"{said}: the name is a company's ({_COMPANY.search(name).group()!r})"
    if _GOVERNMENT.search(name) and not academic:
        return GOVERNMENT, f"{said}: a government body"
    return ACADEMIC, said


# Places and institutions that give the sponsor's country away; extend when a name is missed.
_PLACES: dict[str, str] = {
    "CN": r"Beijing|Shanghai|Guangzhou|Shenzhen|Tianjin|Chongqing|Wuhan|Hangzhou|Nanjing|Suzhou|"
    r"Chengdu|Xi'?an|Zhengzhou|Jinan|Qingdao|Changsha|Hefei|Fuzhou|Xiamen|Harbin|"
    r"Shenyang|Dalian|Kunming|Nanchang|Changchun|Taiyuan|Shijiazhuang|Lanzhou|Nanning|"
    r"Guiyang|Urumqi|Hohhot|Xuzhou|Wuxi|Ningbo|Wenzhou|Zhuhai|Foshan|Dongguan|Yantai|"
    r"Guangdong|Zhejiang|Jiangsu|Shandong|Henan|Hubei|Hunan|Sichuan|Fujian|Anhui|Hebei|"
    r"Shaanxi|Shanxi|Jiangxi|Liaoning|Jilin|Heilongjiang|Yunnan|Guangxi|Guizhou|Gansu|"
    r"Xinjiang|Inner Mongolia|Hainan|Ningxia|Qinghai|Tibet|Peking|Tsinghua|Fudan|"
    r"Sun Yat-?sen|Soochow|Zhongshan|Tongji|Xiangya|Ruijin|Huashan|Renji|West China|"
    r"Chinese|\bChina\b|PLA\b|People'?s Liberation Army|Bioheng|Gracell|Legend|JW "
    r"Therapeutics|CARsgen|IASO|Juventas|Hrain|Essen|Bioray|Gracell|ImmunoChina|"
    r"Persongen|iCell|Yake|Shanghai Unicar|Genor|Innovent|Hengrui|BeiGene|Sinobioway|"
    r"Timmune|Allife|Fundamenta|UWELL|Kecellitics|OriCell|UTC Therapeutics|TCRCure|CSPC|"
    r"AbelZeta|Innovative Cellular Therapeutics|Bioceltech|Carbiogene|Tcelltech",
    "US": r"Memorial Sloan|Sloan[- ]Kettering|M\.?\s?D\.? Anderson|Dana[- ]Farber|Fred Hutch|"
    r"Mayo Clinic|Johns Hopkins|Stanford|Harvard|Massachusetts|Baylor|City of Hope|"
    r"St\.? Jude|Seattle Children|Children'?s Hospital of Philadelphia|Penn(?:sylvania)?\b|"
    r"Abramson|Moffitt|Duke|Emory|Vanderbilt|Northwestern|Washington University|"
    r"Kite|Juno|Bristol[- ]Myers|Celgene|Janssen|Allogene|Poseida|Caribou|CRISPR "
    r"Therapeutics|Cabaletta|Kyverna|Atara|Fate Therapeutics|Nkarta|Arcellx|Autolus Inc|"
    r"Sana|Lyell|Cargo|Adicet|Century|Precigen|Tmunity|Mustang|Bluebird|2seventy|"
    r"A2 Bio|Arsenal|ImmPACT|Capstan|Umoja|Interius|Kelonia|Cartesian|Luminary|"
    r"Myeloid Therapeutics|Regeneron|Sorrento|Amgen|Precision BioSciences|Pfizer|Sonoma|"
    r"Synthekine|TG Therapeutics|Genentech|Nektar|Carisma|PeproMene|Gilead|Merck Sharp|"
    r"National Cancer Institute|\bNCI\b|\bNIH\b|National Institutes of Health|"
    r"Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|"
    r"Georgia(?! Institute)|Hawaii|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|"
    r"Maine|Maryland|Michigan|Minnesota|Mississippi|Missouri|Montana|Nebraska|Nevada|"
    r"New Hampshire|New Jersey|New Mexico|New York|North Carolina|North Dakota|Ohio|"
    r"Oklahoma|Oregon|Rhode Island|South Carolina|South Dakota|Tennessee|Texas|Utah|"
    r"Vermont|Virginia|Wisconsin|Wyoming|UCLA|UCSF|Los Angeles|San Francisco|San Diego|"
    r"Boston|Chicago|Houston|Philadelphia|Seattle|Pittsburgh|Cleveland|Miami|Atlanta|"
    r"Nashville|Rochester|Columbia University|Cornell|Mount Sinai|NYU|Yale|Fox Chase|"
    r"Roswell Park|Case Western|Cedars|Hackensack|Huntsman|Sarah Cannon|Oncology Group|"
    r"\bUSA\b|United States|American",
    "CH": r"Novartis|Roche|Swiss|Zurich|Geneva|Basel|Lausanne",
    "GB": r"AstraZeneca|Autolus|University College London|\bUCL\b|London|Oxford|Cambridge|"
    r"Manchester|"
    r"Great Ormond|Royal Marsden|NHS|British",
    "DE": r"AvenCell Europe|Miltenyi|German|Heidelberg|Munich|München|Berlin|Charité|Würzburg|"
    r"Cologne|Köln|"
    r"Hamburg|Frankfurt|Erlangen|Dresden|Tübingen|GEMoaB",
    "FR": r"Servier|Cellectis|Assistance Publique|\bAP-HP\b|Gustave Roussy|Paris|Lyon|Marseille|"
    r"French|"
    r"Toulouse|Lille|Nantes|Bordeaux",
    "ES": r"Barcelona|Madrid|Clinic de Barcelona|Spanish|Valencia|Salamanca|Navarra",
    "IT": r"Milan|Milano|Rome|Roma|Bambino Ges|Italian|Italy|Bologna|Naples|Napoli|Torino|"
    r"Monza|Padova|Firenze",
    "JP": r"Japan|Tokyo|Osaka|Kyoto|Nagoya|Takeda",
    "KR": r"Korea|Seoul|Curocell",
    "IL": r"Israel|Hadassah|Sheba|Tel Aviv|Jerusalem|Rambam",
    "AU": r"Australia|Sydney|Melbourne|Peter MacCallum|Queensland",
    "CA": r"Canada|Canadian|Toronto|Montreal|Vancouver|Ottawa|Alberta|Ontario|Calgary",
    "NL": r"Netherlands|Dutch|Amsterdam|Utrecht|Leiden|Rotterdam|Erasmus",
    "BE": r"Belgium|Leuven|Brussels|Celyad|Ghent",
    "SG": r"Singapore|Tessa Therapeutics|CytoMed",
    "TW": r"Taiwan|Taipei",
    "HK": r"Hong Kong",
}
#: ``(code, rule)`` in the order above: the first code whose places occur wins.
_PLACE_RULES = tuple((code, Rule(rf"\b(?:{p})", re.IGNORECASE)) for code, p in _PLACES.items())
#: The place rules whose words occur in a name, in the order above: most names hold one or
#: two, so the others (about 25) are not asked one by one.
_POSSIBLE_PLACES = selector([rule.mask for _, rule in _PLACE_RULES])


@cache
def _country_names() -> tuple[Rule, tuple[tuple[re.Pattern[str], str], ...]]:
    """A rule that matches where any country name does, and each name's pattern with its
    code: most sponsor names name no country, and the one rule rules them all out at once."""
    names = []
    for country in pycountry.countries:
        for name in {country.name, getattr(country, "common_name", country.name)}:
            if len(name) > 4:
                pattern = re.compile(rf"\b{re.escape(name)}\b", re.IGNORECASE)
                names.append((pattern, country.alpha_2))
    return Rule([pattern.pattern for pattern, _ in names], re.IGNORECASE), tuple(names)


def sponsor_country(record: TrialRecord, kind: str | None = None) -> tuple[str | None, str]:
    """``(ISO alpha-2 or None, reason)`` for the lead sponsor."""
    name = record.sponsor_name
    if not name:
        return None, "no lead sponsor"
    said = _named_country(name)
    if said:
        return said
    kind = kind or sponsor_type(record)[0]
    if kind in (ACADEMIC, GOVERNMENT) and len(record.site_countries) == 1:
        return record.site_countries[0], "academic/government sponsor with sites in one country"
    return None, "not knowable from the record"


@lru_cache(maxsize=4096)
def _named_country(name: str) -> tuple[str, str] | None:
    """``(ISO alpha-2, reason)`` when the sponsor's name gives its country away; sponsors run
    many trials, so each name is read once."""
    words = present(name)
    for index in _POSSIBLE_PLACES(words):
        code, rule = _PLACE_RULES[index]
        m = rule.search(name, words)
        if m:
            return code, f"lead sponsor name says {m.group()!r}"
    any_name, names = _country_names()
    if not any_name.search(name):
        return None
    for pattern, code in names:
        m = pattern.search(name)
        if m:
            return code, f"lead sponsor name says {m.group()!r}"
    return None
