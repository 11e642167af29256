"""Results kept in the store: written by `crimeplan compute`, read by reports and exports.

`results_for` is what every reader calls: the stored run for (snapshot, plan hash, month, code
version) when there is one, else a fresh compute, which is then kept for the next reader.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from crimeplan.errors import BadInput, StoreBusy
from crimeplan.narrative import KeyPoint
from crimeplan.plans.model import Plan
from crimeplan.results._frames import dumps, from_arrow, loads, to_arrow
from crimeplan.results._model import Chart, ChartPoint, Context, Results, ResultsKey, code_version, plan_hash
from crimeplan.store import Alarm, StoreLike, open_store

CHART_POINT_FIELDS = [f.name for f in dataclasses.fields(ChartPoint)]


def _chart_frames(charts: dict[tuple[str, str], Chart]) -> tuple[pd.DataFrame, pd.DataFrame]:
    heads = [{"measure_id": c.measure_id, "view": c.view, "icon": c.icon, "warnings": list(c.warnings),
              "baseline_last": c.baseline_last} for c in charts.values()]
    points = [{"measure_id": c.measure_id, "view": c.view, "position": i, **dataclasses.asdict(p)}
              for c in charts.values() for i, p in enumerate(c.points)]
    return (pd.DataFrame(heads, columns=["measure_id", "view", "icon", "warnings", "baseline_last"]),
            pd.DataFrame(points, columns=["measure_id", "view", "position", *CHART_POINT_FIELDS]))


def _charts_of(heads: pd.DataFrame, points: pd.DataFrame) -> dict[tuple[str, str], Chart]:
    by_chart: dict[tuple[str, str], list[ChartPoint]] = {}
    for rec in points.sort_values("position", kind="stable").to_dict("records"):
        by_chart.setdefault((rec["measure_id"], rec["view"]), []).append(
            ChartPoint(**{f: _cell(rec[f]) for f in CHART_POINT_FIELDS}))
    out = {}
    for rec in heads.to_dict("records"):
        key = (rec["measure_id"], rec["view"])
        baseline = _cell(rec["baseline_last"])
        out[key] = Chart(rec["measure_id"], rec["view"], tuple(by_chart.get(key, [])), rec["icon"],
                         tuple(rec["warnings"] or ()), None if baseline is None else int(baseline))
    return out


def _cell(value: Any) -> Any:
    """A stored cell as the record had it: None for a null."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    return value.item() if hasattr(value, "item") else value


def _key_point_frame(points: dict[str, tuple[KeyPoint, ...]]) -> pd.DataFrame:
    rows = [{"measure_id": kp.measure_id, "position": i, "kind": kp.kind, "text": kp.text, "test": kp.test,
             "numbers": dict(kp.numbers)} for found in points.values() for i, kp in enumerate(found)]
    return pd.DataFrame(rows, columns=["measure_id", "position", "kind", "text", "test", "numbers"])


def _key_points_of(frame: pd.DataFrame) -> dict[str, tuple[KeyPoint, ...]]:
    out: dict[str, list[KeyPoint]] = {}
    for rec in frame.sort_values("position", kind="stable").to_dict("records"):
        out.setdefault(rec["measure_id"], []).append(
            KeyPoint(rec["measure_id"], rec["kind"], rec["text"], rec["numbers"] or {}, _cell(rec["test"])))
    return {k: tuple(v) for k, v in out.items()}


def _context_meta(c: Context) -> dict[str, Any]:
    return {"snapshot_id": c.snapshot_id, "extract_date": c.extract_date, "force": c.force,
            "unavailable": dict(c.unavailable), "events": [dict(e) for e in c.events],
            "alarms": [dataclasses.asdict(a) for a in c.alarms],
            "carried": {k: None if v is None else sorted(v) for k, v in c.carried.items()},
            "files": [dict(f) for f in c.files]}


