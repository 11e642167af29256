"""Ids unique across the files of a streaming load, compared in the store's DuckDB.

`contract.overlap` compares the files of one load in Python, which needs every file's good rows
in memory.  A DuckDB store's files wait as staged views (`_validate._stage`), so here the
comparison is SQL over them, in two steps.  First only each good row's file and the 64-bit hash
of its id are read into a temp table and grouped by hash (16 bytes a row rather than the id's
text, so fewer passes and less to spill): an id in two files has its hash in two files, so a hash
found in one file only is no repeat, and a load whose files share no id stops there.  Then the
rows whose hash is in two files (the repeats, and any other id sharing a hash with one) have their
(file, row, id) read and are grouped by the id itself (in passes, each a share of the ids by
hash, when they are many); a row whose id an earlier file has is a repeat.  Its row number joins
the file's bad rows (so the staged view no longer yields it) and its quarantine line is the one
`contract.overlap` writes, naming the first file and row with that id.  Only the repeats come
back into Python.  When all the load's files were checked in one pass, that pass already found
the rows whose id hash is in two files (`Staged.key_rows`): the first step is skipped.
"""

from __future__ import annotations

import bisect
import dataclasses
from collections import Counter

import duckdb
import pyarrow as pa

from crimeplan._limits import memory_limit
from crimeplan.contract.overlap import KEY_SEPARATOR, all_ids_repeated, key_of, refuse_wholesale_repeats, with_repeats
from crimeplan.contract.schema import Table
from crimeplan.contract.validate import Checked, Staged
from crimeplan.errors import BadInput
from crimeplan.store._duck import arrow, ident, scalar
from crimeplan.store._validate import FILE_ROW, FILE_SHIFT, STAGE_MEMORY, bad_rows_of

# a staged row's number of file in the load: its view's first file's (the parameter), plus the
# row's __file in a view of many files (`Staged.part`)
_ONE_FILE = "CAST(? AS BIGINT)"
_MANY_FILES = "(CAST(? AS BIGINT) + __file)"
_REPEATS = "_overlap_repeats"
_IDS = "_overlap_ids"
_HASHES = "_overlap_hashes"
_CANDIDATES = "_overlap_candidates"
assert ord(KEY_SEPARATOR) == 31  # what _key_sql writes between a composite key's parts


