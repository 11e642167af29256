"""`crimeplan check`: what a store holds, per source — months supplied (gaps named), last
complete month, carried columns — and the data-quality alarms of the latest snapshot."""

from __future__ import annotations

import datetime as dt

from crimeplan.contract.schema import table as canonical_table
from crimeplan.periods import missing_months, month_label, month_ranges
from crimeplan.store.interface import StoreLike
from crimeplan.store.quality import month_column

PERIODIC = ("peers", "aggregates")


def ranges(months: set[dt.date]) -> tuple[str, str]:
    """Runs of months (`2018-01..2018-07, 2018-10`) and the gaps inside them."""
    gaps = missing_months(list(months))
    return month_ranges(list(months)), (month_ranges(gaps) if gaps else "")


def check_lines(st: StoreLike) -> list[str]:
    """The report `crimeplan check` prints."""
    sid = st.latest_snapshot()
    if sid is None:
        return [f"store {st.path}: no snapshot yet"]
    snap = st.snapshot(sid)
    names = st.tables(sid)
    out = [f"store {st.path}: snapshot {sid}, extract date {snap.extract_date}, "
           f"made {snap.created_at:%Y-%m-%d %H:%M}"]
    for name in sorted(names):
        count = st.row_count(name, sid)
        out.append(f"{name}: {count:,} rows")
        col = month_column(name)
        if col is not None:
            by_source = st.coverage(name, sid)
            if not by_source and count:
                by_source = {"months with rows (no coverage recorded)": st.months_with_rows(name, sid)}
            for label, months in sorted(by_source.items()):
                if name in PERIODIC:  # 12-month or quarterly figures: gaps between periods are normal
                    first, last = min(months), max(months)
                    out.append(f"  {label}: {len(months)} periods ending {month_label(first)}"
                               + (f" .. {month_label(last)}" if last != first else ""))
                    continue
                runs, gaps = ranges(months)
                out.append(f"  {label}: months supplied {runs}" + (f"; gaps {gaps}" if gaps else ""))
            complete = st.last_complete_month(name, sid)
            out.append(f"  last complete month: {month_label(complete) if complete else 'none'}")
        carried = st.carried_columns(name, sid)
        if carried is not None:
            columns = canonical_table(name).column_names
            partial = {c.split("=", 1)[0]: c.split("=", 1)[1] for c in carried if "=" in c}
            missing = [c for c in columns if c not in carried and c not in partial]
            shown = [c if c in carried else f"{c} ({partial[c]} only)" for c in columns
                     if c in carried or c in partial]
            out.append("  carries: " + (", ".join(shown) or "nothing")
                       + (f"; not carried: {', '.join(missing)}" if missing else ""))
    alarms = st.alarms(sid)
    accepted = sum(a.accepted for a in alarms)
    out.append(f"data-quality alarms of snapshot {sid}: {len(alarms)}"
               + (f" ({accepted} accepted)" if alarms else ""))
    for a in sorted(alarms, key=lambda a: (a.table, -a.month.toordinal(), a.level != "source",
                                           a.level, a.key or "")):
        mark = (f"accepted by {a.accepted_by} on {a.accepted_at:%Y-%m-%d}: {a.reason}"
                if a.accepted else "not accepted")
        out.append(f"  {a.message} [{mark}]")
    return out
