"""Store behaviours the importers depend on, found while building them (see the report to the lead)."""

from __future__ import annotations

import datetime as dt

from crimeplan.store import Store
from tests.robustness._cases import rows, text


def test_coverage_with_a_source_that_supplied_no_months(tmp_path):
    path = tmp_path / "peers.csv"
    path.write_text(text("peers", []), encoding="utf-8")
    with Store(tmp_path / "s.duckdb") as st:
        st.load({"peers": [path]}, append=True, extract_date=dt.date(2024, 12, 31), coverage={"peers": {"x": []}})
        assert st.coverage("peers") == {}


def test_coverage_is_recorded_and_replaced(tmp_path):
    path = tmp_path / "crimes.csv"
    data = rows("crimes")
    data[2].update(recorded_date="2024-03-05", outcome_date="2024-03-06")  # rows in January and March
    path.write_text(text("crimes", data), encoding="utf-8")
    jan, mar = dt.date(2024, 1, 1), dt.date(2024, 3, 1)
    with Store(tmp_path / "s.duckdb") as st:
        st.load({"crimes": [path]}, extract_date=dt.date(2024, 12, 31),
                coverage={"crimes": {"police-uk": [jan, mar]}})
        assert st.coverage("crimes") == {"police-uk": {jan, mar}}
        st.load({"crimes": [path]}, extract_date=dt.date(2024, 12, 31),
                coverage={"crimes": {"police-uk": [mar]}})
        assert st.coverage("crimes") == {"police-uk": {mar}}
        assert st.coverage("crimes", 1) == {"police-uk": {jan, mar}}
