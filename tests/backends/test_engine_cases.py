"""The engine's hand-worked, like-for-like and missing-month cases, run on every engine.

The cases are the ones in tests/engine and tests/compare (their figures worked out by hand
there); here each runs on a DuckDB, a PostgreSQL and a Spark store, each made with `open_store`
and loaded by its own `load` from the same files, and the engine's frames on each are also
compared with DuckDB's, row by row.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml

from crimeplan.compare import compare
from crimeplan.engine import SeriesSet, compute_series
from crimeplan.plans import load_plan
from crimeplan.plans.model import Plan
from crimeplan.results import compute
from crimeplan.store import StoreLike, open_store
from tests.backends.conftest import DUCKDB, Engine, on_spark
from tests.compare import test_honest_figures as honest
from tests.conftest import AREAS, write_csv
from tests.engine import test_hand_worked as hand

HAND_CASES = [f for name, f in vars(hand).items() if name.startswith("test_")]
# the cases that read the 12 months to March 2024 only: one computation per engine serves them all
MARCH_CASES = [hand.test_twelve_months_across_a_year_boundary,
               hand.test_recording_change_makes_last_year_not_comparable,
               hand.test_solved_rate_counts_outcomes_after_the_window, hand.test_solved_outcomes_dated_in_the_window,
               hand.test_repeat_and_distinct_ids, hand.test_share_meeting_a_standard_mean_and_per_head]
OTHER_CASES = [f for f in HAND_CASES if f not in MARCH_CASES]
LIKE_FOR_LIKE_CASES = [honest.test_last_years_solved_rate_is_counted_at_the_same_age,
                       honest.test_the_like_for_like_cut_off_moves_with_the_extract_date,
                       honest.test_monthly_solved_rates_are_at_a_fixed_age_and_young_months_provisional]
GAP_CASES = [honest.test_a_month_never_supplied_is_no_zero_in_the_series,
             honest.test_a_window_over_the_missing_month_is_not_computable,
             honest.test_spc_trend_and_key_points_use_values_only,
             honest.test_spc_limits_leave_the_missing_month_out]
SERIES_MONTHS = ("2022-06", "2023-11", "2024-03", "2024-08")
REL = 1e-9


def _name(case: Callable[..., None]) -> str:
    return case.__name__.removeprefix("test_")


def same_frames(ours: pd.DataFrame, duck: pd.DataFrame, keys: list[str], what: str) -> None:
    """Equal row by row: the same keys, every number within 1e-9 relative, the rest equal."""
    a = ours.sort_values(keys, na_position="first").reset_index(drop=True)
    b = duck.sort_values(keys, na_position="first").reset_index(drop=True)
    assert list(a.columns) == list(b.columns), what
    assert len(a) == len(b), f"{what}: {len(a)} rows, DuckDB {len(b)}"
    for col in b.columns:
        x, y = a[col], b[col]
        gone = y.map(_missing).to_numpy(bool)
        agree = x.map(_missing).to_numpy(bool) == gone
        if pd.api.types.is_numeric_dtype(y) and not pd.api.types.is_bool_dtype(y):
            xs, ys = x.to_numpy("float64", na_value=np.nan), y.to_numpy("float64", na_value=np.nan)
            agree &= gone | np.isclose(xs, ys, rtol=REL, atol=0.0)
        else:
            agree &= gone | (x.astype(object).to_numpy() == y.astype(object).to_numpy())
        bad = np.flatnonzero(~agree)
        assert not len(bad), (f"{what}: {len(bad)} rows differ in {col}, first "
                              f"{a.loc[bad[0], keys].tolist()}: {x[bad[0]]!r}, DuckDB {y[bad[0]]!r}")


def _missing(x: Any) -> bool:
    return x is None or x is pd.NA or x is pd.NaT or (isinstance(x, float) and math.isnan(x))


# -- the hand-worked dataset: one store per engine and module, months cached ------------------
_SERIES: dict[tuple[str, str], SeriesSet] = {}  # (engine, month) -> the engine's series


@pytest.fixture(scope="module")
def hand_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, list[Path]], Plan]:
    """The hand-worked tables as CSV files, and the hand-worked plan."""
    root = tmp_path_factory.mktemp("hand")
    tables = {"areas": AREAS, "crimes": hand.CRIMES, "incidents": hand.INCIDENTS, "calls": hand.CALLS,
              "workforce": hand.WORKFORCE, "events": hand.EVENTS}
    files = {name: [write_csv(root / f"{name}.csv", name, rows)] for name, rows in tables.items()}
    (root / "plan.yaml").write_text(yaml.safe_dump(hand.PLAN))
    return files, load_plan(root / "plan.yaml")


@pytest.fixture(scope="module")
def hand_stores(hand_files: tuple[dict[str, list[Path]], Plan], tmp_path_factory: pytest.TempPathFactory
                ) -> Iterator[Callable[[Engine], StoreLike]]:
    """engine -> its store of the hand-worked files, loaded by its own load when first asked for."""
    made: dict[str, StoreLike] = {}

    def on(engine: Engine) -> StoreLike:
        if engine.name not in made:
            made[engine.name] = engine.load(tmp_path_factory.mktemp(f"hand-{engine.name}"), hand_files[0],
                                            extract_date=dt.date(2024, 8, 31))
        return made[engine.name]

    yield on
    for store in made.values():
        store.close()
    _SERIES.clear()


def _series(hand_stores: Callable[[Engine], StoreLike], plan: Plan, engine: Engine, month: str) -> SeriesSet:
    """The hand-worked plan's series for `month` computed on the engine's store (once)."""
    if (engine.name, month) not in _SERIES:
        _SERIES[engine.name, month] = compute_series(hand_stores(engine), plan, month)
    return _SERIES[engine.name, month]


@pytest.fixture
def series_on(hand_stores: Callable[[Engine], StoreLike], hand_files: tuple[dict[str, list[Path]], Plan],
              backend: Engine) -> Callable[[str], SeriesSet]:
    """month -> the hand-worked plan's series computed on the engine under test."""
    return lambda month: _series(hand_stores, hand_files[1], backend, month)


