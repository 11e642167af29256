"""Check a canonical file against the contract's rules (`contract.validate`), in DuckDB.

Validation runs in an in-process DuckDB whatever the target store is: the file is read with
every column as text, each rule becomes a query that lists the rows breaking it, and the rows
that break nothing are cast to their contract types.  The file's path and every rule's value go
to DuckDB as parameters; only contract column names (through `ident`) are written into SQL.
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import gzip
import io
import re
import uuid
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from crimeplan._limits import check_parquet_size, check_text_size, memory_limit, read_bounded
from crimeplan.contract.overlap import key_of
from crimeplan.contract.schema import Column, Table
from crimeplan.contract.validate import MIN_DATE, Checked, Rule, Staged, rules, sha256_of
from crimeplan.errors import BadInput
from crimeplan.store._duck import arrow, ident, rows, scalar

_SURROGATE = re.compile("[\udc80-\udcff]")
_SQL_TYPES = {"str": "VARCHAR", "int": "BIGINT", "float": "DOUBLE", "date": "DATE",
              "timestamp": "TIMESTAMP", "bool": "BOOLEAN"}
# checks whose query takes the rule's value as its one parameter
# Parquet types read as they are for a contract type: exact values, so nothing to parse or round
_NATIVE = {"int": ("BIGINT", "INTEGER", "SMALLINT", "TINYINT"), "float": ("DOUBLE",), "date": ("DATE",),
           "timestamp": ("TIMESTAMP",), "bool": ("BOOLEAN",)}
# checks a column of its contract's own type cannot break (it holds no text to misread)
_NATIVE_PASSES = {"nul", "too_long", "not_whole", "not_number", "not_date", "not_timestamp", "not_bool"}
STAGE_MEMORY = 1 << 30  # a streaming load's DuckDB: past this it spills to disk beside the store
# many files read as one (`check_files_together`): a row's place as one number, file × 2^40 + row
FILE_SHIFT = "1099511627776"  # 2^40
FILE_ROW = f"(__file * {FILE_SHIFT} + __row)"
KEY_GROUPS = "_key_groups"  # many files read as one: the key hashes seen twice (`_group_keys`)
KEY_ROWS = "_key_rows"  # and the rows whose key hash is in two files, kept as `key_rows_of` the view
# a CSV read as DuckDB's strict reader reads it, every value text (one file, or a list of them).
# The buffer is twice the longest line: DuckDB's default, 16 times it (305 MiB), is allocated for
# each gzipped file it reads at once, so five of them outgrew a 1 GiB ceiling
_READ_CSV = ("read_csv(?, header=true, all_varchar=true, delim=',', quote='\"', escape='\"', strict_mode=true, "
             "null_padding=false, max_line_size=20000000, buffer_size=40000000)")
_WITH_VALUE = {"too_long", "not_whole", "not_date", "not_timestamp", "not_one_of", "below", "above",
               "date_below", "date_above"}


def _csv_header(path: Path) -> list[str]:
    """The header row of a CSV, refusing files that are not UTF-8 comma-separated text."""
    opener = gzip.open if _is_gzip(path) else open
    try:
        with opener(path, "rb") as fh:
            first = fh.readline(1 << 20)
    except (OSError, EOFError, zlib.error) as exc:
        raise BadInput(f"cannot read the file: {exc}", file=str(path), row=0) from None
    if not first.strip():
        raise BadInput("the file is empty (no header row)", file=str(path), row=0)
    if first.startswith(b"\xef\xbb\xbf"):
        first = first[3:]
    try:
        text = first.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadInput(f"the header is not UTF-8 text ({exc.reason} at byte {exc.start})",
                       file=str(path), row=0) from None
    try:
        header = next(csv.reader(io.StringIO(text, newline="")))
    except (csv.Error, StopIteration) as exc:
        raise BadInput(f"cannot read the header: {exc}", file=str(path), row=0) from None
    return [h.strip() for h in header]


def _is_gzip(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(2) == b"\x1f\x8b"


@dataclass
class _Raw:
    """Temp table raw: its column names, how its rows are numbered, rows refused on read."""

    cols: list[str]
    numbered: bool = False  # rows carry their number in column __row (else rowid + 1)
    refused: list[tuple[int, str, str, str]] = field(default_factory=list)  # row, field, value, why
    native: frozenset[str] = frozenset()  # contract columns kept in their own type (Parquet), not text
    relation: duckdb.DuckDBPyRelation | None = None  # a Parquet file read in place (raw is its view)
    by_file: bool = False  # many files read as one: a row is (__file, __row), one number in _row_sql


def _read_raw(con: duckdb.DuckDBPyConnection, path: Path, table: Table, in_place: bool = False) -> _Raw:
    """Load the file into temp table raw (every column text); `in_place`: the good rows stay in DuckDB
    (a streaming load), so a Parquet file of any size is checked where it lies."""
    if not path.exists():
        raise BadInput("no such file", file=str(path))
    if path.is_dir():
        raise BadInput("this is a directory, not a file", file=str(path))
    if path.stat().st_size == 0:
        raise BadInput("the file is empty (no header row)", file=str(path), row=0)
    suffix = "".join(path.suffixes[-2:]).lower()
    try:
        if suffix.endswith(".parquet"):
            if not in_place:  # its good rows come back into memory: bounded
                check_parquet_size(path)
            return _parquet_raw(con, str(path), table, _parquet_types(con, str(path)), by_file=False)
        else:
            check_text_size(path)
            header = _csv_header(path)
            if len(header) == 1 and table.column_names[0] != header[0]:
                for sep in (";", "\t", "|"):
                    if sep in header[0]:
                        raise BadInput(f"the file uses {sep!r} between fields; the contract "
                                       "wants commas", file=str(path), row=0)
            try:
                con.execute(f"CREATE TEMP TABLE raw AS SELECT * FROM {_READ_CSV}", [str(path)])
                cols = [r[0] for r in rows(con, "DESCRIBE raw")]
            except duckdb.Error:
                cols = []
            if not _header_read_as_is(header, cols):  # DuckDB refused a row or misread the header
                con.execute("DROP TABLE IF EXISTS raw")
                return _read_raw_python(con, path)
    except duckdb.Error as exc:
        raise BadInput(f"cannot read the file: {_first_line(str(exc))}", file=str(path)) from None
    return _Raw(cols)


def _read_raw_python(con: duckdb.DuckDBPyConnection, path: Path) -> _Raw:
    """The slow, forgiving path: each broken record is refused alone, with its row number.

    Used only when DuckDB's strict reader fails: a wrong number of fields (a truncated last
    line, an extra comma, an unclosed quote that swallows the lines after it), bytes that are
    not UTF-8, or a header it did not recognise as one.
    """
    data = read_bounded(path)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    reader = csv.reader(io.StringIO(data.decode("utf-8", errors="surrogateescape"), newline=""),
                        strict=False)
    header = _unique([h.strip() for h in next(reader)])
    width = len(header)
    good: list[list[str]] = []
    numbers: list[int] = []
    refused: list[tuple[int, str, str, str]] = []
    row = 0
    while True:
        first_line = reader.line_num + 1
        try:
            rec = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:  # pragma: no cover - the non-strict reader rarely raises
            raise BadInput(f"cannot parse the file: {exc}", file=str(path), line=reader.line_num) from None
        if not rec:
            continue
        row += 1
        joined = ",".join(rec)
        if len(rec) != width:
            spans = reader.line_num - first_line
            why = f"expected {width} fields, found {len(rec)}"
            if spans:
                why += f" (lines {first_line}-{reader.line_num} read as one record: a quote is not closed?)"
            fld = header[len(rec)] if len(rec) < width else f"column {width + 1}"
            refused.append((row, fld, _printable(joined), why))
            continue
        bad = next((i for i, v in enumerate(rec) if _SURROGATE.search(v)), None)
        if bad is not None:
            byte = ord(_SURROGATE.search(rec[bad]).group()) - 0xDC00  # type: ignore[union-attr]
            refused.append((row, header[bad], _printable(rec[bad]),
                            f"not UTF-8 text (byte 0x{byte:02X}); save the file as UTF-8"))
            continue
        good.append(rec)
        numbers.append(row)
    columns = {h: pa.array([r[i] if r[i] != "" else None for r in good], pa.string())
               for i, h in enumerate(header)}
    columns["__row"] = pa.array(numbers, pa.int64())
    con.register("_raw_arrow", pa.table(columns))
    con.execute("CREATE TEMP TABLE raw AS SELECT * FROM _raw_arrow")
    con.unregister("_raw_arrow")
    return _Raw(header, True, refused)


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for n in names:
        k = seen.get(n, 0)
        out.append(n if k == 0 else f"{n}_{k}")
        seen[n] = k + 1
    return out


def _printable(value: str) -> str:
    return _SURROGATE.sub(lambda m: f"\\x{ord(m.group()) - 0xDC00:02X}", value)


def _one_line(text: str) -> str:
    """Text with line breaks shown as \\n, so a message stays one paragraph."""
    return text.replace("\r", "\\r").replace("\n", "\\n")


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else text


def _native_condition(rule: Rule, native: frozenset[str]) -> str:
    """The rule's SQL on a column kept in its contract type (same parameters as the text one; '': none)."""
    q, check = ident(rule.field), rule.check
    if check in _NATIVE_PASSES:
        return "false"
    if check == "missing":
        return f"{q} IS NULL"
    if check == "not_finite":
        return f"NOT isfinite({q})"
    if check == "below":
        return f"{q} < ?"
    if check == "above":
        return f"{q} > ?"
    if check == "date_below":
        return f"CAST({q} AS DATE) < ?"
    if check == "date_above":
        return f"CAST({q} AS DATE) > ?"
    if check == "before_other" and rule.other in native:
        return f"CAST({q} AS TIMESTAMP) < CAST({ident(str(rule.other))} AS TIMESTAMP)"
    return ""


