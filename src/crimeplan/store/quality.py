"""What a store knows about the quality of its data, per snapshot: the last complete month of
each table, the columns each source carries, and data-quality alarms with their acceptances.

`QualityMixin` gives `Store` its reading and accepting methods; `record_quality` is called by
`Store.load` inside the load's transaction.  Carried columns and alarms of tables a load does
not touch are carried forward to the new snapshot, as coverage is; acceptances are not tied
to a snapshot, so they apply to later snapshots too.
"""

from __future__ import annotations

import datetime as dt
import getpass
import os
from collections.abc import Callable
from typing import Any

import duckdb

from crimeplan.contract.loss import DEFAULT_MAX_SHARE, judge, tally_checked
from crimeplan.contract.schema import table as canonical_table
from crimeplan.errors import BadInput
from crimeplan.periods import month_end
from crimeplan.store._duck import ident, rows
from crimeplan.store.alarms import CATEGORY_COLUMNS, MONTH_COLUMNS, Alarm, check_series

QUALITY_META = """
CREATE TABLE IF NOT EXISTS _carried (snapshot_id INTEGER, table_name VARCHAR, columns VARCHAR);
CREATE TABLE IF NOT EXISTS _alarms (
  snapshot_id INTEGER, table_name VARCHAR, month DATE, level VARCHAR, key VARCHAR,
  observed DOUBLE, expected_low DOUBLE, expected_high DOUBLE, expected DOUBLE, message VARCHAR);
CREATE TABLE IF NOT EXISTS _acceptances (
  table_name VARCHAR, month DATE, accepted_by VARCHAR, accepted_at TIMESTAMP, reason VARCHAR);
"""
_ALARM_COLS = "table_name, month, level, key, observed, expected_low, expected_high, expected, message"


def month_column(table_name: str) -> str | None:
    """The column that places a row of a table in a month (None for areas, events)."""
    return MONTH_COLUMNS.get(table_name) or canonical_table(table_name).date_column


# -- the quarantine share rule for canonical loads -------------------------------------------
def check_loss(checked: dict[str, list[Any]], *, max_share: float = DEFAULT_MAX_SHARE) -> None:
    """Refuse a load in which a month of any table would be lost to quarantine."""
    for name, parts in checked.items():
        judge(tally_checked(parts, date_column=month_column(name)), max_share=max_share,
              what=f"table {name}")


# -- written inside a load's transaction -----------------------------------------------------
def _months_with_rows(con: duckdb.DuckDBPyConnection, phys: str, col: str) -> set[dt.date]:
    return {r[0] for r in rows(con, f"SELECT DISTINCT {_month_of(col)} FROM {ident(phys)} "
                                    f"WHERE {ident(col)} IS NOT NULL")}


def _month_of(col: str) -> str:
    """SQL for the first day of the month of a date or timestamp column."""
    return f"CAST(date_trunc('month', {ident(col)}) AS DATE)"


def supplied_only(con: duckdb.DuckDBPyConnection, written: dict[str, str],
                  coverage: dict[str, dict[str, list[dt.date]]]) -> dict[str, dict[str, list[dt.date]]]:
    """Coverage without the months in which a written record table has no row at all."""
    out: dict[str, dict[str, list[dt.date]]] = {}
    for name, by_source in coverage.items():
        col = MONTH_COLUMNS.get(name)
        if name not in written or col is None:
            out[name] = by_source
            continue
        have = _months_with_rows(con, written[name], col)
        out[name] = {s: [m for m in ms if m.replace(day=1) in have] for s, ms in by_source.items()}
    return out


def record_quality(con: duckdb.DuckDBPyConnection, sid: int, prev: int | None, loaded: list[str],
                   tables: dict[str, str], *, append: bool,
                   carried: dict[str, set[str]] | None = None) -> None:
    """Record carried columns and alarms of snapshot `sid` (`tables`: name → physical table)."""
    carried = carried or {}
    if prev is not None:
        keep = [t for t in tables if t not in loaded]
        for t in keep:
            con.execute("INSERT INTO _carried SELECT ?, table_name, columns FROM _carried "
                        "WHERE snapshot_id = ? AND table_name = ?", [sid, prev, t])
            con.execute(f"INSERT INTO _alarms SELECT ?, {_ALARM_COLS} FROM _alarms "
                        "WHERE snapshot_id = ? AND table_name = ?", [sid, prev, t])
    for name in loaded:
        cols = set(carried[name]) if name in carried else _non_missing(con, tables[name], name)
        if append and prev is not None:
            before = _carried_of(con, prev, name)
            cols |= before or set()
        con.execute("INSERT INTO _carried VALUES (?, ?, ?)", [sid, name, ",".join(sorted(cols))])
        if name in MONTH_COLUMNS:
            supplied = _supplied(con, sid, name, tables[name])
            for a in table_alarms(con, name, tables[name], supplied):
                con.execute("INSERT INTO _alarms VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            [sid, a.table, a.month, a.level, a.key, a.observed, a.expected_low,
                             a.expected_high, a.expected, a.message])


