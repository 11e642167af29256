"""Ids across the files of one streaming load are compared in the store's DuckDB (`store._overlap`).

Each case is worked out by hand and checked twice: against the DuckDB store's load (files staged,
compared in SQL, never read into Python) and against `contract.overlap.dedupe_across_files` on
the same files checked in memory (the path a PostgreSQL or Spark store takes), which must agree
line for line.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from crimeplan.contract.loss import tally_checked
from crimeplan.contract.overlap import dedupe_across_files
from crimeplan.contract.schema import TABLES
from crimeplan.contract.validate import Checked
from crimeplan.errors import BadInput
from crimeplan.store import Store, check_file
from tests.robustness._cases import GOOD, rows, text

EXTRACT = dt.date(2024, 12, 31)
IN_FILE_REPEAT = "duplicate id (an earlier row has the same crime_id)"
MISSING = "required value is missing"
HINT = "if the overlap is meant, load again with --allow-overlap (repeats are then quarantined)"


def _write(path: Path, table: str, data: list[dict[str, str]]) -> Path:
    """The rows as CSV, or as Parquet of text columns (an empty value a null), by the suffix."""
    if path.suffix == ".csv":
        path.write_text(text(table, data), encoding="utf-8")
    else:
        cols = TABLES[table].column_names
        pq.write_table(pa.table({c: pa.array([r.get(c) or None for r in data], pa.string()) for c in cols}),
                       path)
    return path


def _crime(crime_id: str, month: int, **overrides: str) -> dict[str, str]:
    row = dict(GOOD["crimes"], crime_id=crime_id, recorded_date=f"2024-0{month}-05", outcome_date="2024-06-01")
    return {**row, **overrides}


def _three_files(tmp_path: Path, suffix: str) -> list[Path]:
    """Three files of crimes whose ids repeat across them (and once within the first)."""
    a = [_crime("C1", 1), _crime("C2", 1), _crime("C3", 2), _crime("C2", 2)]
    b = [_crime("C4", 2), _crime("C2", 3), _crime("C5", 3), _crime("C1", 3), _crime("C3", 3, recorded_date="")]
    c = [_crime("C5", 4), _crime("C6", 4), _crime("C1", 4), _crime("C4", 5), _crime("C7", 5)]
    return [_write(tmp_path / f"{n}{suffix}", "crimes", d) for n, d in (("a", a), ("b", b), ("c", c))]


def _in_memory(paths: list[Path], table: str = "crimes", **kw: bool) -> list[Checked]:
    """The Python path: each file checked into Arrow, then compared across files in Python."""
    parts = [check_file(p, TABLES[table], extract_date=EXTRACT) for p in paths]
    return dedupe_across_files(parts, TABLES[table], allow_overlap=kw.get("allow_overlap", False))


def _lines(parts: list[Checked]) -> list[tuple[object, ...]]:
    return [tuple(q.values()) for c in parts for q in c.quarantine.to_pylist()]


def _months(parts: list[Checked]) -> dict[dt.date | None, tuple[int, int]]:
    """Rows read and quarantined by month, as the quarantine-share rule counts them."""
    return {m: (t.rows, t.quarantined) for m, t in tally_checked(parts, date_column="recorded_date").items()}


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_ids_repeated_across_three_files_go_to_the_later_files_quarantine(
        tmp_path: Path, suffix: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each later copy names the first file and row with its id; the staged rows never enter Python."""
    import crimeplan.store._validate as validate

    a, b, c = _three_files(tmp_path, suffix)
    expected_lines = [
        (str(a), 4, "crime_id", "C2", IN_FILE_REPEAT),
        (str(b), 2, "crime_id", "C2", f"duplicate id: also in {a} row 2"),
        (str(b), 4, "crime_id", "C1", f"duplicate id: also in {a} row 1"),
        (str(b), 5, "recorded_date", None, MISSING),
        (str(c), 1, "crime_id", "C5", f"duplicate id: also in {b} row 3"),
        (str(c), 3, "crime_id", "C1", f"duplicate id: also in {a} row 1"),
        (str(c), 4, "crime_id", "C4", f"duplicate id: also in {b} row 1"),
    ]
    python_path = _in_memory([a, b, c])
    assert _lines(python_path) == expected_lines
    assert [(p.rows_read, p.rows_loaded, p.rows_quarantined) for p in python_path] == [(4, 3, 1), (5, 2, 3), (5, 2, 3)]

    def refuse(*_: object) -> None:
        raise AssertionError("a streaming load read the good rows into memory")

    monkeypatch.setattr(validate, "read_staged", refuse)
    with Store(tmp_path / "s.duckdb") as store:
        report = store.load({"crimes": [a, b, c]}, extract_date=EXTRACT, accept_quarantine=True)
        loaded = store.arrow("crimes")
        stored = [tuple(q.values())[1:] for q in store.quarantine().to_pylist()]
    assert _lines(report.files) == expected_lines
    assert stored == expected_lines
    assert [(p.rows_read, p.rows_loaded, p.rows_quarantined) for p in report.files] == [(4, 3, 1), (5, 2, 3), (5, 2, 3)]
    assert loaded.column("crime_id").to_pylist() == ["C1", "C2", "C3", "C4", "C5", "C6", "C7"]
    assert [d.month for d in loaded.column("recorded_date").to_pylist()] == [1, 1, 2, 2, 3, 4, 5]
    # the quarantine-share rule counts the same rows in the same months either way: a file with
    # repeats has its quarantined rows counted as of unknown month, as the Python path does
    assert _months(report.files) == _months(python_path) == {
        dt.date(2024, 1, 1): (2, 0), dt.date(2024, 2, 1): (3, 1), dt.date(2024, 3, 1): (1, 0),
        dt.date(2024, 4, 1): (1, 0), dt.date(2024, 5, 1): (1, 0), None: (6, 6)}


