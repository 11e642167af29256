"""Measures → Ibis expressions → monthly series and window figures.

This is the only module that touches record-level data.  Measures that add up month by
month (counts, proportions, means, sums, per-head figures) are computed together: one
grouped scan per source table (and one more per extra date column a numerator is dated
by).  Measures that do not add up (distinct ids, repeat ids, re-offending) are computed
per window and area level.  What each measure contributes (its part of the scan, or its window
query) is its kind's (crimeplan.kinds); nothing here compares an aggregation's name.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import ibis
import pandas as pd
import pyarrow as pa

from crimeplan.contract.schema import reader_table_name
from crimeplan.contract.schema import table as canonical_table
from crimeplan.engine import derived
from crimeplan.engine._compiled import Queries
from crimeplan.engine._compiled import digest as _digest
from crimeplan.engine.series import MONTHLY_COLUMNS, WINDOW_COLUMNS, SeriesSet
from crimeplan.kinds import NUMERATOR, NUMERATOR_LFL, PARTS, Scan, Span, one
from crimeplan.periods import Window, add_months, month_end, month_start, months_between, window
from crimeplan.plans import expr
from crimeplan.plans.model import Measure, Plan
from crimeplan.store.interface import StoreLike

Progress = Callable[[str], None]


def _cond(m: Measure, t: Any, text: str | None) -> Any:
    if not text:
        return t._true
    cols = set(t.columns)
    tree = expr.parse(text, cols)
    return expr.to_ibis(tree, lambda name: t[name]).fill_null(False)


def like_for_like_cutoff(m: Measure, to_month: dt.date, as_at: dt.date) -> dt.date:
    """The last day a later event may be dated to count in last year's window (CONTRACT.md §4).

    Last year's window is counted as it stood at the same age as this year's: events dated up to
    its end plus the time from this year's end to the extract date.
    """
    current_end = month_end(add_months(to_month, -m.lag_months))
    previous_end = month_end(add_months(to_month, -m.lag_months - 12))
    return previous_end + (as_at - current_end)


def _monthly_aggs(m: Measure, t: Any, cutoff: dt.date | None = None) -> dict[str, Any]:
    """Numerator/denominator aggregations of a decomposable measure over one table scan (its kind's)."""
    monthly = m.kind.monthly
    assert monthly is not None  # a decomposable kind has one (crimeplan.kinds checks on register)
    scan = Scan(table=t, where=_cond(m, t, m.filter), meets=lambda text: _cond(m, t, text), cutoff=cutoff)
    return {f"{m.id}__{part}": agg for part, agg in monthly(m, scan).items()}


def _long(frame: pd.DataFrame, measures: list[Measure], has_district: bool) -> pd.DataFrame:
    """Wide aggregation output → rows of measure, district, month, numerator, denominator."""
    parts = []
    for m in measures:
        if not any(f"{m.id}__{key}" in frame for key in PARTS):
            continue
        part = pd.DataFrame({
            "measure_id": m.id,
            "district": frame["district"] if has_district else None,
            "month": frame["_month"],
            **{column: frame[f"{m.id}__{key}"].astype(float) if f"{m.id}__{key}" in frame else float("nan")
               for key, column in PARTS.items()},
        })
        parts.append(part)
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=MONTHLY_COLUMNS)


def _windows_needed(m: Measure, to_month: dt.date, as_at: dt.date | None
                    ) -> list[tuple[Window, dt.date | None]]:
    """Each window the measure shows and the same window a year earlier, with the date later
    events are counted to (like for like for the earlier one; None: everything loaded)."""
    last = add_months(to_month, -m.lag_months)
    cutoff = None
    if m.matures and as_at is not None:
        # the current window's later events stop at the data's end (the end of --to at most)
        cutoff = like_for_like_cutoff(m, to_month, min(as_at, month_end(to_month)))
    out: dict[tuple[dt.date, dt.date, dt.date | None], tuple[Window, dt.date | None]] = {}
    for kind in m.windows:
        w = window(kind, last)
        for span, until in ((w, None), (w.year_earlier(), cutoff)):
            # two kinds may span the same months (12 months and the financial year, in March): once
            out.setdefault((span.start, span.end, until), (span, until))
    return list(out.values())


