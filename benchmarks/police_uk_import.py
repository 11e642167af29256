"""Time `crimeplan import police-uk` on years of one force's street files, against DuckDB's raw read.

The files are made from the real Essex street files (police_uk_street/essex in the real data
folder: --data DIR, else $CRIMEPLAN_REAL_DATA, else ../shared/data/real):
`--months` monthly files, each a copy of one real month in turn with its Month set to the file's
month and its Crime IDs made unique, so the importer finds no repeat. Then, in one run:

- DuckDB's raw read of the same files (`read_csv`, every column as text, into a DuckDB file);
- the importer alone (`police_uk.import_files`: reading, checking and mapping the rows);
- the whole command, `crimeplan import police-uk FOLDER --force Essex --store S`, in a fresh
  process (start-up, the importer, staging, the store's checks and writing).

    make bench-import            # or:
    python benchmarks/police_uk_import.py --months 120 --workdir build/bench-police-uk

A script, not a test. Figures: docs/performance.md ("Importing police.uk files").
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

from _memory import own_peak_mb  # beside this script

from crimeplan.errors import BadInput
from crimeplan.sources.real_data import add_data_option, real_folder

ROOT = Path(__file__).resolve().parents[1]


def _usage(started: float, cpu_started: float, **more: float) -> str:
    """Wall and CPU time (every thread) since the start, and the peak memory, as JSON."""
    return json.dumps({"seconds": time.perf_counter() - started,
                       "cpu": time.process_time() - cpu_started, "peak_mb": own_peak_mb(), **more})


def make_files(real: Path, out: Path, months: int) -> int:
    """Write `months` street files from the real ones; the number of rows written."""
    import gzip

    sources = sorted(real.glob("*-street.csv*"))
    if not sources:
        raise SystemExit(f"no street files in {real}")
    out.mkdir(parents=True, exist_ok=True)
    rows = 0
    for k in range(months):
        year, month = 2015 + k // 12, k % 12 + 1
        src = sources[k % len(sources)]
        opener = gzip.open if src.suffix == ".gz" else open
        with opener(src, "rt", encoding="utf-8", newline="") as fh:  # type: ignore[operator]
            records = list(csv.reader(fh))
        head, body = records[0], records[1:]
        at_id, at_month = head.index("Crime ID"), head.index("Month")
        for r in body:
            r[at_month] = f"{year}-{month:02d}"
            if r[at_id]:
                r[at_id] = f"{year}{month:02d}{r[at_id]}"
        rows += _write_csv(out / f"{year}-{month:02d}-essex-street.csv", head, body)
    return rows


def _write_csv(path: Path, head: list[str], body: list[list[str]]) -> int:
    """Write a CSV file (header and rows); the rows written."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([head, *body])
    path.write_text(buf.getvalue(), encoding="utf-8")
    return len(body)


def make_outcomes(street: Path, out: Path) -> int:
    """Street files and, beside them, an outcomes file a month: the rows written to outcomes.

    Each crime with an id and a last outcome gets that outcome in its own month's file, and every
    third one a later outcome in the next month's file (which supersedes the first).
    """
    out.mkdir(parents=True, exist_ok=True)
    head = ["Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude", "Location",
            "LSOA code", "LSOA name", "Outcome type"]
    months: dict[str, list[list[str]]] = {}
    for path in sorted(street.glob("*-street.csv")):
        target = out / path.name
        if not target.exists():
            target.symlink_to(path.resolve())
        with path.open(newline="", encoding="utf-8") as fh:
            records = list(csv.DictReader(fh))
        for k, r in enumerate(r for r in records if r["Crime ID"] and r["Last outcome category"]):
            base = [r["Crime ID"], r["Month"], r["Reported by"], r["Falls within"], r["Longitude"],
                    r["Latitude"], r["Location"], r["LSOA code"], r["LSOA name"]]
            months.setdefault(r["Month"], []).append([*base, r["Last outcome category"]])
            if k % 3 == 0:
                year, month = map(int, r["Month"].split("-"))
                later = f"{year + month // 12}-{month % 12 + 1:02d}"
                base[1] = later
                months.setdefault(later, []).append([*base, "Investigation complete; no suspect identified"])
    return sum(_write_csv(out / f"{month}-essex-outcomes.csv", head, body) for month, body in months.items())


