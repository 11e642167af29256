"""Streaming loads: a file is checked inside the store's DuckDB and its good rows stay there.

The staged check must give what the in-memory check gives (rows, quarantine lines, months), a
load must write the staged rows without reading them into Python, and leave no staged table.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from crimeplan.contract.schema import TABLES
from crimeplan.errors import BadInput
from crimeplan.store import Store, check_file
from tests.robustness._cases import rows, text

EXTRACT = dt.date(2024, 12, 31)


def _temp_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every temporary table and view of the connection (registered relations are views)."""
    return sorted(r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE temporary "
        "UNION ALL SELECT view_name FROM duckdb_views() WHERE temporary AND NOT internal").fetchall())


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
    con = duckdb.connect()
    in_memory = check_file(path, TABLES["crimes"], extract_date=EXTRACT)
    staged = check_file(path, TABLES["crimes"], extract_date=EXTRACT, stage_in=con)
    assert in_memory.staged is None and staged.staged is not None
    # the connection keeps the staged view of the good rows, the read it filters and the bad rows'
    # numbers, all named for this file; nothing else of the check (no raw, bad or lookup left)
    tag = staged.staged.table.removeprefix("_good_")
    assert _temp_tables(con) == sorted(f"{kind}_{tag}" for kind in ("_bad", "_good", "_raw"))
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

    def refuse(*_: object) -> None:
        raise AssertionError("a streaming load read the good rows into memory")

    monkeypatch.setattr(validate, "read_staged", refuse)
    path, data = _crimes(tmp_path)
    store_path = tmp_path / "s.duckdb"
    with Store(store_path) as store:
        report = store.load({"crimes": [path]}, extract_date=EXTRACT, accept_quarantine=True)
        loaded = store.arrow("crimes")
        quarantine = store.quarantine().to_pylist()
        assert _temp_tables(store.con) == [], "a staged table outlived the load"
    (checked,) = report.files
    assert (checked.rows_read, checked.rows_loaded, checked.rows_quarantined) == (9, 6, 3)
    kept = [r for i, r in enumerate(data, start=1) if i not in (3, 6, 8)]
    assert loaded.column("crime_id").to_pylist() == [r["crime_id"] for r in kept]
    assert [d.isoformat() for d in loaded.column("recorded_date").to_pylist()] == [
        r["recorded_date"] for r in kept]
    assert [(q["file"], q["row"], q["field"]) for q in quarantine] == [
        (str(path), 3, "recorded_date"), (str(path), 6, "recorded_date"), (str(path), 8, "crime_id")]


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


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_an_appended_file_meets_the_stored_ids_in_the_store(tmp_path: Path, fmt: str, monkeypatch) -> None:
    """Appending: a row whose id the store holds goes to quarantine with the append reason, the
    others load, and the stored ids are compared where they lie (never read into Python)."""
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    import crimeplan.store.duck as duck
    from crimeplan.contract.overlap import APPEND_REASON

    data = rows("crimes", 5)
    first, second = tmp_path / "a.csv", tmp_path / f"b.{fmt}"
    first.write_text(text("crimes", data[:3]), encoding="utf-8")
    later = [data[1], data[3], data[4]]  # row 1 repeats a stored id
    (tmp_path / "b.txt").write_text(text("crimes", later), encoding="utf-8")
    if fmt == "csv":
        (tmp_path / "b.txt").rename(second)
    else:
        pq.write_table(pacsv.read_csv(tmp_path / "b.txt", convert_options=pacsv.ConvertOptions(
            column_types={c: "string" for c in data[0]})), second)
    with Store(tmp_path / "s.duckdb") as store:
        store.load({"crimes": [first]}, extract_date=EXTRACT)
        read: list[str] = []
        real = duck.arrow
        monkeypatch.setattr(duck, "arrow", lambda con, sql, *a: read.append(sql) or real(con, sql, *a))
        report = store.load({"crimes": [second]}, extract_date=EXTRACT, append=True, accept_quarantine=True)
        ids = store.arrow("crimes").column("crime_id").to_pylist()
        assert _temp_tables(store.con) == []
    (checked,) = report.files
    assert (checked.rows_read, checked.rows_loaded, checked.rows_quarantined) == (3, 2, 1)
    assert checked.quarantine.column("row").to_pylist() == [1]
    assert checked.quarantine.column("reason").to_pylist() == [APPEND_REASON]
    assert ids == [r["crime_id"] for r in (*data[:3], data[3], data[4])]
    assert not [sql for sql in read if "crime_id" in sql], "the stored ids were read into Python"


def test_a_refused_load_leaves_no_staging_files(tmp_path: Path) -> None:
    """A load refused after checking (too much quarantined) still drops what it staged."""
    path, _ = _crimes(tmp_path)
    with Store(tmp_path / "s.duckdb") as store:
        with pytest.raises(Exception, match="quarantine"):
            store.load({"crimes": [path]}, extract_date=EXTRACT)
        assert _temp_tables(store.con) == []


