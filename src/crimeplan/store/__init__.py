"""Snapshots of the canonical tables, behind one interface (`StoreLike`); DuckDB, PostgreSQL and
Spark implement it.

Public modules: `alarms`, `checklist` (`crimeplan check`), `duck` (the DuckDB store), `interface`
(the protocol, the opener and the records a store returns), `pg` (the PostgreSQL store,
`postgresql://...`), `quality`, `results` (stored results: a computed plan kept per snapshot,
plan hash and month), `spark` (the Spark store, `spark:/folder`).  Every DuckDB and PostgreSQL
call of crimeplan is in this package, file validation's included (`_validate`)."""

from crimeplan.store._validate import check_file
from crimeplan.store.alarms import Alarm
from crimeplan.store.duck import Store
from crimeplan.store.interface import LoadReport, Snapshot, StoreLike, open_store

__all__ = ["Alarm", "LoadReport", "Snapshot", "Store", "StoreLike", "check_file", "open_store"]
