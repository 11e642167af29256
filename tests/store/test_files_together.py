"""Many files of one table (Parquet of one schema, or CSV of one header) are checked in one pass
over them all (`check_files_together`).

A national load has hundreds of files per table; checked one at a time, each query scanned one
file and the comparison of ids and the write each read a union of hundreds of views.  Read as
one, the outcome must not change: the store (rows, their load order, the files' reconciliation,
the quarantine, line for line) is the same as when the same files are checked one by one, which
is the path the hand-worked cases of test_overlap_in_sql and test_streaming_load were first
written against.
"""

from __future__ import annotations

import datetime as dt
import gzip
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from crimeplan.contract.loss import tally_checked
from crimeplan.contract.schema import TABLES
from crimeplan.contract.validate import Staged
from crimeplan.store import Store
from crimeplan.store._duck import arrow
from tests.robustness._cases import text
from tests.store.test_overlap_in_sql import EXTRACT, _crime, _three_files

TEXT_COLUMNS = TABLES["crimes"].column_names


def _crimes(path: Path, data: list[dict[str, str]], typed: bool) -> Path:
    """Crimes as CSV (gzipped by a .csv.gz name), or as Parquet: every column text (an empty value a
    null), or the contract's own types."""
    if path.suffix == ".csv":
        path.write_text(text("crimes", data), encoding="utf-8")
        return path
    if path.name.endswith(".csv.gz"):
        path.write_bytes(gzip.compress(text("crimes", data).encode("utf-8")))
        return path
    def col(name: str, kind: str) -> pa.Array:
        values = [r.get(name) or None for r in data]
        if not typed or kind == "str":
            return pa.array(values, pa.string())
        if kind == "date":
            return pa.array([dt.date.fromisoformat(v) if v else None for v in values], pa.date32())
        if kind == "bool":
            return pa.array([None if v is None else v == "true" for v in values], pa.bool_())
        return pa.array([int(v) if v else None for v in values], pa.int64())

    pq.write_table(pa.table({c.name: col(c.name, c.type) for c in TABLES["crimes"].columns}), path)
    return path


def _areas(path: Path) -> Path:
    pq.write_table(pa.table({"district": ["A", "B"], "lpa": ["North", "South"], "force": ["Testshire"] * 2,
                             "population": ["1000", "2000"]}), path)
    return path


def _c(crime_id: str, month: int, **overrides: str) -> dict[str, str]:
    """A good crime of 2024's month (its outcome in December, after it), as overridden."""
    return _crime(crime_id, month, **{"outcome_date": "2024-12-01", **overrides})


def _files(tmp_path: Path, typed: bool, suffix: str = ".parquet") -> list[Path]:
    """Four files: bad values of many kinds, ids repeated within and across files, an empty file.

    Text columns: a keeps C1 (C2 unknown district, C3 no such date, C2 again, C4 no offence
    group); b keeps C6 (C5's age is not whole, C1 is a's, C6 again, C7 after the extract); d keeps
    C8, C5 (b refused its C5) and C9 (C1 is a's).  Contract types (no text to misread): a also
    keeps C3, b also C5, so d's C5 repeats b's."""
    broken = {} if typed else {"recorded_date": "2024-13-01"}
    a = [_c("C1", 1, district="A"), _c("C2", 1, district="Z"), _c("C3", 2, **broken),
         _c("C2", 2, district="B"), _c("C4", 2, offence_group="")]
    b = [_c("C5", 3, offender_age="" if typed else "x"), _c("C1", 3), _c("C6", 3),
         _c("C6", 4), _c("C7", 4, recorded_date="2025-06-01")]
    c: list[dict[str, str]] = []
    d = [_c("C8", 5), _c("C5", 5), _c("C9", 6, domestic_abuse="false"), _c("C1", 6)]
    return [_crimes(tmp_path / f"{n}{suffix}", rows, typed) for n, rows in (("a", a), ("b", b), ("c", c), ("d", d))]