@dataclass(frozen=True)
class _Pinned(Window):
    """A window whose last day is given rather than worked out from its last month: every date
    a window query uses is one of its parameters (crimeplan.engine._compiled)."""

    last_day: dt.date = dt.date.min

    @property
    def end(self) -> dt.date:
        """The last day of the window, as given."""
        return self.last_day


def _prepared(source: str, raw: Any, end: dt.date, severity: bool = False) -> Any:
    """A source table with its derived columns, rows before `end` (the month after --to) only."""
    return derived.prepare(source, raw, severity=severity).filter(lambda x: x._date < ibis.literal(end))


def _window_query(source: str, m: Measure, kinds: list[str]) -> Callable[[Any, Any], Any]:
    """The query of a non-decomposable measure's windows (`w0 start`, `w0 last`, `w0 end`, `w0
    cutoff`, ...) at force, LPA and district level, as one union."""

    def build(tabs: Any, d: Any) -> Any:
        t = _prepared(source, tabs["source"], d["end"])
        areas = tabs.get("areas")
        needed = [(_Pinned(kind, d[f"w{i} start"], d[f"w{i} last"], d[f"w{i} end"]), d.get(f"w{i} cutoff"))
                  for i, kind in enumerate(kinds)]
        has_district = "district" in t.columns
        levels: list[tuple[str, list[str]]] = [("force", [])]
        windows = [w for w, _ in needed]
        span = t.filter((t._date >= min(w.start for w in windows)) & (t._date <= max(w.end for w in windows)))
        span = span.filter(_cond(m, span, m.filter))
        if has_district:
            levels.append(("district", ["district"]))
            if areas is not None:
                levels.append(("lpa", ["lpa"]))
                lookup = areas.select(_d=areas.district, lpa=areas.lpa)
                span = span.left_join(lookup, span.district == lookup._d).drop("_d")
        parts = []
        for w, cutoff in needed:
            base = span.filter((span._date >= w.start) & (span._date <= w.end))
            for level, keys in levels:
                query = m.kind.window_query
                assert query is not None  # a kind that does not add up has one (checked on register)
                num, den = query(m, Span(data=base, full=t, keys=keys, window=w, cutoff=cutoff))
                if den is not None:
                    num = num.join(den, keys, how="outer") if keys else num.cross_join(den)
                    if keys:
                        num = num.mutate(**{keys[0]: ibis.coalesce(num[keys[0]], num[keys[0] + "_right"])})
                else:
                    num = num.mutate(denominator=ibis.null("float64"))
                area = num[keys[0]].cast("string") if keys else ibis.literal("force")
                parts.append(num.select(
                    measure_id=ibis.literal(m.id), area_level=ibis.literal(level), area=area,
                    start=ibis.literal(w.start), end=ibis.literal(w.end),
                    numerator=num.numerator.cast("float64").fill_null(0.0),
                    denominator=num.denominator.cast("float64"),
                ))
        return ibis.union(*parts)

    return build


def _window_figures(queries: Queries, source: str, m: Measure, raw: Any, areas: Any, end: dt.date,
                    needed: list[tuple[Window, dt.date | None]]) -> list[dict[str, Any]]:
    """A non-decomposable measure for its windows at force, LPA and district level, in one query."""
    dates: dict[str, Any] = {"end": end}
    for i, (w, cutoff) in enumerate(needed):
        dates.update({f"w{i} start": w.start, f"w{i} last": w.last, f"w{i} end": w.end})
        if cutoff is not None:
            dates[f"w{i} cutoff"] = cutoff
    kinds = [w.kind for w, _ in needed]
    tabs = {"source": raw} if areas is None else {"source": raw, "areas": areas}
    spec = {"query": "windows", "source": source, "measure": m.model_dump(mode="json"), "kinds": kinds}
    frame = queries.frame(spec, tabs, dates, _window_query(source, m, kinds))
    frame = frame[frame.area.notna()]
    rows = cast(list[dict[str, Any]], frame.to_dict("records"))
    for w, _ in needed:  # a window with no rows at all still has a force figure: zero
        if not any(r["area_level"] == "force" and r["start"] == w.start and r["end"] == w.end for r in rows):
            rows.append({"measure_id": m.id, "area_level": "force", "area": "force", "start": w.start,
                         "end": w.end, "numerator": 0.0, "denominator": float("nan")})
    for r in rows:
        r["start"], r["end"] = pd.Timestamp(r["start"]).date(), pd.Timestamp(r["end"]).date()
    return rows


