"""Essex from real public data: police.uk crime by type and district, the ONS 12-month trend and
the Crime Severity Score, as one self-contained HTML page.

    .venv/bin/python examples/real_demo.py --out real-demo-output [--data DIR]

DIR holds the real files (default: $CRIMEPLAN_REAL_DATA, else shared/data/real beside the checkout).  The page
says "missing" for months never supplied (the Essex street files have no 2018-08 or 2018-09),
never zero, and a 12-month total over a missing month is "not computable".
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import os
import shutil
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Iterable

from crimeplan.errors import BadInput, StoreBusy
from crimeplan.sources import run_import
from crimeplan.sources._result import month_label, months_between
from crimeplan.sources.severity import VINTAGE
from crimeplan.store import Store

OGL = "Contains public sector information licensed under the Open Government Licence v3.0"
FORCE = "Essex"
NEIGHBOURS = ["Essex", "Kent", "Hampshire", "Hertfordshire", "Suffolk", "Norfolk"]


def build(data: Path, out: Path) -> Path:
    """Import the real files into a fresh store under out and write the HTML page."""
    out.mkdir(parents=True, exist_ok=True)
    for old in ("store.duckdb", "store.duckdb.wal", "staging", "quarantine"):
        p = out / old
        shutil.rmtree(p) if p.is_dir() else p.unlink(missing_ok=True)
    store = out / "store.duckdb"
    log: list[str] = []
    log += run_import("police-uk", [data / "police_uk_street" / "essex"], store, force=FORCE, options={})
    log += run_import("ons-pfa", [data / "ons_pfa_tables"], store, force=None, options={})
    log += run_import("home-office-prc", [data / "home_office_prc"], store, force=None, options={})
    with Store(store, read_only=True) as st:
        page = _page(st, log)
    target = out / "essex-real-data.html"
    target.write_text(page, encoding="utf-8")
    # the monthly report of each force from its police.uk files, through the document model:
    # Essex with its two missing months, Kent with its half-size December 2018 file (an alarm)
    for force, folder, name in (("Essex", data / "police_uk_street" / "essex", "essex"),
                                ("Kent", data / "police_uk_street" / "peers", "kent")):
        files = sorted(folder.glob(f"*-{name}-street.csv*"))
        log += _force_reports(out, force, name, files)
    (out / "import-log.txt").write_text("\n".join(log) + "\n", encoding="utf-8")
    return target


REPORT_MONTH = dt.date(2019, 2, 1)  # the last month both forces' 2018-19 files supply


def _force_reports(out: Path, force: str, name: str, files: list[Path]) -> list[str]:
    """Import one force's street files into a store of its own; write its monthly report."""
    from crimeplan.plans import load_plan
    from crimeplan.report.build import build_document
    from crimeplan.report.render import render_all
    from crimeplan.results import compute

    store = out / f"{name}.duckdb"
    for old in (store, Path(str(store) + ".wal")):
        old.unlink(missing_ok=True)
    log = run_import("police-uk", files, store, force=force, options={"extract_date": "2024-04-30"})
    with Store(store, read_only=True) as st:
        log += [f"{name}: data-quality alarm: {a.message}" for a in st.alarms()]
        results = compute(st, load_plan("police-uk"), REPORT_MONTH)
    document = build_document("monthly", results, edition="internal")
    for written in render_all(document, out / f"{name}-monthly", (".html", ".pdf")):
        log.append(f"wrote {written}")
    return log


def _page(st: Store, log: list[str]) -> str:
    crimes = st.arrow("crimes").select(["recorded_date", "offence_group", "district"]).to_pylist()
    asb = st.arrow("incidents").select(["opened_at", "district"]).to_pylist()
    supplied = set().union(*st.coverage("crimes").values()) if hasattr(st, "coverage") else set()
    supplied = supplied or {r["recorded_date"] for r in crimes}
    peers = st.arrow("peers").to_pylist()
    sections = [
        _by_type(crimes, asb, supplied),
        _by_district(crimes, sorted(st.arrow("areas").column("district").to_pylist())),
        _trend(peers),
        _severity(peers),
        _notes(log, supplied, st.latest_snapshot()),
    ]
    return _html("Essex: recorded crime from public data", "\n".join(sections))


