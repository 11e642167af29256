"""Shared helpers: write small canonical CSVs and load them into a throwaway store."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from crimeplan.contract.schema import table as canonical_table
from crimeplan.store import Store


def write_csv(path: Path, table: str, rows: Iterable[dict[str, Any]]) -> Path:
    """Write rows (missing keys empty) under the contract's header for table."""
    cols = canonical_table(table).column_names
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(cols)
        for r in rows:
            w.writerow(["" if r.get(c) is None else str(r[c]).lower() if isinstance(r.get(c), bool) else r[c]
                        for c in cols])
    return path


AREAS = [
    {"district": "A", "lpa": "North", "force": "Testshire", "population": 1000},
    {"district": "B", "lpa": "North", "force": "Testshire", "population": 2000},
    {"district": "C", "lpa": "South", "force": "Testshire", "population": 3000},
]


@pytest.fixture
def make_store(tmp_path: Path):
    """Build a store from {table: rows} and return it open."""
    opened: list[Store] = []

    def build(tables: dict[str, list[dict[str, Any]]], extract: dt.date = dt.date(2024, 6, 30)) -> Store:
        files = {}
        for name, rows in tables.items():
            files[name] = [write_csv(tmp_path / f"{name}.csv", name, rows)]
        store = Store(tmp_path / "store.duckdb")
        report = store.load(files, extract_date=extract)
        for c in report.files:
            assert c.rows_quarantined == 0, c.quarantine.to_pylist()
        opened.append(store)
        return store

    yield build
    for s in opened:
        s.close()


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """Under `-n`, run every Spark backend test (ids `[spark...]`) on one worker: one JVM, started
    once; the other tests are spread one by one, as `--dist load` does. (xdist_group marks do
    nothing with this pytest and pytest-xdist: docs/testing.md.)"""
    if config.getoption("dist") != "load":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class SparkOnOneWorker(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return "spark" if "[spark" in nodeid else nodeid

    return SparkOnOneWorker(config, log)


# the suite's most at once under the temporary folder was 0.61 GB (3 December, 14:57), and the
# disk's used space rose by 0.86 GB during that run: below this much free, say so before it starts
LOW_DISK_BYTES = 1_500_000_000


def pytest_sessionstart(session: pytest.Session) -> None:
    """Say plainly, before any test runs, when the disk the suite writes to is nearly full."""
    import shutil
    import tempfile

    if hasattr(session.config, "workerinput"):  # an xdist worker: the controller has said it
        return
    folder = tempfile.gettempdir()
    free = shutil.disk_usage(folder).free
    if free < LOW_DISK_BYTES:
        session.config.get_terminal_writer().line(
            f"LOW DISK: {free / 1e9:.2f} GB free in {folder}; the suite needs about 0.9 GB at its "
            "peak, so tests may fail with 'No space left on device' (docs/testing.md)", red=True, bold=True)
