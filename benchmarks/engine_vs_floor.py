"""Benchmark: the whole shipped plan against the floor of one GROUP BY over crimes.

Makes the synthetic force at --scale (10 ≈ ten million crimes), loads it, then in one run
times (a) the engine computing every measure of plans/monthly-performance.yaml for every
area and month and (b) the floor: one DuckDB `GROUP BY district, month` count over the same
crimes table.  Prints both, their ratio and the peak memory of the process.

    python benchmarks/engine_vs_floor.py --scale 10 [--workdir DIR] [--repeat 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import tempfile
import time
from pathlib import Path

from crimeplan.engine import compute_series
from crimeplan.plans import load_plan
from crimeplan.store import Store
from crimeplan.synth import generate

TABLES = ["areas", "crimes", "incidents", "calls", "survey_responses", "casualties", "workforce",
          "aggregates", "peers", "events"]


def main() -> None:
    """Run the benchmark and print the ratio."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=10.0)
    ap.add_argument("--workdir", type=Path, default=None)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--to", default="2026-09")
    args = ap.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="crimeplan-bench-"))
    store_path = work / "bench.duckdb"
    if not store_path.exists():
        t0 = time.perf_counter()
        files = generate(work / "data", seed=1, to_month=args.to, scale=args.scale)
        t1 = time.perf_counter()
        with Store(store_path) as store:
            store.load({t: [files[t]] for t in TABLES}, extract_date=dt.date(2026, 9, 30))
        print(f"generate {t1 - t0:.1f} s, load {time.perf_counter() - t1:.1f} s")
    plan = load_plan("monthly-performance")
    with Store(store_path, read_only=True) as store:
        crimes = store.physical_tables()["crimes"]
        n = store.con.execute(f'SELECT count(*) FROM "{crimes}"').fetchall()[0][0]
        floor_sql = (f'SELECT district, date_trunc(\'month\', recorded_date) AS month, count(*) '
                     f'FROM "{crimes}" GROUP BY ALL')
        floors, engines = [], []
        for _ in range(args.repeat):
            t = time.perf_counter()
            store.con.execute(floor_sql).fetchall()
            floors.append(time.perf_counter() - t)
            t = time.perf_counter()
            compute_series(store, plan, args.to)
            engines.append(time.perf_counter() - t)
    floor, engine = min(floors), min(engines)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"crimes rows: {n:,}")
    print(f"floor (GROUP BY district, month over crimes): {floor:.3f} s (best of {args.repeat})")
    print(f"engine (whole monthly plan, every area and month): {engine:.3f} s (best of {args.repeat})")
    print(f"ratio engine / floor: {engine / floor:.1f}")
    print(f"peak memory: {peak_mb:,.0f} MB")


if __name__ == "__main__":
    main()
