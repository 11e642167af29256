"""Every measure kind in the registry is wired everywhere, and a new kind is one module.

The tiny store below is counted by hand in the comments; the expected figures are written from
those counts, not from the engine. Each kind's hooks are wrapped so the test also proves that the
engine, the comparisons and the significance tests reached the kind through the registry.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from crimeplan import kinds, stats
from crimeplan.contract.severity import shipped_weights
from crimeplan.errors import BadInput
from crimeplan.kinds import KINDS, Kind, MeasureLike, Scan
from crimeplan.plans import load_plan
from crimeplan.results import compute, write_results
from tests.conftest import AREAS

TO = dt.date(2024, 3, 1)  # 12 months Apr 2023-Mar 2024 against Apr 2022-Mar 2023


def crime(cid: str, date: str, district: str, victim: str | None = None, offender: str | None = None,
          age: int | None = None, outcome: int | None = None, odate: str | None = None,
          domestic: bool = False) -> dict[str, Any]:
    return {"crime_id": cid, "recorded_date": date, "offence_code": "8N", "offence_group": "Violence with injury",
            "district": district, "domestic_abuse": domestic, "hate": False, "rural": False,
            "night_time_economy": False, "business": False, "victim_id": victim, "offender_id": offender,
            "offender_age": age, "outcome_type": outcome, "outcome_date": odate}


CRIMES = [
    crime("P1", "2022-04-05", "C", "V3", "O3", 40),                                  # last year
    crime("P2", "2022-06-01", "C", "V4", "O4", 50),
    crime("C1", "2023-05-10", "A", "V1", "O1", 20, 1, "2023-06-01", domestic=True),  # this year
    crime("C2", "2023-08-10", "A", "V1", "O2", 30, 14, "2023-09-01"),
    crime("C3", "2023-09-01", "B", "V2", "O1", 22, 1, "2023-10-01", domestic=True),
    crime("C4", "2024-03-20", "C"),
]
# counted by hand, this year / last year (force; population 1000 + 2000 + 3000 = 6000):
#   rows 4 / 2; solved (outcomes 1-4, 6-8) C1 C3 = 2 of 4 / 0 of 2; domestic C1 C3 = 2 of 4 / 0 of 2
#   offenders O1 O2 = 2 / O3 O4 = 2; victims with 2+ crimes V1 = 1 / none
#   re-offending within 6 months: O1 (10 May, again 1 Sep) of O1 O2 = 1 of 2 / 0 of 2
#   ages 20 30 22 / 40 50: sums 72 / 90, means 24 / 45; per head, the sum over the rows' month
#   average: 72 / (4/12) = 216 / 90 / (2/12) = 540
AGGREGATES = [
    {"measure_id": "agg", "area": "Testshire", "period_start": "2023-04-01", "period_end": "2024-03-31",
     "numerator": 30, "denominator": 60, "value": 50},
    {"measure_id": "agg", "area": "Testshire", "period_start": "2022-04-01", "period_end": "2023-03-31",
     "numerator": 20, "denominator": 80, "value": 25},
]
W = shipped_weights().by_code["8N"]  # the ONS weight of one crime of code 8N

COUNTS, PROPS, MEANS = "compare_counts", "compare_proportions", "compare_means"
# kind → (its measure's plan fields, this year, last year, the test it gets or None)
CASES: dict[str, tuple[dict[str, Any], float, float, str | None]] = {
    "count": ({}, 4, 2, COUNTS),
    "proportion": ({"numerator": "solved", "unit": "percent"}, 50.0, 0.0, PROPS),
    "share_meeting": ({"numerator": "domestic_abuse", "unit": "percent"}, 50.0, 0.0, PROPS),
    "distinct_count": ({"field": "offender_id"}, 2, 2, COUNTS),
    "repeat_ids": ({"field": "victim_id"}, 1, 0, COUNTS),
    "reoffending": ({"field": "offender_id", "unit": "percent"}, 50.0, 0.0, PROPS),
    "mean": ({"field": "offender_age", "unit": "mean"}, 24.0, 45.0, MEANS),
    "sum": ({"field": "offender_age"}, 72, 90, None),
    "per_head": ({"field": "offender_age"}, 216.0, 540.0, None),
    # Σ weights ÷ population × 1000: 4W/6 and 2W/6
    "severity_score": ({"scale": 1000, "unit": "score"}, 4 * W / 6, 2 * W / 6, None),
    # arrived counted: 30 of 60 and 20 of 80, as percentages
    "aggregate": ({"source": "aggregates", "unit": "percent"}, 50.0, 25.0, PROPS),
}


def _measure(kind: str, fields: dict[str, Any]) -> dict[str, Any]:
    return {"id": "agg" if kind == "aggregate" else f"m_{kind}", "label": kind, "source": "crimes",
            "aggregation": kind, **fields}


def _plan(tmp_path: Any, measures: list[dict[str, Any]]) -> Any:
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump({"id": "kinds", "title": "Kinds",
                                    "areas_of_focus": [{"id": "a", "title": "A", "measures": measures}]}))
    return load_plan(path)


def _export(table: Any, tmp_path: Any) -> dict[str, dict[str, str]]:
    """The results export as a reader gets it: force 12-month rows of the CSV, by measure."""
    out = tmp_path / "results.csv"
    write_results(table, out)
    with out.open(encoding="utf-8") as fh:
        return {r["measure_id"]: r for r in csv.DictReader(fh)
                if r["area_level"] == "force" and r["window"] == "12m"}


@pytest.fixture
def store(make_store: Any) -> Any:
    return make_store({"areas": AREAS, "crimes": CRIMES, "aggregates": AGGREGATES}, extract=dt.date(2024, 6, 30))


def test_the_cases_cover_the_registry() -> None:
    """The hand-worked cases below name every registered kind, and no other."""
    assert set(CASES) == set(KINDS)


def test_the_measure_guide_lists_every_kind() -> None:
    """docs/writing-measures.md's table of aggregations has a row for each registered kind, and no other."""
    guide = (Path(__file__).resolve().parents[2] / "docs" / "writing-measures.md").read_text(encoding="utf-8")
    table = guide.split("## Aggregations", 1)[1].split("\n\n", 2)[1]
    assert set(re.findall(r"^\| `([a-z_]+)` \|", table, re.M)) == set(KINDS)


