"""`crimeplan import SOURCE PATH... --store STORE`: run an importer, stage Parquet, load one snapshot.

The importer reads the raw files without touching the store.  Its canonical tables are staged
as Parquet beside the store (`staging/import-<source>-<n>/<table>.parquet`, with the raw file
and row of every output row in two extra columns), then `Store.load` validates and writes them
as one snapshot in one transaction, with the months each table covers.  Quarantined rows, the
importer's and the store's (traced back to the raw file and row), go to
`quarantine/import-<source>-<n>.csv` beside the store.

`peers` and `aggregates` are merged, not replaced: rows already in the store whose key
(force or area, measure_id, period) the import does not supply are kept, so ONS editions,
Home Office data and other figures can be imported one after another.  Record tables
(crimes, incidents, areas, casualties) are replaced, as a full extract, unless
`--option mode=append` (a new month: ids already in the store are quarantined by the store, the
store's areas are kept, and peers/aggregates rows are added without merging).
"""

from __future__ import annotations

import csv
import datetime as dt
import inspect
import io
import re
import shutil
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from crimeplan._atomic import check_private_dir, write_private
from crimeplan.contract.loss import DEFAULT_MAX_SHARE
from crimeplan.contract.schema import table as canonical_table
from crimeplan.errors import BadInput
from crimeplan.periods import missing_months, month_ranges
from crimeplan.sources import home_office_prc, ons_pfa, police_uk, stats19
from crimeplan.sources._loss import loss_check
from crimeplan.sources._result import QUARANTINE_COLUMNS, ImportResult, QRow, printable

if TYPE_CHECKING:
    from crimeplan.store.interface import StoreLike

IMPORTERS: dict[str, ModuleType] = {
    "police-uk": police_uk,
    "ons-pfa": ons_pfa,
    "home-office-prc": home_office_prc,
    "stats19": stats19,
}
COMMON_OPTIONS = {"mode": "replace (default) or append, for record tables",
                  "extract_date": "YYYY-MM-DD the data was extracted (default today)"}
_MERGE_KEYS = {"peers": ("force", "measure_id", "period_end"),
               "aggregates": ("measure_id", "area", "period_start", "period_end")}


def importer(source: str) -> ModuleType:
    """The importer module for a source name, or BadInput listing the known ones."""
    mod = IMPORTERS.get(source.replace("_", "-").lower())
    if mod is None:
        raise BadInput(f"unknown source {source!r}; known sources: {', '.join(IMPORTERS)}",
                       field="SOURCE")
    return mod


