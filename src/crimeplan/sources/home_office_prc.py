"""Home Office police recorded crime open data (PFA tables) → aggregates, with the Crime Severity Score.

Each row (financial year, quarter, force, offence code, count) becomes one `aggregates` row:
measure_id `ho_prc:<offence code>`, area = the force's canonical name (Home Office spellings such
as `London, City of` are translated; Action Fraud, CIFAS, UK Finance and Financial Fraud Action
UK keep their own names), period = the quarter (Q1 = April–June).  Rows with the same force, quarter
and code are added together (the real file lists homicide codes 1, 4.1, 4.10 and 4.2 as four
rows under one combined code); a repeated row id (the file's unnamed first column) is quarantined.
Negative quarterly counts are real (Home Office adjustments) and are kept and counted.  For every force with all four
quarters of a financial year the Crime Severity Score is written to `peers` and `aggregates`
(measure `crime_severity_score`) when a population is known.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from crimeplan.errors import BadInput
from crimeplan.sources import _forces, severity
from crimeplan.sources._read import CsvReader, expand
from crimeplan.sources._result import FileCount, ImportResult, QRow, canonical

SOURCE = "home-office-prc"
OPTIONS = {"weights": "Crime Severity Score weights CSV (default: the shipped ONS weights)",
           "population": "CSV of force populations (columns code or name, and a population column)"}
REQUIRED = ["Financial_Year", "Financial_Quarter", "Force_Name", "Offence_Code", "Number_of_Offences"]
OPTIONAL = ["", "Offence_Description", "Offence_Group", "Offence_Subgroup", "Policeuk_Cat"]
LABEL = "Home Office police recorded crime open data (PFA)"


def quarter(fy: str, q: str) -> tuple[dt.date, dt.date] | None:
    """(first day, last day) of quarter q of financial year `2017/18` (Q1 = April–June)."""
    m = re.fullmatch(r"\s*(\d{4})\s*/\s*(\d{2}|\d{4})\s*", fy or "")
    if not m or not (q or "").strip().isdigit() or not 1 <= int(q) <= 4:
        return None
    start_year = int(m.group(1))
    if int(m.group(2)[-2:]) != (start_year + 1) % 100:
        return None
    month = 4 + 3 * (int(q) - 1)
    year = start_year + (month > 12)
    month = (month - 1) % 12 + 1
    start = dt.date(year, month, 1)
    nxt = dt.date(year + (month + 3 > 12), (month + 2) % 12 + 1, 1)
    return start, nxt - dt.timedelta(days=1)


def import_files(paths: list[Path], *, force: str | None = None,
                 options: dict[str, str] | None = None,
                 populations: dict[tuple[str, dt.date], float] | None = None) -> ImportResult:
    """Read PRC files into aggregates (and the Crime Severity Score into peers/aggregates)."""
    options = options or {}
    only = _forces.resolve(force) if force else None
    weights = severity.load_weights(Path(options["weights"]) if options.get("weights") else None)
    pops = dict(populations or {})
    pop_note = "population from the store's ONS peers table (Table P3)" if pops else ""
    if options.get("population"):
        pops = _read_population(Path(options["population"]))
        pop_note = f"population from {options['population']}"
    res = ImportResult(SOURCE)
    rows: dict[str, list[Any]] = defaultdict(list)
    prov: list[tuple[str, int]] = []
    seen: dict[tuple[str, str, str, str], int] = {}  # key → index of its aggregates row
    ids: dict[str, int] = {}
    negative = merged = 0
    other_bodies: set[str] = set()
    for path in expand(paths, r".*\.csv(\.gz)?", "Home Office PRC files (.csv)"):
        label = str(path)
        reader = CsvReader(path, REQUIRED, OPTIONAL)
        before = len(res.quarantine)
        fc = FileCount(label)

        def bad(row: int, fld: str, value: str, reason: str, label: str = label) -> None:
            res.quarantine.append(QRow(label, row, fld, value, reason))

        for row, r in reader.records(res.quarantine):
            period = quarter(r["Financial_Year"], r["Financial_Quarter"])
            if period is None:
                bad(row, "Financial_Quarter", f"{r['Financial_Year']} Q{r['Financial_Quarter']}",
                    "not a financial year YYYY/YY and quarter 1-4")
                continue
            count_text = r["Number_of_Offences"].replace(",", "").strip()
            if not re.fullmatch(r"-?\d+(\.0+)?", count_text):
                bad(row, "Number_of_Offences", r["Number_of_Offences"], "not a whole number")
                continue
            code = r["Offence_Code"].strip()
            name = r["Force_Name"].strip()
            if not code or not name:
                bad(row, "Offence_Code" if not code else "Force_Name", "", "required value is missing")
                continue
            f = _forces.find(name)
            if only is not None and f != only:
                fc.out_of_scope += 1
                continue
            area = f.name if f else name
            if f is None:
                other_bodies.add(name)
            rid = r.get("", "").strip()
            if rid:
                if rid in ids:
                    bad(row, "(row id)", rid, f"duplicate row id (first seen in row {ids[rid]})")
                    continue
                ids[rid] = row
            n = int(float(count_text))
            negative += n < 0
            key = (area, r["Financial_Year"].strip(), r["Financial_Quarter"].strip(), code.upper())
            if key in seen:  # several rows for one code: added together (see the module doc)
                rows["numerator"][seen[key]] += n
                rows["value"][seen[key]] += n
                merged += 1
                continue
            seen[key] = len(prov)
            rows["measure_id"].append(f"ho_prc:{code}")
            rows["area"].append(area)
            rows["period_start"].append(period[0])
            rows["period_end"].append(period[1])
            rows["numerator"].append(float(n))
            rows["denominator"].append(None)
            rows["value"].append(float(n))
            rows["source"].append(LABEL)
            rows["note"].append(r.get("Offence_Description", "").strip() or None)
            prov.append((label, row))
        fc.read = reader.rows_read
        fc.quarantined = len(res.quarantine) - before
        fc.mapped = fc.read - fc.quarantined - fc.out_of_scope
        res.files.append(fc)
    if merged:
        res.notes.append(f"{merged} rows added to an earlier row with the same force, quarter and "
                         "offence code (the PRC file lists homicide codes 1, 4.1, 4.10 and 4.2 "
                         "as four rows under one combined code)")
    if negative:
        res.notes.append(f"{negative} negative quarterly counts kept (Home Office adjustments)")
    if other_bodies:
        res.notes.append("not police force areas, kept under their own names: "
                         + ", ".join(sorted(other_bodies)))
    _add_css(res, rows, prov, pops, pop_note, weights)
    res.tables["aggregates"] = canonical("aggregates", dict(rows))
    res.provenance["aggregates"] = prov
    quarters = sorted({d.replace(day=1) for d in rows["period_end"]})
    months = sorted({m for q in quarters for m in _quarter_months(q)})
    res.coverage = {"aggregates": {SOURCE: months}}
    css_months = sorted({d.replace(day=1) for d in res.tables["peers"].column("period_end").to_pylist()})
    if css_months:
        res.coverage["peers"] = {SOURCE: css_months}
    return res


def _quarter_months(end_month: dt.date) -> list[dt.date]:
    out = []
    y, m = end_month.year, end_month.month
    for _ in range(3):
        out.append(dt.date(y, m, 1))
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return out


def _add_css(res: ImportResult, rows: dict[str, list[Any]], prov: list[tuple[str, int]],
             pops: dict[tuple[str, dt.date], float], pop_note: str, weights: severity.Weights) -> None:
    """Crime Severity Score per force and complete financial year, into peers and aggregates."""
    by: dict[tuple[str, dt.date], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    quarters: dict[tuple[str, dt.date], set[dt.date]] = defaultdict(set)
    for mid, area, start, end, n in zip(rows["measure_id"], rows["area"], rows["period_start"],
                                        rows["period_end"], rows["numerator"]):
        fy_end = dt.date(start.year + (start.month >= 4), 3, 31)
        by[(area, fy_end)][mid.split(":", 1)[1]] += n
        quarters[(area, fy_end)].add(end)
    peers: dict[str, list[Any]] = defaultdict(list)
    pprov: list[tuple[str, int]] = []
    territorial = {f.name for f in _forces.forces() if f.pfa_code}
    unweighted: dict[str, float] = defaultdict(float)
    scored = 0
    for (area, fy_end), counts in sorted(by.items()):
        if area not in territorial or len(quarters[(area, fy_end)]) < 4:
            continue
        pop = pops.get((area, fy_end))
        s = severity.score(counts.items(), pop, weights)
        for c, n in s.unweighted.items():
            unweighted[c] += n
        src = ("crime severity", 0)
        peers["force"].append(area)
        peers["measure_id"].append("crime_severity_score")
        peers["period_end"].append(fy_end)
        peers["numerator"].append(s.weighted)
        peers["denominator"].append(pop)
        peers["population"].append(pop)
        peers["value"].append(s.value)
        pprov.append(src)
        rows["measure_id"].append("crime_severity_score")
        rows["area"].append(area)
        rows["period_start"].append(dt.date(fy_end.year - 1, 4, 1))
        rows["period_end"].append(fy_end)
        rows["numerator"].append(s.weighted)
        rows["denominator"].append(pop)
        rows["value"].append(s.value)
        rows["source"].append(f"{LABEL} × {weights.vintage}")
        rows["note"].append("Σ offences × weight ÷ population" if pop else
                            "no population: weighted offences only")
        prov.append(src)
        scored += pop is not None
    res.tables["peers"] = canonical("peers", dict(peers))
    res.provenance["peers"] = pprov
    res.notes.append(f"Crime Severity Score: {len(peers['force'])} force-years, {scored} with a "
                     f"population ({pop_note or 'no population given'}); weights: {weights.vintage}")
    if unweighted:
        res.notes.append("offence codes with no severity weight (left out of the score): "
                         + ", ".join(f"{c} ({n:g})" for c, n in sorted(unweighted.items())))


def _read_population(path: Path) -> dict[tuple[str, dt.date], float]:
    """Force populations from a CSV: `code` or `name`, and the first numeric column after them."""
    from crimeplan.sources._grid import csv_grid, number

    grid, _ = csv_grid(path)
    if not grid:
        raise BadInput("the file is empty", file=str(path), row=0)
    head = [h.strip().lower() for h in grid[0]]
    pop_col = next((i for i, h in enumerate(head) if h.startswith(("population", "mye"))), None)
    if pop_col is None:
        raise BadInput("no population (or MYEyyyy) column", file=str(path), row=0, field="population")
    out: dict[tuple[str, dt.date], float] = {}
    for _i, r in enumerate(grid[1:], start=1):
        f = None
        for cell in r[:pop_col]:
            f = f or _forces.find(cell)
        state, x = number(r[pop_col] if pop_col < len(r) else None)
        if f is not None and state == "value" and x:
            for year in range(2000, 2040):  # one population for every financial year
                out[(f.name, dt.date(year, 3, 31))] = x
    return out
