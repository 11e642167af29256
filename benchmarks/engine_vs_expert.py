"""Benchmark: the engine against hand-written expert SQL, and loading against DuckDB's raw read.

For each --scale (1 is the demo's), in one run: makes the synthetic force (or reuses it in
--workdir), then

* load: `Store.load` of every file in a child process (its time and peak memory), against a
  child that only reads the same files with DuckDB's read_parquet / read_csv into a new
  DuckDB file (no checks): the load ratio;
* compute: checks that the expert SQL (expert_sql.py) returns the engine's window figures for
  every measure it covers, then times, best of --repeat: the engine's data step
  (`compute_series`; with the plan's compiled SQL kept in the store, as for every compute after
  a plan's first, and without), the whole in-process compute (`results.compute`: comparisons,
  tests, SPC, charts, key points) and the `crimeplan compute` command (import, compute, save,
  export; timed once), each as a ratio to the expert SQL, every row read each time; and the
  command's floor, a child that only starts, imports what a compute imports and starts the
  chart renderer (no figure: what no engine work can remove);
* incremental: the files cut before their last month, that month appended to a store of the
  rest on which last month's report and the same month's a year earlier were computed (as by a
  force reporting monthly), and its compute timed with what those computes cached against a
  compute with nothing cached (the two exports must be equal): the incremental ratio. The
  command is timed as every month after a store's first (the new month's query compiled and
  kept) and as that first month; the data step's share spent on the windows no month's sums
  give (repeat and distinct ids, re-offending cohorts, read from the records) is its floor.

    python benchmarks/engine_vs_expert.py --scale 1 10 [--workdir DIR] [--repeat 3] [--format csv]
                                          [--skip-load]   (reuse the stores in DIR: compute only)
                                          [--skip-incremental]

A script, not a test: `make bench` runs it.  Figures and what dominates: docs/performance.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import expert_sql  # noqa: E402  (beside this script)
from _memory import own_peak_mb  # noqa: E402  (beside this script)

TO = dt.date(2026, 9, 1)
EXTRACT = dt.date(2026, 9, 30)
PLAN = "monthly-performance"


def _usage(started: float) -> str:
    """A child's wall time, CPU time (every thread) and peak memory, as JSON."""
    use = resource.getrusage(resource.RUSAGE_SELF)
    return json.dumps({"seconds": time.perf_counter() - started, "cpu": use.ru_utime + use.ru_stime,
                       "peak_mb": own_peak_mb()})


def _files(data: Path) -> dict[str, list[Path]]:
    from crimeplan.contract.schema import TABLES

    found = {t: sorted(data.glob(f"{t}.*")) for t in TABLES}
    return {t: paths[:1] for t, paths in found.items() if paths}


def child_load(data: Path, store: Path) -> None:
    """(child) Validate and load every file of a folder as one snapshot; print time and peak."""
    from crimeplan.store import Store

    store.unlink(missing_ok=True)
    t = time.perf_counter()
    with Store(store) as s:
        s.load(_files(data), extract_date=EXTRACT)
    print(_usage(t))


def child_raw(data: Path, store: Path) -> None:
    """(child) DuckDB's raw read of the same files into a new DuckDB file, no checks."""
    import duckdb

    store.unlink(missing_ok=True)
    t = time.perf_counter()
    con = duckdb.connect(str(store))
    for name, (path,) in _files(data).items():
        reader = "read_parquet(?)" if path.suffix == ".parquet" else "read_csv(?, header=true)"
        con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM {reader}', [str(path)])
    con.close()
    print(_usage(t))


#: What `crimeplan compute` imports before it computes anything: the CLI, the engine (Ibis on
#: DuckDB), the results layer, the GLM and SciPy's distributions the tests use, and vl-convert.
FLOOR_IMPORTS = ("crimeplan.cli", "crimeplan.results._compute", "crimeplan.engine.compute",
                 "ibis.backends.duckdb", "statsmodels.genmod.generalized_linear_model",
                 "statsmodels.genmod.families", "scipy.stats", "vl_convert")


