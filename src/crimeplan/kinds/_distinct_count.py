"""distinct_count: the distinct values of `field` in a window (e.g. offenders); does not add up by month."""

from __future__ import annotations

from typing import Any

from crimeplan.kinds._base import Kind, MeasureLike, Span, always, group, scaled_total, with_ids
from crimeplan.kinds._families import COUNTS


def _window(m: MeasureLike, span: Span) -> tuple[Any, Any | None]:
    fld, data = with_ids(m, span)
    return group(data, span.keys, numerator=data[fld].nunique()), None


KIND = Kind(
    name="distinct_count", summary="distinct values of `field`", needs=frozenset({"field"}),
    decomposable=False, window_query=_window, value=scaled_total, test=always(COUNTS),
)
