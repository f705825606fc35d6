"""The registry side of the web: every current trial with its classifier labels, its sites and
the snapshot it came from, built once per process (classifying takes seconds) and searched in
memory by the API, the trial finder and the question pages.

``WebContext`` is the report's :class:`~cartatlas.report.context.ReportContext` fed from these
frames, so the dashboard's question pages are built by the report's own section builders
without classifying the registry again on every page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from cartatlas.analyses.landscape.data import stored_trial_frame
from cartatlas.registries import concepts
from cartatlas.registries.eligibility import age_limits
from cartatlas.registries.links import registry_url
from cartatlas.report.context import ReportContext
from cartatlas.search.index import TrialSearch
from cartatlas.search.trials import site_places, trial_search
from cartatlas.store import Store
from cartatlas.store.registry_read import attribution_notes, current_studies, sites, snapshot_info
from cartatlas.web.loop import building
from cartatlas.web.responses import records

#: The site columns the API and the pages show.
SITE_COLUMNS = ["facility", "city", "state", "country", "country_code", "lat", "lon", "status"]

# Registry facts shown beside the labels (the labels frame already has status and countries).
_FACTS = [
    "registry",
    "title",
    "official_title",
    "brief_summary",
    "phases",
    "start_date",
    "enrollment",
    "sponsor_name",
    "conditions",
    "interventions",
    "also_registered_as",
    "last_update_date",
    "attribution",
    "source_date",
]


#: A trial's fields in API answers and CSV exports (``nct_id`` is the trial's key).
TRIAL_COLUMNS = [
    "nct_id",
    "title",
    "status",
    "phase",
    "start_date",
    "start_year",
    "countries",
    "targets",
    "disease_area",
    "disease_group",
    "conditions",
    "interventions",
    "sponsor_name",
    "sponsor_type",
    "cell_type",
    "cell_source",
    "in_vivo",
    "is_car",
    "enrollment",
    "min_age",
    "max_age",
    "registry",
    "url",
    "also_registered_as",
    "last_update_date",
]


@dataclass(frozen=True)
class TrialFilters:
    """A trial search; text values lower-case, ``phase`` as registry phase codes."""

    text: str | None = None
    country: str | None = None
    target: str | None = None
    disease: str | None = None  # a disease area (LBCL, solid:lung) or group (solid)
    phase: tuple[str, ...] = ()
    status: str | None = None
    recruiting: bool = False
    sponsor_type: str | None = None
    age: float | None = None
    car: bool = True


#: How many texts' rankings a :class:`TrialIndex` keeps.
KEPT_TEXTS = 1024


class TrialIndex:
    """A trial frame's search columns as plain arrays and sets, and its rows as JSON-ready
    dicts, built once: a search is then a few comparisons per trial and a page of results a
    slice, with no pandas row filtering or value conversion per request."""

    def __init__(
        self,
        frame: pd.DataFrame,
        places: Mapping[str, list[str]] | None = None,
        sites: pd.DataFrame | None = None,
    ) -> None:
        self.frame = frame
        self.places = places
        self.rows = records(frame, TRIAL_COLUMNS)
        self.countries = [set(c) for c in frame["countries"]]
        self.targets = [{str(t).lower() for t in ts} for ts in frame["targets"]]
        self.diseases = [
            {str(a).lower() for a in areas} | {str(group).lower()}
            for areas, group in zip(frame["disease_area"], frame["disease_group"], strict=True)
        ]
        self.phases = [set(p) if isinstance(p, list) else set() for p in frame["phases"]]
        self.status = frame["status"].to_numpy(object)
        self.recruiting = recruiting(frame["status"]).to_numpy(bool)
        # Countries where each trial is recruiting (concepts.RECRUITING_DEFINITION: open site).
        open_sites = (
            sites[concepts.recruiting_site_mask(sites, frame.set_index("nct_id")["status"])]
            if sites is not None
            else None
        )
        by_trial = (
            open_sites.groupby("trial_id")["country_code"].agg(set).to_dict()
            if open_sites is not None
            else {}
        )
        self.recruiting_in = [by_trial.get(key, set()) for key in frame["nct_id"]]
        self.sponsor = frame["sponsor_type"].to_numpy(object)
        self.min_age = frame["min_age"].to_numpy(float)
        self.max_age = frame["max_age"].to_numpy(float)
        self._masks: dict[tuple[str, str], np.ndarray] = {}
        self._ranked: dict[str, np.ndarray | None] = {}

    @cached_property
    def text(self) -> TrialSearch:
        """The full-text index, built on the first text search."""
        return trial_search(self.frame, self.places)

    @staticmethod
    def _where(values: list, test) -> np.ndarray:
        return np.fromiter((test(v) for v in values), dtype=bool, count=len(values))

    def _having(self, column: str, value: str) -> np.ndarray:
        """The trials whose set in ``column`` (countries, targets, diseases, recruiting_in)
        holds ``value``: built once per value, since a page of the trial finder is asked for
        with the same country or target again and again (a bounded number: only values some
        trial has are kept)."""
        key = (column, value)
        mask = self._masks.get(key)
        if mask is None:
            mask = self._where(getattr(self, column), lambda values: value in values)
            if mask.any():
                self._masks[key] = mask
        return mask

    def ranked(self, text: str) -> np.ndarray | None:
        """The full-text search's positions for ``text``, best first (``None``: the text asks
        for nothing in particular). Kept for the last :data:`KEPT_TEXTS` texts: the finder's
        pages, countries and ages of one search ask the same text again, and the ranking does
        not depend on them."""
        if text in self._ranked:
            return self._ranked[text]
        building()  # a full-text query, and the first one builds the text index
        found = self.text.search(text)[0]
        order = None if found is None else np.asarray(found, dtype=np.int64)
        if len(self._ranked) >= KEPT_TEXTS:
            self._ranked.clear()
        self._ranked[text] = order
        return order

    def search(self, f: TrialFilters) -> np.ndarray:
        """Positions of the matching trials: best text match first when ``f.text`` asks for
        something, else in the frame's order (latest start first)."""
        keep = np.ones(len(self.frame), dtype=bool)
        order = self.ranked(f.text) if f.text else None
        if f.country:
            keep &= self._having("countries", f.country)
        if f.target:
            keep &= self._having("targets", f.target)
        if f.disease:
            keep &= self._having("diseases", f.disease)
        if f.phase:
            wanted = set(f.phase)
            keep &= self._where(self.phases, lambda p: bool(p & wanted))
        if f.status:
            keep &= self.status == f.status
        if f.recruiting and f.country:
            keep &= self._having("recruiting_in", f.country)
        elif f.recruiting:
            keep &= self.recruiting
        if f.sponsor_type:
            keep &= self.sponsor == f.sponsor_type
        if f.age is not None:
            keep &= ~(self.min_age > f.age) & ~(self.max_age < f.age)
        if order is None:
            return np.flatnonzero(keep)
        return order[keep[order]]


