"""STATS19 collision + casualty files (DfT open data layout) → casualties; code lists vs the guide."""

from __future__ import annotations

import csv
import datetime as dt
from importlib import resources

import pytest

from crimeplan.errors import BadInput
from crimeplan.sources import stats19
from tests.sources.conftest import REAL

GUIDE = REAL / "stats19" / "dft-road-casualty-statistics-road-safety-open-dataset-data-guide-2024.xlsx"
# column order of the DfT open data files, as the 2024 data guide lists the fields
COLLISION = ["collision_index", "collision_year", "collision_ref_no", "location_easting_osgr",
             "location_northing_osgr", "longitude", "latitude", "police_force",
             "collision_severity", "number_of_vehicles", "number_of_casualties", "date",
             "day_of_week", "time", "local_authority_district", "local_authority_ons_district",
             "local_authority_highway", "first_road_class", "first_road_number", "road_type",
             "speed_limit", "junction_detail", "junction_control", "second_road_class",
             "second_road_number", "pedestrian_crossing", "light_conditions", "weather_conditions",
             "road_surface_conditions", "special_conditions_at_site", "carriageway_hazards",
             "urban_or_rural_area", "did_police_officer_attend_scene_of_collision",
             "trunk_road_flag", "lsoa_of_collision_location", "enhanced_severity_collision",
             "collision_injury_based", "collision_adjusted_severity_serious",
             "collision_adjusted_severity_slight"]
CASUALTY = ["collision_index", "collision_year", "collision_ref_no", "vehicle_reference",
            "casualty_reference", "casualty_class", "sex_of_casualty", "age_of_casualty",
            "age_band_of_casualty", "casualty_severity", "pedestrian_location",
            "pedestrian_movement", "car_passenger", "bus_or_coach_passenger",
            "pedestrian_road_maintenance_worker", "casualty_type", "casualty_imd_decile",
            "lsoa_of_casualty", "enhanced_casualty_severity", "casualty_injury_based",
            "casualty_adjusted_severity_serious", "casualty_adjusted_severity_slight",
            "casualty_distance_banding"]


def collision(index: str, force: str, date: str, la: str = "E07000066") -> dict[str, str]:
    return {"collision_index": index, "collision_year": index[:4], "collision_ref_no": index[4:],
            "police_force": force, "collision_severity": "3", "date": date, "time": "08:15",
            "local_authority_ons_district": la, "longitude": "0.47", "latitude": "51.57"}


def casualty(index: str, veh: str, ref: str, cls: str, sev: str, ctype: str, age: str) -> dict[str, str]:
    return {"collision_index": index, "collision_year": index[:4], "collision_ref_no": index[4:],
            "vehicle_reference": veh, "casualty_reference": ref, "casualty_class": cls,
            "age_of_casualty": age, "casualty_severity": sev, "casualty_type": ctype}


def write(path, header, rows):
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, header, restval="-1", lineterminator="\r\n")
        w.writeheader()
        w.writerows(rows)
    return path


@pytest.fixture
def files(tmp_path):
    col = write(tmp_path / "dft-road-casualty-statistics-collision-2023.csv", COLLISION, [
        collision("2023420000001", "42", "03/02/2023"),
        collision("202342A890523", "42", "31/12/2023", la="E06000033"),
        collision("2023460000009", "46", "05/05/2023", la="E07000105"),
        collision("2023420000002", "42", "30/02/2023"),
        collision("2023420000003", "42", "01/03/2023", la="E07000105"),  # outside Essex
    ])
    cas = write(tmp_path / "dft-road-casualty-statistics-casualty-2023.csv", CASUALTY, [
        casualty("2023420000001", "1", "1", "1", "3", "9", "34"),
        casualty("2023420000001", "1", "2", "2", "2", "9", "-1"),
        casualty("2023420000001", "2", "3", "3", "1", "0", "71"),
        casualty("202342A890523", "1", "1", "1", "2", "5", "19"),
        casualty("2023460000009", "1", "1", "1", "3", "1", "40"),
        casualty("2023420000002", "1", "1", "1", "3", "9", "40"),
        casualty("2023420000003", "1", "1", "1", "3", "1", "22"),
        casualty("2023420000001", "1", "1", "1", "3", "9", "34"),
        casualty("2023420000003", "1", "2", "2", "9", "9", "22"),
    ])
    return col, cas


