"""Compute a plan's results from a store and write the results export (CONTRACT.md §3)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from crimeplan.compare import compare, monthly_series
from crimeplan.compare.msg import attach_msg, msg_table
from crimeplan.compare.significance import add_significance
from crimeplan.contract.forces import same_force
from crimeplan.engine import SeriesSet, compute_series
from crimeplan.errors import BadInput
from crimeplan.plans.model import Plan

BOOL_COLUMNS = ("significant", "comparable", "suppressed")


@dataclass
class Results:
    """A plan computed as of a month: the series behind it and the results table."""

    plan: Plan
    to_month: dt.date
    series: SeriesSet
    table: pd.DataFrame
    msg: pd.DataFrame
    # one row per measure × area × month with its state (CONTRACT.md §1 `export series`)
    monthly: pd.DataFrame
    # set on public editions: series with a count below it are not charted or narrated
    disclosure_threshold: int | None = None


def compute(store: Any, plan: Plan, to_month: dt.date, snapshot_id: int | None = None,
            progress: Callable[[str], None] | None = None) -> Results:
    """Engine then comparisons (then statistics, where available) for one plan."""
    series = compute_series(store, plan, to_month, snapshot_id=snapshot_id, progress=progress)
    if plan.force and series.force and not same_force(plan.force.name, series.force):
        raise BadInput(f"the plan is for {plan.force.name}, but the store holds {series.force}'s data",
                       field="--plan")
    check_period(series, plan, to_month)
    table = add_significance(compare(series, plan, to_month), plan)
    msg = msg_table(series, plan)
    table = attach_msg(table, msg, series.force or (plan.msg.home if plan.msg else "force"))
    return Results(plan, to_month, series, table, msg, monthly_series(series, plan, to_month))


RECORD_SOURCES = ("crimes", "incidents", "calls", "survey_responses", "casualties", "workforce")


def check_period(series: SeriesSet, plan: Plan, to_month: dt.date) -> None:
    """Refuse a period past the data: when --to is after every record source's last complete month."""
    sources = sorted({m.source for _, m in plan.measures() if m.source in RECORD_SOURCES})
    if not sources:
        return
    lasts = {s: series.last_complete.get(s) for s in sources}
    if any(last is not None and to_month <= last for last in lasts.values()):
        return
    named = "; ".join(f"{s}: {last:%Y-%m}" if last else f"{s}: none" for s, last in lasts.items())
    raise BadInput(f"--to {to_month:%Y-%m} is past the data in the store: no source the plan reads has a "
                   f"complete month that late (last complete month of each: {named}). Give --to on or "
                   "before the last complete month, or load the missing months first", field="--to")


def series_table(monthly: pd.DataFrame) -> pa.Table:
    """The series export: months as YYYY-MM; value empty unless the state is `value`."""
    frame = monthly.copy()
    frame["month"] = [m.strftime("%Y-%m") for m in frame["month"]]
    for col in ("numerator", "denominator", "value"):
        frame[col] = frame[col].astype("float64")
    frame["age_months"] = frame["age_months"].astype("Int64")
    return pa.Table.from_pandas(frame, preserve_index=False)


def _text(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def write_results(table: pd.DataFrame, out: Path) -> None:
    """Write the results export as .csv, .parquet or .json."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    frame = table.copy()
    suffix = out.suffix.lower()
    if suffix == ".csv":
        for col in BOOL_COLUMNS:
            frame[col] = frame[col].map(
                lambda v: "" if v is None or (isinstance(v, float) and pd.isna(v)) else _text(bool(v)))
        frame.to_csv(out, index=False)
    elif suffix == ".parquet":
        for col in BOOL_COLUMNS:
            frame[col] = frame[col].astype("boolean")
        frame.to_parquet(out, index=False)
    elif suffix == ".json":
        records = json.loads(frame.to_json(orient="records", double_precision=15))
        out.write_text(json.dumps(records, indent=1), encoding="utf-8")
    else:
        raise BadInput("the results file must end in .csv, .parquet or .json", file=str(out))
