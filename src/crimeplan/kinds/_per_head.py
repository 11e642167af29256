"""per_head: the sum of `field` per average head, the rows being person-months (sickness days per officer)."""

from __future__ import annotations

import math
from typing import Any

from crimeplan.kinds._base import DENOMINATOR, NUMERATOR, Kind, MeasureLike, Scan, always, field_total, one


def _monthly(m: MeasureLike, scan: Scan) -> dict[str, Any]:
    # the denominator counts the person-months the filter keeps, with or without the field
    return {NUMERATOR: field_total(m, scan), DENOMINATOR: one(scan.where).sum()}


def _value(m: MeasureLike, numerator: float | None, denominator: float | None,
           months: int, reported: float | None) -> float | None:
    # the denominator counts person-months: over the window's months it is the average head count
    if numerator is None or math.isnan(numerator):
        return None
    return m.scale * numerator / (denominator / months) if denominator else None


KIND = Kind(
    name="per_head", summary="sum of `field` per average head (rows are person-months)",
    needs=frozenset({"field"}), monthly=_monthly, value=_value, test=always(None),
    untested="an average per person over person-months, not counts",
)
