"""Generated malformed inputs (hypothesis): byte-level damage to valid files, through every importer
and through the canonical validator.  Never anything but BadInput or a reconciled result."""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crimeplan.contract.schema import TABLES
from crimeplan.errors import BadInput
from crimeplan.sources import importer
from crimeplan.store import check_file
from tests.robustness._cases import rows, text
from tests.robustness._importer_cases import SOURCES, write

PAYLOADS = [b",", b'"', b"\n", b"\r\n", b"\r", b"\xe9", b"\x00", b";", b"\xef\xbb\xbf", b"-", b"9",
            b"2024-13", b"", b"x" * 200, b'""', b"\xff\xfe", b",,,,,,,,", b"\t"]
edit = st.tuples(st.floats(0, 1), st.sampled_from(["insert", "delete", "replace", "truncate"]),
                 st.sampled_from(PAYLOADS), st.integers(1, 40))
FUZZ = settings(max_examples=30, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def damage(data: bytes, edits: list[tuple[float, str, bytes, int]]) -> bytes:
    """Apply byte edits at relative positions."""
    for where, op, payload, span in edits:
        i = int(where * len(data))
        if op == "insert":
            data = data[:i] + payload + data[i:]
        elif op == "delete":
            data = data[:i] + data[i + span:]
        elif op == "replace":
            data = data[:i] + payload + data[i + len(payload) or i + 1:]
        else:
            data = data[:i]
    return data


def _valid_bytes(src) -> bytes:  # type: ignore[no-untyped-def]
    with tempfile.TemporaryDirectory() as d:
        return write(src, Path(d))[0].read_bytes()


@pytest.mark.parametrize("src", SOURCES, ids=[s.name for s in SOURCES])
@FUZZ
@given(edits=st.lists(edit, min_size=1, max_size=4))
def test_importers_survive_damaged_files(src, edits):
    data = damage(_valid_bytes(src), edits)
    with tempfile.TemporaryDirectory() as d:
        paths = write(src, Path(d), data)
        try:
            res = importer(src.name).import_files(paths, force=src.force, options={})
        except BadInput as exc:
            assert str(exc) and "\n" not in str(exc)
            return
        res.check()  # every file: read = mapped + quarantined + out of scope
        for name, table in res.tables.items():
            assert table.column_names == TABLES[name].column_names
            pq.write_table(table, io.BytesIO())  # stageable: nothing unencodable got through
        assert all(q.file and q.row >= 1 and q.reason for q in res.quarantine)
        if src.name == "police-uk":
            street = res.files[0]
            assert street.mapped == res.tables["crimes"].num_rows + res.tables["incidents"].num_rows


@pytest.mark.parametrize("table", ["crimes", "incidents", "peers", "events"])
@FUZZ
@given(edits=st.lists(edit, min_size=1, max_size=4))
def test_canonical_validation_survives_damaged_files(table, edits):
    data = damage(text(table, rows(table, 4)).encode(), edits)
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / f"{table}.csv"
        path.write_bytes(data)
        try:
            checked = check_file(path, TABLES[table], extract_date=dt.date(2024, 12, 31))
        except BadInput as exc:
            assert str(exc) and "\n" not in str(exc)
            return
        assert checked.rows_read == checked.rows_loaded + checked.rows_quarantined
        assert checked.good.column_names == TABLES[table].column_names


@FUZZ
@given(edits=st.lists(edit, min_size=1, max_size=3))
def test_ons_workbooks_survive_damage(edits):
    from crimeplan.sources import ons_pfa
    from tests.sources.test_ons_small import workbook

    with tempfile.TemporaryDirectory() as d:
        good = workbook(Path(d) / "good.xlsx", [["E23000028", "Essex10", 300, None, 1, 1, 1],
                                                ["E23000005", "Greater Manchester", "..", None, 1, 1, 1]])
        bad = Path(d) / "bad.xlsx"
        bad.write_bytes(damage(good.read_bytes(), edits))
        try:
            res = ons_pfa.import_files([bad])
        except BadInput as exc:
            assert "\n" not in str(exc)
            return
        res.check()
