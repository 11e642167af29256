"""The police.uk importer on small files written in the exact data.police.uk layout."""

from __future__ import annotations

import datetime as dt
import gzip

import pytest

from crimeplan.errors import BadInput
from crimeplan.sources import police_uk
from crimeplan.sources.police_uk import OUTCOME_TYPES, SOLVED
from tests.sources.conftest import OUTCOMES_HEADER, street_row, write_street

# every Last outcome category the real README lists for the 2018-19 and 2024 files
README_OUTCOMES = [
    "Action to be taken by another organisation", "Awaiting court outcome",
    "Court case unable to proceed", "Court result unavailable", "Defendant found not guilty",
    "Defendant sent to Crown Court", "Formal action is not in the public interest",
    "Further action is not in the public interest",
    "Further investigation is not in the public interest",
    "Investigation complete; no suspect identified", "Local resolution",
    "Offender deprived of property", "Offender fined", "Offender given a caution",
    "Offender given a drugs possession warning", "Offender given absolute discharge",
    "Offender given community sentence", "Offender given conditional discharge",
    "Offender given penalty notice", "Offender given suspended prison sentence",
    "Offender ordered to pay compensation", "Offender otherwise dealt with",
    "Offender sent to prison", "Status update unavailable",
    "Suspect charged as part of another case", "Unable to prosecute suspect",
    "Under investigation",
]


def _three(tmp_path, **kw):
    rows = [street_row("a1"), street_row("", ctype="Anti-social behaviour", outcome=""),
            street_row("a2", lsoa="", location="No Location")]
    return write_street(tmp_path / "2024-01-essex-street.csv", rows, **kw)


@pytest.mark.parametrize("crlf, gz", [(False, False), (True, False), (False, True), (True, True)])
def test_crlf_lf_and_gzip_read_the_same(tmp_path, crlf, gz):
    path = _three(tmp_path, crlf=crlf, gz=gz)
    res = police_uk.import_files([path], force="Essex")
    res.check()
    assert res.tables["crimes"].column("crime_id").to_pylist() == ["a1", "a2"]
    assert res.tables["crimes"].column("district").to_pylist() == ["Basildon", None]
    assert res.tables["incidents"].column("incident_id").to_pylist() == ["2024-01-essex-street:2"]
    assert res.tables["crimes"].column("recorded_date").to_pylist() == [dt.date(2024, 1, 1)] * 2


def test_every_real_outcome_category_is_mapped_and_solved_ones_are_positive():
    assert set(README_OUTCOMES) <= set(OUTCOME_TYPES)
    solved = {k for k, v in OUTCOME_TYPES.items() if v in SOLVED}
    assert "Local resolution" in solved and "Offender given a caution" in solved
    assert OUTCOME_TYPES["Local resolution"] == 8
    assert OUTCOME_TYPES["Offender given penalty notice"] == 6
    assert OUTCOME_TYPES["Offender given a drugs possession warning"] == 7
    assert OUTCOME_TYPES["Investigation complete; no suspect identified"] == 18
    assert OUTCOME_TYPES["Under investigation"] is None
    assert OUTCOME_TYPES["Status update unavailable"] is None
    assert not {k for k, v in OUTCOME_TYPES.items() if v in (10, 16, 18, 20, 21, 22)} & solved
    assert {1, 2, 3, 4, 6, 7, 8} == SOLVED  # CONTRACT.md §4


def test_the_folder_may_hold_other_forces_and_the_force_may_be_inferred(tmp_path):
    write_street(tmp_path / "2024-01-essex-street.csv", [street_row("a1")])
    write_street(tmp_path / "2024-01-kent-street.csv",
                 [street_row("k1", force="Kent Police", lsoa="Dartford 001A")])
    res = police_uk.import_files([tmp_path], force="Essex Police")
    assert res.tables["crimes"].column("crime_id").to_pylist() == ["a1"]
    assert any("skipped 1 file" in n for n in res.notes)
    with pytest.raises(BadInput, match="--force"):
        police_uk.import_files([tmp_path], force=None)
    only_kent = police_uk.import_files([tmp_path / "2024-01-kent-street.csv"], force=None)
    assert only_kent.tables["areas"].column("force").to_pylist()[0] == "Kent"


def test_rows_of_another_force_in_a_file_are_quarantined(tmp_path):
    p = write_street(tmp_path / "2024-01-essex-street.csv",
                     [street_row("a1"), street_row("k1", force="Kent Police")])
    res = police_uk.import_files([p], force="Essex")
    res.check()
    assert [(q.row, q.field) for q in res.quarantine] == [(2, "Falls within")]


