"""The normalized trial record every registry loader produces and the store writes.

Each registry names things differently; loaders map their fields onto these few dataclasses
(through the small functions in :mod:`cartatlas.registries.concepts`) so that the store, the
classifier and the reports deal with one shape. Slotted dataclasses rather than pydantic models
because a snapshot holds hundreds of thousands of sites and ingestion speed matters.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class RecordError(ValueError):
    """A record that cannot be loaded: which field is wrong, and what the loader expected."""

    def __init__(self, field_path: str, message: str) -> None:
        super().__init__(f"{field_path}: {message}")
        self.field = field_path
        self.message = message


class SkippedRecord(RecordError):
    """A well-formed record a loader deliberately leaves out (a warning, not an error)."""


@dataclass(slots=True)
class Rejection:
    """A record skipped during a load: where it was (file and line, page or query), and why."""

    location: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}: field {self.field}: {self.message}"


@dataclass(slots=True)
class Site:
    facility: str | None
    city: str | None
    state: str | None
    zip: str | None
    country: str | None
    country_code: str | None
    lat: float | None
    lon: float | None
    status: str | None


@dataclass(slots=True)
class Intervention:
    name: str
    type: str | None = None
    description: str | None = None
    other_names: tuple[str, ...] = ()


@dataclass(slots=True)
class Sponsor:
    name: str
    sponsor_class: str | None
    role: str  # "lead" or "collaborator"


@dataclass(slots=True)
class Identifier:
    """A trial identifier; ``registry`` is set when the value is a recognised registry ID."""

    value: str
    id_type: str
    registry: str | None
    is_primary: bool


@dataclass(slots=True)
class TrialRecord:
    """One trial as one registry describes it. Dates are ISO strings of the registered precision
    ("2019", "2019-05" or "2019-05-20"); ``status`` and ``phases`` use ClinicalTrials.gov's
    vocabulary; ``countries`` are alpha-2 codes."""

    registry: str
    trial_id: str
    title: str | None = None
    official_title: str | None = None
    acronym: str | None = None
    brief_summary: str | None = None
    status: str | None = None
    status_raw: str | None = None
    why_stopped: str | None = None
    phases: tuple[str, ...] = ()
    study_type: str | None = None
    start_date: str | None = None
    primary_completion_date: str | None = None
    completion_date: str | None = None
    first_posted_date: str | None = None
    last_update_date: str | None = None
    enrollment: int | None = None
    enrollment_type: str | None = None
    has_results: bool | None = None
    conditions: list[str] = field(default_factory=list)
    interventions: list[Intervention] = field(default_factory=list)
    sponsors: list[Sponsor] = field(default_factory=list)
    sites: list[Site] = field(default_factory=list)
    countries: tuple[str, ...] = ()
    identifiers: list[Identifier] = field(default_factory=list)
    raw: str = ""
    attribution: str | None = None
    source_date: str | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def study_key(self) -> str:
        """Unique across registries: ``"CTGOV:NCT01234567"``, ``"CHICTR:ChiCTR2000012345"``."""
        return f"{self.registry}:{self.trial_id}"

    @property
    def lead_sponsor(self) -> Sponsor | None:
        return next((s for s in self.sponsors if s.role == "lead"), None)
