"""Benchmark: the national plan at national volume on DuckDB, and a tenth of it on Spark local.

In one run:

1. generates (once; kept in --workdir) the 43-force national dataset with about --rows crime
   rows (`crimeplan synth --forces 43`, the scale worked out from the generator's expected
   volume), loads it into a DuckDB store and runs `crimeplan compute --plan national`, each in
   a child process with CRIMEPLAN_MEMORY_LIMIT=--memory, printing each child's wall time, CPU
   time and peak memory (its maximum resident set: DuckDB's buffers are in it);
2. on the same store, the incremental compute: the last month's compute after the month before
   it cached every earlier month, against one with nothing cached (time, peak, exports equal);
   then both again in one process that stays up between computes (imports done, compiled SQL
   kept: what a long-running server would see), at this size and at the tenth;
   with --files-load, the load again from the generator's 430 crimes files (one per force and
   year, as a national unit would receive them), ids compared across the files;
3. the same at a tenth of the rows on DuckDB and on a Spark store (`spark:` folder, local[2]),
   checking that the two exports agree to 1e-9 relative on every figure and MSG column, and
   printing both compute times.

    python benchmarks/national.py [--rows 100000000] [--memory 2GB] [--workdir build/bench-national]
                                  [--no-spark] [--no-incremental] [--files-load] [--tenth-only]

A script, not a test: `make bench-national` runs it. Figures: docs/scaling.md.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

from _memory import own_peak_mb  # beside this script

TO = "2026-09"
EXTRACT = "2026-10-05"
YEARS = 9
SEED = 0
TABLES = ("areas", "crimes", "aggregates")
# the export's columns compared between the DuckDB and the Spark run
KEYS = ["measure_id", "area_level", "area", "window"]
NUMBERS = ["current_value", "previous_value", "current_numerator", "current_denominator", "previous_numerator",
           "previous_denominator", "change", "msg_position", "msg_size", "msg_average", "msg_quartile"]


def _usage(started: float) -> str:
    """This (child) process's wall time, CPU time and peak resident memory, as JSON."""
    use, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return json.dumps({"seconds": time.perf_counter() - started,
                       "cpu": use.ru_utime + use.ru_stime + kids.ru_utime + kids.ru_stime,
                       "peak_mb": max(own_peak_mb(), kids.ru_maxrss / 1024)})


def scale_for(rows: float) -> float:
    """The --scale at which the 43 forces' expected crime rows (9 years to TO) are `rows`."""
    from crimeplan.synth import NTE_INITIATIVE_AT
    from crimeplan.synth.crimes import crime_rates
    from crimeplan.synth.frame import make_frame
    from crimeplan.synth.national import national_forces

    frame = make_frame(TO, YEARS)
    county = float(crime_rates(frame, 1.0, frame.fraction_date(NTE_INITIATIVE_AT)).sum())
    return rows / (county * sum(f.scale(1.0) for f in national_forces(43, SEED)))


def generate(folder: Path, scale: float) -> dict[str, float]:
    """The national dataset in folder (made once: a marker file records the scale)."""
    marker = folder / "generated.json"
    if marker.exists() and json.loads(marker.read_text())["scale"] == scale:
        return dict(json.loads(marker.read_text()))
    from crimeplan.synth.national import generate_national

    shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()
    paths = generate_national(folder, forces=43, seed=SEED, years=YEARS, scale=scale, to_month=TO)
    import pyarrow.parquet as pq

    info = {"scale": scale, "seconds": time.perf_counter() - started,
            "crime_rows": sum(pq.ParquetFile(f).metadata.num_rows for f in paths["crimes"].iterdir())}
    marker.write_text(json.dumps(info))
    return info