def rows_per_pass() -> int:
    """How many staged rows one pass of the comparison groups: about 100 bytes each of the load's ceiling."""
    return max(1, min(memory_limit(), STAGE_MEMORY) // 100)


def hashes_per_pass() -> int:
    """How many (file, id hash) rows one pass of the first step groups: about 40 bytes each of the ceiling."""
    return max(1, min(memory_limit(), STAGE_MEMORY) // 40)


def _key_sql(key: tuple[str, ...]) -> str:
    """SQL giving a staged row's id as the text `contract.overlap` compares (parts joined by KEY_SEPARATOR)."""
    if len(key) == 1:
        return f"CAST({ident(key[0])} AS VARCHAR)"
    return " || chr(31) || ".join(f"coalesce(CAST({ident(k)} AS VARCHAR), '')" for k in key)


def _hash_sql(key: tuple[str, ...]) -> str:
    """SQL giving a staged row's id hash, the first step's grouping key (a test makes ids collide here)."""
    return f"hash({_key_sql(key)})"


def _month_sql(column: str) -> str:
    """SQL for the first day of a staged row's month, as `_validate._staged` counts `Staged.months`."""
    return f"CAST(date_trunc('month', CAST({ident(column)} AS DATE)) AS DATE)"


def dedupe_staged(con: duckdb.DuckDBPyConnection, parts: list[Checked], table: Table, *,
                  allow_overlap: bool, appending: bool = False) -> list[Checked]:
    """`contract.overlap.dedupe_across_files` for files staged in `con`, compared in SQL."""
    refuse_wholesale_repeats(parts, table, allow_overlap=allow_overlap, appending=appending)
    key = key_of(table)
    staged = [c.staged for c in parts]
    if len(parts) < 2 or not key:
        return parts
    if any(s is None for s in staged):
        raise ValueError("dedupe_staged needs every file staged")
    sources = _sources(staged)
    month = (_month_sql(table.date_column) if table.date_column else "CAST(NULL AS DATE)")
    hashed = _hash_sql(key)
    # every file of the load read as one: that pass found the rows whose key is in two of them
    key_rows = staged[0].key_rows if len(sources) == 1 and staged[0] is not None else None
    try:
        if key_rows is not None:
            candidates = int(scalar(con, f"SELECT count(*) FROM temp.{ident(key_rows)}"))
            wanted = f"{FILE_ROW} IN (SELECT row FROM temp.{ident(key_rows)})"
        else:
            candidates = _candidate_rows(con, sources, key, sum(c.rows_loaded for c in parts))
            wanted = f"{hashed} IN (SELECT h FROM {_CANDIDATES})"
        if not candidates:
            return parts
        each = " UNION ALL ".join(
            f"SELECT {_MANY_FILES if many else _ONE_FILE} AS f, __row AS r, {_key_sql(key)} AS k, {month} AS m "
            f"FROM temp.{ident(v)} WHERE {wanted}" for v, _, many in sources)
        # the candidates' (file, row, id, month) are read into a temp table (DuckDB spills it past
        # the ceiling), each row given a pass by its id's hash: when files share many ids, grouping
        # them all at once could outgrow the ceiling, so each pass groups a bounded share
        passes = max(1, -(-candidates // rows_per_pass()))
        con.execute(f"CREATE TEMP TABLE {_IDS} AS SELECT *, hash(k) % CAST(? AS UBIGINT) AS pass FROM ({each})",
                    [passes, *(first for _, first, _ in sources)])
        con.execute(f"CREATE TEMP TABLE {_REPEATS} (f BIGINT, r BIGINT, k VARCHAR, m DATE, f0 BIGINT, r0 BIGINT)")
        for part in range(passes):
            # ids found in more than one file, with the first place each is found (file, then
            # row); the rows of later files with those ids are the repeats
            con.execute(
                f"INSERT INTO {_REPEATS} WITH u AS (SELECT f, r, k, m FROM {_IDS} WHERE pass = CAST(? AS UBIGINT)), "
                f"firsts AS (SELECT k, min(f * {FILE_SHIFT} + r) AS first FROM u GROUP BY k HAVING min(f) < max(f)) "
                f"SELECT u.f, u.r, u.k, u.m, firsts.first // {FILE_SHIFT}, firsts.first % {FILE_SHIFT} "
                f"FROM u JOIN firsts ON u.k = firsts.k WHERE u.f > firsts.first // {FILE_SHIFT}", [part])
    except duckdb.OutOfMemoryException:
        con.execute(f"DROP TABLE IF EXISTS temp.{_REPEATS}")
        raise BadInput("comparing the ids of the files of one load needs more than the memory ceiling; "
                       "load fewer files at once, or raise CRIMEPLAN_MEMORY_LIMIT",
                       file=", ".join(c.file for c in parts)) from None
    finally:
        con.execute(f"DROP TABLE IF EXISTS temp.{_IDS}")
        con.execute(f"DROP TABLE IF EXISTS temp.{_HASHES}")
        con.execute(f"DROP TABLE IF EXISTS temp.{_CANDIDATES}")
    try:
        repeats = arrow(con, f"SELECT f, r, k, m, f0, r0 FROM {_REPEATS} ORDER BY f, r")
        if not repeats.num_rows:
            return parts
        out: list[Checked] = []
        files = repeats.column("f").to_pylist()  # in file order: each file's repeats are one slice
        for i, (c, s) in enumerate(zip(parts, staged)):
            assert s is not None
            first = bisect.bisect_left(files, i)
            mine = repeats.slice(first, bisect.bisect_right(files, i) - first)
            if not mine.num_rows:
                out.append(c)
                continue
            values = mine.column("k").to_pylist()
            earlier = [(parts[f].file, r) for f, r in zip(mine.column("f0").to_pylist(),
                                                         mine.column("r0").to_pylist())]
            if mine.num_rows == c.rows_loaded and not allow_overlap:
                raise all_ids_repeated(c, key, values[0], earlier[0])
            # the staged view reads the rows its bad-row table does not name (only the row is read;
            # in a view of many files, the file's number and row as one, `_validate.FILE_ROW`)
            con.execute(f"INSERT INTO temp.{ident(bad_rows_of(s.table))} SELECT ? * {FILE_SHIFT} + r, ?, NULL, ? "
                        f"FROM {_REPEATS} WHERE f = ?", [s.part or 0, key[0], "duplicate id: in an earlier file", i])
            out.append(with_repeats(c, key, mine.column("r").to_pylist(), values, earlier,
                                    _without(s, mine.column("m"))))
        return out
    finally:
        con.execute(f"DROP TABLE IF EXISTS temp.{_REPEATS}")


def _sources(staged: list[Staged | None]) -> list[tuple[str, int, bool]]:
    """Each staged view once: (view, the load's number of its first file, whether it holds many files).

    A view of one file gives its rows that file's number; a view of many (`Staged.part`) adds its
    rows' __file to the number of the first of them (its files come one after another in a load).
    """
    out: list[tuple[str, int, bool]] = []
    seen: set[str] = set()
    for i, s in enumerate(staged):
        assert s is not None
        if s.part is None:
            out.append((s.table, i, False))
        elif s.table not in seen:
            seen.add(s.table)
            out.append((s.table, i - s.part, True))
    return out


def _candidate_rows(con: duckdb.DuckDBPyConnection, sources: list[tuple[str, int, bool]], key: tuple[str, ...],
                    rows: int) -> int:
    """Fill the temp table of id hashes found in more than one file; how many staged rows have them."""
    each = " UNION ALL ".join(f"SELECT {_MANY_FILES if many else _ONE_FILE} AS f, {_hash_sql(key)} AS h "
                              f"FROM temp.{ident(v)}" for v, _, many in sources)
    con.execute(f"CREATE TEMP TABLE {_HASHES} AS SELECT f, h FROM ({each})", [first for _, first, _ in sources])
    con.execute(f"CREATE TEMP TABLE {_CANDIDATES} (h UBIGINT)")
    passes = max(1, -(-rows // hashes_per_pass()))
    for part in range(passes):  # each pass a share of the hashes, so each grouping fits the ceiling
        # the parameters typed as the hash is: an untyped integer makes DuckDB work h % ? in
        # HUGEINT, which took 20 s a pass rather than 3 over 100M rows
        con.execute(f"INSERT INTO {_CANDIDATES} SELECT h FROM {_HASHES} "
                    "WHERE h % CAST(? AS UBIGINT) = CAST(? AS UBIGINT) GROUP BY h HAVING min(f) < max(f)",
                    [passes, part])
    found = scalar(con, f"SELECT count(*) FROM {_HASHES} WHERE h IN (SELECT h FROM {_CANDIDATES})")
    con.execute(f"DROP TABLE temp.{_HASHES}")
    return int(found)


def _without(s: Staged, months: pa.ChunkedArray) -> Staged:
    """The staged rows' counts less the repeats (their months given), on the same view."""
    left = Counter(s.months)
    left.subtract(Counter(months.to_pylist()))
    return dataclasses.replace(s, num_rows=s.num_rows - len(months),
                               months={m: n for m, n in left.items() if n > 0})
