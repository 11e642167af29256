"""The engine's queries as compiled SQL kept in the store, so a later compute skips Ibis.

Building a measure's Ibis expressions and compiling them costs about as much as DuckDB's
work at the demo's scale, and the text differs from one compute to the next only in its dates
and table names. Each query is written as a function of its tables and its dates; its SQL is
kept with the dates as parameters (`$d000`, ...) and the tables as markers, under a key naming
everything else it depends on: the query's spec (its measures' definitions, its shape), the
tables' schemas, which dates are equal or earlier than which, and the versions of the code,
Ibis, sqlglot and DuckDB. It is kept in the store (for later processes) and in this process
(for other stores of the same shape: a test suite, a dashboard).

A text is kept only when it is known to be the query's: the query is built twice more, from two
sets of stand-in dates (in the 1600s and 1700s, in the same order, spaced unlike each other and
any calendar); both texts, with the stand-ins made parameters, must be the same, with no stand-in
left (a date the query worked out for itself from its dates would be one), and must give back,
with this compute's dates and tables put in, exactly the SQL Ibis compiles for this compute.
Otherwise `{}` is kept and the query runs through Ibis as before. A read-only store runs what is
kept but tries nothing (it could not keep what it found). DuckDB stores only: other backends
always compile.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from crimeplan.engine import derived
from crimeplan.store.interface import StoreLike

Dates = Mapping[str, "dt.date | list[dt.date]"]
Build = Callable[[Mapping[str, Any], Dates], Any]

# two sets of stand-ins for the n-th earliest of a query's dates, spaced unlike each other and any
# calendar: a date a query works out from its own could match one set's stand-in by chance, not both
_STAND_INS: tuple[Callable[[int], dt.date], ...] = (
    lambda n: dt.date(1701, 1, 1) + dt.timedelta(days=n * (n + 7) + 3),
    lambda n: dt.date(1611, 1, 1) + dt.timedelta(days=n * (3 * n + 11) + 5),
)
_STAND_IN_LEFT = re.compile(r"MAKE_DATE\((1[5-7]\d\d), ")
_MOST_DATES = 400  # a query with more distinct dates than this is compiled every time
_IN_PROCESS: dict[str, dict[str, Any]] = {}  # key -> kept SQL, for every store this process opens
_MOST_IN_PROCESS = 1024


def digest(spec: Mapping[str, Any]) -> str:
    """A cache key: the SHA-256 of a spec's JSON (keys sorted, dates as text)."""
    return hashlib.sha256(json.dumps(spec, sort_keys=True, default=str).encode()).hexdigest()


def _date_sql(d: dt.date) -> str:
    """A date literal as Ibis writes it for DuckDB."""
    return f"MAKE_DATE({d.year}, {d.month}, {d.day})"


def _marker(name: str) -> str:
    return f"__crimeplan_table_{name}__"


def _flat(dates: Dates) -> list[dt.date]:
    """Every date of a query, in the order of its names (lists in their own order)."""
    out: list[dt.date] = []
    for name in sorted(dates):
        value = dates[name]
        out += value if isinstance(value, list) else [value]
    return out


def _replaced(dates: Dates, new: Mapping[dt.date, dt.date]) -> dict[str, Any]:
    return {k: [new[d] for d in v] if isinstance(v, list) else new[v] for k, v in dates.items()}


def _frame_of(table: Any, schema: Any) -> pd.DataFrame:
    """An Arrow result as the pandas frame Ibis's DuckDB backend returns for the same schema."""
    import pyarrow.types as pat
    from ibis.backends.duckdb.converter import DuckDBPandasData

    df = pd.DataFrame({
        name: col.to_pylist() if (pat.is_nested(col.type) or pat.is_dictionary(col.type) or col.null_count)
        else col.to_pandas()
        for name, col in zip(table.column_names, table.columns, strict=True)})
    out: pd.DataFrame = DuckDBPandasData.convert_table(df, schema)
    return out


def _remember(key: str, kept: dict[str, Any]) -> None:
    if len(_IN_PROCESS) >= _MOST_IN_PROCESS:
        _IN_PROCESS.clear()
    _IN_PROCESS[key] = kept


