"""The national plan through the normal commands: every force's figures and MSG position, checked
against plain pandas over the same Parquet files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from tests.cli_helpers import run_cli

PLAN = Path(__file__).parents[2] / "plans" / "national.yaml"
TO = "2026-09"
CURRENT = (dt.date(2025, 10, 1), dt.date(2026, 9, 30))  # the 12 months to September 2026
PREVIOUS = (dt.date(2024, 10, 1), dt.date(2025, 9, 30))
EXTRACT = dt.date(2026, 10, 5)
# CONTRACT.md section 4: last year's outcomes count up to its end plus this year's end to the extract
LIKE_FOR_LIKE = PREVIOUS[1] + (EXTRACT - CURRENT[1])
SOLVED = {1, 2, 3, 4, 6, 7, 8}  # Home Office outcome types counted as solved (docs/statistics.md)
RANKED = {"all_crime_rate": "down", "solved_rate": "up", "crime_severity_score": "down"}


@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.DataFrame]:
    """Ten forces synthesised, loaded and computed by the CLI; the export read back as a frame."""
    from crimeplan.synth.national import generate_national

    folder = tmp_path_factory.mktemp("national")
    generate_national(folder, forces=10, seed=5, scale=0.05, years=2)
    store = folder / "store.duckdb"
    for table in ("areas", "crimes", "aggregates"):
        files = sorted((folder / table).iterdir()) if table == "crimes" else [folder / f"{table}.parquet"]
        _run("load", table, *map(str, files), "--store", str(store), "--extract-date", EXTRACT.isoformat())
    out = folder / "national.csv"
    _run("compute", "--store", str(store), "--plan", str(PLAN), "--to", TO, "--out", str(out))
    return folder, pd.read_csv(out)


def _run(*args: str) -> None:
    """Run the CLI in-process, failing the test on a non-zero exit."""
    import sys

    from crimeplan.cli import main

    old, sys.argv = sys.argv, ["crimeplan", *args]
    try:
        main()
    except SystemExit as exc:
        assert not exc.code, f"crimeplan {' '.join(args)} exited {exc.code}"
    finally:
        sys.argv = old


def _by_force(folder: Path) -> tuple[pd.DataFrame, dict[str, int]]:
    """Every crime with its force (districts joined to forces by hand), and each force's residents."""
    areas = pd.read_parquet(folder / "areas.parquet")
    crimes = pd.read_parquet(folder / "crimes",
                             columns=["district", "recorded_date", "outcome_type", "outcome_date"])
    crimes = crimes.merge(areas[["district", "force"]], on="district")
    crimes["recorded_date"] = pd.to_datetime(crimes["recorded_date"]).dt.date
    crimes["outcome_date"] = pd.to_datetime(crimes["outcome_date"]).dt.date
    return crimes, areas.groupby("force")["population"].sum().to_dict()


def _rows(export: pd.DataFrame, measure: str) -> pd.DataFrame:
    return export[(export.measure_id == measure) & (export.area_level == "force")].set_index("area")


def test_every_force_has_its_own_figures(national: tuple[Path, pd.DataFrame]) -> None:
    """All crime, its rate per 1,000 and the solved rate per force, current and a year earlier, equal
    plain pandas counts over the Parquet files (solved last year: outcomes by the same age)."""
    folder, export = national
    crimes, residents = _by_force(folder)
    assert set(export[export.area_level == "force"].area) == set(residents)
    count, rate, solved = _rows(export, "all_crime"), _rows(export, "all_crime_rate"), _rows(export, "solved_rate")
    for force, pop in residents.items():
        mine = crimes[crimes.force == force]
        cur = mine[mine.recorded_date.between(*CURRENT)]
        prev = mine[mine.recorded_date.between(*PREVIOUS)]
        assert count.loc[force, "current_value"] == len(cur)
        assert count.loc[force, "previous_value"] == len(prev)
        assert count.loc[force, "change"] == len(cur) - len(prev)
        assert rate.loc[force, "current_value"] == pytest.approx(len(cur) / pop * 1000, rel=1e-12)
        solved_now = cur.outcome_type.isin(SOLVED).sum()
        solved_then = (prev.outcome_type.isin(SOLVED) & (prev.outcome_date <= LIKE_FOR_LIKE)).sum()
        assert solved.loc[force, "current_value"] == pytest.approx(100 * solved_now / len(cur), rel=1e-12)
        assert solved.loc[force, "previous_value"] == pytest.approx(100 * solved_then / len(prev), rel=1e-12)


def test_the_whole_store_is_one_national_row(national: tuple[Path, pd.DataFrame]) -> None:
    """The top row counts every force's crimes and is named for the ten forces."""
    folder, export = national
    crimes, _ = _by_force(folder)
    top = export[(export.measure_id == "all_crime") & (export.area_level == "national")]
    assert list(top.area) == ["10 forces"]
    assert top.current_value.iloc[0] == crimes.recorded_date.between(*CURRENT).sum()


def test_each_force_has_its_msg_position_and_size(national: tuple[Path, pd.DataFrame]) -> None:
    """Each force's position in its MSG (from the aggregates file's msg_member rows) is 1 + the
    members strictly better by polarity; size is the group's; counts are not ranked."""
    folder, export = national
    agg = pd.read_parquet(folder / "aggregates.parquet")
    members = agg[agg.measure_id == "msg_member"]
    groups = {home: list(g.sort_values("value").note) for home, g in members.groupby("area")}
    assert all(len(g) == 8 for g in groups.values())
    for measure, polarity in RANKED.items():
        rows = _rows(export, measure)
        for home, group in groups.items():
            values = {f: rows.loc[f, "current_value"] for f in group}
            better = [f for f in group if (values[f] > values[home] if polarity == "up" else values[f] < values[home])]
            assert rows.loc[home, "msg_position"] == 1 + len(better), (measure, home)
            assert rows.loc[home, "msg_size"] == 8
            assert rows.loc[home, "msg_average"] == pytest.approx(sum(values.values()) / 8, rel=1e-12)
            assert set(rows.loc[home, "msg_forces"].split("; ")) == set(group)
    assert _rows(export, "all_crime").msg_position.isna().all()


def test_a_national_plan_refuses_a_measure_that_does_not_add_up(
        tmp_path: Path, national: tuple[Path, pd.DataFrame], capsys: pytest.CaptureFixture[str]) -> None:
    """A distinct count in a national plan is bad input naming the measure, not a traceback."""
    folder, _ = national
    plan = tmp_path / "bad.yaml"
    plan.write_text(PLAN.read_text(encoding="utf-8") + """      - id: victims
        label: Distinct victims
        source: crimes
        aggregation: distinct_count
        field: victim_id
""", encoding="utf-8")
    r = run_cli(capsys, "compute", "--store", str(folder / "store.duckdb"), "--plan", str(plan), "--to", TO,
                "--out", str(tmp_path / "x.csv"))
    assert r.code == 2
    assert "victims" in r.out + r.err and "add up month by month" in r.out + r.err
    assert "Traceback" not in r.out + r.err