def _by_type(crimes: list[dict[str, Any]], asb: list[dict[str, Any]], supplied: set[dt.date]) -> str:
    counts: dict[dt.date, Counter[str]] = defaultdict(Counter)
    for r in crimes:
        counts[r["recorded_date"]][r["offence_group"]] += 1
    for r in asb:
        counts[r["opened_at"].date().replace(day=1)]["Anti-social behaviour"] += 1
    types = sorted({t for c in counts.values() for t in c})
    first, last = min(supplied), max(supplied)
    rows = []
    gap: list[dt.date] = []
    for m in months_between(first, last):
        if m not in supplied:
            gap.append(m)
            continue
        if gap:
            rows.append(_gap_row(gap, len(types) + 2))
            gap = []
        c = counts.get(m, Counter())
        rows.append("<tr><th>" + month_label(m) + "</th>" + "".join(
            f"<td>{c.get(t, 0):,}</td>" for t in types) + f"<td><b>{sum(c.values()):,}</b></td></tr>")
    head = "<tr><th>Month</th>" + "".join(f"<th>{html.escape(t)}</th>" for t in types) + \
        "<th>All</th></tr>"
    window = _twelve_months(counts, supplied, dt.date(2019, 2, 1))
    return (
        "<h2>Crime and anti-social behaviour by type and month (data.police.uk)</h2>"
        "<p>Offence groups are the police.uk crime types, coarser than the ONS groups. A month the "
        "archive never supplied is shown as <span class='missing'>missing</span>, never as zero.</p>"
        f"<p class='window'>{window}</p>"
        f"<div class='scroll'><table>{head}{''.join(rows)}</table></div>"
    )


def _gap_row(gap: list[dt.date], width: int) -> str:
    label = month_label(gap[0]) if len(gap) == 1 else f"{month_label(gap[0])} to {month_label(gap[-1])}"
    what = "missing: not supplied" + (f" ({len(gap)} months)" if len(gap) > 1 else "")
    return (f"<tr class='gap'><th>{label}</th><td colspan='{width - 1}' class='missing'>"
            f"{what}</td></tr>")


def _twelve_months(counts: dict[dt.date, Counter[str]], supplied: set[dt.date], end: dt.date) -> str:
    """The 12 months to end: a total only when every month was supplied."""
    window = months_between(dt.date(end.year - 1, end.month, 1), end)[1:]
    missing = [m for m in window if m not in supplied]
    if missing:
        have = sum(sum(counts.get(m, Counter()).values()) for m in window if m in supplied)
        return (f"12 months to {month_label(end)}: <b>not computable</b> — "
                f"{len(missing)} months missing ({', '.join(month_label(m) for m in missing)}); "
                f"the {12 - len(missing)} supplied months hold {have:,} crimes and ASB incidents.")
    total = sum(sum(counts.get(m, Counter()).values()) for m in window)
    return f"12 months to {month_label(end)}: {total:,}"


def _by_district(crimes: list[dict[str, Any]], districts: list[str]) -> str:
    periods = [("2018-01 to 2019-02 (12 of 14 months supplied)",
                lambda d: dt.date(2018, 1, 1) <= d <= dt.date(2019, 2, 1)),
               ("2024-01 to 2024-04", lambda d: d >= dt.date(2024, 1, 1))]
    table: dict[str, list[int]] = {d: [0, 0] for d in districts + ["Force level (outside the "
                                                                    "districts or no location)"]}
    for r in crimes:
        key = r["district"] or "Force level (outside the districts or no location)"
        for i, (_, inside) in enumerate(periods):
            if inside(r["recorded_date"]):
                table.setdefault(key, [0, 0])[i] += 1
    head = "<tr><th>District</th>" + "".join(f"<th>{p}</th>" for p, _ in periods) + "</tr>"
    body = "".join(f"<tr><th>{html.escape(d)}</th>" + "".join(f"<td>{v:,}</td>" for v in vals)
                   + "</tr>" for d, vals in table.items())
    return ("<h2>Crimes by district (data.police.uk, excluding anti-social behaviour)</h2>"
            "<p>District is the local authority of the crime's LSOA; rows outside Essex's 14 "
            "districts and rows with no location count at force level.</p>"
            f"<table>{head}{body}</table>")


