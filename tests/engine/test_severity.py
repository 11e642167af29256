"""The Crime Severity Score measure: Σ weight of each crime's offence code ÷ population."""

from __future__ import annotations

import csv
from importlib import resources

import pytest
import yaml

from crimeplan.compare import compare
from crimeplan.engine import compute_series
from crimeplan.plans import load_plan
from tests.conftest import AREAS


def _weight(code: str) -> float:
    """The weight of a code read straight from the shipped CSV (not through the engine)."""
    text = (resources.files("crimeplan") / "contract" / "data" / "css_weights.csv").read_text()
    for row in csv.DictReader(text.splitlines()):
        if code in {row.get("code"), row.get("code_severity"), row.get("code_original")}:
            return float(row["weight"])
    raise KeyError(code)


def test_severity_score_weighs_each_crime_by_its_code(make_store, tmp_path):
    crimes = [
        {"crime_id": f"C{i}", "recorded_date": "2024-02-10", "offence_code": code, "offence_group": "x",
         "district": "A"}
        for i, code in enumerate(["8N", "8N", "28E", "ZZZ"])  # ZZZ has no weight: counts as 0
    ] + [{"crime_id": "P1", "recorded_date": "2023-02-10", "offence_code": "8N", "offence_group": "x",
          "district": "B"},
         # last year's window starts in March 2022: a row there makes it covered (weightless code)
         {"crime_id": "P0", "recorded_date": "2022-03-01", "offence_code": "ZZZ", "offence_group": "x",
          "district": "C"}]
    store = make_store({"areas": AREAS, "crimes": crimes})
    plan_file = tmp_path / "p.yaml"
    plan_file.write_text(yaml.safe_dump({"id": "p", "title": "P", "areas_of_focus": [{"id": "a", "title": "A",
                                                                                     "measures": [
        {"id": "css", "label": "CSS", "source": "crimes", "aggregation": "severity_score", "unit": "score",
         "decimals": 2}]}]}))
    plan = load_plan(plan_file)
    # the data end in February 2024 (a later month would be past the data, not zero)
    t = compare(compute_series(store, plan, "2024-02"), plan, "2024-02")
    force = t[(t.area_level == "force")].iloc[0]
    expected = 2 * _weight("8N") + _weight("28E")
    assert force.current_numerator == pytest.approx(expected)
    assert force.current_value == pytest.approx(expected / 6000)  # population of A + B + C
    assert force.previous_value == pytest.approx(_weight("8N") / 6000)
    district_a = t[(t.area_level == "district") & (t.area == "A")].iloc[0]
    assert district_a.current_value == pytest.approx(expected / 1000)
