"""One pydantic model per evidence table: the columns, their types and their allowed values.

The models validate a single row in isolation. Rules that need the text of the quote or other rows
(numbers present in the quote, CR not above ORR, references, duplicates) live in ``checks.py``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal, get_args
from urllib.parse import urlsplit

import pycountry
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from cartatlas.inputs import not_one_of

PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
DOI = re.compile(r"^10\.\d{4,9}/\S+$")


def _iso_date(value: str) -> str:
    """An ISO date that exists, at the source's precision (2021-06-22, 2021-06, 2021)."""
    if not PARTIAL_DATE.match(value):
        raise ValueError(
            f"{value!r} is not a date; write YYYY-MM-DD "
            "(YYYY-MM or YYYY if the source is less precise)"
        )
    parts = [int(p) for p in value.split("-")] + [1, 1]
    try:
        dt.date(parts[0], parts[1], parts[2])
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a real date ({exc})") from None
    return value


def _country(value: str) -> str:
    """An ISO 3166 alpha-2 code, upper case (``us`` → ``US``: queries compare exactly)."""
    code = value.upper()
    if code == "EU" or (len(code) == 2 and pycountry.countries.get(alpha_2=code) is not None):
        return code
    raise ValueError(f"{value!r} is not an ISO 3166 alpha-2 country code (e.g. US, CN) or EU")


def _currency(value: str) -> str:
    """An ISO 4217 code, upper case (``usd`` → ``USD``)."""
    code = value.upper()
    if len(code) != 3 or pycountry.currencies.get(alpha_3=code) is None:
        raise ValueError(f"{value!r} is not an ISO 4217 currency code (e.g. USD, CNY)")
    return code


def _split(value: str | list[str]) -> list[str]:
    if isinstance(value, list):
        return value
    return [part.strip() for part in value.split("|") if part.strip()]


IsoDate = Annotated[str, AfterValidator(_iso_date)]
Country = Annotated[str, AfterValidator(_country)]
Currency = Annotated[str, AfterValidator(_currency)]

# National agencies as well as the EMA: Spain's AEMPS (hospital exemption), India's CDSCO,
# Korea's MFDS, Switzerland's Swissmedic, Brazil's ANVISA, Israel's Ministry of Health (IMoH).
# Each one's country is in jurisdictions.AGENCY_COUNTRIES.
Agency = Literal[
    "FDA",
    "NMPA",
    "EMA",
    "PMDA",
    "MHRA",
    "HSA",
    "TGA",
    "HC",
    "AEMPS",
    "CDSCO",
    "MFDS",
    "Swissmedic",
    "ANVISA",
    "IMoH",
]
# Which population a study's cohort is, for pooling (docs/evidence-protocol.md, "Population
# group"): only ``standard`` cohorts enter a pooled rate; the others are shown per study, marked.
PopulationGroup = Literal[
    "standard", "cns_lymphoma", "cns_leukaemia", "after_cd19_therapy", "isolated_extramedullary"
]
POPULATION_GROUPS: dict[str, str] = {
    "standard": "relapsed/refractory systemic disease of the indication, any line, adults or "
    "children (the default when the cell is empty)",
    "cns_lymphoma": "lymphoma of the central nervous system (primary, or secondary CNS only)",
    "cns_leukaemia": "leukaemia with central nervous system involvement (CNSL)",
    "after_cd19_therapy": "a cohort chosen for, or mostly of, patients after prior CD19 CAR-T "
    "or other CD19-directed therapy (salvage or retreatment)",
    "isolated_extramedullary": "isolated extramedullary relapse",
}


def _one_of(vocabulary: dict[str, str], kind: str, empty: str) -> BeforeValidator:
    """A cell that must be one of ``vocabulary`` (or empty, meaning ``empty``); a miss is worded
    by :func:`~cartatlas.inputs.not_one_of`, as every closed-vocabulary miss of the checker is."""

    def check(value: object) -> object:
        if not isinstance(value, str) or value in vocabulary:
            return value
        raise ValueError(
            not_one_of(
                value, vocabulary, kind, f"one of {', '.join(vocabulary)} (empty means {empty})"
            )
        )

    return BeforeValidator(check)


