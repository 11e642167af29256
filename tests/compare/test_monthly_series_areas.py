"""The monthly series at force, LPA and district level, worked by hand from a few crimes.

Written for the columnar monthly series (one groupby per area level over every measure): each
area's month is its own rows' count, an area with no rows in a supplied month is a true zero,
and the series lists every area of the areas table, in name order, at each level.
"""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from crimeplan.plans import load_plan
from crimeplan.results import compute
from crimeplan.store import Store
from tests.compare.test_honest_figures import crime
from tests.conftest import AREAS, write_csv

D = dt.date

# Jan 2024: A twice, C once; Feb 2024: B once; Mar 2024: A once.
# Areas: A and B are North, C is South.
ROWS = [crime("J1", "2024-01-03"), crime("J2", "2024-01-20"), crime("J3", "2024-01-09", district="C"),
        crime("F1", "2024-02-14", district="B"), crime("M0", "2024-03-02", district="A")]
# a second measure over the same rows, so the groupby covers more than one measure at once
PLAN = {"id": "m", "title": "M", "areas_of_focus": [{"id": "a", "title": "A", "measures": [
    {"id": "all_crime", "label": "All crime", "source": "crimes"},
    {"id": "violence", "label": "Violence", "source": "crimes", "filter": "offence_group == 'Violence with injury'"},
    {"id": "rate", "label": "Crime rate", "source": "crimes", "unit": "rate_per_1000", "decimals": 2}]}]}


def _computed(tmp_path, rows, plan, extract, to):
    """The results of a plan computed to `to` on a store of the areas and these crimes."""
    files = {"areas": [write_csv(tmp_path / "areas.csv", "areas", AREAS)],
             "crimes": [write_csv(tmp_path / "crimes.csv", "crimes", rows)]}
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(plan))
    with Store(tmp_path / "s.duckdb") as store:
        store.load(files, extract_date=extract)
        return compute(store, load_plan(path), to)


def _series(tmp_path):
    return _computed(tmp_path, ROWS, PLAN, D(2024, 3, 31), D(2024, 3, 1)).monthly


def test_each_area_and_month_counts_its_own_rows(tmp_path):
    monthly = _series(tmp_path)
    for measure in ("all_crime", "violence"):
        got = {(r.area_level, r.area, r.month.month): r.numerator
               for r in monthly[monthly.measure_id == measure].itertuples()}
        assert got == {
            ("force", "Testshire", 1): 3.0, ("force", "Testshire", 2): 1.0, ("force", "Testshire", 3): 1.0,
            ("lpa", "North", 1): 2.0, ("lpa", "North", 2): 1.0, ("lpa", "North", 3): 1.0,
            ("lpa", "South", 1): 1.0, ("lpa", "South", 2): 0.0, ("lpa", "South", 3): 0.0,
            ("district", "A", 1): 2.0, ("district", "A", 2): 0.0, ("district", "A", 3): 1.0,
            ("district", "B", 1): 0.0, ("district", "B", 2): 1.0, ("district", "B", 3): 0.0,
            ("district", "C", 1): 1.0, ("district", "C", 2): 0.0, ("district", "C", 3): 0.0,
        }
        assert set(monthly[monthly.measure_id == measure].state) == {"value"}


def test_areas_are_listed_in_name_order_at_each_level(tmp_path):
    monthly = _series(tmp_path)
    mine = monthly[monthly.measure_id == "all_crime"]
    order = list(dict.fromkeys(zip(mine.area_level, mine.area)))
    # B has rows only in February and South only through C: each still listed, by name
    assert order == [("force", "Testshire"), ("lpa", "North"), ("lpa", "South"),
                     ("district", "A"), ("district", "B"), ("district", "C")]


def test_a_rate_divides_by_each_areas_own_population(tmp_path):
    monthly = _series(tmp_path)
    rate = {(r.area, r.month.month): (r.denominator, r.value)
            for r in monthly[monthly.measure_id == "rate"].itertuples()}
    # January: force 3 crimes / 6000 people = 0.5 per 1000; North 2 / 3000; C 1 / 3000
    assert rate[("Testshire", 1)] == (6000.0, 0.5)
    assert rate[("North", 1)][0] == 3000.0 and abs(rate[("North", 1)][1] - 2 / 3) < 1e-12
    assert rate[("C", 1)][0] == 3000.0 and abs(rate[("C", 1)][1] - 1 / 3) < 1e-12
    assert rate[("B", 3)] == (2000.0, 0.0)  # no rows in March: a true zero over its 2000 people