def _non_missing(con: duckdb.DuckDBPyConnection, phys: str, name: str) -> set[str]:
    names = canonical_table(name).column_names
    counts = rows(con, "SELECT " + ", ".join(f"count({ident(c)})" for c in names) + f" FROM {ident(phys)}")[0]
    return {c for c, n in zip(names, counts) if n}


def _carried_of(con: duckdb.DuckDBPyConnection, sid: int, name: str) -> set[str] | None:
    found = rows(con, "SELECT columns FROM _carried WHERE snapshot_id = ? AND table_name = ?",
                 [sid, name])
    if not found:
        return None
    return {c for c in (found[0][0] or "").split(",") if c}


def _supplied(con: duckdb.DuckDBPyConnection, sid: int, name: str, phys: str) -> set[dt.date]:
    cov = {r[0] for r in rows(con, "SELECT DISTINCT month FROM _coverage WHERE snapshot_id = ? "
                                   "AND table_name = ?", [sid, name])}
    return cov or _months_with_rows(con, phys, MONTH_COLUMNS[name])


def table_alarms(con: duckdb.DuckDBPyConnection, name: str, phys: str,
                 supplied: set[dt.date]) -> list[Alarm]:
    """Alarms of every supplied month of one table: as a whole, by district, by category."""
    return [a for level, key, counts in table_series(con, name, phys)
            for a in check_series(counts, supplied, table=name, level=level, key=key)]


def table_series(con: duckdb.DuckDBPyConnection, name: str,
                 phys: str) -> list[tuple[str, str | None, dict[dt.date, float]]]:
    """(level, key, monthly counts) of a table: the whole table, each district, each category."""
    col = MONTH_COLUMNS[name]
    month = _month_of(col)
    total = {m: float(n) for m, n in rows(con, f"SELECT {month}, count(*) FROM {ident(phys)} GROUP BY 1")
             if m is not None}
    out: list[tuple[str, str | None, dict[dt.date, float]]] = [("source", None, total)]
    splits = []
    if canonical_table(name).has_district:
        splits.append(("district", "district"))
    if name in CATEGORY_COLUMNS:
        splits.append(("category", CATEGORY_COLUMNS[name]))
    for level, by in splits:
        series: dict[str, dict[dt.date, float]] = {}
        for m, k, n in rows(con, f"SELECT {month}, {ident(by)}, count(*) FROM {ident(phys)} "
                                 f"WHERE {ident(by)} IS NOT NULL GROUP BY 1, 2"):
            if m is not None:
                series.setdefault(str(k), {})[m] = float(n)
        out += [(level, k, series[k]) for k in sorted(series)]
    return out


