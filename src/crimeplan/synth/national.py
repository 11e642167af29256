"""The national synthetic dataset: up to 43 territorial forces of England and Wales in one set of files.

    from crimeplan.synth.national import generate_national
    paths = generate_national("out/", forces=43, seed=0, scale=1.0)

Each force is the single-force generator (`crimes.simulate_crimes`) run with its own seed and a
volume scaled to it: its real population (ONS mid-2018, data/force_population.csv) times a
synthetic crime factor drawn per seed from CRIME_FACTOR_RANGE. Its districts are the county
force's twelve renamed for it (fewer for a small force: one per RESIDENTS_PER_DISTRICT residents),
so every district name is unique nationally. Forces are generated and written one at a time, so
memory holds one force's records at once.

Three tables are written: `areas` (district → lpa → force for every force), `crimes` (a folder
of files, one per force and financial year, `crimes/<ONS code>-<year>.<fmt>`; ids prefixed with
the force's ONS code) and `aggregates`, whose `msg_member` rows
name each force's Most Similar Group (docs/scaling.md): one row per (home force, member), `area`
the home force, `note` the member, `value` the member's closeness rank (0 = the home force).
"""

from __future__ import annotations

import csv
import io
import math
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from crimeplan.contract.forces import forces as all_forces
from crimeplan.contract.schema import MSG_MEMBER

from . import NTE_INITIATIVE_AT, check_options
from . import geography as geo
from .context import financial_year_bounds
from .crimes import crime_chunks, simulate_crimes
from .frame import Frame, day_number, make_frame, rng_for
from .writer import write_table

MSG_SIZE = 8  # the home force and its seven most similar forces
RESIDENTS_PER_DISTRICT = 150_000
CRIME_FACTOR_RANGE = (0.75, 1.30)
TABLES = ("areas", "crimes", "aggregates")


@dataclass(frozen=True)
class NationalForce:
    """One force of the national dataset: its name, size, crime level and districts."""

    name: str
    code: str  # ONS PFA code: the prefix of its record ids
    population: int
    crime_factor: float
    seed: int
    districts: tuple[str, ...]
    lpas: tuple[str, ...]  # the LPA of each district
    district_population: tuple[int, ...]
    # the county force's district index → this force's district index
    district_of: tuple[int, ...]

    def scale(self, scale: float) -> float:
        """The county generator's scale that gives this force its volume."""
        return scale * self.population / geo.FORCE_POPULATION * self.crime_factor


def _populations() -> dict[str, int]:
    text = resources.files("crimeplan.synth").joinpath("data/force_population.csv").read_text("utf-8")
    return {r["pfa_code"]: int(r["population"]) for r in csv.DictReader(io.StringIO(text))}


def national_forces(n: int, seed: int = 0) -> list[NationalForce]:
    """The first n territorial forces (data/forces.csv order) with their districts and crime factors."""
    pops = _populations()
    territorial = [f for f in all_forces() if f.pfa_code in pops]
    if not 1 <= n <= len(territorial):
        raise ValueError(f"forces must be from 1 to {len(territorial)}, got {n!r}")
    rng = rng_for(seed, "national")
    factors = rng.uniform(*CRIME_FACTOR_RANGE, size=len(territorial))
    out = []
    for f, factor in zip(territorial[:n], factors[:n]):
        pop = pops[f.pfa_code]
        k = min(len(geo.DISTRICTS), max(1, round(pop / RESIDENTS_PER_DISTRICT)))
        # county district i becomes district i mod k; its residents go with it
        district_of = tuple(i % k for i in range(len(geo.DISTRICTS)))
        shares = np.bincount(district_of, weights=geo.POPULATION, minlength=k) / geo.FORCE_POPULATION
        dpop = np.floor(shares * pop).astype(np.int64)
        dpop[0] += pop - dpop.sum()  # the districts add up to the force
        out.append(NationalForce(
            name=f.name, code=f.pfa_code, population=pop, crime_factor=float(factor),
            seed=zlib.crc32(f"{seed}:{f.pfa_code}".encode()),
            districts=tuple(f"{f.name}: {geo.DISTRICTS[j][0]}" for j in range(k)),
            lpas=tuple(f"{f.name}: {geo.DISTRICTS[j][1]}" for j in range(k)),
            district_population=tuple(int(p) for p in dpop), district_of=district_of))
    return out


def areas_table(forces: list[NationalForce], frame: Frame) -> pa.Table:
    """The areas table of every force: district, lpa, force, population, valid_from."""
    rows = [(d, lpa, f.name, p) for f in forces for d, lpa, p in zip(f.districts, f.lpas, f.district_population)]
    return pa.table({
        "district": pa.array([r[0] for r in rows], pa.string()),
        "lpa": pa.array([r[1] for r in rows], pa.string()),
        "force": pa.array([r[2] for r in rows], pa.string()),
        "population": pa.array([r[3] for r in rows], pa.int64()),
        "valid_from": pa.array([day_number(frame.start)] * len(rows), pa.date32()),
    })