# Whether an outcome row counts a study's whole cohort (its denominator as stated) or only part of
# it (docs/evidence-protocol.md, "Subgroup"): a row of one dose level or of a selected subgroup is
# shown on its own, marked, and never pooled, since choosing the best dose inflates a pooled rate.
Subgroup = Literal["dose_level", "selected_subgroup"]
SUBGROUPS: dict[str, str] = {
    "dose_level": "one dose level, dose arm or recommended-dose cohort of a trial that treated "
    "patients at several doses",
    "selected_subgroup": "a subgroup picked out of the treated cohort by a patient feature "
    "(e.g. first relapse, relapsed/refractory disease only)",
}


Indication = Literal["LBCL", "FL", "MCL", "MZL", "B-ALL", "CLL", "MM", "gastric", "SLE", "other"]
_ALL_INDICATIONS: tuple[str, ...] = get_args(Indication)


def _indications(value: str) -> str:
    """One indication, or several joined by "|" ("B-ALL|LBCL") for one price its source says
    covers each of them (Kymriah's Japanese NHI price: leukaemia and lymphoma), kept as
    written. A miss names the nearest valid value."""
    parts = value.split("|")
    for part in parts:
        if part not in _ALL_INDICATIONS:
            raise ValueError(
                not_one_of(
                    part,
                    _ALL_INDICATIONS,
                    "an indication",
                    f"one of {', '.join(_ALL_INDICATIONS)}, or several joined by '|' (B-ALL|LBCL)",
                )
            )
    if len(set(parts)) < len(parts):
        raise ValueError(f"{value!r} names an indication twice; name each once")
    return value


Indications = Annotated[str, AfterValidator(_indications)]
Denominator = Literal["infused", "enrolled", "evaluable", "randomized"]
Analysis = Literal["primary", "longer_follow_up", "label"]
# Which analysis of a study is the latest, for "use the most mature result" (lower first).
ANALYSIS_ORDER = {"longer_follow_up": 0, "primary": 1, "label": 2}
# What kind of publication the canonical source is (docs/evidence-protocol.md, "Sources");
# evidence/source_strength.py ranks them for headlines.
SourceKind = Literal[
    "regulator",
    "label",
    "journal",
    "conference_abstract",
    "registry",
    "company_release",
    "hta_body",
    "news",
    "secondary",
]


# Characters a URL cannot hold unescaped (RFC 3986); quotes and angle brackets would also let a
# value break out of an HTML attribute.
_URL_UNSAFE = re.compile(r"[\s\"'<>\\`{}^]|[\x00-\x1f\x7f]")
_HOST = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$")


def _web_address(value: str | None) -> str | None:
    """An absolute http(s) URL with a host name and nothing a URL cannot hold unescaped."""
    if not value:
        return value
    if not value.lower().startswith(("http://", "https://")):
        raise ValueError(f"{value!r} is not a web address; give the page's http(s) URL")
    if bad := _URL_UNSAFE.search(value):
        raise ValueError(
            f"{value!r} holds {bad[0]!r}, which a URL cannot hold unescaped; "
            "percent-encode it (a space is %20, a quote %22) or remove it"
        )
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 — raises on a port that is not a number
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a valid URL ({exc})") from None
    if not _HOST.match(parts.hostname or ""):
        raise ValueError(f"{value!r} has no valid host name (like www.fda.gov)")
    return value


