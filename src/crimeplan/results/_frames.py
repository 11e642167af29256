"""Results frames to Arrow tables and back, each cell coming back as the same Python value.

A results frame mixes column types the way pandas leaves them: object columns holding ints or
None, bools or None, lists of dicts. A stored report must read exactly what a computed one
would, so each object column's kind is recorded and restored, and lists travel as JSON text.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

import pandas as pd
import pyarrow as pa

ROW = "__row"  # the row's place, so a stored frame reads back in its order


def _is_null(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


# pandas' own reading of an object column (missing values skipped), where it settles the kind:
# a compute's results frames are mostly such columns, and a Python test per cell was most of the
# time of saving them (368,000 cells on the national plan)
_INFERRED = {"empty": "null", "boolean": "bool", "integer": "int", "floating": "float",
             "mixed-integer-float": "float", "string": "str", "date": "date"}
_ARROW_TYPES = {"bool": pa.bool_(), "int": pa.int64(), "float": pa.float64(), "date": pa.date32(),
                "str": pa.string()}


def _kind(values: pd.Series) -> str:
    """What an object column holds: json, bool, int, float, date, str or null."""
    inferred = _INFERRED.get(pd.api.types.infer_dtype(values, skipna=True))
    if inferred is not None:
        return inferred
    kinds = set()
    for v in values:
        if _is_null(v):
            continue
        if isinstance(v, (list, dict, tuple)):
            kinds.add("json")
        elif isinstance(v, bool):
            kinds.add("bool")
        elif isinstance(v, int):
            kinds.add("int")
        elif isinstance(v, float):
            kinds.add("float")
        elif isinstance(v, dt.date):
            kinds.add("date")
        else:
            kinds.add("str")
    if not kinds:
        return "null"
    if kinds <= {"int", "float"}:
        return "float" if "float" in kinds else "int"
    if len(kinds) > 1:
        return "json"  # mixed cells keep their types through JSON
    return kinds.pop()


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {"__datetime__": value.isoformat()}
    if isinstance(value, dt.date):
        return {"__date__": value.isoformat()}
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    if hasattr(value, "item"):  # a numpy scalar
        return value.item()
    raise TypeError(f"cannot store {type(value).__name__} in results")


def _json_hook(obj: dict[str, Any]) -> Any:
    if set(obj) == {"__date__"}:
        return dt.date.fromisoformat(obj["__date__"])
    if set(obj) == {"__datetime__"}:
        return dt.datetime.fromisoformat(obj["__datetime__"])
    return obj


def dumps(value: Any) -> str:
    """JSON text that keeps dates and datetimes as such through `loads`."""
    return json.dumps(value, default=_json_default, sort_keys=True)


def loads(text: str) -> Any:
    """The value `dumps` wrote."""
    return json.loads(text, object_hook=_json_hook)


def to_arrow(frame: pd.DataFrame) -> tuple[pa.Table, dict[str, str]]:
    """The frame as an Arrow table with a row-order column, and the kind of each object column."""
    kinds: dict[str, str] = {}
    columns: dict[str, pa.Array] = {}
    for name in frame.columns:
        col = frame[name]
        if col.dtype != object:
            columns[name] = pa.Array.from_pandas(col)
            continue
        kind = kinds[name] = _kind(col)
        if kind == "json":
            columns[name] = pa.array([dumps(None if _is_null(v) else v) for v in col], pa.string())
        elif kind == "null":
            columns[name] = pa.nulls(len(col), pa.string())
        else:  # None, NaN and pd.NA are all null (from_pandas)
            columns[name] = pa.array(col, _ARROW_TYPES[kind], from_pandas=True)
    columns[ROW] = pa.array(range(len(frame)), pa.int64())
    return pa.table(columns), kinds


def from_arrow(table: pa.Table, kinds: dict[str, str]) -> pd.DataFrame:
    """The frame `to_arrow` was given, in its row order."""
    if ROW in table.column_names:
        table = table.sort_by(ROW).drop([ROW])
    frame = table.to_pandas()
    for name, kind in kinds.items():
        values = table.column(name).to_pylist()
        restored = [loads(v) for v in values] if kind == "json" else values
        frame[name] = pd.Series(restored, index=frame.index, dtype=object)
    return frame
