"""The ONS importer on small workbooks and CSVs written with every quirk of the real editions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from crimeplan.errors import BadInput
from crimeplan.sources import ons_pfa

GROUPS = ["Violence against the person", "Homicide", "Violence with injury4"]


def workbook(path: Path, rows_p1: list[list], rows_p3: list[list] | None = None,
             title_end: str = "year ending March 20191,2") -> Path:
    wb = openpyxl.Workbook()
    wb.active.title = "Notes"
    p1 = wb.create_sheet("Table P1 ")  # trailing space, as in YE Mar 2019
    p1.append([f"Table P1: Police recorded crime by offence group, number of offences, {title_end}"])
    p1.append([])
    p1.append(["England and Wales"])
    p1.append([None, None, "Total recorded crime (excluding fraud3)", None, "Victim-based crime"])
    p1.append(["Area Code", "Area Name", None, None, *GROUPS])
    p1.append([None, None, "Numbers"])
    for r in rows_p1:
        p1.append(r)
    p1.append(["Source: Home Office - Police recorded crime "])
    p1.append(["1. Police recorded crime data are not designated as National Statistics."])
    if rows_p3 is not None:
        p3 = wb.create_sheet("Table P3  ")
        p3.append([f"Table P3: ... rate of offences, {title_end}"])
        for _ in range(3):
            p3.append([])
        p3.append(["Area Code", "Area Name", "Population figures\n (mid-2017)3  rounded to 100",
                   "Household figures\n (mid-2017)4", None, "Total recorded crime (excluding fraud5)",
                   None, "Violence against the person"])
        p3.append([None, None, None, None, None, "Rate per 1,000 population"])
        for r in rows_p3:
            p3.append(r)
    wb.save(path)
    return path


def _peers(res) -> dict:
    return {(r["force"], r["measure_id"]): r for r in res.tables["peers"].to_pylist()}


def test_quirks_of_the_xlsx_editions(tmp_path):
    path = workbook(tmp_path / "t.xlsx", [
        ["K04000001", "ENGLAND AND WALES6", 1000, None, 500, 1, 200],
        ["E23000028", "Essex10", 300, None, 120, 1, 50],
        ["E23000005", "Greater Manchester8,9", "..", None, "..", "..", ".."],
        ["E23000034", "London, City of", 20, None, 5, 0, 2],
        [None, "British Transport Police", 40, None, 10, 0, 4],
    ], [
        ["E23000028", "Essex", 1820400, 753900, None, 0.164799, None, 0.0659],
        ["E23000034", "City of London11", 7700, 3700, None, "+", None, "+"],
    ])
    res = ons_pfa.import_files([path])
    res.check()
    p = _peers(res)
    essex = p[("Essex", "all_crime")]
    assert essex["period_end"] == dt.date(2019, 3, 31)
    assert (essex["numerator"], essex["population"], essex["value"]) == (300, 1820400, 0.164799)
    assert p[("Essex", "violence_with_injury")]["numerator"] == 50  # "Violence with injury4"
    assert ("Greater Manchester", "all_crime") not in p  # '..': missing, not zero
    city = p[("City of London", "all_crime")]
    assert city["numerator"] == 20 and city["value"] is None and city["population"] == 7700
    areas = {r["area"] for r in res.tables["aggregates"].to_pylist()}
    assert areas == {"ENGLAND AND WALES", "British Transport Police"}
    assert res.quarantine == []
    assert [f.read for f in res.files] == [5, 2]
    assert "4 not available" in res.files[0].detail and "2 suppressed" in res.files[1].detail


def test_bad_cells_and_unknown_forces_are_quarantined(tmp_path):
    path = workbook(tmp_path / "t.xlsx", [
        ["E23000028", "Essex", 300, None, "lots", 1, -5],
        ["E23009999", "Atlantis", 10, None, 1, 1, 1],
    ])
    res = ons_pfa.import_files([path])
    res.check()
    q = sorted((x.row, x.field, x.reason) for x in res.quarantine)
    assert q == [(7, "Violence against the person", "not a number"),
                 (7, "Violence with injury4", "negative figure"),
                 (8, "Area Code", "unknown police force area (not in the force crosswalk)")]
    assert res.files[0].read == 2 and res.files[0].mapped == 1 and res.files[0].quarantined == 1
    assert _peers(res)[("Essex", "all_crime")]["numerator"] == 300


def test_two_year_digits_and_csv_exports(tmp_path):
    xlsx = workbook(tmp_path / "t.xlsx", [["E23000028", "Essex", 300, None, 1, 1, 1]],
                    title_end="year ending June 181,2")
    csv_path = tmp_path / "p1.csv"
    csv_path.write_text(
        '"Table P1:  Police recorded crime, year ending June 2025 [note 1]",,,\n'
        "This worksheet contains one table.,,,\n"
        'Area Code,Area Name,"Total recorded crime\n (excluding fraud) \n[note 2]",Homicide\n'
        'E23000028,Essex [note 9],"144,025 ",11\n'
        'E23000030,Hampshire,[x],2\n', encoding="utf-8")
    res = ons_pfa.import_files([xlsx, csv_path])
    res.check()
    got = {(r["force"], r["measure_id"], r["period_end"]): r["numerator"]
           for r in res.tables["peers"].to_pylist()}
    assert got[("Essex", "all_crime", dt.date(2018, 6, 30))] == 300  # "June 181,2"
    assert got[("Essex", "all_crime", dt.date(2025, 6, 30))] == 144025
    assert ("Hampshire", "all_crime", dt.date(2025, 6, 30)) not in got
    assert got[("Hampshire", "homicide", dt.date(2025, 6, 30))] == 2


def test_the_same_figure_twice_with_different_values_is_refused(tmp_path):
    a = workbook(tmp_path / "a.xlsx", [["E23000028", "Essex", 300, None, 1, 1, 1]])
    b = workbook(tmp_path / "b.xlsx", [["E23000028", "Essex", 301, None, 1, 1, 1]])
    res = ons_pfa.import_files([a, b])
    res.check()
    assert len(res.quarantine) == 1 and "differs from the same figure" in res.quarantine[0].reason


def test_unreadable_files_raise_bad_input(tmp_path):
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a zip")
    with pytest.raises(BadInput, match=r"not a readable \.xlsx"):
        ons_pfa.import_files([junk])
    no_header = tmp_path / "x.csv"
    no_header.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(BadInput, match="no header row with 'Area Code'"):
        ons_pfa.import_files([no_header])
    undated = tmp_path / "y.csv"
    undated.write_text("Table P1 of something\nArea Code,Area Name,Homicide\nE23000028,Essex,1\n")
    with pytest.raises(BadInput, match="which 12 months"):
        ons_pfa.import_files([undated])