def child_floor() -> None:
    """(child) The command's fixed floor: the libraries a compute imports and the chart renderer's
    start (one one-point chart), with no figure computed; the parent times it, interpreter included."""
    import importlib

    for name in FLOOR_IMPORTS:
        importlib.import_module(name)
    importlib.import_module("vl_convert").vegalite_to_svg(
        {"data": {"values": [{"x": 1}]}, "mark": "point",
         "encoding": {"x": {"field": "x", "type": "quantitative"}}})


def _floor() -> tuple[float, float]:
    """The floor child's wall time (from its start, interpreter included) and CPU time."""
    return _timed_run([sys.executable, __file__, "--floor", "-", "-"])


def _child(mode: str, data: Path, store: Path) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, f"--{mode}", str(data), str(store)],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _best(fn, repeat: int) -> tuple[float, float]:
    """The best wall time of `repeat` runs and that run's CPU time (every thread of this process)."""
    times = []
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        fn()
        times.append((time.perf_counter() - t, time.process_time() - c))
    return min(times)


def check_agreement(expert: dict, table) -> int:
    """Every expert figure equals the engine export's; returns how many were compared."""
    def same(a: object, b: float) -> bool:
        if b is None or (isinstance(b, float) and math.isnan(b)):
            return a is None
        return a is not None and abs(float(a) - float(b)) < 1e-9  # type: ignore[arg-type]

    engine = {(r.measure_id, r.area_level, r.area): (r.current_numerator, r.current_denominator,
                                                     r.previous_numerator, r.previous_denominator)
              for r in table.itertuples() if r.window in ("12m", "month")}
    missing = sorted(set(expert) - set(engine))
    if missing:
        raise SystemExit(f"the engine's export has no row for {missing[:5]}")
    wrong = [(k, expert[k], engine[k]) for k in expert if not all(map(same, expert[k], engine[k]))]
    if wrong:
        raise SystemExit("expert SQL and engine disagree:\n" + "\n".join(map(str, wrong[:10])))
    covered = {k[0] for k in expert}
    left = sorted(set(table.measure_id) - covered - set(expert_sql.NOT_COVERED))
    if left:
        raise SystemExit(f"measures neither covered nor listed as not covered: {left}")
    return len(expert)


