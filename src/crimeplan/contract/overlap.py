"""Ids unique across every file of a load: a later copy goes to quarantine naming the earlier one.

`check_file` finds duplicates inside one file and, when appending, ids already in the store;
this step compares the files of one load with each other.  A file that repeats what came
before wholesale (the same bytes, or every id already loaded) is almost always a mistake
(`load crimes a.csv a.csv`, the same month appended twice): it is refused (exit 2) unless
the caller allows overlap, when its repeats are quarantined like any other duplicate.

Here the comparison runs in Python over files held as Arrow (a store on another database); the
DuckDB store compares its staged files in SQL (`store._overlap`) with these same refusals,
reasons and quarantine lines.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa
import pyarrow.compute as pc

from crimeplan.contract.schema import COMPOSITE_KEYS, Table
from crimeplan.contract.validate import Checked, Staged
from crimeplan.errors import BadInput

APPEND_REASON = "id already in the store (appending)"
OVERLAP_HINT = "if the overlap is meant, load again with --allow-overlap (repeats are then quarantined)"
KEY_SEPARATOR = "\x1f"  # between the parts of a composite key's text


def key_of(table: Table) -> tuple[str, ...]:
    """The columns that identify a row of the table (empty when none do)."""
    return COMPOSITE_KEYS.get(table.name) or ((table.id_column,) if table.id_column else ())


def good_row_numbers(c: Checked) -> list[int]:
    """The data-row numbers (1-based) of a checked file's good rows, in order."""
    bad = set(c.quarantine.column("row").to_pylist())
    return [r for r in range(1, c.rows_read + 1) if r not in bad]


def _keys(t: pa.Table, key: tuple[str, ...]) -> pa.Array:
    if len(key) == 1:
        return pc.cast(t.column(key[0]), pa.string()).combine_chunks()
    parts = [pc.fill_null(pc.cast(t.column(k), pa.string()), "") for k in key]
    return pc.binary_join_element_wise(*parts, KEY_SEPARATOR).combine_chunks()


def refuse_wholesale_repeats(parts: Sequence[Checked], table: Table, *, allow_overlap: bool,
                             appending: bool) -> None:
    """Refuse (BadInput) an appended file whose ids the store all holds, or a byte copy of an earlier file."""
    key = key_of(table)
    for c in parts:  # an appended file that only repeats what the store holds
        if (appending and not allow_overlap and c.rows_loaded == 0 and c.rows_quarantined
                and c.quarantine.num_rows
                and all(r == APPEND_REASON for r in c.quarantine.column("reason").to_pylist())):
            raise BadInput("every id in this file is already in the store's "
                           f"{table.name}: the file was appended before? {OVERLAP_HINT}",
                           file=c.file, row=1, field=key[0] if key else None)
    if len(parts) < 2:
        return
    for i, c in enumerate(parts):
        for e in parts[:i]:
            if c.sha256 == e.sha256 and not allow_overlap:
                raise BadInput(f"this file is a copy of {e.file} in the same load: {OVERLAP_HINT}",
                               file=c.file, row=0)


def all_ids_repeated(c: Checked, key: tuple[str, ...], value: str, earlier: tuple[str, int]) -> BadInput:
    """The refusal of a file whose every good row's id an earlier file of the load has."""
    return BadInput(f"every id in this file was already in an earlier file of the same load "
                    f"(e.g. {value!r} in {earlier[0]} row {earlier[1]}): {OVERLAP_HINT}",
                    file=c.file, row=1, field=key[0])


def with_repeats(c: Checked, key: tuple[str, ...], rows: list[int], values: list[str],
                 earlier: list[tuple[str, int]], good: pa.Table | Staged) -> Checked:
    """The file's check with its rows `rows` (ids `values`, first seen at `earlier`) quarantined.

    `good` is what is left of its good rows.  Its quarantine lines are sorted by row again; the
    month of each quarantined row is not carried over (they count as of unknown month).
    """
    extra = pa.table({
        "file": pa.array([c.file] * len(rows), pa.string()),
        "row": pa.array(rows, pa.int64()),
        "field": pa.array([key[0]] * len(rows), pa.string()),
        "value": pa.array([str(v)[:200] for v in values], pa.string()),
        "reason": pa.array([f"duplicate id: also in {f} row {n}" for f, n in earlier], pa.string()),
    })
    q = pa.concat_tables([c.quarantine.cast(extra.schema), extra])
    q = q.take(pc.sort_indices(q, [("row", "ascending")]))
    return Checked(c.file, c.sha256, c.rows_read, good, q)


def dedupe_across_files(parts: list[Checked], table: Table, *, allow_overlap: bool,
                        appending: bool = False) -> list[Checked]:
    """The files' checks with rows whose id an earlier file of the load has moved to quarantine."""
    key = key_of(table)
    refuse_wholesale_repeats(parts, table, allow_overlap=allow_overlap, appending=appending)
    if len(parts) < 2:
        return parts
    if not key or not all(k in parts[0].good.column_names for k in key):
        return parts
    out: list[Checked] = []
    seen: dict[str, tuple[str, int]] = {}
    seen_keys: list[pa.Array] = []
    for c in parts:
        keys = _keys(c.good, key)
        numbers = good_row_numbers(c)
        if seen_keys:
            earlier = pa.concat_arrays(seen_keys)
            hit = pc.fill_null(pc.is_in(keys, value_set=earlier), False)
        else:
            hit = pa.array([False] * len(keys), pa.bool_())
        n_hit = pc.sum(pc.cast(hit, pa.int64())).as_py() or 0
        if n_hit and n_hit == len(keys) and not allow_overlap:
            raise all_ids_repeated(c, key, keys[0].as_py(), seen[keys[0].as_py()])
        if n_hit:
            idx = [j for j, h in enumerate(hit.to_pylist()) if h]
            values = keys.take(pa.array(idx)).to_pylist()
            c = with_repeats(c, key, [numbers[j] for j in idx], values, [seen[v] for v in values],
                             c.good.filter(pc.invert(hit)))
            keys = keys.filter(pc.invert(hit))
            numbers = [n for n, h in zip(numbers, hit.to_pylist()) if not h]
        for k, n in zip(keys.to_pylist(), numbers):
            seen.setdefault(k, (c.file, n))
        seen_keys.append(keys)
        out.append(c)
    return out