def _store_as_read(store: Store, sid: int) -> dict[str, object]:
    """Everything a load leaves that a reader or a later load sees."""
    phys = store.physical_tables(sid)["crimes"]
    return {
        "rows": arrow(store.con, f"SELECT * FROM {phys} ORDER BY __ord").to_pylist(),
        "files": arrow(store.con, "SELECT * EXCLUDE (snapshot_id, sha256) FROM _snapshot_files "
                                  "WHERE snapshot_id = ? ORDER BY table_name, file", [sid]).to_pylist(),
        "quarantine": store.quarantine(sid).to_pylist(),
        "month_sums": arrow(store.con, "SELECT * FROM _month_sums ORDER BY ALL").to_pylist(),
    }


def _load(tmp_path: Path, name: str, together: bool, monkeypatch: pytest.MonkeyPatch,
          loads: list[dict[str, list[Path]]]) -> tuple[list[object], list[dict]]:
    """Load each set of files in turn (the later ones appended): the reports and the store after each."""
    import crimeplan.store.duck as duck

    real = duck.check_files_together
    passes: list[int] = []

    def spy(paths: list[Path], *a: object, **k: object) -> object:
        out = real(paths, *a, **k) if together else None  # type: ignore[arg-type]
        passes.append(len(paths) if out is not None else 0)
        return out

    monkeypatch.setattr(duck, "check_files_together", spy)
    reports, states = [], []
    with Store(tmp_path / f"{name}.duckdb") as store:
        for i, files in enumerate(loads):
            report = store.load(files, extract_date=EXTRACT, accept_quarantine=True,
                                append=i > 0, quarantine_dir=tmp_path / f"q-{name}")
            reports.append(report)
            states.append(_store_as_read(store, report.snapshot_id))
    monkeypatch.undo()
    if together:  # the crimes went through the one pass (areas is one file: checked alone)
        assert max(passes) >= 2
    return reports, states


FORMS = [(False, ".parquet"), (True, ".parquet"), (False, ".csv"), (False, ".csv.gz")]
FORM_IDS = ["parquet-text-columns", "parquet-contract-types", "csv", "csv-gzipped"]