def bench_scale(scale: float, work: Path, repeat: int, fmt: str, skip_load: bool = False,
                skip_incremental: bool = False) -> None:
    """Generate (once), load, check and time one scale; print its figures."""
    from crimeplan.engine import _compiled, compute_series
    from crimeplan.plans import load_plan
    from crimeplan.results import _spec, compute
    from crimeplan.store import Store
    from crimeplan.synth import generate

    data = work / f"scale-{scale:g}-{fmt}"
    if not (data / "crimes.parquet").exists() and not (data / "crimes.csv").exists():
        t = time.perf_counter()
        generate(data, seed=1, to_month=TO.strftime("%Y-%m"), scale=scale, fmt=fmt)
        print(f"[scale {scale:g}] generated in {time.perf_counter() - t:.0f} s")
    store = work / f"scale-{scale:g}-{fmt}.duckdb"
    reuse = skip_load and store.exists()
    if not reuse:
        raw = _child("raw", data, work / "raw.duckdb")
        (work / "raw.duckdb").unlink(missing_ok=True)
        loaded = _child("load", data, store)
        os.sync()  # the store file's pages on disk before the computes are timed, not flushed during them
    with Store(store, read_only=True) as s:
        phys = s.physical_tables()
        rows = sum(s.con.execute(f'SELECT count(*) FROM "{p}"').fetchone()[0] for p in phys.values())
    print(f"[scale {scale:g}] {rows:,} rows in {len(phys)} tables ({fmt})")
    if reuse:
        print(f"  load: not timed (--skip-load: the store already loaded in {store} is reused)")
    else:
        for label, r in (("raw DuckDB read of the files", raw), ("crimeplan load (validated)  ", loaded)):
            print(f"  {label}: {r['seconds']:.1f} s wall, {r['cpu']:.1f} s CPU, peak {r['peak_mb']:,.0f} MB")
        print(f"  load ratio: {loaded['seconds'] / raw['seconds']:.2f} x raw read (wall), "
              f"{loaded['cpu'] / raw['cpu']:.2f} x (CPU); load peak memory: {loaded['peak_mb']:,.0f} MB")

    plan = load_plan(PLAN)
    with Store(store) as s:
        # full computes: nothing cached by an earlier run (the timed computes below open the
        # store read-only, so they keep nothing for the next repeat either); first a plan's first
        # compute on a store, with no compiled SQL kept, on the store opened for writing (a
        # read-only store is never asked to keep SQL, so its computes build every query)
        def first() -> None:
            s.forget_scans()
            s.forget_compiled()
            _compiled._IN_PROCESS.clear()  # nor anything kept in this process
            compute_series(s, plan, TO)

        t_first = _best(first, repeat)  # the last one keeps the plan's compiled SQL (every later compute's case)
        s.forget_scans()
    with Store(store, read_only=True) as s:
        expert = expert_sql.run(s.con, phys, TO, EXTRACT)
        n = check_agreement(expert, compute(s, plan, TO).table)
        t_expert = _best(lambda: expert_sql.run(s.con, phys, TO, EXTRACT), repeat)
        t_series = _best(lambda: compute_series(s, plan, TO), repeat)
        def whole() -> None:
            _spec._drawn.cache_clear()  # no chart drawn by an earlier repeat: a new month's case
            compute(s, plan, TO)

        t_compute = _best(whole, repeat)
    t_command = _command(store, TO, work / "results.csv")
    t_floor = min(_floor() for _ in range(repeat))
    print(f"  expert SQL: {n} window figures equal the engine's; {t_expert[0]:.3f} s wall, "
          f"{t_expert[1]:.3f} s CPU (best of {repeat})")
    for label, (wall, cpu) in (("engine data step (compute_series)", t_series),
                               ("engine data step, no compiled SQL kept (a plan's first compute)", t_first),
                               ("engine in-process compute (results.compute)", t_compute),
                               ("`crimeplan compute` command (timed once)", t_command),
                               ("  its floor: start, imports, chart renderer; no figure", t_floor)):
        print(f"  {label}: {wall:.3f} s = {wall / t_expert[0]:.1f} x expert (wall); "
              f"{cpu:.3f} s CPU = {cpu / t_expert[1]:.1f} x (CPU)")
    if not skip_incremental:
        bench_incremental(scale, data, work, repeat)


def _split(data: Path, out: Path, month: dt.date) -> None:
    """Each file of `data` cut in two: the rows before `month` (out/history) and those in it
    (out/month); tables without a month column all go to history."""
    import duckdb

    from crimeplan.contract.schema import table as canonical_table
    from crimeplan.periods import add_months

    for part in ("history", "month"):
        (out / part).mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    for name, (path,) in _files(data).items():
        reader = f"read_parquet('{path}')" if path.suffix == ".parquet" else f"read_csv('{path}', header=true)"
        col = "period_start" if name == "aggregates" else canonical_table(name).date_column
        history = f"SELECT * FROM {reader}" + (f' WHERE "{col}" IS NULL OR "{col}" < ?' if col else "")
        target = f"{path.stem}.parquet"  # a CSV's halves as Parquet too: the same rows, read faster
        con.execute(f"COPY ({history}) TO '{out / 'history' / target}' (FORMAT parquet)",
                    [month] if col else [])
        if col:
            con.execute(f"COPY (SELECT * FROM {reader} WHERE \"{col}\" >= ? AND \"{col}\" < ?) "
                        f"TO '{out / 'month' / target}' (FORMAT parquet)", [month, add_months(month, 1)])


