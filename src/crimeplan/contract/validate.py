"""What a valid row of a canonical file is: the rules, declared, and the outcome of checking a file.

Each rule names a field, the check it makes and the reason a row breaking it is refused; the
store runs them (`crimeplan.store` reads the file and turns each check into a query), the first
rule a row breaks in this order being the one its quarantine line gives.  Row numbers are data
rows, 1-based (the header is line 1, so row N is on line N+1 of a CSV without embedded newlines).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pyarrow as pa

from crimeplan.contract.schema import COMPOSITE_KEYS, Column, Table

QUARANTINE_COLUMNS = ["file", "row", "field", "value", "reason"]
MAX_VALUE = 10_000  # characters; a longer value is a broken export, not data
MIN_DATE = dt.date(1990, 1, 1)  # default earliest plausible date (`--min-date` changes it)

Check = Literal[
    "nul", "too_long", "missing", "not_whole", "not_number", "not_finite", "not_date",
    "not_timestamp", "not_bool", "not_one_of", "below", "above", "date_below", "date_above",
    "before_other", "unknown_district", "duplicate_key", "id_in_store",
]
WHOLE_NUMBER = r"[+-]?\d+(\.0*)?"  # '1.5' is refused, not rounded ('2.0' from a float column is 2)
DATE_TEXT = r"\d{4}-\d{2}-\d{2}"
TIMESTAMP_TEXT = r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?"


@dataclass(frozen=True)
class Rule:
    """One way a row is bad: the field named, the check, why, and the check's one parameter."""

    field: str
    check: Check
    reason: str
    value: object = None  # a limit, a text pattern, the allowed values, a date, the key columns
    other: str | None = None  # before_other: the column this one may not precede


@dataclass(frozen=True)
class Staged:
    """Good rows left in the store's engine where validation wrote them (a streaming load).

    They live as long as the load: a `LoadReport`'s files keep their counts, not their rows.
    """

    table: str  # the engine's (temporary) table of the good rows, typed, in file order
    num_rows: int
    months: dict[dt.date | None, int]  # good rows by month of the table's date column (None: no date)
    read: Callable[[], pa.Table]  # the rows in memory, for a caller that needs them there
    # many files staged as one table (one pass over them all): this file's number there (its
    # rows have it in column __file); None: the table holds this file's rows alone
    part: int | None = None
    # many files staged as one: the engine's table of the rows whose key's hash is in two of them
    # (only these can repeat an id across the files); None: not known
    key_rows: str | None = None


@dataclass
class Checked:
    """The outcome of validating one file: typed good rows and the quarantine."""

    file: str
    sha256: str
    rows_read: int
    rows: pa.Table | Staged  # the good rows, in memory or staged on disk
    quarantine: pa.Table  # one row per rejected data row: file,row,field,value,reason
    # the month of each quarantined row's date, aligned with `quarantine` (None: unreadable)
    quarantine_months: list[dt.date | None] = field(default_factory=list)

    @property
    def good(self) -> pa.Table:
        """The good rows as an Arrow table (read into memory when staged)."""
        return self.rows.read() if isinstance(self.rows, Staged) else self.rows

    @property
    def staged(self) -> Staged | None:
        """Where the good rows wait in the store's engine, when the load streams them."""
        return self.rows if isinstance(self.rows, Staged) else None

    @property
    def rows_loaded(self) -> int:
        """Rows that passed every rule."""
        return self.rows.num_rows

    @property
    def rows_quarantined(self) -> int:
        """Rows sent to quarantine."""
        return self.quarantine.num_rows


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def column_rules(col: Column) -> list[Rule]:
    """The rules one present column's values must keep, in the order they are reported."""
    name = col.name
    out = [Rule(name, "nul", "contains a NUL byte"),
           Rule(name, "too_long", f"value longer than {MAX_VALUE:,} characters", MAX_VALUE)]
    if col.required:
        out.append(Rule(name, "missing", "required value is missing"))
    if col.type == "int":
        out.append(Rule(name, "not_whole", "not a whole number", WHOLE_NUMBER))
    elif col.type == "float":
        out.append(Rule(name, "not_number", "not a number"))
        out.append(Rule(name, "not_finite", "not a finite number (inf or nan)"))
    elif col.type == "date":
        out.append(Rule(name, "not_date", "not a valid date YYYY-MM-DD", DATE_TEXT))
    elif col.type == "timestamp":
        out.append(Rule(name, "not_timestamp", "not a valid timestamp YYYY-MM-DDTHH:MM:SS",
                        TIMESTAMP_TEXT))
    elif col.type == "bool":
        out.append(Rule(name, "not_bool", "not a boolean (true/false)"))
    if col.enum:
        out.append(Rule(name, "not_one_of", "not one of: " + ", ".join(col.enum), tuple(col.enum)))
    if col.min_value is not None and col.type in ("int", "float"):
        out.append(Rule(name, "below", f"below the minimum {col.min_value:g}", col.min_value))
    if col.max_value is not None and col.type in ("int", "float"):
        out.append(Rule(name, "above", f"above the maximum {col.max_value:g}", col.max_value))
    return out


def rules(table: Table, present: set[str], *, extract_date: dt.date, min_date: dt.date = MIN_DATE,
          districts_known: bool = False, ids_in_store: bool = False) -> list[Rule]:
    """Every rule a row of `table` must keep, given the columns its file has, in report order.

    `districts_known`: a district must be one of the areas table's; `ids_in_store`: an id must
    not be one the store already holds (appending).
    """
    out = [r for col in table.columns if col.name in present for r in column_rules(col)]
    for col in table.columns:  # every date lies between the earliest plausible and the extract date
        if col.type in ("date", "timestamp") and col.name in present:
            out.append(Rule(col.name, "date_below", f"before {min_date.isoformat()}, the earliest "
                            "plausible date (--min-date)", min_date))
            out.append(Rule(col.name, "date_above", f"after the extract date {extract_date.isoformat()}",
                            extract_date))
    for later, earlier in table.date_order:
        if later in present and earlier in present:
            out.append(Rule(later, "before_other", f"{later} is before {earlier}", other=earlier))
    if table.has_district and "district" in present and districts_known:
        out.append(Rule("district", "unknown_district", "unknown district (not in the areas table)"))
    key = COMPOSITE_KEYS.get(table.name) or ((table.id_column,) if table.id_column else ())
    if key and all(k in present for k in key):
        out.append(Rule(key[0], "duplicate_key",
                        "duplicate id (an earlier row has the same " + " + ".join(key) + ")", tuple(key)))
        if ids_in_store and len(key) == 1:
            out.append(Rule(key[0], "id_in_store", "id already in the store (appending)"))
    return out