@pytest.fixture
def on_engine(hand_files: tuple[dict[str, list[Path]], Plan], series_on: Callable[[str], SeriesSet]
              ) -> Callable[[str], pd.DataFrame]:
    """month -> the hand-worked comparison table computed on the engine under test."""
    plan = hand_files[1]
    return lambda month: compare(series_on(month), plan, month)


@pytest.mark.parametrize("case", MARCH_CASES, ids=_name)
def test_hand_worked_march_2024(case: Callable[[Any], None], on_engine: Callable[[str], pd.DataFrame]) -> None:
    """Each hand-worked case on the 12 months to March 2024 holds on the engine."""
    case(on_engine)


@pytest.mark.parametrize("case", OTHER_CASES, ids=_name)
def test_hand_worked_other_months(case: Callable[[Any], None], on_engine: Callable[[str], pd.DataFrame]) -> None:
    """Each hand-worked case that computes other months holds on the engine."""
    case(on_engine)


@pytest.mark.parametrize(("backend", "month"), [
    # the months the hand-worked cases compute (so each engine's series are already cached)
    *[("postgres", month) for month in SERIES_MONTHS],
    *[on_spark(month) for month in SERIES_MONTHS],
], indirect=["backend"])
def test_hand_worked_series_equal_duckdbs(series_on: Callable[[str], SeriesSet], backend: Engine, month: str,
                                          hand_stores: Callable[[Engine], StoreLike],
                                          hand_files: tuple[dict[str, list[Path]], Plan]) -> None:
    """The engine's monthly series and window figures equal DuckDB's, row by row."""
    ours, duck = series_on(month), _series(hand_stores, hand_files[1], DUCKDB, month)
    assert len(duck.monthly) > 0 and len(duck.windows) > 0
    same_frames(ours.monthly, duck.monthly, ["measure_id", "district", "month"], "monthly")
    same_frames(ours.windows, duck.windows, ["measure_id", "area_level", "area", "start", "end"], "windows")
    assert ours.coverage == duck.coverage and ours.unavailable == duck.unavailable
    assert hand_stores(backend).row_count("crimes") == len(hand.CRIMES)  # its own load kept every row


# -- like for like and the missing month (tests/compare/test_honest_figures.py) -----------------
_GAP: dict[str, Any] = {}  # engine -> the gap plan's results


@pytest.fixture
def honest_on(backend: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    """The honest-figures cases' store made on the engine under test: `open_store` and its own load."""
    monkeypatch.setattr(honest, "Store", lambda path: open_store(backend.url(path.parent)))
    return backend


@pytest.mark.parametrize("case", LIKE_FOR_LIKE_CASES, ids=_name)
def test_like_for_like(case: Callable[[Path], None], honest_on: Engine, tmp_path: Path) -> None:
    """Last year counted at the same age, and months at a fixed age, on the engine."""
    case(tmp_path)


@pytest.fixture
def gap_results(honest_on: Engine, tmp_path: Path) -> Any:
    """36 months of 100 crimes, June 2023 never supplied, computed on the engine (once)."""
    if honest_on.name not in _GAP:
        supplied = [m for m in honest.MONTHS if m != honest.GAP]
        with honest._store(tmp_path, honest._counts(), dt.date(2024, 6, 30), coverage=supplied) as store:
            _GAP[honest_on.name] = compute(store, honest._plan(tmp_path, honest.COUNT_PLAN), dt.date(2024, 6, 1))
    return _GAP[honest_on.name]


@pytest.mark.parametrize("case", GAP_CASES, ids=_name)
def test_missing_month(case: Callable[[Any], None], gap_results: Any) -> None:
    """A month never supplied is no zero and breaks the windows over it, on the engine."""
    case(gap_results)