@pytest.mark.parametrize("row, field, reason", [
    (street_row("x", month="2024-13"), "Month", "not a month"),
    (street_row("x", month="2024-02"), "Month", "the file is for 2024-01"),
    (street_row("x", ctype="Jaywalking"), "Crime type", "not a police.uk crime type"),
    (street_row("a1"), "Crime ID", "duplicate id"),
    (street_row("x")[:-30], "*", "expected 12 fields"),
])
def test_bad_rows_are_quarantined_with_file_row_and_field(tmp_path, row, field, reason):
    p = write_street(tmp_path / "2024-01-essex-street.csv", [street_row("a1"), row])
    res = police_uk.import_files([p], force="Essex")
    res.check()
    assert len(res.quarantine) == 1
    q = res.quarantine[0]
    assert (q.file, q.row, q.field) == (str(p), 2, field) and reason in q.reason
    assert res.files[0].read == 2 and res.files[0].mapped == 1


def test_a_crime_without_a_crime_id_is_kept_under_its_file_and_row(tmp_path):
    # British Transport Police publish no Crime ID at all; Dorset (2024-01) leaves 607 out
    p = write_street(tmp_path / "2024-01-essex-street.csv", [street_row("a1"), street_row("")])
    res = police_uk.import_files([p], force="Essex")
    res.check()
    assert res.quarantine == []
    assert res.tables["crimes"].column("crime_id").to_pylist() == ["a1", "2024-01-essex-street:2"]
    assert "1 crimes with no Crime ID given <file>:<row>" in res.files[0].line()


def test_a_snake_case_header_is_accepted(tmp_path):
    p = tmp_path / "2024-01-essex-street.csv"
    header = ("crime_id,month,reported_by,falls_within,longitude,latitude,location,lsoa_code,lsoa_name,crime_type,"
              "last_outcome_category,context")
    p.write_text(header + "\n" + street_row("a1") + "\n", encoding="utf-8")
    assert police_uk.import_files([p], force="Essex").tables["crimes"].num_rows == 1


def test_an_empty_month_is_covered_with_no_rows(tmp_path):
    p = write_street(tmp_path / "2024-02-essex-street.csv", [])
    res = police_uk.import_files([write_street(tmp_path / "2024-01-essex-street.csv",
                                               [street_row("a1")]), p], force="Essex")
    assert res.coverage["crimes"]["police-uk"] == [dt.date(2024, 1, 1), dt.date(2024, 2, 1)]


def test_outcomes_files_date_outcomes_and_keep_the_latest(tmp_path):
    street = write_street(tmp_path / "2024-01-essex-street.csv",
                          [street_row("a1"), street_row("a2"), street_row("a3", outcome="Local resolution")])
    lines = [OUTCOMES_HEADER,
             "a1,2024-02,Essex Police,Essex Police,,,No location,,,Unable to prosecute suspect",
             "a1,2024-03,Essex Police,Essex Police,,,No location,,,Suspect charged",
             "a1,2024-03,Essex Police,Essex Police,,,No location,,,Suspect charged",
             "a2,2023-12,Essex Police,Essex Police,,,No location,,,Local resolution",
             "zz,2024-02,Essex Police,Essex Police,,,No location,,,Local resolution",
             "a3,2024-02,Essex Police,Essex Police,,,No location,,,Teleported"]
    out = tmp_path / "2024-03-essex-outcomes.csv.gz"
    out.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))
    res = police_uk.import_files([street, out], force="Essex")
    res.check()
    c = res.tables["crimes"]
    assert c.column("outcome_type").to_pylist() == [1, None, 8]
    assert c.column("outcome_date").to_pylist() == [dt.date(2024, 3, 1), None, None]
    reasons = sorted((q.row, q.reason.split(" (")[0].split(" the outcome")[0]) for q in res.quarantine)
    assert reasons == [(1, "superseded by"), (2, "duplicate of"),
                       (4, "outcome month before the crime's month 2024-01"),
                       (5, "crime not in the street files imported"),
                       (6, "not a known police.uk outcome")]
    outcomes_count = res.files[1]
    assert (outcomes_count.read, outcomes_count.mapped, outcomes_count.quarantined) == (6, 1, 5)


def test_file_faults_raise_bad_input(tmp_path):
    empty = tmp_path / "2024-01-essex-street.csv"
    empty.write_bytes(b"")
    with pytest.raises(BadInput, match="empty"):
        police_uk.import_files([empty], force="Essex")
    (tmp_path / "sub").mkdir()
    with pytest.raises(BadInput, match=r"no police\.uk files"):
        police_uk.import_files([tmp_path / "sub"], force="Essex")
    with pytest.raises(BadInput, match="unknown police force"):
        police_uk.import_files([empty], force="Atlantis")