def _condition(rule: Rule, native: frozenset[str] = frozenset(), numbered: bool = False,
               by_file: bool = False) -> str:
    """SQL on temp table raw that is true for the rows breaking a rule (its value: `_params`).

    `native`: columns of raw kept in their contract type (from Parquet), not as text; `numbered`:
    rows carry their number in column __row (`_Raw.numbered`); `by_file`: raw is many files, a
    row's file in column __file (`_Raw.by_file`), and a key repeats only within its own file.
    """
    row = _row_of(by_file, numbered)
    if rule.field in native:
        typed = _native_condition(rule, native)
        if typed:
            return typed
    q = f"CAST({ident(rule.field)} AS VARCHAR)" if rule.field in native else ident(rule.field)
    nonnull = f"{q} IS NOT NULL AND trim({q}) <> ''"
    as_date = f"TRY_CAST(replace(trim({q}), 'T', ' ') AS DATE)"
    check = rule.check
    if check == "nul":
        return f"strpos({q}, chr(0)) > 0"
    if check == "too_long":
        return f"length({q}) > ?"
    if check == "missing":
        return f"{q} IS NULL OR trim({q}) = ''"
    if check == "not_whole":
        return (f"{nonnull} AND (NOT regexp_full_match(trim({q}), ?) "
                f"OR TRY_CAST(TRY_CAST(trim({q}) AS DOUBLE) AS BIGINT) IS NULL)")
    if check == "not_number":
        return f"{nonnull} AND TRY_CAST(trim({q}) AS DOUBLE) IS NULL"
    if check == "not_finite":
        return f"{nonnull} AND NOT isfinite(TRY_CAST(trim({q}) AS DOUBLE))"
    if check == "not_date":
        return f"{nonnull} AND (NOT regexp_full_match(trim({q}), ?) OR TRY_CAST(trim({q}) AS DATE) IS NULL)"
    if check == "not_timestamp":
        return (f"{nonnull} AND (NOT regexp_full_match(trim({q}), ?) "
                f"OR TRY_CAST(replace(trim({q}), 'T', ' ') AS TIMESTAMP) IS NULL)")
    if check == "not_bool":
        return f"{nonnull} AND lower(trim({q})) NOT IN ('true', 'false')"
    if check == "not_one_of":
        return f"{nonnull} AND NOT list_contains(?, trim({q}))"
    if check == "below":
        return f"TRY_CAST(trim({q}) AS DOUBLE) < ?"
    if check == "above":
        return f"TRY_CAST(trim({q}) AS DOUBLE) > ?"
    if check == "date_below":
        return f"{as_date} < ?"
    if check == "date_above":
        return f"{as_date} > ?"
    if check == "before_other":
        return (f"TRY_CAST(replace(trim({q}), 'T', ' ') AS TIMESTAMP) < "
                f"TRY_CAST(replace(trim(CAST({ident(str(rule.other))} AS VARCHAR)), 'T', ' ') AS TIMESTAMP)")
    if check == "unknown_district":
        return f"{q} IS NOT NULL AND trim({q}) <> '' AND trim({q}) NOT IN (SELECT d FROM known_districts)"
    if check == "duplicate_key":
        key: tuple[str, ...] = rule.value  # type: ignore[assignment]  # its column names, quoted by ident
        # keys are compared as the store keeps them (' C1' is stored as 'C1', so it repeats 'C1');
        # many files: a key repeats only within its own file (`_overlap` finds it in another)
        parts = [_as_stored(k, native, True) for k in key]
        partition = ", ".join((["r.__file"] if by_file else []) + parts)
        r_row = _row_of(by_file, numbered, "r")
        # many files: the hashes seen twice were grouped beforehand (`_group_keys`), for this and
        # to tell whether any key is in two files
        repeated = KEY_GROUPS if by_file else f"({_hashes_seen_twice(key, native)})"
        # rows after the first of each repeated key; the window runs only over keys whose hash is
        # seen twice (found by grouping 8-byte hashes, not the keys' text), not over the whole
        # file, and numbers the rows of each key itself: two keys sharing a hash stay apart
        return (f"{row} IN (SELECT rid FROM (SELECT {r_row} AS rid, row_number() OVER "
                f"(PARTITION BY {partition} ORDER BY {r_row}) AS n "
                f"FROM raw AS r JOIN {repeated} AS d ON {_key_hash(key, native, True)} = d.h "
                f"AND {_as_stored(key[0], native, True)} IS NOT NULL) WHERE n > 1)")
    if check == "id_in_store":  # the stored ids are as the store keeps them: compared so
        return f"{_as_stored(rule.field, native)} IN (SELECT i FROM existing_ids)"
    raise ValueError(f"no query for the check {check!r}")


