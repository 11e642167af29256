"""Any force from real public data: its monthly report and MSG page, built like every other report.

    .venv/bin/python examples/real_demo.py --out real-demo-output [--force Kent ...] [--data DIR]

For each force (default: Essex and Kent) it writes the force's starter plan (what `crimeplan init`
writes), imports the force's data.police.uk street files and the ONS Police Force Area tables into
a store of its own, and renders from the document model: the monthly report (HTML and PDF) and
the MSG page (HTML).  The starter plan names no peer group (MSG membership comes from HMICFRS), so
the MSG page says so.  Essex's street files have no 2018-08 or 2018-09: its report says those months
are missing, never zero.  Kent's December 2018 file is half size: an alarm, footnoted.

DIR is the real data folder (default: $CRIMEPLAN_REAL_DATA, else ../shared/data/real beside the
checkout).  Contains public sector information licensed under the Open Government Licence v3.0.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from pathlib import Path
from typing import Iterable

from crimeplan.errors import BadInput, StoreBusy
from crimeplan.plans import load_plan
from crimeplan.sources.starter import write_starter
from crimeplan.report.build import build_document
from crimeplan.report.render import render, render_all
from crimeplan.results import compute
from crimeplan.sources import _forces, run_import
from crimeplan.sources.real_data import add_data_option, real_folder
from crimeplan.store import Store

CHECKOUT = Path(__file__).resolve().parents[1]
FORCES = ("Essex", "Kent")
REPORT_MONTH = "2019-02"  # the last month both default forces' 2018-19 files supply


def street_files(street: Path, force: _forces.Force) -> list[Path]:
    """The force's street files anywhere under police_uk_street (each month once)."""
    seen: dict[str, Path] = {}
    for p in sorted(street.rglob(f"*-{force.slug}-street.csv*")):
        if re.match(rf"\d{{4}}-\d{{2}}-{re.escape(force.slug)}-street\.csv", p.name):
            seen.setdefault(p.name, p)  # peers/ and all_forces_2024-01/ share January 2024
    if not seen:
        raise BadInput(f"no data.police.uk street files for {force.police_uk} (*-{force.slug}-street.csv)",
                       file=str(street))
    return sorted(seen.values(), key=lambda p: p.name)


def force_reports(data: Path, out: Path, force_name: str, month: dt.date) -> list[str]:
    """Plan, store and reports of one force; the lines to log."""
    force = _forces.resolve(force_name)
    files = street_files(real_folder(data, "police_uk_street"), force)
    plan_path = write_starter(force.name, out / "plans", overwrite=True)
    store = out / f"{force.slug}.duckdb"
    for old in (store, Path(str(store) + ".wal")):
        old.unlink(missing_ok=True)
    log = [f"wrote {plan_path}"]
    log += run_import("police-uk", files, store, force=force.name, options={"extract_date": "2024-04-30"})
    log += run_import("ons-pfa", [real_folder(data, "ons_pfa_tables")], store, force=None, options={})
    with Store(store, read_only=True) as st:
        log += [f"{force.slug}: data-quality alarm: {a.message}" for a in st.alarms()]
        results = compute(st, load_plan(plan_path), month)
    document = build_document("monthly", results, edition="internal")
    log += [f"wrote {p}" for p in render_all(document, out / f"{force.slug}-monthly", (".html", ".pdf"))]
    log.append(f"wrote {render(build_document('msg', results), out / f'{force.slug}-msg.html')}")
    return log


def build(data: Path | None, out: Path, forces: Iterable[str] = FORCES,
          month: dt.date = dt.date(2019, 2, 1)) -> list[str]:
    """Every force's plan, store and reports under out; the log (also written to import-log.txt)."""
    real_folder(data)  # one clear line when the data folder is not there
    assert data is not None
    out.mkdir(parents=True, exist_ok=True)
    log: list[str] = []
    for name in forces:
        log += force_reports(data, out, name, month)
    (out / "import-log.txt").write_text("\n".join(log) + "\n", encoding="utf-8")
    return log


def main(argv: Iterable[str] | None = None) -> int:
    """Command line: build every force's reports; exit 2 with one line on bad input."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path("real-demo-output"))
    ap.add_argument("--force", action="append", help="a force as police.uk or ONS spell it (repeatable; "
                                                     "default Essex and Kent)")
    ap.add_argument("--to", default=REPORT_MONTH, help="the report's month YYYY-MM")
    add_data_option(ap, CHECKOUT)
    args = ap.parse_args(list(argv) if argv is not None else None)
    try:
        try:
            month = dt.date.fromisoformat(args.to + "-01")
        except ValueError:
            raise BadInput(f"--to must be a month YYYY-MM, not {args.to!r}", field="--to") from None
        log = build(args.data, args.out, args.force or FORCES, month)
    except (BadInput, StoreBusy) as exc:
        print(f"real_demo: error: {exc}", file=sys.stderr)
        return 2
    for line in log:  # the plans and reports written, and what the alarms found
        if line.startswith("wrote ") or ("data-quality alarm" in line and " district '" not in line
                                           and " category '" not in line):
            print(line)
    print(f"wrote {args.out / 'import-log.txt'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
