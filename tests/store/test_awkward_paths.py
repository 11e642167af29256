"""A file path is data, never SQL: loads and exports work whatever characters a path holds.

The paths here hold a single quote, a semicolon and spaces, the characters that would end a quoted
string or a statement if a path were formatted into SQL text.
"""

from __future__ import annotations

import csv
import datetime as dt

import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from crimeplan.store import open_store
from tests.cli_helpers import run_cli
from tests.conftest import AREAS, write_csv

CRIMES = [
    {"crime_id": f"C{i}", "recorded_date": f"2023-0{4 + i % 3}-1{i % 9}", "offence_group": "Shoplifting",
     "district": "ABC"[i % 3], "business": True, "offender_age": 20 + i if i % 2 else None}
    for i in range(12)
]
AWKWARD = "O'Brien; drop"


def test_load_and_export_through_a_path_with_a_quote_a_semicolon_and_spaces(capsys, tmp_path):
    """`crimeplan load` and `export` read and write such paths; the export gives back the file."""
    folder = tmp_path / AWKWARD
    folder.mkdir()
    areas = write_csv(folder / "areas 2024.csv", "areas", AREAS)
    crimes = write_csv(folder / "crimes 2024; v'2.csv", "crimes", CRIMES)
    store = str(folder / "store; 'one'.duckdb")
    loaded = run_cli(capsys, "load", "areas", str(areas), "--store", store)
    assert loaded.code == 0, loaded.err
    loaded = run_cli(capsys, "load", "crimes", str(crimes), "--store", store, "--extract-date", "2024-12-31")
    assert loaded.code == 0, loaded.err
    assert "crimes 2024; v'2.csv: 12 rows read = 12 loaded + 0 quarantined" in loaded.out
    back_csv, back_parquet = folder / "back; 'crimes' 1.csv", folder / "back; 'crimes' 1.parquet"
    for out in (back_csv, back_parquet):
        assert run_cli(capsys, "export", "crimes", "--store", store, "--out", str(out)).code == 0
    assert list(csv.reader(back_csv.open(encoding="utf-8"))) == list(csv.reader(crimes.open(encoding="utf-8")))
    parquet = pq.read_table(back_parquet)
    assert parquet.column("crime_id").to_pylist() == [r["crime_id"] for r in CRIMES]
    assert parquet.column("offender_age").to_pylist() == [r["offender_age"] for r in CRIMES]
    with open_store(store, read_only=True) as st:
        assert [f["file"] for f in st.files()] == [str(areas), str(crimes)]


def test_parquet_load_and_quarantine_name_the_awkward_path(tmp_path):
    """A Parquet file at such a path loads; its refused row is quarantined under its own path."""
    folder = tmp_path / AWKWARD
    folder.mkdir()
    areas = write_csv(folder / "areas.csv", "areas", AREAS)
    bad = [*CRIMES, {**CRIMES[0], "crime_id": "C99", "recorded_date": "2023-13-40"}]
    as_csv = write_csv(tmp_path / "crimes.csv", "crimes", bad)
    crimes = folder / "crimes '24; drop table crimes.parquet"
    pq.write_table(pacsv.read_csv(as_csv, convert_options=pacsv.ConvertOptions(
        column_types={c: "string" for c in ("crime_id", "recorded_date", "offender_age", "business")})), crimes)
    with open_store(folder / "s 1.duckdb") as st:
        st.load({"areas": [areas]}, extract_date=dt.date(2024, 12, 31))
        report = st.load({"crimes": [crimes]}, extract_date=dt.date(2024, 12, 31), accept_quarantine=True,
                         quarantine_dir=folder / "quarantine 'q'")
        assert [(c.rows_read, c.rows_loaded, c.rows_quarantined) for c in report.files] == [(13, 12, 1)]
        assert st.arrow("crimes").column("crime_id").to_pylist() == [r["crime_id"] for r in CRIMES]
        q = st.quarantine().to_pylist()
        assert q == [{"table_name": "crimes", "file": str(crimes), "row": 13, "field": "recorded_date",
                      "value": "2023-13-40", "reason": "not a valid date YYYY-MM-DD"}]
        written = report.quarantine_files
        assert [f.parent.name for f in written] == ["quarantine 'q'"]
        assert next(iter(csv.DictReader(written[0].open(encoding="utf-8"))))["file"] == str(crimes)
        assert st.row_count("crimes") == 12 and st.tables()["crimes"].count().execute() == 12
