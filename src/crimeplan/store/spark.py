"""The Spark store: `--store spark:/path/to/folder`, the engine through Ibis's PySpark backend.

The folder holds `catalogue.duckdb` (a DuckDB store: snapshots, source files, coverage,
quarantine, alarms and stored results, written by the DuckDB store's own code, so a load is
one transaction and a killed load leaves the last complete snapshot) and `tables/`, one
Parquet file per snapshot table, written when the load has committed (and again if one is
missing).  The engine reads only the Parquet files, through Spark; nothing else needs Spark.

Spark's master comes from CRIMEPLAN_SPARK_MASTER (a cluster's URL), `local[2]` by default.
pyspark is an optional extra: `pip install crimeplan[spark]` (it needs Java 17).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from crimeplan._atomic import atomic_output
from crimeplan.errors import BadInput
from crimeplan.store._duck import arrow, ident
from crimeplan.store.duck import Store
from crimeplan.store.interface import LoadReport

URL = re.compile(r"^spark:(.+)$", re.DOTALL)
CATALOGUE = "catalogue.duckdb"


def is_url(path: str | Any) -> bool:
    """Whether a --store value names a Spark store (`spark:/path`)."""
    return bool(URL.match(str(path)))


_RUNNING: dict[str, Any] = {}  # the session started here, reused until stopped


def session(**conf: str) -> Any:
    """The Spark session crimeplan computes with: the one it started (until stopped), else a new
    one (UI off, UTC) with `conf`'s settings added."""
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # local mode listens on loopback only
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise BadInput("a Spark store needs pyspark: pip install 'crimeplan[spark]' (and Java 17)",
                       field="--store") from None
    running = _RUNNING.get("session")
    if running is not None and running.sparkContext._jsc is not None:
        return running  # the builder would apply its settings again, over the ones started with
    settings = {"spark.ui.enabled": "false", "spark.ui.showConsoleProgress": "false",
                "spark.sql.session.timeZone": "UTC",
                # a plan is many small queries: re-planning them costs more than it saves
                "spark.sql.adaptive.enabled": "false",
                "spark.sql.shuffle.partitions": os.environ.get("CRIMEPLAN_SPARK_PARTITIONS", "2"),
                # results come back to pandas (and lookups go out) as Arrow, not row by row
                "spark.sql.execution.arrow.pyspark.enabled": "true",
                **conf}
    builder = SparkSession.builder.master(os.environ.get("CRIMEPLAN_SPARK_MASTER", "local[2]")).appName("crimeplan")
    for key, value in settings.items():
        builder = builder.config(key, value)
    spark = _RUNNING["session"] = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


class SparkStore(Store):
    """A crimeplan store in a folder: a DuckDB catalogue and Parquet tables the engine reads with Spark."""

    def __init__(self, url: str | Any, *, read_only: bool = False) -> None:
        self.folder = Path(URL.match(str(url)).group(1))  # type: ignore[union-attr]
        if self.folder.exists() and not self.folder.is_dir():
            raise BadInput("a Spark store is a folder; this is a file", file=str(self.folder), field="--store")
        if read_only and not (self.folder / CATALOGUE).exists():
            raise BadInput("no Spark store here (run `crimeplan load` first)", file=str(self.folder),
                           field="--store")
        if not read_only:
            self.folder.mkdir(parents=True, exist_ok=True)
        super().__init__(self.folder / CATALOGUE, read_only=read_only)
        self._read_tables: dict[str, Any] = {}  # physical table -> Spark's read of its Parquet file

    def load(self, files: Any, **kw: Any) -> LoadReport:
        """As `Store.load`, then each new snapshot table written as Parquet for Spark."""
        report = super().load(files, **kw)
        for phys in sorted(set(report.tables.values())):
            self._parquet(phys)
        return report

    def _parquet(self, phys: str) -> Path:
        """The Parquet file of a physical table, written from the catalogue if missing."""
        import pyarrow.parquet as pq

        out = self.folder / "tables" / f"{phys}.parquet"
        if not out.exists():
            out.parent.mkdir(exist_ok=True)
            with atomic_output(out) as tmp:
                pq.write_table(arrow(self.con, f"SELECT * FROM {ident(phys)}"), tmp)
        return out

    def ibis(self) -> Any:
        """An Ibis backend on the Spark session."""
        import ibis

        return ibis.pyspark.from_connection(session())

    def tables(self, snapshot_id: int | None = None) -> Mapping[str, Any]:  # type: ignore[override] # StoreLike's
        """Canonical table name → the snapshot's Parquet table, read by Spark, as an Ibis expression
        (Spark starts when a table is first read: `crimeplan check` needs only the names)."""
        return _SparkTables(self, self.physical_tables(snapshot_id))

    def _read(self, phys: str) -> Any:
        # read once per open store: a snapshot table never changes, and each read asks Spark for
        # the file's schema again (a dashboard or a test computes month after month)
        if phys not in self._read_tables:
            path = self._parquet(phys)
            # a view per file: two stores open in one session never share a name
            view = f"{phys}_{hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:12]}"
            self._read_tables[phys] = self.ibis().read_parquet(str(path), table_name=view)
        return self._read_tables[phys]


class _SparkTables(Mapping[str, Any]):
    """A snapshot's tables by name, each read through Spark when first asked for."""

    def __init__(self, store: SparkStore, physical: dict[str, str]) -> None:
        self.store, self.physical = store, physical

    def __getitem__(self, name: str) -> Any:
        return self.store._read(self.physical[name])  # read once per open store (SparkStore._read)

    def __iter__(self) -> Iterator[str]:
        return iter(self.physical)

    def __len__(self) -> int:
        return len(self.physical)