def run_import(source: str, paths: list[Path], store: Path, *, force: str | None,
               options: dict[str, str], accept_quarantine: bool = False,
               max_quarantine_share: float = DEFAULT_MAX_SHARE) -> list[str]:
    """Import raw files of one source into a store as a new snapshot; the summary lines.

    A month that would lose more than `max_quarantine_share` of its rows to quarantine (the
    importer's or the store's) stops the import with nothing committed, unless
    `accept_quarantine`.
    """
    from crimeplan.store import open_store

    mod = importer(source)
    opts = {k.replace("-", "_"): v for k, v in (options or {}).items()}
    known = set(getattr(mod, "OPTIONS", {})) | set(COMMON_OPTIONS)
    unknown = sorted(set(opts) - known)
    if unknown:
        raise BadInput(f"unknown option(s) {', '.join(unknown)} for {source}; known: "
                       + ", ".join(sorted(known)), field="--option")
    mode = opts.pop("mode", "replace")
    if mode not in ("replace", "append"):
        raise BadInput("--option mode must be replace or append", field="--option")
    extract = _date(opts.pop("extract_date", None))
    store = Path(store)
    kwargs: dict[str, Any] = {}
    if mod is home_office_prc and "population" not in opts:
        kwargs["populations"] = _store_populations(store)
    result: ImportResult = mod.import_files([Path(p) for p in paths], force=force, options=opts,
                                            **kwargs)
    result.check()
    lines = [f"import {mod.SOURCE}: {len(result.files)} table(s)/file(s) read"]
    lines += [f.line() for f in result.files]
    lines += result.notes
    if not accept_quarantine:  # the importer's own quarantine first: fail before the store opens
        loss_check(result, result.tables, result.provenance, source=mod.SOURCE,
                   max_share=max_quarantine_share)({})
    _refuse_empty(result, source, force)
    check_private_dir(store.parent / "staging", "staging")
    check_private_dir(store.parent / "quarantine", "quarantine")
    with open_store(store) as st:
        n = _next_number(store.parent, mod.SOURCE)
        staging = store.parent / "staging" / f"import-{mod.SOURCE}-{n}"
        tables, prov = dict(result.tables), dict(result.provenance)
        for name in [k for k, t in tables.items() if t.num_rows == 0]:
            tables.pop(name)  # no rows is no evidence: the store's table stays as it was
            lines.append(f"{name}: no rows in this import; the store's {name} left as it was")
        latest = st.latest_snapshot()
        held = set(st.tables(latest)) if latest is not None else set()
        if mode == "append" and "areas" in tables and "areas" in held:
            tables.pop("areas")  # appending a month: the force's districts are already there
            lines.append("areas: kept as the store has them (appending)")
        for name in _MERGE_KEYS:
            if mode == "replace" and name in tables and name in held:
                tables[name], prov[name], kept = _merge(name, st.arrow(name), tables[name], prov[name])
                lines.append(f"{name}: {tables[name].num_rows - kept} rows from this import + "
                             f"{kept} kept from snapshot {latest}")
        districts = (set(tables["areas"].column("district").to_pylist()) if "areas" in tables
                     else set(st.arrow("areas").column("district").to_pylist()) if "areas" in held
                     else None)
        for name in list(tables):
            if canonical_table(name).has_district and districts is not None:
                tables[name], blanked = _fit_districts(tables[name], districts)
                if blanked:
                    lines.append(f"{name}: {blanked} rows whose district is not in the store's "
                                 "areas kept with an empty district (force level)")
        try:
            report = _load_staged(st, staging, tables, prov, result, held, mode, extract,
                                  store, mod.SOURCE, lines, accept_quarantine=accept_quarantine,
                                  max_quarantine_share=max_quarantine_share)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)  # nothing of a failed import stays
            raise
        stored = {t: st.coverage(t) for t in result.coverage if t in tables}
    # committed: what follows only reports, and must not turn a done import into an error
    try:
        lines += _coverage_lines(result, stored)
        lines += [f"store: {line}" for line in report.lines()]
    except Exception as exc:  # noqa: BLE001 - a summary fault after the commit is said, not raised
        lines.append(f"warning: the summary could not be completed ({type(exc).__name__}: {exc})")
    try:
        lines += _write_quarantine(result, report, prov, store, mod.SOURCE, n)
    except Exception as exc:  # noqa: BLE001 - as above: the store's _quarantine holds the rows
        lines.append(f"warning: the import's quarantine file was not written ({exc}); the rows the "
                     f"store refused are in snapshot {report.snapshot_id}'s quarantine")
    lines.append(f"snapshot {report.snapshot_id} created")
    return [printable(str(line)) for line in lines]


def _refuse_empty(result: ImportResult, source: str, force: str | None) -> None:
    """An import whose record tables hold no row would replace data with nothing: refuse it."""
    if any(t.num_rows for name, t in result.tables.items() if name != "areas"):
        return
    hint = f" (is --force {force!r} the force these files are for?)" if force else ""
    raise BadInput(f"the {source} files yield no row to load{hint}; nothing was changed",
                   file=", ".join(f.file for f in result.files)[:300] or None)


