"""Per-month checksums of each stored table, and the engine's cache of monthly aggregates keyed by them.

A load records, for every table it writes, each month's row count and the sum of its rows'
hashes (`_month_sums`, keyed by physical table, so a table a load leaves alone keeps its sums).
The sum adds up: an append adds the new rows' sums to the base table's. A month's checksum
changes when any of its rows does (a later outcome written onto an old crime, a revised
extract); it is DuckDB's 64-bit row hash, so a change escaping it needs a hash collision.

The engine keeps its monthly aggregates (`_scan_rows`, one row per measure × district × month)
under a key naming what it computed and how (the measures' definitions, the code's version),
with the checksum of each month it read (`_scan_months`). A later compute reads a month from
the cache when the key and the month's checksum both match, and scans the table only for the
rest: appending a month costs a scan of that month.

A measure that does not add up by month (distinct ids, repeat ids, re-offending) is kept per
window instead (`_window_rows`), under a key naming the measure, the window, its like-for-like
cut-off, the areas and the checksum of every month the window's query reads: last year's window
of this month's report is the current window of the report a year ago, and is read from there
while none of its months has changed.

The engine's queries are kept as compiled SQL too (`_compiled_sql`, crimeplan.engine._compiled):
text with the dates as parameters, under a key naming the query, the tables' schemas and the
code's versions. It holds no figures, so `forget_scans` leaves it; `forget_compiled` drops it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator, Mapping

import duckdb
import pyarrow as pa

from crimeplan.contract.schema import table as canonical_table
from crimeplan.store._duck import arrow, ident, rows, scalar

MONTH_SUMS_META = """
CREATE TABLE IF NOT EXISTS _month_sums (physical VARCHAR, month DATE, rows BIGINT, checksum HUGEINT);
CREATE TABLE IF NOT EXISTS _scan_months (scan_key VARCHAR, month DATE, checksum VARCHAR);
CREATE TABLE IF NOT EXISTS _scan_rows (
  scan_key VARCHAR, month DATE, measure_id VARCHAR, district VARCHAR, numerator DOUBLE,
  denominator DOUBLE, sumsq DOUBLE, numerator_lfl DOUBLE, numerator_aged DOUBLE);
CREATE TABLE IF NOT EXISTS _window_rows (
  window_key VARCHAR, measure_id VARCHAR, area_level VARCHAR, area VARCHAR, start DATE, "end" DATE,
  numerator DOUBLE, denominator DOUBLE);
CREATE TABLE IF NOT EXISTS _compiled_sql (sql_key VARCHAR, body VARCHAR);
"""

# the columns of a cached window figure, as the engine's series (engine.series.WINDOW_COLUMNS)
WINDOW_ROW_COLUMNS = ["measure_id", "area_level", "area", "start", "end", "numerator", "denominator"]

# the columns of a cached monthly row, as the engine's series (engine.series.MONTHLY_COLUMNS)
SCAN_COLUMNS = ["measure_id", "district", "month", "numerator", "denominator", "sumsq",
                "numerator_lfl", "numerator_aged"]


def record_month_sums(con: duckdb.DuckDBPyConnection, name: str, phys: str, base: str | None) -> None:
    """Record each month's row count and hash sum of a table just written (an append: the base's
    sums plus those of the rows after the base's last)."""
    col = canonical_table(name).date_column
    if col is None:
        return
    # quality._month_of's SQL, written here: the SQL-text test traces a module's own helpers only
    month = f"CAST(date_trunc('month', {ident(col)}) AS DATE)"
    row_hash = "CAST(hash(*COLUMNS(* EXCLUDE (__ord))) AS HUGEINT)"
    if base is not None and scalar(con, "SELECT count(*) FROM _month_sums WHERE physical = ?", [base]):
        # the base's rows are copied first, numbered 1..max(__ord): only the rest are new
        last = scalar(con, f"SELECT coalesce(max(__ord), 0) FROM {ident(base)}")
        con.execute(
            f"INSERT INTO _month_sums SELECT ?, month, sum(rows), sum(checksum) FROM ("
            f"SELECT month, rows, checksum FROM _month_sums WHERE physical = ? UNION ALL "
            f"SELECT {month} AS month, count(*) AS rows, sum({row_hash}) AS checksum "
            f"FROM {ident(phys)} WHERE __ord > ? GROUP BY ALL) GROUP BY month",
            [phys, base, last])
        return
    con.execute(f"INSERT INTO _month_sums SELECT ?, {month}, count(*), sum({row_hash}) "
                f"FROM {ident(phys)} GROUP BY ALL", [phys])


