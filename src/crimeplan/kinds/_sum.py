"""sum: the total of `field` over the rows that meet the filter (amounts, hours)."""

from __future__ import annotations

from typing import Any

from crimeplan.kinds._base import NUMERATOR, Kind, MeasureLike, Scan, always, field_total, scaled_total


def _monthly(m: MeasureLike, scan: Scan) -> dict[str, Any]:
    return {NUMERATOR: field_total(m, scan)}


KIND = Kind(
    name="sum", summary="sum of `field`", needs=frozenset({"field"}), monthly=_monthly,
    denominator="none", value=scaled_total, additive=True, test=always(None),
    untested="a total of amounts, not a count of events",
)