def _key_hash(key: tuple[str, ...], native: frozenset[str], of_r: bool) -> str:
    """SQL hashing a row's key as stored, from raw or its alias r."""
    return "hash(" + ", ".join(_as_stored(k, native, of_r) for k in key) + ")"


def _hashes_seen_twice(key: tuple[str, ...], native: frozenset[str]) -> str:
    """SQL selecting (as h) each hash of a key as stored that raw has more than once."""
    return (f"SELECT {_key_hash(key, native, False)} AS h FROM raw WHERE {_as_stored(key[0], native)} IS NOT NULL "
            "GROUP BY 1 HAVING count(*) > 1")


def _group_keys(con: duckdb.DuckDBPyConnection, raw: _Raw, table: Table) -> bool:
    """Many files read as one: temp table KEY_GROUPS of the key hashes raw has more than once, and
    temp table KEY_ROWS of the rows whose key hash is in two of its files (the only rows the
    comparison across files need read); whether the table has a key and raw holds it."""
    key = key_of(table)
    if not key or any(k not in raw.cols for k in key):
        return False
    # counted alone, not with the files each hash is in: at 100 million rows, a grouping that also
    # kept each hash's first and last file spilled, and took 18 s more
    con.execute(f"CREATE TEMP TABLE {KEY_GROUPS} AS {_hashes_seen_twice(key, raw.native)}")
    con.execute(f"CREATE TEMP TABLE {KEY_ROWS} AS SELECT row FROM (SELECT {_row_of(True, True, 'r')} AS row, "
                "min(r.__file) OVER (PARTITION BY g.h) < max(r.__file) OVER (PARTITION BY g.h) AS across "
                f"FROM raw AS r JOIN {KEY_GROUPS} AS g ON {_key_hash(key, raw.native, True)} = g.h) WHERE across")
    return True