@functools.lru_cache(maxsize=1)
def _engine_code() -> str:
    """A hash of the code that turns rows into monthly figures (the engine, the kinds, the plan
    expressions, the severity weights): a changed line is a new key even within one version."""
    import crimeplan

    root = Path(crimeplan.__file__).parent
    files = sorted([*(root / "engine").glob("*.py"), *(root / "kinds").glob("*.py"),
                    root / "plans" / "expr.py", root / "contract" / "severity.py",
                    root / "contract" / "data" / "css_weights.csv"])
    digest = hashlib.sha256()
    for f in files:
        digest.update(f.name.encode() + f.read_bytes())
    return digest.hexdigest()


@functools.lru_cache(maxsize=1)
def _versions() -> dict[str, str]:
    """crimeplan's, DuckDB's and Ibis's versions: part of every cache key, with the engine code's
    hash (DuckDB's row hash makes the checksums and its sums the cached figures; Ibis writes the
    kept SQL)."""
    from importlib.metadata import version

    import crimeplan

    return {"crimeplan": crimeplan.__version__, "duckdb": version("duckdb"), "ibis": version("ibis-framework")}


def scan_key(source: str, measures: list[Measure], matured: list[str]) -> str:
    """What a source's monthly scan computes and how: its measures' definitions and the code's
    version (the key of its cached months; any change to either reads every month again)."""
    spec = {"source": source, **_versions(), "code": _engine_code(),
            "severity": derived.severity_vintage() if any(m.kind.weights for m in measures) else None,
            "measures": [m.model_dump(mode="json") for m in measures], "matured": matured}
    return _digest(spec)


def window_key(m: Measure, w: Window, cutoff: dt.date | None, to: dt.date, sums: dict[dt.date, str],
               areas: str) -> str:
    """What one window's figures of a measure that does not add up are computed from: the measure,
    the window, its cut-off, the areas (`areas`: a digest of the table) and the checksum of every
    month its query reads (a maturing measure reads later rows, up to `to`), with the code's version."""
    last = to if m.kind.matures else w.last
    spec = {**_versions(), "code": _engine_code(),
            "measure": m.model_dump(mode="json"), "window": [w.start, w.end], "cutoff": cutoff,
            "areas": areas, "months": [[mm, sums.get(mm)] for mm in months_between(w.start, last)]}
    return _digest(spec)


def _kept_window_figures(store: StoreLike, queries: Queries, source: str, m: Measure, raw: Any, areas_t: Any,
                         areas: str, to: dt.date, needed: list[tuple[Window, dt.date | None]],
                         sums: dict[dt.date, str] | None) -> list[dict[str, Any]]:
    """A measure's window figures: each window read from the store's cache while its key holds
    (`window_key`), the rest queried (in one query) and kept; every window queried when the store
    keeps no checksums."""
    end = add_months(to, 1)
    if sums is None:
        return _window_figures(queries, source, m, raw, areas_t, end, needed)
    keys = {(w, cutoff): window_key(m, w, cutoff, to, sums, areas) for w, cutoff in needed}
    kept = store.cached_windows(list(keys.values()))
    rows: list[dict[str, Any]] = []
    for key in keys.values():
        if key in kept:
            rows += kept[key].to_pandas().to_dict("records")
    missing = [(w, cutoff) for (w, cutoff), key in keys.items() if key not in kept]
    if missing:
        fresh = _window_figures(queries, source, m, raw, areas_t, end, missing)
        store.keep_windows({keys[(w, cutoff)]: pa.Table.from_pylist(
            [r for r in fresh if r["start"] == w.start and r["end"] == w.end], schema=_WINDOW_SCHEMA)
            for w, cutoff in missing})
        rows += fresh
    return rows


_WINDOW_SCHEMA = pa.schema([("measure_id", pa.string()), ("area_level", pa.string()), ("area", pa.string()),
                            ("start", pa.date32()), ("end", pa.date32()), ("numerator", pa.float64()),
                            ("denominator", pa.float64())])


def _in_months(t: Any, months: list[dt.date], after: dt.date) -> Any:
    """The rows of these months (`after`: the month after the last): bounded by a range of `_date`
    too, which lets DuckDB skip the stored row groups outside it (a test of the truncated month
    alone reads every row)."""
    return t.filter((t._date >= ibis.literal(min(months))) & (t._date < ibis.literal(after))
                    & t._month.isin(sorted(months)))


