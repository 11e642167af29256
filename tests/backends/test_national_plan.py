"""The national plan (plans/national.yaml) on a small national dataset, on every engine.

Every force's figures and MSG columns, computed with the snapshot tables on PostgreSQL or
Spark, equal DuckDB's row by row (1e-9 relative); docs/scaling.md has the same check at ten
million rows (benchmarks/national.py).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from crimeplan.plans import load_plan
from crimeplan.results import Results, compute
from crimeplan.store import Store
from crimeplan.synth.national import generate_national
from tests.backends.conftest import SPARK, Engine
from tests.backends.test_engine_cases import same_frames

TO = dt.date(2026, 9, 1)
PLAN = Path(__file__).parents[2] / "plans" / "national.yaml"


EXTRACT = dt.date(2026, 9, 30)


@pytest.fixture(scope="module")
def national_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Path]]:
    """Eight forces, two years to September 2026 at 2% scale: each table's files."""
    root = tmp_path_factory.mktemp("national")
    data = generate_national(root / "data", forces=8, seed=7, years=2, scale=0.02)
    return {t: sorted(p.iterdir()) if p.is_dir() else [p] for t, p in data.items()}


@pytest.fixture(scope="module")
def on_duckdb(national_files: dict[str, list[Path]], tmp_path_factory: pytest.TempPathFactory) -> Results:
    """The national plan computed on DuckDB: what every engine must give."""
    with Store(tmp_path_factory.mktemp("duck") / "s.duckdb") as store:
        store.load(national_files, extract_date=EXTRACT)
        return compute(store, load_plan(PLAN), TO)


@pytest.mark.parametrize("backend", ["postgres", SPARK], indirect=True)  # DuckDB is the reference
def test_national_plan_equals_duckdbs(national_files: dict[str, list[Path]], on_duckdb: Results,
                                      backend: Engine, tmp_path: Path) -> None:
    """Every force's figures and MSG positions, loaded into and computed on the engine's own store,
    equal DuckDB's."""
    with backend.load(tmp_path, national_files, extract_date=EXTRACT) as store:
        ours = compute(store, load_plan(PLAN), TO)
    forces = on_duckdb.table[on_duckdb.table.area_level == "force"]
    assert forces.area.nunique() == 8 and forces.msg_position.notna().sum() == 8 * 3  # three ranked measures
    same_frames(ours.table, on_duckdb.table, ["measure_id", "window", "area_level", "area"], "national table")
