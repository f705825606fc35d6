"""What the evidence routers share: a filtered SELECT and the list envelope."""

from __future__ import annotations

from typing import Any

import pandas as pd
from pydantic import BaseModel

from cartatlas.store import Store

#: Every evidence row carries these; the API returns them so each number can be checked.
SOURCE_COLUMNS = (
    "source_url",
    "source_kind",
    "retrieved_from",
    "source_quote",
    "accessed",
    "doi",
    "pmid",
    "note",
)


class Listing(BaseModel):
    """A list of rows; ``count`` is the number of rows in ``items``. An empty answer for a
    country the evidence base has nothing on says so in ``note`` ("no data (reason)"), so a
    client does not read an empty list as zero."""

    count: int
    items: list[dict[str, Any]]
    note: str | None = None


def select(
    store: Store, sql: str, conditions: list[tuple[str, object]], order: str
) -> pd.DataFrame:
    """``sql`` with an AND of the ``conditions`` whose value is not ``None``.

    Each condition is a fragment written in code with one ``?`` per value (``"a.country = ?"``,
    or ``"a.country IN (?, ?)"`` with a list of values); only values come from the request,
    always as parameters.
    """
    used = [(fragment, value) for fragment, value in conditions if value is not None]
    where = " WHERE " + " AND ".join(f for f, _ in used) if used else ""
    values = [x for _, v in used for x in (v if isinstance(v, list) else [v])]
    return store.frame(f"{sql}{where} ORDER BY {order}", values)


def listing(items: list[dict[str, Any]], empty_note: str | None = None) -> Listing:
    return Listing(count=len(items), items=items, note=None if items else empty_note)