@pytest.mark.parametrize("name", sorted(KINDS))
def test_every_hook_is_present_and_callable(name: str) -> None:
    """A kind offers value and test, and its monthly part or its window query (figures arriving counted apart)."""
    kind = KINDS[name]
    hooks = kind.hooks()
    assert {"value", "test"} <= set(hooks) and all(callable(h) for h in hooks.values())
    assert ("monthly" in hooks) == kind.decomposable
    assert ("window_query" in hooks) == (not kind.decomposable and not kind.arrives_counted)
    assert kind.untested.strip() and kind.summary.strip()
    assert kind.needs <= set(kinds.PLAN_FIELDS) and kind.refuses <= set(kinds.PLAN_FIELDS)


def test_the_plan_accepts_exactly_the_registry(tmp_path: Any) -> None:
    """Every registered kind validates in a plan; a name outside the registry is refused, naming the file and field."""
    plan = _plan(tmp_path, [_measure(k, f) for k, (f, *_) in CASES.items()])
    assert sorted(m.aggregation for _, m in plan.measures()) == sorted(KINDS)
    with pytest.raises(BadInput) as err:
        _plan(tmp_path, [_measure("median", {"field": "offender_age"})])
    text = str(err.value)
    assert "unknown aggregation 'median'" in text and "plan.yaml" in text and "aggregation" in text
    assert all(k in text for k in KINDS)  # the message lists what is known


@pytest.mark.parametrize("name", sorted(KINDS))
def test_a_kind_needs_its_fields(name: str, tmp_path: Any) -> None:
    """Leaving out a field the kind needs is refused with the kind's own words."""
    fields, *_ = CASES[name]
    for needed in KINDS[name].needs:
        with pytest.raises(BadInput, match=f"aggregation {name} needs `{needed}`"):
            _plan(tmp_path, [_measure(name, {k: v for k, v in fields.items() if k != needed})])
    units = KINDS[name].units
    if units is not None:
        wrong = next(u for u in ("count", "percent") if u not in units)
        with pytest.raises(BadInput, match=f"aggregation {name} {KINDS[name].units_why}"):
            _plan(tmp_path, [_measure(name, {**fields, "unit": wrong})])


def _spy(kind: Kind, calls: Counter[str]) -> Kind:
    """The same kind, with every hook counting its calls before doing its work."""
    def wrap(name: str, hook: Any) -> Any:
        def counted(*args: Any) -> Any:
            calls[name] += 1
            return hook(*args)
        return counted
    return dataclasses.replace(kind, **{n: wrap(n, h) for n, h in kind.hooks().items()})


