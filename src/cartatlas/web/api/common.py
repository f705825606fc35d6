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
    """A list of rows; ``count`` is the number of rows in ``items``."""

    count: int
    items: list[dict[str, Any]]


def select(
    store: Store, sql: str, conditions: list[tuple[str, object]], order: str
) -> pd.DataFrame:
    """``sql`` with an AND of the ``conditions`` whose value is not ``None``.

    Each condition is a fragment written in code with one ``?`` (``"a.country = ?"``); only
    values come from the request, always as parameters.
    """
    used = [(fragment, value) for fragment, value in conditions if value is not None]
    where = " WHERE " + " AND ".join(f for f, _ in used) if used else ""
    return store.frame(f"{sql}{where} ORDER BY {order}", [v for _, v in used])


def listing(items: list[dict[str, Any]]) -> Listing:
    return Listing(count=len(items), items=items)