def _trend(peers: list[dict[str, Any]]) -> str:
    rows = {r["period_end"]: r for r in peers if r["force"] == FORCE and r["measure_id"] == "all_crime"}
    ends = sorted(rows)
    body = "".join(
        f"<tr><th>{d:%b %Y}</th><td>{rows[d]['numerator']:,.0f}</td><td>"
        + (f"{rows[d]['value']:.1f}" if rows[d]["value"] is not None else "not published")
        + "</td></tr>" for d in ends)
    compare = _neighbours(peers, max(d for d in ends if d.year < 2025))
    return ("<h2>Total recorded crime, rolling 12 months (ONS Police Force Area tables)</h2>"
            "<p>Excluding fraud. Eight consecutive quarterly editions, then year ending June 2025; "
            "the editions in between were not supplied, so the line breaks there.</p>"
            + _svg(ends, [rows[d]["numerator"] for d in ends])
            + f"<table><tr><th>12 months ending</th><th>Offences</th><th>Rate per 1,000</th></tr>"
            f"{body}</table>" + compare)


def _neighbours(peers: list[dict[str, Any]], end: dt.date) -> str:
    rows = sorted(((r["value"], r["force"]) for r in peers if r["period_end"] == end
                   and r["measure_id"] == "all_crime" and r["force"] in NEIGHBOURS
                   and r["value"] is not None), reverse=True)
    body = "".join(f"<tr{' class=home' if f == FORCE else ''}><th>{f}</th><td>{v:.1f}</td></tr>"
                   for v, f in rows)
    return (f"<h3>Nearby county forces, 12 months ending {end:%b %Y}</h3><p>Rate per 1,000 "
            "residents. These are neighbouring forces, not an HMICFRS Most Similar Group.</p>"
            f"<table><tr><th>Force</th><th>Rate per 1,000</th></tr>{body}</table>")


