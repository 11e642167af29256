"""Make many Parquet files of one table whose ids repeat across files: a multi-file load to time.

Each file is `--rows` crimes taken in turn from a synthetic force's crimes.parquet (`crimeplan
synth`), with ids of its own; then, in every file after the first, `--repeats` rows take the id
of a row of the file before and as many the id of a row of the first file, so an id can be in
three files.  A load of them all quarantines each later copy (`contract.overlap`).

    crimeplan synth --out SRC --scale 1
    python benchmarks/many_files.py --crimes SRC/crimes.parquet --out DIR --files 40 --rows 200000
    /usr/bin/time -v crimeplan load crimes DIR/*.parquet --store DIR.duckdb --extract-date 2026-09-30

A script, not a test.  Figures: docs/performance.md ("Loading").
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq


def main() -> None:
    """Write the files and print how many ids repeat an earlier file's."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--crimes", type=Path, required=True, help="a canonical crimes.parquet to take rows from")
    ap.add_argument("--out", type=Path, required=True, help="folder for the files")
    ap.add_argument("--files", type=int, default=40)
    ap.add_argument("--rows", type=int, default=200_000, help="rows a file")
    ap.add_argument("--repeats", type=int, default=1_000,
                    help="rows of each later file with the previous file's ids (as many with the first's)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    source = pq.read_table(args.crimes)
    rng = np.random.default_rng(args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    previous: list[str] = []
    first: list[str] = []
    repeated = 0
    for k in range(args.files):
        start = (k * args.rows) % max(source.num_rows - args.rows, 1)
        part = source.slice(start, args.rows)
        ids = [f"F{k:03d}-{i:07d}" for i in range(part.num_rows)]
        if k:  # some rows repeat the previous file's ids, some the first file's
            where = rng.choice(part.num_rows, size=2 * args.repeats, replace=False)
            taken = [previous[i] for i in rng.choice(len(previous), size=args.repeats, replace=False)]
            taken += [first[i] for i in rng.choice(len(first), size=args.repeats, replace=False)]
            for at, earlier_id in zip(where, taken):
                ids[at] = earlier_id
            repeated += len(where)
        part = part.set_column(part.schema.get_field_index("crime_id"), "crime_id", pa.array(ids, pa.string()))
        pq.write_table(part, args.out / f"crimes-{k:03d}.parquet")
        previous = ids
        first = first or ids
    print(f"{args.files} files of {args.rows:,} rows in {args.out}; {repeated:,} rows given an earlier file's id")


if __name__ == "__main__":
    main()
