"""The engine's queries are kept as compiled SQL with their dates as parameters
(crimeplan.engine._compiled): a later compute, of the same month or another, runs the kept text
and builds no Ibis expression. Every figure is checked against the same compute run through Ibis
alone (the engine before kept SQL), on the synthetic force's monthly plan, whose queries cover
every kind: monthly scans with the severity join, like-for-like numerators, numerators dated by
outcome, distinct and repeat ids and re-offending windows.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import ibis
import pandas as pd
import pytest

from crimeplan.contract.schema import TABLES
from crimeplan.engine import _compiled, compute_series
from crimeplan.engine.series import SeriesSet
from crimeplan.periods import add_months
from crimeplan.plans import load_plan
from crimeplan.store import Store
from crimeplan.synth import generate

PLAN = load_plan("monthly-performance")
TO = dt.date(2025, 12, 1)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("compiled")
    files = generate(root / "data", seed=13, to_month=f"{TO:%Y-%m}", years=3, scale=0.03)
    with Store(root / "s.duckdb") as s:
        s.load({t: [files[t]] for t in TABLES if t in files}, extract_date=dt.date(2026, 1, 10))
    return root / "s.duckdb"


@pytest.fixture
def store(loaded: Path, tmp_path: Path) -> Iterator[Store]:
    path = tmp_path / "s.duckdb"
    shutil.copy(loaded, path)
    with Store(path) as s:
        yield s


@pytest.fixture(autouse=True)
def no_sql_kept_in_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with nothing kept in the process (other tests' computes would have kept
    the same plan's SQL)."""
    monkeypatch.setattr(_compiled, "_IN_PROCESS", {})


