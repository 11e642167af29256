"""ONS "Police Force Area data tables" (xlsx editions and CSV exports) → peers and aggregates.

Tables read: P1 (offences by offence group), P3 (rates per 1,000 with the population used),
and C2 (offences by Community Safety Partnership).  Each territorial force's figures go to
`peers` (force, measure_id, period_end = the edition's 12-month end, numerator = offences,
population and denominator = the P3 population, value = the P3 rate per 1,000); national,
regional, British Transport Police and CSP rows go to `aggregates` with measure ids
`ons_pfa:<measure>` (value = the count, denominator = the population where P3 gives one).

Quirks handled: sheet names with trailing spaces, the header on row 4 (the total's label one
row above it), footnote digits glued to names (`Essex10`), `[note N]` tags, `..`/`[x]`
(not available: no row is written, so the figure is missing, not zero), `+` (rate suppressed),
thousands separators inside quotes with trailing spaces, header cells with line breaks.

Footnotes: the numbered notes under an xlsx table ("10. The homicide figure ... lorry in
Essex.") are carried to the `note` column of the peers rows they apply to, by the marks
glued to the cells: a mark on the title applies to every figure, one on a column heading to
that measure, one on a force's name to that force (only the measure its text names, when it
names one, and only the marked column when the same mark is on a heading too).  Notes no
figure of a force is marked with (national totals, symbols) are not carried.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crimeplan.errors import BadInput
from crimeplan.sources import _forces
from crimeplan.sources._grid import Cell, cell_fault, csv_grid, label_text, number, period_end, workbook_sheets
from crimeplan.sources._read import expand, printable
from crimeplan.sources._result import FileCount, ImportResult, QRow, canonical

SOURCE = "ons-pfa"
OPTIONS: dict[str, str] = {}
MEASURES: dict[str, str] = {
    "total recorded crime (excluding fraud)": "all_crime",
    "violence against the person": "violence_against_the_person",
    "homicide": "homicide",
    "violence with injury": "violence_with_injury",
    "violence without injury": "violence_without_injury",
    "stalking and harassment": "stalking_harassment",
    "death or serious injury - unlawful driving": "death_serious_injury_driving",
    "death or serious injury caused by illegal driving": "death_serious_injury_driving",
    "sexual offences": "sexual_offences",
    "robbery": "robbery",
    "theft offences": "theft_offences",
    "burglary": "burglary",
    "residential burglary": "residential_burglary",
    "non-residential burglary": "non_residential_burglary",
    "vehicle offences": "vehicle_offences",
    "theft from the person": "theft_from_person",
    "bicycle theft": "bicycle_theft",
    "shoplifting": "shoplifting",
    "other theft offences": "other_theft",
    "all other theft offences": "other_theft",
    "criminal damage and arson": "criminal_damage_arson",
    "drug offences": "drug_offences",
    "possession of weapons offences": "possession_of_weapons",
    "public order offences": "public_order",
    "miscellaneous crimes": "misc_crimes_against_society",
    "miscellaneous crimes against society": "misc_crimes_against_society",
}
_IDS = {"area code": "code", "area name": "name", "police force area code": "pfa_code",
        "police force area name": "pfa_name", "community safety partnership code": "csp_code",
        "community safety partnership name": "csp_name", "local authority code": "la_code",
        "local authority name": "la_name"}
_IGNORED = ("household figures", "residential burglary (households)")


@dataclass
class _Row:
    row: int
    code: str
    name: str
    csp: str = ""
    cells: dict[str, tuple[int, Cell]] = field(default_factory=dict)  # measure → (column, raw)
    population: Cell = None
    marks: set[str] = field(default_factory=set)  # footnote numbers glued to the area name


@dataclass
class _Table:
    label: str
    kind: str  # counts | rates | csp
    period: dt.date
    header: list[str]
    rows: list[_Row]
    skipped_columns: list[str]
    refused: list[QRow] = field(default_factory=list)  # rows no table could hold
    notes: dict[str, str] = field(default_factory=dict)  # footnote number → text
    title_marks: set[str] = field(default_factory=set)
    column_marks: dict[str, set[str]] = field(default_factory=dict)  # measure → footnote numbers

    def notes_for(self, r: _Row, measure: str) -> list[str]:
        """The footnote texts that apply to one force's figure for one measure."""
        on_columns = set().union(*self.column_marks.values()) if self.column_marks else set()
        marks = set(self.title_marks) | {m for m in self.column_marks.get(measure, set())
                                         if not any(m in row.marks for row in self.rows)}
        for m in r.marks:
            if m in on_columns:  # marked on a heading too: that cell only
                if m in self.column_marks.get(measure, set()):
                    marks.add(m)
                continue
            named = _named_measures(self.notes.get(m, ""))
            if not named or measure in named:
                marks.add(m)
        return [self.notes[m] for m in sorted(marks, key=int) if m in self.notes]


