"""Honest figures on real data.police.uk files: a month lost to quarantine stops the import,
Kent's half-size December 2018 raises an alarm, and victim-based crime leaves out the crimes
against society.  Contains public sector information licensed under the Open Government
Licence v3.0."""

from __future__ import annotations

import datetime as dt
import gzip
import shutil

import pytest

from crimeplan.store import Store
from tests.cli_helpers import run_cli
from tests.sources.conftest import REAL, needs_real

STREET = REAL / "police_uk_street"
pytestmark = needs_real


def _excel_months(src, dst):
    """The file as Excel saves it: Month `2018-03` becomes `Mar-18`."""
    with gzip.open(src, "rt", encoding="utf-8", newline="") as f:
        text = f.read()
    dst.write_text(text.replace(",2018-03,", ",Mar-18,"), encoding="utf-8", newline="")
    return dst


def test_a_street_file_with_excel_months_is_refused_whole(tmp_path, capsys):
    store = tmp_path / "essex.duckdb"
    raw = tmp_path / "raw"
    raw.mkdir()
    for m in ("01", "02"):
        shutil.copy(STREET / "essex" / f"2018-{m}-essex-street.csv.gz", raw)
    assert run_cli(capsys, "import", "police-uk", str(raw), "--store", str(store),
                   "--force", "Essex").code == 0
    march = _excel_months(STREET / "essex" / "2018-03-essex-street.csv.gz",
                          tmp_path / "2018-03-essex-street.csv")
    run = run_cli(capsys, "import", "police-uk", str(march), "--store", str(store), "--force",
                  "Essex", "--option", "mode=append")
    assert run.code == 2 and "Traceback" not in run.err and run.err.count("\n") == 1
    assert f"file {march}" in run.err
    assert "month 2018-03: all of its 16,014 rows would go to quarantine" in run.err
    assert "field 'Month': not a month YYYY-MM (16,014 rows; first row 1, value 'Mar-18')" in run.err
    with Store(store, read_only=True) as st:  # nothing committed
        assert st.latest_snapshot() == 1
        assert st.coverage("crimes") == {"police-uk": {dt.date(2018, 1, 1), dt.date(2018, 2, 1)}}
    assert not list((tmp_path / "staging").glob("import-police-uk-2"))
    # accepted anyway: still no row to load, so still nothing changes (issue 11: no empty loads)
    forced = run_cli(capsys, "import", "police-uk", str(march), "--store", str(store), "--force",
                     "Essex", "--option", "mode=append", "--accept-quarantine")
    assert forced.code == 2 and "no row to load" in forced.err, forced.err
    with Store(store, read_only=True) as st:
        assert st.latest_snapshot() == 1
        assert st.coverage("crimes") == {"police-uk": {dt.date(2018, 1, 1), dt.date(2018, 2, 1)}}
        assert st.last_complete_month("crimes") == dt.date(2018, 2, 1)


@pytest.fixture(scope="module")
def kent(tmp_path_factory):
    from crimeplan.sources import run_import

    store = tmp_path_factory.mktemp("kent") / "kent.duckdb"
    run_import("police-uk", [STREET / "peers"], store, force="Kent", options={})
    return store


def test_kent_december_2018_raises_an_alarm(kent):
    with Store(kent, read_only=True) as st:
        alarms = st.alarms()
        source = [a for a in alarms if a.level == "source"]
        # the only table-level alarm: crimes in December 2018, 6,131 against about 15,600
        assert [(a.table, a.month) for a in source] == [("crimes", dt.date(2018, 12, 1))]
        dec = source[0]
        assert dec.observed == 6131 and 9_000 < dec.expected_low < 10_000 and 15_000 < dec.expected < 16_000
        assert "61% below" in dec.message
        # its districts and offence groups say the same: every Kent district alarms that month
        districts = {a.key for a in alarms if a.level == "district" and a.table == "crimes"
                     and a.month == dt.date(2018, 12, 1)}
        assert len(districts) >= 10
        assert st.carried_columns("crimes") == {"crime_id", "recorded_date", "offence_group",
                                                "district", "outcome_type"}
        assert st.last_complete_month("crimes") == dt.date(2024, 4, 1)


def test_kent_december_is_listed_by_check_and_accepted(kent, tmp_path, capsys):
    store = tmp_path / "kent.duckdb"
    shutil.copy(kent, store)
    out = run_cli(capsys, "check", "--store", str(store)).out
    assert "police-uk: months supplied 2018-10..2019-02, 2024-01..2024-04; gaps 2019-03..2023-12" in out
    assert "crimes 2018-12: 6,131, 61% below" in out
    run = run_cli(capsys, "accept", "police-uk", "2018-12", "--store", str(store),
                  "--reason", "publication dip: the file is complete")
    assert run.code == 0 and "crimes 2018-12: 6,131" in run.out
    with Store(store, read_only=True) as st:
        assert all(a.accepted for a in st.alarms() if a.month == dt.date(2018, 12, 1))


def test_essex_february_2019_victim_based_leaves_out_crimes_against_society(tmp_path):
    from crimeplan.engine.derived import prepare
    from crimeplan.sources import run_import

    feb = STREET / "essex" / "2019-02-essex-street.csv.gz"
    counts = {}
    for option in ("society", "victim-based"):
        store = tmp_path / f"{option}.duckdb"
        run_import("police-uk", [feb], store, force="Essex", options={"other_crime": option})
        with Store(store, read_only=True) as st:
            t = prepare("crimes", st.ibis().table(st.physical_tables()["crimes"]))
            counts[option] = (t.count().execute(), t.filter(t.victim_based).count().execute())
    # 13,108 crimes; without Drugs 380, Possession of weapons 144, Public order 1,065: 11,519;
    # without Other crime 318 too (miscellaneous crimes against society, the default): 11,201
    assert counts == {"society": (13_108, 11_201), "victim-based": (13_108, 11_519)}
