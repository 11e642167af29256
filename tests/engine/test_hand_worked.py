"""Every aggregation kind and window on a dataset small enough to count by hand.

The expected figures are worked out in the comments beside the data, not by the engine.
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest
import yaml

from crimeplan.compare import compare
from crimeplan.engine import compute_series
from crimeplan.plans import load_plan
from tests.conftest import AREAS

D = dt.date


def crime(cid, date, group, district, victim=None, offender=None, age=None, outcome=None, odate=None):
    return {"crime_id": cid, "recorded_date": date, "offence_code": "8N", "offence_group": group,
            "district": district, "domestic_abuse": False, "hate": False, "rural": False,
            "night_time_economy": False, "business": False, "victim_id": victim,
            "offender_id": offender, "offender_age": age, "outcome_type": outcome, "outcome_date": odate}


CRIMES = [
    crime("K1", "2022-04-10", "Violence with injury", "A", "V1", "O1", 16, 1, "2022-05-01"),
    crime("K2", "2022-12-31", "Shoplifting", "B"),
    crime("K3", "2023-03-31", "Public order offences", "C", None, "O2", 25, 14, "2023-04-02"),
    crime("K4", "2023-04-01", "Violence with injury", "A", "V1", "O1", 17),
    crime("K5", "2023-05-15", "Violence with injury", "B", "V1", "O3", 30, 8, "2023-06-01"),
    crime("K6", "2023-12-31", "Stalking and harassment", "C", "V2", "O1", 17, 1, "2024-01-10"),
    crime("K7", "2024-01-01", "Residential burglary", "A", "V3"),
    crime("K8", "2024-02-29", "Violence with injury", "A", "V2", "O4", 15, 1, "2024-03-15"),
    crime("K9", "2024-03-20", "Criminal damage and arson", "B", "V3", "O4", 15, 2, "2024-05-01"),
    crime("K10", "2024-03-31", "Drug trafficking", "C", None, "O5", 40, 1, "2024-04-01"),
    crime("K11", "2024-04-02", "Shoplifting", "C"),
]  # nothing at all in November 2023

INCIDENTS = [
    # grade 1: 14 min urban (in), 16 min urban (out), 19 min rural across midnight (in), unattended (out)
    {"incident_id": "I1", "opened_at": "2024-01-05T10:00:00", "category": "crime", "district": "A", "grade": 1, "urban": True, "attended_at": "2024-01-05T10:14:00"},
    {"incident_id": "I2", "opened_at": "2024-01-06T10:00:00", "category": "crime", "district": "A", "grade": 1, "urban": True, "attended_at": "2024-01-06T10:16:00"},
    {"incident_id": "I3", "opened_at": "2024-02-10T23:50:00", "category": "domestic", "district": "C", "grade": 1, "urban": False, "attended_at": "2024-02-11T00:09:00"},
    {"incident_id": "I4", "opened_at": "2024-03-01T08:00:00", "category": "domestic", "district": "B", "grade": 1, "urban": False},
    {"incident_id": "I5", "opened_at": "2024-03-02T08:00:00", "category": "asb", "district": "B", "grade": 2, "urban": True, "attended_at": "2024-03-02T09:00:00"},
]

CALLS = [
    {"call_id": "L1", "received_at": "2024-01-01T09:00:00", "channel": "101", "answered_after_s": 10, "abandoned": False},
    {"call_id": "L2", "received_at": "2024-02-01T09:00:00", "channel": "101", "answered_after_s": 20, "abandoned": False},
    {"call_id": "L3", "received_at": "2024-03-01T09:00:00", "channel": "101", "abandoned": True},
    {"call_id": "L4", "received_at": "2024-03-02T09:00:00", "channel": "999", "answered_after_s": 5, "abandoned": False},
]

WORKFORCE = [
    {"person_id": p, "month_end": m, "staff_group": "officer", "fte": 1, "contracted_hours": 160, "sickness_hours": h}
    for p, m, h in [("P1", "2024-01-31", 8), ("P1", "2024-02-29", 0), ("P1", "2024-03-31", 16),
                    ("P2", "2024-01-31", 0), ("P2", "2024-02-29", 0)]
]

EVENTS = [{"date": "2023-06-01", "scope": "victim_based_crime", "kind": "recording_change",
           "description": "Changes to crime recording rules"}]

PLAN = {
    "id": "hand", "title": "Hand-worked",
    "areas_of_focus": [{"id": "a", "title": "A", "measures": [
        {"id": "all_crime", "label": "All crime", "source": "crimes", "windows": ["12m", "quarter", "month", "fytd"]},
        {"id": "all_crime_lag2", "label": "All crime, lag 2", "source": "crimes", "lag_months": 2},
        {"id": "victim_based_crime", "label": "VBC", "source": "crimes", "filter": "victim_based"},
        {"id": "solved_rate", "label": "Solved", "source": "crimes", "aggregation": "proportion",
         "numerator": "solved", "unit": "percent", "decimals": 1, "polarity": "up"},
        {"id": "solved_in_window", "label": "Solved outcomes dated in window", "source": "crimes",
         "aggregation": "proportion", "numerator": "solved", "numerator_date": "outcome_date",
         "unit": "percent", "decimals": 1, "polarity": "up"},
        {"id": "repeat_victims", "label": "Repeat victims", "source": "crimes",
         "aggregation": "repeat_ids", "field": "victim_id"},
        {"id": "youth_offenders", "label": "Youth offenders", "source": "crimes", "filter": "youth",
         "aggregation": "distinct_count", "field": "offender_id"},
        {"id": "youth_reoffending", "label": "Youth reoffending", "source": "crimes", "filter": "youth",
         "aggregation": "reoffending", "field": "offender_id", "follow_up_months": 6,
         "unit": "percent", "windows": ["month"], "lag_months": 6},
        {"id": "response", "label": "Response", "source": "incidents", "filter": "grade == 1",
         "aggregation": "share_meeting", "numerator": "response_minutes <= (15 if urban else 20)",
         "unit": "percent", "windows": ["quarter"], "polarity": "up"},
        {"id": "wait", "label": "Wait", "source": "calls", "filter": "channel == '101' and not abandoned",
         "aggregation": "mean", "field": "answered_after_s", "unit": "seconds", "windows": ["quarter"]},
        {"id": "sickness", "label": "Sickness", "source": "workforce", "filter": "staff_group == 'officer'",
         "aggregation": "per_head", "field": "sickness_hours", "scale": 0.125, "unit": "days",
         "decimals": 2, "windows": ["quarter"]},
    ]}],
}


@pytest.fixture
def results(make_store, tmp_path):
    store = make_store({"areas": AREAS, "crimes": CRIMES, "incidents": INCIDENTS, "calls": CALLS,
                        "workforce": WORKFORCE, "events": EVENTS}, extract=dt.date(2024, 8, 31))
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(PLAN))
    plan = load_plan(path)

    def at(month: str) -> pd.DataFrame:
        return compare(compute_series(store, plan, month), plan, month)

    return at


def pick(table, measure, window="12m", level="force", area=None):
    sel = table[(table.measure_id == measure) & (table.window == window) & (table.area_level == level)]
    if area is not None:
        sel = sel[sel.area == area]
    assert len(sel) == 1, sel
    return sel.iloc[0]


def test_twelve_months_across_a_year_boundary(results):
    t = results("2024-03")
    row = pick(t, "all_crime")  # Apr 2023-Mar 2024: K4-K10 = 7; Apr 2022-Mar 2023: K1-K3 = 3
    assert (row.current_value, row.previous_value) == (7, 3)
    assert row["pct_change"] == pytest.approx(400 / 3)
    assert row.direction == "worse" and row.period_end == "2024-03"
    assert pick(t, "all_crime", level="lpa", area="North").current_value == 5  # K4 K5 K7 K8 K9
    assert pick(t, "all_crime", level="lpa", area="South").current_value == 2  # K6 K10
    assert pick(t, "all_crime", level="district", area="A").current_value == 3  # K4 K7 K8


def test_quarter_month_and_financial_year_to_date(results):
    t = results("2024-03")
    q = pick(t, "all_crime", "quarter")  # Jan-Mar 2024: K7-K10; Jan-Mar 2023: K3
    assert (q.current_value, q.previous_value) == (4, 1)
    m = pick(t, "all_crime", "month")  # Mar 2024: K9 K10; Mar 2023: K3
    assert (m.current_value, m.previous_value) == (2, 1)
    f = pick(results("2024-04"), "all_crime", "fytd")  # Apr 2024: K11; Apr 2023: K4
    assert (f.current_value, f.previous_value) == (1, 1)
    # the data end in April 2024: May is past them, not a month of zero crimes
    late = pick(results("2024-05"), "all_crime", "fytd")
    assert math.isnan(late.current_value) and not late.comparable
    assert late.note == "crime records were not supplied for May 2024"
    assert f["pct_change"] == pytest.approx(0.0)


def test_leap_day_counts_in_february(results):
    m = pick(results("2024-02"), "all_crime", "month")  # K8 on 29 Feb 2024; Feb 2023 none
    assert (m.current_value, m.previous_value) == (1, 0)
    assert pd.isna(m["pct_change"])  # no % change from zero


def test_month_with_no_rows_is_zero_not_missing(results):
    m = pick(results("2023-11"), "all_crime", "month")
    assert m.current_value == 0 and m.previous_value == 0 and m.comparable
    assert m.direction == "same"


def test_lagged_measure_reports_its_own_period(results):
    row = pick(results("2024-05"), "all_crime_lag2")
    # two months in arrears: the window ends Mar 2024, so the same 7 against 3 as above
    assert row.period_end == "2024-03"
    assert (row.current_value, row.previous_value) == (7, 3)
    early = pick(results("2024-03"), "all_crime_lag2")
    # ends Jan 2024: Feb 2023-Jan 2024 holds K3..K7 = 5; last year would start Feb 2022, before the data
    assert (early.period_end, early.current_value) == ("2024-01", 5) and not early.comparable


def test_window_before_the_data_starts_is_not_computable(results):
    row = pick(results("2022-06"), "all_crime")  # last year would start Jul 2020: no data
    assert row.previous_value is None or math.isnan(row.previous_value)
    assert not row.comparable and "no crime records before Apr 2022" in row.note


def test_recording_change_makes_last_year_not_comparable(results):
    t = results("2024-03")
    vbc = pick(t, "victim_based_crime")  # K4-K9 = 6 victim-based this year
    assert vbc.current_value == 6
    assert not vbc.comparable and pd.isna(vbc.previous_value) and pd.isna(vbc["pct_change"])
    assert "Changes to crime recording rules" in vbc.note
    assert pick(t, "all_crime").comparable  # the event's scope is one measure only


def test_solved_rate_counts_outcomes_after_the_window(results):
    row = pick(results("2024-03"), "solved_rate")
    # this year K5(8) K6(1) K8(1) K9(2, outcome May 2024) K10(1, outcome Apr 2024) = 5 of 7
    assert (row.current_numerator, row.current_denominator) == (5, 7)
    assert row.current_value == pytest.approx(500 / 7)
    # last year K1 solved; K3 outcome 14 is not a positive outcome: 1 of 3
    assert row.previous_value == pytest.approx(100 / 3)
    assert row.pp_change == pytest.approx(500 / 7 - 100 / 3) and pd.isna(row["pct_change"])
    assert row.direction == "better"


def test_solved_outcomes_dated_in_the_window(results):
    row = pick(results("2024-03"), "solved_in_window")
    # positive outcomes dated Apr 2023-Mar 2024: K5 Jun 2023, K6 Jan 2024, K8 Mar 2024 = 3; over 7 crimes
    assert (row.current_numerator, row.current_denominator) == (3, 7)
    assert (row.previous_numerator, row.previous_denominator) == (1, 3)  # K1 May 2022


def test_repeat_and_distinct_ids(results):
    t = results("2024-03")
    rv = pick(t, "repeat_victims")  # V1 (K4 K5), V2 (K6 K8), V3 (K7 K9); last year V1 once only
    assert (rv.current_value, rv.previous_value) == (3, 0)
    assert pick(t, "repeat_victims", level="district", area="A").current_value == 0  # none twice in A
    yo = pick(t, "youth_offenders")  # O1 (17) and O4 (15); last year O1 (16)
    assert (yo.current_value, yo.previous_value) == (2, 1)


def test_reoffending_follows_up_six_months(results):
    feb = pick(results("2024-08"), "youth_reoffending", "month")  # six months in arrears
    # O4 offends 29 Feb 2024 and again 20 Mar 2024: 1 of 1
    assert (feb.current_numerator, feb.current_denominator, feb.current_value) == (1, 1, 100)
    dec = pick(results("2024-06"), "youth_reoffending", "month")
    # O1 offends 31 Dec 2023 and not again: 0 of 1
    assert (dec.current_numerator, dec.current_denominator, dec.current_value) == (0, 1, 0)


def test_share_meeting_a_standard_mean_and_per_head(results):
    t = results("2024-03")
    resp = pick(t, "response", "quarter")  # I1 in, I2 out, I3 in (rural 19 min), I4 unattended
    assert (resp.current_numerator, resp.current_denominator, resp.current_value) == (2, 4, 50)
    wait = pick(t, "wait", "quarter")  # 101 calls answered: 10 s and 20 s
    assert wait.current_value == pytest.approx(15)
    sick = pick(t, "sickness", "quarter")  # 24 hours = 3 days over 5 person-months / 3 months
    assert sick.current_value == pytest.approx(3 / (5 / 3))