def one_crimes_file(data: Path) -> tuple[Path, int]:
    """The crimes folder as one Parquet file (made once), and its uncompressed size in bytes.

    The timed load reads this one file, as the earlier runs did; `--files-load` also times the
    load of the generator's 430 files (one per force and year), which checks ids across files."""
    import duckdb
    import pyarrow.parquet as pq

    one = data / "crimes-one.parquet"
    if not one.exists():
        tmp = one.with_suffix(".tmp")
        con = duckdb.connect()
        con.execute(f"SET memory_limit = '2GB'; SET temp_directory = '{data / 'duckdb.tmp'}'")
        con.execute(f"COPY (SELECT * FROM read_parquet('{data / 'crimes'}/*.parquet')) TO '{tmp}' "
                    "(FORMAT parquet, COMPRESSION zstd)")
        con.close()
        tmp.rename(one)
    meta = pq.ParquetFile(one).metadata
    return one, sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))


def child_load(data: Path, store: str, crimes: str = "one") -> None:
    """(child) `crimeplan load` of the three tables, one snapshot each (crimes from the one file, or
    from the generator's files with `crimes="files"`); print time and peak."""
    started = time.perf_counter()
    for table in TABLES:
        if table != "crimes":
            paths = [data / f"{table}.parquet"]
        else:
            paths = [data / "crimes-one.parquet"] if crimes == "one" else sorted((data / "crimes").glob("*.parquet"))
        _cli("load", table, *map(str, paths), "--store", store, "--extract-date", EXTRACT)
    print(_usage(started))


def child_compute(store: str, out: Path, to: str = TO) -> None:
    """(child) `crimeplan compute --plan national`; print time and peak."""
    started = time.perf_counter()
    _cli("compute", "--store", store, "--plan", "national", "--to", to, "--out", str(out))
    print(_usage(started))


def _month_before() -> str:
    """The month before TO, as --to takes it: the compute that fills the cache an incremental one uses."""
    from crimeplan.periods import add_months, month_start

    return add_months(month_start(TO), -1).strftime("%Y-%m")


def _forget_scans(store: str) -> None:
    """Empty the store's cache of month sums and windows: the next compute is a full one."""
    from crimeplan.store import Store

    with Store(store) as s:
        s.forget_scans()


def incremental(store: str, work: Path, memory: str) -> None:
    """On the loaded store: the compute of the last month after one of the month before it had
    cached every earlier month (incremental: the last month is scanned alone, as after `load
    --append` of it), against a compute with nothing cached (full); the exports compared."""
    previous = _month_before()
    _forget_scans(store)
    full = _child(memory, "--child-compute", store, str(work / "incremental-full.csv"))
    _forget_scans(store)
    _child(memory, "--child-compute", store, str(work / "incremental-before.csv"), previous)
    inc = _child(memory, "--child-compute", store, str(work / "incremental.csv"))
    n = same_exports(work / "incremental.csv", work / "incremental-full.csv")
    print(f"[incremental] compute of {TO} with every earlier month cached by a compute of {previous}: "
          f"{_line('compute', inc)}", flush=True)
    print(f"[incremental] the same with nothing cached (full): {_line('compute', full)}", flush=True)
    print(f"[incremental] exports equal on {n:,} figures; incremental / full: {inc['seconds'] / full['seconds']:.2f} "
          f"(wall), {inc['cpu'] / full['cpu']:.2f} (CPU)", flush=True)


def child_resident(store: str, work: Path) -> None:
    """(child) The incremental compute in one process that stays up between computes (imports
    done, the plan's SQL compiled and kept, as a long-running server would hold them): the
    compute of the last month after the month before's, against one with nothing cached, best of
    two each; print the times as JSON."""
    previous = _month_before()

    def compute(to: str, out: Path) -> tuple[float, float]:
        t, c = time.perf_counter(), time.process_time()
        _cli("compute", "--store", store, "--plan", "national", "--to", to, "--out", str(out))
        return time.perf_counter() - t, time.process_time() - c

    _forget_scans(store)
    compute(previous, work / "resident-warm-up.csv")  # imports, and the plan's SQL kept
    fulls, incs = [], []
    for _ in range(2):
        _forget_scans(store)
        fulls.append(compute(TO, work / "resident-full.csv"))
        _forget_scans(store)
        compute(previous, work / "resident-before.csv")
        incs.append(compute(TO, work / "resident-incremental.csv"))
    full, inc = min(fulls), min(incs)
    figures = same_exports(work / "resident-incremental.csv", work / "resident-full.csv")
    print(json.dumps({"full_s": full[0], "full_cpu": full[1], "inc_s": inc[0], "inc_cpu": inc[1],
                      "figures": figures}))


