"""Snapshots of the canonical tables in an embedded DuckDB file."""

from crimeplan.store.duck import LoadReport, Snapshot, Store

__all__ = ["LoadReport", "Snapshot", "Store"]
