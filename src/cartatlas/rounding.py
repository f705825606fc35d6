"""Rounding as a paper prints a rate: half up, not Python's half to even.

13 of 16 patients is 81.25 %; the paper prints 81.3 %, ``round`` and ``f"{x:.1f}"`` give 81.2 —
so an API record held ``printed_percent`` 81.3 beside ``percent`` 81.2 for the same 13/16, and a
reader who checks the paper finds a number that is not in it.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal

#: Digits enough for any finite float written to ten decimals (the largest has 309 before the
#: point): the default 28 made quantizing a figure such as 1e53 raise InvalidOperation.
EXACT = Context(prec=400)


def half_up(value: float, places: int = 0) -> float:
    """``value`` rounded half up to ``places`` decimals. The float is first written to ten
    decimals, so binary noise (100 × 0.145 = 14.499999999999998) does not move it below a
    half."""
    exact = Decimal(f"{value:.10f}")
    return float(exact.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP, EXACT))
