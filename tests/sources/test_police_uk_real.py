"""The Essex street files through the police.uk importer, checked against counts made with csv alone."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from crimeplan.sources.police_uk import ASB
from tests.sources.conftest import REAL, essex_import, needs_real, raw_rows

pytestmark = needs_real
ESSEX = REAL / "police_uk_street" / "essex"
PUBLISHED_ROWS = {  # rows per month, from the real README
    "2018-01": 14786, "2018-02": 13752, "2018-03": 16014, "2018-04": 16709, "2018-05": 17618,
    "2018-06": 17473, "2018-07": 18713, "2018-10": 17791, "2018-11": 17050, "2018-12": 16587,
    "2019-01": 16428, "2019-02": 16377, "2024-01": 13148, "2024-02": 12722, "2024-03": 14092,
    "2024-04": 12875,
}
ESSEX_DISTRICTS = {"Basildon", "Braintree", "Brentwood", "Castle Point", "Chelmsford",
                   "Colchester", "Epping Forest", "Harlow", "Maldon", "Rochford",
                   "Southend-on-Sea", "Tendring", "Thurrock", "Uttlesford"}


@pytest.fixture(scope="module")
def raw() -> list[dict[str, str]]:
    return [r for p in sorted(ESSEX.glob("*-street.csv*")) for r in raw_rows(p)]


def test_every_row_is_mapped_and_files_reconcile(raw):
    res = essex_import()
    res.check()
    assert sum(f.read for f in res.files) == len(raw) == sum(PUBLISHED_ROWS.values())
    assert {f.file.split("/")[-1][:7]: f.read for f in res.files} == PUBLISHED_ROWS
    assert res.quarantine == []
    assert res.tables["crimes"].num_rows + res.tables["incidents"].num_rows == len(raw)


def test_counts_per_month_and_crime_type_equal_the_raw_csv(raw):
    res = essex_import()
    from crimeplan.sources.police_uk import ONS_GROUPS

    expected = Counter((r["Month"], ONS_GROUPS.get(r["Crime type"], r["Crime type"])) for r in raw)
    crimes = res.tables["crimes"]
    got = Counter((d.strftime("%Y-%m"), g) for d, g in zip(
        crimes.column("recorded_date").to_pylist(), crimes.column("offence_group").to_pylist()))
    inc = res.tables["incidents"]
    got.update((t.strftime("%Y-%m"), ASB) for t in inc.column("opened_at").to_pylist())
    assert got == expected
    assert len({k[1] for k in expected}) == 14


def test_asb_rows_become_incidents_at_the_first_of_the_month(raw):
    inc = essex_import().tables["incidents"]
    assert set(inc.column("category").to_pylist()) == {"asb"}
    times = inc.column("opened_at").to_pylist()
    assert all(t.day == 1 and t.hour == 0 and t.minute == 0 for t in times)
    ids = inc.column("incident_id").to_pylist()
    assert len(set(ids)) == len(ids)
    assert ids[0] == "2018-01-essex-street:" + str(
        next(i for i, r in enumerate(raw_rows(ESSEX / "2018-01-essex-street.csv.gz"), 1)
             if r["Crime type"] == ASB))


def test_districts_out_of_area_and_no_location_counts_equal_the_raw_csv(raw):
    res = essex_import()
    crimes, inc = res.tables["crimes"], res.tables["incidents"]
    districts = crimes.column("district").to_pylist() + inc.column("district").to_pylist()
    names = [" ".join(r["LSOA name"].split(" ")[:-1]) for r in raw]
    in_area = Counter(n for n in names if n in ESSEX_DISTRICTS)
    assert Counter(d for d in districts if d) == in_area
    no_location = sum(1 for r in raw if not r["LSOA name"])
    assert sum(1 for r in raw if r["Location"] == "No Location") == no_location
    out_of_area = sum(1 for n, r in zip(names, raw) if r["LSOA name"] and n not in ESSEX_DISTRICTS)
    assert out_of_area == 600 and no_location == 1981
    assert f"outside the force's districts: {out_of_area} rows" in " ".join(res.notes)
    assert f"No Location: {no_location} rows" in " ".join(res.notes)
    assert sum(1 for d in districts if d is None) == out_of_area + no_location


def test_areas_are_the_fourteen_essex_districts():
    areas = essex_import().tables["areas"]
    assert set(areas.column("district").to_pylist()) == ESSEX_DISTRICTS
    assert set(areas.column("force").to_pylist()) == {"Essex"}
    assert areas.column("lpa").to_pylist() == areas.column("district").to_pylist()  # CSP = LAD


def test_outcomes_follow_the_documented_mapping(raw):
    from crimeplan.sources.police_uk import OUTCOME_TYPES

    crimes = essex_import().tables["crimes"]
    expected = Counter(OUTCOME_TYPES[r["Last outcome category"]] for r in raw
                       if r["Crime type"] != ASB)
    assert Counter(crimes.column("outcome_type").to_pylist()) == expected
    assert set(crimes.column("outcome_date").to_pylist()) == {None}


def test_coverage_has_the_two_month_hole():
    cov = essex_import().coverage["crimes"]["police-uk"]
    assert dt.date(2018, 7, 1) in cov and dt.date(2018, 10, 1) in cov
    assert dt.date(2018, 8, 1) not in cov and dt.date(2018, 9, 1) not in cov
    assert len(cov) == 16