@pytest.mark.parametrize("together", [False, True], ids=["checked-one-by-one", "checked-together"])
def test_ids_compared_in_several_passes_give_the_same_lines(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, together: bool) -> None:
    """A load too big to group at once is split by id hash into passes: the outcome is the same."""
    import crimeplan.store._overlap as overlap_sql
    import crimeplan.store.duck as duck

    paths = _three_files(tmp_path, ".parquet")
    with Store(tmp_path / "once.duckdb") as store:
        once = store.load({"crimes": paths}, extract_date=EXTRACT, accept_quarantine=True)
        loaded_once = store.arrow("crimes").to_pylist()
    asked: list[object] = []
    # one by one: 12 good rows, 4 passes of the hashes; 9 rows have an id another file has (C1 ×3,
    # C2, C4 and C5 ×2): 5 passes of those.  Together, the one pass already found the rows whose
    # id hash is in two files, so the comparison has no hashing step, only passes over those
    monkeypatch.setattr(overlap_sql, "hashes_per_pass", lambda: asked.append("hashes") or 3)
    monkeypatch.setattr(overlap_sql, "rows_per_pass", lambda: asked.append("ids") or 2)
    candidates = overlap_sql._candidate_rows
    monkeypatch.setattr(overlap_sql, "_candidate_rows", lambda *a: asked.append(candidates(*a)) or asked[-1])
    if not together:
        monkeypatch.setattr(duck, "check_files_together", lambda *_, **__: None)
    with Store(tmp_path / "passes.duckdb") as store:
        passes = store.load({"crimes": paths}, extract_date=EXTRACT, accept_quarantine=True)
        assert store.arrow("crimes").to_pylist() == loaded_once
    assert asked == (["ids"] if together else ["hashes", 9, "ids"])
    assert _lines(passes.files) == _lines(once.files) and len(_lines(once.files)) == 7


