"""Compute a plan's results from a store and write the results export (CONTRACT.md §3)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pandas as pd

from crimeplan.compare import compare
from crimeplan.compare.msg import attach_msg, msg_table
from crimeplan.compare.significance import add_significance
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
    # set on public editions: series with a count below it are not charted or narrated
    disclosure_threshold: int | None = None


def compute(store: Any, plan: Plan, to_month: dt.date, snapshot_id: int | None = None,
            progress: Callable[[str], None] | None = None) -> Results:
    """Engine then comparisons (then statistics, where available) for one plan."""
    series = compute_series(store, plan, to_month, snapshot_id=snapshot_id, progress=progress)
    table = add_significance(compare(series, plan, to_month), plan)
    msg = msg_table(series, plan)
    table = attach_msg(table, msg, series.force or (plan.msg.home if plan.msg else "force"))
    return Results(plan, to_month, series, table, msg)


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
            frame[col] = frame[col].map(lambda v: "" if v is None or (isinstance(v, float) and pd.isna(v)) else _text(bool(v)))
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
