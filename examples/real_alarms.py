"""Data-quality alarms over every real data.police.uk street file: how many, and which.

Imports each force's street files (../shared/data/real/police_uk_street: Essex 16 months,
Kent, Hampshire, Hertfordshire, Suffolk and Norfolk 9 months each, 39 forces for January 2024
alone) into its own fresh store, one import per force, then prints every alarm the imports
raised and the counts: month checks made (series × month with history and size enough),
alarms, the Kent December 2018 ones (a known publication dip, README §1b) and the rest.

    .venv/bin/python examples/real_alarms.py [--data DIR] [--out real-alarms]

DIR is the real data folder (default: $CRIMEPLAN_REAL_DATA, else ../shared/data/real beside the
checkout).

Contains public sector information licensed under the Open Government Licence v3.0.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from crimeplan.errors import BadInput
from crimeplan.sources import run_import
from crimeplan.sources.real_data import add_data_option, real_folder
from crimeplan.store import Store
from crimeplan.store.alarms import MONTH_COLUMNS, assess_series
from crimeplan.store.quality import table_series

KNOWN = ("kent", dt.date(2018, 12, 1))  # the real anomaly the alarms must find


def _forces(street: Path) -> dict[str, list[Path]]:
    out: dict[str, list[Path]] = defaultdict(list)
    seen: set[str] = set()  # peers/ and all_forces_2024-01/ hold the same January 2024 files
    for p in sorted(street.rglob("*-street.csv*")):
        m = re.match(r"\d{4}-\d{2}-(.+)-street\.csv", p.name)
        if m and p.name not in seen:
            seen.add(p.name)
            out[m.group(1)].append(p)
    return dict(out)


def main(argv: list[str] | None = None) -> int:
    """Command line: import every force's files and print the alarms; exit 2 when the data is not there."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_data_option(ap, Path(__file__).resolve().parents[1])
    ap.add_argument("--out", type=Path, default=None, help="folder for the stores (default: temporary)")
    args = ap.parse_args(argv)
    try:
        street = real_folder(args.data, "police_uk_street")
    except BadInput as exc:
        print(f"real_alarms: error: {exc}", file=sys.stderr)
        return 2
    out = args.out or Path(tempfile.mkdtemp(prefix="real-alarms-"))
    out.mkdir(parents=True, exist_ok=True)
    checks = alarms = known = 0
    others: list[str] = []
    for slug, files in _forces(street).items():
        store = out / f"{slug}.duckdb"
        store.unlink(missing_ok=True)
        run_import("police-uk", files, store, force=slug, options={})
        with Store(store, read_only=True) as st:
            sid = st.latest_snapshot()
            phys = st.physical_tables(sid)
            for t in (t for t in phys if t in MONTH_COLUMNS):
                supplied = set().union(*st.coverage(t, sid).values())
                for _, _, counts in table_series(st.con, t, phys[t]):
                    checks += len(assess_series(counts, supplied))
            found = st.alarms(sid)
        for a in found:
            alarms += 1
            if (slug, a.month) == KNOWN:
                known += 1
            else:
                others.append(f"{slug}: {a.message}")
        print(f"{slug}: {len(files)} file(s), {len(found)} alarm(s)", flush=True)
    print()
    print(f"month checks made: {checks}; alarms: {alarms}; Kent December 2018: {known}; "
          f"others: {len(others)}")
    for line in others:
        print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
