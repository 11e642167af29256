"""The three leaks of issue 11, worked by hand: each figure below is printed or withheld as stated."""

from __future__ import annotations

import pandas as pd

from crimeplan.disclosure import VALUE_COLUMNS, attack, primary, relations, suppress
from crimeplan.disclosure._attack import exact_relations
from crimeplan.plans.model import Plan

AREAS = pd.DataFrame({"district": ["n1", "n2", "s1"], "lpa": ["North", "North", "South"],
                      "force": "F", "population": 1000})


def row(measure: str, level: str, area: str, current: float, previous: float, window: str = "12m",
        period_end: str = "2026-09") -> dict:
    change = current - previous
    return {"measure_id": measure, "window": window, "period_end": period_end, "area_level": level,
            "area": area, "unit": "count", "current_value": current, "previous_value": previous,
            "current_numerator": current, "previous_numerator": previous, "current_denominator": None,
            "previous_denominator": None, "change": change, "pct_change": 100 * change / previous,
            "direction": "better" if change < 0 else "worse", "comparable": True, "suppressed": False}


def plan(*measures: dict) -> Plan:
    return Plan.model_validate({"id": "p", "title": "P", "areas_of_focus": [
        {"id": "a", "title": "A", "measures": [{"label": m["id"], "source": "casualties", **m} for m in measures]}]})


def primary_only(table: pd.DataFrame) -> pd.DataFrame:
    """What a public edition printed before secondary suppression knew these relations."""
    out = table.copy()
    out["suppressed"] = primary(table, 5)
    for col in [*VALUE_COLUMNS, "direction"]:
        if col in out:
            out[col] = out[col].astype(object)
            out.loc[out.suppressed, col] = None
    return out


def recovered(table: pd.DataFrame, public: pd.DataFrame, p: Plan | None) -> list:
    rels = relations(table.reset_index(drop=True), AREAS, p)
    return attack(public, rels, exact_relations(table, rels))


def small_recoveries(table: pd.DataFrame, public: pd.DataFrame, p: Plan | None) -> list:
    """Recovered figures that are counts from 1 to 4 (a row withheld only for the other year's
    small count may be worked out for this year: it holds no small count this year)."""
    return [r for r in recovered(table, public, p) if 0 < r.values[0] < 5 or 0 < r.values[1] < 5]


def shown(public: pd.DataFrame, measure: str, window: str = "12m", area: str = "F") -> float | None:
    sel = public[(public.measure_id == measure) & (public.window == window) & (public.area == area)]
    value = sel.current_value.iloc[0]
    return None if value is None or pd.isna(value) else float(value)


KSI = plan({"id": "ksi_all", "filter": "ksi"},
           {"id": "ksi_fatal", "filter": "severity == 'fatal'", "parts_of": "ksi_all"},
           {"id": "ksi_serious", "filter": "severity == 'serious'", "parts_of": "ksi_all"})


def test_ksi_fatalities_are_not_all_minus_serious():
    # force only: 77 KSI = 2 killed + 75 seriously injured (last year 80 = 6 + 74)
    table = pd.DataFrame([row("ksi_all", "force", "F", 77, 80), row("ksi_fatal", "force", "F", 2, 6),
                          row("ksi_serious", "force", "F", 75, 74)])
    before = primary_only(table)
    assert shown(before, "ksi_fatal") is None and shown(before, "ksi_serious") == 75
    assert shown(before, "ksi_all") - shown(before, "ksi_serious") == 2  # the leak: 77 - 75
    leaks = recovered(table, before, KSI)
    assert [(r.kind, r.rows, r.values[0]) for r in leaks if r.year == "current"] == [("row", (1,), 2.0)]

    after = suppress(table, AREAS, plan=KSI)
    # serious injuries (the only other part) go too; all KSI, the headline, stays
    assert shown(after, "ksi_fatal") is None and shown(after, "ksi_serious") is None
    assert shown(after, "ksi_all") == 77
    assert small_recoveries(table, after, KSI) == []