@pytest.mark.parametrize(("typed", "suffix"), FORMS, ids=FORM_IDS)
def test_files_checked_together_leave_the_store_they_leave_one_by_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, typed: bool, suffix: str) -> None:
    """Rows, load order, each file's counts, the quarantine lines and months: all equal either way."""
    areas = _areas(tmp_path / "areas.parquet")
    first = _files(tmp_path, typed, suffix)
    later = [_crimes(tmp_path / f"e{suffix}", [_c("C10", 7), _c("C3", 7)], typed),
             _crimes(tmp_path / f"f{suffix}", [_c("C11", 8), _c("C10", 8)], typed)]
    loads = [{"areas": [areas], "crimes": first}, {"crimes": later}]
    together, states_together = _load(tmp_path, "together", True, monkeypatch, loads)
    alone, states_alone = _load(tmp_path, "alone", False, monkeypatch, loads)
    assert states_together == states_alone
    for t, a in zip(together, alone):
        assert [(c.file, c.rows_read, c.rows_loaded, c.rows_quarantined) for c in t.files] == \
            [(c.file, c.rows_read, c.rows_loaded, c.rows_quarantined) for c in a.files]
        assert [c.quarantine.to_pylist() for c in t.files] == [c.quarantine.to_pylist() for c in a.files]
        assert [c.rows_loaded for c in t.files] == [c.rows_loaded for c in a.files]
        assert tally_checked(t.files, date_column="recorded_date") == \
            tally_checked(a.files, date_column="recorded_date")
        assert [p.read_bytes() for p in t.quarantine_files] == [p.read_bytes() for p in a.quarantine_files]

    # worked by hand (see _files): what each load keeps and refuses, file by file
    a_file, b_file, c_file, d_file = (str(p) for p in first)
    counts = [(c.file, c.rows_read, c.rows_loaded, c.rows_quarantined) for c in together[0].files][1:]
    if typed:
        assert counts == [(a_file, 5, 2, 3), (b_file, 5, 2, 3), (c_file, 0, 0, 0), (d_file, 4, 2, 2)]
    else:
        assert counts == [(a_file, 5, 1, 4), (b_file, 5, 1, 4), (c_file, 0, 0, 0), (d_file, 4, 3, 1)]
    lines = {(q["file"], q["row"]): (q["field"], q["reason"]) for q in states_together[0]["quarantine"]}  # type: ignore[union-attr]
    assert lines[(a_file, 2)][0] == "district" and lines[(a_file, 5)][0] == "offence_group"
    assert lines[(a_file, 4)][0] == lines[(b_file, 4)][0] == "crime_id"  # C2, C6: again in the same file
    assert lines[(b_file, 2)] == ("crime_id", f"duplicate id: also in {a_file} row 1")
    assert lines[(d_file, 4)] == ("crime_id", f"duplicate id: also in {a_file} row 1")
    assert ((d_file, 2) in lines) == typed  # C5: b kept it only when its age was no text to misread
    kept = [r["crime_id"] for r in states_together[1]["rows"]]  # type: ignore[index]
    if typed:  # C3 is stored: e's C3 is refused; f's C10 repeats e's
        assert kept == ["C1", "C3", "C5", "C6", "C8", "C9", "C10", "C11"]
        assert [c.rows_quarantined for c in together[1].files] == [1, 1]
    else:  # a refused its C3: e's is new
        assert kept == ["C1", "C6", "C8", "C5", "C9", "C10", "C3", "C11"]
        assert [c.rows_quarantined for c in together[1].files] == [0, 1]


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_three_files_with_repeated_ids_are_checked_in_one_pass(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str) -> None:
    """The hand-worked three-file case goes through the one pass, and check_file is never called."""
    import crimeplan.store.duck as duck

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("a file was checked alone")

    monkeypatch.setattr(duck, "check_file", refuse)
    paths = _three_files(tmp_path, suffix)
    with Store(tmp_path / "s.duckdb") as store:
        report = store.load({"crimes": paths}, extract_date=EXTRACT, accept_quarantine=True)
        assert store.arrow("crimes").column("crime_id").to_pylist() == ["C1", "C2", "C3", "C4", "C5", "C6", "C7"]
    assert [(p.rows_read, p.rows_loaded, p.rows_quarantined) for p in report.files] == [(4, 3, 1), (5, 2, 3), (5, 2, 3)]


def test_files_of_different_schemas_are_checked_one_by_one(tmp_path: Path) -> None:
    """A file whose columns differ in type from the others' is no part of a one-pass read: each is
    checked alone, and the load is what it would be."""
    from crimeplan.store._validate import check_files_together

    text = _crimes(tmp_path / "text.parquet", [_crime("C1", 1)], typed=False)
    typed = _crimes(tmp_path / "typed.parquet", [_crime("C2", 2)], typed=True)
    csv = tmp_path / "c.csv"
    assert check_files_together([text, typed], TABLES["crimes"], extract_date=EXTRACT,
                               stage_in=__import__("duckdb").connect()) is None
    with Store(tmp_path / "s.duckdb") as store:
        assert check_files_together([text, csv], TABLES["crimes"], extract_date=EXTRACT, stage_in=store.con) is None
        report = store.load({"crimes": [text, typed]}, extract_date=EXTRACT)
        assert store.arrow("crimes").column("crime_id").to_pylist() == ["C1", "C2"]
    assert [(c.rows_read, c.rows_loaded) for c in report.files] == [(1, 1), (1, 1)]