def test_ids_that_only_share_a_hash_are_not_repeats(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first step groups id hashes; ids that collide there are told apart by their text."""
    import crimeplan.store._overlap as overlap_sql

    a = _write(tmp_path / "a.parquet", "crimes", [_crime("C1", 1), _crime("C22", 1)])
    b = _write(tmp_path / "b.parquet", "crimes", [_crime("C3", 2), _crime("C44", 2), _crime("C1", 3)])
    # every id of the same length collides: C1 and C3, C22 and C44 share a "hash", and only C1 repeats
    monkeypatch.setattr(overlap_sql, "_hash_sql", lambda key: f"CAST(length({overlap_sql._key_sql(key)}) AS UBIGINT)")
    with Store(tmp_path / "s.duckdb") as store:
        report = store.load({"crimes": [a, b]}, extract_date=EXTRACT, accept_quarantine=True)
        assert store.arrow("crimes").column("crime_id").to_pylist() == ["C1", "C22", "C3", "C44"]
    assert _lines(report.files) == _lines(_in_memory([a, b])) == [
        (str(b), 3, "crime_id", "C1", f"duplicate id: also in {a} row 1")]


def test_files_with_no_shared_id_hash_skip_the_id_comparison(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No hash in two files: no id is read for the second step, and nothing is quarantined."""
    import crimeplan.store._overlap as overlap_sql

    a = _write(tmp_path / "a.parquet", "crimes", [_crime("C1", 1), _crime("C2", 1)])
    b = _write(tmp_path / "b.parquet", "crimes", [_crime("C3", 2)])
    monkeypatch.setattr(overlap_sql, "rows_per_pass", lambda: pytest.fail("the ids were compared"))
    with Store(tmp_path / "s.duckdb") as store:
        report = store.load({"crimes": [a, b]}, extract_date=EXTRACT)
        assert store.arrow("crimes").column("crime_id").to_pylist() == ["C1", "C2", "C3"]
    assert _lines(report.files) == []


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_a_file_all_of_whose_ids_an_earlier_file_has_is_refused(tmp_path: Path, suffix: str) -> None:
    """The refusal names the file's first id and where the load first had it, unless overlap is allowed."""
    a = _write(tmp_path / f"a{suffix}", "crimes", [_crime("C1", 1), _crime("C2", 1)])
    b = _write(tmp_path / f"b{suffix}", "crimes", [_crime("C9", 1, offence_code="")])
    c = _write(tmp_path / f"c{suffix}", "crimes", [_crime("C2", 2), _crime("C9", 2)])
    message = (f"every id in this file was already in an earlier file of the same load "
               f"(e.g. 'C2' in {a} row 2): {HINT}")
    with pytest.raises(BadInput) as python_path:
        _in_memory([a, b, c])
    with Store(tmp_path / "s.duckdb") as store, pytest.raises(BadInput) as staged:
        store.load({"crimes": [a, b, c]}, extract_date=EXTRACT, accept_quarantine=True)
    for raised in (python_path.value, staged.value):
        assert str(raised) == f"file {c}, row 1, field 'crime_id': {message}"
    with Store(tmp_path / "s.duckdb") as store:
        report = store.load({"crimes": [a, b, c]}, extract_date=EXTRACT, accept_quarantine=True,
                            allow_overlap=True)
        assert store.arrow("crimes").column("crime_id").to_pylist() == ["C1", "C2", "C9"]
    assert _lines(report.files) == _lines(_in_memory([a, b, c], allow_overlap=True)) == [
        (str(c), 1, "crime_id", "C2", f"duplicate id: also in {a} row 2"),
        (str(c), 2, "crime_id", "C9", f"duplicate id: also in {b} row 1")]


def test_a_byte_copy_in_the_same_load_is_refused_before_any_comparison(tmp_path: Path) -> None:
    """Two files of the same bytes: refused naming the first, whatever their ids."""
    a = _write(tmp_path / "a.parquet", "crimes", [_crime("C1", 1)])
    b = tmp_path / "b.parquet"
    b.write_bytes(a.read_bytes())
    with Store(tmp_path / "s.duckdb") as store, pytest.raises(BadInput) as raised:
        store.load({"crimes": [a, b]}, extract_date=EXTRACT)
        assert store.latest_snapshot() is None
    assert str(raised.value) == f"file {b}, row 0: this file is a copy of {a} in the same load: {HINT}"


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_a_composite_key_repeats_only_when_every_part_does(tmp_path: Path, suffix: str) -> None:
    """Workforce rows are one person in one month: the same person another month is no repeat."""
    def person(pid: str, month_end: str) -> dict[str, str]:
        return dict(rows("workforce", 1)[0], person_id=pid, month_end=month_end)

    a = _write(tmp_path / f"a{suffix}", "workforce", [person("P1", "2024-01-31"), person("P2", "2024-01-31")])
    b = _write(tmp_path / f"b{suffix}", "workforce", [person("P1", "2024-02-29"), person("P2", "2024-01-31")])
    expected = [(str(b), 2, "person_id", "P2\x1f2024-01-31", f"duplicate id: also in {a} row 2")]
    with Store(tmp_path / "s.duckdb") as store:
        report = store.load({"workforce": [a, b]}, extract_date=EXTRACT, accept_quarantine=True)
        loaded = store.arrow("workforce")
    assert _lines(report.files) == _lines(_in_memory([a, b], "workforce")) == expected
    assert list(zip(loaded.column("person_id").to_pylist(),
                    [d.isoformat() for d in loaded.column("month_end").to_pylist()])) == [
        ("P1", "2024-01-31"), ("P2", "2024-01-31"), ("P1", "2024-02-29")]


@pytest.mark.parametrize("together", [True, False], ids=["checked-together", "checked-one-by-one"])
def test_a_file_changed_before_the_ids_are_compared_is_refused_naming_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, together: bool) -> None:
    """The comparison reads the staged files again: a file whose rows no longer convert is named as
    changed, whether the files were checked in one pass or one by one."""
    import crimeplan.store.duck as duck

    a = _write(tmp_path / "a.parquet", "crimes", [_crime("C1", 1), _crime("C2", 1)])
    b = _write(tmp_path / "b.parquet", "crimes", [_crime("C3", 1)])
    real_check, real_together = duck.check_file, duck.check_files_together

    def check_then_change(path: Path, *args: object, **kw: object) -> Checked:
        checked = real_check(path, *args, **kw)  # type: ignore[arg-type]
        if path == b:  # the rows checked were dates; now one is not
            _write(b, "crimes", [_crime("C3", 1, recorded_date="not a date")])
        return checked

    def check_all_then_change(paths: list[Path], *args: object, **kw: object) -> list[Checked] | None:
        checked = real_together(paths, *args, **kw)  # type: ignore[arg-type]
        assert checked is not None  # two Parquet files of one schema: one pass
        _write(b, "crimes", [_crime("C3", 1, recorded_date="not a date")])
        return checked

    if together:
        monkeypatch.setattr(duck, "check_files_together", check_all_then_change)
    else:
        monkeypatch.setattr(duck, "check_files_together", lambda *a, **k: None)
        monkeypatch.setattr(duck, "check_file", check_then_change)
    with Store(tmp_path / "s.duckdb") as store:
        with pytest.raises(BadInput, match="changed while it was being loaded") as refused:
            store.load({"crimes": [a, b]}, extract_date=EXTRACT)
        assert refused.value.file == str(b) and store.latest_snapshot() is None