def test_financial_year_to_date_minus_quarter_is_the_earlier_quarter():
    # to September 2026: 12 months 60, April-September 20, July-September 17, so April-June = 3
    # (last year 58, 25, 15: April-June 10); 12m - FYTD = 40 (Oct 2025-Mar 2026) is not small
    p = plan({"id": "ksi_all", "filter": "ksi", "windows": ["12m", "fytd", "quarter"]})
    table = pd.DataFrame([row("ksi_all", "force", "F", 60, 58, "12m"),
                          row("ksi_all", "force", "F", 20, 25, "fytd"),
                          row("ksi_all", "force", "F", 17, 15, "quarter")])
    before = primary_only(table)
    assert shown(before, "ksi_all", "fytd") - shown(before, "ksi_all", "quarter") == 3
    leaks = [r for r in recovered(table, before, p) if 0 < r.values[0] < 5]
    assert [(r.kind, r.year, r.values[0]) for r in leaks] == [("remainder", "current", 3.0)]

    after = suppress(table, AREAS, plan=p)
    # the quarter (the smaller part) is withheld: FYTD 20 = quarter + Q1 has two unknowns
    assert shown(after, "ksi_all", "quarter") is None
    assert shown(after, "ksi_all", "fytd") == 20 and shown(after, "ksi_all", "12m") == 60
    assert small_recoveries(table, after, p) == []


def test_a_withheld_quarter_does_not_come_back_from_month_and_fytd():
    # quarter = 4 withheld; FYTD 4 would also be withheld; the month (Sep) 2 withheld; 12m shown
    p = plan({"id": "m", "windows": ["12m", "fytd", "quarter", "month"]})
    table = pd.DataFrame([row("m", "force", "F", 30, 30, "12m"), row("m", "force", "F", 9, 12, "fytd"),
                          row("m", "force", "F", 4, 12, "quarter"), row("m", "force", "F", 2, 6, "month")])
    after = suppress(table, AREAS, plan=p)
    # 12m - FYTD = 21 and FYTD - quarter = 5 are not small; nothing small can be worked out
    assert small_recoveries(table, after, p) == []
    assert shown(after, "m", "quarter") is None and shown(after, "m", "month") is None


def test_rows_without_a_district_are_not_force_minus_lpas():
    # force 100 = North 40 + South 57 + 3 crimes with no district (last year 90 = 40 + 47 + 3)
    table = pd.DataFrame([row("c", "force", "F", 100, 90), row("c", "lpa", "North", 40, 40),
                          row("c", "lpa", "South", 57, 47)])
    before = primary_only(table)
    assert shown(before, "c", area="F") - shown(before, "c", area="North") - shown(before, "c", area="South") == 3
    p = plan({"id": "c", "source": "crimes"})
    after = suppress(table, AREAS, plan=p)
    # the no-district 3 is a small count: the smaller LPA is withheld, so it cannot be worked out
    assert shown(after, "c", area="North") is None and shown(after, "c", area="South") == 57
    assert shown(after, "c", area="F") == 100
    assert [r.values[0] for r in recovered(table, before, p)] == [3.0, 3.0]  # this year's 3, last year's 3
    assert small_recoveries(table, after, p) == []


def test_a_withheld_row_withholds_its_change_and_test():
    # this year 3 (withheld), last year 50 shown with change -47 would give 3 back
    table = pd.DataFrame([row("c", "force", "F", 3, 50)])
    table["p_value"], table["assessment"] = 0.001, "significantly better"
    out = suppress(table, AREAS).iloc[0]
    for col in ("current_value", "previous_value", "change", "pct_change", "direction", "p_value",
                "assessment", "current_numerator", "previous_numerator"):
        assert out[col] is None, col
    assert out["suppressed"]


def test_a_withheld_lpa_does_not_hide_behind_many_rows_without_a_district():
    # force 150 = North 3 + South 97 + 50 with no district: the 50 might be published elsewhere,
    # so North is protected as if it were known: South is withheld too
    table = pd.DataFrame([row("c", "force", "F", 150, 150), row("c", "lpa", "North", 3, 50),
                          row("c", "lpa", "South", 97, 50)])
    p = plan({"id": "c", "source": "crimes"})
    after = suppress(table, AREAS, plan=p)
    assert shown(after, "c", area="North") is None and shown(after, "c", area="South") is None
    assert shown(after, "c", area="F") == 150


def test_a_part_alone_is_protected_by_what_its_total_leaves_out():
    # KSI 77 of which 3 children: the 74 adults are printed nowhere, so 77 stays and 3 is safe
    p = plan({"id": "ksi_all", "filter": "ksi"},
             {"id": "ksi_children", "filter": "ksi and age <= 17", "parts_of": "ksi_all by age"})
    table = pd.DataFrame([row("ksi_all", "force", "F", 77, 80), row("ksi_children", "force", "F", 3, 9)])
    after = suppress(table, AREAS, plan=p)
    assert shown(after, "ksi_all") == 77 and shown(after, "ksi_children") is None
    assert small_recoveries(table, after, p) == []
