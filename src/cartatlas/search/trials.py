"""Search documents from a trial frame (``registry_read.current_studies`` or the web's labelled
frame) and its sites: the one place that decides which fields of a trial are searched."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from cartatlas.search.index import Document, TrialSearch

if TYPE_CHECKING:
    import pandas as pd


def _list(value: object) -> list[str]:
    """A list cell as strings; stored labels arrive ``|``-joined ("CD19|CD22")."""
    if isinstance(value, str):
        return [v for v in value.split("|") if v]
    try:
        return [str(v) for v in value if v is not None and v == v]  # type: ignore[union-attr]
    except TypeError:
        return []


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def site_places(sites: pd.DataFrame, key_column: str = "trial_id") -> dict[str, list[str]]:
    """Trial key → the distinct cities, states and countries of its sites."""
    places: dict[str, set[str]] = {}
    columns = [c for c in ("city", "state", "country") if c in sites]
    for key, *names in sites[[key_column, *columns]].itertuples(index=False):
        places.setdefault(key, set()).update(n for n in names if isinstance(n, str) and n)
    return {key: sorted(names) for key, names in places.items()}


_FIELDS = (
    "nct_id",
    "trial_id",
    "title",
    "official_title",
    "brief_summary",
    "conditions",
    "interventions",
    "targets",
    "disease_area",
)


def documents(
    frame: pd.DataFrame, places: Mapping[str, Sequence[str]] | None = None
) -> list[Document]:
    """One document per row of ``frame`` (keyed by ``nct_id``, else by the registry's
    ``trial_id``), in the frame's order."""

    def column(name: str) -> list:
        return frame[name].tolist() if name in frame else [None] * len(frame)

    places = places or {}
    fields = zip(*(column(name) for name in _FIELDS), strict=True)
    found = []
    for row in fields:
        cell = dict(zip(_FIELDS, row, strict=True))
        key = cell["nct_id"] if isinstance(cell["nct_id"], str) else cell["trial_id"]
        found.append(
            Document(
                key=key,
                title=f"{_text(cell['title'])} {_text(cell['official_title'])}",
                conditions=_list(cell["conditions"]),
                interventions=_list(cell["interventions"]),
                summary=_text(cell["brief_summary"]),
                targets=_list(cell["targets"]),
                disease_areas=_list(cell["disease_area"]),
                places=places.get(key, ()),
            )
        )
    return found


def trial_search(
    frame: pd.DataFrame, places: Mapping[str, Sequence[str]] | None = None
) -> TrialSearch:
    return TrialSearch(documents(frame, places))