class Queries:
    """Runs one compute's queries: from kept SQL where this process or the store has it, else
    through Ibis (and keeps their SQL when it can)."""

    def __init__(self, store: StoreLike, code: str, versions: Mapping[str, str]) -> None:
        self.store = store
        self.code = code
        from importlib.metadata import version

        # sqlglot writes the text Ibis compiles: a new one is a new key too
        self.versions = {**versions, "sqlglot": version("sqlglot")}

    def frame(self, spec: Mapping[str, Any], tables: Mapping[str, Any], dates: Dates, build: Build) -> pd.DataFrame:
        """The query `build(tables, dates)` run, as a pandas frame (as `expr.to_pandas()`)."""
        backend = next(iter(tables.values())).get_backend()
        if backend.name != "duckdb" or not getattr(self.store, "keeps_month_sums", False):
            frame: pd.DataFrame = build(tables, dates).to_pandas()
            return frame
        flat = _flat(dates)
        values = sorted(set(flat))
        rank = {d: i for i, d in enumerate(values)}
        key = digest({**self.versions, "code": self.code, "spec": spec, "order": [rank[d] for d in flat],
                       "shape": {k: len(v) if isinstance(v, list) else None for k, v in dates.items()},
                       "tables": {k: [[c, str(t)] for c, t in v.schema().items()] for k, v in tables.items()}})
        kept = self._kept(key)
        expr = None
        # never tried (`{}`: tried, not to keep); a read-only store could not keep what the trial
        # finds for the next process (a report computing what was never stored: one compute)
        if kept is None and not getattr(self.store, "read_only", True) and len(values) <= _MOST_DATES:
            expr = build(tables, dates)
            kept = self._template(expr, tables, dates, build, values) or {}
            self._keep(key, kept)
        if not kept:
            out: pd.DataFrame = (build(tables, dates) if expr is None else expr).to_pandas()
            return out
        return self._run(backend, kept, tables, values)

    def _kept(self, key: str) -> dict[str, Any] | None:
        """The SQL kept under a key: the store's, else this process's, written through to the
        store for the next process that opens it (None: never tried)."""
        body = self.store.compiled_sql(key)
        if body is not None:
            kept: dict[str, Any] = json.loads(body)
            _remember(key, kept)
            return kept
        mine = _IN_PROCESS.get(key)
        if mine is not None:
            self.store.keep_compiled_sql(key, json.dumps(mine))  # a no-op on a read-only store
        return mine

    def _keep(self, key: str, kept: dict[str, Any]) -> None:
        self.store.keep_compiled_sql(key, json.dumps(kept))
        _remember(key, kept)

    def _template(self, expr: Any, tables: Mapping[str, Any], dates: Dates, build: Build,
                  values: list[dt.date]) -> dict[str, Any] | None:
        """The query's SQL with its dates as parameters, when that is known to be its SQL (above)."""
        import ibis
        import ibis.expr.operations as ops

        backend = next(iter(tables.values())).get_backend()
        memtables: dict[str, str] = {}
        for op in expr.op().find(ops.InMemoryTable):
            if op.name != derived.severity_table().op().name:
                return None  # a table the kept SQL could not name again
            memtables[op.name] = "severity"
        markers = {k: ibis.table(v.schema(), name=_marker(k)) for k, v in tables.items()}
        texts = set()
        for stand_ins in _STAND_INS:
            stand_in = {d: stand_ins(n) for n, d in enumerate(values)}
            text = str(backend.compile(build(markers, _replaced(dates, stand_in))))
            for n, d in enumerate(values):
                text = text.replace(_date_sql(stand_in[d]), f"$d{n:03d}")
            if _STAND_IN_LEFT.search(text):
                return None  # a date worked out from the query's dates: not a parameter
            texts.add(text)
        if len(texts) != 1:
            return None
        (text,) = texts
        template: dict[str, Any] = {
            "sql": text, "schema": {c: str(t) for c, t in expr.as_table().schema().items()}, "memtables": memtables}
        if self._rendered(template["sql"], tables, values) != str(backend.compile(expr)):
            return None
        return template

    @staticmethod
    def _named(sql: str, tables: Mapping[str, Any]) -> str:
        """Kept SQL with each table marker replaced by the table this compute reads."""
        for k, v in tables.items():
            sql = sql.replace(f'"{_marker(k)}"', f'"{v.op().name}"')
        return sql

    def _rendered(self, sql: str, tables: Mapping[str, Any], values: list[dt.date]) -> str:
        """Kept SQL with this compute's dates written in as literals and its tables named."""
        for n in reversed(range(len(values))):
            sql = sql.replace(f"$d{n:03d}", _date_sql(values[n]))
        return self._named(sql, tables)

    def _run(self, backend: Any, kept: Mapping[str, Any], tables: Mapping[str, Any],
             values: list[dt.date]) -> pd.DataFrame:
        """Kept SQL run with this compute's dates as parameters."""
        import ibis

        sql = self._named(kept["sql"], tables)
        for name, role in kept["memtables"].items():
            assert role == "severity"
            backend.con.register(name, derived.severity_arrow())
        params = {f"d{n:03d}": d for n, d in enumerate(values) if f"$d{n:03d}" in sql}
        table = backend.con.sql(sql, params=params).to_arrow_table()
        return _frame_of(table, ibis.schema(kept["schema"]))
