"""What a store is to the rest of crimeplan: the methods the engine, the CLI and the demo use.

`StoreLike` is a `typing.Protocol`: the DuckDB store (`store.duck.Store`), the PostgreSQL
store (`store.pg.PgStore`, `postgresql://...`) and the Spark store (`store.spark.SparkStore`,
`spark:/folder`) satisfy it.  Code outside store/ types its
store parameters with it and opens a store with `open_store`, so nothing there depends on DuckDB.
A store reads as of a snapshot: every `snapshot_id` defaults to the latest.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import pyarrow as pa

from crimeplan.contract.loss import DEFAULT_MAX_SHARE
from crimeplan.contract.validate import Checked

if TYPE_CHECKING:
    from crimeplan.store.alarms import Alarm


@dataclass(frozen=True)
class Snapshot:
    """One snapshot: its id, when it was made, and the extract date of its data."""

    snapshot_id: int
    created_at: dt.datetime
    extract_date: dt.date


@dataclass
class LoadReport:
    """What a load did: the snapshot and per-file reconciliation."""

    snapshot_id: int
    files: list[Checked] = field(default_factory=list)
    tables: dict[str, str] = field(default_factory=dict)
    quarantine_files: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # after the commit: said, never raised

    def lines(self) -> list[str]:
        """One reconciliation line per file: rows read = loaded + quarantined."""
        return [
            f"{Path(c.file).name}: {c.rows_read} rows read = {c.rows_loaded} loaded"
            f" + {c.rows_quarantined} quarantined"
            for c in self.files
        ] + self.warnings


class StoreLike(Protocol):
    """A crimeplan store: snapshots of the canonical tables, what each load supplied, its alarms."""

    path: Path

    # -- snapshots ---------------------------------------------------------------------------
    def latest_snapshot(self) -> int | None:
        """The newest snapshot id, or None for an empty store."""

    def snapshot(self, snapshot_id: int | None = None) -> Snapshot:
        """The named snapshot (its id, when made, its extract date), or the latest."""

    def files(self, snapshot_id: int | None = None) -> list[dict[str, Any]]:
        """Source files loaded up to a snapshot, with checksums and reconciliation."""

    # -- what each table holds and its sources supplied ---------------------------------------
    def tables(self, snapshot_id: int | None = None) -> Mapping[str, Any]:
        """Canonical table name → the table as an Ibis expression, as of a snapshot (the engine's access)."""

    def arrow(self, name: str, snapshot_id: int | None = None) -> pa.Table:
        """A canonical table as Arrow, in the contract's columns and load order (for export)."""

    def row_count(self, table_name: str, snapshot_id: int | None = None) -> int:
        """Rows of a canonical table as of a snapshot (0 when it has none)."""

    def coverage(self, table_name: str, snapshot_id: int | None = None) -> dict[str, set[dt.date]]:
        """Months each source supplied for a table (empty when the loads recorded none)."""

    def months_with_rows(self, table_name: str, snapshot_id: int | None = None) -> set[dt.date]:
        """First days of the months in which a table has a row."""

    def last_complete_month(self, table_name: str, snapshot_id: int | None = None) -> dt.date | None:
        """First day of the last month supplied and ended by the extract date (None: no such month)."""

    def carried_columns(self, table_name: str, snapshot_id: int | None = None) -> set[str] | None:
        """The contract columns the source of a table carries (None: not recorded)."""

    # -- each month's checksum, and the engine's cache of monthly aggregates keyed by them ------
    def month_checksums(self, table_name: str, snapshot_id: int | None = None) -> dict[dt.date, str] | None:
        """Each month's checksum of a table as of a snapshot (None: the store keeps none for it)."""

    def cached_scan(self, scan_key: str, wanted: dict[dt.date, str]) -> tuple[pa.Table, set[dt.date]]:
        """The engine's cached monthly rows for the months whose checksum matches, and those months."""

    def keep_scan(self, scan_key: str, sums: dict[dt.date, str], monthly: pa.Table) -> None:
        """Keep the engine's monthly rows of these months under their checksums (not when read-only)."""

    def cached_windows(self, window_keys: list[str]) -> dict[str, pa.Table]:
        """The engine's cached figures of each window key found."""

    def keep_windows(self, figures: Mapping[str, pa.Table]) -> None:
        """Keep windows' figures under their keys, in one transaction (not when read-only)."""

    def forget_scans(self) -> int:
        """Drop the engine's cached months and windows; how many."""

    def compiled_sql(self, sql_key: str) -> str | None:
        """The engine's kept compiled SQL under a key (None: none kept)."""

    def keep_compiled_sql(self, sql_key: str, body: str) -> None:
        """Keep the engine's compiled SQL under a key (not when read-only)."""

    def forget_compiled(self) -> int:
        """Drop the engine's kept compiled SQL; how many."""

    # -- data quality --------------------------------------------------------------------------
    def alarms(self, snapshot_id: int | None = None) -> list[Alarm]:
        """The data-quality alarms of a snapshot, each with its acceptance if any."""

    def accept(self, source: str, month: dt.date, *, reason: str, by: str | None = None) -> list[Alarm]:
        """Record an analyst's acceptance of a source's alarmed month; the alarms accepted."""

    def quarantine(self, snapshot_id: int | None = None) -> pa.Table:
        """Quarantined rows of one snapshot (table, file, row, field, value, reason)."""

    # -- results: a computed plan kept per snapshot, plan hash, month and code version --------
    def results_run(self, snapshot_id: int, plan_hash: str, to_month: dt.date, code_version: str) -> int | None:
        """The id of the stored run with this key, or None."""

    def results_runs(self) -> list[dict[str, Any]]:
        """Every stored run's key and when it was computed, newest first."""

    def read_results(self, run_id: int) -> tuple[str, dict[str, pa.Table]]:
        """A stored run: its meta text and its tables by name."""

    def save_results(self, snapshot_id: int, plan_hash: str, to_month: dt.date, code_version: str,
                     meta: str, tables: dict[str, pa.Table]) -> int:
        """Keep a run's tables and meta, replacing a run with the same key; returns its id."""

    def forget_results(self, snapshot_id: int | None = None) -> int:
        """Drop the stored runs of a snapshot, or every run; returns how many."""

    # -- writing -------------------------------------------------------------------------------
    def load(
        self,
        files: dict[str, list[Path]],
        *,
        append: bool = False,
        extract_date: dt.date | None = None,
        quarantine_dir: Path | None = None,
        note: str = "",
        coverage: dict[str, dict[str, list[dt.date]]] | None = None,
        accept_quarantine: bool = False,
        max_quarantine_share: float = DEFAULT_MAX_SHARE,
        loss_check: Callable[[dict[str, list[Checked]]], None] | None = None,
        carried: dict[str, set[str]] | None = None,
        allow_overlap: bool = False,
        min_date: dt.date | None = None,
    ) -> LoadReport:
        """Validate and load files (table → paths) as one new snapshot, all or nothing."""

    # -- locking and closing: an open store holds its lock (a writer excludes every other
    # process; `StoreBusy` says so) until it is closed ---------------------------------------
    def close(self) -> None:
        """Release the store (and its lock)."""

    def __enter__(self) -> StoreLike:
        """The store itself, closed when the block ends."""

    def __exit__(self, *exc: object) -> None:
        """Close the store."""


def open_store(path: str | Path, *, read_only: bool = False) -> StoreLike:
    """Open the store at `path` (a DuckDB file, postgresql://user@host:port/db or spark:/folder;
    created unless `read_only`), holding its lock."""
    from crimeplan.store import pg, spark

    if pg.is_url(path):
        return pg.PgStore(path, read_only=read_only)
    if spark.is_url(path):
        return spark.SparkStore(path, read_only=read_only)
    from crimeplan.store.duck import Store

    return Store(path, read_only=read_only)