def test_a_file_missing_a_required_column_is_named_as_when_checked_alone(tmp_path: Path) -> None:
    """Files together that lack a required column fall back to the one-by-one check, naming the file."""
    from crimeplan.errors import BadInput

    paths = []
    for n in ("a", "b"):
        path = tmp_path / f"{n}.parquet"
        pq.write_table(pa.table({"crime_id": [f"C{n}"], "recorded_date": ["2024-01-05"]}), path)
        paths.append(path)
    with Store(tmp_path / "s.duckdb") as store:
        with pytest.raises(BadInput, match="required column") as refused:
            store.load({"crimes": paths}, extract_date=EXTRACT)
        assert refused.value.file == str(paths[0]) and store.latest_snapshot() is None


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
@pytest.mark.parametrize("together", [True, False], ids=["checked-together", "checked-one-by-one"])
def test_keys_that_only_share_a_hash_are_not_repeats_within_a_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, together: bool, suffix: str) -> None:
    """A key seen twice in a file is found by its hash; rows whose keys only share the hash stay
    (made to collide here: every key hashes alike), whether the files are read as one or alone."""
    import crimeplan.store._validate as validate
    import crimeplan.store.duck as duck

    if not together:
        monkeypatch.setattr(duck, "check_files_together", lambda *a, **k: None)
    first = _files(tmp_path, typed=False, suffix=suffix)
    with Store(tmp_path / "hashed.duckdb") as store:
        store.load({"areas": [_areas(tmp_path / "areas.parquet")], "crimes": first}, extract_date=EXTRACT,
                   accept_quarantine=True)
        hashed = _store_as_read(store, 1)
    monkeypatch.setattr(validate, "_key_hash", lambda *_: "0")
    with Store(tmp_path / "colliding.duckdb") as store:
        store.load({"areas": [_areas(tmp_path / "areas.parquet")], "crimes": first}, extract_date=EXTRACT,
                   accept_quarantine=True)
        colliding = _store_as_read(store, 1)
    assert colliding == hashed
    repeats = [(Path(str(q["file"])).name, q["row"]) for q in hashed["quarantine"]  # type: ignore[attr-defined]
               if str(q["reason"]).startswith("duplicate id (")]
    assert repeats == [(f"a{suffix}", 4), (f"b{suffix}", 4)]  # C2 and C6, each a second time in its file


