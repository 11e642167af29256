"""Honest figures on the load side: the quarantine share rule, last complete month, carried
columns and data-quality alarms — every figure worked out by hand on small data."""

from __future__ import annotations

import calendar
import datetime as dt
from pathlib import Path

import pytest

from crimeplan.store import Store
from crimeplan.store.alarms import check_series
from tests.cli_helpers import run_cli
from tests.conftest import AREAS, write_csv

JAN, FEB, MAR, APR, MAY, JUN = (dt.date(2023, m, 1) for m in range(1, 7))


def _crimes(counts: dict[dt.date, int], prefix: str = "C", **extra: object) -> list[dict[str, object]]:
    """`counts[m]` crimes in month m, on day 1..28 in turn, all district A, Shoplifting."""
    out = []
    for m, n in counts.items():
        for i in range(n):
            out.append({"crime_id": f"{prefix}{m:%Y%m}-{i}", "recorded_date": m.replace(day=1 + i % 28),
                        "offence_group": "Shoplifting", "district": "A", **extra})
    return out


def _store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    store = str(tmp_path / "s.duckdb")
    assert run_cli(capsys, "load", "areas", str(write_csv(tmp_path / "areas.csv", "areas", AREAS)),
                   "--store", store).code == 0
    return store


# -- 1. loads that would lose a month fail ---------------------------------------------------
def test_a_month_losing_more_than_5_percent_fails_and_commits_nothing(tmp_path, capsys):
    store = _store(tmp_path, capsys)
    rows = _crimes({JAN: 20, FEB: 20})
    rows[0]["district"] = "Atlantis"  # 1 of January's 20 = 5%: allowed (not more than 5%)
    ok = run_cli(capsys, "load", "crimes", str(write_csv(tmp_path / "ok.csv", "crimes", rows)),
                 "--store", store, "--extract-date", "2023-12-31")
    assert ok.code == 0, ok.err
    assert "40 rows read = 39 loaded + 1 quarantined" in ok.out
    rows[20]["recorded_date"] = "2023-02-30"  # 1 of February's 20 more: 2 of 40 overall, 1 of
    rows[21]["offender_age"] = "old"          # ... and a second: February loses 2 of 20 = 10%
    bad = write_csv(tmp_path / "bad.csv", "crimes", rows)
    run = run_cli(capsys, "load", "crimes", str(bad), "--store", store, "--extract-date", "2023-12-31")
    assert run.code == 2 and "Traceback" not in run.err and run.err.count("\n") == 1
    assert f"file {bad}" in run.err and "month 2023-02: 10.0% (2) of its 20 rows" in run.err
    assert "more than the 5% allowed" in run.err and "not a valid date" in run.err
    assert "--accept-quarantine" in run.err
    with Store(store, read_only=True) as st:
        assert st.latest_snapshot() == 2  # areas, the first crimes load: nothing new
    forced = run_cli(capsys, "load", "crimes", str(bad), "--store", store, "--extract-date",
                     "2023-12-31", "--accept-quarantine")
    assert forced.code == 0 and "40 rows read = 37 loaded + 3 quarantined" in forced.out
    looser = run_cli(capsys, "load", "crimes", str(bad), "--store", store, "--extract-date",
                     "2023-12-31", "--max-quarantine-share", "0.1")
    assert looser.code == 0  # 10% is not more than 10%


def test_a_month_lost_whole_fails_and_is_never_supplied(tmp_path, capsys):
    store = _store(tmp_path, capsys)
    rows = _crimes({JAN: 30, FEB: 2})
    for r in rows[30:]:
        r["district"] = "Atlantis"  # every February row is refused: 2 of 32 overall (6.25%)
    path = write_csv(tmp_path / "c.csv", "crimes", rows)
    run = run_cli(capsys, "load", "crimes", str(path), "--store", store)
    assert run.code == 2 and "month 2023-02: all of its 2 rows would go to quarantine" in run.err
    assert "unknown district" in run.err and "first row 31, value 'Atlantis'" in run.err
    with Store(store) as st:
        st.load({"crimes": [path]}, extract_date=dt.date(2023, 12, 31), accept_quarantine=True,
                coverage={"crimes": {"force": [JAN, FEB]}})
        assert st.coverage("crimes") == {"force": {JAN}}  # February had no loaded row
        assert st.last_complete_month("crimes") == JAN


