"""Labels never contradict what sits beside them: a chart's icon against the table's Better/Worse."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from crimeplan.report.common import _against_the_year, assessment


def _results(direction: str) -> SimpleNamespace:
    table = pd.DataFrame([{"measure_id": "sick", "area_level": "force", "window": "12m", "direction": direction},
                          {"measure_id": "sick", "area_level": "lpa", "window": "12m", "direction": "better"}])
    return SimpleNamespace(table=table)


@pytest.mark.parametrize(("icon", "direction", "says"), [
    ("improvement_low", "worse", True), ("concern_high", "better", True),
    ("improvement_low", "better", False), ("concern_high", "worse", False), ("common_cause", "worse", False),
])
def test_a_chart_that_reads_the_other_way_from_its_table_says_why(icon, direction, says) -> None:
    """Sickness read 'improving' beside a table saying 'Worse': the caption must say both are true."""
    note = _against_the_year(_results(direction), SimpleNamespace(id="sick"), icon)
    assert ("moved the other way" in note) is says
    if says:
        assert f"({direction})" in note


def test_an_untested_change_is_never_printed_as_a_bare_better_or_worse() -> None:
    """The notes say Better/Worse means significant; with no test the cell must say so."""
    assert assessment({"assessment": None, "direction": "worse"}) == ("Worse (not tested)", None)
    assert assessment({"assessment": None, "direction": "same"}) == ("Same", None)
    assert assessment({"assessment": "significantly worse", "direction": "worse"}) == ("Significantly worse", "worse")
    assert assessment({"assessment": "no significant change", "direction": "worse"})[0] == "No significant change"


def test_a_plan_declares_a_by_year_table_for_any_measure(tmp_path) -> None:
    """No report code names a measure: a plan can ask for seed 003's 'financial year by month'
    table for all crime, and the table shows each month's count under its financial year."""
    import datetime as dt

    import yaml

    from crimeplan.plans import load_plan
    from crimeplan.report.sections import area_tables
    from crimeplan.results import compute
    from crimeplan.store import Store
    from tests.conftest import AREAS, write_csv

    rows = [{"crime_id": f"C{i}", "recorded_date": f"2024-{m:02d}-10", "offence_code": "8N",
             "offence_group": "Violence with injury", "district": "A"}
            for i, m in enumerate([4, 4, 5, 6, 6, 6], start=1)]  # Apr 2, May 1, Jun 3
    store = Store(tmp_path / "s.duckdb")
    store.load({"areas": [write_csv(tmp_path / "a.csv", "areas", AREAS)],
                "crimes": [write_csv(tmp_path / "c.csv", "crimes", rows)]}, extract_date=dt.date(2024, 6, 30))
    plan_file = tmp_path / "p.yaml"
    plan_file.write_text(yaml.safe_dump({"id": "p", "title": "P", "areas_of_focus": [{
        "id": "a", "title": "A", "measures": [{"id": "all", "label": "All crime", "source": "crimes"}],
        "tables": [{"kind": "by_financial_year_month", "measures": ["all"]}]}]}))
    plan = load_plan(plan_file)
    results = compute(store, plan, dt.date(2024, 6, 1))
    [table] = area_tables(results, plan.areas_of_focus[0])
    assert table.header[:4] == ["Financial year", "Apr", "May", "Jun"]
    assert [c.text for c in table.rows[0][:4]] == ["2024/25", "2.00", "1.00", "3.00"]
    store.close()
