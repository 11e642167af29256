"""Essex Police against its Most Similar Group, edition by edition, from the real ONS tables.

    .venv/bin/python examples/essex_msg.py --out essex-msg-output [--data DIR]

DIR is the real data folder (default: $CRIMEPLAN_REAL_DATA, else ../shared/data/real beside the
checkout); its ons_pfa_tables/ are read.  Imports the ONS Police Force Area tables (eight
quarterly editions 2018-2019 and the 2025 CSVs) into a new store, then writes the MSG section
(HTML) of the shipped plan essex-msg (plans/essex-msg.yaml) for each edition:
Essex's position among Avon and Somerset, Derbyshire, Hampshire, Hertfordshire, Leicestershire,
Staffordshire and Sussex (the MSG named in seed 000) on total recorded crime and each offence
group, with change required, significance and position change since the previous edition.
Contains public sector information licensed under the Open Government Licence v3.0.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from crimeplan.errors import BadInput, StoreBusy
from crimeplan.plans import load_plan
from crimeplan.report.build import build_document
from crimeplan.report.render import render
from crimeplan.results import compute
from crimeplan.sources.real_data import add_data_option, real_folder
from crimeplan.sources.run import run_import
from crimeplan.store import open_store

CHECKOUT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    """Command line: write the MSG pages; exit 2 with one line when the data is not there."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path("essex-msg-output"))
    add_data_option(ap, CHECKOUT)
    args = ap.parse_args(argv)
    try:
        pages(real_folder(args.data, "ons_pfa_tables"), args.out)
    except (BadInput, StoreBusy) as exc:
        print(f"essex_msg: error: {exc}", file=sys.stderr)
        return 2
    return 0


def pages(tables: Path, out: Path) -> None:
    """Import the editions and write one MSG page per edition."""
    out.mkdir(parents=True, exist_ok=True)
    store_path = out / "essex.duckdb"
    for leftover in (store_path, Path(str(store_path) + ".wal")):
        leftover.unlink(missing_ok=True)
    for line in run_import("ons-pfa", [tables], store_path, force=None, options={}):
        print(line)
    plan = load_plan("essex-msg")
    with open_store(store_path, read_only=True) as store:
        periods = sorted({r["period_end"] for r in store.arrow("peers").to_pylist()
                          if r["force"] == plan.msg.home})
        for end in periods:
            month = dt.date(end.year, end.month, 1)
            results = compute(store, plan, month)
            if results.msg.msg_position.isna().all():
                print(f"{month:%Y-%m}: no rates per 1,000 in this edition (the 2025 CSVs give counts "
                      "without populations), so no MSG comparison is written")
                continue
            # public figures, published as such: the public edition (its marking is the plan's)
            page = render(build_document("msg", results, edition="public"), out / f"essex-msg-{month:%Y-%m}.html")
            top = results.msg.iloc[0]
            print(f"wrote {page}: total recorded crime {top.home_value:.1f} per 1,000, "
                  f"{top.msg_position_text} of {top.msg_size} (MSG average {top.msg_average:.1f})")


if __name__ == "__main__":
    sys.exit(main())
