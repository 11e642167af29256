"""A compute reads from the store's cache the months it aggregated before, and only the months
whose checksum is unchanged: appending a month scans that month; a revised month is read again.
A measure that does not add up by month is kept per window: last year's window is read from the
report a year earlier while none of the months its query reads has changed.

Every figure is checked against a compute on a fresh store of the same rows, and the months the
engine scanned are counted where it hands them to the cache (`keep_scan`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
import yaml

from crimeplan.compare import compare
from crimeplan.engine import compute_series
from crimeplan.plans import load_plan
from crimeplan.store import Store
from tests.conftest import AREAS, write_csv
from tests.engine.test_hand_worked import crime

D = dt.date
EXTRACT = D(2024, 8, 31)

PLAN = {
    "id": "inc", "title": "Incremental",
    "areas_of_focus": [{"id": "a", "title": "A", "measures": [
        {"id": "all_crime", "label": "All crime", "source": "crimes", "windows": ["12m", "month"]},
        {"id": "solved_rate", "label": "Solved", "source": "crimes", "aggregation": "proportion",
         "numerator": "solved", "unit": "percent", "decimals": 1, "polarity": "up"},
        {"id": "repeat_victims", "label": "Repeat victims", "source": "crimes",
         "aggregation": "repeat_ids", "field": "victim_id"},
    ]}],
}

# two crimes a month, January 2023 to July 2024, in districts A and C; every third solved
HISTORY = [crime(f"H{y}{m:02d}{i}", f"{y}-{m:02d}-{10 + i}", "Shoplifting", "A" if i else "C",
                 victim=f"V{m % 4}", outcome=1 if (m + i) % 3 == 0 else None,
                 odate=f"{y}-{m:02d}-{20 + i}" if (m + i) % 3 == 0 else None)
           for y, months in ((2023, range(1, 13)), (2024, range(1, 8))) for m in months for i in range(2)]
AUGUST = [crime("N1", "2024-08-03", "Shoplifting", "A", victim="V1", outcome=1, odate="2024-08-20"),
          crime("N2", "2024-08-04", "Residential burglary", "B", victim="V9"),
          crime("N3", "2024-08-05", "Shoplifting", "C")]


@pytest.fixture
def plan(tmp_path: Path):
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(PLAN))
    return load_plan(path)


def _load(store: Store, tmp_path: Path, name: str, crimes: list[dict], *, append: bool = False,
          areas: bool = True) -> None:
    files = {"crimes": [write_csv(tmp_path / f"{name}-crimes.csv", "crimes", crimes)]}
    if areas:
        files["areas"] = [write_csv(tmp_path / f"{name}-areas.csv", "areas", AREAS)]
    report = store.load(files, extract_date=EXTRACT, append=append)
    assert all(c.rows_quarantined == 0 for c in report.files)


def _scanned(store: Store, monkeypatch: pytest.MonkeyPatch) -> list[dt.date]:
    """The months the engine scans from here on (what it hands to the cache), in a list."""
    months: list[dt.date] = []
    keep = store.keep_scan

    def spy(key: str, sums: dict, monthly: object) -> None:
        months.extend(sorted(sums))
        keep(key, sums, monthly)

    monkeypatch.setattr(store, "keep_scan", spy)
    return months


def _fresh(tmp_path: Path, crimes: list[dict], plan, to: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    with Store(tmp_path / f"fresh-{to}.duckdb") as s:
        _load(s, tmp_path, f"fresh-{to}", crimes)
        series = compute_series(s, plan, to)
        return series.monthly, compare(series, plan, to)


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    key = ["measure_id", "district", "month"]
    a = a.sort_values(key, na_position="first").reset_index(drop=True)
    b = b.sort_values(key, na_position="first").reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b, check_dtype=False)


def test_load_records_each_months_rows(tmp_path: Path):
    with Store(tmp_path / "s.duckdb") as s:
        _load(s, tmp_path, "h", HISTORY)
        sums = s.month_checksums("crimes")
        assert sums is not None and len(sums) == 19  # Jan 2023 - Jul 2024
        assert {int(c.split(":")[0]) for c in sums.values()} == {2}  # two crimes each month
        assert s.month_checksums("areas") is None  # no month column: nothing to key
        # the months with rows are read from the checksums, not scanned: the same 19 months
        months = {D(y, m, 1) for y, ms in ((2023, range(1, 13)), (2024, range(1, 8))) for m in ms}
        assert s.months_with_rows("crimes") == months == set(sums)
        assert s.last_complete_month("crimes") == D(2024, 7, 1)
        _load(s, tmp_path, "n", AUGUST, append=True, areas=False)
        after = s.month_checksums("crimes")
        assert after is not None and after[D(2024, 8, 1)].startswith("3:")
        assert {m: c for m, c in after.items() if m != D(2024, 8, 1)} == sums  # old months untouched


def test_appending_a_month_scans_only_that_month(tmp_path: Path, plan, monkeypatch):
    with Store(tmp_path / "s.duckdb") as s:
        _load(s, tmp_path, "h", HISTORY)
        compute_series(s, plan, "2024-07")
        _load(s, tmp_path, "n", AUGUST, append=True, areas=False)
        scanned = _scanned(s, monkeypatch)
        series = compute_series(s, plan, "2024-08")
        assert scanned == [D(2024, 8, 1)]
        monthly, table = _fresh(tmp_path, HISTORY + AUGUST, plan, "2024-08")
        _same(series.monthly, monthly)
        pd.testing.assert_frame_equal(compare(series, plan, "2024-08").drop(columns="snapshot_id"),
                                      table.drop(columns="snapshot_id"))
        # August's three crimes are in: 12 months to August = 11 months x 2 + 3
        row = table[(table.measure_id == "all_crime") & (table.window == "12m") & (table.area_level == "force")]
        assert row.current_value.item() == 25


def test_a_revised_month_is_read_again(tmp_path: Path, plan, monkeypatch):
    revised = [dict(r) for r in HISTORY]
    target = next(r for r in revised if r["recorded_date"] == "2024-03-11")
    assert target["outcome_type"] is None
    target.update(outcome_type=1, outcome_date="2024-04-02")  # a later outcome on a March crime
    with Store(tmp_path / "s.duckdb") as s:
        _load(s, tmp_path, "h", HISTORY)
        before = compute_series(s, plan, "2024-07").monthly
        _load(s, tmp_path, "r", revised)  # a full extract: replaces the table
        scanned = _scanned(s, monkeypatch)
        series = compute_series(s, plan, "2024-07")
    assert scanned == [D(2024, 3, 1)]
    monthly, _ = _fresh(tmp_path, revised, plan, "2024-07")
    _same(series.monthly, monthly)

    def solved(frame: pd.DataFrame) -> float:
        rows = frame[(frame.measure_id == "solved_rate") & (frame.month == D(2024, 3, 1))]
        return float(rows.numerator.sum())

    assert solved(series.monthly) == solved(before) + 1  # not the cached figure


def test_a_changed_definition_reads_every_month(tmp_path: Path, plan, monkeypatch):
    changed = yaml.safe_load(yaml.safe_dump(PLAN))
    changed["areas_of_focus"][0]["measures"][0]["filter"] = "district == 'A'"
    path = tmp_path / "changed.yaml"
    path.write_text(yaml.safe_dump(changed))
    other = load_plan(path)
    with Store(tmp_path / "s.duckdb") as s:
        _load(s, tmp_path, "h", HISTORY)
        compute_series(s, plan, "2024-07")
        scanned = _scanned(s, monkeypatch)
        series = compute_series(s, other, "2024-07")
    assert len(scanned) == 19
    counts = series.monthly[series.monthly.measure_id == "all_crime"].groupby("district").numerator.sum()
    assert counts.to_dict() == {"A": 19.0, "C": 0.0}  # one crime a month in A


def test_a_read_only_store_keeps_nothing(tmp_path: Path, plan):
    path = tmp_path / "s.duckdb"
    with Store(path) as s:
        _load(s, tmp_path, "h", HISTORY)
    with Store(path, read_only=True) as s:
        first = compute_series(s, plan, "2024-07").monthly
    with Store(path) as s:
        assert s.forget_scans() == 0  # nothing was cached by the read-only compute
        _same(compute_series(s, plan, "2024-07").monthly, first)
        assert s.forget_scans() == 19 + 2  # 19 months, and repeat victims' two windows


def test_changed_engine_code_reads_every_month(tmp_path: Path, plan, monkeypatch):
    import crimeplan.engine.compute as engine

    with Store(tmp_path / "s.duckdb") as s:
        _load(s, tmp_path, "h", HISTORY)
        compute_series(s, plan, "2024-07")
        monkeypatch.setattr(engine, "_engine_code", lambda: "edited kinds")  # a line of the engine changed
        scanned = _scanned(s, monkeypatch)
        compute_series(s, plan, "2024-07")
    assert len(scanned) == 19


def _queried(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dt.date, dt.date, dt.date | None]]:
    """The windows the engine queries from here on (measure, first and last month, cut-off)."""
    import crimeplan.engine.compute as engine

    seen: list[tuple[str, dt.date, dt.date, dt.date | None]] = []
    query = engine._window_figures

    def spy(queries, source, m, raw, areas, end, needed):
        seen.extend((m.id, w.start, w.last, cutoff) for w, cutoff in needed)
        return query(queries, source, m, raw, areas, end, needed)

    monkeypatch.setattr(engine, "_window_figures", spy)
    return seen


def _repeat_victims(table: pd.DataFrame, column: str) -> float:
    row = table[(table.measure_id == "repeat_victims") & (table.window == "12m") & (table.area_level == "force")]
    return float(row[column].item())


# 2022 as well, so that last year's window of August 2024 (Sep 2022 - Aug 2023) is complete
LONGER = [crime(f"E{m:02d}{i}", f"2022-{m:02d}-{10 + i}", "Shoplifting", "A" if i else "C", victim=f"V{m % 4}")
          for m in range(1, 13) for i in range(2)] + HISTORY


def test_last_years_window_is_read_from_the_report_a_year_ago(tmp_path: Path, plan, monkeypatch):
    with Store(tmp_path / "s.duckdb") as s:
        _load(s, tmp_path, "h", LONGER)
        compute_series(s, plan, "2023-08")  # a year ago: 12 months to August 2023
        _load(s, tmp_path, "n", AUGUST, append=True, areas=False)
        queried = _queried(monkeypatch)
        series = compute_series(s, plan, "2024-08")
        table = compare(series, plan, "2024-08")
    # only this year's window is queried; last year's (Sep 2022 - Aug 2023) comes from the cache
    assert queried == [("repeat_victims", D(2023, 9, 1), D(2024, 8, 1), None)]
    _, fresh = _fresh(tmp_path, LONGER + AUGUST, plan, "2024-08")
    pd.testing.assert_frame_equal(table.drop(columns="snapshot_id"), fresh.drop(columns="snapshot_id"))
    # by hand: each month puts two crimes on one of V1, V2, V3, V0 in turn, so each of the four
    # victims has two or more rows in either window; August 2024's V9 has one
    assert _repeat_victims(table, "previous_value") == _repeat_victims(table, "current_value") == 4


def test_a_revised_month_queries_its_windows_again(tmp_path: Path, plan, monkeypatch):
    revised = [dict(r) for r in HISTORY]
    for r in revised:
        if r["recorded_date"].startswith("2024-03"):
            r["victim_id"] = "VNEW"  # both March 2024 crimes were against a fifth victim
    with Store(tmp_path / "s.duckdb") as s:
        _load(s, tmp_path, "h", HISTORY)
        before = compare(compute_series(s, plan, "2024-07"), plan, "2024-07")
        _load(s, tmp_path, "r", revised)  # a full extract: replaces the table
        queried = _queried(monkeypatch)
        table = compare(compute_series(s, plan, "2024-07"), plan, "2024-07")
        queried_again = list(queried)
        compute_series(s, plan, "2024-07")
    # the window holding March 2024 is queried again; last year's (to July 2023) is not
    assert queried_again == [("repeat_victims", D(2023, 8, 1), D(2024, 7, 1), None)]
    assert len(queried) == 1  # and the compute after that queries nothing
    _, fresh = _fresh(tmp_path, revised, plan, "2024-07")
    pd.testing.assert_frame_equal(table.drop(columns="snapshot_id"), fresh.drop(columns="snapshot_id"))
    assert _repeat_victims(before, "current_value") == 4
    assert _repeat_victims(table, "current_value") == 5  # VNEW's two crimes: not the cached 4


REOFFENDING = {
    "id": "reoff", "title": "Re-offending",
    "areas_of_focus": [{"id": "a", "title": "A", "measures": [
        {"id": "reoffending", "label": "Re-offending", "source": "crimes", "aggregation": "reoffending",
         "field": "offender_id", "follow_up_months": 3, "unit": "percent", "decimals": 1, "windows": ["12m"]},
        {"id": "offenders", "label": "Offenders", "source": "crimes", "aggregation": "distinct_count",
         "field": "offender_id", "windows": ["12m"]},
    ]}],
}


def test_a_maturing_window_is_keyed_by_the_months_after_it(tmp_path: Path):
    from crimeplan.engine.compute import window_key
    from crimeplan.periods import window

    path = tmp_path / "reoff.yaml"
    path.write_text(yaml.safe_dump(REOFFENDING))
    reoffending, offenders = (m for _, m in load_plan(path).measures())
    assert reoffending.kind.matures and not offenders.kind.matures
    w = window("12m", D(2023, 12, 1))
    sums = {D(y, m, 1): f"2:{y}{m}" for y in (2023, 2024) for m in range(1, 13)}
    later = {**sums, D(2024, 2, 1): "3:revised"}  # a month after the window, within the data
    to = D(2024, 6, 1)
    # re-offending reads the rows after its window (the follow-up): a change there is a new key
    assert window_key(reoffending, w, None, to, sums, "areas") != window_key(reoffending, w, None, to, later, "areas")
    # distinct offenders read the window's own months only
    assert window_key(offenders, w, None, to, sums, "areas") == window_key(offenders, w, None, to, later, "areas")
    inside = {**sums, D(2023, 6, 1): "3:revised"}
    assert window_key(offenders, w, None, to, sums, "areas") != window_key(offenders, w, None, to, inside, "areas")
    # and so do the cut-off, the areas and the month computed to (for the maturing measure)
    base = window_key(reoffending, w, None, to, sums, "areas")
    assert base != window_key(reoffending, w, D(2023, 12, 31), to, sums, "areas")
    assert base != window_key(reoffending, w, None, D(2024, 7, 1), sums, "areas")
    assert window_key(offenders, w, None, to, sums, "areas") != window_key(offenders, w, None, to, sums, "other")


def test_a_second_compute_of_a_maturing_measure_queries_nothing(tmp_path: Path, monkeypatch):
    path = tmp_path / "reoff.yaml"
    path.write_text(yaml.safe_dump(REOFFENDING))
    plan = load_plan(path)
    # O1 offends in January and March 2024 (again within three months); O2 once, in February
    crimes = [crime("R1", "2024-01-10", "Shoplifting", "A", offender="O1", age=30),
              crime("R2", "2024-02-10", "Shoplifting", "C", offender="O2", age=30),
              crime("R3", "2024-03-10", "Shoplifting", "A", offender="O1", age=30), *HISTORY]
    with Store(tmp_path / "s.duckdb") as s:
        _load(s, tmp_path, "h", crimes)
        first = compare(compute_series(s, plan, "2024-07"), plan, "2024-07")
        queried = _queried(monkeypatch)
        second = compare(compute_series(s, plan, "2024-07"), plan, "2024-07")
    assert queried == []
    pd.testing.assert_frame_equal(first, second)
    force = second[(second.area_level == "force") & (second.window == "12m")].set_index("measure_id")
    assert force.loc["offenders", "current_value"] == 2
    assert force.loc["reoffending", "current_value"] == pytest.approx(50.0)  # O1 of O1 and O2


def test_a_failed_keep_leaves_the_kept_window(tmp_path: Path):
    import pyarrow as pa

    good = pa.table({"measure_id": ["m"], "area_level": ["force"], "area": ["force"],
                     "start": pa.array([D(2024, 1, 1)], pa.date32()), "end": pa.array([D(2024, 12, 31)], pa.date32()),
                     "numerator": [4.0], "denominator": pa.array([None], pa.float64())})
    bad = good.set_column(3, "start", pa.array(["not a date"]))  # the insert fails on it
    with Store(tmp_path / "s.duckdb") as s:
        s.keep_windows({"k": good})
        with pytest.raises(Exception):  # noqa: B017  (DuckDB's conversion error; which one is not the point)
            s.keep_windows({"k": bad})
        kept = s.cached_windows(["k", "other"])
        assert list(kept) == ["k"]  # the first rows still there, in one transaction's all-or-nothing
        assert kept["k"].column("numerator").to_pylist() == [4.0]
        s.keep_windows({"k": good})  # and the store still takes writes (no transaction left open)
        assert s.forget_scans() == 1
