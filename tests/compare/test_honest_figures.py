"""Absence is not zero, immature is not worse, and nothing is reported past the data.

Every expected figure is worked out by hand in the comments beside the data.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest
import yaml

from crimeplan.narrative import key_points
from crimeplan.periods import add_months
from crimeplan.plans import load_plan
from crimeplan.report.common import spc_figure
from crimeplan.results import compute
from crimeplan.results._analysis import series_facts
from crimeplan.store import Store
from tests.cli_helpers import run_cli
from tests.conftest import AREAS, write_csv

D = dt.date


def crime(cid: str, date: str, outcome: int | None = None, odate: str | None = None, district: str = "A"):
    return {"crime_id": cid, "recorded_date": date, "offence_code": "8N", "offence_group": "Violence with injury",
            "district": district, "domestic_abuse": False, "hate": False, "rural": False,
            "night_time_economy": False, "business": False, "outcome_type": outcome, "outcome_date": odate}


# Solved rate, 12 months to June 2024.  Last year = Jul 2022-Jun 2023, this year = Jul 2023-Jun 2024.
SOLVED = [
    crime("P0", "2022-07-05"),                              # open
    crime("P1", "2022-08-10", 1, "2022-09-01"),             # solved early
    crime("P2", "2023-05-01", 1, "2023-06-15"),             # solved by the end of last year's window
    crime("P3", "2023-06-20", 1, "2023-07-05"),             # solved 5 days AFTER last year's window ended
    crime("P4", "2023-01-01"),                              # open
    crime("C1", "2023-08-01", 1, "2023-09-01"),             # solved
    crime("C2", "2024-06-10", 2, "2024-06-30"),             # solved on the extract date
    crime("C3", "2024-02-01"),                              # open
    crime("C4", "2024-03-01", 14, "2024-03-20"),            # an outcome, but not a solved one
]

SOLVED_PLAN = {"id": "s", "title": "S", "areas_of_focus": [{"id": "a", "title": "A", "measures": [
    {"id": "solved_rate", "label": "Solved rate", "source": "crimes", "aggregation": "proportion",
     "numerator": "solved", "unit": "percent", "decimals": 1, "polarity": "up"}]}]}


def _store(tmp_path: Path, rows: list[dict], extract: dt.date, coverage: list[dt.date] | None = None) -> Store:
    files = {"areas": [write_csv(tmp_path / "areas.csv", "areas", AREAS)],
             "crimes": [write_csv(tmp_path / "crimes.csv", "crimes", rows)]}
    store = Store(tmp_path / "store.duckdb")
    store.load(files, extract_date=extract,
               coverage={"crimes": {"test": coverage}} if coverage is not None else None)
    return store


def _plan(tmp_path: Path, plan: dict):
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(plan))
    return load_plan(path)


def _force(table, measure, window="12m"):
    sel = table[(table.measure_id == measure) & (table.area_level == "force") & (table.window == window)]
    assert len(sel) == 1
    return sel.iloc[0]


def test_last_years_solved_rate_is_counted_at_the_same_age(tmp_path):
    # extract date = the window's end: last year counts outcomes dated up to 30 Jun 2023 only.
    # Last year: P0..P4 = 5 crimes; solved by 30 Jun 2023: P1, P2 = 2 -> 40.0% (P3's outcome came later;
    # counting it, as the extract does, would give 60.0% and a false fall).
    # This year: C1..C4 = 4 crimes; solved by the extract: C1, C2 = 2 -> 50.0%.
    with _store(tmp_path, SOLVED, D(2024, 6, 30)) as store:
        row = _force(compute(store, _plan(tmp_path, SOLVED_PLAN), D(2024, 6, 1)).table, "solved_rate")
    assert (row.previous_numerator, row.previous_denominator) == (2, 5)
    assert (row.current_numerator, row.current_denominator) == (2, 4)
    assert row.previous_value == pytest.approx(40.0) and row.current_value == pytest.approx(50.0)
    assert row.direction == "better"


def test_the_like_for_like_cut_off_moves_with_the_extract_date(tmp_path):
    # extracted 31 Jul 2024, a month after the window's end: last year counts outcomes up to
    # 30 Jun 2023 + 31 days = 31 Jul 2023, so P3 (solved 5 Jul 2023) now counts: 3 of 5 = 60.0%.
    with _store(tmp_path, SOLVED, D(2024, 7, 31)) as store:
        row = _force(compute(store, _plan(tmp_path, SOLVED_PLAN), D(2024, 6, 1)).table, "solved_rate")
    assert (row.previous_numerator, row.previous_denominator) == (3, 5)
    assert row.previous_value == pytest.approx(60.0)


def test_monthly_solved_rates_are_at_a_fixed_age_and_young_months_provisional(tmp_path):
    # each month counts outcomes within 6 months of its end; with the extract on 30 Jun 2024 the
    # months from Jan 2024 (ending 31 Jan; + 6 months = 31 Jul 2024 > extract) are provisional.
    with _store(tmp_path, SOLVED, D(2024, 6, 30)) as store:
        res = compute(store, _plan(tmp_path, SOLVED_PLAN), D(2024, 6, 1))
    force = res.monthly[(res.monthly.area_level == "force")].set_index("month")
    assert force.loc[D(2023, 12, 1), "state"] == "value"
    assert list(force.loc[D(2024, 1, 1):, "state"]) == ["provisional"] * 6
    assert force.loc[D(2024, 1, 1):, "value"].isna().all()
    # Jun 2023: P3 solved 5 Jul 2023, within 6 months: 1 of 1 = 100%
    assert force.loc[D(2023, 6, 1), "value"] == pytest.approx(100.0)
    # Jul 2022: P0 open: 0 of 1 -- a true zero, a value
    assert force.loc[D(2022, 7, 1), ["state", "value"]].tolist() == ["value", 0.0]


# A count with one month never supplied (June 2023) inside 36 months of 100 crimes a month.
GAP = D(2023, 6, 1)
MONTHS = [add_months(D(2021, 7, 1), i) for i in range(36)]  # Jul 2021 .. Jun 2024


def _counts() -> list[dict]:
    rows = []
    for month in MONTHS:
        if month == GAP:
            continue
        rows += [crime(f"K{month:%Y%m}-{i}", f"{month:%Y-%m}-{1 + i % 28:02d}") for i in range(100)]
    return rows


COUNT_PLAN = {"id": "c", "title": "C", "areas_of_focus": [{"id": "a", "title": "A", "measures": [
    {"id": "all_crime", "label": "All crime", "source": "crimes", "headline": True,
     "windows": ["12m", "quarter", "month"]}]}]}


@pytest.fixture
def gap_results(tmp_path):
    supplied = [m for m in MONTHS if m != GAP]
    with _store(tmp_path, _counts(), D(2024, 6, 30), coverage=supplied) as store:
        yield compute(store, _plan(tmp_path, COUNT_PLAN), D(2024, 6, 1))


def test_a_month_never_supplied_is_no_zero_in_the_series(gap_results):
    force = gap_results.monthly[gap_results.monthly.area_level == "force"].set_index("month")
    assert force.loc[GAP, "state"] == "not_supplied"
    assert math.isnan(force.loc[GAP, "numerator"]) and math.isnan(force.loc[GAP, "value"])
    others = force.drop(index=GAP)
    assert (others.state == "value").all() and (others.value == 100).all()
    # no district or LPA series has a zero there either
    at_gap = gap_results.monthly[gap_results.monthly.month == GAP]
    assert set(at_gap.state) == {"not_supplied"} and at_gap.value.isna().all()


def test_a_window_over_the_missing_month_is_not_computable(gap_results):
    # 12 months to Jun 2024 are Jul 2023..Jun 2024: all supplied, 1,200 crimes.  Last year's
    # (Jul 2022..Jun 2023) holds June 2023: not computable, so no change and no test.
    row = _force(gap_results.table, "all_crime")
    assert row.current_value == 1200 and row.previous_value is None
    assert not row.comparable and "not supplied for Jun 2023" in row.note
    assert row.significant is None and row.p_value is None


def test_spc_trend_and_key_points_use_values_only(gap_results):
    m = gap_results.plan.measure("all_crime")
    facts, _ = series_facts(gap_results.monthly, gap_results.context, m, gap_results.to_month)
    assert facts.numerators[facts.months.index(GAP)] is None
    points = key_points(facts)
    assert gap_results.key_points["all_crime"] == tuple(points)  # the results keep these very points
    for p in points:
        assert "0 " not in p.text.split("(")[0] and "Jun 2023" not in p.text, p.text
        assert all(v != 0 for v in p.numbers.values() if isinstance(v, (int, float))
                   and not isinstance(v, bool)) or p.kind == "trend", p
    trend = next(p for p in points if p.kind == "trend")
    assert trend.numbers["n_periods"] == 35  # 36 months less the one never supplied
    assert "no statistically significant long-term trend" in trend.text  # a flat 100 a month
    # 2023/24 Q1 (Apr-Jun 2023) holds the gap: no quarter figure, so no quarter-on-quarter claim
    # about 2024/25 Q1 is possible against it
    assert not [p for p in points if p.kind == "quarter"]
    figure = spc_figure(gap_results, m, quarterly_points=False)
    assert figure is not None and "Jun 2023 (no data supplied)" in figure.caption


def test_spc_limits_leave_the_missing_month_out(gap_results):
    from crimeplan import stats

    force = gap_results.monthly[gap_results.monthly.area_level == "force"].sort_values("month")
    values = [v if s == "value" else None for v, s in zip(force.value, force.state)]
    result = stats.spc(values, "down")
    # every value is 100: mean 100, no spread; a zero would have pulled the mean to 97.2
    assert {p.mean for p in result.points if p.value is not None and p.value == p.value} == {100.0}
    assert all(p.rule is None for p in result.points)


def test_report_past_the_data_exits_2_naming_each_sources_last_month(tmp_path, capsys):
    store = _store(tmp_path, SOLVED, D(2024, 6, 30))
    store.close()
    plan = tmp_path / "plan.yaml"
    plan.write_text(yaml.safe_dump(SOLVED_PLAN))
    for command in (["compute", "--out", str(tmp_path / "r.csv")],
                    ["report", "monthly", "--format", "html", "--out", str(tmp_path / "r.html")]):
        run = run_cli(capsys, *command, "--store", str(tmp_path / "store.duckdb"), "--plan", str(plan),
                      "--to", "2024-07")
        assert run.code == 2, run.err
        assert "past the data" in run.err and "crimes: 2024-06" in run.err
        assert "Traceback" not in run.err
    assert not (tmp_path / "r.csv").exists() and not (tmp_path / "r.html").exists()


def test_quarterly_update_needs_a_quarter_end(tmp_path, capsys):
    store = _store(tmp_path, SOLVED, D(2024, 6, 30))
    store.close()
    run = run_cli(capsys, "report", "quarterly", "--store", str(tmp_path / "store.duckdb"), "--plan",
                  "police-and-crime-plan", "--to", "2024-05", "--format", "html", "--out",
                  str(tmp_path / "q.html"))
    assert run.code == 2 and "2024-03" in run.err


def test_series_export_has_a_state_for_every_month(tmp_path, capsys):
    supplied = [m for m in MONTHS if m != GAP]
    _store(tmp_path, _counts(), D(2024, 6, 30), coverage=supplied).close()
    plan = tmp_path / "plan.yaml"
    plan.write_text(yaml.safe_dump(COUNT_PLAN))
    out = tmp_path / "series.csv"
    run = run_cli(capsys, "export", "series", "--store", str(tmp_path / "store.duckdb"), "--plan", str(plan),
                  "--to", "2024-06", "--out", str(out))
    assert run.code == 0, run.err
    import csv

    rows = [r for r in csv.DictReader(out.open()) if r["area_level"] == "force"]
    assert [r["month"] for r in rows] == [f"{m:%Y-%m}" for m in MONTHS]
    gap = next(r for r in rows if r["month"] == "2023-06")
    assert (gap["state"], gap["numerator"], gap["value"]) == ("not_supplied", "", "")
    assert {float(r["value"]) for r in rows if r["month"] != "2023-06"} == {100.0}


def test_a_table_with_no_district_has_force_figures_only(tmp_path):
    # calls carry no district: a Local Policing Area or district series of them would be zeros
    calls = [{"call_id": f"L{i}", "received_at": f"2024-0{1 + i % 3}-0{1 + i % 9}T09:00:00",
              "channel": "999", "answered_after_s": 5 + i, "abandoned": False} for i in range(9)]
    files = {"areas": [write_csv(tmp_path / "areas.csv", "areas", AREAS)],
             "calls": [write_csv(tmp_path / "calls.csv", "calls", calls)]}
    plan = {"id": "c", "title": "C", "areas_of_focus": [{"id": "a", "title": "A", "measures": [
        {"id": "emergency_calls", "label": "999 calls", "source": "calls", "filter": "channel == '999'"}]}]}
    with Store(tmp_path / "s.duckdb") as store:
        store.load(files, extract_date=D(2024, 3, 31))
        res = compute(store, _plan(tmp_path, plan), D(2024, 3, 1))
    assert set(res.monthly.area_level) == {"force"}
    # Jan: L0 L3 L6, Feb: L1 L4 L7, Mar: L2 L5 L8
    assert list(res.monthly.sort_values("month").value) == [3.0, 3.0, 3.0]


def test_data_starting_inside_both_years_gives_one_reason_on_one_note(tmp_path):
    """Crimes from Jan 2024 only: the 12 months to Jun 2024 (from Jul 2023) and the year before
    both lack data. One reason, said once ("…, so neither year has a figure"), and every measure
    of that table points at the same note instead of two notes each."""
    from crimeplan.report.build import build_document
    from crimeplan.report.document import Table

    rows = [crime(f"C{m}", f"2024-{m:02d}-10") for m in range(1, 7)]
    store = _store(tmp_path, rows, D(2024, 6, 30))
    plan = _plan(tmp_path, {"id": "g", "title": "G", "areas_of_focus": [{"id": "a", "title": "A", "measures": [
        {"id": "all", "label": "All crime", "source": "crimes", "polarity": "down"},
        {"id": "vio", "label": "Violence", "source": "crimes", "polarity": "down",
         "filter": "offence_group == 'Violence with injury'"}]}]})
    results = compute(store, plan, D(2024, 6, 1))
    t = results.table
    force = t[(t.area_level == "force") & (t.window == "12m")]
    assert list(force.note) == ["no crime records before Jan 2024, so neither year has a figure"] * 2
    doc = build_document("monthly", results)
    table = next(b for b in doc.blocks if isinstance(b, Table))
    refs = {tuple(row[0].footnotes) for row in table.rows}
    assert len(refs) == 1  # both rows: the same note
    note = doc.footnotes[next(iter(refs))[0] - 1]
    assert note == "No crime records before Jan 2024, so neither year has a figure."
    store.close()


def test_a_month_past_the_last_complete_one_is_called_incomplete_not_missing(tmp_path):
    """An extract taken on 15 June holds half of June: June is past the last complete month (May),
    and its note says the month is not complete, not that its rows were never loaded."""
    from crimeplan.compare.states import month_state
    from crimeplan.engine import compute_series

    rows = [crime(f"C{m}", f"2024-{m:02d}-10") for m in range(1, 7)]  # one crime a month, June's on the 10th
    store = _store(tmp_path, rows, D(2024, 6, 15))
    plan = _plan(tmp_path, {"id": "g", "title": "G", "areas_of_focus": [{"id": "a", "title": "A", "measures": [
        {"id": "all", "label": "All crime", "source": "crimes", "polarity": "down"}]}]})
    series = compute_series(store, plan, D(2024, 5, 1))
    measure = next(m for _, m in plan.measures())
    assert store.last_complete_month("crimes") == D(2024, 5, 1)
    assert store.row_count("crimes") == 6  # June's crime is in the store
    june = month_state(series, measure, D(2024, 6, 1), D(2024, 5, 1))
    assert (june.state, june.reason) == (
        "not_supplied", "crime records for Jun 2024 are not complete (the last complete month supplied is May 2024)")
    assert month_state(series, measure, D(2024, 5, 1), D(2024, 5, 1)).state == "value"
    store.close()