def _scan_query(source: str, measures: list[Measure], keys: list[str], severity: bool,
                lfl: bool) -> Callable[[Any, Any], Any]:
    """The grouped scan of a source's decomposable measures: their monthly parts (or, `lfl`, only
    last year's like-for-like numerators), of every month or of `months`. Dates: `end`, each
    measure's `cutoff <id>`, `months` and `months after` (the month after the last)."""

    def build(tabs: Any, d: Any) -> Any:
        t = _prepared(source, tabs["source"], d["end"], severity)
        aggs: dict[str, Any] = {}
        for m in measures:
            aggs.update(_monthly_aggs(m, t, d.get(f"cutoff {m.id}")))
        chosen = {k: v for k, v in aggs.items() if k.endswith(f"__{NUMERATOR_LFL}") == lfl}
        part = _in_months(t, d["months"], d["months after"]) if "months" in d else t
        return part.group_by(keys).aggregate(**(chosen or {"_rows": t.count()}))

    return build


class _SourceScan:
    """One source's grouped scan of its decomposable measures, run through `queries`."""

    def __init__(self, queries: Queries, source: str, raw: Any, measures: list[Measure], keys: list[str],
                 has_district: bool, end: dt.date, cutoffs: dict[str, dt.date]) -> None:
        self.queries, self.source, self.raw, self.measures = queries, source, raw, measures
        self.keys, self.has_district, self.end, self.cutoffs = keys, has_district, end, cutoffs
        self.severity = any(m.kind.weights for m in measures)

    def frame(self, lfl: bool, months: list[dt.date] | None = None) -> pd.DataFrame:
        """The scan's aggregates by district and month (of `months` only, when given)."""
        dates: dict[str, Any] = {"end": self.end, **{f"cutoff {k}": v for k, v in self.cutoffs.items()}}
        if months is not None:
            dates["months"] = sorted(months)
            dates["months after"] = add_months(max(months), 1)
        spec = {"query": "like for like" if lfl else "monthly", "source": self.source, "keys": self.keys,
                "measures": [m.model_dump(mode="json") for m in self.measures], "severity": self.severity}
        return self.queries.frame(spec, {"source": self.raw}, dates,
                                  _scan_query(self.source, self.measures, self.keys, self.severity, lfl))

    def long(self, lfl: bool, months: list[dt.date] | None = None) -> pd.DataFrame:
        """The scan as rows of measure, district, month and parts."""
        return _long(self.frame(lfl, months), self.measures, self.has_district)


def _scan_months(store: StoreLike, scan: _SourceScan, matured: list[str], to: dt.date,
                 sums: dict[dt.date, str] | None) -> tuple[pd.DataFrame, pd.Series]:
    """The decomposable measures' monthly rows up to `to` and the months with rows: read from the
    store's cache for each month whose checksum is unchanged, scanned for the rest (every month
    when the store keeps no checksums)."""
    if sums is None:
        frame = scan.frame(lfl=False)
        return _long(frame, scan.measures, scan.has_district), pd.to_datetime(frame["_month"])
    wanted = {m: c for m, c in sums.items() if m <= to}
    # a cut-off's date is not in the key: only whether there is one (a maturing measure's aged
    # numerator, each month's at a fixed age, does not move with it)
    key = scan_key(scan.source, scan.measures, matured=matured)
    cached, hit = store.cached_scan(key, wanted)
    missing = sorted(set(wanted) - hit)
    parts = [cached.to_pandas()] if hit else []
    if missing:
        fresh = scan.long(lfl=False, months=missing if hit else None)
        fresh["month"] = pd.to_datetime(fresh["month"]).dt.date
        fresh = fresh[fresh["month"].isin(missing)]  # only what the months kept below vouch for
        store.keep_scan(key, {m: wanted[m] for m in missing},
                        pa.Table.from_pandas(fresh.reindex(columns=MONTHLY_COLUMNS), preserve_index=False))
        parts.append(fresh)
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=MONTHLY_COLUMNS)
    return frame, pd.to_datetime(pd.Series(sorted(wanted), dtype="object"))


