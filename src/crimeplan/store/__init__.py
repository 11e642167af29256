"""Snapshots of the canonical tables in an embedded DuckDB file.

Public modules: `alarms`, `checklist` (`crimeplan check`), `duck` (the store), `quality`, `results` (stored
results).
"""

from crimeplan.store.alarms import Alarm
from crimeplan.store.duck import LoadReport, Snapshot, Store

__all__ = ["Alarm", "LoadReport", "Snapshot", "Store"]