def resident(name: str, store: str, work: Path, memory: str) -> None:
    """Print the incremental ratio in a process that stays up (`child_resident`)."""
    r = _child(memory, "--child-resident", store, str(work))
    print(f"[{name}] in one process that stays up (imports done, compiled SQL kept): compute of {TO} with "
          f"every earlier month cached {r['inc_s']:.2f} s wall, {r['inc_cpu']:.2f} s CPU; with nothing "
          f"cached {r['full_s']:.2f} s, {r['full_cpu']:.2f} s CPU; incremental / full: "
          f"{r['inc_s'] / r['full_s']:.2f} (wall), {r['inc_cpu'] / r['full_cpu']:.2f} (CPU); exports equal on "
          f"{r['figures']:,} figures", flush=True)


def _cli(*args: str) -> None:
    from crimeplan.cli import main

    sys.argv = ["crimeplan", *args]
    try:
        main()
    except SystemExit as exc:
        if exc.code:
            raise SystemExit(f"crimeplan {' '.join(args)} exited {exc.code}") from None


def _child(memory: str, *args: str) -> dict[str, float]:
    env = {**os.environ, "CRIMEPLAN_MEMORY_LIMIT": memory}
    out = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, env=env)
    if out.returncode:
        raise SystemExit(f"{' '.join(args)} failed:\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def _fresh(store: str) -> None:
    path = Path(store.removeprefix("spark:"))
    if path.is_dir():
        shutil.rmtree(path)
    path.unlink(missing_ok=True)
    Path(f"{path}.wal").unlink(missing_ok=True)


def run(data: Path, store: str, out: Path, memory: str, load_memory: str) -> tuple[dict[str, float], dict[str, float]]:
    """Load then compute in two children; their figures."""
    _fresh(store)
    load = _child(load_memory, "--child-load", str(data), store)
    os.sync()  # the store file's pages on disk before the compute is timed
    compute = _child(memory, "--child-compute", store, str(out))
    return load, compute


def same_exports(a: Path, b: Path, rel: float = 1e-9) -> int:
    """Every row and figure of two exports agree (to rel); returns how many figures were compared."""
    import pandas as pd

    left, right = (pd.read_csv(p).set_index(KEYS).sort_index() for p in (a, b))
    if list(left.index) != list(right.index):
        raise SystemExit(f"the exports' rows differ: {set(left.index) ^ set(right.index)}")
    compared = 0
    for col in NUMBERS:
        for key, x, y in zip(left.index, left[col], right[col]):
            if (pd.isna(x) and pd.isna(y)) or math.isclose(float(x), float(y), rel_tol=rel, abs_tol=1e-12):
                compared += 1
                continue
            raise SystemExit(f"DuckDB and Spark disagree on {col} at {key}: {x!r} against {y!r}")
    return compared


def _line(label: str, r: dict[str, float]) -> str:
    return f"{label}: {r['seconds']:.1f} s wall, {r['cpu']:.1f} s CPU, peak {r['peak_mb']:.0f} MB"


def main() -> None:
    """Parse the options and run the benchmark."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rows", type=float, default=100e6, help="crime rows at national volume")
    p.add_argument("--scale", type=float, help="the national volume's --scale (default: worked out from --rows)")
    p.add_argument("--memory", default="2GB", help="CRIMEPLAN_MEMORY_LIMIT of each child")
    p.add_argument("--workdir", type=Path, default=Path("build/bench-national"))
    p.add_argument("--no-spark", action="store_true", help="leave out the Spark run")
    p.add_argument("--tenth-only", action="store_true", help="only the tenth-scale DuckDB/Spark comparison")
    p.add_argument("--child-load", nargs="+", help=argparse.SUPPRESS)
    p.add_argument("--files-load", action="store_true",
                   help="also time the full size's load of the crimes as the 430 files the generator writes")
    p.add_argument("--child-compute", nargs="+", help=argparse.SUPPRESS)
    p.add_argument("--no-incremental", action="store_true", help="leave out the incremental steps")
    p.add_argument("--child-resident", nargs=2, help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.child_resident:
        return child_resident(a.child_resident[0], Path(a.child_resident[1]))
    if a.child_load:
        return child_load(Path(a.child_load[0]), *a.child_load[1:])
    if a.child_compute:
        return child_compute(a.child_compute[0], Path(a.child_compute[1]), *a.child_compute[2:])

    work = a.workdir.resolve()
    work.mkdir(parents=True, exist_ok=True)
    print(f"national benchmark: 43 forces, {YEARS} years to {TO}, CRIMEPLAN_MEMORY_LIMIT={a.memory}, "
          f"{os.cpu_count()} CPUs", flush=True)
    full = a.scale or round(scale_for(a.rows), 2)
    sizes = [("tenth", full / 10)] if a.tenth_only else [("full", full), ("tenth", full / 10)]
    for name, scale in sizes:
        scale = round(scale, 4)
        data = work / f"data-scale-{scale}"
        made = generate(data, scale)
        print(f"[{name}] {made['crime_rows']:,} crime rows at --scale {scale} "
              f"(generated in {made['seconds']:.0f} s, kept in {data})", flush=True)
        one, size = one_crimes_file(data)
        # a DuckDB store checks a Parquet file in place, within --memory; a store that checks files
        # into memory refuses one over a fifth of its ceiling uncompressed: raised for that load only
        load_memory = f"{max(2, math.ceil(size * 5.2 / 2**30))}GB"
        print(f"[{name}] crimes as one file for the load: {one.name}, {size / 2**30:.2f} GiB uncompressed; "
              f"DuckDB's load at CRIMEPLAN_MEMORY_LIMIT={a.memory}", flush=True)
        duck_out = work / f"{name}-duckdb.csv"
        load, compute = run(data, str(work / f"{name}.duckdb"), duck_out, a.memory, a.memory)
        print(f"[{name}] DuckDB {_line('load', load)}", flush=True)
        print(f"[{name}] DuckDB {_line('compute', compute)}", flush=True)
        if name == "full" and not a.no_incremental:
            incremental(str(work / f"{name}.duckdb"), work, a.memory)
        if not a.no_incremental:
            resident(name, str(work / f"{name}.duckdb"), work, a.memory)
        if name == "full" and a.files_load:
            files = work / "full-files.duckdb"
            _fresh(str(files))
            many = _child(a.memory, "--child-load", str(data), str(files), "files")
            count = len(list((data / "crimes").glob("*.parquet")))
            print(f"[{name}] DuckDB {_line(f'load of the crimes as {count} files (ids compared across them)', many)}",
                  flush=True)
            _fresh(str(files))
        if name != "tenth" or a.no_spark:
            continue
        spark_out = work / f"{name}-spark.csv"
        s_load, s_compute = run(data, f"spark:{work / 'tenth-spark'}", spark_out, a.memory, load_memory)
        print(f"[{name}] Spark local {_line('load', s_load)}", flush=True)
        print(f"[{name}] Spark local {_line('compute', s_compute)} (the JVM's memory is not in this figure)",
              flush=True)
        n = same_exports(duck_out, spark_out)
        print(f"[{name}] DuckDB and Spark exports agree on {n:,} figures (1e-9 relative); "
              f"Spark/DuckDB compute time {s_compute['seconds'] / compute['seconds']:.2f}", flush=True)


if __name__ == "__main__":
    main()
