"""reoffending: of the ids in a window, the share with another row within `follow_up_months`."""

from __future__ import annotations

from typing import Any

from crimeplan.kinds._base import Kind, MeasureLike, Span, always, group, percentage, with_ids
from crimeplan.kinds._families import PROPORTIONS


def _window(m: MeasureLike, span: Span) -> tuple[Any, Any | None]:
    import ibis  # heavy: imported when first used
    fld, data = with_ids(m, span)
    keys, full, w = span.keys, span.full, span.window
    cohort = data.group_by([*keys, fld]).aggregate(first=data._date.min())
    # nothing later can count; worked out in SQL, so the window's own dates stay the query's only
    # dates (its compiled SQL can be kept: crimeplan.engine._compiled)
    horizon = ibis.literal(w.last) + ibis.interval(months=m.follow_up_months + 1)
    later = full.filter(full[fld].notnull() & (full._date > w.start) & (full._date < horizon))
    if span.cutoff is not None:  # like for like: only what had happened at the same age
        later = later.filter(later._date <= ibis.literal(span.cutoff))
    later = later.select(rid=later[fld], later=later._date)
    joined = cohort.join(later, cohort[fld] == later.rid)
    joined = joined.filter((joined.later > joined.first)
                           & (joined.later <= joined.first + ibis.interval(months=m.follow_up_months)))
    re_ids = joined.select(*keys, fld).distinct()
    return group(re_ids, keys, numerator=re_ids.count()), group(cohort, keys, denominator=cohort.count())


KIND = Kind(
    name="reoffending", summary="of ids in the window, share with another row within `follow_up_months`",
    needs=frozenset({"field"}), units=frozenset({"percent"}), units_why="gives a percentage",
    decomposable=False, window_query=_window, window_denominator=True, matures=True,
    value=percentage, test=always(PROPORTIONS),
)
