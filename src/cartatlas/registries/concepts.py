"""Small "trial concept" functions shared by every registry loader.

Registries disagree on spelling ("Active, not recruiting", "ACTIVE_NOT_RECRUITING"), on phases
("Phase I/II", "Phase 1/Phase 2", "PHASE1, PHASE2") and on dates ("May 2019", "2019-05",
"20/05/2019"). Each function here maps one concept to the store's vocabulary, which is
ClinicalTrials.gov's, so a trial reads the same whichever registry it came from.
"""

from __future__ import annotations

import html
import re
from datetime import date
from functools import lru_cache

# -- status --------------------------------------------------------------------------------------

STATUSES = frozenset(
    {
        "RECRUITING",
        "NOT_YET_RECRUITING",
        "ENROLLING_BY_INVITATION",
        "ACTIVE_NOT_RECRUITING",
        "COMPLETED",
        "SUSPENDED",
        "TERMINATED",
        "WITHDRAWN",
        "UNKNOWN",
        "AVAILABLE",
        "NO_LONGER_AVAILABLE",
        "TEMPORARILY_NOT_AVAILABLE",
        "APPROVED_FOR_MARKETING",
        "WITHHELD",
        # WHO ICTRP only says "not recruiting", without telling active from closed.
        "NOT_RECRUITING",
    }
)
RECRUITING_STATUSES = ("RECRUITING", "ENROLLING_BY_INVITATION")
#: The one definition of "recruiting in a country" that the report, the dashboard and
#: ``cartatlas trials --recruiting --country`` share (and state).
RECRUITING_DEFINITION = (
    "recruiting in a country: the trial's overall status is recruiting or enrolling by "
    "invitation, and at least one of its sites in that country is recruiting or enrolling by "
    "invitation too (a site without a status counts; a site not yet recruiting, withdrawn or "
    "closed does not; old records keep sites 'recruiting' after the trial closed, so both must "
    "hold)"
)
#: Beside a count by the landscape's ``status`` (CN: RECRUITING 512), which is not the count of
#: recruiting trials every other surface gives (CN: 516, with enrolling by invitation).
STATUS_DIMENSION = (
    "status is each trial's overall status as registered, counted in every country where it "
    "lists a site, whatever that site's own status; it is not the count of recruiting trials "
    "the report, the dashboard and `trials --recruiting` give, which reads " + RECRUITING_DEFINITION
)


def recruiting_site_mask(sites, trial_status) -> object:
    """Per site row (columns trial_id, status): True where the site is open and its trial is
    recruiting (``RECRUITING_DEFINITION``). ``trial_status`` maps trial_id → overall status."""
    trial_open = sites["trial_id"].map(trial_status).isin(RECRUITING_STATUSES)
    site_open = sites["status"].isna() | sites["status"].isin(RECRUITING_STATUSES)
    return trial_open & site_open


def recruiting_in(sites, trial_status, country: str) -> set[str]:
    """Trial ids recruiting in ``country`` (alpha-2) under ``RECRUITING_DEFINITION``."""
    here = sites[sites["country_code"] == country]
    return set(here.loc[recruiting_site_mask(here, trial_status), "trial_id"])


_STATUS_ALIASES = {
    "UNKNOWN_STATUS": "UNKNOWN",
    "PENDING": "NOT_YET_RECRUITING",
    "NOT_YET_RECRUITING_PENDING": "NOT_YET_RECRUITING",
    "TEMPORARY_HALT": "SUSPENDED",
    "TEMPORARILY_HALTED": "SUSPENDED",
    "STOPPED_EARLY": "TERMINATED",
    "CLOSED_TO_RECRUITMENT_OF_PARTICIPANTS": "ACTIVE_NOT_RECRUITING",
    "AUTHORISED_RECRUITMENT_MAY_BE_ONGOING_OR_FINISHED": "UNKNOWN",
    "ONGOING": "ACTIVE_NOT_RECRUITING",
}
_NON_WORD = re.compile(r"[^A-Z0-9]+")


