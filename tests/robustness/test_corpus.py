"""A generated corpus of malformed inputs through every canonical table and every importer.

For each input: bad input (BadInput: the CLI's exit 2, a one-line message) or a reconciled
load (rows read = loaded + quarantined; for well-formed CSV, rows read = the records written),
never any other exception (the CLI's exit 1, a traceback).  Many cases share one store (one
snapshot each); at the end the store opens read-only and computes a plan.

Sizes (see docs/reliability.md): under `-m slow`, 120 files × 10 canonical tables (12 rows
each, 1-4 of them damaged) and 2,200 files × 4 importers = 10,000 inputs; in the normal tier a fixed subset of 300 (the first 12
cases of each table, the first 45 of each importer).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from crimeplan.contract.schema import TABLES
from crimeplan.errors import BadInput
from crimeplan.plans import load_plan
from crimeplan.results import compute
from crimeplan.sources import importer, run_import
from crimeplan.store import Store
from tests.robustness._corpus import canonical_case, importer_case
from tests.robustness._importer_cases import SOURCES
from tests.robustness.test_import_malformed import check_lines

EXTRACT = dt.date(2025, 12, 31)  # after every sample file (ONS: year ending June 2025)
SLOW_FILES, FAST_FILES = 120, 12  # canonical files per table
SLOW_RAW, FAST_RAW = 2200, 45  # raw files per importer
STORE_EVERY = 15  # every 15th importer case also goes through run_import into a store


def _one_line(exc: BadInput) -> None:
    assert str(exc) and "\n" not in str(exc)


def _opens_and_computes(store: Path) -> None:
    with Store(store, read_only=True) as st:
        if st.latest_snapshot() is None:
            return
        plan = load_plan("monthly-performance")
        lasts = [st.last_complete_month(t) for t in ("crimes", "incidents", "calls", "survey_responses",
                                                     "casualties", "workforce")]
        known = [m for m in lasts if m is not None]
        if not known:  # nothing complete to report on: a compute must say so, not fail
            with pytest.raises(BadInput, match="past the data"):
                compute(st, plan, dt.date(2024, 6, 1))
            return
        res = compute(st, plan, max(known))
        assert len(res.table) > 0


def _canonical(tmp_path: Path, table: str, count: int) -> dict[str, int]:
    store = tmp_path / "s.duckdb"
    tally = {"cases": 0, "refused": 0, "loaded": 0, "quarantined": 0, "read": 0}
    with Store(store) as st:
        for number in range(count):
            case = canonical_case(table, number)
            path = tmp_path / f"{table}-{number}.csv"
            path.write_bytes(case.data)
            tally["cases"] += 1
            before = st.latest_snapshot()
            try:
                report = st.load({table: [path]}, extract_date=EXTRACT)
            except BadInput as exc:
                _one_line(exc)
                assert st.latest_snapshot() == before  # refused: nothing changed
                tally["refused"] += 1
                continue
            (c,) = report.files
            assert c.rows_read == c.rows_loaded + c.rows_quarantined, (number, case.kind)
            if case.records is not None:  # well-formed CSV: every record was read
                assert c.rows_read == case.records, (number, case.data[:300])
            assert st.arrow(table).num_rows == c.rows_loaded
            assert st.quarantine().num_rows == c.rows_quarantined
            tally["read"] += c.rows_read
            tally["loaded"] += c.rows_loaded
            tally["quarantined"] += c.rows_quarantined
            path.unlink()
    _opens_and_computes(store)
    return tally


def _importers(tmp_path: Path, src, count: int) -> dict[str, int]:  # type: ignore[no-untyped-def]
    store = tmp_path / "s.duckdb"
    tally = {"cases": 0, "refused": 0, "imported": 0}
    raw = tmp_path / "raw"
    raw.mkdir()
    mod = importer(src.name)
    for number in range(count):
        which, data = importer_case(src, number)
        paths = []
        for i, (name, (header, body)) in enumerate(src.files.items()):
            p = raw / name
            p.write_bytes(data if i == which else
                          (src.prefix + "\n".join([header, *body]) + "\n").encode("utf-8"))
            paths.append(p)
        tally["cases"] += 1
        try:
            res = mod.import_files(paths, force=src.force, options={})
        except BadInput as exc:
            _one_line(exc)
            tally["refused"] += 1
            continue
        res.check()  # every file: read = mapped + quarantined + out of scope
        for name, table in res.tables.items():
            assert table.column_names == TABLES[name].column_names
        if number % STORE_EVERY == 0:
            before = None
            if store.exists():
                with Store(store, read_only=True) as st:
                    before = st.latest_snapshot()
            try:
                lines = run_import(src.name, paths, store, force=src.force,
                                   options={"extract_date": EXTRACT.isoformat()})
            except BadInput as exc:  # e.g. no row left to load once the store has checked
                _one_line(exc)
                if store.exists():
                    with Store(store, read_only=True) as st:
                        assert st.latest_snapshot() == before
                continue
            check_lines(lines)
            assert re.fullmatch(r"snapshot \d+ created", lines[-1])
            tally["imported"] += 1
    if store.exists():
        _opens_and_computes(store)
    return tally


TABLE_CASES = [pytest.param(t, FAST_FILES, id=f"{t}-fast") for t in TABLES] + \
    [pytest.param(t, SLOW_FILES, id=f"{t}-slow", marks=pytest.mark.slow) for t in TABLES]
SOURCE_CASES = [pytest.param(s, FAST_RAW, id=f"{s.name}-fast") for s in SOURCES] + \
    [pytest.param(s, SLOW_RAW, id=f"{s.name}-slow", marks=pytest.mark.slow) for s in SOURCES]


@pytest.mark.parametrize("table, count", TABLE_CASES)
def test_canonical_corpus(tmp_path, table, count):
    tally = _canonical(tmp_path, table, count)
    assert tally["cases"] == count
    print(f"corpus {table}: {tally}")


@pytest.mark.parametrize("src, count", SOURCE_CASES)
def test_importer_corpus(tmp_path, src, count):
    tally = _importers(tmp_path, src, count)
    assert tally["cases"] == count
    print(f"corpus {src.name}: {tally}")
