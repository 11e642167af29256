"""The whole demo plan (plans/monthly-performance.yaml) on the synthetic force, on every engine.

The same generated files are loaded into a DuckDB, a PostgreSQL and a Spark store (`open_store`
and each store's own `load`); the plan computed on each equals DuckDB's row by row (1e-9
relative): the series export, the comparison table and the monthly series.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from crimeplan.contract.schema import TABLES
from crimeplan.plans import load_plan
from crimeplan.results import Results, compute, series_table
from crimeplan.synth import generate
from tests.backends.conftest import DUCKDB, SPARK, Engine
from tests.backends.test_engine_cases import same_frames

TO = dt.date(2025, 6, 1)
EXTRACT = dt.date(2025, 6, 30)
PLAN = Path(__file__).parents[2] / "plans" / "monthly-performance.yaml"


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Path]]:
    """The synthetic force, two years to June 2025 at 2% scale: the files `crimeplan load` reads."""
    data = generate(tmp_path_factory.mktemp("demo") / "data", seed=5, to_month="2025-06", years=2, scale=0.02)
    return {t: [data[t]] for t in TABLES if t in data}


@pytest.fixture(scope="module")
def on_duckdb(demo_files: dict[str, list[Path]], tmp_path_factory: pytest.TempPathFactory
              ) -> tuple[Results, dict[str, int]]:
    """The demo plan computed on a DuckDB store (what every engine must give), and its row counts."""
    with DUCKDB.load(tmp_path_factory.mktemp("demo-duckdb"), demo_files, extract_date=EXTRACT) as store:
        return compute(store, load_plan(PLAN), TO), {t: store.row_count(t) for t in demo_files}


@pytest.mark.parametrize("backend", ["postgres", SPARK], indirect=True)  # DuckDB is the reference
def test_demo_plan_equals_duckdbs(demo_files: dict[str, list[Path]], on_duckdb: tuple[Results, dict[str, int]],
                                  backend: Engine, tmp_path: Path) -> None:
    """The engine's store, loaded from the same files, holds the same rows and gives every figure
    of the demo plan as DuckDB's does."""
    duck, duck_rows = on_duckdb
    with backend.load(tmp_path, demo_files, extract_date=EXTRACT) as store:
        assert {t: store.row_count(t) for t in demo_files} == duck_rows
        ours = compute(store, load_plan(PLAN), TO)
    assert duck_rows["crimes"] > 4000
    assert ours.series is not None and duck.series is not None
    same_frames(ours.series.monthly, duck.series.monthly, ["measure_id", "district", "month"], "engine monthly")
    # the series export (`crimeplan export series`), as its file would hold it
    export, duck_export = series_table(ours.monthly).to_pandas(), series_table(duck.monthly).to_pandas()
    assert len(duck_export) > 1000 and duck_export.value.notna().sum() > 1000  # measures × areas × 24 months
    same_frames(export, duck_export, ["measure_id", "area_level", "area", "month"], "series export")
    assert len(duck.table) > 100 and duck.table.current_value.notna().sum() > 100
    same_frames(ours.table, duck.table, ["measure_id", "window", "area_level", "area"], "comparison table")
