"""The claims file: YAML with a source and a list of claims (see data/ for an example)."""

from __future__ import annotations

import math
import re
from datetime import date
from pathlib import Path
from typing import Literal, get_args

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from cartatlas.evidence.schema import Indication

RATE_METRICS = ("ORR", "CR", "CRS_any", "CRS_3plus", "ICANS_any", "ICANS_3plus")
Metric = Literal[
    "ORR",
    "CR",
    "CRS_any",
    "CRS_3plus",
    "ICANS_any",
    "ICANS_3plus",
    "price_usd",
    "total_cost_usd",
    "approved_targets",
    "approved_products",
    "trial_count",
    "centre_count",
    "distinct_targets",
    "trial_share",
    "price_discount",
    "approval_date",
]


#: How each metric can be asserted (check.py has a rule for these only): a rate or a count as
#: a range or against another country, a price or share as a range, a set or date as values.
ASSERTIONS: dict[str, tuple[str, ...]] = {
    **{metric: ("range", "compare") for metric in RATE_METRICS},
    "price_usd": ("range",),
    "total_cost_usd": ("range",),
    "approved_products": ("range", "compare"),
    "trial_count": ("range", "compare"),
    "centre_count": ("range",),
    "distinct_targets": ("compare",),
    "trial_share": ("range",),
    "price_discount": ("range",),
    "approved_targets": ("values",),
    "approval_date": ("values",),
}
KINDS = ("range", "compare", "values")
#: The evidence's indication codes, which a claim's indication takes in any case; the pattern
#: says so in the OpenAPI document ("lbcl" matches, "LBLC" does not), as the model checks.
INDICATIONS: tuple[str, ...] = get_args(Indication)
INDICATION = "^(?:{})$".format(
    "|".join(
        "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else c for c in code)
        for code in INDICATIONS
    )
)
#: Metrics stated as a percentage, whose range lies within 0–100 (the others are amounts or
#: counts, never below 0).
PERCENT_METRICS = (*RATE_METRICS, "trial_share", "price_discount")

#: C0 and C1 control characters but tab and newline: terminal escape sequences ("\x1b[31m", a
#: hyperlink's "\x1b]8;;…\x07") that would act on a terminal every surface prints claims to.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SURROGATES = re.compile("[\ud800-\udfff]")


def without_controls(text: str) -> str:
    """``text`` without control characters: a claim's words or an article hold none that mean
    anything, and the terminal, Markdown and CSV writers would pass them on as they are."""
    return _CONTROLS.sub("", text)


def _given(name: str, **more: object) -> dict[str, object]:
    """JSON Schema: ``name`` is present and not null (nor empty, for a list)."""
    kind = {"type": "array", "minItems": 1} if name in ("values", "countries") else {}
    return {"required": [name], "properties": {name: {"not": {"type": "null"}, **kind, **more}}}


#: The rules of :meth:`Claim._one_assertion` in JSON Schema, so that the OpenAPI document (and a
#: client or contract test reading it) knows which claims the API accepts. Keep the two in step.
CLAIM_RULES: dict[str, object] = {
    "oneOf": [_given("range"), _given("compare"), _given("values")],
    "allOf": [
        {
            "if": {**_given("compare"), "not": _given("versus")},
            "then": {"properties": {"countries": {"minItems": 2}}},
        },
        {
            "if": _given("versus"),
            "then": {
                "allOf": [_given("compare", const="greater")],
                "properties": {"metric": {"const": "trial_count"}},
            },
        },
        {
            "if": {
                "properties": {"metric": {"enum": list(RATE_METRICS)}},
                "not": _given("compare"),
            },
            "then": _given("indication", type="string", minLength=1),
        },
        {"if": _given("top_over"), "then": _given("range")},
        {
            "if": _given("also_in"),
            "then": {
                "allOf": [_given("range"), _given("indication", type="string", minLength=1)],
                "properties": {"metric": {"enum": list(RATE_METRICS)}},
            },
        },
        {
            "if": _given("compare", const="similar"),
            "then": {"properties": {"metric": {"enum": list(RATE_METRICS)}}},
        },
        {
            "if": {"properties": {"metric": {"const": "approval_date"}}},
            "then": {"allOf": [_given("product", type="string", minLength=1), _given("values")]},
        },
        {
            "if": {"properties": {"metric": {"const": "price_discount"}}},
            "then": {"properties": {"countries": {"minItems": 2}}},
        },
        *(
            {
                "if": {
                    "properties": {
                        "metric": {"enum": [m for m, ok in ASSERTIONS.items() if kind not in ok]}
                    }
                },
                "then": {"not": _given(kind)},
            }
            for kind in KINDS
        ),
    ],
}