def test_files_too_big_to_check_together_are_checked_one_by_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the memory ceiling checked together, the files are checked one by one: the load is the
    same, nothing refused; and each file's staged rows read back are that file's, in its order."""
    import duckdb

    import crimeplan.store._validate as validate

    paths = _files(tmp_path, typed=False)
    areas = _areas(tmp_path / "areas.parquet")
    with Store(tmp_path / "together.duckdb") as store:
        together = [validate.check_files_together(paths, TABLES["crimes"], extract_date=EXTRACT, stage_in=store.con,
                                                 known_districts={"A", "B"})]
        assert together[0] is not None
        # before the comparison across files: b's and d's C1 are still there (a's C1 is first)
        assert [[r["crime_id"] for r in c.good.to_pylist()] for c in together[0]] == [
            ["C1"], ["C1", "C6"], [], ["C8", "C5", "C9", "C1"]]
        store.load({"areas": [areas], "crimes": paths}, extract_date=EXTRACT, accept_quarantine=True)
        expected = _store_as_read(store, 1)
    real = validate._find_all_bad

    def out_of_memory(con: object, raw: validate._Raw, *a: object, **k: object) -> object:
        if raw.by_file:
            raise duckdb.OutOfMemoryException("Out of Memory Error: (made for the test)")
        return real(con, raw, *a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(validate, "_find_all_bad", out_of_memory)
    with Store(tmp_path / "alone.duckdb") as store:
        assert validate.check_files_together(paths, TABLES["crimes"], extract_date=EXTRACT, stage_in=store.con) is None
        store.load({"areas": [areas], "crimes": paths}, extract_date=EXTRACT, accept_quarantine=True)
        assert _store_as_read(store, 1) == expected


def test_csv_files_duckdb_cannot_read_together_are_checked_one_by_one(tmp_path: Path) -> None:
    """A record DuckDB's strict reader refuses (a field too many), or headers in another order: the
    files are checked alone, where the forgiving reader quarantines that one record by its row."""
    from crimeplan.store._validate import check_files_together

    good = _crimes(tmp_path / "good.csv", [_c("C1", 1), _c("C2", 1)], typed=False)
    broken = _crimes(tmp_path / "broken.csv", [_c("C3", 2), _c("C4", 2), _c("C5", 2)], typed=False)
    lines = broken.read_text(encoding="utf-8").splitlines()
    lines[2] += ",extra"  # the second data row: one field too many
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    header, *body = good.read_text(encoding="utf-8").splitlines()
    columns = header.split(",")
    reordered = tmp_path / "reordered.csv"  # the same rows, the columns in another order
    reordered.write_text("\n".join([",".join(reversed(columns))] + [",".join(reversed(r.split(","))) for r in body])
                         + "\n", encoding="utf-8")
    with Store(tmp_path / "s.duckdb") as store:
        for pair in ([good, broken], [good, reordered]):
            assert check_files_together(pair, TABLES["crimes"], extract_date=EXTRACT, stage_in=store.con) is None
        report = store.load({"crimes": [good, broken]}, extract_date=EXTRACT, accept_quarantine=True)
        assert store.arrow("crimes").column("crime_id").to_pylist() == ["C1", "C2", "C3", "C5"]
    assert [(c.rows_read, c.rows_loaded) for c in report.files] == [(2, 2), (3, 2)]
    line = report.files[1].quarantine.to_pylist()[0]
    assert (line["file"], line["row"]) == (str(broken), 2) and "expected" in line["reason"]


def test_csv_files_plain_and_gzipped_together_or_misnamed_are_checked_one_by_one(tmp_path: Path) -> None:
    """DuckDB decompresses by the name, so only files all plain or all gzipped, each named as it is,
    are read as one; a plain file beside a gzipped one, or gzip named .csv, is checked alone."""
    from crimeplan.store._validate import check_files_together

    plain = _crimes(tmp_path / "plain.csv", [_c("C1", 1)], typed=False)
    zipped = _crimes(tmp_path / "zipped.csv.gz", [_c("C2", 2)], typed=False)
    misnamed = tmp_path / "misnamed.csv"
    misnamed.write_bytes(zipped.read_bytes())
    also_zipped = _crimes(tmp_path / "also.csv.gz", [_c("C3", 3), _c("C1", 3)], typed=False)
    with Store(tmp_path / "s.duckdb") as store:
        for pair in ([plain, zipped], [plain, misnamed]):
            assert check_files_together(pair, TABLES["crimes"], extract_date=EXTRACT, stage_in=store.con) is None
        both = check_files_together([zipped, also_zipped], TABLES["crimes"], extract_date=EXTRACT,
                                    stage_in=store.con)
        assert both is not None and [(c.rows_read, c.rows_loaded) for c in both] == [(1, 1), (2, 2)]
        report = store.load({"crimes": [plain, misnamed, also_zipped]}, extract_date=EXTRACT,
                            accept_quarantine=True)
        assert store.arrow("crimes").column("crime_id").to_pylist() == ["C1", "C2", "C3"]
    assert [(c.rows_read, c.rows_loaded, c.rows_quarantined) for c in report.files] == [(1, 1, 0), (1, 1, 0), (2, 1, 1)]


def test_many_gzipped_csv_files_are_read_as_one_within_the_ceiling(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Six small gzipped files go through the one pass: DuckDB's default read buffer (305 MiB for
    each gzipped file read at once) ran out of the 1 GiB ceiling, and the load fell back to
    checking them one by one (twice as slow: 16.4 s against 8.0 s for 30 national files)."""
    import crimeplan.store.duck as duck

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("a file was checked alone")

    monkeypatch.setattr(duck, "check_file", refuse)
    paths = [_crimes(tmp_path / f"m{month}.csv.gz", [_c(f"C{month}", month)], typed=False) for month in range(1, 7)]
    with Store(tmp_path / "s.duckdb") as store:
        report = store.load({"crimes": paths}, extract_date=EXTRACT, accept_quarantine=True)
        assert store.arrow("crimes").column("crime_id").to_pylist() == [f"C{m}" for m in range(1, 7)]
    assert [c.rows_loaded for c in report.files] == [1] * 6


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_files_read_as_one_compare_across_files_only_the_rows_whose_id_hash_is_in_two(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str) -> None:
    """The one pass groups the ids' hashes (as stored) over all its files and keeps the rows whose
    hash is in two of them: the comparison across files reads only those (none: it stops), never
    hashing every row again; an id in two files spelt with spaces is one of them."""
    import crimeplan.store._overlap as overlap
    from crimeplan.store._duck import rows
    from crimeplan.store._validate import check_files_together

    def refuse(*_: object, **__: object) -> int:
        raise AssertionError("every row's id hashed again")

    monkeypatch.setattr(overlap, "_candidate_rows", refuse)
    a = _crimes(tmp_path / f"a{suffix}", [_c("C1", 1), _c("C2", 1), _c("C2", 2)], typed=False)
    b = _crimes(tmp_path / f"b{suffix}", [_c("C3", 2), _c("C4", 3)], typed=False)
    c = _crimes(tmp_path / f"c{suffix}", [_c("C5", 3), _c(" C1 ", 4)], typed=False)
    with Store(tmp_path / "s.duckdb") as store:
        for files, expected in (([a, b], []), ([a, b, c], [1, 2 * 2**40 + 2])):  # file × 2^40 + row
            parts = check_files_together(files, TABLES["crimes"], extract_date=EXTRACT, stage_in=store.con)
            assert parts is not None and isinstance(parts[0].rows, Staged)
            key_rows = parts[0].rows.key_rows
            assert key_rows and sorted(r for (r,) in rows(store.con, f"SELECT row FROM temp.{key_rows}")) == expected
    with Store(tmp_path / "apart.duckdb") as store:
        report = store.load({"crimes": [a, b]}, extract_date=EXTRACT, accept_quarantine=True)
        assert store.arrow("crimes").column("crime_id").to_pylist() == ["C1", "C2", "C3", "C4"]
    assert [c.rows_quarantined for c in report.files] == [1, 0]  # C2 again within a
    with Store(tmp_path / "shared.duckdb") as store:
        report = store.load({"crimes": [a, b, c]}, extract_date=EXTRACT, accept_quarantine=True)
        assert store.arrow("crimes").column("crime_id").to_pylist() == ["C1", "C2", "C3", "C4", "C5"]
    assert [(q["row"], q["reason"]) for q in report.files[2].quarantine.to_pylist()] == \
        [(2, f"duplicate id: also in {a} row 1")]


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_runs_of_alike_files_among_files_that_differ_are_each_checked_in_one_pass(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str) -> None:
    """Four files, the last two of another schema (Parquet: text columns after typed ones; CSV:
    the columns in another order): each pair is read as one, the ids compared across the pairs,
    and the store is the one the files make checked one by one."""
    from crimeplan.store._validate import alike_runs

    areas = _areas(tmp_path / "areas.parquet")
    paths = _files(tmp_path, typed=suffix == ".parquet", suffix=suffix)
    if suffix == ".parquet":  # c and d again, every column text
        for p in paths[2:]:
            data = [{k: (v if v is not None else "") for k, v in r.items()} for r in pq.read_table(p).to_pylist()]
            for r in data:  # the typed values as a text file spells them
                r.update({k: str(v).lower() for k, v in r.items() if isinstance(v, bool)})
                r.update({k: str(v) for k, v in r.items() if not isinstance(v, str)})
            _crimes(p, data, typed=False)
    else:
        for p in paths[2:]:
            header, *body = p.read_text(encoding="utf-8").splitlines()
            p.write_text(text("crimes", list(__import__("csv").DictReader([header, *body])),
                              header=list(reversed(header.split(",")))), encoding="utf-8")
    with Store(tmp_path / "runs.duckdb") as store:
        assert alike_runs(paths, store.con) == [paths[:2], paths[2:]]
    loads = [{"areas": [areas], "crimes": paths}]
    together, states_together = _load(tmp_path, "together", True, monkeypatch, loads)
    alone, states_alone = _load(tmp_path, "alone", False, monkeypatch, loads)
    assert states_together == states_alone
    assert [c.quarantine.to_pylist() for c in together[0].files] == [c.quarantine.to_pylist() for c in alone[0].files]
    # by hand (see _files): d's C1 repeats a's across the two runs, and is refused as in one pass
    d_file = str(paths[3])
    lines = {(q["file"], q["row"]): q["reason"] for q in states_together[0]["quarantine"]}  # type: ignore[union-attr]
    assert lines[(d_file, 4)] == f"duplicate id: also in {paths[0]} row 1"