_MARKS = re.compile(r"(?<=[A-Za-z)])\s?(\d{1,2}(?:,\d{1,2})*)(?=\)|$|\s)")
_NOTE_TAG = re.compile(r"\[note (\d+)\]", re.I)
_FOOTNOTE = re.compile(r"^\s*(\d{1,2})\.\s+(\S.*)$", re.S)


def _marks(cell: Cell) -> set[str]:
    """Footnote numbers glued to a label ('Essex10', 'fraud3)', 'Stalking and harassment 5')."""
    text = str(cell or "").replace("\n", " ").strip()
    found = set(_NOTE_TAG.findall(text))
    for m in _MARKS.findall(_NOTE_TAG.sub("", text).strip()):
        found |= set(m.split(","))
    return found


def _title_marks(title: str) -> set[str]:
    """Footnote numbers after the year of a title ('December 20191,2', 'June 181,2')."""
    m = re.search(r"(?:year ending|ye)\s+[a-z]+\s+(\d+)((?:,\d+)*)\s*$", title.strip(), re.I)
    if not m:
        return set()
    digits, rest = m.group(1), m.group(2)
    year = 4 if digits.startswith("20") and len(digits) > 4 else 2
    return ({digits[year:]} if len(digits) > year else set()) | {x for x in rest.split(",") if x}


def _named_measures(text: str) -> set[str]:
    """The measures a footnote's text names ('The homicide figure ...' names homicide)."""
    low = text.lower()
    return {mid for name, mid in MEASURES.items() if re.search(rf"\b{re.escape(name)}\b", low)}


def _footnotes(grid: list[list[Cell]], after: int) -> dict[str, str]:
    """The numbered notes under a table: '10. The homicide figure ...' → {'10': '...'}."""
    out: dict[str, str] = {}
    for r in grid[after:]:
        first = next((c for c in r if c is not None and str(c).strip()), None)
        m = _FOOTNOTE.match(str(first)) if isinstance(first, str) else None
        if m:
            out[m.group(1)] = re.sub(r"\s+", " ", m.group(2)).strip()
    return out


