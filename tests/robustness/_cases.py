"""Malformed inputs, made by hand: each is a good small file with one fault put in."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass

from crimeplan.contract.schema import TABLES

# one valid row per canonical table (missing keys are empty)
GOOD: dict[str, dict[str, str]] = {
    "areas": {"district": "A", "lpa": "North", "force": "Testshire", "population": "1000"},
    "crimes": {"crime_id": "C1", "recorded_date": "2024-01-05", "offence_code": "8N",
               "offence_group": "Violence with injury", "domestic_abuse": "true", "offender_age": "30",
               "outcome_type": "1", "outcome_date": "2024-02-01"},
    "incidents": {"incident_id": "I1", "opened_at": "2024-01-05T10:00:00", "category": "asb",
                  "grade": "2"},
    "calls": {"call_id": "K1", "received_at": "2024-01-05T10:00:00", "channel": "999",
              "answered_after_s": "5"},
    "survey_responses": {"response_id": "R1", "survey": "victim_satisfaction",
                         "interview_date": "2024-01-05", "question": "overall", "positive": "true",
                         "weight": "1"},
    "casualties": {"casualty_id": "Y1", "collision_id": "X1", "collision_date": "2024-01-05",
                   "severity": "slight", "road_user": "cyclist", "age": "40"},
    "workforce": {"person_id": "P1", "month_end": "2024-01-31", "staff_group": "officer",
                  "fte": "1.0"},
    "aggregates": {"measure_id": "m", "area": "Testshire", "period_start": "2024-01-01",
                   "period_end": "2024-03-31", "numerator": "5", "denominator": "10", "value": "50"},
    "peers": {"force": "F", "measure_id": "m", "period_end": "2024-03-31", "numerator": "5",
              "population": "1000", "value": "5"},
    "events": {"date": "2024-01-05", "scope": "*", "kind": "note", "description": "x"},
}
COUNTED = {"peers": "numerator", "crimes": "offender_age", "calls": "answered_after_s",
           "casualties": "age", "areas": "population", "workforce": "fte",
           "survey_responses": "weight", "aggregates": "denominator", "incidents": "grade"}


def rows(table: str, n: int = 3) -> list[dict[str, str]]:
    """n valid rows (ids made unique)."""
    out = []
    t = TABLES[table]
    for i in range(n):
        r = dict(GOOD[table])
        if t.id_column:
            r[t.id_column] = f"{r[t.id_column]}{i}"
        elif table == "workforce":
            r["person_id"] = f"P{i}"
        out.append(r)
    return out


def text(table: str, data: list[dict[str, str]], header: list[str] | None = None) -> str:
    """CSV text of rows under the contract's header (or the header given)."""
    cols = header or TABLES[table].column_names
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(cols)
    for r in data:
        w.writerow([r.get(c, "") for c in cols])
    return buf.getvalue()


@dataclass(frozen=True)
class Fault:
    """A fault: how to make the bytes, and what must happen (exit 2, or rows quarantined)."""

    name: str
    make: Callable[[str], bytes]
    expect: str  # "exit2" | "ok" | "quarantine"
    quarantined: int = 0  # rows expected in quarantine when expect == "quarantine"
    applies: Callable[[str], bool] = lambda table: True


def _bad_row(table: str, fld: str, value: str) -> str:
    data = rows(table)
    data[1][fld] = value
    return text(table, data)


def _replace_line(t: str, i: int, new: str) -> str:
    lines = t.splitlines()
    lines[i] = new
    return "\n".join(lines) + "\n"


def faults() -> list[Fault]:
    """Every hand-made fault."""
    def date_col(table: str) -> str | None:
        return next((c.name for c in TABLES[table].columns if c.type == "date"), None)

    return [
        Fault("wrong delimiter", lambda t: text(t, rows(t)).replace(",", ";").encode(), "exit2"),
        Fault("tab delimiter", lambda t: text(t, rows(t)).replace(",", "\t").encode(), "exit2"),
        Fault("byte-order mark", lambda t: b"\xef\xbb\xbf" + text(t, rows(t)).encode(), "ok"),
        Fault("crlf line endings", lambda t: text(t, rows(t)).replace("\n", "\r\n").encode(), "ok"),
        Fault("latin-1 byte in a data row", lambda t: _latin1(t), "quarantine", 1),
        Fault("latin-1 byte in the header", lambda t: text(t, rows(t)).replace(
            TABLES[t].column_names[0], TABLES[t].column_names[0] + "\xe9", 1).encode("latin-1"), "exit2"),
        Fault("truncated last line", lambda t: text(t, rows(t)).rstrip("\n")[:-6].encode()
              if len(text(t, rows(t)).splitlines()[-1].split(",")) > 2 else b"", "quarantine", 1,
              applies=lambda t: len(TABLES[t].columns) > 3),
        Fault("a row with an extra field", lambda t: _replace_line(
            text(t, rows(t)), 2, text(t, rows(t)).splitlines()[2] + ",surplus").encode(), "quarantine", 1),
        Fault("unbalanced quote", lambda t: _replace_line(
            text(t, rows(t)), 2, '"' + text(t, rows(t)).splitlines()[2]).encode(), "quarantine", 1),
        Fault("missing required column", lambda t: text(
            t, rows(t), [c for c in TABLES[t].column_names if c != _required(t)]).encode(), "exit2"),
        Fault("renamed column", lambda t: text(t, rows(t)).replace(
            _required(t), _required(t).upper() + "X", 1).encode(), "exit2"),
        Fault("duplicated id", lambda t: text(t, rows(t)[:2] + rows(t)[:1]).encode(), "quarantine", 1,
              applies=lambda t: TABLES[t].id_column is not None),
        Fault("impossible date", lambda t: _bad_row(t, date_col(t), "2024-02-30").encode(),
              "quarantine", 1, applies=lambda t: date_col(t) is not None),
        Fault("negative count", lambda t: _bad_row(t, COUNTED[t], "-3").encode(), "quarantine", 1,
              applies=lambda t: t in COUNTED),
        Fault("10 MB field", lambda t: _bad_row(t, _required(t), "x" * 10_000_000).encode(),
              "quarantine", 1),
        Fault("NUL byte in a value", lambda t: _bad_row(t, _required(t), "a\x00b").encode(),
              "quarantine", 1),
        Fault("empty file", lambda t: b"", "exit2"),
        Fault("header only", lambda t: text(t, []).encode(), "exit2"),  # a full extract of nothing
    ]


def _required(table: str) -> str:
    cols = [c.name for c in TABLES[table].columns if c.required]
    return cols[-1]


def _latin1(table: str) -> bytes:
    t = text(table, rows(table))
    lines = t.splitlines()
    head, first, bad, rest = lines[0], lines[1], lines[2], lines[3:]
    col = _required(table)
    idx = TABLES[table].column_names.index(col)
    cells = next(csv.reader([bad]))
    cells[idx] = cells[idx] + "\xe9"
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(cells)
    return ("\n".join([head, first]) + "\n").encode() + buf.getvalue().encode("latin-1") + \
        ("\n".join(rest) + "\n").encode()


def reconciliation(out: str) -> list[tuple[int, int, int]]:
    """(read, loaded, quarantined) of each `N rows read = L loaded + Q quarantined` line."""
    return [tuple(map(int, m)) for m in re.findall(  # type: ignore[misc]
        r"(\d+) rows read = (\d+) loaded \+ (\d+) quarantined", out)]