# -- reading and accepting -------------------------------------------------------------------
class QualityMixin:
    """Store methods for last complete months, carried columns and alarms."""

    con: duckdb.DuckDBPyConnection
    snapshot: Callable[..., Any]
    physical_tables: Callable[..., dict[str, str]]
    coverage: Callable[..., dict[str, set[dt.date]]]
    forget_results: Callable[..., int]
    month_checksums: Callable[..., dict[dt.date, str] | None]

    def _months_with_rows_of(self, table_name: str, phys: str, col: str, sid: int | None) -> set[dt.date]:
        """The months with a row: from the load's monthly checksums when they are by this column
        (no scan), else a scan of the table."""
        if col == canonical_table(table_name).date_column:
            sums = self.month_checksums(table_name, sid)
            if sums is not None:
                return set(sums)
        return _months_with_rows(self.con, phys, col)

    def last_complete_month(self, table_name: str, snapshot_id: int | None = None) -> dt.date | None:
        """First day of the last month supplied and complete (ended by the extract date).

        Supplied months are the recorded coverage, or the months with rows when the loads
        recorded none.  None when the table is absent or empty.
        """
        snap = self.snapshot(snapshot_id)
        phys = self.physical_tables(snap.snapshot_id)
        col = month_column(table_name)
        if table_name not in phys or col is None:
            return None
        by_source = self.coverage(table_name, snap.snapshot_id)
        months = set().union(*by_source.values()) if by_source else set()
        if not months:
            months = self._months_with_rows_of(table_name, phys[table_name], col, snap.snapshot_id)
        done = [m for m in months if month_end(m) <= snap.extract_date]
        return max(done) if done else None

    def months_with_rows(self, table_name: str, snapshot_id: int | None = None) -> set[dt.date]:
        """First days of the months in which a table has a row (empty: no such table or column)."""
        phys = self.physical_tables(snapshot_id)
        col = month_column(table_name)
        if table_name not in phys or col is None:
            return set()
        return self._months_with_rows_of(table_name, phys[table_name], col, snapshot_id)

    def row_count(self, table_name: str, snapshot_id: int | None = None) -> int:
        """Rows of a canonical table as of a snapshot (0 when the snapshot has no such table)."""
        phys = self.physical_tables(snapshot_id)
        if table_name not in phys:
            return 0
        return int(rows(self.con, f"SELECT count(*) FROM {ident(phys[table_name])}")[0][0])

    def carried_columns(self, table_name: str, snapshot_id: int | None = None) -> set[str] | None:
        """The contract columns the source of a table carries (None: not recorded)."""
        sid = self.snapshot(snapshot_id).snapshot_id
        try:
            return _carried_of(self.con, sid, table_name)
        except duckdb.CatalogException:  # a store made before carried columns were recorded
            return None

    def alarms(self, snapshot_id: int | None = None) -> list[Alarm]:
        """The data-quality alarms of a snapshot, each with its acceptance if any."""
        sid = self.snapshot(snapshot_id).snapshot_id
        try:
            found = rows(self.con, f"SELECT {_ALARM_COLS} FROM _alarms WHERE snapshot_id = ? "
                                   "ORDER BY table_name, month DESC, level DESC, key", [sid])
            accepted = rows(self.con, "SELECT table_name, month, accepted_by, accepted_at, reason "
                                      "FROM _acceptances ORDER BY accepted_at")
        except duckdb.CatalogException:  # a store made before alarms were recorded
            return []
        by = {(t, m): (who, at, why) for t, m, who, at, why in accepted}
        out = []
        for r in found:
            acc = by.get((r[0], r[1]))
            table, month, level, key, observed, low, high, expected, message = r
            out.append(Alarm(table, month, level, key, observed, low, high, expected, message,
                             accepted=acc is not None, accepted_by=acc[0] if acc else None,
                             accepted_at=acc[1] if acc else None, reason=acc[2] if acc else None))
        return out

    def accept(self, source: str, month: dt.date, *, reason: str,
               by: str | None = None) -> list[Alarm]:
        """Record an analyst's acceptance of a source's alarmed month; the alarms accepted.

        `source` is a table (`crimes`) or a coverage source label (`police-uk`).
        """
        month = month.replace(day=1)
        alarms = self.alarms()
        sid = self.snapshot().snapshot_id
        tables = {a.table for a in alarms}
        if source not in tables:
            tables = {t for t in tables if source in self.coverage(t, sid)}
        hit = [a for a in alarms if a.table in tables and a.month == month]
        if not hit:
            known = sorted({f"{a.table} {a.month:%Y-%m}" for a in alarms})
            raise BadInput(f"no data-quality alarm for {source} in {month:%Y-%m} in the latest "
                           f"snapshot {sid}" + (f" (alarmed: {', '.join(known[:10])})" if known
                                                else " (it has no alarms)"),
                           field="SOURCE MONTH")
        if not reason.strip():
            raise BadInput("say why the month is accepted with --reason TEXT", field="--reason")
        who = by or _user()
        at = dt.datetime.now().replace(microsecond=0)
        for t in sorted({a.table for a in hit}):
            self.con.execute("INSERT INTO _acceptances VALUES (?, ?, ?, ?, ?)",
                             [t, month, who, at, reason])
        # an acceptance changes what every report says about the month: stored results are stale
        self.forget_results()
        return [a for a in self.alarms() if a.table in tables and a.month == month]


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name in this environment
        return os.environ.get("USER", "unknown")
