"""Whether a value is missing: the one judgement every layer (store, analyses, report, web,
CLI output) makes before it prints "no data", an empty cell or null instead of the value.

It lives at the package root, below all the layers, and loads no library: ``cartatlas --help``
must not pay for pandas, so pandas' ``NA`` is recognised only once pandas is loaded (no such
value can exist before).
"""

from __future__ import annotations

import sys


def is_missing(value: object) -> bool:
    """True for ``None``, a NaN (Python, numpy or Decimal), pandas' ``NA`` and ``NaT``.

    Text is never missing, not even ``""`` or ``"nan"``: a string is what a source or a user
    wrote, and a caller that must treat blank text as absent says so beside the call. Nor is 0:
    a count of none is a value. Lists and other containers are values too.
    """
    if value is None:
        return True
    if isinstance(value, (str, bytes, list, tuple, dict, set, frozenset)):
        return False
    pandas = sys.modules.get("pandas")
    if pandas is not None and value is pandas.NA:
        return True  # its comparisons are NA themselves, so the test below cannot ask it
    return bool(value != value)  # NaN and NaT are the values unequal to themselves