def tables_of(results: Results) -> tuple[str, dict[str, pa.Table]]:
    """A computed plan as the store keeps it: meta (context, column kinds) and one table per frame."""
    heads, points = _chart_frames(dict(results.charts))
    frames = {"windows": results.table, "msg": results.msg, "monthly": results.monthly,
              "quarters": results.quarters, "charts": heads, "chart_points": points,
              "key_points": _key_point_frame(dict(results.key_points)), "areas": results.context.areas,
              "chart_svgs": pd.DataFrame({"digest": list(results.svgs), "svg": list(results.svgs.values())},
                                         columns=["digest", "svg"])}
    tables, kinds = {}, {}
    for name, frame in frames.items():
        tables[name], kinds[name] = to_arrow(frame)
    meta = {"context": _context_meta(results.context), "kinds": kinds, "to_month": results.to_month,
            "plan_id": results.plan.id}
    return dumps(meta), tables


def results_of(plan: Plan, key: ResultsKey, meta_text: str, tables: dict[str, pa.Table]) -> Results:
    """The Results a stored run holds (no engine frames: `series` is None)."""
    meta = loads(meta_text)
    frames = {name: from_arrow(table, meta["kinds"].get(name, {})) for name, table in tables.items()}
    c = meta["context"]
    context = Context(
        snapshot_id=c["snapshot_id"], extract_date=c["extract_date"], force=c["force"],
        unavailable=c["unavailable"], events=tuple(c["events"]),
        alarms=tuple(Alarm(**a) for a in c["alarms"]),
        carried={k: None if v is None else frozenset(v) for k, v in c["carried"].items()},
        areas=frames["areas"], files=tuple(c["files"]))
    return Results(plan, meta["to_month"], context, frames["windows"], frames["msg"], frames["monthly"],
                   quarters=frames["quarters"], charts=_charts_of(frames["charts"], frames["chart_points"]),
                   key_points=_key_points_of(frames["key_points"]),
                   svgs=dict(zip(frames["chart_svgs"].digest, frames["chart_svgs"].svg)), key=key)


def save(store: StoreLike, results: Results) -> int | None:
    """Keep computed results in the store; returns the run id (None when they have no snapshot)."""
    if results.key is None:
        return None
    meta, tables = tables_of(results)
    k = results.key
    return store.save_results(k.snapshot_id, k.plan_hash, k.to_month, k.code_version, meta, tables)


def stored(store: StoreLike, plan: Plan, to_month: dt.date, snapshot_id: int | None = None) -> Results | None:
    """The stored results of the plan as of the month, or None when they have not been computed."""
    if store.latest_snapshot() is None:
        return None
    sid = store.snapshot(snapshot_id).snapshot_id
    key = ResultsKey(sid, plan_hash(plan), to_month)
    run = store.results_run(key.snapshot_id, key.plan_hash, key.to_month, key.code_version)
    if run is None:
        return None
    meta, tables = store.read_results(run)
    return results_of(plan, key, meta, tables)


def results_for(path: str | Path, plan: Plan, to_month: dt.date, snapshot_id: int | None = None,
                progress: Callable[[str], None] | None = None, *, keep: bool = True,
                warn: Callable[[str], None] | None = None) -> Results:
    """Stored results when there are some, else computed (and, with `keep`, stored for next time)."""
    with open_store(path, read_only=True) as st:
        found = stored(st, plan, to_month, snapshot_id)
        if found is not None:
            return found
        from crimeplan.results._compute import compute  # the engine, only when nothing is stored

        results = compute(st, plan, to_month, snapshot_id=snapshot_id, progress=progress)
    if keep and results.key is not None:
        try:
            with open_store(path) as st:
                save(st, results)
        except (StoreBusy, BadInput) as exc:  # busy or read-only: the figures stand, only not kept
            if warn:
                warn(f"these results were not kept in the store ({exc}); the next report computes them again")
    return results


def stored_runs(path: str | Path, plan: Plan) -> list[dict[str, Any]]:
    """The plan's stored runs this code version reads (key and when computed), newest first."""
    wanted = plan_hash(plan)
    with open_store(path, read_only=True) as st:
        return [r for r in st.results_runs() if r["plan_hash"] == wanted and r["code_version"] == code_version()]


def read_run(path: str | Path, plan: Plan, run: Mapping[str, Any]) -> Results:
    """One stored run (a row of stored_runs) as Results."""
    with open_store(path, read_only=True) as st:
        meta, tables = st.read_results(int(run["run_id"]))
    key = ResultsKey(int(run["snapshot_id"]), str(run["plan_hash"]), run["to_month"], str(run["code_version"]))
    return results_of(plan, key, meta, tables)