def _through_ibis(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every query built and run by Ibis, as the engine did before it kept SQL."""
    monkeypatch.setattr(_compiled.Queries, "frame",
                        lambda self, spec, tables, dates, build: build(tables, dates).to_pandas())


def _compiles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The SQL Ibis compiles for DuckDB from here on, one entry per compile."""
    seen: list[str] = []
    backend = type(ibis.duckdb.connect())
    compile_ = backend.compile

    def spy(self, expr, *args, **kwargs):
        sql = compile_(self, expr, *args, **kwargs)
        seen.append(str(sql))
        return sql

    monkeypatch.setattr(backend, "compile", spy)
    return seen


def _record_queries(compiled: list[str]) -> list[str]:
    """Compiled SQL that reads a record-level table (the small ones, areas, events, peers and
    aggregates, are read through Ibis as before)."""
    records = ("crimes", "incidents", "calls", "casualties", "survey_responses", "workforce")
    return [sql for sql in compiled if any(f'"{t}__' in sql for t in records)]


def _same(a: SeriesSet, b: SeriesSet) -> None:
    """Equal monthly rows and window figures (sums to 1e-9: DuckDB adds in parallel)."""
    for left, right, key in ((a.monthly, b.monthly, ["measure_id", "district", "month"]),
                             (a.windows, b.windows, ["measure_id", "area_level", "area", "start", "end"])):
        assert len(left) == len(right) > 0
        left = left.sort_values(key, na_position="first").reset_index(drop=True)
        right = right.sort_values(key, na_position="first").reset_index(drop=True)
        pd.testing.assert_frame_equal(left, right, check_dtype=False, rtol=1e-9)


def _reference(store: Store, to: dt.date, monkeypatch: pytest.MonkeyPatch) -> SeriesSet:
    with monkeypatch.context() as m:
        _through_ibis(m)
        return compute_series(store, PLAN, to)


def _again(store: Store, to: dt.date, monkeypatch: pytest.MonkeyPatch) -> tuple[SeriesSet, SeriesSet, list[str]]:
    """The compute of `to` through Ibis alone, then again with every row read (the scan cache
    emptied) as the engine runs it, and the SQL Ibis compiled for that second compute."""
    reference = _reference(store, to, monkeypatch)
    store.forget_scans()
    compiled = _compiles(monkeypatch)
    return compute_series(store, PLAN, to), reference, compiled


def test_a_second_compute_runs_kept_sql_only_and_gives_ibis_figures(store: Store, monkeypatch):
    reference = _reference(store, TO, monkeypatch)
    store.forget_scans()
    first = compute_series(store, PLAN, TO)
    kept = store.con.execute("SELECT count(*), count(*) FILTER (WHERE body <> '{}') FROM _compiled_sql").fetchone()
    # every query of the plan: 6 sources' scans, like for like, outcome-dated numerators, and
    # the 7 measures' windows (re-offending's horizon is worked out in SQL, so it keeps too)
    assert kept is not None and kept[0] == kept[1] >= 14
    store.forget_scans()  # every row read again, from the kept SQL
    compiled = _compiles(monkeypatch)
    second = compute_series(store, PLAN, TO)
    assert compiled and _record_queries(compiled) == []
    _same(first, reference)
    _same(second, reference)
    # a figure a reader sees, worked out apart: the month's crimes in DuckDB straight from the table
    phys = store.physical_tables()["crimes"]
    n = store.con.execute(f'SELECT count(*) FROM "{phys}" WHERE recorded_date >= ? AND recorded_date < ?',
                          [TO, add_months(TO, 1)]).fetchone()
    all_crime = second.monthly[(second.monthly.measure_id == "all_crime") & (second.monthly.month == TO)]
    assert n is not None and all_crime.numerator.sum() == n[0] > 0


def test_a_later_process_runs_the_stores_kept_sql(store: Store, monkeypatch):
    """What another process finds: the SQL kept in the store (nothing in its own memory), whose
    severity weights table was named by the process that kept it."""
    from crimeplan.engine import derived

    compute_series(store, PLAN, TO)
    kept_name = derived.severity_table().op().name
    assert any(kept_name in body for (body,) in store.con.execute("SELECT body FROM _compiled_sql").fetchall())
    reference = _reference(store, TO, monkeypatch)
    monkeypatch.setattr(_compiled, "_IN_PROCESS", {})  # a new process: nothing kept in memory ...
    derived.severity_table.cache_clear()  # ... and its own name for the weights
    try:
        assert derived.severity_table().op().name != kept_name
        store.forget_scans()
        compiled = _compiles(monkeypatch)
        again = compute_series(store, PLAN, TO)
    finally:
        derived.severity_table.cache_clear()
    assert compiled and _record_queries(compiled) == []
    _same(again, reference)
    score = again.monthly[(again.monthly.measure_id == "crime_severity_score") & (again.monthly.month == TO)]
    assert score.numerator.sum() > 0  # the weights were joined under the kept name


def test_kept_sql_of_one_month_computes_another_with_its_own_dates(store: Store, monkeypatch):
    compute_series(store, PLAN, TO)
    again, reference, compiled = _again(store, add_months(TO, -1), monkeypatch)
    # November's dates stand in the same order as December's: the same queries, nothing to compile
    assert compiled and _record_queries(compiled) == []
    _same(again, reference)


def test_dates_in_another_order_are_another_query(store: Store, monkeypatch):
    """A year earlier, last year's like-for-like cut-off (its window's end plus the 13 months from
    December 2024 to the extract date) falls after the end of the data: the dates stand in
    another order, so the queries are compiled again, not run from December 2025's text."""
    compute_series(store, PLAN, TO)
    again, reference, compiled = _again(store, add_months(TO, -12), monkeypatch)
    assert _record_queries(compiled)
    _same(again, reference)


def test_another_store_of_the_same_shape_uses_what_this_process_kept(loaded: Path, store: Store, tmp_path: Path,
                                                                   monkeypatch):
    compute_series(store, PLAN, TO)
    other = tmp_path / "other.duckdb"
    shutil.copy(loaded, other)  # the same rows, no SQL kept
    with Store(other) as s:
        again, reference, compiled = _again(s, TO, monkeypatch)
        assert compiled and _record_queries(compiled) == []
        _same(again, reference)
        # and written to that store for the next process that opens it
        assert s.forget_compiled() >= 14


def test_forgetting_the_scans_keeps_the_compiled_sql(store: Store):
    compute_series(store, PLAN, TO)
    kept = store.forget_compiled()
    assert kept >= 14 and store.forget_compiled() == 0
    store.forget_scans()
    compute_series(store, PLAN, TO)  # every query compiled and kept again
    store.forget_scans()
    assert store.forget_compiled() == kept


def _one_table(store: Store):
    return {"source": store.tables()["crimes"]}


def test_a_query_that_works_out_a_date_of_its_own_is_not_kept(store: Store):
    queries = _compiled.Queries(store, "test", {"crimeplan": "test"})
    start, after = dt.date(2025, 6, 1), dt.date(2025, 7, 1)
    tabs = _one_table(store)

    def worked_out(t, d):  # the month's end from its start, in Python: not one of the query's dates
        crimes = t["source"]
        month = crimes.filter((crimes.recorded_date >= d["start"]) & (crimes.recorded_date < add_months(d["start"], 1)))
        return month.aggregate(n=month.count())

    def given(t, d):
        crimes = t["source"]
        month = crimes.filter((crimes.recorded_date >= d["start"]) & (crimes.recorded_date < d["after"]))
        return month.aggregate(n=month.count())

    spec = {"query": "test"}
    a = queries.frame({**spec, "kind": "worked out"}, tabs, {"start": start}, worked_out)
    b = queries.frame({**spec, "kind": "given"}, tabs, {"start": start, "after": after}, given)
    bodies = {row[0] for row in store.con.execute("SELECT body FROM _compiled_sql").fetchall()}
    assert len(bodies) == 2 and "{}" in bodies  # the first is remembered as one not to keep
    phys = store.physical_tables()["crimes"]
    n = store.con.execute(f'SELECT count(*) FROM "{phys}" WHERE recorded_date >= ? AND recorded_date < ?',
                          [start, after]).fetchone()
    assert n is not None and a.n.item() == b.n.item() == n[0] > 0
    # the kept one, run with July's dates, counts July
    july = queries.frame({**spec, "kind": "given"}, tabs, {"start": after, "after": dt.date(2025, 8, 1)}, given)
    m = store.con.execute(f'SELECT count(*) FROM "{phys}" WHERE recorded_date >= ? AND recorded_date < ?',
                          [after, dt.date(2025, 8, 1)]).fetchone()
    assert m is not None and july.n.item() == m[0] != n[0]


def test_a_read_only_store_runs_kept_sql_and_tries_none(loaded: Path, tmp_path: Path, monkeypatch):
    """A read-only store (a report computing what was never stored) could not keep what a trial
    finds: its queries are compiled once each, as through Ibis alone; SQL another compute kept in
    the store is run."""
    path = tmp_path / "ro.duckdb"
    shutil.copy(loaded, path)
    with Store(path, read_only=True) as s:
        with monkeypatch.context() as m:
            _through_ibis(m)
            plain = _compiles(m)
            reference = compute_series(s, PLAN, TO)
        compiled = _compiles(monkeypatch)
        first = compute_series(s, PLAN, TO)
        assert len(_record_queries(compiled)) == len(_record_queries(plain)) > 0
        _same(first, reference)
    monkeypatch.undo()
    monkeypatch.setattr(_compiled, "_IN_PROCESS", {})
    with Store(path) as s:
        compute_series(s, PLAN, TO)  # keeps the plan's SQL
        s.forget_scans()  # every row read below
    monkeypatch.setattr(_compiled, "_IN_PROCESS", {})  # another process
    with Store(path, read_only=True) as s:
        compiled = _compiles(monkeypatch)
        again = compute_series(s, PLAN, TO)
        assert compiled and _record_queries(compiled) == []
        _same(again, reference)
