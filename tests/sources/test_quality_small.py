"""The quarantine share rule on hand-made police.uk files: what counts as a month's loss."""

from __future__ import annotations

import datetime as dt

import pytest

from crimeplan.errors import BadInput
from crimeplan.sources import run_import
from crimeplan.store import Store
from tests.sources.conftest import OUTCOMES_HEADER, street_row, write_street


def _outcome(cid: str, month: str, outcome: str) -> str:
    return ",".join([cid, month, "Essex Police", "Essex Police", "", "", "No location", "", "", outcome])


def test_outcomes_of_other_months_crimes_are_not_a_months_loss(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    write_street(raw / "2024-03-essex-street.csv", [street_row(f"m{i}", month="2024-03") for i in range(20)])
    # 1 outcome for a March crime, 9 for crimes of earlier months (not in these files) and
    # 1 superseded: quarantined, but none of them is a March row lost
    outcomes = [_outcome("m0", "2024-03", "Local resolution")]
    outcomes += [_outcome(f"old{i}", "2024-03", "Suspect charged") for i in range(9)]
    outcomes += [_outcome("m0", "2024-02", "Under investigation")]
    (raw / "2024-03-essex-outcomes.csv").write_text("\n".join([OUTCOMES_HEADER, *outcomes]) + "\n")
    store = tmp_path / "s.duckdb"
    lines = run_import("police-uk", [raw], store, force="Essex", options={})
    expected = "outcomes.csv: 11 rows read = 1 mapped + 10 quarantined (outcome rows)"
    assert any(x.endswith(expected) for x in lines), lines
    with Store(store, read_only=True) as st:
        assert st.arrow("crimes").num_rows == 20
        assert st.coverage("crimes") == {"police-uk": {dt.date(2024, 3, 1)}}


def test_an_outcome_before_its_crime_is_a_loss_of_the_whole_load(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    write_street(raw / "2024-03-essex-street.csv", [street_row(f"m{i}", month="2024-03") for i in range(20)])
    # 2 outcomes dated before their crime: 2 bad rows of 20 + 2 read = 9.1% of the whole load
    outcomes = [_outcome(f"m{i}", "2024-01", "Local resolution") for i in range(2)]
    (raw / "2024-03-essex-outcomes.csv").write_text("\n".join([OUTCOMES_HEADER, *outcomes]) + "\n")
    with pytest.raises(BadInput, match=r"the whole load: 9\.1% \(2\) of its 22 rows") as err:
        run_import("police-uk", [raw], tmp_path / "s.duckdb", force="Essex", options={})
    assert "outcomes.csv" in str(err.value) and "outcome month before the crime's month" in str(err.value)


def test_a_file_of_no_one_month_counts_its_rows_by_their_own_month(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    # a street file whose name gives no month: 20 March rows and 20 April rows, one bad type
    rows = [street_row(f"m{i}", month="2024-03") for i in range(19)]
    rows += [street_row("bad", month="2024-03", ctype="Not a crime type")]
    rows += [street_row(f"a{i}", month="2024-04") for i in range(20)]
    write_street(raw / "essex-street.csv", rows)
    # the rule counts the 39 kept rows in their months and the bad one against the whole load:
    # 1 of 40 rows (2.5%) is within the 5% allowed; were the kept rows not counted, 1 of 1 lost
    lines = run_import("police-uk", [raw], tmp_path / "s.duckdb", force="Essex", options={})
    assert any(x.endswith("essex-street.csv: 40 rows read = 39 mapped + 1 quarantined (39 crimes + 0 ASB "
                          "incidents; 0 outside the force's districts, 0 with no location)") for x in lines), lines
    with Store(tmp_path / "s.duckdb", read_only=True) as st:
        assert st.arrow("crimes").num_rows == 39
