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

from crimeplan.contract.schema import TABLES as CONTRACT_TABLES
from crimeplan.engine import compute_series
from crimeplan.plans import load_plan
from crimeplan.store import Store
from crimeplan.synth import generate

TABLES = list(CONTRACT_TABLES)


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
    crimes_only = plan.model_copy(update={"areas_of_focus": [
        a.model_copy(update={"measures": [m for m in a.measures if m.source == "crimes"]})
        for a in plan.areas_of_focus]})
    with Store(store_path, read_only=True) as store:
        phys = store.physical_tables()
        sources = sorted({m.source for _, m in plan.measures()} - {"aggregates"})
        floors: dict[str, list[float]] = {s: [] for s in sources}
        whole, crimes = [], []
        for _ in range(args.repeat):
            for source in sources:
                floors[source].append(_floor(store, phys[source], source))
            t = time.perf_counter()
            compute_series(store, plan, args.to)
            whole.append(time.perf_counter() - t)
            t = time.perf_counter()
            compute_series(store, crimes_only, args.to)
            crimes.append(time.perf_counter() - t)
        rows = {s: store.con.execute(f'SELECT count(*) FROM "{phys[s]}"').fetchall()[0][0] for s in sources}
    floor = min(floors["crimes"])
    all_floor = sum(min(v) for v in floors.values())
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("rows: " + ", ".join(f"{s} {n:,}" for s, n in rows.items()))
    print(f"floor, one GROUP BY district, month over crimes: {floor:.3f} s (best of {args.repeat})")
    print(f"floor, the same over every source table of the plan: {all_floor:.3f} s")
    print(f"engine, whole monthly plan, every area and month: {min(whole):.3f} s")
    print(f"engine, the plan's {sum(1 for _, m in crimes_only.measures())} crimes measures only: {min(crimes):.3f} s")
    print(f"ratio whole plan / crimes floor: {min(whole) / floor:.1f}")
    print(f"ratio whole plan / all-tables floor: {min(whole) / all_floor:.1f}")
    print(f"ratio crimes measures / crimes floor: {min(crimes) / floor:.1f}")
    print(f"peak memory (whole process, including any load): {peak_mb:,.0f} MB")


def _floor(store: Store, physical: str, source: str) -> float:
    """Time one GROUP BY district (where the table has one), month count over a table."""
    from crimeplan.contract.schema import table

    tdef = table(source)
    keys = "district, " if tdef.has_district else ""
    sql = (f"SELECT {keys}date_trunc('month', \"{tdef.date_column}\") AS month, count(*) "
           f'FROM "{physical}" GROUP BY ALL')
    t = time.perf_counter()
    store.con.execute(sql).fetchall()
    return time.perf_counter() - t


if __name__ == "__main__":
    main()