def test_rows_of_unknown_month_count_against_the_whole_load(tmp_path, capsys):
    store = _store(tmp_path, capsys)
    rows = _crimes({JAN: 20, FEB: 20})
    for r in rows[:3]:
        r["recorded_date"] = "Jan-23"  # no month can be told: 3 of 40 = 7.5% of the load
    path = write_csv(tmp_path / "c.csv", "crimes", rows)
    run = run_cli(capsys, "load", "crimes", str(path), "--store", store)
    assert run.code == 2 and "the whole load: 7.5% (3) of its 40 rows" in run.err
    rows[0]["recorded_date"] = "2023-01-01"  # 2 of 40 = 5%: allowed
    path = write_csv(tmp_path / "c.csv", "crimes", rows)
    assert run_cli(capsys, "load", "crimes", str(path), "--store", store).code == 0


# -- 2. last complete month and carried columns ------------------------------------------------
def test_last_complete_month_from_coverage_or_rows(tmp_path):
    path = write_csv(tmp_path / "c.csv", "crimes", _crimes({JAN: 2, FEB: 2, MAR: 2, APR: 1}))
    with Store(tmp_path / "s.duckdb") as st:
        assert st.latest_snapshot() is None
        # no coverage recorded: the months with rows; April ends after the extract date 2023-04-29
        st.load({"crimes": [path]}, extract_date=dt.date(2023, 4, 29))
        assert st.last_complete_month("crimes") == MAR
        assert st.last_complete_month("incidents") is None  # not in the store
        # extract 2023-04-30: April is complete
        st.load({"crimes": [path]}, extract_date=dt.date(2023, 4, 30))
        assert st.last_complete_month("crimes") == APR
        assert st.last_complete_month("crimes", 1) == MAR
        # coverage recorded: the supplied months, even if rows are dated later
        st.load({"crimes": [path]}, extract_date=dt.date(2023, 12, 31),
                coverage={"crimes": {"force": [JAN, FEB]}})
        assert st.last_complete_month("crimes") == FEB


def test_carried_columns_recorded_and_carried_forward(tmp_path):
    crimes = write_csv(tmp_path / "c.csv", "crimes", _crimes({JAN: 2}, offender_age=30))
    areas = write_csv(tmp_path / "a.csv", "areas", AREAS)
    with Store(tmp_path / "s.duckdb") as st:
        st.load({"areas": [areas], "crimes": [crimes]}, extract_date=dt.date(2023, 12, 31))
        assert st.carried_columns("crimes") == {"crime_id", "recorded_date", "offence_group",
                                                "district", "offender_age"}
        assert st.carried_columns("areas") == {"district", "lpa", "force", "population"}
        st.load({"areas": [areas]}, extract_date=dt.date(2023, 12, 31),
                carried={"areas": {"district", "lpa"}})  # a source that declares what it carries
        assert st.carried_columns("areas") == {"district", "lpa"}
        assert st.carried_columns("crimes", 2) == st.carried_columns("crimes", 1)  # carried forward
        assert st.carried_columns("incidents") is None
        st.con.execute("DROP TABLE _carried")  # a store made before carried columns existed
    with Store(tmp_path / "s.duckdb", read_only=True) as st:
        assert st.carried_columns("crimes") is None


# -- 3. alarms ----------------------------------------------------------------------------------
def _days(m: dt.date) -> int:
    return calendar.monthrange(m.year, m.month)[1]


def test_the_alarm_method_by_hand():
    # ten a day Jan-May, five a day in June
    counts = {m: 10.0 * _days(m) for m in (JAN, FEB, MAR, APR, MAY)} | {JUN: 150.0}
    alarms = check_series(counts, counts, table="crimes", level="source", key=None)
    assert len(alarms) == 1
    a = alarms[0]
    # reference rates 10,10,10,10,10: median 10, MAD 0; sigma = max(0, sqrt(10/30), 0.08*10) = 0.8
    assert a.month == JUN and a.observed == 150 and a.expected == pytest.approx(300)
    assert a.expected_low == pytest.approx((10 - 5 * 0.8) * 30)   # 180
    assert a.expected_high == pytest.approx((10 + 5 * 0.8) * 30)  # 420
    assert "crimes 2023-06: 150, 50% below the 300 expected" in a.message
    # February (28 days, 280) is not low: rates, not counts, are compared
    assert not [x for x in alarms if x.month == FEB]
    # too little history (2 months around it) or too small (expected under 30): no alarm
    assert check_series({MAY: 310.0, JUN: 15.0, APR: 300.0}, [APR, MAY, JUN], table="t",
                        level="source", key=None) == []
    small = {m: 0.5 * _days(m) for m in (JAN, FEB, MAR, APR, MAY)} | {JUN: 0.0}
    assert check_series(small, small, table="t", level="district", key="A") == []
    # a supplied month with no row is a zero, and alarms
    zero = check_series({m: 10.0 * _days(m) for m in (JAN, FEB, MAR, APR, MAY)},
                        [JAN, FEB, MAR, APR, MAY, JUN], table="t", level="source", key=None)
    assert [(z.month, z.observed) for z in zero] == [(JUN, 0.0)]


