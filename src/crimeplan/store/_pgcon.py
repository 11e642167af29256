"""The part of DuckDB's connection API the store's code uses, over a psycopg connection.

`?` parameters, `register` (an Arrow table as a temporary table, written with COPY), Arrow
results, and DuckDB's catalog error for a missing table: so `duck.Store`'s code runs unchanged
on PostgreSQL (`store.pg`).  Like `_duck.py`'s helpers, `execute`, `executemany` and `sql` pass
their caller's SQL on; `tests/store/test_sql_text.py` checks the callers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

import duckdb
import psycopg
import pyarrow as pa

from crimeplan.store._duck import ident

# PostgreSQL type oids → Arrow types, for results read back (anything else is read as text)
_ARROW_TYPES = {16: pa.bool_(), 20: pa.int64(), 21: pa.int16(), 23: pa.int32(), 700: pa.float32(),
                701: pa.float64(), 1082: pa.date32(), 1114: pa.timestamp("us"), 1700: pa.float64()}




class _Result:
    """A query's rows, read as DuckDB's relation is: `to_arrow_table`, `fetchall`."""

    def __init__(self, cursor: psycopg.Cursor[Any]) -> None:
        self.cursor = cursor

    def fetchall(self) -> list[tuple[Any, ...]]:
        """All rows."""
        return self.cursor.fetchall() if self.cursor.description else []

    def to_arrow_table(self) -> pa.Table:
        """The rows as Arrow, typed by the columns' PostgreSQL types."""
        desc = self.cursor.description or []
        found = self.cursor.fetchall()
        return pa.table({d.name: pa.array([r[i] for r in found], _ARROW_TYPES.get(d.type_code, pa.string()))
                         for i, d in enumerate(desc)})


def _sql(text: str, params: bool) -> str:
    """The store's SQL in PostgreSQL's words: `?` → `%s` (with parameters), DOUBLE → DOUBLE PRECISION."""
    if params:
        text = text.replace("%", "%%").replace("?", "%s")
    return re.sub(r"\bDOUBLE\b(?! PRECISION)", "DOUBLE PRECISION", text)


def _pg_type(t: pa.DataType) -> str:
    """The PostgreSQL column type for an Arrow type of the canonical tables or the quarantine."""
    if pa.types.is_boolean(t):
        return "BOOLEAN"
    if pa.types.is_int64(t):
        return "BIGINT"
    if pa.types.is_integer(t):
        return "INTEGER"
    if pa.types.is_floating(t):
        return "DOUBLE PRECISION"
    if pa.types.is_date(t):
        return "DATE"
    if pa.types.is_timestamp(t):
        return "TIMESTAMP"
    return "TEXT"


class PgConnection:
    """The part of DuckDB's connection API the store uses, over one autocommit psycopg connection."""

    def __init__(self, raw: psycopg.Connection[Any]) -> None:
        self.raw = raw

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> _Result:
        """Run one statement (or several, without parameters)."""
        try:
            return _Result(self.raw.execute(_sql(sql, bool(params)), list(params) if params else None))
        except psycopg.errors.UndefinedTable as exc:  # the store's code expects DuckDB's error
            raise duckdb.CatalogException(str(exc).splitlines()[0]) from None

    def executemany(self, sql: str, seq: Sequence[Sequence[Any]]) -> None:
        """Run one statement for each parameter row."""
        with self.raw.cursor() as cur:
            cur.executemany(_sql(sql, True), [list(p) for p in seq])

    def sql(self, sql: str, params: Sequence[Any] | None = None) -> _Result:
        """A query's result (read with `to_arrow_table`)."""
        return self.execute(sql, params)

    def register(self, name: str, table: pa.Table) -> None:
        """An Arrow table as a temporary table of this session, written with COPY."""
        cols = ", ".join(ident(f.name) + " " + _pg_type(f.type) for f in table.schema)
        self.raw.execute(f"CREATE TEMPORARY TABLE {ident(name)} ({cols})")
        with self.raw.cursor() as cur, cur.copy(f"COPY {ident(name)} FROM STDIN") as copy:
            for row in _rows(table):
                copy.write_row(row)

    def unregister(self, name: str) -> None:
        """Drop a temporary table made by `register`."""
        self.raw.execute(f"DROP TABLE IF EXISTS pg_temp.{ident(name)}")

    def close(self) -> None:
        """Close the connection."""
        self.raw.close()


def _rows(table: pa.Table) -> Iterator[tuple[Any, ...]]:
    for batch in table.to_batches(max_chunksize=10_000):
        yield from zip(*(col.to_pylist() for col in batch.columns))