def _as_stored(column: str, native: frozenset[str], of_r: bool = False) -> str:
    """SQL for a raw column's value (of raw or its alias r) as `_typed` stores it, for comparing:
    text trimmed, empty as NULL (a date's text is checked to be in its one form by then)."""
    q = ("r." if of_r else "") + ident(column)
    # trimmed only when there is a space to trim: trimming every id cost the national check 60 %
    return q if column in native else \
        f"CASE WHEN starts_with({q}, ' ') OR ends_with({q}, ' ') OR {q} = '' THEN NULLIF(trim({q}), '') ELSE {q} END"


def _params(rule: Rule) -> list[object]:
    """The parameter a rule's condition takes (none, or its value)."""
    if rule.check not in _WITH_VALUE:
        return []
    return [list(rule.value) if isinstance(rule.value, tuple) else rule.value]


def _typed(col: Column, present: bool, native: frozenset[str] = frozenset()) -> str:
    """SQL that casts raw text (or a column of its own type) to the column's contract type."""
    name = ident(col.name)
    if not present:
        return f"CAST(NULL AS {_SQL_TYPES[col.type]}) AS {name}"
    if col.name in native:
        return f"CAST({name} AS {_SQL_TYPES[col.type]}) AS {name}"
    q = f"NULLIF(trim({name}), '')"
    if col.type == "bool":
        return f"CAST(lower({q}) AS BOOLEAN) AS {name}"
    if col.type == "timestamp":
        return f"CAST(replace({q}, 'T', ' ') AS TIMESTAMP) AS {name}"
    return f"CAST({q} AS {_SQL_TYPES[col.type]}) AS {name}"


def _row_of(by_file: bool, numbered: bool, alias: str = "") -> str:
    """SQL for a row of raw's data-row number (many files: file and row as one number, `FILE_ROW`),
    its columns unqualified or read through the alias 'r' or 'raw' (in a join)."""
    p = "raw." if alias == "raw" else "r." if alias == "r" else ""
    if by_file:
        return f"({p}__file * {FILE_SHIFT} + {p}__row)"
    return f"{p}__row" if numbered else f"{p}rowid + 1"


def _row_sql(raw: _Raw, alias: str = "") -> str:
    """The SQL giving each row of raw its data-row number (many files: file and row as one number),
    its columns unqualified or read through the table named raw (alias 'raw', in a join)."""
    return _row_of(raw.by_file, raw.numbered, alias)


def check_file(
    path: Path,
    table: Table,
    *,
    extract_date: dt.date,
    known_districts: set[str] | None = None,
    existing_ids: pa.Array | None = None,
    min_date: dt.date = MIN_DATE,
    stage_in: duckdb.DuckDBPyConnection | None = None,
    ids_in: tuple[str, str] | None = None,
) -> Checked:
    """Validate one canonical file; bad rows go to the quarantine, never silently dropped.

    With `stage_in` (a DuckDB store's connection), validation runs there and the good rows stay
    in a temp table of it (`Checked.staged`) for the store to write: a streaming load, the file
    never held in Python.  Else an in-process DuckDB checks it and the good rows come back as Arrow.
    Ids already stored (an append) are `existing_ids`, or with `stage_in` the (table, column) of
    the store that holds them (`ids_in`: compared there, never read into Python).
    """
    path = Path(path)
    limit = memory_limit()
    con = stage_in or duckdb.connect(config={"memory_limit": f"{limit // (1 << 20)}MB",
                                             "preserve_insertion_order": True})
    try:
        raw = _read_raw(con, path, table, in_place=stage_in is not None)
        present = _find_all_bad(con, raw, table, str(path), extract_date=extract_date, min_date=min_date,
                                known_districts=known_districts, existing_ids=existing_ids,
                                ids_in=ids_in if stage_in is not None else None)
        rows_read = scalar(con, "SELECT count(*) FROM raw") + len(raw.refused)
        if raw.refused:
            con.executemany("INSERT INTO bad VALUES (?, ?, ?, ?)", [list(r) for r in raw.refused])
        select = ", ".join(_typed(c, present[c.name], raw.native) for c in table.columns)
        quarantine = arrow(
            con, "SELECT ? AS file, row, field, left(value, 200) AS value, reason FROM bad ORDER BY row",
            [str(path)],
        )
        qmonths = _quarantine_months(con, table, present, raw, quarantine.num_rows)
        good: pa.Table | Staged
        if stage_in is None:
            row = _row_sql(raw)
            good = arrow(con, f"SELECT {select} FROM raw WHERE {row} NOT IN (SELECT row FROM bad) ORDER BY {row}")
        else:
            good = _stage(con, raw, table, present)[0]
    except duckdb.OutOfMemoryException:
        raise BadInput(f"checking the file needs more than the memory ceiling ({limit:,} "
                       "bytes); split it, or raise CRIMEPLAN_MEMORY_LIMIT", file=str(path)) from None
    finally:
        if stage_in is None:
            con.close()
        else:
            _leave_only_staged(con)
    if good.num_rows + quarantine.num_rows != rows_read:
        raise AssertionError("reconciliation failed: rows read != loaded + quarantined")
    return Checked(str(path), sha256_of(path), rows_read, good, quarantine, qmonths)


