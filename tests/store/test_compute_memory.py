"""CRIMEPLAN_MEMORY_LIMIT holds a store's every query, computes included, not only its loads."""

from __future__ import annotations

from pathlib import Path

import pytest

from crimeplan.store import open_store


def _limit_mib(store: object) -> float:
    """The connection's memory_limit as DuckDB reports it, in MiB."""
    text = store.con.execute("SELECT current_setting('memory_limit')").fetchone()[0]  # type: ignore[attr-defined]
    number, unit = text.split()
    assert unit == "MiB", text
    return float(number)


def test_a_read_only_store_and_a_loaded_one_keep_the_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With the limit at 300MB, a store opened to compute and a store after a load both report 300 MiB."""
    monkeypatch.setenv("CRIMEPLAN_MEMORY_LIMIT", "300MB")
    areas = tmp_path / "areas.csv"
    areas.write_text("district,lpa,force,population\nA,North,Shire,1000\n", encoding="utf-8")
    path = tmp_path / "s.duckdb"
    with open_store(path) as st:
        st.load({"areas": [areas]})
        assert _limit_mib(st) == 300.0  # a load's staging ceiling is lifted back to the limit, not reset
    with open_store(path, read_only=True) as st:
        assert _limit_mib(st) == 300.0