def _timed_run(argv: list[str]) -> tuple[float, float]:
    """A child process's wall time, from its start, and its CPU time (every thread)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (time.perf_counter() - t, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)


def _command(store: Path, to: dt.date, out: Path) -> tuple[float, float]:
    """`crimeplan compute` of the plan as a child process: its wall and CPU time."""
    return _timed_run([str(Path(sys.executable).with_name("crimeplan")), "compute", "--store", str(store),
                       "--plan", PLAN, "--to", to.strftime("%Y-%m"), "--out", str(out)])


def _same_exports(a: Path, b: Path) -> int:
    """How many figures two results exports hold, after checking they are equal (1e-9 relative)."""
    import pandas as pd

    x, y = pd.read_csv(a), pd.read_csv(b)
    if list(x.columns) != list(y.columns) or len(x) != len(y):
        raise SystemExit(f"incremental and full exports differ in shape: {a}, {b}")
    figures = 0
    for col in x.columns:
        if pd.api.types.is_numeric_dtype(x[col]) and pd.api.types.is_numeric_dtype(y[col]):
            left, r = x[col].astype(float), y[col].astype(float)
            same = ((left - r).abs() <= 1e-9 * r.abs().clip(lower=1)) | (left.isna() & r.isna())
            figures += int(r.notna().sum())
        else:
            same = x[col].fillna("").astype(str) == y[col].fillna("").astype(str)
        if not same.all():
            raise SystemExit(f"incremental and full exports differ in {col}: {a}, {b}")
    return figures


def _window_keys(store: Path) -> set[str]:
    """The window keys a store's cache holds."""
    from crimeplan.store import Store

    with Store(store, read_only=True) as s:
        return {k for (k,) in s.con.execute("SELECT DISTINCT window_key FROM _window_rows").fetchall()}


def bench_incremental(scale: float, data: Path, work: Path, repeat: int) -> None:
    """Append the last month to a store of the months before it, on which the reports of the month
    before and of the same month a year earlier were computed (as by a force reporting monthly);
    time that month's compute with those computes cached (incremental) and with nothing cached
    (full); print the ratio."""
    from crimeplan.engine import compute_series
    from crimeplan.periods import add_months
    from crimeplan.plans import load_plan
    from crimeplan.store import Store

    inc = work / f"{data.name}-incremental"
    if not (inc / "month").exists():
        _split(data, inc, TO)
    store = inc / "store.duckdb"
    store.unlink(missing_ok=True)
    parts = {part: {f.stem: [f] for f in sorted((inc / part).glob("*.parquet"))} for part in ("history", "month")}
    with Store(store) as s:
        s.load(parts["history"], extract_date=EXTRACT)
    _command(store, add_months(TO, -12), inc / "year-ago.csv")  # the report a year ago ...
    year_ago = _window_keys(store)
    _command(store, add_months(TO, -1), inc / "before.csv")  # ... and last month's fill the cache
    primed = _window_keys(store)
    t = time.perf_counter()
    with Store(store) as s:
        report = s.load(parts["month"], extract_date=EXTRACT, append=True)
    appended = sum(c.rows_loaded for c in report.files)
    t_append = time.perf_counter() - t
    os.sync()
    caches = ("_scan_rows", "_scan_months", "_window_rows")
    with Store(store) as s:  # the engine's caches as last month's compute left them, kept aside
        for t_name in caches:
            s.con.execute(f"CREATE OR REPLACE TABLE _bench_{t_name} AS SELECT * FROM {t_name}")
    c_first = _command(store, TO, inc / "incremental.csv")
    with Store(store) as s:  # put back, with the SQL the first compiled kept (any later month's case)
        for t_name in caches:
            s.con.execute(f"DELETE FROM {t_name}")
            s.con.execute(f"INSERT INTO {t_name} SELECT * FROM _bench_{t_name}")
            s.con.execute(f"DROP TABLE _bench_{t_name}")
    c_inc = _command(store, TO, inc / "incremental.csv")
    with Store(store) as s:
        s.forget_scans()
    c_full = _command(store, TO, inc / "full.csv")
    figures = _same_exports(inc / "incremental.csv", inc / "full.csv")
    plan = load_plan(PLAN)
    with Store(store) as s:
        s.con.execute("CREATE TEMP TABLE _primed AS SELECT * FROM _window_rows WHERE false")

        def incremental(keep: set[str]) -> None:
            """The cache as the primed computes left it (those keys), then the compute."""
            s.con.execute("DELETE FROM _scan_rows WHERE month = ?", [TO])  # as just appended
            s.con.execute("DELETE FROM _scan_months WHERE month = ?", [TO])
            s.con.execute("DELETE FROM _window_rows")
            s.con.execute("INSERT INTO _window_rows SELECT * FROM _primed WHERE window_key IN "
                          "(SELECT unnest(?))", [sorted(keep)])
            compute_series(s, plan, TO)

        def full() -> None:
            s.forget_scans()
            compute_series(s, plan, TO)

        s_full = _best(full, repeat)
        compute_series(s, plan, add_months(TO, -12))  # the primed windows again, kept aside
        compute_series(s, plan, add_months(TO, -1))
        s.con.execute("INSERT INTO _primed SELECT * FROM _window_rows")
        s_inc = _best(lambda: incremental(primed), repeat)
        s_last = _best(lambda: incremental(primed - year_ago), repeat)
        s_windows = _windows_alone(lambda: incremental(primed))
    print(f"  incremental: {TO:%B %Y} appended ({appended:,} rows, {t_append:.1f} s) to the months before it, on "
          f"which the reports of {add_months(TO, -1):%B %Y} and {add_months(TO, -12):%B %Y} had been computed; "
          f"its compute with those cached against nothing cached (exports equal: {figures:,} figures)")
    for label, (a, b) in (("engine data step (compute_series)", (s_inc, s_full)),
                          ("`crimeplan compute` command (timed once)", (c_inc, c_full)),
                          ("  the same, the first month on a store (its new month's query checked and kept)",
                           (c_first, c_full)),
                          (f"data step, {add_months(TO, -12):%B %Y}'s report not cached", (s_last, s_full)),
                          ("  of which the windows no month's sums give (read from the records)",
                           (s_windows, s_full))):
        print(f"    {label}: {a[0]:.3f} s against {b[0]:.3f} s = {a[0] / b[0]:.2f} of a full compute (wall); "
              f"{a[1]:.3f} s against {b[1]:.3f} s CPU = {a[1] / b[1]:.2f}")