def check_files_together(
    paths: list[Path],
    table: Table,
    *,
    extract_date: dt.date,
    stage_in: duckdb.DuckDBPyConnection,
    known_districts: set[str] | None = None,
    min_date: dt.date = MIN_DATE,
    ids_in: tuple[str, str] | None = None,
    forms: dict[Path, _Form | None] | None = None,
) -> list[Checked] | None:
    """Validate many files of one table in one pass over them all (a streaming load).

    Each file's rules, quarantine and counts are those `check_file` gives it (a key repeated
    within a file is quarantined here, one repeated across files by `store._overlap`), but DuckDB
    reads the files as one: each query scans them together, not one file at a time (430 Parquet
    files took twice as long as one file of the same rows, checked one by one).  The good rows
    wait in one staged view, each file's `Staged.part` its number there, with the rows whose id
    hash is in two of the files (`Staged.key_rows`).  None when the files are not all Parquet of
    one schema, or all CSV (plain, or all gzipped) of one header, holding the required columns, or
    when checking them together fails (a record DuckDB's strict reader refuses, the memory
    ceiling): check them one by one then, which names the file and row at fault. `forms` keeps
    each file's form between this and `alike_runs` in one load (read once a file).
    """
    paths = [Path(p) for p in paths]
    if len(paths) < 2:
        return None
    con, names = stage_in, [str(p) for p in paths]
    found = {_form_of(con, p, forms) for p in paths}
    form = found.pop() if len(found) == 1 else None
    if form is None:
        return None
    try:
        raw = (_parquet_files_raw(con, names, table, dict(form.columns)) if form.kind == "parquet"
               else _csv_files_raw(con, paths, table, list(form.columns)))
        if raw is None:
            return None
        keyed = _group_keys(con, raw, table)
        present = _find_all_bad(con, raw, table, names[0], extract_date=extract_date, min_date=min_date,
                                known_districts=known_districts, existing_ids=None, ids_in=ids_in)
        read = dict(rows(con, "SELECT __file, count(*) FROM raw GROUP BY ALL"))
        quarantine = arrow(
            con, f"SELECT row // {FILE_SHIFT} AS __f, list_extract(?, row // {FILE_SHIFT} + 1) AS file, "
                 f"row % {FILE_SHIFT} AS row, field, left(value, 200) AS value, reason FROM bad ORDER BY bad.row",
            [names])
        qmonths = _quarantine_months(con, table, present, raw, quarantine.num_rows)
        staged = _stage(con, raw, table, present, files=len(paths))
        if keyed:  # kept with the view: `_overlap` compares only these rows across files
            view = staged[0].table
            con.execute(f"ALTER TABLE temp.{KEY_ROWS} RENAME TO {ident(key_rows_of(view))}")
            staged = [replace(s, key_rows=key_rows_of(view)) for s in staged]
    except duckdb.Error:  # past the memory ceiling, or a file DuckDB reads alone but not with the
        return None  # others: one by one, then (anything staged so far is unreferenced; the load's end drops it)
    finally:
        _leave_only_staged(con)
    out = []
    which = quarantine.column("__f").to_pylist()  # in file order: each file's lines are one slice
    for i, (name, good) in enumerate(zip(names, staged)):
        first, end = bisect.bisect_left(which, i), bisect.bisect_right(which, i)
        bad = quarantine.slice(first, end - first).drop_columns(["__f"])
        months = qmonths[first:end]
        if good.num_rows + bad.num_rows != read.get(i, 0):
            raise AssertionError(f"reconciliation failed for {name}: rows read != loaded + quarantined")
        out.append(Checked(name, sha256_of(Path(name)), read.get(i, 0), good, bad, months))
    return out


def alike_runs(paths: list[Path], con: duckdb.DuckDBPyConnection,
               forms: dict[Path, _Form | None] | None = None) -> list[list[Path]]:
    """The files in their order, cut into runs that `check_files_together` can read as one.

    Files are alike when they are Parquet of one schema, or CSV of one header, all plain or all
    gzipped. A run keeps the load's order (a staged view of many files numbers them one after another);
    a file of no such kind, or unreadable (its check names it), is a run of its own.
    """
    runs: list[list[Path]] = []
    last: _Form | None = None
    for path in paths:
        mark = _form_of(con, path, forms)
        if runs and mark is not None and mark == last:
            runs[-1].append(path)
        else:
            runs.append([path])
        last = mark
    return runs


