"""Streaming loads: a file is checked inside DuckDB and its good rows go file to store on disk.

The staged check must give what the in-memory check gives (rows, quarantine lines, months), a
load must write the staged rows without reading them into Python, and leave no staging file.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from crimeplan.contract.schema import TABLES
from crimeplan.store import Store, check_file
from tests.robustness._cases import rows, text

EXTRACT = dt.date(2024, 12, 31)


def _crimes(tmp_path: Path) -> tuple[Path, list[dict[str, str]]]:
    """A crimes CSV over three months: good rows, and one each missing, misdated and repeated."""
    data = rows("crimes", 9)
    for i, r in enumerate(data):
        r["recorded_date"], r["outcome_date"] = f"2024-0{1 + i % 3}-1{i}", "2024-06-01"
    data[2]["recorded_date"] = ""  # row 3: required value missing
    data[5]["recorded_date"] = "2024-13-01"  # row 6: not a date
    data[7]["crime_id"] = data[0]["crime_id"]  # row 8: repeats row 1's id
    path = tmp_path / "crimes.csv"
    path.write_text(text("crimes", data), encoding="utf-8")
    return path, data


def test_a_staged_check_keeps_the_rows_the_quarantine_and_the_months(tmp_path: Path) -> None:
    """Staged in a DuckDB file or held in memory, one file checks to the same outcome."""
    path, data = _crimes(tmp_path)
    stage = tmp_path / "stage"
    stage.mkdir()
    in_memory = check_file(path, TABLES["crimes"], extract_date=EXTRACT)
    staged = check_file(path, TABLES["crimes"], extract_date=EXTRACT, stage=stage)
    assert in_memory.staged is None and staged.staged is not None
    assert staged.staged.database.parent == stage and staged.staged.database.exists()
    assert staged.quarantine.to_pylist() == in_memory.quarantine.to_pylist()
    assert [(q["row"], q["field"]) for q in staged.quarantine.to_pylist()] == [
        (3, "recorded_date"), (6, "recorded_date"), (8, "crime_id")]
    assert staged.rows_loaded == 6 and staged.rows_read == 9
    assert staged.good.to_pylist() == in_memory.good.to_pylist()
    kept = [r for i, r in enumerate(data, start=1) if i not in (3, 6, 8)]
    assert staged.good.column("crime_id").to_pylist() == [r["crime_id"] for r in kept]
    months = Counter(dt.date(2024, int(r["recorded_date"][5:7]), 1) for r in kept)
    assert staged.staged.months == dict(months)


def test_a_load_writes_staged_rows_without_reading_them_into_python(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The store copies the staged rows itself: reading them into Arrow would fail here."""
    import crimeplan.store._validate as validate

    def refuse(_database: Path) -> None:
        raise AssertionError("a streaming load read the good rows into memory")

    monkeypatch.setattr(validate, "read_staged", refuse)
    path, data = _crimes(tmp_path)
    store_path = tmp_path / "s.duckdb"
    with Store(store_path) as store:
        report = store.load({"crimes": [path]}, extract_date=EXTRACT, accept_quarantine=True)
        loaded = store.arrow("crimes")
        quarantine = store.quarantine().to_pylist()
    (checked,) = report.files
    assert (checked.rows_read, checked.rows_loaded, checked.rows_quarantined) == (9, 6, 3)
    kept = [r for i, r in enumerate(data, start=1) if i not in (3, 6, 8)]
    assert loaded.column("crime_id").to_pylist() == [r["crime_id"] for r in kept]
    assert [d.isoformat() for d in loaded.column("recorded_date").to_pylist()] == [
        r["recorded_date"] for r in kept]
    assert [(q["file"], q["row"], q["field"]) for q in quarantine] == [
        (str(path), 3, "recorded_date"), (str(path), 6, "recorded_date"), (str(path), 8, "crime_id")]
    assert not list(tmp_path.glob(".crimeplan-load-*")), "the staging folder outlived the load"


def test_an_appended_file_numbers_on_from_the_rows_before(tmp_path: Path) -> None:
    """A staged file appended to a table continues its load order (__ord) after the earlier rows."""
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    data = rows("crimes", 4)
    first.write_text(text("crimes", data[:2]), encoding="utf-8")
    second.write_text(text("crimes", data[2:]), encoding="utf-8")
    with Store(tmp_path / "s.duckdb") as store:
        store.load({"crimes": [first]}, extract_date=EXTRACT)
        store.load({"crimes": [second]}, extract_date=EXTRACT, append=True)
        ids = store.arrow("crimes").column("crime_id").to_pylist()
        order = [r[0] for r in store.con.execute(
            f'SELECT __ord FROM "{store.physical_tables()["crimes"]}" ORDER BY __ord').fetchall()]
    assert ids == [r["crime_id"] for r in data]
    assert order == [1, 2, 3, 4]


def test_a_refused_load_leaves_no_staging_files(tmp_path: Path) -> None:
    """A load refused after checking (too much quarantined) still removes what it staged."""
    path, _ = _crimes(tmp_path)
    with Store(tmp_path / "s.duckdb") as store, pytest.raises(Exception, match="quarantine"):
        store.load({"crimes": [path]}, extract_date=EXTRACT)
    assert not list(tmp_path.glob(".crimeplan-load-*"))
