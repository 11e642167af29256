"""What every importer returns: canonical tables, its quarantine, per-file counts and coverage."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from crimeplan.contract.schema import table as canonical_table

QUARANTINE_COLUMNS = ["file", "row", "field", "value", "reason"]
_ARROW = {"str": pa.string(), "int": pa.int64(), "float": pa.float64(), "date": pa.date32(),
          "timestamp": pa.timestamp("s"), "bool": pa.bool_()}
_NOT_UTF8 = re.compile("[\udc80-\udcff]")  # bytes decoded with surrogateescape
VALUE_LIMIT = 200  # characters of a bad value kept in the quarantine


def printable(value: str) -> str:
    """A value safe to write back out (bytes that were not UTF-8 shown as \\xNN)."""
    if value.isascii():  # no byte that was not UTF-8 (and no search: most values are ASCII)
        return value
    return _NOT_UTF8.sub(lambda m: f"\\x{ord(m.group()) - 0xDC00:02X}", value)


@dataclass(frozen=True)
class QRow:
    """One quarantined raw row (or cell): where it is, the field at fault, and why."""

    file: str
    row: int
    field: str
    value: str
    reason: str
    lost: bool = True  # False: the row is replaced by another kept row (a superseded outcome)

    def as_dict(self) -> dict[str, Any]:
        """The row as a quarantine CSV record."""
        value = printable(self.value if len(self.value) <= VALUE_LIMIT
                          else self.value[:VALUE_LIMIT] + "…")
        return {"file": self.file, "row": self.row, "field": self.field, "value": value,
                "reason": self.reason}


@dataclass
class FileCount:
    """Reconciliation of one raw file: read = mapped + quarantined + out of scope."""

    file: str
    unit: str = "rows"
    read: int = 0
    mapped: int = 0
    quarantined: int = 0
    out_of_scope: int = 0  # rows a filter left out on purpose (another force), counted
    detail: str = ""

    @property
    def balanced(self) -> bool:
        """Whether every unit read is accounted for."""
        return self.read == self.mapped + self.quarantined + self.out_of_scope

    def line(self) -> str:
        """The human-readable reconciliation line."""
        text = (f"{self.file}: {self.read} {self.unit} read = {self.mapped} mapped"
                f" + {self.quarantined} quarantined")
        if self.out_of_scope:
            text += f" + {self.out_of_scope} out of scope"
        if self.detail:
            text += f" ({self.detail})"
        return text


@dataclass
class ImportResult:
    """An importer's output, ready for staging and loading."""

    source: str
    tables: dict[str, pa.Table] = field(default_factory=dict)
    provenance: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    quarantine: list[QRow] = field(default_factory=list)
    files: list[FileCount] = field(default_factory=list)
    coverage: dict[str, dict[str, list[dt.date]]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    # the month every row of a file belongs to, where the importer knows it (police.uk files)
    file_months: dict[str, dt.date] = field(default_factory=dict)
    # the contract columns each table's source carries (the rest are empty, not zero/false)
    carried: dict[str, set[str]] = field(default_factory=dict)

    def check(self) -> None:
        """Raise if any file does not reconcile (a bug in the importer, never bad input)."""
        for f in self.files:
            if not f.balanced:
                raise AssertionError(f"reconciliation failed: {f.line()}")


def canonical(name: str, columns: dict[str, list[Any] | pa.Array]) -> pa.Table:
    """An Arrow table with exactly the contract's columns and types (absent columns empty)."""
    tdef = canonical_table(name)
    lengths = {len(v) for v in columns.values()}
    if len(lengths) > 1:
        raise AssertionError(f"columns of unequal length for {name}: {lengths}")
    n = lengths.pop() if lengths else 0
    unknown = set(columns) - set(tdef.column_names)
    if unknown:
        raise AssertionError(f"not contract columns of {name}: {sorted(unknown)}")
    arrays = [_column(columns[c.name], _ARROW[c.type]) if c.name in columns
              else pa.nulls(n, _ARROW[c.type]) for c in tdef.columns]
    return pa.table(arrays, names=tdef.column_names)


def _column(values: list[Any] | pa.Array, type_: pa.DataType) -> pa.Array:
    """Values (a list, or an Arrow array already built) as an Arrow array of the contract's type."""
    return values.cast(type_) if isinstance(values, pa.Array) else pa.array(values, type=type_)
