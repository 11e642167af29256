"""The quarantine share rule for imports: the importer's quarantine and the store's, by raw file.

A row belongs to the month of its file when the importer knows it (a police.uk street file is
one month), else to the month of its date once mapped; a quarantined row whose month cannot be
told counts against the whole load.  Rows an importer replaces by another kept row (an outcome
superseded by a later one) are not lost and do not count.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from operator import itemgetter
from typing import Any

import pyarrow as pa

from crimeplan.contract.loss import Tally, judge, month_array
from crimeplan.sources._result import ImportResult
from crimeplan.store.alarms import MONTH_COLUMNS


def loss_check(result: ImportResult, tables: dict[str, pa.Table],
               prov: dict[str, list[tuple[str, int]]], *, max_share: float,
               source: str) -> Callable[[dict[str, list[Any]]], None]:
    """A `Store.load` loss check for one import (raw files named in the message)."""

    def check(checked: dict[str, list[Any]]) -> None:
        months = result.file_months
        raw = {f.file for f in result.files}
        tallies: dict[dt.date | None, Tally] = {}

        def tally(m: dt.date | None) -> Tally:
            return tallies.setdefault(m, Tally(m))

        for f in result.files:  # files of a known month: every row read is that month's
            if f.file in months:
                tally(months[f.file]).add(f.read - f.out_of_scope)
        lost = [q for q in result.quarantine if q.lost]
        for q in lost:
            m = months.get(q.file)
            t = tally(m)
            if m is None:
                t.add(1)
            t.add(0, q.file, [(q.row, q.field, q.value, q.reason)])
        staged: set[str] = set()
        for name, t in tables.items():  # rows of other files: by the month of their date
            col = MONTH_COLUMNS.get(name) or ("period_end" if name in ("peers", "aggregates") else None)
            src = prov.get(name, [])
            if len(src) != t.num_rows:
                continue
            files = set(map(itemgetter(0), src))
            staged |= files
            undated = {f for f in files if f in raw and f not in months}
            if undated:  # row by row only when a file's rows are not all of its month
                ms = (month_array(t.column(col)).to_pylist() if col and t.num_rows
                      else [None] * t.num_rows)
                counted = Counter(m for (f, _), m in zip(src, ms) if f in undated)
                for m, n in counted.items():
                    tally(m).add(n)
            for c in checked.get(name, []):
                qm = list(getattr(c, "quarantine_months", None) or [None] * c.quarantine.num_rows)
                for bad, qmonth in zip(c.quarantine.to_pylist(), qm):
                    i = bad["row"] - 1
                    f, r = src[i] if 0 <= i < len(src) else (c.file, bad["row"])
                    m = months.get(f, qmonth) if f in raw else qmonth
                    tally(m).add(0, f, [(r, bad["field"], bad["value"],
                                         f"refused by the store: {bad['reason']}")])
        for f in result.files:  # files whose rows change others' (outcomes): the whole load's
            if f.file not in months and f.file not in staged:
                tally(None).add(f.mapped)
        judge(tallies, max_share=max_share, what=f"import {source}")

    return check

