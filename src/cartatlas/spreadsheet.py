"""CSV cells that a spreadsheet opens as text, never as a formula.

Registry and evidence text reaches every CSV export, and a cell that starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return is run as a formula by Excel, LibreOffice and Google
Sheets ("CSV injection"). Such a cell gets a leading apostrophe, the spreadsheet convention for
"this is text", which the spreadsheet hides; numbers, including negative ones, are left alone.
A carriage return inside a cell becomes a newline: Python's CSV writer (and pandas) quote a cell
holding a newline but not one holding a bare CR, which would split the row for any reader.
"""

from __future__ import annotations

from typing import Any

_TRIGGERS = ("=", "+", "-", "@", "\t", "\n")  # "\n": a leading CR, normalized


def defuse(value: Any) -> Any:
    """``value`` safe to write as one CSV cell."""
    if not isinstance(value, str):
        return value
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    if not value.startswith(_TRIGGERS):
        return value
    try:
        float(value)
    except ValueError:
        return "'" + value
    return value


def defused(frame: Any) -> Any:
    """A pandas DataFrame with every cell passed through :func:`defuse`."""
    return frame.map(defuse)
