"""Street files read column by column (Arrow) give what reading them record by record gives.

`CsvReader.table` parses a file with Arrow's CSV reader only when no record has a fault for the
record checks to find and every quote is a field's RFC 4180 quoting; otherwise it goes record by
record. These tests make the importer read each file both ways and compare every output: the
tables, the provenance, the quarantine (rows, fields, values, reasons, in order), the files'
counts and the notes. The figures of the sound files are worked out by hand as well.
"""

from __future__ import annotations

import datetime as dt
import gzip
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crimeplan.errors import BadInput
from crimeplan.sources import _read, police_uk
from tests.robustness.test_fuzz import PAYLOADS, damage
from tests.sources.conftest import STREET_HEADER, street_row

BCP = '"Bournemouth, Christchurch and Poole 001A"'


def _dump(paths: list[Path], force: str) -> Any:
    try:
        res = police_uk.import_files(paths, force=force)
    except BadInput as exc:
        return ("BadInput", str(exc))
    return {"tables": {k: t.to_pylist() for k, t in res.tables.items()},
            "provenance": res.provenance,
            "quarantine": [(q.file, q.row, q.field, q.value, q.reason, q.lost) for q in res.quarantine],
            "files": [f.line() for f in res.files], "notes": res.notes,
            "coverage": res.coverage, "carried": res.carried}


def _both_ways(paths: list[Path], force: str, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, list[bool]]:
    """The import read as it is (and which files Arrow parsed), then record by record."""
    parsed: list[bool] = []
    arrow = _read.CsvReader._arrow_table

    def spy(self: _read.CsvReader) -> Any:
        out = arrow(self)
        parsed.append(out is not None)
        return out

    with monkeypatch.context() as m:
        m.setattr(_read.CsvReader, "_arrow_table", spy)
        as_is = _dump(paths, force)
    with monkeypatch.context() as m:
        m.setattr(_read.CsvReader, "_arrow_table", lambda self: None)
        one_by_one = _dump(paths, force)
    assert as_is == one_by_one
    return as_is, parsed


def _bcp_row(cid: str, location: str = "On or near Moortown Drive") -> str:
    return (f"{cid},2024-01,Dorset Police,Dorset Police,-1.946730,50.779999,{location},E01015431,"
            f"{BCP},Burglary,Under investigation,")


def _write(path: Path, text: str, gz: bool = False) -> Path:
    if gz:
        path = path.with_name(path.name + ".gz")
        path.write_bytes(gzip.compress(text.encode("utf-8")))
    else:
        path.write_bytes(text.encode("utf-8"))
    return path


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"])
@pytest.mark.parametrize("gz", [False, True])
def test_sound_files_are_parsed_by_arrow_with_the_same_result(tmp_path, monkeypatch, ending, gz):
    first = [street_row("c1"), street_row("", ctype="Anti-social behaviour", outcome=""),
             street_row("c2", lsoa="Havering 001A"), street_row("c1"), street_row(""),
             street_row("c3", lsoa="Shepway 001A", outcome="Local resolution")]
    # a blank line carries no row; the last line has no line ending
    text = ending.join([STREET_HEADER, *first[:3], "", *first[3:]])
    one = _write(tmp_path / "2024-01-essex-street.csv", text, gz)
    two = _write(tmp_path / "2024-02-essex-street.csv",
                 ending.join([STREET_HEADER, street_row("c1", month="2024-02"),
                              street_row("c4", month="2024-02")]) + ending, gz)
    out, parsed = _both_ways([one, two], "Essex", monkeypatch)
    assert parsed == [True, True]
    crimes = out["tables"]["crimes"]
    # by hand: c1, c2 (Havering, London's: force level), <file>:5 (no id), c3 (Shepway, Kent's:
    # force level), c4; c1 again in the first file (row 4) and in the second (row 1) is quarantined
    assert [c["crime_id"] for c in crimes] == ["c1", "c2", f"{one.name.split('.')[0]}:5", "c3", "c4"]
    assert [c["district"] for c in crimes] == ["Basildon", None, "Basildon", None, "Basildon"]
    assert [c["outcome_type"] for c in crimes] == [None, None, None, 8, None]
    assert [(q[1], q[2], q[3]) for q in out["quarantine"]] == [(4, "Crime ID", "c1"), (1, "Crime ID", "c1")]
    assert out["quarantine"][0][4] == f"duplicate id (first seen in {one} row 1)"
    assert out["provenance"]["crimes"] == [(str(one), 1), (str(one), 3), (str(one), 5), (str(one), 6),
                                           (str(two), 2)]
    assert out["provenance"]["incidents"] == [(str(one), 2)]


def test_quoted_fields_as_police_uk_writes_them(tmp_path, monkeypatch):
    rows = [_bcp_row("d1"), _bcp_row("d2", '"On or near ""The Lane"""'), _bcp_row("d3", '""')]
    path = _write(tmp_path / "2024-01-dorset-street.csv", "\n".join([STREET_HEADER, *rows]) + "\n")
    out, parsed = _both_ways([path], "Dorset", monkeypatch)
    assert parsed == [True]
    assert [c["district"] for c in out["tables"]["crimes"]] == ["Bournemouth, Christchurch and Poole"] * 3
    assert out["quarantine"] == []