def _parse(grid: list[list[Cell]], label: str, fallback: str, *, from_csv: bool = False,
           cut_short: bool = False) -> _Table:
    """Find the header, name the columns, collect the area rows of one sheet or CSV export."""
    head = next((i for i, r in enumerate(grid[:25])
                 if any(label_text(c) in ("area code", "police force area code") for c in r)), None)
    if head is None:
        raise BadInput("no header row with 'Area Code' in the first 25 rows", file=label, row=0)
    title = next((str(c) for r in grid[:head] for c in r if c and "table" in str(c).lower()), "")
    period = period_end(title, fallback)
    if period is None:
        raise BadInput("cannot tell which 12 months the table covers (no 'year ending <month> "
                       "<year>' in its title or file name)", file=label, row=1)
    above = grid[head - 1] if head > 0 else []
    roles: dict[int, str] = {}
    skipped: list[str] = []
    for c, cell in enumerate(grid[head]):
        text = label_text(cell)
        if not text and c < len(above) and label_text(above[c]) in MEASURES:
            text = label_text(above[c])
        if text in _IDS:
            roles[c] = _IDS[text]
        elif text in MEASURES:
            roles[c] = MEASURES[text]
        elif text.startswith("population"):
            roles[c] = "population"
        elif text and not text.startswith(_IGNORED):
            skipped.append(str(cell).replace("\n", " "))
    column_marks: dict[str, set[str]] = {}
    title_marks = _title_marks(title)
    for c, role in roles.items():
        raw = grid[head][c] if label_text(grid[head][c]) else (above[c] if c < len(above) else None)
        if role == "population":
            title_marks |= _marks(raw)  # the population behind every rate
        elif role not in _IDS.values():
            column_marks.setdefault(role, set()).update(_marks(raw))
    names = set(roles.values())
    if not ({"code", "name"} <= names or {"pfa_code", "pfa_name"} <= names):
        raise BadInput("the header has no area code and name columns", file=label, row=head + 1)
    kind = "csp" if "csp_name" in names else "rates" if ("rate" in title.lower()
                                                         or "population" in names) else "counts"
    header = [str(c or "").replace("\n", " ") for c in grid[head]]
    rows = []
    refused: list[QRow] = []
    for i, r in enumerate(grid[head + 1:], start=head + 2):
        got = {role: (r[c] if c < len(r) else None) for c, role in roles.items()}
        name = str(got.get("name") or got.get("pfa_name") or "").strip()
        measures = {roles[c]: (c, r[c] if c < len(r) else None) for c in roles
                    if roles[c] not in _IDS.values() and roles[c] != "population"}
        if not name or all(v is None or str(v).strip() == "" for _, v in measures.values()):
            continue  # a blank, unit or footnote line, not an area
        fault = cell_fault(r)
        if fault:
            col = fault[0]
            refused.append(QRow(label, i, header_name(grid[head], col), printable(str(r[col])),
                                fault[1]))
            continue
        if from_csv and len(r) != len(grid[head]):
            refused.append(QRow(label, i, "*", ",".join(str(c) for c in r)[:200],
                                f"expected {len(grid[head])} fields, found {len(r)}"))
            continue
        broken = next((c for c, v in enumerate(r) if isinstance(v, str) and "\n" in v), None)
        if broken is not None or (cut_short and i == len(grid)):
            col = broken if broken is not None else len(r) - 1
            refused.append(QRow(label, i, header_name(grid[head], col), str(r[col])[:200],
                                "a quote is not closed (the record runs across lines or is "
                                "cut short)"))
            continue
        code = str(got.get("code") or got.get("pfa_code") or "").strip()
        csp = str(got.get("csp_name") or "").strip()
        rows.append(_Row(i, code, name, csp, measures, got.get("population"), _marks(name)))
    last = max((r.row for r in rows), default=head + 1)
    return _Table(label, kind, period, header, rows, skipped, refused,
                  _footnotes(grid, last) if not from_csv else {}, title_marks, column_marks)


def header_name(header: list[Cell], col: int) -> str:
    """The printed name of a column (or its position when it has none)."""
    name = str(header[col]).replace("\n", " ") if col < len(header) and header[col] else ""
    return name or f"column {col + 1}"


def _tables(path: Path) -> list[_Table]:
    if path.suffix.lower() == ".xlsx":
        sheets = workbook_sheets(path)
        wanted = {"Table P1": "counts", "Table P3": "rates"}
        found = [_parse(sheets[s], f"{path} [{s}]", path.name) for s in wanted if s in sheets]
        if not found:
            raise BadInput("the workbook has no 'Table P1' or 'Table P3' sheet (sheets: "
                           + ", ".join(sheets) + ")", file=str(path))
        return found
    grid, cut_short = csv_grid(path)
    return [_parse(grid, str(path), path.name, from_csv=True, cut_short=cut_short)]


