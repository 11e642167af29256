"""Small helpers over the DuckDB Python API (2.x finishes every result explicitly)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb
import pyarrow as pa


def rows(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] | None = None) -> list[tuple[Any, ...]]:
    """All rows of a query."""
    return con.execute(sql, params or []).fetchall()


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] | None = None) -> Any:
    """The first value of the first row, or None."""
    result = rows(con, sql, params)
    return result[0][0] if result else None


def arrow(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] | None = None) -> pa.Table:
    """A query's result as an Arrow table."""
    return con.sql(sql, params=list(params) if params else None).to_arrow_table()
