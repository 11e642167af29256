"""proportion: rows meeting `numerator` within rows meeting `filter`, as a percentage."""

from __future__ import annotations

from typing import Any

from crimeplan.kinds._base import (
    DENOMINATOR,
    NUMERATOR,
    NUMERATOR_AGED,
    NUMERATOR_LFL,
    Kind,
    MeasureLike,
    Scan,
    always,
    one,
    percentage,
)
from crimeplan.kinds._families import PROPORTIONS


def monthly_share(m: MeasureLike, scan: Scan) -> dict[str, Any]:
    """Denominator and numerator of a share, with the like-for-like and aged numerators when it matures."""
    import ibis  # heavy: imported when first used
    t, f = scan.table, scan.where
    out = {DENOMINATOR: one(f).sum()}
    if not m.numerator_date:  # else the numerator comes from its own scan, by that date
        hit = f & scan.meets(m.numerator)
        out[NUMERATOR] = one(hit).sum()
        if m.event_date and scan.cutoff is not None:
            event = t[m.event_date].cast("date")
            # like for like: last year's numerator as it stood at the same age
            out[NUMERATOR_LFL] = one(hit & (event <= ibis.literal(scan.cutoff)).fill_null(False)).sum()
            # each month at a fixed age: events within mature_after_months of its end
            aged_by = t._month + ibis.interval(months=m.mature_after_months + 1)
            out[NUMERATOR_AGED] = one(hit & (event < aged_by).fill_null(False)).sum()
    return out


KIND = Kind(
    name="proportion", summary="rows meeting `numerator` within rows meeting `filter`, as %",
    needs=frozenset({"numerator"}), units=frozenset({"percent"}), units_why="gives a percentage",
    monthly=monthly_share, value=percentage, additive=True, test=always(PROPORTIONS),
)