@contextlib.contextmanager
def _one_transaction(con: duckdb.DuckDBPyConnection, **tables: pa.Table) -> Iterator[None]:
    """Arrow tables registered under these names for a block run as one transaction (rolled
    back if it fails), unregistered after."""
    for name, t in tables.items():
        con.register(name, t)
    try:
        con.execute("BEGIN TRANSACTION")
        try:
            yield
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    finally:
        for name in tables:
            con.unregister(name)


class MonthSumsMixin:
    """Store methods: each month's checksum, and the engine's cache of monthly aggregates."""

    con: duckdb.DuckDBPyConnection
    read_only: bool
    physical_tables: Callable[..., dict[str, str]]
    keeps_month_sums = True  # PostgreSQL's store does not (its SQL is not DuckDB's)

    def month_checksums(self, table_name: str, snapshot_id: int | None = None) -> dict[dt.date, str] | None:
        """Each month's checksum (rows and hash sum) of a table as of a snapshot; None when its load
        recorded none (a store loaded before checksums, or one that keeps none)."""
        if not self.keeps_month_sums:
            return None
        phys = self.physical_tables(snapshot_id).get(table_name)
        if phys is None:
            return None
        try:
            found = rows(self.con, "SELECT month, rows, checksum FROM _month_sums WHERE physical = ?", [phys])
        except duckdb.CatalogException:
            return None
        if not found:
            return None
        return {m: f"{n}:{s}" for m, n, s in found if m is not None}

    def cached_scan(self, scan_key: str, wanted: dict[dt.date, str]) -> tuple[pa.Table, set[dt.date]]:
        """The cached monthly rows of the months whose checksum matches, and those months."""
        empty = pa.table({c: pa.array([], pa.date32() if c == "month" else
                                      pa.string() if c in ("measure_id", "district") else pa.float64())
                          for c in SCAN_COLUMNS})
        if not self.keeps_month_sums or not wanted:
            return empty, set()
        want = pa.table({"month": pa.array(list(wanted), pa.date32()),
                         "checksum": pa.array(list(wanted.values()), pa.string())})
        self.con.register("_wanted", want)
        try:
            hit = {m for (m,) in rows(self.con, "SELECT s.month FROM _scan_months s JOIN _wanted w "
                                                "ON s.month = w.month AND s.checksum = w.checksum "
                                                "WHERE s.scan_key = ?", [scan_key])}
            cols = ", ".join(ident(c) for c in SCAN_COLUMNS)
            found = arrow(self.con, f"SELECT {cols} FROM _scan_rows r WHERE scan_key = ? AND EXISTS ("
                                    f"SELECT 1 FROM _scan_months s JOIN _wanted w ON s.month = w.month "
                                    f"AND s.checksum = w.checksum WHERE s.scan_key = r.scan_key "
                                    f"AND s.month = r.month)", [scan_key])
        except duckdb.CatalogException:  # a store opened read-only before the cache existed
            return empty, set()
        finally:
            self.con.unregister("_wanted")
        return found, hit

    def keep_scan(self, scan_key: str, sums: dict[dt.date, str], monthly: pa.Table) -> None:
        """Keep a scan's monthly rows for these months (and their checksums), replacing older ones."""
        if not self.keeps_month_sums or self.read_only or not sums:
            return
        months = pa.table({"month": pa.array(list(sums), pa.date32()),
                           "checksum": pa.array(list(sums.values()), pa.string())})
        with _one_transaction(self.con, _months=months, _monthly=monthly.select(SCAN_COLUMNS)):
            self.con.execute("DELETE FROM _scan_rows WHERE scan_key = ? AND month IN (SELECT month FROM _months)",
                             [scan_key])
            self.con.execute("DELETE FROM _scan_months WHERE scan_key = ? AND month IN (SELECT month FROM _months)",
                             [scan_key])
            self.con.execute("INSERT INTO _scan_rows BY NAME SELECT ? AS scan_key, * FROM _monthly", [scan_key])
            self.con.execute("INSERT INTO _scan_months SELECT ?, month, checksum FROM _months", [scan_key])

    def cached_windows(self, window_keys: list[str]) -> dict[str, pa.Table]:
        """The cached figures of each window key found (a key's figures always include the force's)."""
        if not self.keeps_month_sums or not window_keys:
            return {}
        self.con.register("_keys", pa.table({"window_key": pa.array(window_keys, pa.string())}))
        try:
            cols = ", ".join(ident(c) for c in ["window_key", *WINDOW_ROW_COLUMNS])
            found = arrow(self.con, f"SELECT {cols} FROM _window_rows "
                                    f"WHERE window_key IN (SELECT window_key FROM _keys)")
        except duckdb.CatalogException:  # a store opened read-only before the cache existed
            return {}
        finally:
            self.con.unregister("_keys")
        keys = found.column("window_key").to_pylist()
        return {k: found.filter(pa.array([x == k for x in keys])).select(WINDOW_ROW_COLUMNS) for k in set(keys)}

    def keep_windows(self, figures: Mapping[str, pa.Table]) -> None:
        """Keep windows' figures under their keys, replacing any kept before, in one transaction
        (not when read-only)."""
        figures = {k: t for k, t in figures.items() if t.num_rows}
        if not self.keeps_month_sums or self.read_only or not figures:
            return
        rows = pa.concat_tables([
            t.select(WINDOW_ROW_COLUMNS).append_column("window_key", pa.array([k] * t.num_rows, pa.string()))
            for k, t in figures.items()])
        with _one_transaction(self.con, _figures=rows):
            self.con.execute("DELETE FROM _window_rows WHERE window_key IN (SELECT window_key FROM _figures)")
            self.con.execute("INSERT INTO _window_rows BY NAME SELECT * FROM _figures")

    def compiled_sql(self, sql_key: str) -> str | None:
        """The engine's kept compiled SQL under a key (None: none kept)."""
        if not self.keeps_month_sums:
            return None
        try:
            found = rows(self.con, "SELECT body FROM _compiled_sql WHERE sql_key = ?", [sql_key])
        except duckdb.CatalogException:  # a store opened read-only before the cache existed
            return None
        return str(found[0][0]) if found else None

    def keep_compiled_sql(self, sql_key: str, body: str) -> None:
        """Keep the engine's compiled SQL under a key, replacing any kept before (not when read-only)."""
        if not self.keeps_month_sums or self.read_only:
            return
        with _one_transaction(self.con):
            self.con.execute("DELETE FROM _compiled_sql WHERE sql_key = ?", [sql_key])
            self.con.execute("INSERT INTO _compiled_sql VALUES (?, ?)", [sql_key, body])

    def forget_compiled(self) -> int:
        """Drop the engine's kept compiled SQL (the next compute builds every query again); how many."""
        if not self.keeps_month_sums or self.read_only:
            return 0
        try:
            n = int(scalar(self.con, "SELECT count(*) FROM _compiled_sql"))
            self.con.execute("DELETE FROM _compiled_sql")
        except duckdb.CatalogException:
            return 0
        return n

    def forget_scans(self) -> int:
        """Drop every cached month and window of the engine (the next compute reads every row); how many."""
        if not self.keeps_month_sums or self.read_only:
            return 0
        try:
            n = int(scalar(self.con, "SELECT count(*) FROM _scan_months"))
            n += int(scalar(self.con, "SELECT count(DISTINCT window_key) FROM _window_rows"))
            self.con.execute("DELETE FROM _scan_rows")
            self.con.execute("DELETE FROM _scan_months")
            self.con.execute("DELETE FROM _window_rows")
        except duckdb.CatalogException:
            return 0
        return n
