"""Snapshots: loads are all-or-nothing, old snapshots read the same, export gives back the load."""

from __future__ import annotations

import csv
import datetime as dt

import pandas as pd
import pytest

from crimeplan.store import Store
from tests.cli_helpers import run_cli
from tests.conftest import AREAS, write_csv

CRIMES = [
    {"crime_id": f"C{i}", "recorded_date": f"2023-0{4 + i % 3}-1{i % 9}", "offence_group": "Shoplifting",
     "district": "ABC"[i % 3], "business": True, "offender_age": 20 + i if i % 2 else None,
     "outcome_type": 1 if i % 4 == 0 else None, "outcome_date": "2023-08-01" if i % 4 == 0 else None}
    for i in range(12)
]


def test_failed_load_leaves_the_store_as_it_was(tmp_path, monkeypatch):
    areas = write_csv(tmp_path / "areas.csv", "areas", AREAS)
    crimes = write_csv(tmp_path / "crimes.csv", "crimes", CRIMES)
    with Store(tmp_path / "s.duckdb") as store:
        store.load({"areas": [areas]}, extract_date=dt.date(2024, 12, 31))
        before = store.physical_tables()
        calls = {"n": 0}
        original = Store._write_table

        def dies_on_second_table(self, *args, **kwargs):
            calls["n"] += 1
            if calls["n"] == 2:
                raise RuntimeError("disk full")
            return original(self, *args, **kwargs)

        monkeypatch.setattr(Store, "_write_table", dies_on_second_table)
        with pytest.raises(RuntimeError):
            store.load({"areas": [areas], "crimes": [crimes]}, extract_date=dt.date(2024, 12, 31))
        assert store.latest_snapshot() == 1 and store.physical_tables() == before
        tables = {r[0] for r in store.con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        assert not any(t.endswith("__s2") for t in tables)


def test_export_gives_back_the_loaded_rows(capsys, tmp_path):
    areas = write_csv(tmp_path / "areas.csv", "areas", AREAS)
    crimes = write_csv(tmp_path / "crimes.csv", "crimes", CRIMES)
    store = str(tmp_path / "s.duckdb")
    assert run_cli(capsys, "load", "areas", str(areas), "--store", store).code == 0
    assert run_cli(capsys, "load", "crimes", str(crimes), "--store", store, "--extract-date", "2024-12-31").code == 0
    out = tmp_path / "back.csv"
    assert run_cli(capsys, "export", "crimes", "--store", store, "--out", str(out)).code == 0
    original = list(csv.reader(crimes.open()))
    back = list(csv.reader(out.open()))
    assert back == original


def test_results_are_computed_as_of_a_snapshot(capsys, tmp_path):
    areas = write_csv(tmp_path / "areas.csv", "areas", AREAS)
    store = str(tmp_path / "s.duckdb")
    run_cli(capsys, "load", "areas", str(areas), "--store", store)
    first = write_csv(tmp_path / "c1.csv", "crimes", CRIMES[:6])
    run_cli(capsys, "load", "crimes", str(first), "--store", store, "--extract-date", "2024-12-31")
    second = write_csv(tmp_path / "c2.csv", "crimes", CRIMES)  # a re-run extract replaces the rows
    run_cli(capsys, "load", "crimes", str(second), "--store", store, "--extract-date", "2024-12-31")

    plan = tmp_path / "plan.yaml"
    plan.write_text("id: q\ntitle: Q\nareas_of_focus:\n- id: a\n  title: A\n  measures:\n"
                    "  - {id: all_crime, label: All crime, source: crimes, windows: [quarter]}\n")

    def all_crime(snapshot: str | None) -> float:
        out = tmp_path / f"r{snapshot}.csv"
        # the crimes run Apr-Jun 2023: the quarter to June 2023 is the period they cover
        args = ["compute", "--store", store, "--plan", str(plan), "--to", "2023-06", "--out", str(out)]
        if snapshot:
            args += ["--snapshot", snapshot]
        assert run_cli(capsys, *args).code == 0
        rows = [r for r in csv.DictReader(out.open()) if r["measure_id"] == "all_crime" and r["area_level"] == "force"]
        return float(rows[0]["current_value"])

    assert all_crime("2") == 6 and all_crime(None) == 12 and all_crime("2") == 6


def test_a_month_never_supplied_is_missing_not_zero(tmp_path):
    from crimeplan.compare import compare
    from crimeplan.engine import compute_series
    from crimeplan.plans import load_plan

    areas = write_csv(tmp_path / "areas.csv", "areas", AREAS)
    crimes = write_csv(tmp_path / "crimes.csv", "crimes", CRIMES)  # Apr-Jun 2023 only
    months = [dt.date(2023, m, 1) for m in range(4, 13)] + [dt.date(2024, m, 1) for m in range(1, 4)]
    plan = load_plan("monthly-performance")
    with Store(tmp_path / "s.duckdb") as store:
        # every month Apr 2023-Mar 2024 said to be supplied, but only Apr-Jun have rows: a month
        # with no loaded row is never recorded as supplied, so the 12 months are not computable
        store.load({"areas": [areas], "crimes": [crimes]}, extract_date=dt.date(2024, 12, 31),
                   coverage={"crimes": {"force system": months}})
        assert store.coverage("crimes") == {"force system": set(months[:3])}
        empty = compare(compute_series(store, plan, "2024-03"), plan, "2024-03")
        row = empty[(empty.measure_id == "all_crime") & (empty.area_level == "force")].iloc[0]
        assert pd.isna(row.current_value) and "not supplied" in row.note
        # one crime in each later month: now every month is supplied, and the total adds up
        later = write_csv(tmp_path / "later.csv", "crimes", CRIMES + [
            {**CRIMES[1], "crime_id": f"L{m.month}-{m.year}", "recorded_date": m.isoformat()}
            for m in months[3:]])
        store.load({"crimes": [later]}, extract_date=dt.date(2024, 12, 31),
                   coverage={"crimes": {"force system": months}})
        assert store.coverage("crimes") == {"force system": set(months)}
        full = compare(compute_series(store, plan, "2024-03"), plan, "2024-03")
        row = full[(full.measure_id == "all_crime") & (full.area_level == "force")].iloc[0]
        assert row.current_value == 12 + 9
        crimes = later
        # the same rows, but August 2023 never supplied: the 12 months cannot be computed
        holed = [m for m in months if m != dt.date(2023, 8, 1)]
        store.load({"crimes": [crimes]}, extract_date=dt.date(2024, 12, 31),
                   coverage={"crimes": {"force system": holed}})
        assert store.coverage("crimes", 2) == {"force system": set(months)}  # snapshot 2 unchanged
        gap = compare(compute_series(store, plan, "2024-03"), plan, "2024-03")
        row = gap[(gap.measure_id == "all_crime") & (gap.area_level == "force")].iloc[0]
        assert pd.isna(row.current_value) and "not supplied for Aug 2023" in row.note