@dataclass(frozen=True)
class RegistryData:
    """``trials``: one row per current trial (CAR or not; ``nct_id`` is the trial's key, its NCT
    number when it has one, as in the landscape); ``sites``: their sites, by ``trial_id``."""

    trials: pd.DataFrame
    sites: pd.DataFrame
    snapshots: pd.DataFrame
    notes: list[str]

    @cached_property
    def car_trials(self) -> pd.DataFrame:
        return self.trials[self.trials["is_car"]].reset_index(drop=True)

    @cached_property
    def car_sites(self) -> pd.DataFrame:
        car = set(self.car_trials["nct_id"])
        return self.sites[self.sites["trial_id"].isin(car)].reset_index(drop=True)

    @cached_property
    def places(self) -> dict[str, list[str]]:
        """Trial key → the cities, states and countries of its sites (searched as text)."""
        return site_places(self.sites)

    @cached_property
    def car_index(self) -> TrialIndex:
        return TrialIndex(self.car_trials, self.places, self.sites)

    @cached_property
    def all_index(self) -> TrialIndex:
        return TrialIndex(self.trials, self.places, self.sites)

    def index(self, car: bool) -> TrialIndex:
        return self.built("car_index" if car else "all_index")

    def built(self, name: str) -> Any:
        """The cached property ``name``; building it first takes up to seconds, so on the
        event loop that hands the request to a worker thread (:func:`.loop.building`)."""
        if name not in self.__dict__:
            building()
        return getattr(self, name)

    @cached_property
    def positions(self) -> dict[str, int]:
        """Each trial's key and other registrations (upper case) → its row in ``trials``, so a
        trial page finds its trial without scanning the frame. A trial's own key wins over
        another trial's registration, and the first row (latest start) over later ones."""
        last_first = list(enumerate(self.trials["also_registered_as"]))[::-1]
        found = {key.split(":", 1)[-1].upper(): i for i, keys in last_first for key in keys}
        last_first = list(enumerate(self.trials["nct_id"]))[::-1]
        return found | {key.upper(): i for i, key in last_first}

    @cached_property
    def sites_by_trial(self) -> dict[str, pd.DataFrame]:
        return {key: part for key, part in self.sites.groupby("trial_id", sort=False)}

    @cached_property
    def site_rows(self) -> dict[str, list[dict]]:
        """Trial key → its sites as plain rows (:data:`SITE_COLUMNS`), converted once so a
        page of search results only looks them up."""
        columns = [c for c in SITE_COLUMNS if c in self.sites.columns]
        return {key: records(part, columns) for key, part in self.sites_by_trial.items()}