def _svg(ends: list[dt.date], values: list[float]) -> str:
    """A small line chart; a run of missing quarters breaks the line."""
    w, h, pad = 640, 220, 40
    quarters = [(d.year * 12 + d.month) // 3 for d in ends]
    q0, q1 = min(quarters), max(quarters)
    lo, hi = 0.0, max(values) * 1.1

    def xy(q: int, v: float) -> tuple[float, float]:
        return (pad + (q - q0) / max(q1 - q0, 1) * (w - 2 * pad),
                h - pad - (v - lo) / (hi - lo) * (h - 2 * pad))

    runs: list[list[tuple[float, float]]] = []
    for i, (q, v) in enumerate(zip(quarters, values)):
        if i and q - quarters[i - 1] == 1:
            runs[-1].append(xy(q, v))
        else:
            runs.append([xy(q, v)])
    lines = "".join("<polyline fill='none' stroke='#1f5f8b' stroke-width='2' points='"
                    + " ".join(f"{x:.1f},{y:.1f}" for x, y in run) + "'/>" for run in runs)
    dots = "".join(f"<circle cx='{x:.1f}' cy='{y:.1f}' r='3' fill='#1f5f8b'/>"
                   for run in runs for x, y in run)
    labels = "".join(f"<text x='{xy(q, v)[0]:.1f}' y='{h - 12}' font-size='10' "
                     f"text-anchor='middle'>{d:%b %y}</text>" for q, v, d in zip(quarters, values, ends))
    return (f"<svg width='{w}' height='{h}' role='img' aria-label='Essex total recorded crime'>"
            f"<line x1='{pad}' y1='{h - pad}' x2='{w - pad}' y2='{h - pad}' stroke='#999'/>"
            f"{lines}{dots}{labels}</svg>")


def _severity(peers: list[dict[str, Any]]) -> str:
    css = sorted((r for r in peers if r["measure_id"] == "crime_severity_score" and r["value"]),
                 key=lambda r: -r["value"])
    if not css:
        return "<h2>Crime Severity Score</h2><p>Not available.</p>"
    rank = next(i for i, r in enumerate(css, 1) if r["force"] == FORCE)
    essex = css[rank - 1]
    body = "".join(
        f"<tr{' class=home' if r['force'] == FORCE else ''}><td>{i}</td><th>{html.escape(r['force'])}</th>"
        f"<td>{r['value']:.2f}</td></tr>" for i, r in enumerate(css, 1))
    return ("<h2>Crime Severity Score, 2017/18 (Home Office data by offence code)</h2>"
            f"<p>Essex: <b>{essex['value']:.2f}</b> weighted offences per resident, "
            f"{rank} of {len(css)} forces (1 = most severe). Score = Σ offences × severity weight ÷ "
            "population (ONS method; fraud excluded); population is the ONS mid-year estimate "
            f"the YE March 2018 tables use. Weights: {html.escape(VINTAGE)}.</p>"
            f"<div class='scroll short'><table><tr><th>Rank</th><th>Force</th><th>Score</th></tr>"
            f"{body}</table></div>")


def _notes(log: list[str], supplied: set[dt.date], snapshot: int | None) -> str:
    keep = [line for line in log if not line.startswith("/") and any(k in line for k in (
        "outside the force", "No Location", "months covered", "editions", "no total for",
        "Crime Severity Score:", "rows added", "negative quarterly", "snapshot"))]
    items = "".join(f"<li>{html.escape(line)}</li>" for line in keep)
    return (f"<h2>About the data</h2><ul>{items}</ul>"
            f"<p>Every figure above comes from store snapshot {snapshot}. Sources: data.police.uk "
            "street archive (Essex Police); ONS Crime in England and Wales: Police Force Area data "
            "tables; Home Office police recorded crime open data by offence code; ONS Crime "
            "Severity Score weights.</p>")


def _html(title: str, body: str) -> str:
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 72rem; color: #222; }}
table {{ border-collapse: collapse; font-size: 0.85rem; margin: 0.5rem 0 1.5rem; }}
th, td {{ border: 1px solid #ccc; padding: 0.2rem 0.45rem; text-align: right; }}
th {{ background: #f3f3f3; text-align: left; }}
.missing {{ color: #a33; font-style: italic; text-align: center; }}
tr.gap th {{ color: #a33; }} tr.home th, tr.home td {{ background: #fff4cc; }}
.scroll {{ overflow-x: auto; }} .short {{ max-height: 24rem; overflow-y: auto; }}
footer {{ margin-top: 2rem; font-size: 0.85rem; color: #555; border-top: 1px solid #ccc; }}
</style></head><body>
<h1>{html.escape(title)}</h1>
{body}
<footer><p>{OGL}.</p><p>Made with crimeplan on {dt.date.today():%d %B %Y}.</p></footer>
</body></html>
"""


def _beside_checkout() -> Path:
    """shared/data/real beside the checkout, where the project's layout puts it."""
    beside = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "real"
    return beside if beside.exists() else Path("/work/shared/data/real")


def main(argv: Iterable[str] | None = None) -> int:
    """Command line: build the page; exit 2 with one message on bad input."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path("real-demo-output"))
    ap.add_argument("--data", type=Path,
                    default=Path(os.environ.get("CRIMEPLAN_REAL_DATA", str(_beside_checkout()))))
    args = ap.parse_args(list(argv) if argv is not None else None)
    try:
        page = build(args.data, args.out)
    except (BadInput, StoreBusy) as exc:
        print(f"real_demo: error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {page}")
    log = (args.out / "import-log.txt").read_text(encoding="utf-8").splitlines()
    for line in log:  # the forces' monthly reports, and what the alarms found
        if line.startswith("wrote ") or ("data-quality alarm" in line and " district '" not in line
                                           and " category '" not in line):
            print(line)
    print(f"wrote {args.out / 'import-log.txt'}")
    print(f"store {args.out / 'store.duckdb'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