class _Out:
    """Peers and aggregates rows keyed so that a second copy of a figure is caught."""

    def __init__(self) -> None:
        self.peers: dict[tuple[str, str, dt.date], dict[str, Any]] = {}
        self.aggs: dict[tuple[str, str, dt.date], dict[str, Any]] = {}
        self.pop: dict[tuple[str, str, dt.date], float] = {}
        self.unavailable: dict[tuple[str, dt.date], int] = defaultdict(int)
        self.suppressed: dict[tuple[str, dt.date], int] = defaultdict(int)


def import_files(paths: list[Path], *, force: str | None = None,
                 options: dict[str, str] | None = None) -> ImportResult:
    """Read ONS PFA table editions (xlsx, CSV) into peers and aggregates for every force."""
    files = expand(paths, r".*\.(xlsx|csv)", "ONS PFA tables (.xlsx or .csv)")
    res = ImportResult(SOURCE)
    tables = [t for p in files for t in _tables(p)]
    tables.sort(key=lambda t: {"counts": 0, "csp": 1, "rates": 2}[t.kind])
    out = _Out()
    for t in tables:
        res.files.append(_take(t, out, res.quarantine))
        if t.skipped_columns:
            res.notes.append(f"{t.label}: columns not read: " + "; ".join(t.skipped_columns))
    _emit(out, res)
    return res


def _take(t: _Table, out: _Out, q: list[QRow]) -> FileCount:
    """Move one table's rows into the output; returns its reconciliation (unit: area rows)."""
    fc = FileCount(t.label, unit="area rows", read=len(t.rows) + len(t.refused),
                   quarantined=len(t.refused))
    q.extend(t.refused)
    cells = {"values": 0, "unavailable": 0, "suppressed": 0, "quarantined": 0}
    for r in t.rows:
        target, key_area, note = _where(t, r)
        if target is None:
            q.append(QRow(t.label, r.row, t.header[0] if t.header else "Area Code",
                          f"{r.code} {r.name}".strip(), note))
            fc.quarantined += 1
            continue
        fc.mapped += 1
        if r.population is not None:
            state, pop = number(r.population)
            if state == "value" and pop is not None and pop >= 0:
                out.pop[(target, key_area, t.period)] = pop
        for measure, (col, raw) in r.cells.items():
            state, x = number(raw)
            field_name = t.header[col] if col < len(t.header) else measure
            if state == "bad" or (state == "value" and x is not None and x < 0):
                q.append(QRow(t.label, r.row, field_name, str(raw),
                              "negative figure" if state == "value" else "not a number"))
                cells["quarantined"] += 1
                continue
            if state != "value":
                cells[state] += 1
                bucket = out.unavailable if state == "unavailable" else out.suppressed
                bucket[(key_area, t.period)] += 1
                continue
            cells["values"] += 1
            assert x is not None  # number() gives a figure with every "value"
            problem = _put(out, target, key_area, measure, t, r, x, note)
            if problem:
                q.append(QRow(t.label, r.row, field_name, str(raw), problem))
                cells["values"] -= 1
                cells["quarantined"] += 1
    fc.detail = (f"{t.kind} for year ending {t.period:%b %Y}; cells: {cells['values']} values, "
                 f"{cells['unavailable']} not available, {cells['suppressed']} suppressed, "
                 f"{cells['quarantined']} quarantined")
    return fc


def _where(t: _Table, r: _Row) -> tuple[str | None, str, str]:
    """('peers', force) or ('aggregates', area, note) for a row; (None, reason) to quarantine."""
    if t.kind == "csp" and r.csp:
        return "aggregates", _forces.clean_area_name(r.csp), \
            f"Community Safety Partnership in {_forces.clean_area_name(r.name)}"
    territorial = r.code[:3] in ("E23", "W15")
    f = _forces.find(r.code) if territorial else None
    f = f or (_forces.find(_forces.clean_area_name(r.name)) if territorial or not r.code else None)
    if territorial:
        if f is None or not f.pfa_code:
            return None, "", "unknown police force area (not in the force crosswalk)"
        return "peers", f.name, ""
    return "aggregates", _forces.clean_area_name(r.name), ""