class Claim(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, json_schema_extra=CLAIM_RULES)

    id: str
    text: str
    metric: Metric
    countries: list[str] = Field(min_length=1)
    indication: str | None = Field(default=None, json_schema_extra={"pattern": INDICATION})
    #: Further diseases a rate range is asserted for ("for B-cell lymphomas and certain
    #: leukemias, complete response rates range from 30% to over 60%": indication LBCL,
    #: also_in [B-ALL]): their study rates count in the range too.
    also_in: list[str] | None = Field(
        default=None, json_schema_extra={"items": {"pattern": INDICATION}}
    )
    product: str | None = None
    #: A rate claim about one trial ("67% in CARTITUDE-1"): checked against that study's rows
    #: alone, in its own indication, never against other studies of the product or country.
    trial: str | None = None
    #: approved_products: trials of approved products (rates); domestic_products: products
    #: developed in the country (prices); ongoing_trials: trials under way (trial counts).
    scope: Literal["approved_products", "domestic_products", "ongoing_trials"] | None = None
    range: tuple[float, float | None] | None = None
    #: The range was written with "about" (or "around", "approximately", …): its bounds are
    #: widened by ±10 % (``APPROXIMATE_RULE``), "about $375,000 to more than $500,000" → ≥ $337,500.
    about: bool = False
    #: The figure the top of an open range goes beyond ("from 30% to over 60%": range [30, null],
    #: top_over 60): the range's other end, checked too (some value must reach past it).
    top_over: float | None = None
    compare: Literal["similar", "greater", "less"] | None = None
    #: A trial count compared with more than one country (``rivals.py``): "world", first among
    #: every country of the registry snapshot ("leads the world"); "US_and_Europe", above the
    #: distinct trials with a site in the US or a European country ("the combined number of
    #: trials in the US and Europe"). ``countries`` then names the leading country alone.
    versus: Literal["world", "US_and_Europe"] | None = None
    values: list[str] | None = None
    #: The currency a price claim states its range in (ISO 4217; None: US dollars). A price
    #: stated in euros is checked in euros: each recorded price in its own currency at its own
    #: amount, any other converted at the rate of the price's own year, so "Kymriah costs
    #: €320,000 in Germany" meets the recorded €320,000 itself, not a dollar figure converted
    #: at another year's rate.
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    #: A count "by 2024" counts what existed by the end of that year (YYYY, YYYY-MM or a date).
    as_of: str | None = Field(  # the pattern for clients; _partial_date checks the calendar
        default=None, json_schema_extra={"pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"}
    )

    @field_validator("text")
    @classmethod
    def _printable(cls, text: str) -> str:
        return without_controls(text)

    @field_validator("values", "as_of", mode="before")
    @classmethod
    def _written(cls, value: object) -> object:
        """YAML reads an unquoted 2017-10-18 as a date and 2021 as a number ("Input should be
        a valid string"): both are taken as the text they were written as."""
        if isinstance(value, list):
            return [cls._written(item) for item in value]
        return value.isoformat() if isinstance(value, date) else value

    @field_validator("as_of")
    @classmethod
    def _as_of_date(cls, as_of: str | None) -> str | None:
        return None if as_of is None else _partial_date(as_of)

    @field_validator("values")
    @classmethod
    def _dates(cls, values: list[str] | None, info: ValidationInfo) -> list[str] | None:
        if values is None or info.data.get("metric") != "approval_date":
            return values
        return [_partial_date(value) for value in values]

    @field_validator("countries")
    @classmethod
    def _country_codes(cls, countries: list[str]) -> list[str]:
        """ISO codes for what people write (China, usa, CHN, 中国; EU for the EMA's region): a
        name or a typo ('XX', 'China') matched no evidence row and was checked as "no data"."""
        from cartatlas.evidence.jurisdictions import EU
        from cartatlas.inputs import country, each_once

        def code(name: str) -> str:
            return EU if name.strip().upper() == EU else country(name)

        return each_once(countries, code)

    @field_validator("indication")
    @classmethod
    def _indication(cls, indication: str | None) -> str | None:
        return None if indication is None else _indication_code(indication)

    @field_validator("also_in")
    @classmethod
    def _indications(cls, also_in: list[str] | None) -> list[str] | None:
        return None if also_in is None else [_indication_code(i) for i in also_in]

    @field_validator("range")
    @classmethod
    def _ordered_range(
        cls, bounds: tuple[float, float | None] | None, info: ValidationInfo
    ) -> tuple[float, float | None] | None:
        """A range reads low to high, and a percentage within 0–100: [80, 20] and a CR rate of
        [-5, 200] were checked as written (the first contradicted, the second supported)."""
        if bounds is None:
            return None
        low, high = bounds
        if high is not None and low > high:
            raise ValueError(
                f"the low end {low:g} is above the high end {high:g}; write [{high:g}, {low:g}]"
            )
        metric = info.data.get("metric")
        top = 100 if metric in PERCENT_METRICS else math.inf
        for end in (low, high):
            if end is not None and not 0 <= end <= top:
                raise ValueError(
                    f"{end:g} is outside 0–100: {metric} is a percentage"
                    if top == 100
                    else f"{end:g} is below 0: {metric} is an amount or a count"
                )
        return bounds

    @model_validator(mode="after")
    def _one_assertion(self) -> Claim:
        given = [name for name in ("range", "compare", "values") if getattr(self, name)]
        if len(given) != 1:
            raise ValueError("a claim asserts exactly one of range, compare or values")
        if given[0] not in ASSERTIONS[self.metric]:
            raise ValueError(
                f"{self.metric} is checked as {' or '.join(ASSERTIONS[self.metric])}, "
                f"not as {given[0]}"
            )
        if self.also_in and not (self.range and self.indication and self.metric in RATE_METRICS):
            raise ValueError("also_in adds diseases to a rate range with an indication only")
        if self.top_over is not None and (
            self.range is None or self.range[1] is not None or self.top_over < self.range[0]
        ):
            raise ValueError(
                "top_over is the top of an open range: give range: [low, null] with low ≤ top_over"
            )
        if self.versus and (self.metric, self.compare) != ("trial_count", "greater"):
            raise ValueError("versus is for trial_count claims with compare: greater only")
        if self.compare and len(self.countries) < 2 and not self.versus:
            raise ValueError("compare needs two countries (the first is compared to the second)")
        if self.metric in RATE_METRICS and not self.indication and not self.compare:
            raise ValueError(
                f"a range of {self.metric} needs an indication (e.g. LBCL); a comparison "
                "without one is checked in every indication"
            )
        if self.scope == "ongoing_trials" and self.metric != "trial_count":
            raise ValueError("scope: ongoing_trials is for trial_count claims only")
        if self.compare == "similar" and self.metric not in RATE_METRICS:
            raise ValueError(f"compare: similar is judged for rates only, not {self.metric}")
        if self.metric == "approval_date" and not (self.product and self.values):
            raise ValueError("approval_date needs a product and values: [the date, e.g. 2021-06]")
        if self.currency and self.metric not in ("price_usd", "total_cost_usd"):
            raise ValueError(f"currency is for price claims only, not {self.metric}")
        if self.metric == "price_discount" and len(self.countries) < 2:
            raise ValueError("price_discount needs two countries (the cheaper one first)")
        return self


