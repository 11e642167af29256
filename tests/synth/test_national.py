"""Tests of `crimeplan synth --forces N`: the national dataset's geography, volumes, MSG and determinism."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from tests.cli_helpers import run_cli

# docs/scaling.md: a force's recorded crimes per 1,000 residents a year, at --scale 1
RATE_BAND = (40.0, 100.0)
FORCES_CSV = Path(__file__).parents[2] / "src/crimeplan/contract/data/forces.csv"
SCALE, YEARS = 0.2, 1


def _territorial(n: int) -> list[str]:
    """The first n forces of the crosswalk that have an ONS code (British Transport Police has none)."""
    with FORCES_CSV.open(encoding="utf-8") as fh:
        return [r["name"] for r in csv.DictReader(fh) if r["pfa_code"]][:n]


@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Six forces written by the CLI (City of London, the smallest, among them)."""
    out = tmp_path_factory.mktemp("national")
    from crimeplan.synth.national import generate_national

    generate_national(out, forces=6, seed=3, scale=SCALE, years=YEARS)
    return out


def test_cli_writes_the_national_tables(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`crimeplan synth --forces 2` writes areas, crimes and aggregates naming the first two forces."""
    r = run_cli(capsys, "synth", "--out", str(tmp_path), "--forces", "2", "--scale", "0.01", "--years", "1")
    assert r.code == 0, r.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["aggregates.parquet", "areas.parquet", "crimes"]
    forces = set(pq.read_table(tmp_path / "areas.parquet").column("force").to_pylist())
    assert forces == set(_territorial(2))


@pytest.mark.parametrize("bad", ["0", "44"])
def test_cli_refuses_a_force_count_outside_1_to_43(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                   bad: str) -> None:
    """A force count outside 1..43 is bad input naming --forces, not a traceback."""
    r = run_cli(capsys, "synth", "--out", str(tmp_path), "--forces", bad)
    assert r.code == 2
    assert "--forces" in r.out + r.err and "Traceback" not in r.out + r.err


def test_areas_hold_n_forces_with_unique_districts(national: Path) -> None:
    """Six forces, by their real names, each with its own districts; no district name repeats."""
    areas = pq.read_table(national / "areas.parquet").to_pylist()
    assert {a["force"] for a in areas} == set(_territorial(6))
    districts = [a["district"] for a in areas]
    assert len(districts) == len(set(districts))
    for force in _territorial(6):
        mine = [a for a in areas if a["force"] == force]
        assert mine and all(a["district"].startswith(force) and a["lpa"].startswith(force) for a in mine)
    crimes = set(pq.read_table(national / "crimes", columns=["district"]).column("district").unique()
                 .to_pylist())
    assert crimes <= set(districts)  # every crime lies in a district of the areas table


def test_each_force_volume_lies_in_its_band(national: Path) -> None:
    """Each force's crimes a year per 1,000 residents, at scale 1, lie in the documented band."""
    areas = pq.read_table(national / "areas.parquet").to_pylist()
    force_of = {a["district"]: a["force"] for a in areas}
    residents: dict[str, int] = {}
    for a in areas:
        residents[a["force"]] = residents.get(a["force"], 0) + a["population"]
    crimes = pq.read_table(national / "crimes", columns=["district", "recorded_date"])
    first, last = pc.min(crimes["recorded_date"]).as_py(), pc.max(crimes["recorded_date"]).as_py()
    years = ((last - first).days + 1) / 365.25
    counts: dict[str, int] = {}
    for d, n in zip(*pc.value_counts(crimes["district"]).flatten()):
        counts[force_of[d.as_py()]] = counts.get(force_of[d.as_py()], 0) + n.as_py()
    for force, pop in residents.items():
        rate = counts[force] / years / pop * 1000 / SCALE
        assert RATE_BAND[0] <= rate <= RATE_BAND[1], (force, rate)


def test_crimes_are_one_file_per_force_and_financial_year(national: Path) -> None:
    """crimes/<ONS code>-<year>.parquet holds that force's crimes recorded from April of that year to March."""
    codes = {r["name"]: r["pfa_code"] for r in csv.DictReader(FORCES_CSV.open(encoding="utf-8"))}
    force_of = {a["district"]: a["force"] for a in pq.read_table(national / "areas.parquet").to_pylist()}
    files = sorted((national / "crimes").iterdir())
    assert {f.name.split("-")[0] for f in files} == {codes[f] for f in _territorial(6)}
    for f in files:
        t = pq.read_table(f, columns=["district", "recorded_date"])
        code, year = f.stem.rsplit("-", 1)
        assert {codes[force_of[d]] for d in t.column("district").unique().to_pylist()} == {code}
        first, last = pc.min(t["recorded_date"]).as_py(), pc.max(t["recorded_date"]).as_py()
        assert (first.year, first.month) >= (int(year), 4) and (last.year, last.month) <= (int(year) + 1, 3)


def test_a_second_run_into_the_folder_leaves_no_old_crime_files(tmp_path: Path) -> None:
    """Three forces, then two into the same folder: crimes/ holds the two forces' files only."""
    from crimeplan.synth.national import generate_national

    generate_national(tmp_path, forces=3, seed=0, scale=0.01, years=1)
    generate_national(tmp_path, forces=2, seed=0, scale=0.01, years=1)
    force_of = {a["district"]: a["force"] for a in pq.read_table(tmp_path / "areas.parquet").to_pylist()}
    districts = set(pq.read_table(tmp_path / "crimes", columns=["district"]).column("district").to_pylist())
    assert districts <= set(force_of) and {force_of[d] for d in districts} == set(_territorial(2))


def test_crime_ids_are_unique_nationally(national: Path) -> None:
    """Ids carry the force's code, so two forces' crime C00000001 stay apart."""
    ids = pq.read_table(national / "crimes", columns=["crime_id"]).column("crime_id")
    assert pc.count_distinct(ids).as_py() == len(ids)


def test_each_force_has_a_most_similar_group(national: Path) -> None:
    """Each force's msg_member rows: itself (rank 0) and its nearest forces, at most eight, all in the set."""
    rows = [r for r in pq.read_table(national / "aggregates.parquet").to_pylist() if r["measure_id"] == "msg_member"]
    forces = set(_territorial(6))
    for home in forces:
        group = sorted((r["value"], r["note"]) for r in rows if r["area"] == home)
        assert group[0] == (0.0, home)
        assert len(group) == min(8, len(forces)) and {m for _, m in group} <= forces
        assert len({m for _, m in group}) == len(group)


def test_the_same_seed_gives_the_same_files(tmp_path: Path) -> None:
    """Two runs with one seed write byte-identical files; another seed changes the crimes."""
    from crimeplan.synth.national import generate_national

    def digests(folder: Path, seed: int) -> dict[str, str]:
        paths = generate_national(folder, forces=3, seed=seed, scale=0.02, years=1)
        files = {f"{t}/{f.name}": f for t, p in paths.items() for f in ([p] if p.is_file() else sorted(p.iterdir()))}
        return {name: hashlib.sha256(f.read_bytes()).hexdigest() for name, f in files.items()}

    a, b, c = digests(tmp_path / "a", 1), digests(tmp_path / "b", 1), digests(tmp_path / "c", 2)
    assert a == b
    crimes = [k for k in a if k.startswith("crimes/")]
    assert crimes and all(a[k] != c[k] for k in crimes)
