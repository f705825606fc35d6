"""Frames as JSON-safe records and as CSV downloads.

Starlette refuses NaN in JSON (it is not JSON), and pandas uses NaN, NaT and numpy scalars for
missing and numeric values; every response goes through :func:`records` so a missing value is
``null`` and never a 500.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from typing import Any

import numpy as np
import pandas as pd
from fastapi import Response

from cartatlas.spreadsheet import defuse


def plain(value: Any) -> Any:
    """One cell as a JSON value."""
    if isinstance(value, list | tuple | np.ndarray):
        return [plain(v) for v in value]
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, pd.Timestamp | dt.date):
        return value.isoformat()[:10]
    return value


def records(frame: pd.DataFrame, columns: list[str] | None = None) -> list[dict[str, Any]]:
    names = columns or list(frame.columns)
    return [
        {name: plain(value) for name, value in zip(names, row, strict=True)}
        for row in frame[names].itertuples(index=False, name=None)
    ]


def _cell(value: Any) -> Any:
    value = plain(value)
    return "|".join(map(str, value)) if isinstance(value, list) else value


def csv_response(frame: pd.DataFrame, filename: str) -> Response:
    """CSV with list values ``|``-joined, as ``cartatlas trials --format csv`` writes them, and
    formula-like text defused (:mod:`cartatlas.spreadsheet`)."""
    buffer = io.StringIO()
    frame.map(lambda value: defuse(_cell(value))).to_csv(buffer, index=False)
    return Response(
        buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