def _load_staged(st: StoreLike, staging: Path, tables: dict[str, pa.Table],
                 prov: dict[str, list[tuple[str, int]]], result: ImportResult,
                 held: set[str], mode: str, extract: dt.date | None, store: Path,
                 source: str, lines: list[str], *, accept_quarantine: bool = False,
                 max_quarantine_share: float = DEFAULT_MAX_SHARE) -> Any:
    """Stage the tables as Parquet and load them as one snapshot."""
    files = {name: [_stage(staging, name, t, prov.get(name, []))] for name, t in tables.items()}
    load_kw: dict[str, Any] = {}
    if "coverage" in inspect.signature(st.load).parameters:
        load_kw["coverage"] = _merged_coverage(
            st, {t: c for t, c in result.coverage.items() if t in tables},
            [n for n in _MERGE_KEYS if n in held and n in tables and mode == "replace"])
    else:
        lines.append("note: this store does not record coverage yet")
    carried = {t: set(c) for t, c in result.carried.items() if t in tables}
    for name in _MERGE_KEYS:  # merged tables keep what the rows kept from the store carry
        if name in carried and name in held and mode == "replace":
            carried[name] |= st.carried_columns(name) or set()
    return st.load(files, append=mode == "append", extract_date=extract,
                   quarantine_dir=store.parent / "quarantine",
                   note=f"import {source} ({len(result.files)} inputs)",
                   accept_quarantine=accept_quarantine, carried=carried,
                   loss_check=loss_check(result, tables, prov, source=source,
                                         max_share=max_quarantine_share), **load_kw)


def _write_quarantine(result: ImportResult, report: Any, prov: dict[str, list[tuple[str, int]]],
                      store: Path, source: str, n: int) -> list[str]:
    """Write both quarantines (owner-readable only: they hold personal data); the summary line.

    Runs after the commit, so it must not fail on odd text: values are made printable.
    """
    rows = [q.as_dict() for q in result.quarantine]
    for checked in report.files:
        name = Path(checked.file).stem
        for bad in checked.quarantine.to_pylist():
            src = prov.get(name, [])
            f, r = src[bad["row"] - 1] if 0 < bad["row"] <= len(src) else (checked.file, bad["row"])
            rows.append({"file": f, "row": r, "field": bad["field"], "value": bad["value"],
                         "reason": f"refused by the store: {bad['reason']}"})
    if not rows:
        return []
    out = store.parent / "quarantine" / f"import-{source}-{n}.csv"
    out.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    buf = io.StringIO(newline="")
    w = csv.DictWriter(buf, QUARANTINE_COLUMNS)
    w.writeheader()
    w.writerows({k: printable(v) if isinstance(v, str) else v for k, v in r.items()} for r in rows)
    write_private(out, buf.getvalue().encode("utf-8", errors="backslashreplace"))
    return [f"{len(rows)} quarantined rows written to {out}"]


