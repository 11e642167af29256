"""Plans: the shipped plan validates; errors name file, line and field; filters are safe."""

from __future__ import annotations

import pytest

from crimeplan.errors import BadInput
from crimeplan.plans import expr, load_plan

REQUIRED_IDS = ["all_crime", "victim_based_crime", "solved_rate", "asb_incidents", "repeat_victims_crime", "da_incidents", "da_offences", "da_solved_rate", "da_repeat_victims_incidents", "nte_crimes", "youth_offenders", "adult_offenders", "youth_reoffending_rate", "adult_reoffending_rate", "ksi_all", "ksi_fatal", "ksi_serious", "ksi_pedestrians", "ksi_cyclists", "ksi_children", "emergency_response_within_standard", "emergency_calls_within_10s", "switchboard_wait_s", "sat_contact", "sat_action", "sat_kept_informed", "sat_treatment", "sat_overall", "sickness_days_officers", "sickness_days_staff", "sickness_days_pcso"]


def test_shipped_monthly_plan_has_the_issue_measures():
    plan = load_plan("monthly-performance")
    ids = {m.id for _, m in plan.measures()}
    assert set(REQUIRED_IDS) <= ids
    assert len(plan.areas_of_focus) == 8
    reoff = plan.measure("youth_reoffending_rate")
    assert reoff.lag_months == 6 and reoff.windows == ["month"]


# one area with one measure; the tests below add to it
PLAN_HEAD = """id: p
title: P
areas_of_focus:
  - id: a
    title: A
    measures:
      - id: ok
        label: OK
        source: crimes
"""

BAD_PLAN = PLAN_HEAD + """      - id: broken
        label: Broken
        source: crimes
        filter: district == 'A' and __import__('os')
"""


def test_plan_error_names_file_line_and_field(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(BAD_PLAN)
    with pytest.raises(BadInput) as err:
        load_plan(path)
    message = str(err.value)
    assert str(path) in message and "line 10" in message  # where the `broken` measure starts
    assert "areas_of_focus.0.measures.1" in message and "only these functions" in message


def test_unknown_key_and_unknown_column(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(BAD_PLAN.replace("__import__('os')", "true").replace("label: OK", "label: OK\n        polarty: up"))
    with pytest.raises(BadInput, match=r"line 9.*polarty"):
        load_plan(path)
    path.write_text(BAD_PLAN.replace("__import__('os')", "colour == 'red'"))
    with pytest.raises(BadInput, match="unknown column 'colour'"):
        load_plan(path)


@pytest.mark.parametrize("text", [
    "__import__('os').system('x')", "district.__class__", "[c for c in district]",
    "lambda: 1", "district[0]", "open('x')", "offender_age ** 2",
])
def test_filter_language_refuses_everything_but_its_own_forms(text):
    with pytest.raises(expr.ExprError):
        expr.parse(text, {"district", "offender_age"})


def test_filter_language_accepts_its_forms():
    cols = {"grade", "urban", "response_minutes", "category", "victim_id"}
    for text in ["grade == 1", "category in ['asb', 'domestic']", "not urban",
                 "response_minutes <= (15 if urban else 20)", "not_null(victim_id) and grade != 2"]:
        tree = expr.parse(text, cols)
        assert expr.names(tree) <= cols


TABLES_PLAN = PLAN_HEAD + """    tables:
      - kind: by_financial_year_month
        measures: [ok, elsewhere]
"""


def test_a_declared_table_names_only_its_own_measures(tmp_path):
    """A priority's `tables:` may list only that priority's measures; the error says which."""
    path = tmp_path / "p.yaml"
    path.write_text(TABLES_PLAN)
    with pytest.raises(BadInput, match=r"by_financial_year_month names \['elsewhere'\]") as err:
        load_plan(path)
    assert str(path) in str(err.value)
    path.write_text(TABLES_PLAN.replace(", elsewhere", ""))
    assert [t.measures for t in load_plan(path).areas_of_focus[0].tables] == [["ok"]]


def test_the_old_workforce_block_is_refused_saying_where_it_went(tmp_path):
    """`workforce:` used to hold the population line the diversity table printed; a plan that
    still has it is told to move it, not silently lose the line."""
    path = tmp_path / "p.yaml"
    path.write_text(TABLES_PLAN.replace(", elsewhere", "")
                    + "workforce:\n  economically_active_ethnic_minority_pct: 7.3\n")
    with pytest.raises(BadInput, match="reference:"):
        load_plan(path)


def test_a_folder_named_like_a_shipped_plan_does_not_hide_it(tmp_path, monkeypatch):
    """`--plan national` beside the national/ data folder the walk-through makes is the shipped plan;
    a folder with any other name is still refused as not a plan file."""
    from crimeplan.plans.load import resolve, shipped_plans

    monkeypatch.chdir(tmp_path)
    (tmp_path / "national").mkdir()
    (tmp_path / "mydata").mkdir()
    assert resolve("national") == shipped_plans()["national"]
    assert load_plan("national").national is True
    with pytest.raises(BadInput, match="this is a directory, not a plan file"):
        load_plan("mydata")
