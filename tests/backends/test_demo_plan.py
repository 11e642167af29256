"""The whole demo plan (plans/monthly-performance.yaml) on the synthetic force, on every engine.

Its results, computed with the snapshot tables on PostgreSQL or Spark, equal DuckDB's row by
row (1e-9 relative): the series export, the comparison table and the monthly series.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from crimeplan.contract.schema import TABLES
from crimeplan.plans import load_plan
from crimeplan.results import Results, compute, series_table
from crimeplan.store import Store
from crimeplan.synth import generate
from tests.backends.conftest import SPARK, Engine
from tests.backends.test_engine_cases import same_frames

TO = dt.date(2025, 6, 1)
PLAN = Path(__file__).parents[2] / "plans" / "monthly-performance.yaml"


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """The synthetic force, two years to June 2025 at 2% scale, in one DuckDB snapshot."""
    root = tmp_path_factory.mktemp("demo")
    data = generate(root / "data", seed=5, to_month="2025-06", years=2, scale=0.02)
    with Store(root / "s.duckdb") as store:
        store.load({t: [data[t]] for t in TABLES if t in data}, extract_date=dt.date(2025, 6, 30))
        yield store


@pytest.fixture(scope="module")
def on_duckdb(demo_store: Store) -> Results:
    """The demo plan computed on DuckDB: what every engine must give."""
    return compute(demo_store, load_plan(PLAN), TO)


@pytest.mark.parametrize("backend", ["postgres", SPARK], indirect=True)  # DuckDB is the reference
def test_demo_plan_equals_duckdbs(demo_store: Store, on_duckdb: Results, backend: Engine) -> None:
    """Every figure of the demo plan on the engine equals DuckDB's."""
    ours = compute(backend.on(demo_store), load_plan(PLAN), TO)
    assert ours.series is not None and on_duckdb.series is not None
    same_frames(ours.series.monthly, on_duckdb.series.monthly, ["measure_id", "district", "month"], "engine monthly")
    # the series export (`crimeplan export series`), as its file would hold it
    export, duck_export = series_table(ours.monthly).to_pandas(), series_table(on_duckdb.monthly).to_pandas()
    assert len(duck_export) > 1000 and duck_export.value.notna().sum() > 1000  # measures × areas × 24 months
    same_frames(export, duck_export, ["measure_id", "area_level", "area", "month"], "series export")
    assert len(on_duckdb.table) > 100 and on_duckdb.table.current_value.notna().sum() > 100
    same_frames(ours.table, on_duckdb.table, ["measure_id", "window", "area_level", "area"], "comparison table")
