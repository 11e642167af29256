"""Read a canonical file, check every row against the contract, split good from bad.

Validation runs in an in-process DuckDB whatever the target store is: the file is read with
every column as text, each rule becomes a query that lists the rows breaking it, and the rows
that break nothing are cast to their contract types.  Row numbers are data rows, 1-based
(the header is line 1, so row N is on line N+1 of a CSV without embedded newlines).
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import hashlib
import io
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from crimeplan._duck import arrow, rows, scalar
from crimeplan._limits import check_parquet_size, check_text_size, memory_limit, read_bounded
from crimeplan.contract.schema import COMPOSITE_KEYS, Column, Table
from crimeplan.errors import BadInput

QUARANTINE_COLUMNS = ["file", "row", "field", "value", "reason"]
MAX_VALUE = 10_000  # characters; a longer value is a broken export, not data
MIN_DATE = dt.date(1990, 1, 1)  # default earliest plausible date (`--min-date` changes it)
_SURROGATE = re.compile("[\udc80-\udcff]")
_SQL_TYPES = {"str": "VARCHAR", "int": "BIGINT", "float": "DOUBLE", "date": "DATE",
              "timestamp": "TIMESTAMP", "bool": "BOOLEAN"}


@dataclass
class Checked:
    """The outcome of validating one file: typed good rows and the quarantine."""

    file: str
    sha256: str
    rows_read: int
    good: pa.Table
    quarantine: pa.Table  # one row per rejected data row: file,row,field,value,reason
    # the month of each quarantined row's date, aligned with `quarantine` (None: unreadable)
    quarantine_months: list[dt.date | None] = field(default_factory=list)

    @property
    def rows_loaded(self) -> int:
        """Rows that passed every rule."""
        return self.good.num_rows

    @property
    def rows_quarantined(self) -> int:
        """Rows sent to quarantine."""
        return self.quarantine.num_rows


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


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
    """Temp table raw: its column names, the SQL giving each row's number, rows refused on read."""

    cols: list[str]
    row_sql: str = "rowid + 1"
    refused: list[tuple[int, str, str, str]] = field(default_factory=list)  # row, field, value, why


def _read_raw(con: duckdb.DuckDBPyConnection, path: Path, table: Table) -> _Raw:
    """Load the file into temp table raw (every column text)."""
    if not path.exists():
        raise BadInput("no such file", file=str(path))
    if path.is_dir():
        raise BadInput("this is a directory, not a file", file=str(path))
    if path.stat().st_size == 0:
        raise BadInput("the file is empty (no header row)", file=str(path), row=0)
    suffix = "".join(path.suffixes[-2:]).lower()
    try:
        if suffix.endswith(".parquet"):
            check_parquet_size(path)
            con.execute("CREATE TEMP TABLE raw0 AS SELECT * FROM read_parquet(?)", [str(path)])
            cols = [r[0] for r in rows(con, "DESCRIBE raw0")]
            casts = ", ".join(f'CAST("{c}" AS VARCHAR) AS "{c}"' for c in cols)
            con.execute(f"CREATE TEMP TABLE raw AS SELECT {casts} FROM raw0")
            con.execute("DROP TABLE raw0")
            return _Raw(cols)
        else:
            check_text_size(path)
            header = _csv_header(path)
            if len(header) == 1 and table.column_names[0] != header[0]:
                for sep in (";", "\t", "|"):
                    if sep in header[0]:
                        raise BadInput(f"the file uses {sep!r} between fields; the contract "
                                       "wants commas", file=str(path), row=0)
            try:
                con.execute(
                    "CREATE TEMP TABLE raw AS SELECT * FROM read_csv(?, header=true, "
                    "all_varchar=true, delim=',', quote='\"', escape='\"', strict_mode=true, "
                    "null_padding=false, max_line_size=20000000)",
                    [str(path)],
                )
                cols = [r[0] for r in rows(con, "DESCRIBE raw")]
            except duckdb.Error:
                cols = []
            if [c.strip() for c in cols] != [h or c.strip() for h, c in zip(header, cols)] \
                    or len(cols) != len(header):  # DuckDB refused a row or misread the header
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
    return _Raw(header, "__row", refused)


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


