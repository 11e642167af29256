"""Malformed files: one clear message naming file, row and field; reconciliation always holds."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from crimeplan.store import Store
from tests.cli_helpers import run_cli
from tests.conftest import AREAS, write_csv

HEADER = ("crime_id,recorded_date,offence_code,offence_group,district,domestic_abuse,hate,rural,"
          "night_time_economy,business,victim_id,offender_id,offender_age,outcome_type,outcome_date")
GOOD = "C1,2024-01-05,8N,Violence with injury,A,true,false,false,false,false,V1,,,,"


def _areas(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "areas.csv", "areas", AREAS)


def _load(capsys, tmp_path: Path, text: str, *extra: str):
    store = tmp_path / "s.duckdb"
    assert run_cli(capsys, "load", "areas", str(_areas(tmp_path)), "--store", str(store)).code == 0
    path = tmp_path / "crimes.csv"
    path.write_text(text, encoding="utf-8")
    return run_cli(capsys, "load", "crimes", str(path), "--store", str(store),
                   "--extract-date", "2024-12-31", *extra), path, store


# file-level faults: the whole file is refused with exit 2 and a message naming where
@pytest.mark.parametrize("text, expected", [
    ("", "the file is empty"),
    (HEADER.replace("recorded_date,", "date_recorded,") + "\n" + GOOD + "\n",
     "required column(s) missing from the header: recorded_date"),
    (HEADER.replace(",", ";") + "\n" + GOOD.replace(",", ";") + "\n", "uses ';' between fields"),
], ids=["empty file", "missing column", "wrong delimiter"])
def test_unreadable_files_exit_2_with_a_clear_message(capsys, tmp_path, text, expected):
    run, path, store = _load(capsys, tmp_path, text)
    assert run.code == 2
    assert expected in run.err and str(path) in run.err
    assert "Traceback" not in run.err and "row 0" in run.err
    with Store(store, read_only=True) as s:  # the store still holds only the areas snapshot
        assert s.latest_snapshot() == 1 and "crimes" not in s.physical_tables()


def test_a_directory_is_not_a_file(capsys, tmp_path):
    store = tmp_path / "s.duckdb"
    run = run_cli(capsys, "load", "crimes", str(tmp_path), "--store", str(store))
    assert run.code == 2 and "is a directory" in run.err and "Traceback" not in run.err


# row-level faults: the row goes to quarantine with file, row, field and reason
@pytest.mark.parametrize("bad_row, field, reason", [
    ("C2,2024-02-30,8N,Violence with injury,A,false,false,false,false,false,,,,,", "recorded_date", "not a valid date"),
    ("C1,2024-01-06,8N,Violence with injury,A,false,false,false,false,false,,,,,", "crime_id", "duplicate id"),
    ("C2,2024-01-06,8N,Violence with injury,Atlantis,false,false,false,false,false,,,,,", "district", "unknown district"),
    ("C2,2024-01-06,8N,Violence with injury,A,false,false,false,false,false,,,old,,", "offender_age", "not a whole number"),
    ("C2,2024-01-06,8N,Violence with injury,A,maybe,false,false,false,false,,,,,", "domestic_abuse", "not a boolean"),
    ("C2,2025-06-01,8N,Violence with injury,A,false,false,false,false,false,,,,,", "recorded_date", "after the extract date"),
    ("C2,2024-03-01,8N,Violence with injury,A,false,false,false,false,false,,,,1,2024-02-01", "outcome_date", "before recorded_date"),
    (",2024-03-01,8N,Violence with injury,A,false,false,false,false,false,,,,,", "crime_id", "required value is missing"),
    ("C2,2024-03-01,8N,Violence with injury,A,false,false,false,false,false,,,-3,,", "offender_age", "below the minimum"),
], ids=["bad date", "duplicate id", "unknown district", "wrong type", "bad boolean",
        "after extract", "outcome before recorded", "missing id", "negative age"])
def test_bad_rows_are_quarantined_and_reconciled(capsys, tmp_path, bad_row, field, reason):
    text = "\n".join([HEADER, GOOD, bad_row, GOOD.replace("C1", "C3")]) + "\n"
    # one bad row in three loses a month: refused unless the quarantine is accepted
    (tmp_path / "refused").mkdir()
    refused, _, _ = _load(capsys, tmp_path / "refused", text)
    assert refused.code == 2 and "--accept-quarantine" in refused.err and reason in refused.err
    run, path, store = _load(capsys, tmp_path, text, "--accept-quarantine")
    assert run.code == 0, run.err
    assert "3 rows read = 2 loaded + 1 quarantined" in run.out
    quarantine = tmp_path / "quarantine" / "snapshot2-crimes-1.csv"
    rows = list(csv.DictReader(quarantine.open()))
    assert len(rows) == 1
    assert rows[0]["file"] == str(path) and rows[0]["row"] == "2" and rows[0]["field"] == field
    assert reason in rows[0]["reason"]
    with Store(store, read_only=True) as s:
        assert s.arrow("crimes").column("crime_id").to_pylist() == ["C1", "C3"]
        assert s.quarantine().num_rows == 1


def test_append_sends_ids_already_loaded_to_quarantine(capsys, tmp_path):
    run, _path, store = _load(capsys, tmp_path, HEADER + "\n" + GOOD + "\n")
    assert run.code == 0
    more = tmp_path / "more.csv"
    more.write_text(HEADER + "\n" + GOOD + "\n" + GOOD.replace("C1", "C9") + "\n")
    run = run_cli(capsys, "load", "crimes", str(more), "--store", str(store), "--append",
                  "--extract-date", "2024-12-31", "--accept-quarantine")
    assert "2 rows read = 1 loaded + 1 quarantined" in run.out
    with Store(store, read_only=True) as s:
        assert s.arrow("crimes").column("crime_id").to_pylist() == ["C1", "C9"]
        assert s.arrow("crimes", 2).column("crime_id").to_pylist() == ["C1"]  # snapshot 2 unchanged


def test_unknown_table_and_bad_month(capsys, tmp_path):
    run = run_cli(capsys, "load", "crimez", "x.csv", "--store", str(tmp_path / "s.duckdb"))
    assert run.code == 2 and "unknown table 'crimez'" in run.err
    run = run_cli(capsys, "compute", "--store", str(tmp_path / "none.duckdb"), "--plan",
                  "monthly-performance", "--to", "2024-13", "--out", str(tmp_path / "r.csv"))
    assert run.code == 2 and "Traceback" not in run.err


def test_a_database_url_is_refused_clearly(capsys, tmp_path):
    # nothing listens on port 1: the store cannot be reached, said in one line naming the URL
    run = run_cli(capsys, "compute", "--store", "postgresql://analyst@127.0.0.1:1/force", "--plan",
                  "monthly-performance", "--to", "2026-09", "--out", str(tmp_path / "r.csv"))
    assert run.code == 2 and "cannot connect to PostgreSQL" in run.err and "Traceback" not in run.err
    assert "postgresql://analyst@127.0.0.1:1/force" in run.err
    assert "Connection refused" in run.err and len(run.err.strip().splitlines()) == 1  # why, not only the hint
    run = run_cli(capsys, "compute", "--store", "mysql://localhost/force", "--plan",
                  "monthly-performance", "--to", "2026-09", "--out", str(tmp_path / "r.csv"))
    assert run.code == 2 and "not supported" in run.err and "Traceback" not in run.err