class Sourced(BaseModel):
    """Columns every row carries: where the value was read and the words that support it."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    source_url: str = Field(min_length=1)  # the canonical address: DOI, PubMed, regulator, label…
    source_kind: SourceKind
    retrieved_from: str | None = None  # the page the quote was read on, when not source_url
    source_quote: str = Field(min_length=1)
    accessed: IsoDate
    doi: str | None = None
    pmid: str | None = None
    note: str | None = None  # a curator's caveat: inferred year, mixed population, secondary source

    _urls = field_validator("source_url", "retrieved_from")(_web_address)

    @field_validator("doi")
    @classmethod
    def _doi(cls, value: str | None) -> str | None:
        if value and not DOI.match(value):
            raise ValueError(
                f"{value!r} is not a DOI; write it as 10.xxxx/suffix without a URL prefix"
            )
        return value

    @field_validator("pmid")
    @classmethod
    def _pmid(cls, value: str | None) -> str | None:
        if value and not value.isdigit():
            raise ValueError(f"{value!r} is not a PubMed ID (digits only)")
        return value


# What a result row's value derives from, when its page is a news or secondary page that names no
# DOI or PMID (docs/evidence-protocol.md, "Sources"): `kb check` requires it there, and
# `kb sources` splits the rows without an identifier by it, so the journal papers still to be
# identified (the gap issue #14 counts) are told apart from meeting abstracts, approval data and
# pages that do not say.
DerivedFrom = Literal["journal", "conference_abstract", "approval", "unnamed"]
DERIVED_FROM: dict[str, str] = {
    "journal": "the page restates a journal paper (a summary, a copy or a news report of it)",
    "conference_abstract": "the page restates a meeting abstract or presentation (ASH, ASCO, EHA, "
    "ICML, IMS, SOHO…)",
    "approval": "the page restates a regulator's, the label's or the company's own data behind "
    "an approval (an FDA or NMPA approval, a company release)",
    "unnamed": "the page does not say where the value comes from",
}


class Result(Sourced):
    """A row of study results (studies, outcomes, safety, survival, comparisons).

    ``derived_from`` says what kind of publication the value comes from when the row's own page
    cannot tell a reviewer: a news or secondary page that names no DOI or PMID (``kb check``
    requires it there; it may stay empty elsewhere).
    """

    derived_from: (
        Annotated[DerivedFrom, _one_of(DERIVED_FROM, "what a value derives from", "not stated")]
        | None
    ) = None


class Product(Sourced):
    product_id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    inn: str | None = None
    aliases: Annotated[list[str], Field(default_factory=list)]
    brands: Annotated[list[str], Field(default_factory=list)]
    targets: list[str] = Field(min_length=1)
    cell_source: Literal["autologous", "allogeneic"] | None = None
    costimulatory: str | None = None
    binder_origin: str | None = None
    manufacturer: str
    developer_country: Country

    _lists = field_validator("aliases", "brands", "targets", mode="before")(_split)

    @field_validator("brands")
    @classmethod
    def _brands(cls, value: list[str]) -> list[str]:
        brands = []
        for brand in value:
            country, sep, name = brand.partition(":")
            if not sep or not name.strip():
                raise ValueError(f"{brand!r} is not COUNTRY:Brand (e.g. US:Yescarta)")
            brands.append(f"{_country(country.strip())}:{name.strip()}")
        return brands

    def brand_in(self, country: str) -> str | None:
        for brand in self.brands:
            code, _, name = brand.partition(":")
            if code.strip() == country:
                return name.strip()
        return None


class Approval(Sourced):
    product_id: str
    agency: Agency
    country: Country
    indication: Indication
    indication_label: str
    line_of_therapy: str | None = None
    population: Literal["adult", "pediatric-young-adult", "adult+pediatric"] | None = None
    approval_date: IsoDate | None = None
    kind: Literal["full", "accelerated", "conditional"] | None = None


class Study(Result):
    study_id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    name: str
    product_id: str | None = None
    construct_name: str | None = None
    targets: list[str] = Field(min_length=1)
    registry_ids: Annotated[list[str], Field(default_factory=list)]
    countries: Annotated[list[Country], Field(default_factory=list)]
    country_of_conduct: Country | Literal["multinational"] | None = None
    # Where country_of_conduct comes from: the row's own source ("source", the default) or the
    # site list of the trial's registry record ("registry"; checked by `cartatlas kb countries`).
    country_source: Literal["source", "registry"] | None = None
    phase: Literal["1", "1/2", "2", "3", "4", "observational"] | None = None
    design: str | None = None
    indication: Indication
    population: Literal["adult", "pediatric-young-adult", "adult+pediatric"] | None = None
    population_group: Annotated[
        PopulationGroup, _one_of(POPULATION_GROUPS, "a population group", "standard")
    ] = "standard"
    line_of_therapy: str | None = None
    median_follow_up_months: float | None = Field(default=None, ge=0)
    real_world: bool
    registrational: bool = False  # the trial an approval of the product rests on
    overlaps_with: str | None = None

    _lists = field_validator("targets", "registry_ids", "countries", mode="before")(_split)

    @field_validator("registry_ids")
    @classmethod
    def _registry_ids(cls, value: list[str]) -> list[str]:
        pattern = re.compile(
            r"^(NCT\d{8}|ChiCTR[-\w]+|CTR\d{8}|EudraCT[-\w]+|\d{4}-\d{6}-\d{2}|jRCT\w+)$"
        )
        for reg_id in value:
            if not pattern.match(reg_id):
                raise ValueError(
                    f"{reg_id!r} is not a registry ID (NCT########, ChiCTR…, CTR########, EudraCT)"
                )
        return value

    @field_validator("country_source")
    @classmethod
    def _registry_country(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value == "registry" and not (
            info.data.get("registry_ids") and info.data.get("country_of_conduct")
        ):
            raise ValueError(
                "'registry' needs registry_ids and a country_of_conduct: the country is read "
                "from the sites of the registered trial"
            )
        return value


class Counted(Result):
    """A proportion as the source reports it: n, events and/or the printed percentage."""

    n: int = Field(gt=0)
    events: int = Field(ge=0)
    percent: float | None = Field(default=None, ge=0, le=100)
    events_derived: bool = False


class Outcome(Counted):
    study_id: str
    endpoint: Literal["ORR", "CR", "CR_CRi", "sCR", "VGPR_plus", "MRD_neg_CR"]
    assessor: Literal["IRC", "investigator"] | None = None
    analysis: Analysis
    denominator: Denominator
    follow_up_months: float | None = Field(default=None, ge=0)
    subgroup: (
        Annotated[Subgroup, _one_of(SUBGROUPS, "a subgroup", "the study's whole cohort")] | None
    ) = None


# The grading systems a safety row may name, spelled as stored: rates are pooled only within one
# system, so a variant spelling ("ASTCT2019") would silently split a pool in two.
GradingSystem = Literal["Lee2014", "ASTCT", "Penn", "CTCAE", "CARTOX"]


class Safety(Counted):
    study_id: str
    event: Literal["CRS", "ICANS", "neurotoxicity"]
    grade: Literal["any", "3plus"]
    grading: GradingSystem | None = None
    analysis: Analysis


class Price(Sourced):
    product_id: str
    country: Country
    amount: float = Field(gt=0)
    currency: Currency
    year: int | None = Field(default=None, ge=2010, le=2100)
    kind: Literal["list", "WAC", "insurance_negotiated", "total_cost_of_care"]
    # The indication (and line) the source ties the price to; empty when it names none. A product
    # can carry a different price per indication (Kymriah in the US: B-ALL and LBCL), or one
    # price for several ("B-ALL|LBCL": Kymriah in Japan).
    indication: Indications | None = None
    line_of_therapy: str | None = None


class ExchangeRate(Sourced):
    """An annual average rate, kept in the direction the source prints it.

    Most series print units of the currency per US dollar (``per_usd``); the Federal Reserve's
    G.5A prints the euro, the pound and the Australian dollar the other way round, in US dollars
    per unit (``usd_per_unit``). The printed number is the one checked against the quote;
    ``per_usd`` is then its reciprocal, so every reader converts with ``per_usd`` alone.
    """

    currency: Currency
    year: int = Field(ge=2000, le=2100)
    per_usd: float | None = Field(default=None, gt=0)
    usd_per_unit: float | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _one_direction(self) -> ExchangeRate:
        if (self.per_usd is None) == (self.usd_per_unit is None):
            raise ValueError(
                "give exactly one of per_usd (units per US dollar) or usd_per_unit (US dollars "
                "per unit, as the Federal Reserve prints EUR, GBP and AUD), as the source prints it"
            )
        if self.usd_per_unit is not None:
            self.per_usd = 1 / self.usd_per_unit
        return self


class Ppp(Sourced):
    country: Country
    year: int = Field(ge=2000, le=2100)
    ppp_per_usd: float = Field(gt=0)


class Centres(Sourced):
    """A published count of treatment centres. ``lower_bound`` marks a count the source gives as
    "more than"/"over"/"at least" N, so that it is shown as "more than N", never as exact."""

    country: Country
    count: int = Field(ge=0)
    as_of: IsoDate
    scope: str
    product_id: str | None = None
    lower_bound: bool = False
    #: The part of the country the count covers when it is not all of it (GB's NHS England
    #: centres: "England"): shown with the number wherever it goes ("7 in England only"), so a
    #: regional count never reads as the country's.
    region: str | None = None


class TrialCount(Sourced):
    """A published count of registered trials. ``lower_bound`` marks a count the source gives as
    "more than"/"over"/"at least" N (BioWorld's "more than 300 CAR T trials registered in
    China"), so that it is read as "more than N" wherever it is used, never as exactly N."""

    country: Country
    count: int = Field(ge=0)
    registry: str
    as_of: IsoDate
    scope: str
    lower_bound: bool = False


TimeEndpoint = Literal["PFS", "OS", "DOR", "EFS"]
LANDMARK_MONTHS = (6, 12, 18, 24, 30, 36, 48, 60)


class Survival(Result):
    """A time-to-event result of one study arm: a median (months) or a landmark rate (%).

    Medians the source says were "not reached" are kept with ``not_reached`` and no value, so
    that "not reached" is never confused with "no data". CIs are 95 % unless ``ci_level`` says
    otherwise; a bound the source gives as "not reached"/"not estimable" stays empty.
    """

    study_id: str
    endpoint: TimeEndpoint
    statistic: Literal["median", "landmark"]
    landmark_months: int | None = None
    arm: Literal["car-t", "control"] = "car-t"
    assessor: Literal["IRC", "investigator"] | None = None
    analysis: Analysis
    value: float | None = Field(default=None, ge=0)
    not_reached: bool = False
    ci_low: float | None = Field(default=None, ge=0)
    ci_high: float | None = Field(default=None, ge=0)
    ci_level: float = Field(default=95, gt=50, lt=100)
    n: int | None = Field(default=None, gt=0)
    n_at_risk: int | None = Field(default=None, ge=0)
    follow_up_months: float | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _consistent(self) -> Survival:
        if self.landmark_months is not None and self.landmark_months not in LANDMARK_MONTHS:
            raise ValueError(
                f"landmark_months {self.landmark_months} is not a landmark time; use one of "
                f"{LANDMARK_MONTHS}"
            )
        if self.statistic == "landmark" and self.landmark_months is None:
            raise ValueError("a landmark rate needs landmark_months (12, 24, 36, 60, ...)")
        if self.statistic == "median" and self.landmark_months is not None:
            raise ValueError("a median has no landmark_months; leave it empty")
        if self.not_reached and self.value is not None:
            raise ValueError("a median that was not reached has no value; leave value empty")
        if not self.not_reached and self.value is None:
            raise ValueError("give the value, or not_reached = true if the source says so")
        if self.not_reached and self.statistic != "median":
            raise ValueError("only a median can be 'not reached'")
        if self.statistic == "landmark" and max(self.value or 0, self.ci_high or 0) > 100:
            raise ValueError("a landmark rate is a percentage (0-100)")
        _check_interval(self.value, self.ci_low, self.ci_high)
        return self


def _check_interval(point: float | None, low: float | None, high: float | None) -> None:
    """CI bounds, where given, must be ordered and bracket the point estimate."""
    if low is not None and high is not None and low > high:
        raise ValueError(f"ci_low {low} is above ci_high {high}")
    if point is None:
        return
    if low is not None and low > point:
        raise ValueError(f"ci_low {low} does not bracket the value {point}")
    if high is not None and high < point:
        raise ValueError(f"ci_high {high} does not bracket the value {point}")


class Comparison(Result):
    """A randomized CAR-T arm vs standard-of-care comparison: the hazard ratio as printed.

    ``status`` says why a row has no hazard ratio: the analysis is immature (OS often is) or the
    source says the endpoint was not reported; the quote must say so.
    """

    study_id: str
    endpoint: TimeEndpoint
    primary_endpoint: bool
    comparator: str
    analysis: Analysis
    status: Literal["reported", "immature", "not_reported"] = "reported"
    hr: float | None = Field(default=None, gt=0)
    ci_low: float | None = Field(default=None, gt=0)
    ci_high: float | None = Field(default=None, gt=0)
    ci_level: float = Field(default=95, gt=50, lt=100)
    p_value: str | None = Field(default=None, pattern=r"^[<>=≤]?\s*\d*\.?\d+(e-\d+)?$")
    n_car_t: int | None = Field(default=None, gt=0)
    n_control: int | None = Field(default=None, gt=0)
    crossover_percent: float | None = Field(default=None, ge=0, le=100)
    follow_up_months: float | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _hr_needed(self) -> Comparison:
        if self.status == "reported" and self.hr is None:
            raise ValueError("a reported comparison needs its hr (or status immature/not_reported)")
        if (self.ci_low is None) != (self.ci_high is None):
            raise ValueError("give both CI bounds or neither")
        _check_interval(self.hr, self.ci_low, self.ci_high)
        return self


class RegulatoryAction(Sourced):
    """A safety-related regulatory action: boxed warning, label change, REMS change, monitoring.

    ``products`` lists product_ids; empty means the whole class named in ``scope``.
    """

    agency: Agency
    country: Country
    action_date: IsoDate
    action: Literal[
        "boxed_warning",
        "label_change",
        "rems_removal",
        "rems_change",
        "monitoring_change",
        "safety_communication",
        "investigation",
        "guidance",
    ]
    products: Annotated[list[str], Field(default_factory=list)]
    scope: str
    summary: str
    monitoring_weeks_before: float | None = Field(default=None, ge=0)
    monitoring_weeks_after: float | None = Field(default=None, ge=0)
    driving_weeks_before: float | None = Field(default=None, ge=0)
    driving_weeks_after: float | None = Field(default=None, ge=0)

    _lists = field_validator("products", mode="before")(_split)


class Coverage(Sourced):
    """Who pays for CAR-T in a country: a payer or scheme, its status, scope and date.

    ``product_id`` empty means the scheme covers (or excludes) CAR-T as a class. Patients
    treated against patients eligible are recorded only as one source counts them, with
    ``patients_as_of``, the date (or the end of the period) the counts refer to, because a share
    treated means nothing without its denominator and its year.
    """

    country: Country
    product_id: str | None = None
    payer: str
    scheme: Literal[
        "public_insurance",
        "national_reimbursement",
        "commercial_insurance",
        "city_scheme",
        "hta_decision",
        "managed_access",
        "charity_or_manufacturer",
    ]
    status: Literal["covered", "conditional", "excluded", "not_recommended"]
    scope: str
    conditions: str | None = None
    effective_date: IsoDate | None = None
    patients_treated: int | None = Field(default=None, ge=0)
    patients_eligible: int | None = Field(default=None, ge=0)
    out_of_pocket_amount: float | None = Field(default=None, ge=0)
    out_of_pocket_currency: Currency | None = None
    patients_as_of: IsoDate | None = None

    @model_validator(mode="after")
    def _counts(self) -> Coverage:
        counted = self.patients_treated is not None or self.patients_eligible is not None
        if self.patients_as_of is not None and not counted:
            raise ValueError(
                "patients_as_of dates a patient count; give the count or leave it empty"
            )
        if (
            self.patients_treated is not None
            and self.patients_eligible is not None
            and self.patients_treated > self.patients_eligible
        ):
            raise ValueError(
                f"patients_treated {self.patients_treated} is above patients_eligible "
                f"{self.patients_eligible}; both must count the same population, or record them "
                "on separate rows"
            )
        return self