@dataclass(frozen=True)
class _Form:
    """What files read as one must share: Parquet's columns and their types, or CSV's header."""

    kind: str  # 'parquet', 'csv' or 'csv.gz'
    columns: tuple[Any, ...]  # Parquet: (name, DuckDB type) pairs; CSV: the header's names


def _form_of(con: duckdb.DuckDBPyConnection, path: Path, forms: dict[Path, _Form | None] | None) -> _Form | None:
    """The file's form, from `forms` when it holds it (else read, and kept there)."""
    if forms is None:
        return _alike_form(con, path)
    if path not in forms:
        forms[path] = _alike_form(con, path)
    return forms[path]


def _alike_form(con: duckdb.DuckDBPyConnection, path: Path) -> _Form | None:
    """A file's form; None for a file checked alone (of no such kind, or unreadable: its own check
    names it)."""
    try:
        if _plain_parquet(path):
            return _Form("parquet", tuple(_parquet_types(con, str(path)).items()))
        kind = _csv_kind(path)
        return _Form(kind, tuple(_csv_header(path))) if kind else None
    except (BadInput, duckdb.Error):
        return None


def _parquet_files_raw(con: duckdb.DuckDBPyConnection, names: list[str], table: Table,
                       types: dict[str, str]) -> _Raw | None:
    """View raw over many Parquet files of one schema (`types`), read in place; None when they lack
    a required column."""
    if any(c.required and c.name not in types for c in table.columns):
        return None
    return _parquet_raw(con, names, table, types, by_file=True)


def _parquet_types(con: duckdb.DuckDBPyConnection, name: str) -> dict[str, str]:
    """A Parquet file's columns and their DuckDB types, in the file's order."""
    return dict(rows(con, "SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet(?))", [name]))


def _parquet_raw(con: duckdb.DuckDBPyConnection, source: str | list[str], table: Table, types: dict[str, str],
                 by_file: bool) -> _Raw:
    """View raw over Parquet (one file, or many of one schema) read in place, never copied.

    Each check scans the files (Parquet decodes fast) and their own row numbers number the rows;
    a column already of its contract type is kept so (nothing to parse), any other contract
    column is read as text and checked as a CSV's would be.
    """
    file = ", CAST(file_index AS BIGINT) AS __file" if by_file else ""
    relation = con.read_parquet(source, file_row_number=True).project(
        f"* EXCLUDE (file_row_number){_as_text(table, types)}, file_row_number + 1 AS __row{file}")
    con.register("raw", relation)
    return _Raw(list(types), numbered=True, native=_native_columns(table, types), relation=relation, by_file=by_file)


def _header_read_as_is(header: list[str], cols: list[str]) -> bool:
    """Whether DuckDB read a CSV's header as its own first line has it (else it misread the file)."""
    return len(cols) == len(header) and [c.strip() for c in cols] == [h or c.strip() for h, c in zip(header, cols)]


def _csv_files_raw(con: duckdb.DuckDBPyConnection, paths: list[Path], table: Table,
                   header: list[str]) -> _Raw | None:
    """Temp table raw of many CSV files of one header, as text, each row's file and row in it; None
    when they lack a required column, or DuckDB's reading of them is not the files' own."""
    try:
        for path in paths:
            check_text_size(path)
    except BadInput:  # checked alone, the file is named
        return None
    if any(c.required and c.name not in header for c in table.columns):
        return None
    con.execute(f"CREATE TEMP TABLE raw AS SELECT *, CAST(file_index AS BIGINT) AS __file FROM {_READ_CSV}",
                [[str(p) for p in paths]])
    cols = [r[0] for r in rows(con, "DESCRIBE raw")][:-1]  # less __file
    if not _header_read_as_is(header, cols):
        return None  # as for one file: DuckDB misread the header
    # a file's data rows are numbered from 1 as when it is read alone: DuckDB reads the files in
    # turn, so each file's rows are one run of the table's rowids (checked, not assumed)
    spans = rows(con, "SELECT __file, min(rowid), max(rowid), count(*) FROM raw GROUP BY ALL ORDER BY 1")
    starts = [0] * len(paths)
    last = -1
    for f, low, high, n in spans:
        if high - low + 1 != n or low <= last:
            return None
        starts[f], last = low, high
    con.execute("ALTER TABLE raw ADD COLUMN __row BIGINT")
    con.execute("UPDATE raw SET __row = rowid - list_extract(?, __file + 1) + 1", [starts])
    return _Raw(cols, numbered=True, by_file=True)


def _csv_kind(path: Path) -> str | None:
    """'csv' or 'csv.gz' for a non-empty CSV file whose name says truly whether it is gzipped (DuckDB
    decompresses by the name); None for anything else, which is checked alone."""
    name = path.name.lower()
    if not (name.endswith((".csv", ".csv.gz")) and path.is_file() and path.stat().st_size > 0):
        return None
    gzipped = _is_gzip(path)
    if gzipped != name.endswith(".gz"):
        return None
    return "csv.gz" if gzipped else "csv"


def _plain_parquet(path: Path) -> bool:
    """A non-empty Parquet file by its name (anything else is checked alone, for its message)."""
    return path.name.lower().endswith(".parquet") and path.is_file() and path.stat().st_size > 0


