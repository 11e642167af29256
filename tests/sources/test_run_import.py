"""run_import: importer → staged Parquet → one store snapshot with coverage and a quarantine file."""

from __future__ import annotations

import csv
import datetime as dt

import pyarrow.parquet as pq
import pytest

from crimeplan.errors import BadInput
from crimeplan.sources import run_import
from crimeplan.store import Store
from tests.sources.conftest import street_row, write_street
from tests.sources.test_ons_small import workbook


def _street(tmp_path):
    d = tmp_path / "raw"
    d.mkdir()
    write_street(d / "2024-01-essex-street.csv", [
        street_row("a1"), street_row("", ctype="Anti-social behaviour", outcome=""),
        street_row("a2", lsoa="Babergh 010G"), street_row("a3", month="2024-13")])
    write_street(d / "2024-03-essex-street.csv", [street_row("b1", month="2024-03")])
    return d


def test_police_uk_import_makes_one_snapshot_with_coverage_and_quarantine(tmp_path):
    store = tmp_path / "s.duckdb"
    lines = run_import("police-uk", [_street(tmp_path)], store, force="Essex", options={},
                       accept_quarantine=True)  # one row in four quarantined: over the 5%
    text = "\n".join(lines)
    assert "2024-01-essex-street.csv: 4 rows read = 3 mapped + 1 quarantined" in text
    assert "outside the force's districts: 1 rows" in text
    assert "crimes (police-uk): months covered 2024-01, 2024-03; months missing 2024-02" in text
    assert "store: crimes.parquet: 3 rows read = 3 loaded + 0 quarantined" in text
    assert lines[-1] == "snapshot 1 created"
    with Store(store, read_only=True) as st:
        assert st.arrow("crimes").column("crime_id").to_pylist() == ["a1", "a2", "b1"]
        assert st.arrow("crimes").column("district").to_pylist() == ["Basildon", None, "Basildon"]
        assert st.arrow("incidents").num_rows == 1 and st.arrow("areas").num_rows == 14
        if hasattr(st, "coverage"):
            assert st.coverage("crimes") == {"police-uk": {dt.date(2024, 1, 1), dt.date(2024, 3, 1)}}
    q = list(csv.DictReader((tmp_path / "quarantine" / "import-police-uk-1.csv").open()))
    assert [(r["row"], r["field"]) for r in q] == [("4", "Month")]
    assert q[0]["file"].endswith("2024-01-essex-street.csv")
    staged = pq.read_table(tmp_path / "staging" / "import-police-uk-1" / "crimes.parquet")
    assert staged.column("_source_row").to_pylist() == [1, 3, 1]


def test_rows_the_store_refuses_are_traced_to_the_raw_file(tmp_path):
    store = tmp_path / "s.duckdb"
    lines = run_import("police-uk", [_street(tmp_path)], store, force="Essex",
                       options={"extract_date": "2024-02-15"}, accept_quarantine=True)
    assert "store: crimes.parquet: 3 rows read = 2 loaded + 1 quarantined" in "\n".join(lines)
    q = list(csv.DictReader((tmp_path / "quarantine" / "import-police-uk-1.csv").open()))
    refused = [r for r in q if r["reason"].startswith("refused by the store")]
    assert len(refused) == 1 and refused[0]["file"].endswith("2024-03-essex-street.csv")
    assert refused[0]["row"] == "1" and "after the extract date" in refused[0]["reason"]


def test_peers_are_merged_across_imports(tmp_path):
    store = tmp_path / "s.duckdb"
    a = workbook(tmp_path / "a.xlsx", [["E23000028", "Essex", 300, None, 1, 1, 1]])
    b = workbook(tmp_path / "b.xlsx", [["E23000028", "Essex", 310, None, 1, 1, 1]],
                 title_end="year ending June 20191,2")
    run_import("ons-pfa", [a], store, force=None, options={})
    lines = run_import("ons-pfa", [b], store, force=None, options={})
    assert "peers: 4 rows from this import + 4 kept from snapshot 1" in lines
    with Store(store, read_only=True) as st:
        rows = {(r["measure_id"], r["period_end"]): r["numerator"] for r in st.arrow("peers").to_pylist()}
        if hasattr(st, "coverage"):
            assert st.coverage("peers")["ons-pfa"] == {dt.date(2019, 3, 1), dt.date(2019, 6, 1)}
    assert rows[("all_crime", dt.date(2019, 3, 31))] == 300
    assert rows[("all_crime", dt.date(2019, 6, 30))] == 310
    run_import("ons-pfa", [b], store, force=None, options={})  # again: replaces, no duplicates
    with Store(store, read_only=True) as st:
        assert st.arrow("peers").num_rows == 8


def test_unknown_source_options_and_unreadable_input(tmp_path):
    store = tmp_path / "s.duckdb"
    with pytest.raises(BadInput, match="unknown source"):
        run_import("fbi", [tmp_path], store, force=None, options={})
    with pytest.raises(BadInput, match="unknown option"):
        run_import("police-uk", [tmp_path], store, force="Essex", options={"colour": "red"})
    with pytest.raises(BadInput, match="no such file"):
        run_import("police-uk", [tmp_path / "nope.csv"], store, force="Essex", options={})
    assert not store.exists()  # nothing was opened for a refused import


def test_public_names():
    import crimeplan.sources as s

    for name in s.__all__:
        assert getattr(s, name) is not None
    assert set(s.IMPORTERS) == {"police-uk", "ons-pfa", "home-office-prc", "stats19"}
    for mod in s.IMPORTERS.values():
        assert mod.import_files.__doc__ and isinstance(mod.OPTIONS, dict) and mod.SOURCE


def _cli_has_import() -> bool:
    from crimeplan.cli import app

    return any((c.name or c.callback.__name__).rstrip("_") == "import" for c in app.registered_commands)


@pytest.mark.skipif(not _cli_has_import(), reason="`crimeplan import` is not wired yet")
def test_cli_import(capsys, tmp_path):
    from tests.cli_helpers import run_cli

    store = tmp_path / "s.duckdb"
    run = run_cli(capsys, "import", "police-uk", str(_street(tmp_path)), "--store", str(store),
                  "--force", "Essex", "--accept-quarantine")
    assert run.code == 0, run.err
    assert "months missing 2024-02" in run.out and "snapshot 1 created" in run.out
    bad = run_cli(capsys, "import", "police-uk", str(tmp_path / "none"), "--store", str(store))
    assert bad.code == 2 and "Traceback" not in bad.err


def test_append_a_month(tmp_path):
    store = tmp_path / "s.duckdb"
    d = tmp_path / "raw"
    d.mkdir()
    jan = write_street(d / "2024-01-essex-street.csv", [street_row("a1"), street_row("a2")])
    run_import("police-uk", [jan], store, force="Essex", options={})
    feb = write_street(tmp_path / "2024-02-essex-street.csv",
                       [street_row("b1", month="2024-02"), street_row("a2", month="2024-02")])
    lines = run_import("police-uk", [feb], store, force="Essex", options={"mode": "append"},
                       accept_quarantine=True)
    assert "areas: kept as the store has them (appending)" in lines
    assert "store: crimes.parquet: 2 rows read = 1 loaded + 1 quarantined" in "\n".join(lines)
    with Store(store, read_only=True) as st:
        assert st.arrow("crimes").column("crime_id").to_pylist() == ["a1", "a2", "b1"]
        assert st.arrow("areas").num_rows == 14
        if hasattr(st, "coverage"):
            assert st.coverage("crimes")["police-uk"] == {dt.date(2024, 1, 1), dt.date(2024, 2, 1)}