@pytest.mark.parametrize("name", sorted(KINDS))
def test_each_kind_computes_the_hand_worked_figures_through_the_registry(
        name: str, store: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Engine, comparisons and significance ask the registry: its hooks run, the figures are the hand-worked ones."""
    fields, current, previous, test = CASES[name]
    calls: Counter[str] = Counter()
    monkeypatch.setitem(KINDS, name, _spy(KINDS[name], calls))
    plan = _plan(tmp_path, [_measure(name, fields)])
    row = _export(compute(store, plan, TO).table, tmp_path)[_measure(name, fields)["id"]]
    assert float(row["current_value"]) == pytest.approx(current)
    assert float(row["previous_value"]) == pytest.approx(previous)
    assert row["comparable"] == "true"
    if test is None:
        assert row["test"] == "not tested: " + KINDS[name].untested
    else:
        assert row["test"] == stats.TEST_NAMES[test]
    assert set(calls) == set(KINDS[name].hooks()), calls  # every hook was asked, none bypassed


def _sum_of_squares(m: MeasureLike, scan: Scan) -> dict[str, Any]:
    value = scan.table[m.field]
    return {kinds.NUMERATOR: (scan.where & value.notnull()).ifelse(value * value, 0).sum()}


SUM_OF_SQUARES = Kind(
    name="sum_of_squares", summary="Σ field² over the rows that meet the filter", needs=frozenset({"field"}),
    refuses=frozenset({"numerator"}), monthly=_sum_of_squares, denominator="none",
    value=kinds.scaled_total, test=kinds.always(None), untested="a sum of squares has no test here",
)


@pytest.fixture
def sum_of_squares() -> Any:
    """A kind written in the test: one object, registered, and removed afterwards."""
    kinds.register(SUM_OF_SQUARES)
    yield SUM_OF_SQUARES
    kinds.unregister(SUM_OF_SQUARES.name)


def test_a_new_kind_is_one_module(sum_of_squares: Kind, store: Any, tmp_path: Any) -> None:
    """A kind defined here runs through plan validation, the engine and the results export unchanged."""
    plan = _plan(tmp_path, [{"id": "age_squares", "label": "Σ age²", "source": "crimes",
                             "aggregation": "sum_of_squares", "field": "offender_age"}])
    results = compute(store, plan, TO)
    row = _export(results.table, tmp_path)["age_squares"]
    # 20² + 30² + 22² = 400 + 900 + 484 = 1784 this year; 40² + 50² = 4100 last year:
    # down 2316, -2316 / 4100 = -56.49%, better for a measure whose polarity is down
    assert (float(row["current_value"]), float(row["previous_value"])) == (1784, 4100)
    assert float(row["change"]) == -2316 and float(row["pct_change"]) == pytest.approx(-231600 / 4100)
    assert row["direction"] == "better" and row["test"] == "not tested: a sum of squares has no test here"
    district_a = results.table[(results.table.measure_id == "age_squares") & (results.table.area == "A")
                               & (results.table.window == "12m")]
    assert district_a.current_value.tolist() == [1300]  # C1 and C2: 400 + 900
    monthly = results.monthly
    may = monthly[(monthly.measure_id == "age_squares") & (monthly.area_level == "force")
                  & (monthly.month == dt.date(2023, 5, 1))]
    assert may.value.tolist() == [400]  # May 2023: C1 alone


def test_a_new_kind_refuses_what_it_does_not_use(sum_of_squares: Kind, tmp_path: Any) -> None:
    """A field the kind refuses is a clear plan error naming the file, line and field."""
    with pytest.raises(BadInput) as err:
        _plan(tmp_path, [{"id": "sq", "label": "Σ age²", "source": "crimes", "aggregation": "sum_of_squares",
                          "field": "offender_age", "numerator": "solved"}])
    text = str(err.value)
    assert "aggregation sum_of_squares does not use `numerator`" in text and "plan.yaml" in text
    assert "line" in text


def test_a_kind_is_not_registered_twice(sum_of_squares: Kind) -> None:
    """A second kind under a taken name is refused; a kind lacking its hooks is refused."""
    with pytest.raises(ValueError, match="already registered"):
        kinds.register(dataclasses.replace(SUM_OF_SQUARES, summary="another"))
    with pytest.raises(ValueError, match="lacks monthly"):
        kinds.register(Kind(name="broken", summary="no scan", value=kinds.scaled_total, test=kinds.always(None)))
    assert "broken" not in KINDS
