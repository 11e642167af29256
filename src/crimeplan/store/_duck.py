"""Small helpers over the DuckDB Python API (2.x finishes every result explicitly).

SQL text is built only from constants and identifiers passed through `ident`; every value and
file path goes as a parameter (`?`), so no datum can change what a statement does.
`tests/store/test_sql_text.py` walks store/ and holds every `execute`/`sql` call to that.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import duckdb
import pyarrow as pa

_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def ident(name: str) -> str:
    """A plain identifier (a table or column name) quoted for SQL; anything else is refused."""
    if not isinstance(name, str) or not _PLAIN.fullmatch(name):
        raise ValueError(f"not a plain SQL identifier: {name!r}")
    return f'"{name}"'


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
