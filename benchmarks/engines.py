"""Benchmark: the demo plan on each engine — a DuckDB file, a PostgreSQL store, a Spark store.

Makes the synthetic force at --scale, loads the same files into each store (timed), then
times computing plans/monthly-performance.yaml (the engine, comparisons, SPC and charts:
`crimeplan.results.compute`) --repeat times on each, and prints the best time of each. The
PostgreSQL store is --pg URL, or a throwaway cluster started for the run (Debian's
postgresql package, as the tests start it); Spark runs in local[2] unless CRIMEPLAN_SPARK_MASTER
says otherwise, and needs the `spark` extra.

    python benchmarks/engines.py [--scale 0.1] [--years 3] [--repeat 2] [--pg postgresql://...]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from crimeplan.contract.schema import TABLES
from crimeplan.periods import month_end
from crimeplan.plans import load_plan
from crimeplan.results import compute
from crimeplan.store import open_store
from crimeplan.synth import generate

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    """Load, compute and print the time of each engine."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=0.1)
    ap.add_argument("--years", type=int, default=3)
    ap.add_argument("--to", default="2026-09")
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--pg", default=None, help="a PostgreSQL URL (default: a throwaway cluster)")
    ap.add_argument("--engines", default="duckdb,postgres,spark")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="crimeplan-engines-"))
    data = generate(work / "data", seed=0, to_month=args.to, years=args.years, scale=args.scale)
    files = {t: [data[t]] for t in TABLES if t in data}
    to = dt.date.fromisoformat(args.to + "-01")
    plan = load_plan(ROOT / "plans" / "monthly-performance.yaml")
    with ExitStack() as stack:
        stores = {"duckdb": str(work / "bench.duckdb"), "spark": f"spark:{work / 'spark-store'}"}
        if "postgres" in args.engines:
            if args.pg is None:
                sys.path.insert(0, str(ROOT))
                from tests.backends.servers import throwaway_postgres

                args.pg = stack.enter_context(throwaway_postgres())
            stores["postgres"] = args.pg
        print(f"synthetic force: {args.years} years to {args.to}, scale {args.scale}; plan {plan.id}", flush=True)
        for engine in args.engines.split(","):
            t0 = time.perf_counter()
            with open_store(stores[engine]) as st:
                st.load(files, extract_date=month_end(to), accept_quarantine=True)
                crimes = st.row_count("crimes")
            load = time.perf_counter() - t0
            best = float("inf")
            for _ in range(args.repeat):
                with open_store(stores[engine], read_only=True) as st:
                    t0 = time.perf_counter()
                    res = compute(st, plan, to)
                    best = min(best, time.perf_counter() - t0)
            print(f"{engine:9} load {load:6.1f} s   demo plan {best:6.1f} s (best of {args.repeat}; "
                  f"{crimes:,} crimes, {len(res.table):,} result rows)", flush=True)


if __name__ == "__main__":
    main()
