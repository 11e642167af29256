"""ONS Police Force Area tables: Essex totals per edition equal the published figures."""

from __future__ import annotations

import csv
import datetime as dt

import openpyxl
import pytest

from tests.sources.conftest import REAL, needs_real, ons_import

pytestmark = needs_real
ONS = REAL / "ons_pfa_tables"
# Essex total recorded crime excluding fraud, as the real README quotes the published tables
PUBLISHED = {dt.date(2018, 3, 31): 134205, dt.date(2018, 6, 30): 139290,
             dt.date(2018, 9, 30): 144037, dt.date(2018, 12, 31): 151103,
             dt.date(2019, 3, 31): 158421, dt.date(2019, 6, 30): 162453,
             dt.date(2019, 9, 30): 168579, dt.date(2019, 12, 31): 168643,
             dt.date(2025, 6, 30): 144025}


def _peers(force: str, measure: str) -> dict[dt.date, dict]:
    p = ons_import().tables["peers"].to_pylist()
    return {r["period_end"]: r for r in p if r["force"] == force and r["measure_id"] == measure}


def _essex_cell(path, sheet_prefix: str, column_start: str) -> float:
    """Read one Essex figure straight from a workbook with openpyxl, without crimeplan."""
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    sheet = next(s for s in wb.sheetnames if s.strip() == sheet_prefix)
    rows = list(wb[sheet].iter_rows(values_only=True))
    wb.close()
    essex = next(r for r in rows if r[0] == "E23000028")
    for _i, r in enumerate(rows[:8]):
        for j, cell in enumerate(r):
            if isinstance(cell, str) and cell.startswith(column_start):
                return essex[j]
    raise AssertionError("column not found")


def test_essex_totals_per_edition_equal_the_published_figures():
    got = {d: r["numerator"] for d, r in _peers("Essex", "all_crime").items()}
    assert got == PUBLISHED


@pytest.mark.parametrize("path", sorted(ONS.glob("*.xlsx")), ids=lambda p: p.name)
def test_each_workbook_agrees_with_an_independent_read(path):
    total = _essex_cell(path, "Table P1", "Total recorded crime")
    rate = _essex_cell(path, "Table P3", "Total recorded crime")
    population = _essex_cell(path, "Table P3", "Population figures")
    match = [r for r in _peers("Essex", "all_crime").values() if r["numerator"] == total]
    assert len(match) == 1
    assert match[0]["value"] == pytest.approx(rate) and match[0]["population"] == population
    assert match[0]["denominator"] == population
    assert rate == pytest.approx(1000 * total / population, rel=2e-3)


def test_the_2025_csv_thousands_separators_and_note_tags():
    with (ONS / "ons_pfa_tables_ye_jun2025_table_P1.csv").open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    essex = next(r for r in rows if r[0] == "E23000028")
    assert essex[2] == "144,025"
    jun25 = dt.date(2025, 6, 30)
    assert _peers("Essex", "violence_with_injury")[jun25]["numerator"] == 13798
    aggs = ons_import().tables["aggregates"].to_pylist()
    ew = [r for r in aggs if r["area"] == "ENGLAND AND WALES" and r["period_end"] == jun25
          and r["measure_id"] == "ons_pfa:all_crime"]
    assert [r["numerator"] for r in ew] == [5287312]  # "[note 3]" stripped from the name


def test_csp_rows_of_essex_add_up_to_the_force_total():
    aggs = ons_import().tables["aggregates"].to_pylist()
    csp = [r for r in aggs if r["note"] == "Community Safety Partnership in Essex"
           and r["measure_id"] == "ons_pfa:all_crime"]
    assert len(csp) == 15  # 14 CSPs + Unassigned Essex
    assert {r["area"] for r in csp} >= {"Basildon", "Thurrock", "Unassigned Essex"}
    assert sum(r["numerator"] for r in csp) == 144025
    basildon = next(r for r in csp if r["area"] == "Basildon")
    assert basildon["numerator"] == 16434  # "16,434 " with its trailing space


def test_greater_manchester_is_missing_in_late_2019_not_zero():
    gm = _peers("Greater Manchester", "all_crime")
    assert dt.date(2019, 6, 30) in gm
    assert dt.date(2019, 9, 30) not in gm and dt.date(2019, 12, 31) not in gm
    assert any("no total for Greater Manchester" in n for n in ons_import().notes)


def test_city_of_london_rates_are_suppressed_but_counts_kept():
    col = _peers("City of London", "all_crime")
    assert all(r["numerator"] > 0 and r["value"] is None for d, r in col.items() if d.year < 2025)


def test_every_edition_has_43_forces_less_the_missing_and_reconciles():
    res = ons_import()
    res.check()
    assert res.quarantine == []
    peers = res.tables["peers"].to_pylist()
    for d in PUBLISHED:
        forces = {r["force"] for r in peers if r["period_end"] == d and r["measure_id"] == "all_crime"}
        assert len(forces) == (42 if d in (dt.date(2019, 9, 30), dt.date(2019, 12, 31)) else 43)
    assert {r["measure_id"] for r in peers} >= {"all_crime", "violence_with_injury",
                                                 "residential_burglary", "shoplifting"}


def _workbook_note(path, sheet: str, start: str) -> str:
    """A numbered footnote under a table, read with openpyxl alone ('10. The homicide ...')."""
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    name = next(s for s in wb.sheetnames if s.strip() == sheet)
    rows = list(wb[name].iter_rows(values_only=True))
    wb.close()
    for r in rows:
        first = next((c for c in r if c is not None), None)
        if isinstance(first, str) and start in first:
            return " ".join(first.split(". ", 1)[1].split())
    raise AssertionError(f"no footnote containing {start!r}")


LORRY = "39 migrants found dead inside the lorry in Essex"


def test_the_footnotes_marked_on_a_force_or_column_reach_the_figures_they_mark():
    dec19 = ONS / "pfatablesdec19.xlsx"
    lorry = _workbook_note(dec19, "Table P1", LORRY)
    dyfed = _workbook_note(dec19, "Table P1", "undercount of Dyfed-Powys")
    end = dt.date(2019, 12, 31)

    def notes(force: str, measure: str) -> str:
        return _peers(force, measure)[end]["note"] or ""

    # 'Essex10' marks Essex; the note names homicide, so it rides on Essex's homicide figure only
    assert lorry in notes("Essex", "homicide")
    assert LORRY not in notes("Essex", "all_crime") + notes("Essex", "robbery")
    assert LORRY not in notes("Sussex", "homicide")
    assert LORRY not in (_peers("Essex", "homicide")[dt.date(2019, 9, 30)]["note"] or "")
    # 'Dyfed-Powys4' and 'Violence against the person4': the one cell both mark
    assert dyfed in notes("Dyfed-Powys", "violence_against_the_person")
    assert "Dyfed-Powys" not in notes("Essex", "violence_against_the_person")
    assert "Dyfed-Powys" not in notes("Dyfed-Powys", "robbery")
    # a mark on the title ('December 20191,2') applies to every figure
    first = _workbook_note(dec19, "Table P1", "not designated as National Statistics")
    assert first in notes("Essex", "robbery") and first in notes("Sussex", "burglary")