def _partial_date(text: str) -> str:
    """``text`` when it is a date of the calendar written YYYY, YYYY-MM or YYYY-MM-DD: an
    approval "on 2017-13" was judged partly supported (its year matched), "yesterday"
    contradicted, and an as_of of 2024-02-30 taken as written."""
    parts = text.split("-")
    try:
        if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", text):
            raise ValueError
        date(int(parts[0]), *(int(p) for p in parts[1:]), *([1] * (3 - len(parts))))
    except ValueError:
        raise ValueError(
            f"{text!r} is not a date; write YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2017-10)"
        ) from None
    return text


def _indication_code(text: str) -> str:
    """The evidence's code for ``text`` in any case (lbcl → LBCL); an unknown one ('LBLC') is
    refused with the nearest code: it matched no study and was checked as "no data"."""
    from cartatlas.inputs import not_one_of

    for code in INDICATIONS:
        if code.lower() == text.lower():
            return code
    raise ValueError(
        not_one_of(text, INDICATIONS, "an indication", f"one of {', '.join(INDICATIONS)}")
    )


class ClaimsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: dict[str, object] = Field(default_factory=dict)
    claims: list[Claim] = Field(min_length=1)

    @field_validator("source")
    @classmethod
    def _printable(cls, source: dict[str, object]) -> dict[str, object]:
        return {k: without_controls(v) if isinstance(v, str) else v for k, v in source.items()}