def load_registry(store: Store) -> RegistryData | None:
    """Classify every current trial and join its registry facts; ``None`` without registry data."""
    if not store.table_exists("reg_study"):
        return None
    labels = stored_trial_frame(store)
    studies = current_studies(store, include_raw=True)
    studies["nct_id"] = studies["nct_id"].fillna(studies["trial_id"])
    ages = [age_limits(raw) for raw in studies["raw"]]
    studies["min_age"] = pd.Series([low for low, _ in ages], index=studies.index, dtype=float)
    studies["max_age"] = pd.Series([high for _, high in ages], index=studies.index, dtype=float)
    trials = labels.merge(
        studies[["nct_id", *_FACTS, "min_age", "max_age"]], on="nct_id", how="left"
    )
    trials["url"] = [
        registry_url(r, t) for r, t in zip(trials["registry"], trials["nct_id"], strict=True)
    ]
    # Latest start first: the order every search returns, sorted once here.
    trials = trials.sort_values(
        ["start_date", "nct_id"], ascending=[False, True], na_position="last"
    ).reset_index(drop=True)
    frame = sites(store)
    return RegistryData(trials, frame, snapshot_info(store), attribution_notes(studies))


def recruiting(statuses: pd.Series) -> pd.Series:
    """Recruiting now, as ``cartatlas trials --recruiting`` counts it."""
    return statuses.isin(concepts.RECRUITING_STATUSES)


@dataclass
class WebContext(ReportContext):
    """A report context whose registry frames come from the process's :class:`RegistryData`."""

    registry: RegistryData | None = None

    @property
    def has_registry(self) -> bool:  # type: ignore[override]
        return self.registry is not None

    @property
    def snapshots(self) -> pd.DataFrame:  # type: ignore[override]
        return self.registry.snapshots if self.registry else pd.DataFrame()

    @property
    def trials(self) -> pd.DataFrame:  # type: ignore[override]
        return self.registry.car_trials if self.registry else pd.DataFrame()

    @property
    def sites(self) -> pd.DataFrame:  # type: ignore[override]
        return self.registry.car_sites if self.registry else pd.DataFrame()