def _like_for_like(scan: _SourceScan, to: dt.date) -> pd.DataFrame:
    """Last year's numerator as it stood at the like-for-like cut-off, for the months of the
    year-earlier windows only (the cut-off moves with every month computed, so it is never cached);
    only measures dated by a later event, with a cut-off, have one."""
    dated = [m for m in scan.measures if m.event_date and m.id in scan.cutoffs]
    if not dated:
        return pd.DataFrame(columns=MONTHLY_COLUMNS)
    months: set[dt.date] = set()
    for m in dated:
        for kind in m.windows:
            earlier = window(kind, add_months(to, -m.lag_months)).year_earlier()
            months.update(months_between(earlier.start, earlier.last))
    return scan.long(lfl=True, months=sorted(months))


def _month_span(source: str) -> Callable[[Any, Any], Any]:
    """The first and last month with a row (a source with no decomposable measure to scan)."""

    def build(tabs: Any, d: Any) -> Any:
        t = _prepared(source, tabs["source"], d["end"])
        return t.aggregate(first=t._month.min(), last=t._month.max())

    return build


def _dated_query(source: str, column: str, measures: list[Measure], keys: list[str]) -> Callable[[Any, Any], Any]:
    """Numerators dated by another column (outcomes dated in the month), grouped by that month."""

    def build(tabs: Any, d: Any) -> Any:
        t = _prepared(source, tabs["source"], d["end"])
        t2 = t.mutate(_month=derived.month_of(t, column))
        t2 = t2.filter(t2._month.notnull())
        return t2.group_by(keys).aggregate(**{
            f"{m.id}__{NUMERATOR}": one(_cond(m, t2, m.filter) & _cond(m, t2, m.numerator)).sum() for m in measures})

    return build


def _aggregate_rows(measures: list[Measure], agg: Any, force: str) -> pd.DataFrame:
    """Rows of the aggregates table for the plan's aggregate measures (one read), as window figures."""
    # an aggregates table may hold other areas (regions, other forces): keep the force's own rows
    t = agg.filter(agg.measure_id.isin([m.id for m in measures]) & agg.area.isin([force, "force"])).to_pandas()
    return pd.DataFrame({
        "measure_id": t["measure_id"],
        "area_level": "force",
        "area": "force",
        "start": pd.to_datetime(t["period_start"]).dt.date,
        "end": pd.to_datetime(t["period_end"]).dt.date,
        "numerator": t["numerator"].astype(float),
        "denominator": t["denominator"].astype(float),
        "value": t["value"].astype(float),
    }, columns=[*WINDOW_COLUMNS, "value"])


