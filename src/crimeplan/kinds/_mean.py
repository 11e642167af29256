"""mean: the mean of `field` over the rows that meet the filter and have it."""

from __future__ import annotations

import math
from typing import Any

from crimeplan.kinds._base import DENOMINATOR, NUMERATOR, SUMSQ, Kind, MeasureLike, Scan, always, one, scaled_ratio
from crimeplan.kinds._families import MEANS


def _monthly(m: MeasureLike, scan: Scan) -> dict[str, Any]:
    assert m.field is not None
    value = scan.table[m.field]
    has = scan.where & value.notnull()
    # the sum of squares rides along so a mean gets its standard deviation (Welch test)
    return {NUMERATOR: has.ifelse(value, 0).sum(), DENOMINATOR: one(has).sum(),
            SUMSQ: has.ifelse(value * value, 0).sum()}


def _spread(m: MeasureLike, n: float, total: float, squares: float) -> float | None:
    if n < 2:
        return None
    return math.sqrt(max(squares - total * total / n, 0.0) / (n - 1)) * m.scale


KIND = Kind(
    name="mean", summary="mean of `field`", needs=frozenset({"field"}), monthly=_monthly,
    spread=_spread, value=scaled_ratio, test=always(MEANS), untested="too few values for a t test",
)