def status(raw: str | None) -> str | None:
    """ClinicalTrials.gov's status enum for any registry's status text (``UNKNOWN`` if unmapped)."""
    if not raw or not raw.strip():
        return None
    token = _NON_WORD.sub("_", raw.upper()).strip("_")
    token = _STATUS_ALIASES.get(token, token)
    return token if token in STATUSES else "UNKNOWN"


# -- phases --------------------------------------------------------------------------------------

PHASES = ("EARLY_PHASE1", "PHASE1", "PHASE2", "PHASE3", "PHASE4", "NA")
_ROMAN = {
    "0": "0",
    "I": "1",
    "II": "2",
    "III": "3",
    "IV": "4",
    "1": "1",
    "2": "2",
    "3": "3",
    "4": "4",
}
_PHASE_TOKEN = re.compile(r"\b(?:PHASE\s*)?(IV|III|II|I|[0-4])\b")
_NOT_APPLICABLE = re.compile(r"\b(N/?A|NOT\s+APPLICABLE|NONE)\b")


def phases(raw: str | list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
    """Phase labels from a list of API enums or free text ("Phase I/II", "Early Phase 1", "0").

    Phase 0 is ClinicalTrials.gov's Early Phase 1 ("formerly listed as Phase 0").
    """
    if not raw:
        return ()
    items = list(raw) if isinstance(raw, list | tuple) else [raw]
    found: list[str] = []
    for item in items:
        text = str(item).upper().replace("_", " ")
        if text.strip() in PHASES:
            found.append(text.strip())
            continue
        compact = text.replace("PHASE", "PHASE ")
        if "EARLY" in compact:
            found.append("EARLY_PHASE1")
            continue
        for token in _PHASE_TOKEN.findall(compact):
            number = _ROMAN[token]
            found.append("EARLY_PHASE1" if number == "0" else f"PHASE{number}")
        if not found and _NOT_APPLICABLE.search(compact):
            found.append("NA")
    return tuple(p for p in PHASES if p in found)


# -- dates ---------------------------------------------------------------------------------------

_ISO_PARTIAL = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}
_FORMATS = (
    (re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T].*)?$"), ("y", "m", "d")),
    (re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?:\s.*)?$"), ("d", "m", "y")),
    (re.compile(r"^(\d{4})(\d{2})(\d{2})$"), ("y", "m", "d")),
    (re.compile(r"^(\d{4})[-/](\d{1,2})$"), ("y", "m")),
    (re.compile(r"^([A-Za-z]{3,})\.?\s+(\d{1,2}),?\s+(\d{4})$"), ("M", "d", "y")),
    (re.compile(r"^(\d{1,2})\s+([A-Za-z]{3,})\.?,?\s+(\d{4})$"), ("d", "M", "y")),
    (re.compile(r"^([A-Za-z]{3,})\.?,?\s+(\d{4})$"), ("M", "y")),
    (re.compile(r"^(\d{4})$"), ("y",)),
)


@lru_cache(maxsize=8192)  # registries repeat a few thousand dates; this runs per field per record
def partial_date(raw: str | None, day_first: bool = True) -> str | None:
    """An ISO date that keeps the registered precision: "May 2019" → "2019-05".

    Returns ``None`` for text that is not a date. Numeric dates are read year first, else day
    first as in ICTRP's "20/05/2019" — except with ``day_first=False`` for fields written the
    US way (ICTRP's ``Export_date``, "08/28/2026 20:14:44").
    """
    if raw is None:
        return None
    text = raw.strip()
    if _ISO_PARTIAL.match(text):
        return text if _valid(text) else None
    for pattern, parts in _FORMATS:
        match = pattern.match(text)
        if not match:
            continue
        if parts == ("d", "m", "y") and not day_first:
            parts = ("m", "d", "y")
        values = dict(zip(parts, match.groups(), strict=True))
        if "M" in values:
            month = _MONTHS.get(values.pop("M")[:3].lower())
            if month is None:
                return None
            values["m"] = str(month)
        iso = values["y"]
        if "m" in values:
            iso += f"-{int(values['m']):02d}"
        if "d" in values:
            iso += f"-{int(values['d']):02d}"
        return iso if _valid(iso) else None
    return None