def _rule_queries(table: Table, col: Column, present: bool) -> list[tuple[str, str, list[object]]]:
    """(SQL condition on raw, reason, parameters) triples that make a row bad for this column."""
    q = f'"{col.name}"'
    if not present:
        return []
    rules: list[tuple[str, str, list[object]]] = [
        (f"strpos({q}, chr(0)) > 0", "contains a NUL byte", []),
        (f"length({q}) > ?", f"value longer than {MAX_VALUE:,} characters", [MAX_VALUE]),
    ]
    if col.required:
        rules.append((f"{q} IS NULL OR trim({q}) = ''", "required value is missing", []))
    nonnull = f"{q} IS NOT NULL AND trim({q}) <> ''"
    if col.type == "int":
        # whole means whole: '1.5' is refused, not rounded ('2.0' from a float column is 2)
        rules.append((f"{nonnull} AND (NOT regexp_full_match(trim({q}), ?) "
                      f"OR TRY_CAST(TRY_CAST(trim({q}) AS DOUBLE) AS BIGINT) IS NULL)",
                      "not a whole number", [r"[+-]?\d+(\.0*)?"]))
    elif col.type == "float":
        rules.append((f"{nonnull} AND TRY_CAST(trim({q}) AS DOUBLE) IS NULL", "not a number", []))
        rules.append((f"{nonnull} AND NOT isfinite(TRY_CAST(trim({q}) AS DOUBLE))",
                      "not a finite number (inf or nan)", []))
    elif col.type == "date":
        rules.append((
            f"{nonnull} AND (NOT regexp_full_match(trim({q}), ?) OR TRY_CAST(trim({q}) AS DATE) IS NULL)",
            "not a valid date YYYY-MM-DD", [r"\d{4}-\d{2}-\d{2}"],
        ))
    elif col.type == "timestamp":
        rules.append((
            f"{nonnull} AND (NOT regexp_full_match(trim({q}), ?) "
            f"OR TRY_CAST(replace(trim({q}), 'T', ' ') AS TIMESTAMP) IS NULL)",
            "not a valid timestamp YYYY-MM-DDTHH:MM:SS",
            [r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?"],
        ))
    elif col.type == "bool":
        rules.append((f"{nonnull} AND lower(trim({q})) NOT IN ('true', 'false')",
                      "not a boolean (true/false)", []))
    if col.enum:
        rules.append((f"{nonnull} AND NOT list_contains(?, trim({q}))",
                      "not one of: " + ", ".join(col.enum), [list(col.enum)]))
    if col.min_value is not None and col.type in ("int", "float"):
        rules.append((f"TRY_CAST(trim({q}) AS DOUBLE) < ?",
                      f"below the minimum {col.min_value:g}", [col.min_value]))
    if col.max_value is not None and col.type in ("int", "float"):
        rules.append((f"TRY_CAST(trim({q}) AS DOUBLE) > ?",
                      f"above the maximum {col.max_value:g}", [col.max_value]))
    return rules


def _date_range_rules(table: Table, present: dict[str, bool], earliest: dt.date,
                      extract_date: dt.date) -> list[tuple[str, str, str, list[object]]]:
    """Every date and timestamp must lie between the earliest plausible date and the extract date."""
    out: list[tuple[str, str, str, list[object]]] = []
    for col in table.columns:
        if col.type not in ("date", "timestamp") or not present.get(col.name):
            continue
        d = f"TRY_CAST(replace(trim(\"{col.name}\"), 'T', ' ') AS DATE)"
        out.append((col.name, f"{d} < ?", f"before {earliest.isoformat()}, the earliest "
                    "plausible date (--min-date)", [earliest]))
        out.append((col.name, f"{d} > ?", f"after the extract date {extract_date.isoformat()}",
                    [extract_date]))
    return out


def _typed(col: Column, present: bool) -> str:
    """SQL that casts raw text to the column's contract type."""
    if not present:
        return f'CAST(NULL AS {_SQL_TYPES[col.type]}) AS "{col.name}"'
    q = f'NULLIF(trim("{col.name}"), \'\')'
    if col.type == "bool":
        return f'CAST(lower({q}) AS BOOLEAN) AS "{col.name}"'
    if col.type == "timestamp":
        return f"CAST(replace({q}, 'T', ' ') AS TIMESTAMP) AS \"{col.name}\""
    return f'CAST({q} AS {_SQL_TYPES[col.type]}) AS "{col.name}"'


def check_file(
    path: Path,
    table: Table,
    *,
    extract_date: dt.date,
    known_districts: set[str] | None = None,
    existing_ids: pa.Array | None = None,
    min_date: dt.date = MIN_DATE,
) -> Checked:
    """Validate one canonical file; bad rows go to the quarantine, never silently dropped."""
    path = Path(path)
    con = duckdb.connect(config={"memory_limit": f"{memory_limit() // (1 << 20)}MB",
                                 "preserve_insertion_order": True})
    try:
        raw = _read_raw(con, path, table)
        cols, rowsql = raw.cols, raw.row_sql
        missing = [c.name for c in table.columns if c.required and c.name not in cols]
        if missing:
            raise BadInput(
                "required column(s) missing from the header: " + ", ".join(missing)
                + f" (the header has: {_one_line(', '.join(cols))[:300]})",
                file=str(path), row=0, field=missing[0],
            )
        present = {c.name: c.name in cols for c in table.columns}
        rows_read = scalar(con, "SELECT count(*) FROM raw") + len(raw.refused)
        checks: list[tuple[str, str, str, list[object]]] = []  # (field, condition, reason, params)
        for col in table.columns:
            for cond, reason, params in _rule_queries(table, col, present[col.name]):
                checks.append((col.name, cond, reason, params))
        checks += _date_range_rules(table, present, min_date, extract_date)
        for later, earlier in table.date_order:
            if present.get(later) and present.get(earlier):
                checks.append((
                    later,
                    f"TRY_CAST(replace(trim(\"{later}\"), 'T', ' ') AS TIMESTAMP) < "
                    f"TRY_CAST(replace(trim(\"{earlier}\"), 'T', ' ') AS TIMESTAMP)",
                    f"{later} is before {earlier}", [],
                ))
        if table.has_district and present.get("district") and known_districts is not None:
            con.register("known_districts", pa.table({"d": sorted(known_districts)}))
            checks.append(("district",
                           "district IS NOT NULL AND trim(district) <> '' AND trim(district) "
                           "NOT IN (SELECT d FROM known_districts)",
                           "unknown district (not in the areas table)", []))
        key = COMPOSITE_KEYS.get(table.name) or ((table.id_column,) if table.id_column else ())
        if key and all(present.get(k) for k in key):
            keys = ", ".join(f'"{k}"' for k in key)
            checks.append((
                key[0],
                f"rowid IN (SELECT rid FROM (SELECT rowid AS rid, row_number() OVER "
                f"(PARTITION BY {keys} ORDER BY rowid) AS n FROM raw WHERE \"{key[0]}\" IS NOT NULL) "
                f"WHERE n > 1)",
                "duplicate id (an earlier row has the same " + " + ".join(key) + ")", [],
            ))
            if existing_ids is not None and len(key) == 1:
                con.register("existing_ids", pa.table({"i": existing_ids}))
                checks.append((key[0], f'"{key[0]}" IN (SELECT i FROM existing_ids)',
                               "id already in the store (appending)", []))
        parts = [
            f"SELECT {rowsql} AS row, ? AS field, CAST(\"{f}\" AS VARCHAR) AS value, "
            f"? AS reason, ? AS rule FROM raw WHERE {cond}"
            for i, (f, cond, r, _) in enumerate(checks)
        ]
        params = [v for i, (f, _, r, p) in enumerate(checks) for v in (f, r, i, *p)]
        con.execute("CREATE TEMP TABLE refused (row BIGINT, field VARCHAR, value VARCHAR, "
                    "reason VARCHAR, rule INTEGER)")
        if raw.refused:
            con.executemany("INSERT INTO refused VALUES (?, ?, ?, ?, -1)",
                            [list(r) for r in raw.refused])
        parts.append("SELECT * FROM refused")
        if parts:
            # one line per bad row: the first rule it breaks, in column order
            con.execute(
                "CREATE TEMP TABLE bad AS SELECT row, field, value, reason FROM ("
                "SELECT *, row_number() OVER (PARTITION BY row ORDER BY rule) AS k FROM ("
                + " UNION ALL ".join(parts) + ")) WHERE k = 1", params
            )
        else:
            con.execute("CREATE TEMP TABLE bad (row BIGINT, field VARCHAR, value VARCHAR, reason VARCHAR)")
        select = ", ".join(_typed(c, present[c.name]) for c in table.columns)
        good = arrow(
            con, f"SELECT {select} FROM raw WHERE {rowsql} NOT IN (SELECT row FROM bad) ORDER BY rowid"
        )
        quarantine = arrow(
            con, "SELECT ? AS file, row, field, left(value, 200) AS value, reason FROM bad ORDER BY row",
            [str(path)],
        )
        qmonths = _quarantine_months(con, table, present, rowsql, quarantine.num_rows)
    except duckdb.OutOfMemoryException:
        raise BadInput(f"checking the file needs more than the memory ceiling ({memory_limit():,} "
                       "bytes); split it, or raise CRIMEPLAN_MEMORY_LIMIT", file=str(path)) from None
    finally:
        con.close()
    if good.num_rows + quarantine.num_rows != rows_read:
        raise AssertionError("reconciliation failed: rows read != loaded + quarantined")
    return Checked(str(path), sha256_of(path), rows_read, good, quarantine, qmonths)


def _quarantine_months(con: duckdb.DuckDBPyConnection, table: Table, present: dict[str, bool],
                       rowsql: str, total: int) -> list[dt.date | None]:
    """The month of each quarantined row's raw date, in quarantine order (None: unreadable)."""
    dc = table.date_column
    if not total or not dc or not present.get(dc):
        return [None] * total
    found = rows(con, f"SELECT TRY_CAST(left(trim(raw.\"{dc}\"), 7) || '-01' AS DATE) FROM bad "
                      f"LEFT JOIN raw ON raw.{rowsql} = bad.row ORDER BY bad.row")
    # a year DuckDB holds but Python cannot (0000-01-01) comes back as text: no month then
    return [r[0] if isinstance(r[0], dt.date) else None for r in found]
