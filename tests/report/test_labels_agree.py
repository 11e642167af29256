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
