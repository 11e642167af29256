"""Stored results: a plan computed as of a month, kept beside the snapshot it was computed from.

A run is keyed by snapshot, plan content hash, month and code version; its frames are
physical tables of their own (`_results_<run>_<name>`), its small context one JSON text. Saving
a run with the key of an older one replaces it in one transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
import pyarrow as pa

from crimeplan.store._duck import arrow, ident, rows, scalar

RESULTS_META = """
CREATE TABLE IF NOT EXISTS _results (
  run_id INTEGER PRIMARY KEY, snapshot_id INTEGER, plan_hash VARCHAR, to_month DATE,
  code_version VARCHAR, computed_at TIMESTAMP, meta VARCHAR, tables VARCHAR);
"""


def _physical(run_id: int, name: str) -> str:
    """A run's table, quoted (`ident` refuses any name that is not a plain identifier)."""
    return ident(f"_results_{int(run_id)}_{name}")


class ResultsMixin:
    """Store methods that keep and read computed results."""

    con: duckdb.DuckDBPyConnection

    def results_run(self, snapshot_id: int, plan_hash: str, to_month: dt.date, code_version: str) -> int | None:
        """The id of the stored run with this key, or None (also for a store made before results)."""
        try:
            return scalar(self.con, "SELECT run_id FROM _results WHERE snapshot_id = ? AND plan_hash = ? "
                                    "AND to_month = ? AND code_version = ?",
                          [snapshot_id, plan_hash, to_month, code_version])
        except duckdb.CatalogException:
            return None

    def results_runs(self) -> list[dict[str, Any]]:
        """Every stored run's key and when it was computed, newest first."""
        try:
            return arrow(self.con, "SELECT run_id, snapshot_id, plan_hash, to_month, code_version, "
                                   "computed_at FROM _results ORDER BY run_id DESC").to_pylist()
        except duckdb.CatalogException:
            return []

    def read_results(self, run_id: int) -> tuple[str, dict[str, pa.Table]]:
        """A stored run: its meta text and its tables by name."""
        meta, names = rows(self.con, "SELECT meta, tables FROM _results WHERE run_id = ?", [run_id])[0]
        return meta, {name: arrow(self.con, f"SELECT * FROM {_physical(run_id, name)}")
                      for name in names.split(",") if name}

    def save_results(self, snapshot_id: int, plan_hash: str, to_month: dt.date, code_version: str,
                     meta: str, tables: dict[str, pa.Table]) -> int:
        """Keep a run's tables and meta, replacing a run with the same key; returns its id."""
        self.con.execute(RESULTS_META)
        self.con.execute("BEGIN TRANSACTION")
        try:
            old = self.results_run(snapshot_id, plan_hash, to_month, code_version)
            if old is not None:
                self._drop_run(old)
            run_id = int(scalar(self.con, "SELECT coalesce(max(run_id), 0) + 1 FROM _results"))
            for name, table in tables.items():
                self.con.register("__results_incoming", table)
                self.con.execute(f"CREATE TABLE {_physical(run_id, name)} AS SELECT * FROM __results_incoming")
                self.con.unregister("__results_incoming")
            self.con.execute("INSERT INTO _results VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                             [run_id, snapshot_id, plan_hash, to_month, code_version,
                              dt.datetime.now(dt.UTC).replace(tzinfo=None), meta, ",".join(tables)])
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        return run_id

    def forget_results(self, snapshot_id: int | None = None) -> int:
        """Drop the stored runs of a snapshot, or every run (their context changed, e.g. an alarm
        was accepted); returns how many."""
        try:
            runs = [r for (r,) in rows(self.con, "SELECT run_id FROM _results WHERE snapshot_id = ? "
                                                 "OR CAST(? AS INTEGER) IS NULL", [snapshot_id, snapshot_id])]
        except duckdb.CatalogException:
            return 0
        for run_id in runs:
            self._drop_run(run_id)
        return len(runs)

    def _drop_run(self, run_id: int) -> None:
        names = scalar(self.con, "SELECT tables FROM _results WHERE run_id = ?", [run_id]) or ""
        for name in names.split(","):
            if name:
                self.con.execute(f"DROP TABLE IF EXISTS {_physical(run_id, name)}")
        self.con.execute("DELETE FROM _results WHERE run_id = ?", [run_id])
