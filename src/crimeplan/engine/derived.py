"""Columns a plan's filters may use that the engine computes from the canonical ones."""

from __future__ import annotations

import functools
from typing import Any

import ibis
import pyarrow as pa

from crimeplan.contract.schema import table as canonical_table
from crimeplan.contract.severity import VINTAGE, shipped_weights

# Home Office positive outcome types (CONTRACT.md §4, "Solved").
SOLVED_OUTCOMES = (1, 2, 3, 4, 6, 7, 8)
# The ONS "other crimes against society" groups; every other group is victim-based.
CRIMES_AGAINST_SOCIETY = (
    "Drug trafficking",
    "Possession of drugs",
    "Drug offences",
    "Possession of weapons offences",
    "Public order offences",
    "Miscellaneous crimes against society",
)


def date_column(source: str) -> str:
    """The column that places a row of a table in a month."""
    col = canonical_table(source).date_column
    if col is None:
        raise ValueError(f"table {source} has no date column")
    return col


@functools.lru_cache(maxsize=1)
def severity_arrow() -> pa.Table:
    """The crime severity weights by offence code, as the table the engine joins."""
    weights = shipped_weights().by_code
    return pa.table({"_code": pa.array(list(weights), pa.string()),
                     "severity_weight": pa.array([float(w) for w in weights.values()], pa.float64())})


@functools.lru_cache(maxsize=1)
def severity_table() -> Any:
    """The weights as one in-memory Ibis table per process: every query names the same table,
    so a query's compiled SQL can be kept (crimeplan.engine._compiled registers it by that name)."""
    return ibis.memtable(severity_arrow())


def with_severity(t: Any) -> Any:
    """Add `severity_weight`: the ONS crime severity weight of each crime's offence code."""
    table = severity_table()
    joined = t.left_join(table, t.offence_code.strip().upper() == table._code)
    return joined.drop("_code")


def severity_vintage() -> str:
    """Which set of crime severity weights the engine uses."""
    return VINTAGE


def prepare(source: str, t: Any, *, severity: bool = False) -> Any:
    """Add the derived columns and `_month` (first day of the row's month) to a table."""
    if severity:
        t = with_severity(t)
    extra: dict[str, Any] = {}
    if source == "crimes":
        extra["solved"] = t.outcome_type.isin(SOLVED_OUTCOMES).fill_null(False)
        extra["youth"] = (t.offender_age < 18).fill_null(False)
        extra["victim_based"] = ~t.offence_group.isin(CRIMES_AGAINST_SOCIETY).fill_null(False)
    elif source == "incidents":
        extra["response_minutes"] = (
            t.attended_at.epoch_seconds() - t.opened_at.epoch_seconds()
        ) / 60.0
    elif source == "casualties":
        extra["ksi"] = t.severity.isin(("fatal", "serious")).fill_null(False)
    col = date_column(source)
    extra["_true"] = ibis.literal(True)
    extra["_date"] = t[col].cast("date")
    extra["_month"] = t[col].truncate("M").cast("date")
    return t.mutate(**extra)


def month_of(t: Any, column: str) -> Any:
    """First day of the month of a date or timestamp column."""
    return t[column].truncate("M").cast("date")