def _windows_alone(run) -> tuple[float, float]:
    """The time `run` spends in its non-decomposable windows' queries (repeat and distinct ids,
    re-offending cohorts: this year's are read from the records at every new month, the floor of
    an incremental compute). Instruments the engine's one function for them, for this run only."""
    from crimeplan.engine import compute as engine

    spent = [0.0, 0.0]
    original = engine._window_figures

    def timed(*args, **kwargs):  # type: ignore[no-untyped-def]
        t, c = time.perf_counter(), time.process_time()
        try:
            return original(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - t
            spent[1] += time.process_time() - c

    engine._window_figures = timed
    try:
        run()
    finally:
        engine._window_figures = original
    return spent[0], spent[1]


def main() -> None:
    """Run the benchmark at each scale and print the ratios."""
    if len(sys.argv) == 4 and sys.argv[1] == "--floor":
        child_floor()
        return
    if len(sys.argv) == 4 and sys.argv[1] in ("--load", "--raw"):
        (child_load if sys.argv[1] == "--load" else child_raw)(Path(sys.argv[2]), Path(sys.argv[3]))
        return
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, nargs="+", default=[1.0])
    ap.add_argument("--workdir", type=Path, default=None, help="keeps generated data between runs")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--format", choices=("parquet", "csv"), default="parquet")
    ap.add_argument("--skip-load", action="store_true",
                    help="reuse a store already loaded in --workdir: time the compute only")
    ap.add_argument("--skip-incremental", action="store_true", help="leave out the incremental step")
    args = ap.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="crimeplan-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    for scale in args.scale:
        bench_scale(scale, work, args.repeat, args.format, args.skip_load, args.skip_incremental)


if __name__ == "__main__":
    main()
