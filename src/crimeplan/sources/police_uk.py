"""data.police.uk archive files (street, optional outcomes) → crimes, incidents (ASB) and areas.

Mapping (documented in docs/importers.md):

* `Anti-social behaviour` rows → `incidents`, category `asb`, `opened_at` the first of the
  month at 00:00, `incident_id` the Crime ID when there is one (there never is in real files),
  else `<file stem>:<row>` (deterministic for a given file).
* every other row → `crimes`: `crime_id` = Crime ID, or `<file stem>:<row>` when the file
  gives none (British Transport Police never do; Dorset leaves some out), `recorded_date` = first day of Month,
  `offence_group` = the ONS offence group of the police.uk Crime type (ONS_GROUPS: Drugs,
  Possession of weapons, Public order and Other crime are crimes against society), `outcome_type` from
  `Last outcome category` through OUTCOME_TYPES, `outcome_date` empty (a street file does not date
  its outcome) unless an outcomes file dates it.
* district = the LSOA name without its trailing code (`Basildon 001A` → `Basildon`).  Every
  district the force's own files name is kept: the 2016 lookup and the 2025 ONS mapping group
  districts into LPAs (Community Safety Partnerships) and give known renames (`Shepway` is stored
  as `Folkestone and Hythe`); a district created since 2016 (`Buckinghamshire`) is kept under its
  CSP, or under its own name when it spans several, and a merged-away one (`Aylesbury Vale`)
  under its successor's LPA.  Only rows whose district a lookup places in another force, and
  `No Location` rows, are kept with an empty district (they count at force level); the summary
  counts them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Any

from crimeplan.errors import BadInput
from crimeplan.periods import month_label
from crimeplan.sources import _forces
from crimeplan.sources._read import CsvReader, decode, expand, read_bytes
from crimeplan.sources._result import FileCount, ImportResult, QRow, canonical

SOURCE = "police-uk"
OPTIONS = {"lookup": "LAD→CSP→PFA lookup CSV to use instead of the shipped December 2016 one",
           "population": "CSV with columns district,population for the areas table",
           "other_crime": "society (default: 'Other crime' is Miscellaneous crimes against "
                          "society) or victim-based"}
STREET_COLUMNS = ["Crime ID", "Month", "Falls within", "LSOA name", "Crime type",
                  "Last outcome category"]
STREET_OPTIONAL = ["Reported by", "Location", "LSOA code", "Longitude", "Latitude", "Context"]
OUTCOME_COLUMNS = ["Crime ID", "Month", "Outcome type"]
OUTCOME_OPTIONAL = ["Falls within"]
ASB = "Anti-social behaviour"
CRIME_TYPES = frozenset({
    ASB, "Bicycle theft", "Burglary", "Criminal damage and arson", "Drugs", "Other crime",
    "Other theft", "Possession of weapons", "Public order", "Robbery", "Shoplifting",
    "Theft from the person", "Vehicle crime", "Violence and sexual offences",
})

# police.uk outcome category → Home Office outcome type (None = still open / no outcome yet).
# Court results all follow a charge, so their police outcome is 1 (charged/summonsed).
# A caution is 3 (adult) because police.uk does not say whether the offender was a youth (2).
# "Unable to prosecute suspect" covers HO 11–17 (prosecution prevented, evidential
# difficulties); it is mapped to 16, the most common of them.  Solved = 1, 2, 3, 4, 6, 7, 8.
OUTCOME_TYPES: dict[str, int | None] = {
    # solved-equivalent (positive outcomes)
    "Awaiting court outcome": 1,
    "Court case unable to proceed": 1,
    "Court result unavailable": 1,
    "Defendant found not guilty": 1,
    "Defendant sent to Crown Court": 1,
    "Offender deprived of property": 1,
    "Offender fined": 1,
    "Offender given absolute discharge": 1,
    "Offender given community sentence": 1,
    "Offender given conditional discharge": 1,
    "Offender given suspended prison sentence": 1,
    "Offender ordered to pay compensation": 1,
    "Offender otherwise dealt with": 1,
    "Offender sent to prison": 1,
    "Suspect charged": 1,
    "Suspect charged as part of another case": 4,
    "Offender given a caution": 3,
    "Offender given penalty notice": 6,
    "Offender given a drugs possession warning": 7,
    "Local resolution": 8,
    # closed without a positive outcome
    "Formal action is not in the public interest": 10,
    "Unable to prosecute suspect": 16,
    "Investigation complete; no suspect identified": 18,
    "Action to be taken by another organisation": 20,
    "Further investigation is not in the public interest": 21,
    "Further action is not in the public interest": 22,
    # open: no outcome yet, or none known
    "Under investigation": None,
    "Status update unavailable": None,
    "": None,
}
SOLVED = frozenset({1, 2, 3, 4, 6, 7, 8})
# police.uk crime type → the ONS offence group name the engine uses (engine/derived.py,
# synth/offences.py).  Where police.uk is coarser than the ONS groups, the ONS group that holds
# it whole is used (Burglary, Robbery); "Violence and sexual offences" spans two ONS groups
# (Violence against the person, Sexual offences), both victim-based, and keeps its name.
# "Other crime" holds forgery, perjury and the other miscellaneous crimes against society (both
# Home Office mappings in the real data say so): it is a crime against society, not victim-based,
# unless --option other_crime=victim-based keeps it as "Other crime" (victim-based).
ONS_GROUPS: dict[str, str] = {
    "Bicycle theft": "Bicycle theft",
    "Burglary": "Burglary",
    "Criminal damage and arson": "Criminal damage and arson",
    "Drugs": "Drug offences",
    "Other crime": "Miscellaneous crimes against society",
    "Other theft": "All other theft offences",
    "Possession of weapons": "Possession of weapons offences",
    "Public order": "Public order offences",
    "Robbery": "Robbery",
    "Shoplifting": "Shoplifting",
    "Theft from the person": "Theft from the person",
    "Vehicle crime": "Vehicle offences",
    "Violence and sexual offences": "Violence and sexual offences",
}
# what a street file carries; outcome_date only when an outcomes file dates the outcomes
CARRIED = {"crimes": {"crime_id", "recorded_date", "offence_group", "district", "outcome_type"},
           # anti-social behaviour is the only category of incident police.uk publishes
           "incidents": {"incident_id", "opened_at", "category=asb", "district"},
           "areas": {"district", "lpa", "force"}}
_FILE_MONTH = re.compile(r"^(\d{4})-(\d{2})-(.+?)-(street|outcomes)\.csv(\.gz)?$", re.IGNORECASE)
_LSOA = re.compile(r"^(.+?)\s+[0-9]{3}[A-Z]$")


@lru_cache(maxsize=4096)
def parse_month(text: str) -> dt.date | None:
    """The first day of a `YYYY-MM` month, or None when it is not one."""
    m = re.fullmatch(r"\s*(\d{4})-(\d{2})\s*", text or "")
    if not m or not 1 <= int(m.group(2)) <= 12 or int(m.group(1)) < 1900:
        return None
    return dt.date(int(m.group(1)), int(m.group(2)), 1)


@lru_cache(maxsize=65536)
def district_of(lsoa_name: str) -> str | None:
    """The local authority part of an LSOA name: `Babergh 010G` → `Babergh`."""
    m = _LSOA.match(lsoa_name.strip())
    return m.group(1) if m else None


def _kind(path: Path) -> str:
    m = _FILE_MONTH.match(path.name)
    if m:
        return m.group(4).lower()
    head = decode(read_bytes(path)[:4096], path).splitlines()[0] if path.is_file() else ""
    return "outcomes" if "outcome type" in head.lower() else "street"


def _pick_force(force: str | None, files: list[Path]) -> _forces.Force:
    if force:
        return _forces.resolve(force)
    slugs = {m.group(3).lower() for p in files if (m := _FILE_MONTH.match(p.name))}
    found = {_forces.find(s) for s in slugs} - {None}
    if len(found) == 1:
        return found.pop()  # type: ignore[return-value]
    raise BadInput("say which force the files are for with --force NAME"
                   + (f" (the files are for: {', '.join(sorted(slugs))})" if slugs else ""),
                   field="--force")


def import_files(paths: list[Path], *, force: str | None = None,
                 options: dict[str, str] | None = None) -> ImportResult:
    """Read street (and outcomes) files of one force into crimes, incidents and areas."""
    options = options or {}
    named = [Path(p) for p in paths if not Path(p).is_dir()]
    files = expand(paths, r".*-(street|outcomes)\.csv(\.gz)?", "police.uk files (*-street.csv)")
    the_force = _pick_force(force, files)
    res = ImportResult(SOURCE)
    chosen, skipped = [], []
    for p in files:
        m = _FILE_MONTH.match(p.name)
        if p not in named and m and _forces.find(m.group(3)) not in (None, the_force):
            skipped.append(p.name)
        else:
            chosen.append(p)
    if skipped:
        res.notes.append(f"skipped {len(skipped)} file(s) of other forces in the folder(s) given")
    street = [p for p in chosen if _kind(p) == "street"]
    outcomes = [p for p in chosen if _kind(p) == "outcomes"]
    if not street:
        raise BadInput(f"no street files for {the_force.police_uk} among the files given",
                       file=str(paths[0]))
    lookup = Path(options["lookup"]) if options.get("lookup") else None
    geo = _forces.geography(the_force, lookup)
    pops = _populations(Path(options["population"])) if options.get("population") else {}
    other = options.get("other_crime", "society").strip().lower()
    if other not in ("society", "victim-based"):
        raise BadInput("--option other_crime must be society or victim-based", field="--option")
    state = _State(the_force, geo)
    if other == "victim-based":
        state.groups = {**ONS_GROUPS, "Other crime": "Other crime"}
    for p in street:
        res.files.append(_read_street(p, state, res.quarantine))
    for order, p in enumerate(outcomes):
        res.files.append(_read_outcomes(p, order, state, res.quarantine))
    _apply_outcomes(state, res)
    _finish(res, state, pops, lookup)
    return res


class _State:
    """Rows gathered across files."""

    def __init__(self, force: _forces.Force, geo: _forces.Geography) -> None:
        self.force = force
        self.geo = geo
        self.placed: dict[str, _forces.District | None] = {}  # district name in a file → stored as
        self.renamed: Counter[tuple[str, str]] = Counter()
        self.crimes: dict[str, list[Any]] = {k: [] for k in (
            "crime_id", "recorded_date", "offence_group", "district", "outcome_type", "outcome_date")}
        self.crime_src: list[tuple[str, int]] = []
        self.crime_at: dict[str, tuple[int, str, int]] = {}  # id → (index, file, row)
        self.incidents: dict[str, list[Any]] = {k: [] for k in (
            "incident_id", "opened_at", "category", "district")}
        self.incident_src: list[tuple[str, int]] = []
        self.incident_ids: dict[str, tuple[str, int]] = {}
        self.months: set[dt.date] = set()
        self.out_of_area: Counter[str] = Counter()
        self.no_location = 0
        self.unknown_outcomes: Counter[str] = Counter()
        self.outcomes: dict[str, list[tuple[dt.date, int, int, str, str]]] = {}
        self.groups = ONS_GROUPS
        self.file_months: dict[str, dt.date] = {}


def _read_street(path: Path, st: _State, q: list[QRow]) -> FileCount:
    label = str(path)
    reader = CsvReader(path, STREET_COLUMNS, STREET_OPTIONAL)
    m = _FILE_MONTH.match(path.name)
    file_month = parse_month(f"{m.group(1)}-{m.group(2)}") if m else None
    if file_month:
        st.months.add(file_month)
        st.file_months[label] = file_month
    stem = re.sub(r"\.csv(\.gz)?$", "", path.name, flags=re.IGNORECASE)
    before = len(q)
    n_crimes = n_asb = out = noloc = no_id = 0

    def bad(row: int, fld: str, value: str, reason: str) -> None:
        q.append(QRow(label, row, fld, value, reason))

    for row, r in reader.records(q):
        month = parse_month(r["Month"])
        if month is None:
            bad(row, "Month", r["Month"], "not a month YYYY-MM")
            continue
        if file_month and month != file_month:
            bad(row, "Month", r["Month"], f"the file is for {month_label(file_month)}")
            continue
        if _forces.find(r["Falls within"]) != st.force:
            bad(row, "Falls within", r["Falls within"],
                f"not a row of {st.force.police_uk} (the force being imported)")
            continue
        ctype = r["Crime type"].strip()
        if ctype not in CRIME_TYPES:
            bad(row, "Crime type", r["Crime type"], "not a police.uk crime type")
            continue
        cid = r["Crime ID"].strip()
        if ctype != ASB and not cid:  # British Transport Police publish none, Dorset some
            cid = f"{stem}:{row}"
            no_id += 1
        seen = st.crime_at.get(cid) if ctype != ASB else None
        iid = cid or f"{stem}:{row}"
        seen_i = st.incident_ids.get(iid) if ctype == ASB else None
        if seen or seen_i:
            where = seen[1:] if seen else seen_i
            bad(row, "Crime ID", cid, f"duplicate id (first seen in {where[0]} row {where[1]})")  # type: ignore[index]
            continue
        if not file_month:
            st.months.add(month)
        lsoa = r["LSOA name"].strip()
        district = district_of(lsoa) if lsoa else None
        if district is None:
            noloc += 1
        else:
            if district not in st.placed:
                st.placed[district] = st.geo.place(district)
            placed = st.placed[district]
            if placed is None:
                st.out_of_area[district] += 1
                out += 1
                district = None
            else:
                if placed.name != district:
                    st.renamed[(district, placed.name)] += 1
                district = placed.name
        if ctype == ASB:
            st.incident_ids[iid] = (label, row)
            st.incidents["incident_id"].append(iid)
            st.incidents["opened_at"].append(dt.datetime(month.year, month.month, 1))
            st.incidents["category"].append("asb")
            st.incidents["district"].append(district)
            st.incident_src.append((label, row))
            n_asb += 1
            continue
        outcome = r["Last outcome category"].strip()
        if outcome not in OUTCOME_TYPES:
            st.unknown_outcomes[outcome] += 1
        st.crime_at[cid] = (len(st.crime_src), label, row)
        c = st.crimes
        c["crime_id"].append(cid)
        c["recorded_date"].append(month)
        c["offence_group"].append(st.groups[ctype])
        c["district"].append(district)
        c["outcome_type"].append(OUTCOME_TYPES.get(outcome))
        c["outcome_date"].append(None)
        st.crime_src.append((label, row))
        n_crimes += 1
    st.no_location += noloc
    return FileCount(label, read=reader.rows_read, mapped=n_crimes + n_asb,
                     quarantined=len(q) - before,
                     detail=f"{n_crimes} crimes + {n_asb} ASB incidents; {out} outside the "
                            f"force's districts, {noloc} with no location"
                            + (f"; {no_id} crimes with no Crime ID given <file>:<row>" if no_id else ""))


def _read_outcomes(path: Path, order: int, st: _State, q: list[QRow]) -> FileCount:
    label = str(path)
    reader = CsvReader(path, OUTCOME_COLUMNS, OUTCOME_OPTIONAL)
    before = len(q)
    kept = 0
    for row, r in reader.records(q):
        month = parse_month(r["Month"])
        outcome = r["Outcome type"].strip()
        cid = r["Crime ID"].strip()
        if not cid:
            q.append(QRow(label, row, "Crime ID", "", "required value is missing"))
        elif month is None:
            q.append(QRow(label, row, "Month", r["Month"], "not a month YYYY-MM"))
        elif outcome not in OUTCOME_TYPES or not outcome:
            q.append(QRow(label, row, "Outcome type", outcome, "not a known police.uk outcome"))
        elif "Falls within" in r and _forces.find(r["Falls within"]) != st.force:
            q.append(QRow(label, row, "Falls within", r["Falls within"],
                          f"not a row of {st.force.police_uk} (the force being imported)"))
        else:
            st.outcomes.setdefault(cid, []).append((month, order, row, label, outcome))
            kept += 1
    # rows kept here are provisional: _apply_outcomes may quarantine some, and fixes the count
    return FileCount(label, read=reader.rows_read, mapped=kept, quarantined=len(q) - before,
                     detail="outcome rows")


def _apply_outcomes(st: _State, res: ImportResult) -> None:
    """Give each crime its latest outcome; older, duplicate and unmatched rows go to quarantine."""
    counts = {f.file: f for f in res.files}
    for cid, found in st.outcomes.items():
        found.sort()
        latest = found[-1]
        # (row, reason, lost): superseded outcomes and outcomes of crimes from other months are
        # not rows lost from a month (the quarantine share rule does not count them)
        rejects: list[tuple[tuple[dt.date, int, int, str, str], str, bool]] = []
        for o in found[:-1]:
            same = o[0] == latest[0] and o[4] == latest[4]
            rejects.append((o, f"{'duplicate of' if same else 'superseded by'} the outcome in "
                               f"{latest[3]} row {latest[2]} (the latest outcome is kept)", False))
        hit = st.crime_at.get(cid)
        if hit is None:
            rejects.append((latest, "crime not in the street files imported", False))
        elif latest[0] < st.crimes["recorded_date"][hit[0]]:
            rejects.append((latest, "outcome month before the crime's month "
                                    f"{month_label(st.crimes['recorded_date'][hit[0]])}", True))
        else:
            otype = OUTCOME_TYPES[latest[4]]
            st.crimes["outcome_type"][hit[0]] = otype
            st.crimes["outcome_date"][hit[0]] = latest[0] if otype is not None else None
        for o, why, lost in rejects:
            res.quarantine.append(QRow(o[3], o[2], "Crime ID", cid, why, lost=lost))
            counts[o[3]].mapped -= 1
            counts[o[3]].quarantined += 1


def _populations(path: Path) -> dict[str, int]:
    reader = CsvReader(path, ["district", "population"])
    q: list[QRow] = []
    out = {}
    for row, r in reader.records(q):
        try:
            out[r["district"].strip()] = int(r["population"].replace(",", "").strip())
        except ValueError:
            raise BadInput("not a whole number", file=str(path), row=row, field="population") from None
    if q:
        raise BadInput(q[0].reason, file=str(path), row=q[0].row, field=q[0].field)
    return out


def _finish(res: ImportResult, st: _State, pops: dict[str, int], lookup: Path | None) -> None:
    # the force's districts today, and any other district its files named (old or new)
    dists = {d.name: d for d in st.geo.current}
    dists.update({d.name: d for d in st.placed.values() if d is not None and d.name not in dists})
    extra = sorted(set(dists) - {d.name for d in st.geo.current})
    districts = [dists[k] for k in sorted(dists)]
    res.tables["crimes"] = canonical("crimes", st.crimes)
    res.provenance["crimes"] = st.crime_src
    res.tables["incidents"] = canonical("incidents", st.incidents)
    res.provenance["incidents"] = st.incident_src
    src = str(lookup) if lookup else "shipped LAD16→CSP16→PFA16 lookup"
    res.tables["areas"] = canonical("areas", {
        "district": [d.name for d in districts], "lpa": [d.csp for d in districts],
        "force": [st.force.name] * len(districts), "population": [pops.get(d.name, 0) for d in districts],
    })
    res.provenance["areas"] = [(src, i + 1) for i in range(len(districts))]
    months = sorted(st.months)
    res.file_months = dict(st.file_months)
    res.carried = {k: set(v) for k, v in CARRIED.items()}
    if any(d is not None for d in st.crimes["outcome_date"]):
        res.carried["crimes"].add("outcome_date")
    if pops:
        res.carried["areas"].add("population")
    res.coverage = {"crimes": {SOURCE: months}, "incidents": {SOURCE: months}}
    res.notes.append(f"force: {st.force.police_uk}; {len(districts)} districts from the {src} and the "
                     f"2025 ONS mapping; lpa = Community Safety Partnership")
    if extra:
        res.notes.append("districts named by the files beyond today's: " + ", ".join(
            f"{d.name} (LPA {d.csp})" for d in districts if d.name in extra))
    if st.renamed:
        res.notes.append("districts renamed since: " + ", ".join(
            f"{old} → {new} ({n} rows)" for (old, new), n in sorted(st.renamed.items())))
    if not pops:
        res.notes.append("district populations: none given (population 0; pass "
                         "--option population=FILE with district,population columns)")
    total_out = sum(st.out_of_area.values())
    top = ", ".join(f"{k} {v}" for k, v in st.out_of_area.most_common(5))
    res.notes.append(f"outside the force's districts: {total_out} rows kept at force level"
                     + (f" (most: {top})" if top else ""))
    res.notes.append(f"No Location: {st.no_location} rows kept at force level")
    if st.unknown_outcomes:
        res.notes.append("unrecognised Last outcome category, loaded as open: "
                         + ", ".join(f"{k!r} {v}" for k, v in st.unknown_outcomes.items()))