# Solved rate, outcomes counted within 6 months of a month's end; extract 31 Jul 2024.
# January (6 months to 31 Jul) is mature; February (to 31 Aug) is provisional.
SOLVED = [crime("S1", "2024-01-05", 1, "2024-02-01"), crime("S2", "2024-01-10", district="B"),
          crime("S3", "2024-01-20", 1, "2024-03-10", district="C"), crime("S6", "2024-01-25", 1, "2024-07-20"),
          crime("F1", "2024-02-03", 1, "2024-02-20"), crime("F2", "2024-02-11", district="C"),
          crime("F3", "2024-02-17", 1, "2024-07-15", district="C")]
SOLVED_PLAN = {"id": "s", "title": "S", "areas_of_focus": [{"id": "a", "title": "A", "measures": [
    {"id": "solved_rate", "label": "Solved rate", "source": "crimes", "aggregation": "proportion",
     "numerator": "solved", "unit": "percent", "decimals": 1, "polarity": "up"}]}]}


def test_a_mature_month_is_a_rate_and_a_young_one_carries_its_count_so_far_in_each_area(tmp_path):
    monthly = _computed(tmp_path, SOLVED, SOLVED_PLAN, D(2024, 7, 31), D(2024, 2, 1)).monthly
    got = {(r.area, r.month.month): (r.state, r.numerator, r.denominator, r.value) for r in monthly.itertuples()}
    nan = float("nan")
    want = {
        # January: S1, S3 and S6 solved within 6 months (S6 on 20 Jul); S2 open
        ("Testshire", 1): ("value", 3.0, 4.0, 75.0), ("North", 1): ("value", 2.0, 3.0, 200 / 3),
        ("South", 1): ("value", 1.0, 1.0, 100.0), ("A", 1): ("value", 2.0, 2.0, 100.0),
        ("B", 1): ("value", 0.0, 1.0, 0.0), ("C", 1): ("value", 1.0, 1.0, 100.0),
        # February: F1 and F3 solved so far, F2 open; no rate until the month is 6 months old
        ("Testshire", 2): ("provisional", 2.0, 3.0, nan), ("North", 2): ("provisional", 1.0, 1.0, nan),
        ("South", 2): ("provisional", 1.0, 2.0, nan), ("A", 2): ("provisional", 1.0, 1.0, nan),
        ("B", 2): ("provisional", 0.0, nan, nan), ("C", 2): ("provisional", 1.0, 2.0, nan),
    }
    assert got.keys() == want.keys()
    for key, (state, num, den, value) in want.items():
        g_state, g_num, g_den, g_value = got[key]
        assert g_state == state and g_num == num, key
        assert (g_den == den) or (den != den and g_den != g_den), key  # NaN: no row to count
        assert (abs(g_value - value) < 1e-12) or (value != value and g_value != g_value), key


def test_a_rate_in_the_results_divides_each_area_by_its_own_population(tmp_path):
    rows = [crime("a1", "2023-03-02"), crime("c1", "2023-03-05", district="C"), crime("c2", "2023-03-09", district="C"),
            crime("a2", "2024-03-01"), crime("a3", "2024-03-04"), crime("b1", "2024-03-11", district="B"),
            crime("c3", "2024-03-20", district="C")]
    plan = {"id": "r", "title": "R", "areas_of_focus": [{"id": "a", "title": "A", "measures": [
        {"id": "rate", "label": "Crime rate", "source": "crimes", "unit": "rate_per_1000", "decimals": 2,
         "windows": ["month"]}]}]}
    table = _computed(tmp_path, rows, plan, D(2024, 3, 31), D(2024, 3, 1)).table
    got = {r.area: (r.current_numerator, r.current_denominator, r.current_value, r.previous_numerator,
                    r.previous_denominator, r.previous_value) for r in table.itertuples()}
    # March 2024 against March 2023; populations A 1000, B 2000, C 3000 (North = A + B)
    want = {"Testshire": (4, 6000, 4 / 6, 3, 6000, 0.5), "North": (3, 3000, 1.0, 1, 3000, 1 / 3),
            "South": (1, 3000, 1 / 3, 2, 3000, 2 / 3), "A": (2, 1000, 2.0, 1, 1000, 1.0),
            "B": (1, 2000, 0.5, 0, 2000, 0.0), "C": (1, 3000, 1 / 3, 2, 3000, 2 / 3)}
    assert got.keys() == want.keys()
    for area, figures in want.items():
        assert got[area] == pytest.approx(figures, abs=1e-12), area