def msg_groups(forces: list[NationalForce]) -> dict[str, list[str]]:
    """Each force's Most Similar Group: itself, then the forces nearest in (log population, crime
    factor), both standardised, up to MSG_SIZE in all (ties by name)."""
    x = np.array([[math.log(f.population), f.crime_factor] for f in forces])
    x = (x - x.mean(axis=0)) / np.where(x.std(axis=0) > 0, x.std(axis=0), 1.0)
    out = {}
    for i, f in enumerate(forces):
        dist = np.sqrt(((x - x[i]) ** 2).sum(axis=1))
        order = sorted(range(len(forces)), key=lambda j: (j != i, dist[j], forces[j].name))
        out[f.name] = [forces[j].name for j in order[:MSG_SIZE]]
    return out


def msg_table(forces: list[NationalForce], frame: Frame) -> pa.Table:
    """The aggregates table's MSG membership rows (measure_id msg_member; docs/scaling.md)."""
    rows = [(home, member, rank) for home, group in msg_groups(forces).items() for rank, member in enumerate(group)]
    n = len(rows)
    return pa.table({
        "measure_id": pa.array([MSG_MEMBER] * n, pa.string()),
        "area": pa.array([r[0] for r in rows], pa.string()),
        "period_start": pa.array([day_number(frame.start)] * n, pa.date32()),
        "period_end": pa.array([day_number(frame.extract)] * n, pa.date32()),
        "numerator": pa.nulls(n, pa.float64()),
        "denominator": pa.nulls(n, pa.float64()),
        "value": pa.array([float(r[2]) for r in rows], pa.float64()),
        "source": pa.array(["synthetic Most Similar Group"] * n, pa.string()),
        "note": pa.array([r[1] for r in rows], pa.string()),
    })


def _prefixed(col: pa.ChunkedArray | pa.Array, code: str) -> pa.Array:
    """Ids made unique nationally: the force's code, a dash, the county generator's id (null stays null)."""
    return pc.binary_join_element_wise(pa.scalar(f"{code}-"), col, "")


def force_crime_chunks(force: NationalForce, frame: Frame, scale: float) -> Iterator[pa.Table]:
    """One force's crimes as Arrow tables (one per financial year), in its own districts and ids."""
    crimes = simulate_crimes(frame, force.seed, force.scale(scale), frame.fraction_date(NTE_INITIATIVE_AT))
    # the county's district i is this force's district district_of[i]
    names = pa.array([force.districts[j] for j in force.district_of], pa.string())
    for chunk in crime_chunks(crimes, frame, financial_year_bounds(frame)):
        idx = pc.index_in(chunk["district"], value_set=pa.array(list(geo.DISTRICT_NAMES)))
        chunk = chunk.set_column(chunk.schema.get_field_index("district"), "district", names.take(idx))
        for col in ("crime_id", "victim_id", "offender_id"):
            chunk = chunk.set_column(chunk.schema.get_field_index(col), col, _prefixed(chunk[col], force.code))
        yield chunk


def generate_national(
    out_dir: str | Path,
    forces: int = 43,
    seed: int = 0,
    to_month: str = "2026-09",
    years: int = 9,
    scale: float = 1.0,
    fmt: str = "parquet",
) -> dict[str, Path]:
    """Write the national dataset's areas, crimes (a folder of files) and MSG (aggregates) tables;
    return table -> path."""
    check_options(scale, fmt)
    frame = make_frame(to_month, years)
    chosen = national_forces(forces, seed)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"areas": write_table(out, "areas", [areas_table(chosen, frame)], fmt)}
    # one file per force and financial year: a load checks each file within the memory ceiling
    # (CRIMEPLAN_MEMORY_LIMIT), and the layout is the one a cluster partitions by (docs/scaling.md)
    crimes = out / "crimes"
    crimes.mkdir(exist_ok=True)
    for old in crimes.glob(f"*.{fmt}"):  # an earlier run's files would be loaded with these
        old.unlink()
    for f in chosen:
        for chunk in force_crime_chunks(f, frame, scale):
            first = chunk["recorded_date"][0].as_py()
            write_table(crimes, "crimes", [chunk], fmt, stem=f"{f.code}-{first.year - (first.month < 4)}")
    paths["crimes"] = crimes
    paths["aggregates"] = write_table(out, "aggregates", [msg_table(chosen, frame)], fmt)
    return paths
