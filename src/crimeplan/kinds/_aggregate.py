"""aggregate: figures that arrive counted, with their own periods (the aggregates table)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from crimeplan.kinds._base import Family, Kind, MeasureLike, present
from crimeplan.kinds._families import COUNTS, PROPORTIONS


def _value(m: MeasureLike, numerator: float | None, denominator: float | None,
           months: int, reported: float | None) -> float | None:
    # the counts when they came with the figure, else the figure as reported
    if (numerator is not None and denominator and m.unit == "percent"
            and not math.isnan(numerator) and not math.isnan(denominator)):
        return 100.0 * numerator / denominator
    if reported is not None and not math.isnan(reported):
        return reported
    return numerator if numerator is not None and not math.isnan(numerator) else None


def _test(m: MeasureLike, row: Mapping[str, Any]) -> Family | None:
    # tested only when the counts behind the figure arrived with it
    if m.unit == "percent" and present(row.get("current_numerator"), row.get("current_denominator")):
        return PROPORTIONS
    if m.unit == "count" and present(row.get("current_numerator")):
        return COUNTS
    return None


KIND = Kind(
    name="aggregate", summary="figures that arrive counted (the aggregates table)",
    source="aggregates", source_why="reads the aggregates table", decomposable=False,
    arrives_counted=True, value=_value, test=_test,
    untested="the figure arrived already counted, without the counts behind it",
)