def _valid(iso: str) -> bool:
    parts = [int(p) for p in iso.split("-")]
    try:
        date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:
        return False
    return True


def date_precision(iso: str | None) -> str | None:
    """ "year", "month" or "day" for an ISO partial date from :func:`partial_date`."""
    if not iso:
        return None
    return {4: "year", 7: "month", 10: "day"}.get(len(iso))


# -- identifiers ---------------------------------------------------------------------------------

_ID_PATTERNS = {
    "CTGOV": r"NCT\d{8}",
    "CHICTR": r"CHICTR[-A-Z]*\d+",
    "CTIS": r"\d{4}-\d{6}-\d{2}-\d{2}",
    "EUCTR": r"(?:EUCTR)?\d{4}-\d{6}-\d{2}(?:-[A-Z]{2})?",
    "ISRCTN": r"ISRCTN\d{8}",
    "JPRN": r"(?:JPRN-)?(?:JRCT|UMIN|JAPIC|JMA)[-A-Z0-9]*\d+",
    "CTRI": r"CTRI/\d{4}/\d+/\d+",
    "ANZCTR": r"ACTRN\d{14}",
    "DRKS": r"DRKS\d{8}",
    "KCT": r"KCT\d{7}",
    "IRCT": r"IRCT\d+N\d+",
    "TCTR": r"TCTR\d{11}",
    "PACTR": r"PACTR\d{15,16}",
    "NTR": r"NL-OMON\d+|NL\d+|NTR\d+",
}
# One alternation, so that an ID that is no registry's (most sponsor IDs) costs one match.
_ID_SHAPE = re.compile("|".join(f"(?P<{name}>^(?:{rx})$)" for name, rx in _ID_PATTERNS.items()))
_EUDRACT = re.compile(r"^\d{4}-\d{6}-\d{2}$")


def normalize_id(value: str) -> str:
    """The comparable form of an identifier: upper case, no spaces (for cross-registry matching)."""
    return "".join(value.split()).upper()


def id_registry(value: str, id_type: str | None = None) -> str | None:
    """Which registry an identifier belongs to, by its shape (or its declared EudraCT type)."""
    norm = normalize_id(value)
    if id_type and "EUDRACT" in id_type.upper() and _EUDRACT.match(norm):
        return "EUCTR"
    match = _ID_SHAPE.match(norm)
    return match.lastgroup if match else None


# -- free text -----------------------------------------------------------------------------------

_BREAK = re.compile(r"<\s*br\s*/?\s*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]{1,200}>")
_SPACE = re.compile(r"[ \t\r\f\v]+")


def clean_text(raw: str | None) -> str | None:
    """Plain text from registry text carrying HTML entities and tags (``&lt;br&gt;``, ``&amp;``).

    Entities are decoded until stable (ICTRP exports are sometimes escaped twice); ``<br>``
    becomes a line break, other tags go, runs of spaces collapse.
    """
    if raw is None:
        return None
    text = raw
    for _ in range(3):
        decoded = html.unescape(text)
        if decoded == text:
            break
        text = decoded
    text = _TAG.sub(" ", _BREAK.sub("\n", text))
    lines = (_SPACE.sub(" ", line).strip() for line in text.split("\n"))
    cleaned = "\n".join(line for line in lines if line)
    return cleaned or None


def split_list(raw: str | None, separators: str = ";\n") -> list[str]:
    """Items of a multi-valued text field (after :func:`clean_text`), without blanks or repeats."""
    text = clean_text(raw)
    if not text:
        return []
    items = re.split("[" + re.escape(separators) + "]", text)
    seen: dict[str, None] = {}
    for item in items:
        item = item.strip(" ,")
        if item:
            seen.setdefault(item, None)
    return list(seen)