def _date(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise BadInput(f"extract_date must be YYYY-MM-DD, not {text!r}", field="--option") from None


def _next_number(folder: Path, source: str) -> int:
    used = [0]
    for p in list((folder / "staging").glob(f"import-{source}-*")) + \
            list((folder / "quarantine").glob(f"import-{source}-*.csv")):
        m = re.search(r"-(\d+)(\.csv)?$", p.name)
        if m:
            used.append(int(m.group(1)))
    return max(used) + 1


def _stage(folder: Path, name: str, table: pa.Table, prov: list[tuple[str, int]]) -> Path:
    """Write a canonical table as Parquet with the raw file and row of each row beside it."""
    folder.mkdir(parents=True, exist_ok=True)
    files = [p[0] for p in prov] if len(prov) == table.num_rows else [None] * table.num_rows
    rows = [p[1] for p in prov] if len(prov) == table.num_rows else [None] * table.num_rows
    staged = table.append_column("_source_file", pa.array(files, pa.string())) \
        .append_column("_source_row", pa.array(rows, pa.int64()))
    out = folder / f"{name}.parquet"
    buf = pa.BufferOutputStream()
    pq.write_table(staged, buf)
    write_private(out, buf.getvalue().to_pybytes())  # whole rows: owner-readable only
    return out


def _keys(t: pa.Table, cols: tuple[str, ...]) -> list[tuple[Any, ...]]:
    return list(zip(*(t.column(c).to_pylist() for c in cols)))


def _merge(name: str, old: pa.Table, new: pa.Table,
           prov: list[tuple[str, int]]) -> tuple[pa.Table, list[tuple[str, int]], int]:
    """The store's rows whose key the import does not supply, then the import's rows."""
    cols = _MERGE_KEYS[name]
    fresh = set(_keys(new, cols))
    keep = [k not in fresh for k in _keys(old, cols)]
    for col in new.column_names:  # a store written before a column was added: empty in it
        if col not in old.column_names:
            old = old.append_column(col, pa.nulls(old.num_rows, new.schema.field(col).type))
    kept = old.filter(pa.array(keep, pa.bool_())).select(new.column_names).cast(new.schema)
    merged = pa.concat_tables([kept, new])
    return merged, [("store (earlier snapshot)", 0)] * kept.num_rows + list(prov), kept.num_rows


def _fit_districts(t: pa.Table, known: set[str]) -> tuple[pa.Table, int]:
    """Blank districts the store's areas do not know (the row stays, counted at force level)."""
    col = t.column("district")
    ok = pc.or_kleene(pc.is_null(col), pc.is_in(col, value_set=pa.array(sorted(known), pa.string())))
    blanked = t.num_rows - pc.sum(pc.cast(ok, pa.int64())).as_py() if t.num_rows else 0
    if not blanked:
        return t, 0
    fixed = pc.if_else(ok, col, pa.scalar(None, pa.string()))
    return t.set_column(t.column_names.index("district"), "district", fixed), blanked


def _merged_coverage(st: StoreLike, coverage: dict[str, dict[str, list[dt.date]]],
                     merged: list[str]) -> dict[str, dict[str, list[dt.date]]]:
    """This import's coverage; for merged tables, joined with what the store already records."""
    cov = {t: {k: sorted(set(v)) for k, v in by.items() if v} for t, by in coverage.items()}
    if not hasattr(st, "coverage"):
        return cov
    for name in merged:
        try:
            old = st.coverage(name) or {}
        except Exception:  # noqa: BLE001 - a store without coverage for this table
            old = {}
        mine = cov.setdefault(name, {})
        for label, months in old.items():
            mine[label] = sorted(set(mine.get(label, [])) | set(months))
    return {t: by for t, by in cov.items() if by}


def _coverage_lines(result: ImportResult, stored: dict[str, dict[str, set[dt.date]]]) -> list[str]:
    lines = []
    for table, by_source in result.coverage.items():
        for label, months in by_source.items():
            kept = stored.get(table, {}).get(label, set())
            dropped = sorted(set(months) - kept) if table in stored else []
            months = [m for m in months if m not in dropped]
            if table in _MERGE_KEYS:  # periodic figures: say which periods, gaps are normal
                lines.append(f"{table} ({label}): periods ending {month_ranges(months)}")
                continue
            gap = missing_months(months)
            lines.append(f"{table} ({label}): months covered {month_ranges(months)}"
                         + (f"; months missing {month_ranges(gap)}" if gap else "")
                         + (f"; not supplied, no row loaded: {month_ranges(dropped)}" if dropped else ""))
    return lines


def _store_populations(store: Path) -> dict[tuple[str, dt.date], float]:
    """Force populations by period end from the store's ONS peers (Table P3), if there are any."""
    from crimeplan.errors import StoreBusy
    from crimeplan.store import open_store

    if not Path(store).exists():
        return {}
    try:
        with open_store(store, read_only=True) as st:
            if st.latest_snapshot() is None or "peers" not in st.tables():
                return {}
            p = st.arrow("peers")
    except StoreBusy:
        return {}
    # every peers row of a force and period carries its population: any row's will do, so no
    # measure is named here
    out: dict[tuple[str, dt.date], float] = {}
    for f, end, pop in zip(*(p.column(c).to_pylist() for c in ("force", "period_end", "population"))):
        if pop:
            out.setdefault((f, end), float(pop))
    return out


def quarantine_rows(path: Path) -> list[QRow]:
    """Read back an import quarantine CSV."""
    with Path(path).open(encoding="utf-8") as fh:
        return [QRow(r["file"], int(r["row"]), r["field"], r["value"], r["reason"])
                for r in csv.DictReader(fh)]
