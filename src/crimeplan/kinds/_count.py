"""count: the rows that meet the measure's filter (crimes, incidents, casualties)."""

from __future__ import annotations

from typing import Any

from crimeplan.kinds._base import NUMERATOR, Kind, MeasureLike, Scan, always, one, scaled_total
from crimeplan.kinds._families import COUNTS


def _monthly(m: MeasureLike, scan: Scan) -> dict[str, Any]:
    return {NUMERATOR: one(scan.where).sum()}


KIND = Kind(
    name="count", summary="rows", monthly=_monthly, denominator="none", value=scaled_total,
    additive=True, row_count=True, test=always(COUNTS),
)
