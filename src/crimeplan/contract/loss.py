"""Loads that would lose a month fail: the quarantine share rule.

A month whose rows go to quarantine entirely, or in a share above the limit (default 5%), stops
the load with exit 2 before anything is committed, unless the analyst accepts the quarantine.
Quarantined rows whose month cannot be told (an unreadable date in a file that is not one
month) count against the whole load's share instead.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from crimeplan.errors import BadInput

_DETAIL = re.compile(r"\s*\((?:first seen|an earlier row|e\.g\.|lines? )[^)]*\)")

DEFAULT_MAX_SHARE = 0.05


class QuarantineLoss(BadInput):
    """A load that would lose (most of) a month: exit 2, nothing committed."""


@dataclass
class Tally:
    """Rows of one month (or of rows whose month is unknown, month None) and the refused ones."""

    month: dt.date | None
    rows: int = 0  # read: loaded + quarantined
    quarantined: int = 0
    files: Counter[str] = field(default_factory=Counter)  # quarantined rows per file
    reasons: Counter[tuple[str, str]] = field(default_factory=Counter)  # (field, reason) → rows
    examples: dict[tuple[str, str], tuple[str, int, str]] = field(default_factory=dict)

    def add(self, rows: int = 0, file: str = "",
            refused: Iterable[tuple[int, str, str, str]] = ()) -> None:
        """Count `rows` read and each refused (row, field, value, reason) of a file."""
        self.rows += rows
        for row, fld, value, reason in refused:
            self.quarantined += 1
            self.files[file] += 1
            key = (fld, _DETAIL.sub("", reason))  # "duplicate id (first seen in … row 7)" → one reason
            self.reasons[key] += 1
            self.examples.setdefault(key, (file, row, value))


def _label(month: dt.date | None) -> str:
    return f"{month.year:04d}-{month.month:02d}" if month else "(month unknown)"


def judge(tallies: dict[dt.date | None, Tally], *, max_share: float = DEFAULT_MAX_SHARE,
          what: str = "") -> None:
    """Raise QuarantineLoss for the first month that would be lost, or for the whole load.

    A month fails when all its rows, or more than `max_share` of them, are quarantined.  Rows
    of unknown month (tally None) are judged with every quarantined row against every row read.
    """
    total_rows = sum(t.rows for t in tallies.values())
    total_q = sum(t.quarantined for t in tallies.values())
    for month in sorted(m for m in tallies if m is not None):
        t = tallies[month]
        if t.quarantined and (t.quarantined >= t.rows or t.quarantined / t.rows > max_share):
            raise QuarantineLoss(_message(t, t.rows, max_share, what), file=_file(t))
    if total_q and (total_q >= total_rows or total_q / total_rows > max_share):
        merged = Tally(None)
        for t in tallies.values():
            merged.quarantined += t.quarantined
            merged.files.update(t.files)
            merged.reasons.update(t.reasons)
            for k, v in t.examples.items():
                merged.examples.setdefault(k, v)
        raise QuarantineLoss(_message(merged, total_rows, max_share, what), file=_file(merged))


def _file(t: Tally) -> str | None:
    return t.files.most_common(1)[0][0] if t.files else None


def _message(t: Tally, base: int, max_share: float, what: str) -> str:
    where = (f"month {_label(t.month)}" if t.month else "the whole load")
    lost = ("all" if t.quarantined >= base
            else f"{t.quarantined / base:.1%} ({t.quarantined:,})")
    text = (f"{what + ': ' if what else ''}{where}: {lost} of its {base:,} rows would go to "
            "quarantine" + ("" if t.quarantined >= base else f", more than the {max_share:.0%} allowed")
            + "; nothing was loaded and the store is unchanged.")
    parts = []
    for key, n in t.reasons.most_common(3):
        _file, row, value = t.examples[key]
        parts.append(f"field {key[0]!r}: {key[1]} ({n:,} rows; first row {row}, value {value!r})")
    if parts:
        text += " First reasons: " + "; ".join(parts) + "."
    if len(t.files) > 1:
        text += " Files: " + ", ".join(f"{f} ({n:,} rows)" for f, n in t.files.most_common(3)) + "."
    text += " Fix the file and load again, or load anyway with --accept-quarantine."
    return text


def tally_checked(parts: Iterable[object], *, date_column: str | None) -> dict[dt.date | None, Tally]:
    """Tallies by month for the validated files (`Checked`) of one table."""
    import pyarrow.compute as pc

    out: dict[dt.date | None, Tally] = {}
    for c in parts:
        staged = getattr(c, "staged", None)
        if staged is not None:  # counted where the rows wait: never read into memory
            for month, n in staged.months.items():
                out.setdefault(month, Tally(month)).add(n)
        elif date_column and c.good.num_rows:  # type: ignore[attr-defined]
            good = c.good  # type: ignore[attr-defined]
            for item in pc.value_counts(month_array(good.column(date_column))).to_pylist():
                out.setdefault(item["values"], Tally(item["values"])).add(item["counts"])
        elif c.good.num_rows:  # type: ignore[attr-defined]
            out.setdefault(None, Tally(None)).add(c.good.num_rows)  # type: ignore[attr-defined]
        q = c.quarantine.to_pylist()  # type: ignore[attr-defined]
        months = list(getattr(c, "quarantine_months", None) or [None] * len(q))
        by: dict[dt.date | None, list[tuple[int, str, str, str]]] = {}
        for r, m in zip(q, months):
            by.setdefault(m, []).append((r["row"], r["field"], r["value"], r["reason"]))
        for m, refused in by.items():
            out.setdefault(m, Tally(m)).add(len(refused), c.file, refused)  # type: ignore[attr-defined]
    return out


def month_array(col: Any) -> Any:
    """First day of the month of each date or timestamp in an Arrow column."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = col
    if pa.types.is_timestamp(arr.type):
        arr = pc.cast(arr, pa.date32())
    return pc.cast(pc.floor_temporal(arr, unit="month"), pa.date32())
