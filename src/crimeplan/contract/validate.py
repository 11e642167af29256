"""Read a canonical file, check every row against the contract, split good from bad.

Validation runs in an in-process DuckDB whatever the target store is: the file is read with
every column as text, each rule becomes a query that lists the rows breaking it, and the rows
that break nothing are cast to their contract types.  Row numbers are data rows, 1-based
(the header is line 1, so row N is on line N+1 of a CSV without embedded newlines).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from crimeplan._duck import arrow, rows, scalar
from crimeplan.contract.schema import COMPOSITE_KEYS, Column, Table
from crimeplan.errors import BadInput

QUARANTINE_COLUMNS = ["file", "row", "field", "value", "reason"]
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
    with path.open("rb") as fh:
        first = fh.readline(1 << 20)
    if not first.strip():
        raise BadInput("the file is empty (no header row)", file=str(path), row=0)
    if first.startswith(b"\xef\xbb\xbf"):
        first = first[3:]
    try:
        text = first.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadInput(f"the header is not UTF-8 text ({exc.reason} at byte {exc.start})",
                       file=str(path), row=0) from None
    header = next(csv.reader(io.StringIO(text)))
    return [h.strip() for h in header]


def _read_raw(con: duckdb.DuckDBPyConnection, path: Path, table: Table) -> list[str]:
    """Load the file into temp table raw (every column text); return its column names."""
    if not path.exists():
        raise BadInput("no such file", file=str(path))
    if path.is_dir():
        raise BadInput("this is a directory, not a file", file=str(path))
    if path.stat().st_size == 0:
        raise BadInput("the file is empty (no header row)", file=str(path), row=0)
    suffix = "".join(path.suffixes[-2:]).lower()
    try:
        if suffix.endswith(".parquet"):
            con.execute("CREATE TEMP TABLE raw0 AS SELECT * FROM read_parquet(?)", [str(path)])
            cols = [r[0] for r in rows(con, "DESCRIBE raw0")]
            casts = ", ".join(f'CAST("{c}" AS VARCHAR) AS "{c}"' for c in cols)
            con.execute(f"CREATE TEMP TABLE raw AS SELECT {casts} FROM raw0")
            con.execute("DROP TABLE raw0")
        else:
            header = _csv_header(path) if not suffix.endswith(".gz") else None
            if header is not None and len(header) == 1 and table.column_names[0] != header[0]:
                for sep in (";", "\t", "|"):
                    if sep in header[0]:
                        raise BadInput(f"the file uses {sep!r} between fields; the contract "
                                       "wants commas", file=str(path), row=0)
            con.execute(
                "CREATE TEMP TABLE raw AS SELECT * FROM read_csv(?, header=true, "
                "all_varchar=true, delim=',', quote='\"', escape='\"', strict_mode=true, "
                "null_padding=false, max_line_size=20000000)",
                [str(path)],
            )
            cols = [r[0] for r in rows(con, "DESCRIBE raw")]
    except duckdb.Error as exc:
        raise BadInput(f"cannot read the file: {_first_line(str(exc))}", file=str(path)) from None
    return cols


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else text


def _rule_queries(table: Table, col: Column, present: bool) -> list[tuple[str, str]]:
    """(SQL condition on raw, reason) pairs that make a row bad for this column."""
    q = f'"{col.name}"'
    if not present:
        return []
    rules: list[tuple[str, str]] = []
    if col.required:
        rules.append((f"{q} IS NULL OR trim({q}) = ''", "required value is missing"))
    nonnull = f"{q} IS NOT NULL AND trim({q}) <> ''"
    if col.type == "int":
        rules.append((f"{nonnull} AND TRY_CAST(trim({q}) AS BIGINT) IS NULL",
                      "not a whole number"))
    elif col.type == "float":
        rules.append((f"{nonnull} AND TRY_CAST(trim({q}) AS DOUBLE) IS NULL", "not a number"))
    elif col.type == "date":
        rules.append((
            f"{nonnull} AND (NOT regexp_full_match(trim({q}), '\\d{{4}}-\\d{{2}}-\\d{{2}}') "
            f"OR TRY_CAST(trim({q}) AS DATE) IS NULL)",
            "not a valid date YYYY-MM-DD",
        ))
    elif col.type == "timestamp":
        rules.append((
            f"{nonnull} AND (NOT regexp_full_match(trim({q}), "
            f"'\\d{{4}}-\\d{{2}}-\\d{{2}}[T ]\\d{{2}}:\\d{{2}}(:\\d{{2}}(\\.\\d+)?)?') "
            f"OR TRY_CAST(replace(trim({q}), 'T', ' ') AS TIMESTAMP) IS NULL)",
            "not a valid timestamp YYYY-MM-DDTHH:MM:SS",
        ))
    elif col.type == "bool":
        rules.append((f"{nonnull} AND lower(trim({q})) NOT IN ('true', 'false')",
                      "not a boolean (true/false)"))
    if col.enum:
        allowed = ", ".join("'" + v.replace("'", "''") + "'" for v in col.enum)
        rules.append((f"{nonnull} AND trim({q}) NOT IN ({allowed})",
                      "not one of: " + ", ".join(col.enum)))
    if col.min_value is not None and col.type in ("int", "float"):
        rules.append((f"TRY_CAST(trim({q}) AS DOUBLE) < {col.min_value}",
                      f"below the minimum {col.min_value:g}"))
    if col.max_value is not None and col.type in ("int", "float"):
        rules.append((f"TRY_CAST(trim({q}) AS DOUBLE) > {col.max_value}",
                      f"above the maximum {col.max_value:g}"))
    return rules


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
) -> Checked:
    """Validate one canonical file; bad rows go to the quarantine, never silently dropped."""
    path = Path(path)
    con = duckdb.connect()
    try:
        cols = _read_raw(con, path, table)
        missing = [c.name for c in table.columns if c.required and c.name not in cols]
        if missing:
            raise BadInput(
                "required column(s) missing from the header: " + ", ".join(missing)
                + f" (the header has: {', '.join(cols)})",
                file=str(path), row=0, field=missing[0],
            )
        present = {c.name: c.name in cols for c in table.columns}
        rows_read = scalar(con, "SELECT count(*) FROM raw")
        checks: list[tuple[str, str, str]] = []  # (field, condition, reason)
        for col in table.columns:
            for cond, reason in _rule_queries(table, col, present[col.name]):
                checks.append((col.name, cond, reason))
        limit = extract_date.isoformat()
        if table.date_column and present[table.date_column]:
            dc = table.date_column
            checks.append((dc, f"TRY_CAST(replace(trim(\"{dc}\"), 'T', ' ') AS DATE) > DATE '{limit}'",
                           f"after the extract date {limit}"))
        for later, earlier in table.date_order:
            if present.get(later) and present.get(earlier):
                checks.append((
                    later,
                    f"TRY_CAST(replace(trim(\"{later}\"), 'T', ' ') AS TIMESTAMP) < "
                    f"TRY_CAST(replace(trim(\"{earlier}\"), 'T', ' ') AS TIMESTAMP)",
                    f"{later} is before {earlier}",
                ))
            if present.get(later) and later != table.date_column:
                checks.append((later,
                               f"TRY_CAST(replace(trim(\"{later}\"), 'T', ' ') AS DATE) > DATE '{limit}'",
                               f"after the extract date {limit}"))
        if table.has_district and present.get("district") and known_districts is not None:
            con.register("known_districts", pa.table({"d": sorted(known_districts)}))
            checks.append(("district",
                           "district IS NOT NULL AND trim(district) <> '' AND trim(district) "
                           "NOT IN (SELECT d FROM known_districts)",
                           "unknown district (not in the areas table)"))
        key = COMPOSITE_KEYS.get(table.name) or ((table.id_column,) if table.id_column else ())
        if key and all(present.get(k) for k in key):
            keys = ", ".join(f'"{k}"' for k in key)
            checks.append((
                key[0],
                f"rowid IN (SELECT rid FROM (SELECT rowid AS rid, row_number() OVER "
                f"(PARTITION BY {keys} ORDER BY rowid) AS n FROM raw WHERE \"{key[0]}\" IS NOT NULL) "
                f"WHERE n > 1)",
                "duplicate id (an earlier row has the same " + " + ".join(key) + ")",
            ))
            if existing_ids is not None and len(key) == 1:
                con.register("existing_ids", pa.table({"i": existing_ids}))
                checks.append((key[0], f'"{key[0]}" IN (SELECT i FROM existing_ids)',
                               "id already in the store (appending)"))
        parts = [
            f"SELECT rowid + 1 AS row, '{f}' AS field, CAST(\"{f}\" AS VARCHAR) AS value, "
            f"'{r.replace(chr(39), chr(39) * 2)}' AS reason, {i} AS rule FROM raw WHERE {cond}"
            for i, (f, cond, r) in enumerate(checks)
        ]
        if parts:
            # one line per bad row: the first rule it breaks, in column order
            con.execute(
                "CREATE TEMP TABLE bad AS SELECT row, field, value, reason FROM ("
                "SELECT *, row_number() OVER (PARTITION BY row ORDER BY rule) AS k FROM ("
                + " UNION ALL ".join(parts) + ")) WHERE k = 1"
            )
        else:
            con.execute("CREATE TEMP TABLE bad (row BIGINT, field VARCHAR, value VARCHAR, reason VARCHAR)")
        select = ", ".join(_typed(c, present[c.name]) for c in table.columns)
        good = arrow(
            con, f"SELECT {select} FROM raw WHERE rowid + 1 NOT IN (SELECT row FROM bad) ORDER BY rowid"
        )
        quarantine = arrow(
            con, "SELECT ? AS file, row, field, left(value, 200) AS value, reason FROM bad ORDER BY row",
            [str(path)],
        )
    finally:
        con.close()
    if good.num_rows + quarantine.num_rows != rows_read:
        raise AssertionError("reconciliation failed: rows read != loaded + quarantined")
    return Checked(str(path), sha256_of(path), rows_read, good, quarantine)