def _native_columns(table: Table, types: dict[str, str]) -> frozenset[str]:
    """Contract columns a Parquet file already holds in their contract type (nothing to parse)."""
    return frozenset(c.name for c in table.columns if types.get(c.name) in _NATIVE.get(c.type, ()))


def _as_text(table: Table, types: dict[str, str]) -> str:
    """A REPLACE clause reading a Parquet file's other contract columns as text, checked as a CSV's."""
    native = _native_columns(table, types)
    text = [c.name for c in table.columns if c.name in types and c.name not in native]
    return (" REPLACE (" + ", ".join(f"CAST({ident(c)} AS VARCHAR) AS {ident(c)}" for c in text) + ")"
            if text else "")


def _find_all_bad(con: duckdb.DuckDBPyConnection, raw: _Raw, table: Table, path: str, *,
                  extract_date: dt.date, min_date: dt.date, known_districts: set[str] | None,
                  existing_ids: pa.Array | None, ids_in: tuple[str, str] | None) -> dict[str, bool]:
    """Temp table bad of raw's rows breaking a rule; which contract columns raw has (refused if required)."""
    cols = raw.cols
    missing = [c.name for c in table.columns if c.required and c.name not in cols]
    if missing:
        raise BadInput(
            "required column(s) missing from the header: " + ", ".join(missing)
            + f" (the header has: {_one_line(', '.join(cols))[:300]})",
            file=path, row=0, field=missing[0],
        )
    present = {c.name: c.name in cols for c in table.columns}
    checks = rules(table, {c for c, there in present.items() if there}, extract_date=extract_date,
                   min_date=min_date, districts_known=known_districts is not None,
                   ids_in_store=existing_ids is not None or ids_in is not None)
    if known_districts is not None:
        con.register("known_districts", pa.table({"d": sorted(known_districts)}))
    if existing_ids is not None:
        con.register("existing_ids", pa.table({"i": existing_ids}))
    elif ids_in is not None:
        stored, column = ids_in
        con.execute(f"CREATE OR REPLACE TEMP VIEW existing_ids AS SELECT {ident(column)} AS i "
                    f"FROM {ident(stored)}")
    _find_bad(con, checks, raw)
    return present


def _leave_only_staged(con: duckdb.DuckDBPyConnection) -> None:
    """After a check in the store's connection: drop what it made but the staged rows."""
    _drop_raw(con, "raw")
    con.execute("DROP TABLE IF EXISTS temp.bad")
    con.execute("DROP TABLE IF EXISTS temp.bad_rule")
    con.execute(f"DROP TABLE IF EXISTS temp.{KEY_GROUPS}")
    con.execute(f"DROP TABLE IF EXISTS temp.{KEY_ROWS}")
    for view in ("known_districts", "existing_ids"):
        con.unregister(view)
    con.execute("DROP VIEW IF EXISTS temp.existing_ids")


def _find_bad(con: duckdb.DuckDBPyConnection, checks: list[Rule], raw: _Raw) -> None:
    """Temp table bad: one line per bad row, the first rule it breaks, in one pass over raw."""
    con.execute("CREATE TEMP TABLE bad (row BIGINT, field VARCHAR, value VARCHAR, reason VARCHAR)")
    if not checks:
        return
    row = _row_sql(raw)
    # a check the column's own type cannot break is left out (its number stays its order)
    kept = [(i, r) for i, r in enumerate(checks)
            if _condition(r, raw.native, raw.numbered, raw.by_file) != "false"]
    if not kept:
        return
    cases = " ".join(f"WHEN {_condition(r, raw.native, raw.numbered, raw.by_file)} THEN ?" for _, r in kept)
    # CASE takes the first rule a row breaks, in the rules' order: the one its line gives.  Only
    # the rule's number is worked out for every row; the broken field's text only for bad rows
    con.execute(f"CREATE TEMP TABLE bad_rule AS SELECT __r, __rule FROM (SELECT {row} AS __r, "
                f"CASE {cases} END AS __rule FROM raw) WHERE __rule IS NOT NULL",
                [v for i, r in kept for v in (*_params(r), i)])
    values = " ".join(f"WHEN ? THEN CAST(raw.{ident(r.field)} AS VARCHAR)" for r in checks)
    con.execute(
        "INSERT INTO bad SELECT __r, list_extract(?, __rule + 1), "
        f"CASE __rule {values} END, list_extract(?, __rule + 1) FROM bad_rule "
        f"JOIN raw ON {_row_sql(raw, 'raw')} = bad_rule.__r",
        [[r.field for r in checks], *range(len(checks)), [r.reason for r in checks]])
    con.execute("DROP TABLE bad_rule")