def compute_series(store: StoreLike, plan: Plan, to_month: str | dt.date,
                   snapshot_id: int | None = None, progress: Progress | None = None) -> SeriesSet:
    """Compute every measure of a plan from a store snapshot into small series."""
    say = progress or (lambda _msg: None)
    to = month_start(to_month)
    snap = store.snapshot(snapshot_id)
    as_at = snap.extract_date
    tables = store.tables(snap.snapshot_id)
    areas_t = tables.get("areas")
    areas = (areas_t.to_pandas() if areas_t is not None
             else pd.DataFrame(columns=["district", "lpa", "force", "population"]))
    force = str(areas["force"].iloc[0]) if len(areas) else "force"
    # the areas a window's LPA figures are grouped by: part of each cached window's key
    areas_digest = str(int(pd.util.hash_pandas_object(areas, index=False).sum())) if len(areas) else "none"

    queries = Queries(store, _engine_code(), _versions())
    by_source: dict[str, list[Measure]] = defaultdict(list)
    for _, m in plan.measures():
        by_source[m.source].append(m)

    monthly_parts: list[pd.DataFrame] = []
    window_rows: list[dict[str, Any]] = []
    aggregate_parts: list[pd.DataFrame] = []
    coverage: dict[str, tuple[dt.date, dt.date]] = {}
    supplied: dict[str, set[dt.date]] = {}
    last_complete: dict[str, dt.date | None] = {}
    carried: dict[str, set[str] | None] = {}
    unavailable: dict[str, str] = {}
    for source, measures in by_source.items():
        if source not in tables:
            for m in measures:
                unavailable[m.id] = f"no {reader_table_name(source)} have been loaded"
            continue
        raw = tables[source]
        if source == "aggregates":
            aggregate_parts.append(_aggregate_rows(measures, raw, force))
            continue
        say(f"scanning {source}")
        end = add_months(to, 1)
        has_district = canonical_table(source).has_district
        keys = ["district", "_month"] if has_district else ["_month"]
        decomposable = [m for m in measures if m.decomposable]
        sums = store.month_checksums(source, snap.snapshot_id)
        scan = None
        scanned = None
        if decomposable:
            cutoffs = {m.id: like_for_like_cutoff(m, to, as_at) for m in decomposable} if as_at else {}
            # the severity weights join only this scan, and only when a measure needs them
            scan = _SourceScan(queries, source, raw, decomposable, keys, has_district, end, cutoffs)
            scanned, months = _scan_months(store, scan, sorted(cutoffs), to, sums)
        else:  # no shared scan to read the months from: ask for them
            span = queries.frame({"query": "months", "source": source}, {"source": raw}, {"end": end},
                                 _month_span(source))
            months = pd.to_datetime(pd.Series([span["first"].iloc[0], span["last"].iloc[0]])).dropna()
        if months.empty:
            for m in measures:
                unavailable[m.id] = f"no {reader_table_name(source)} have been loaded (the table is empty)"
            continue
        coverage[source] = (months.min().date(), months.max().date())
        recorded = store.coverage(source, snap.snapshot_id)
        if recorded:
            supplied[source] = set().union(*recorded.values())
            coverage[source] = (min(supplied[source]), max(supplied[source]))
        last_complete[source] = store.last_complete_month(source, snap.snapshot_id)
        carried[source] = store.carried_columns(source, snap.snapshot_id)
        if scan is not None and scanned is not None:
            monthly_parts += [scanned, _like_for_like(scan, to)]
        # numerators dated by another column (e.g. outcomes dated in the window)
        by_date: dict[str, list[Measure]] = defaultdict(list)
        for m in decomposable:
            if m.numerator_date:
                by_date[m.numerator_date].append(m)
        for col, ms in by_date.items():
            spec = {"query": "dated by", "source": source, "column": col, "keys": keys,
                    "measures": [m.model_dump(mode="json") for m in ms]}
            frame = queries.frame(spec, {"source": raw}, {"end": end}, _dated_query(source, col, ms, keys))
            monthly_parts.append(_long(frame, ms, has_district))
        for m in measures:
            if m.decomposable:
                continue
            say(f"computing {m.id}")
            window_rows += _kept_window_figures(store, queries, source, m, raw, areas_t, areas_digest, to,
                                                _windows_needed(m, to, as_at), sums)

    # an empty part (no like-for-like measure, say) has object columns: left out, or the sums
    # below would come out as objects rather than floats
    monthly_parts = [p for p in monthly_parts if not p.empty]
    monthly = pd.concat(monthly_parts, ignore_index=True) if monthly_parts else pd.DataFrame(columns=MONTHLY_COLUMNS)
    if not monthly.empty:
        monthly["month"] = pd.to_datetime(monthly["month"]).dt.date
        # numerators and denominators that came from separate scans land on one row
        monthly = (monthly.groupby(["measure_id", "district", "month"], dropna=False, as_index=False)
                   [["numerator", "denominator", "sumsq", "numerator_lfl", "numerator_aged"]].sum(min_count=1))
    events = tables["events"].to_pandas() if "events" in tables else pd.DataFrame(
        columns=["date", "scope", "kind", "description"])
    peers = pd.DataFrame(columns=["force", "measure_id", "period_end", "numerator", "denominator",
                                  "population", "value"])
    if plan.msg is not None and "peers" in tables:
        pt = tables["peers"]
        forces = [plan.msg.home, *plan.msg.peers]
        ids = [mm.id for mm in plan.msg.measures]
        pt = pt.filter(pt.force.isin(forces) & pt.measure_id.isin(ids)
                       & (pt.period_end < ibis.literal(add_months(to, 1))))
        peers = pt.to_pandas().drop(columns=["__ord"], errors="ignore")
        peers["period_end"] = pd.to_datetime(peers["period_end"]).dt.date
    windows = pd.DataFrame(window_rows, columns=WINDOW_COLUMNS)
    if aggregate_parts:
        windows = pd.concat([windows, *aggregate_parts], ignore_index=True)
    return SeriesSet(monthly=monthly, windows=windows, areas=areas, coverage=coverage,
                     unavailable=unavailable, events=events, supplied=supplied, peers=peers,
                     snapshot_id=snap.snapshot_id,
                     extract_date=snap.extract_date, last_complete=last_complete, carried=carried,
                     alarms=list(store.alarms(snap.snapshot_id)))

