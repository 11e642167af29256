"""repeat_ids: the ids (`field`) with `min_rows` or more rows in a window (e.g. repeat victims)."""

from __future__ import annotations

from typing import Any

from crimeplan.kinds._base import Kind, MeasureLike, Span, always, group, scaled_total, with_ids
from crimeplan.kinds._families import COUNTS


def _window(m: MeasureLike, span: Span) -> tuple[Any, Any | None]:
    fld, data = with_ids(m, span)
    per_id = data.group_by([*span.keys, fld]).aggregate(rows=data.count())
    per_id = per_id.filter(per_id.rows >= m.min_rows)
    return group(per_id, span.keys, numerator=per_id.count()), None


KIND = Kind(
    name="repeat_ids", summary="ids (`field`) with `min_rows`+ rows in the window", needs=frozenset({"field"}),
    decomposable=False, window_query=_window, value=scaled_total, test=always(COUNTS),
)