def _stage(con: duckdb.DuckDBPyConnection, raw: _Raw, table: Table, present: dict[str, bool],
           files: int = 1) -> list[Staged]:
    """Leave the good rows where they are: raw and bad kept under this file's own names, and a view
    of raw's rows that bad does not name (typed, with their file row, __row) for the store to copy.

    Nothing is copied here: the store's write is the one pass that materialises the rows.  Many
    files read as one (`_Raw.by_file`): one view, its rows' file in __file, a `Staged` per file.
    """
    tag = uuid.uuid4().hex
    raw_name, name = f"_raw_{tag}", f"_good_{tag}"
    bad_name = bad_rows_of(name)
    if raw.relation is not None:
        con.register(raw_name, raw.relation)
    else:
        con.execute(f"ALTER TABLE temp.raw RENAME TO {ident(raw_name)}")
    con.execute(f"ALTER TABLE temp.bad RENAME TO {ident(bad_name)}")
    row = _row_sql(raw)
    select = ", ".join(_typed(c, present[c.name], raw.native) for c in table.columns)
    local = "__row, __file" if raw.by_file else f"{row} AS __row"
    con.execute(f"CREATE TEMP VIEW {ident(name)} AS SELECT {select}, {local} FROM {ident(raw_name)} AS raw "
                f"WHERE {row} NOT IN (SELECT row FROM {ident(bad_name)})")
    return _staged(con, name, table, files if raw.by_file else None)


def _staged(con: duckdb.DuckDBPyConnection, name: str, table: Table, files: int | None) -> list[Staged]:
    """The good rows of the staged view `name`, counted by month there in one pass: one `Staged`
    (`files` None), or one per file of a view of many files."""
    counts: dict[int, dict[dt.date | None, int]] = {}
    for f, m, n in rows(con, f"SELECT {'__file' if files is not None else '0'}, {_month_of(table)}, count(*) "
                             f"FROM temp.{ident(name)} GROUP BY ALL"):
        counts.setdefault(f, {})[m] = n

    def reader(part: int | None) -> Callable[[], pa.Table]:
        return lambda: read_staged(con, name, part)

    if files is None:
        return [Staged(name, sum(counts.get(0, {}).values()), counts.get(0, {}), reader(None))]
    return [Staged(name, sum(counts.get(i, {}).values()), counts.get(i, {}), reader(i), part=i)
            for i in range(files)]


def _month_of(table: Table) -> str:
    """SQL for the first day of a typed row's month by the table's date column (NULL: it has none);
    `_overlap._month_sql` writes the same (the SQL-text test traces a module's own helpers only)."""
    return (f"CAST(date_trunc('month', CAST({ident(table.date_column)} AS DATE)) AS DATE)"
            if table.date_column else "CAST(NULL AS DATE)")


def _drop_raw(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Drop a raw read: a registered Parquet relation, or a temp table (CSV)."""
    kind = rows(con, "SELECT 'view' FROM duckdb_views() WHERE temporary AND view_name = ? "
                     "UNION ALL SELECT 'table' FROM duckdb_tables() WHERE temporary AND table_name = ?", [name, name])
    if kind and kind[0][0] == "view":
        con.unregister(name)
    elif kind:
        con.execute(f"DROP TABLE IF EXISTS temp.{ident(name)}")


def drop_staged(con: duckdb.DuckDBPyConnection) -> None:
    """Drop every staged view and the raw reads and bad-row lists it reads from."""
    for (name,) in rows(con, "SELECT view_name FROM duckdb_views() "
                             "WHERE temporary AND starts_with(view_name, '_good_')"):
        con.execute(f"DROP VIEW IF EXISTS temp.{ident(name)}")
    for (name,) in rows(con, "SELECT view_name FROM duckdb_views() WHERE temporary AND starts_with(view_name, '_raw_') "
                             "UNION SELECT table_name FROM duckdb_tables() WHERE temporary "
                             "AND (starts_with(table_name, '_raw_') OR starts_with(table_name, '_bad_') "
                             "OR starts_with(table_name, '_keyrows_'))"):
        if name.startswith("_raw_"):
            _drop_raw(con, name)
        else:
            con.execute(f"DROP TABLE IF EXISTS temp.{ident(name)}")


def bad_rows_of(staged: str) -> str:
    """The temp table of bad-row numbers that the staged view `staged` leaves out."""
    return "_bad_" + staged.removeprefix("_good_")


def key_rows_of(staged: str) -> str:
    """The temp table of the rows of a staged view of many files whose key hash is in two of them."""
    return "_keyrows_" + staged.removeprefix("_good_")


def read_staged(con: duckdb.DuckDBPyConnection, name: str, part: int | None = None) -> pa.Table:
    """The good rows of a staged view, in file order, as Arrow (`part`: one file's, of a view of many)."""
    if part is None:
        return arrow(con, f"SELECT * EXCLUDE (__row) FROM temp.{ident(name)} ORDER BY __row")
    return arrow(con, f"SELECT * EXCLUDE (__row, __file) FROM temp.{ident(name)} WHERE __file = ? ORDER BY __row",
                 [part])


def _quarantine_months(con: duckdb.DuckDBPyConnection, table: Table, present: dict[str, bool],
                       raw: _Raw, total: int) -> list[dt.date | None]:
    """The month of each quarantined row's raw date, in quarantine order (None: unreadable)."""
    dc = table.date_column
    if not total or not dc or not present.get(dc):
        return [None] * total
    found = rows(con, f"SELECT TRY_CAST(left(trim(CAST(raw.{ident(dc)} AS VARCHAR)), 7) || '-01' AS DATE) FROM bad "
                      f"LEFT JOIN raw ON {_row_sql(raw, 'raw')} = bad.row ORDER BY bad.row")
    # a year DuckDB holds but Python cannot (0000-01-01) comes back as text: no month then
    return [r[0] if isinstance(r[0], dt.date) else None for r in found]