def test_a_parquet_file_of_contract_types_checks_as_its_csv_does(tmp_path: Path) -> None:
    """Columns kept in their Parquet types (not parsed as text) break the same rules on the same rows."""
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    day = dt.date(2024, 3, 1)
    data = pa.table({
        "incident_id": ["I1", "I2", "I3", "I1", "I5", "I6", "I7"],
        "opened_at": pa.array([dt.datetime(2024, 3, 1, 10), dt.datetime(1989, 12, 31, 9), None,
                               dt.datetime(2024, 3, 2, 8), dt.datetime(2025, 1, 2, 8),
                               dt.datetime(2024, 3, 3, 8), dt.datetime(2024, 3, 4, 8)], pa.timestamp("us")),
        "category": ["asb", "asb", "asb", "crime", "asb", "asb", "asb"],
        "district": ["A"] * 7,
        "grade": pa.array([1, 2, 2, 3, 4, 9, 2], pa.int64()),  # row 6: above the maximum 4
        "urban": [True, False, True, None, True, True, False],
        # row 7: attended before it was opened
        "attended_at": pa.array([dt.datetime(2024, 3, 1, 10, 12), None, None, None, None, None,
                                 dt.datetime(2024, 3, 4, 7)], pa.timestamp("us")),
    })
    parquet, csv = tmp_path / "incidents.parquet", tmp_path / "incidents.csv"
    pq.write_table(data, parquet)
    pacsv.write_csv(data, csv)
    as_parquet = check_file(parquet, TABLES["incidents"], extract_date=EXTRACT, stage_in=duckdb.connect())
    as_csv = check_file(csv, TABLES["incidents"], extract_date=EXTRACT)

    def lines(c: object) -> list[tuple[int, str, str]]:
        return [(q["row"], q["field"], q["reason"]) for q in c.quarantine.to_pylist()]  # type: ignore[attr-defined]

    assert lines(as_parquet) == lines(as_csv)
    assert [(row, fld) for row, fld, _ in lines(as_parquet)] == [
        (2, "opened_at"), (3, "opened_at"), (4, "incident_id"), (5, "opened_at"), (6, "grade"),
        (7, "attended_at")]
    assert as_parquet.good.to_pylist() == as_csv.good.to_pylist()
    assert as_parquet.good.column("incident_id").to_pylist() == ["I1"]
    assert as_parquet.staged is not None and as_parquet.staged.months == {day: 1}


def test_a_parquet_file_past_the_in_memory_bound_streams_into_duckdb(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Checked in place, a Parquet file past the in-memory bound (a fifth of the memory limit) loads
    into a DuckDB store; checked into memory (another store's load) it is refused, naming the file."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    import crimeplan._limits as limits

    bound = 500_000  # bytes: a small in-memory bound, DuckDB's own ceiling left as it is
    monkeypatch.setattr(limits, "max_text_bytes", lambda: bound)
    data = rows("crimes", 100_000)
    path = tmp_path / "crimes.parquet"
    pq.write_table(pa.Table.from_pylist(data), path)
    size = sum(pq.ParquetFile(path).metadata.row_group(i).total_byte_size
               for i in range(pq.ParquetFile(path).metadata.num_row_groups))
    assert size > bound
    with pytest.raises(BadInput) as refused:
        check_file(path, TABLES["crimes"], extract_date=EXTRACT)
    assert refused.value.file == str(path) and "Parquet data (uncompressed)" in str(refused.value)
    with Store(tmp_path / "s.duckdb") as store:
        report = store.load({"crimes": [path]}, extract_date=EXTRACT)
        assert report.files[0].rows_read == 100_000
        loaded = store.con.execute(f"SELECT count(*), count(DISTINCT crime_id) FROM "
                                   f"{store.physical_tables()['crimes']}").fetchone()
    assert loaded == (100_000 - report.files[0].rows_quarantined,) * 2


def test_a_parquet_file_changed_between_its_check_and_its_copy_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A Parquet file is checked in place and read again to copy it: if it changed in between (rows
    nobody checked), the load is refused naming the file and the store is left as it was."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    import crimeplan.store.duck as duck

    data = rows("crimes", 6)
    path = tmp_path / "crimes.parquet"
    pq.write_table(pa.Table.from_pylist(data), path)
    real_check = duck.check_file

    def check_then_change(*args: object, **kw: object):
        checked = real_check(*args, **kw)
        bad = [dict(r, recorded_date="not a date") for r in data]  # every row would be quarantined
        pq.write_table(pa.Table.from_pylist(bad), path)
        return checked

    monkeypatch.setattr(duck, "check_file", check_then_change)
    with Store(tmp_path / "s.duckdb") as store:
        with pytest.raises(BadInput, match="changed while it was being loaded") as refused:
            store.load({"crimes": [path]}, extract_date=EXTRACT)
        assert refused.value.file == str(path)
        assert store.latest_snapshot() is None and _temp_tables(store.con) == []