def test_an_appended_month_is_checked_against_the_earlier_ones_and_accepted(tmp_path, capsys):
    store = _store(tmp_path, capsys)
    history = write_csv(tmp_path / "h.csv", "crimes", _crimes({m: 10 * _days(m) for m in (JAN, FEB, MAR, APR, MAY)}))
    assert run_cli(capsys, "load", "crimes", str(history), "--store", store,
                   "--extract-date", "2023-07-05").code == 0
    with Store(store, read_only=True) as st:
        assert st.alarms() == []
    june = write_csv(tmp_path / "j.csv", "crimes", _crimes({JUN: 150}, prefix="J"))
    assert run_cli(capsys, "load", "crimes", str(june), "--store", store, "--append",
                   "--extract-date", "2023-07-05").code == 0
    with Store(store, read_only=True) as st:
        alarms = st.alarms()
        # the table, district A and the category Shoplifting hold the same 150 against 300
        assert [(a.level, a.key, a.observed, round(a.expected)) for a in alarms] == [
            ("source", None, 150, 300), ("district", "A", 150, 300), ("category", "Shoplifting", 150, 300)]
        assert not any(a.accepted for a in alarms)
        assert st.last_complete_month("crimes") == JUN
    checked = run_cli(capsys, "check", "--store", store)
    assert checked.code == 0
    assert "months with rows (no coverage recorded): months supplied 2023-01..2023-06" in checked.out
    assert "last complete month: 2023-06" in checked.out
    assert "crimes 2023-06: 150, 50% below the 300 expected" in checked.out
    assert "data-quality alarms of snapshot 3: 3 (0 accepted)" in checked.out
    nothing = run_cli(capsys, "accept", "crimes", "2023-05", "--store", store, "--reason", "x")
    assert nothing.code == 2 and "no data-quality alarm for crimes in 2023-05" in nothing.err
    ok = run_cli(capsys, "accept", "crimes", "2023-06", "--store", store,
                 "--reason", "half the month was recorded on the old system", "--by", "J. Analyst")
    assert ok.code == 0 and ok.out.count("accepted by J. Analyst") == 3
    # a later snapshot (areas reloaded) carries the alarms forward, still accepted
    assert run_cli(capsys, "load", "areas", str(tmp_path / "areas.csv"), "--store", store).code == 0
    with Store(store, read_only=True) as st:
        later = st.alarms()
        assert st.latest_snapshot() == 4 and len(later) == 3
        assert all(a.accepted and a.accepted_by == "J. Analyst" and a.accepted_at is not None
                   and a.reason == "half the month was recorded on the old system" for a in later)
        assert st.alarms(2) == []
    assert "3 (3 accepted)" in run_cli(capsys, "check", "--store", store).out


def test_check_names_gaps_and_carried_columns(tmp_path, capsys):
    store = tmp_path / "s.duckdb"
    path = write_csv(tmp_path / "c.csv", "crimes", _crimes({JAN: 1, FEB: 1, MAY: 1}))
    with Store(store) as st:
        st.load({"crimes": [path]}, extract_date=dt.date(2023, 5, 20),
                coverage={"crimes": {"force system": [JAN, FEB, MAY]}})
    out = run_cli(capsys, "check", "--store", str(store)).out
    assert "force system: months supplied 2023-01..2023-02, 2023-05; gaps 2023-03..2023-04" in out
    assert "last complete month: 2023-02" in out  # May ends after the extract date
    assert "carries: crime_id, recorded_date, offence_group, district; not carried: offence_code" in out