def _put(out: _Out, target: str, area: str, measure: str, t: _Table, r: _Row, x: float,
         note: str) -> str | None:
    """Record one figure; a second, different copy of the same figure is refused."""
    store = out.peers if target == "peers" else out.aggs
    key = (area, measure, t.period)
    rec = store.setdefault(key, {"numerator": None, "value": None, "src": (t.label, r.row),
                                 "note": note, "footnotes": {}})
    for text in t.notes_for(r, measure):  # the same note in P1 and P3 is kept once
        rec["footnotes"].setdefault(re.sub(r"\s+", " ", text), None)
    slot = "value" if t.kind == "rates" else "numerator"
    if rec[slot] is not None and abs(rec[slot] - x) > 1e-9:
        return f"differs from the same figure in {rec['src'][0]} row {rec['src'][1]} ({rec[slot]:g})"
    rec[slot] = x
    return None


def _emit(out: _Out, res: ImportResult) -> None:
    peers: dict[str, list[Any]] = defaultdict(list)
    prov: list[tuple[str, int]] = []
    for (force, measure, period), rec in sorted(out.peers.items(), key=lambda kv: (kv[0][2], kv[0][0], kv[0][1])):
        pop = out.pop.get(("peers", force, period))
        peers["force"].append(force)
        peers["measure_id"].append(measure)
        peers["period_end"].append(period)
        peers["numerator"].append(rec["numerator"])
        peers["denominator"].append(pop)
        peers["population"].append(pop)
        peers["value"].append(rec["value"])
        peers["note"].append("\n".join(rec["footnotes"]) or None)
        prov.append(rec["src"])
    res.tables["peers"] = canonical("peers", dict(peers))
    res.provenance["peers"] = prov
    aggs: dict[str, list[Any]] = defaultdict(list)
    aprov: list[tuple[str, int]] = []
    for (area, measure, period), rec in sorted(out.aggs.items(), key=lambda kv: (kv[0][2], kv[0][0], kv[0][1])):
        aggs["measure_id"].append(f"ons_pfa:{measure}")
        aggs["area"].append(area)
        aggs["period_start"].append(_start(period))
        aggs["period_end"].append(period)
        aggs["numerator"].append(rec["numerator"])
        aggs["denominator"].append(out.pop.get(("aggregates", area, period)))
        aggs["value"].append(rec["numerator"])
        aggs["source"].append("ONS Police Force Area data tables")
        aggs["note"].append(rec["note"] or None)
        aprov.append(rec["src"])
    res.tables["aggregates"] = canonical("aggregates", dict(aggs))
    res.provenance["aggregates"] = aprov
    periods = sorted({p for (_, _, p) in out.peers} | {p for (_, _, p) in out.aggs})
    months = [dt.date(p.year, p.month, 1) for p in periods]
    res.coverage = {"peers": {SOURCE: months}, "aggregates": {SOURCE: months}}
    res.notes.append("editions (12 months ending): " + ", ".join(f"{p:%b %Y}" for p in periods))
    territorial = [f.name for f in _forces.forces() if f.pfa_code]
    for p in periods:
        have = {f for (f, m, pp), rec in out.peers.items()
                if pp == p and m == "all_crime" and rec["numerator"] is not None}
        if have:
            gone = [f for f in territorial if f not in have]
            if gone:
                res.notes.append(f"year ending {p:%b %Y}: no total for {', '.join(gone)} "
                                 "(missing, not zero)")
    for (area, p), n in sorted(out.suppressed.items(), key=lambda kv: kv[0][1]):
        res.notes.append(f"year ending {p:%b %Y}: {area}: {n} figures suppressed ('+')")


def _start(period: dt.date) -> dt.date:
    """First day of the 12 months ending with period's month."""
    y, m = (period.year, period.month + 1) if period.month < 12 else (period.year + 1, 1)
    return dt.date(y - 1, m, 1)