@pytest.mark.parametrize("fault,row,field", [
    ('d2,2024-01,Dorset Police,Dorset Police,0,0,a"b,E0,Poole 001A,Burglary,,', None, None),
    ('"d2"x,2024-01,Dorset Police,Dorset Police,0,0,ab,E0,Poole 001A,Burglary,,', None, None),
    (' "d2",2024-01,Dorset Police,Dorset Police,0,0,ab,E0,Poole 001A,Burglary,,', None, None),
    ('d2,2024-01,Dorset Police,Dorset Police,0,0,"a\nb",E0,Poole 001A,Burglary,,', 2, "Location"),
    ("d2,2024-01,Dorset Police,Dorset Police,0,0,ab,E0,Poole 001A,Burglary,,,surplus", 2, "*"),
    ("d2,2024-01,Dorset Police,Dorset Police,0,0," + "x" * 10_001 + ",E0,Poole 001A,Burglary,,",
     2, "Location"),
    ("d2,2024-01,Dorset Police,Dorset Police,0,0,a\x00b,E0,Poole 001A,Burglary,,", 2, "Location"),
    ("   ", None, None),
])
def test_files_with_a_fault_or_odd_quoting_go_record_by_record(tmp_path, monkeypatch, fault, row, field):
    rows = [_bcp_row("d1"), fault, _bcp_row("d3")]
    path = _write(tmp_path / "2024-01-dorset-street.csv", "\n".join([STREET_HEADER, *rows]) + "\n")
    out, parsed = _both_ways([path], "Dorset", monkeypatch)
    assert parsed == [False]
    assert [(q[1], q[2]) for q in out["quarantine"]] == ([(row, field)] if row else [])


def test_a_latin1_byte_goes_record_by_record(tmp_path, monkeypatch):
    path = tmp_path / "2024-01-essex-street.csv"
    path.write_bytes("\n".join([STREET_HEADER, street_row("c1"), street_row("c2")]).encode()
                     + b"\n" + street_row("c3", location="Caf\xe9").encode("latin-1") + b"\n")
    out, parsed = _both_ways([path], "Essex", monkeypatch)
    assert parsed == [False]
    assert [(q[1], q[2]) for q in out["quarantine"]] == [(3, "Location")]


_VALID = "\n".join([STREET_HEADER, street_row("a1"), street_row("", ctype="Anti-social behaviour", outcome=""),
                    street_row("a2", lsoa="Babergh 010G"), _bcp_row("a3").replace("Dorset", "Essex"),
                    street_row("a1"), street_row("a4", lsoa="", location="No Location")]) + "\n"


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(edits=st.lists(st.tuples(st.floats(0, 1), st.sampled_from(["insert", "delete", "replace", "truncate"]),
                                st.sampled_from(PAYLOADS), st.integers(1, 40)), min_size=1, max_size=4))
def test_damaged_files_give_the_same_result_either_way(monkeypatch, edits):
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "2024-01-essex-street.csv"
        path.write_bytes(damage(_VALID.encode("utf-8"), edits))
        _both_ways([path], "Essex", monkeypatch)


def _outcome(cid: str, month: str, outcome: str) -> str:
    return ",".join([cid, month, "Essex Police", "Essex Police", "", "", "On or near", "", "", outcome])


def test_outcomes_files_read_both_ways_give_each_crime_its_latest_outcome(tmp_path, monkeypatch):
    from tests.sources.conftest import OUTCOMES_HEADER, write_street

    write_street(tmp_path / "2024-01-essex-street.csv", [street_row(c) for c in ("c1", "c2", "c3")])
    write_street(tmp_path / "2024-02-essex-street.csv", [street_row("c4", month="2024-02")])
    a = tmp_path / "2024-02-essex-outcomes.csv"
    a.write_text("\n".join([OUTCOMES_HEADER, _outcome("c1", "2024-02", "Local resolution"),
                            _outcome("zz", "2024-02", "Suspect charged"),
                            _outcome("c2", "2024-02", "Under investigation"),
                            _outcome("c4", "2024-01", "Suspect charged")]) + "\n")
    b = tmp_path / "2024-03-essex-outcomes.csv"
    b.write_text("\n".join([OUTCOMES_HEADER, _outcome("c1", "2024-03", "Suspect charged"),
                            _outcome("c2", "2024-02", "Under investigation"),
                            _outcome("c3", "2024-03", "Investigation complete; no suspect identified"),
                            _outcome("c1", "2024-03", "Suspect charged")]) + "\n")
    out, parsed = _both_ways([tmp_path], "Essex", monkeypatch)
    assert parsed == [True, True, True, True]
    # by hand: a crime's rows ordered by month, then file, then row; the last is its latest
    crimes = {c["crime_id"]: (c["outcome_type"], c["outcome_date"]) for c in out["tables"]["crimes"]}
    assert crimes == {"c1": (1, dt.date(2024, 3, 1)), "c2": (None, None), "c3": (18, dt.date(2024, 3, 1)),
                      "c4": (None, None)}
    lines = [(Path(q[0]).name, q[1], q[3], q[4], q[5]) for q in out["quarantine"]]
    # crime by crime, in the order their ids first appear: c1, zz, c2, c4
    assert lines[:4] == [
        (a.name, 1, "c1", f"superseded by the outcome in {b} row 4 (the latest outcome is kept)", False),
        (b.name, 1, "c1", f"duplicate of the outcome in {b} row 4 (the latest outcome is kept)", False),
        (a.name, 2, "zz", "crime not in the street files imported", False),
        (a.name, 3, "c2", f"duplicate of the outcome in {b} row 2 (the latest outcome is kept)", False)]
    assert lines[4][:3] == (a.name, 4, "c4") and lines[4][4] is True
    assert lines[4][3].startswith("outcome month before the crime's month")
    assert len(lines) == 5
    assert out["files"][2].endswith("outcomes.csv: 4 rows read = 0 mapped + 4 quarantined (outcome rows)")
    assert out["files"][3].endswith("outcomes.csv: 4 rows read = 3 mapped + 1 quarantined (outcome rows)")
