"""Every check the contract declares (`contract.validate.Check`) has a query in the store that
refuses the bad value and keeps the good one, so a new check cannot be declared and not run."""

from __future__ import annotations

import datetime as dt
from typing import get_args

import duckdb
import pyarrow as pa
import pytest

from crimeplan.contract.validate import DATE_TEXT, TIMESTAMP_TEXT, WHOLE_NUMBER, Check, Rule
from crimeplan.store._duck import rows
from crimeplan.store._validate import _condition, _params

# check → (value, other column, [(v, w) of a good row, then a bad row])
CASES: dict[str, tuple[object, str | None, list[tuple[str | None, str | None]]]] = {
    "nul": (None, None, [("a", None), ("a\x00b", None)]),
    "too_long": (3, None, [("abc", None), ("abcd", None)]),
    "missing": (None, None, [("x", None), ("  ", None)]),
    "not_whole": (WHOLE_NUMBER, None, [("2.0", None), ("1.5", None)]),
    "not_number": (None, None, [("1e3", None), ("abc", None)]),
    "not_finite": (None, None, [("1", None), ("inf", None)]),
    "not_date": (DATE_TEXT, None, [("2024-02-29", None), ("2023-02-29", None)]),
    "not_timestamp": (TIMESTAMP_TEXT, None, [("2024-01-01T10:00", None), ("2024-01-01 25:00", None)]),
    "not_bool": (None, None, [("TRUE", None), ("yes", None)]),
    "not_one_of": (("a", "b"), None, [("b", None), ("c", None)]),
    "below": (0, None, [("0", None), ("-1", None)]),
    "above": (10, None, [("10", None), ("11", None)]),
    "date_below": (dt.date(1990, 1, 1), None, [("1990-01-01", None), ("1989-12-31", None)]),
    "date_above": (dt.date(2024, 12, 31), None, [("2024-12-31T23:00", None), ("2025-01-01", None)]),
    "before_other": (None, "w", [("2024-01-02", "2024-01-01"), ("2024-01-01", "2024-01-02T00:01")]),
    "unknown_district": (None, None, [("A", None), ("Z", None)]),
    # ids compared as stored (trimmed): ' a ' repeats 'a', ' old' is the stored 'old'
    "duplicate_key": (("v",), None, [("a", None), (" a ", None)]),
    "id_in_store": (None, None, [("new", None), (" old", None)]),
}


def test_every_declared_check_has_a_case() -> None:
    """The cases below cover the contract's whole list of checks."""
    assert set(CASES) == set(get_args(Check))


@pytest.mark.parametrize("check", sorted(CASES))
def test_the_store_query_refuses_the_bad_row_only(check: str) -> None:
    """The query a check becomes flags the second (bad) row and not the first (good) one."""
    value, other, data = CASES[check]
    con = duckdb.connect()
    try:
        con.register("_rows", pa.table({"v": [v for v, _ in data], "w": [w for _, w in data]}))
        con.execute("CREATE TABLE raw AS SELECT * FROM _rows")
        con.register("known_districts", pa.table({"d": ["A", "B"]}))
        con.register("existing_ids", pa.table({"i": ["old"]}))
        rule = Rule("v", check, "why", value, other)  # type: ignore[arg-type]
        flagged = rows(con, f"SELECT rowid FROM raw WHERE {_condition(rule)} ORDER BY rowid", _params(rule))
    finally:
        con.close()
    assert flagged == [(1,)]