def test_stores_made_before_alarms_read_as_none(tmp_path):
    path = write_csv(tmp_path / "c.csv", "crimes", _crimes({JAN: 1}))
    with Store(tmp_path / "s.duckdb") as st:
        st.load({"crimes": [path]}, extract_date=dt.date(2023, 5, 20))
        st.con.execute("DROP TABLE _alarms")
    with Store(tmp_path / "s.duckdb", read_only=True) as st:
        assert st.alarms() == []


def test_accepting_an_alarm_drops_the_stored_results_that_call_it_unchecked(tmp_path, capsys):
    """Stored results carry each alarm's note ("not yet checked"); an acceptance changes that
    note, so the runs kept before it are dropped and the next report computes afresh."""
    import pyarrow as pa

    store = _store(tmp_path, capsys)
    history = write_csv(tmp_path / "h.csv", "crimes", _crimes({m: 10 * _days(m) for m in (JAN, FEB, MAR, APR, MAY)}))
    june = write_csv(tmp_path / "j.csv", "crimes", _crimes({JUN: 150}, prefix="J"))
    for path, extra in ((history, []), (june, ["--append"])):
        assert run_cli(capsys, "load", "crimes", str(path), "--store", store, *extra,
                       "--extract-date", "2023-07-05").code == 0
    with Store(store) as st:
        sid = st.latest_snapshot()
        st.save_results(sid, "p" * 64, JUN, "v", "{}", {"windows": pa.table({"x": [1]})})
        st.save_results(sid - 1, "p" * 64, MAY, "v", "{}", {"windows": pa.table({"x": [2]})})
        assert len(st.results_runs()) == 2 and _results_tables(st) == 2
    assert run_cli(capsys, "accept", "crimes", "2023-06", "--store", store, "--reason", "migration").code == 0
    with Store(store, read_only=True) as st:
        assert st.results_runs() == []
        assert st.results_run(sid, "p" * 64, JUN, "v") is None
        assert _results_tables(st) == 0  # the runs' own tables are gone too, not only their catalogue rows


def _results_tables(st: Store) -> int:
    """How many of the store's physical tables belong to stored runs."""
    found = st.con.execute("SELECT count(*) FROM information_schema.tables "
                           "WHERE table_name LIKE '\\_results\\_%' ESCAPE '\\'").fetchone()
    return int(found[0])


def test_the_reference_months_are_those_within_twelve_either_side():
    from crimeplan.store.alarms import assess_series

    # by hand: January 2020, then January to June 2021 (a gap of 11 months between)
    months = [dt.date(2020, 1, 1)] + [dt.date(2021, m, 1) for m in range(1, 7)]
    counts = {m: 10.0 * _days(m) for m in months}
    refs = {m: n for m, _, _, _, _, n in assess_series(counts, months)}
    # January 2021 is 12 months from January 2020 (counted), February 13 (not)
    assert refs[dt.date(2021, 1, 1)] == 6 and refs[dt.date(2021, 2, 1)] == 5
    assert dt.date(2020, 1, 1) not in refs  # only January 2021 is near it: too little history


def test_the_alarm_method_equals_its_definition_on_series_with_gaps():
    import random
    import statistics

    from crimeplan.store.alarms import assess_series

    def by_definition(counts, months):
        supplied = sorted(set(months))
        out = []
        for m in supplied:
            ref = [counts.get(o, 0.0) / _days(o) for o in supplied
                   if o != m and abs((o.year - m.year) * 12 + o.month - m.month) <= 12]
            if len(ref) < 3:
                continue
            med = statistics.median(ref)
            if med * _days(m) < 30:
                continue
            mad = statistics.median(abs(r - med) for r in ref)
            sigma = max(1.4826 * mad, (med / _days(m)) ** 0.5, 0.08 * med)
            out.append((m, counts.get(m, 0.0), med * _days(m), max(0.0, (med - 5 * sigma) * _days(m)),
                        (med + 5 * sigma) * _days(m), len(ref)))
        return out

    rng = random.Random(3)
    for _ in range(200):
        every = [dt.date(2015 + k // 12, k % 12 + 1, 1) for k in range(rng.randint(1, 60))]
        months = [m for m in every if rng.random() < 0.8]
        counts = {m: float(rng.choice([0, rng.randint(0, 40), rng.randint(500, 1500)])) for m in months
                  if rng.random() < 0.9}
        assert assess_series(counts, months) == by_definition(counts, months)