class ClaimsFileError(ValueError):
    """A claims file that cannot be read; the message names the file, claim and field."""

    user_facing = True  # its message is written for the user: one line, no traceback


def _where(loc: list) -> str:
    """ "claim 2, field range.0" for a location in the document, as a user counts claims; a key
    holding a surrogate is written as its escape (the message must be writable)."""
    parts = [str(p).encode("utf-8", "backslashreplace").decode("utf-8") for p in loc]
    if loc[:1] == ["claims"] and len(loc) > 1 and isinstance(loc[1], int):
        return f"claim {loc[1] + 1}" + (f", field {'.'.join(parts[2:])}" if len(loc) > 2 else "")
    return ".".join(parts)


def _surrogate(data: object) -> tuple[list, str] | None:
    """Where the document holds a UTF-16 surrogate (U+D800–U+DFFF) and which: YAML's and JSON's
    "\\ud800" escapes give one, which is not Unicode text, so no writer can output the claim
    (the API's JSON encoder failed on it). Walked without recursion: a document may be deep."""
    stack: list[tuple[list, object]] = [([], data)]
    while stack:
        loc, value = stack.pop()
        if isinstance(value, str):
            found = _SURROGATES.search(value)
            if found:
                return loc, found.group()
        elif isinstance(value, dict):
            stack += [(loc, key) for key in value]
            stack += [([*loc, key], item) for key, item in value.items()]
        elif isinstance(value, list):
            stack += [([*loc, i], item) for i, item in enumerate(value)]
    return None


def parse_claims(data: object, origin: str) -> ClaimsFile:
    surrogate = _surrogate(data)
    if surrogate:
        loc, char = surrogate
        raise ClaimsFileError(
            f"{origin}: {_where(loc) or 'the document'}: holds U+{ord(char):04X}, half of a "
            "UTF-16 surrogate pair, which is not a character; write the character itself, or "
            "remove the escape"
        )
    try:
        return ClaimsFile.model_validate(data)
    except ValidationError as error:
        lines = [
            f"{origin}: {_where(list(item['loc']))}: {item['msg'].removeprefix('Value error, ')}"
            for item in error.errors()
        ]
        raise ClaimsFileError("\n".join(lines)) from None


def _not_claims(path: Path) -> ClaimsFileError:
    """The one-line error for a file that is not a claims document at all (typically an article
    given to the wrong command): what a claims file is and which command reads prose."""
    return ClaimsFileError(
        f"{path}: not a claims file (a YAML document with a list of claims, see "
        "docs/report.md); it looks like an article or other prose: check it with "
        f"`cartatlas check-article {path}`"
    )


def load_claims(path: Path) -> ClaimsFile:
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise ClaimsFileError(f"{path}: cannot read the claims file ({reason})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        if not re.search(r"^claims\s*:", text, re.MULTILINE):
            raise _not_claims(path) from None
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        raise ClaimsFileError(
            f"{path}: {where}the claims file is not valid YAML; check the indentation there "
            "and put text containing ': ' or ' #' in quotes"
        ) from None
    if data is None or isinstance(data, str):  # prose reads as one YAML string
        raise _not_claims(path)
    return parse_claims(data, str(path))