def child_raw(data: Path, store: Path) -> None:
    """(child) DuckDB's raw read of the files into a new DuckDB file, every column as text."""
    import duckdb

    store.unlink(missing_ok=True)
    t, c = time.perf_counter(), time.process_time()
    con = duckdb.connect(str(store))
    for kind in ("street", "outcomes"):
        files = [str(p) for p in sorted(data.glob(f"*-{kind}.csv"))]
        if files:
            con.execute(f"CREATE TABLE {kind} AS SELECT * FROM read_csv(?, header=true, all_varchar=true)",
                        [files])
    con.close()
    print(_usage(t, c))


def child_import(data: Path, store: Path) -> None:
    """(child) The importer alone, in-process, after its imports."""
    from crimeplan.sources import police_uk

    t, c = time.perf_counter(), time.process_time()
    res = police_uk.import_files([data], force="Essex")
    print(_usage(t, c, rows=res.tables["crimes"].num_rows + res.tables["incidents"].num_rows))


def _child(mode: str, data: Path, store: Path) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, f"--{mode}", str(data), str(store)],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _command(data: Path, store: Path) -> dict[str, float]:
    """The whole command in a fresh process: wall time from its start, CPU, peak memory."""
    shutil.rmtree(store.parent, ignore_errors=True)
    store.parent.mkdir(parents=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-f", "%M", str(Path(sys.executable).parent / "crimeplan"),
                    "import", "police-uk", str(data), "--force", "Essex", "--store", str(store)],
                   check=True, capture_output=True, text=True)
    seconds = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"seconds": seconds, "cpu": after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime,
            "peak_mb": int(done.stderr.strip().splitlines()[-1]) / 1024}


def main() -> None:
    """Make the files (once) and print the timings and ratios."""
    if len(sys.argv) == 4 and sys.argv[1] in ("--raw", "--import"):
        (child_raw if sys.argv[1] == "--raw" else child_import)(Path(sys.argv[2]), Path(sys.argv[3]))
        return
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_data_option(ap, ROOT)
    ap.add_argument("--months", type=int, default=120)
    ap.add_argument("--workdir", type=Path, default=ROOT / "build" / "bench-police-uk")
    ap.add_argument("--outcomes", action="store_true",
                    help="import an outcomes file a month as well (made from the street files)")
    args = ap.parse_args()
    data = args.workdir / f"street-{args.months}"
    if not data.exists():
        t = time.perf_counter()
        try:
            real = real_folder(args.data, "police_uk_street", "essex")
        except BadInput as exc:
            raise SystemExit(str(exc)) from None
        rows = make_files(real, data, args.months)
        print(f"{args.months} street files, {rows:,} rows, written in {time.perf_counter() - t:.0f} s to {data}")
    if args.outcomes:
        street, data = data, args.workdir / f"street-and-outcomes-{args.months}"
        if not data.exists():
            rows = make_outcomes(street, data)
            print(f"outcomes files beside them, {rows:,} rows, in {data}")
    raw = _child("raw", data, args.workdir / "raw.duckdb")
    imp = _child("import", data, args.workdir / "-")
    cmd = _command(data, args.workdir / "store" / "s.duckdb")
    print(f"police.uk street files{' and outcomes files' if args.outcomes else ''}, {args.months} months "
          f"of Essex, {imp['rows']:,.0f} crimes and ASB incidents:")
    print(f"  DuckDB raw read (read_csv, all text): {raw['seconds']:.1f} s wall, {raw['cpu']:.1f} s CPU, "
          f"peak {raw['peak_mb']:,.0f} MB")
    print(f"  importer alone (import_files)      : {imp['seconds']:.1f} s wall, {imp['cpu']:.1f} s CPU, "
          f"{imp['rows'] / imp['seconds']:,.0f} rows/s, peak {imp['peak_mb']:,.0f} MB")
    print(f"  `crimeplan import police-uk`       : {cmd['seconds']:.1f} s wall, {cmd['cpu']:.1f} s CPU, "
          f"peak {cmd['peak_mb']:,.0f} MB")
    print(f"  command / raw read: {cmd['seconds'] / raw['seconds']:.1f} x (wall), "
          f"{cmd['cpu'] / raw['cpu']:.1f} x (CPU)")


if __name__ == "__main__":
    main()