def test_casualties_decoded_joined_and_filtered(files):
    col, cas = files
    res = stats19.import_files([col, cas], force="Essex")
    res.check()
    rows = res.tables["casualties"].to_pylist()
    got = [(r["casualty_id"], r["collision_date"], r["severity"], r["road_user"], r["age"], r["district"])
           for r in rows]
    assert got == [
        ("2023420000001-1-1", dt.date(2023, 2, 3), "slight", "car_driver", 34, "Basildon"),
        ("2023420000001-1-2", dt.date(2023, 2, 3), "serious", "car_passenger", None, "Basildon"),
        ("2023420000001-2-3", dt.date(2023, 2, 3), "fatal", "pedestrian", 71, "Basildon"),
        ("202342A890523-1-1", dt.date(2023, 12, 31), "serious", "motorcyclist", 19, "Southend-on-Sea"),
        ("2023420000003-1-1", dt.date(2023, 3, 1), "slight", "cyclist", 22, None),
    ]
    assert all(r["drink_driver"] is None and r["drug_driver"] is None for r in rows)
    colc, casc = res.files
    assert (colc.read, colc.mapped, colc.quarantined, colc.out_of_scope) == (5, 3, 1, 1)
    assert (casc.read, casc.mapped, casc.quarantined, casc.out_of_scope) == (9, 5, 3, 1)
    reasons = sorted((q.file.split("-")[-2], q.row, q.field) for q in res.quarantine)
    assert reasons == [("casualty", 6, "collision_index"), ("casualty", 8, "casualty_reference"),
                       ("casualty", 9, "casualty_severity"), ("collision", 4, "date")]
    assert res.coverage["casualties"]["stats19"][0] == dt.date(2023, 1, 1)
    assert len(res.coverage["casualties"]["stats19"]) == 12


def test_without_a_force_every_collision_is_kept(files):
    res = stats19.import_files(list(files), force=None)
    res.check()
    kent = [r for r in res.tables["casualties"].to_pylist() if r["collision_id"] == "2023460000009"]
    assert kent[0]["district"] == "Ashford"  # E07000105 in the code list


def test_both_file_kinds_are_needed(files):
    with pytest.raises(BadInput, match="both a collision file and a casualty file"):
        stats19.import_files([files[0]], force="Essex")


def test_road_user_mapping():
    assert stats19.road_user("0", "3") == "pedestrian"
    assert stats19.road_user("1", "1") == "cyclist"
    assert stats19.road_user("23", "1") == "motorcyclist"
    assert stats19.road_user("8", "1") == "car_driver" and stats19.road_user("9", "2") == "car_passenger"
    assert stats19.road_user("11", "2") == "other"


@pytest.mark.skipif(not GUIDE.exists(), reason="the DfT data guide is not present")
def test_shipped_code_lists_match_the_dft_guide():
    import openpyxl

    wb = openpyxl.load_workbook(GUIDE, read_only=True, data_only=True)
    guide = {(str(r[0]), str(r[1]), str(r[2]).strip()): str(r[3]).strip()
             for r in wb["2024_code_list"].iter_rows(values_only=True) if r[2] is not None}
    wb.close()
    text = resources.files("crimeplan.sources").joinpath("data").joinpath("stats19_codes.csv") \
        .read_text(encoding="utf-8")
    shipped = list(csv.DictReader(text.splitlines()))
    assert len(shipped) > 500
    for r in shipped:
        assert guide[(r["table"], r["field"], r["code"])] == r["label"]
    fields = {(r["table"], r["field"]) for r in shipped}
    for f in fields:  # every code of each shipped list is shipped
        assert {k for k in guide if k[:2] == f} == {(r["table"], r["field"], r["code"])
                                                    for r in shipped if (r["table"], r["field"]) == f}
    assert stats19.code_lists()[("collision", "police_force")]["42"] == "Essex"
