"""Compute a plan's results from a store: engine, comparisons, statistics, charts and key points."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

from crimeplan.compare import compare, monthly_series
from crimeplan.compare.msg import attach_msg, msg_table
from crimeplan.compare.significance import add_significance
from crimeplan.contract.forces import same_force
from crimeplan.engine import SeriesSet, compute_series
from crimeplan.errors import BadInput
from crimeplan.plans.model import Plan
from crimeplan.results import _national as national
from crimeplan.results._analysis import analyse
from crimeplan.results._model import VIEWS, Chart, Context, Results, ResultsKey, plan_hash
from crimeplan.results._spec import chart_spec, spec_digest, svg_of
from crimeplan.store import StoreLike


def compute(store: StoreLike, plan: Plan, to_month: dt.date, snapshot_id: int | None = None,
            progress: Callable[[str], None] | None = None) -> Results:
    """Engine, then comparisons, significance, MSG positions, SPC charts and key points for one plan."""
    series = compute_series(store, plan, to_month, snapshot_id=snapshot_id, progress=progress)
    if plan.national:  # every force: forces take the LPA level's place (results/_national.py)
        series = national.by_force(series, plan)
    if plan.force and series.force and not same_force(plan.force.name, series.force):
        raise BadInput(f"the plan is for {plan.force.name}, but the store holds {series.force}'s data",
                       field="--plan")
    check_period(series, plan, to_month)
    if progress:
        progress("comparisons")
    table = add_significance(compare(series, plan, to_month), plan)
    msg = msg_table(series, plan)
    table = attach_msg(table, msg, series.force or (plan.msg.home if plan.msg else "force"))
    if plan.national:
        table = national.positions(table, store, series, plan)
    monthly = monthly_series(series, plan, to_month)
    files = [] if series.snapshot_id is None else store.files(series.snapshot_id)
    context = Context.of(series, files)
    if progress:
        progress("charts and key points")
    quarters, charts, points = analyse(plan, monthly, context, to_month)
    svgs = drawn(plan, charts)
    key = None if series.snapshot_id is None else ResultsKey(series.snapshot_id, plan_hash(plan), to_month)
    return Results(plan, to_month, context, table, msg, monthly, quarters=quarters, charts=charts,
                   key_points=points, svgs=svgs, key=key, series=series)


def drawn(plan: Plan, charts: Mapping[tuple[str, str], Chart]) -> dict[str, str]:
    """SVGs of the charts the reports draw (headline measures', both views), by spec digest."""
    out = {}
    for _, m in plan.measures():
        for view in VIEWS:
            chart = charts.get((m.id, view))
            if m.headline and chart is not None:
                spec = chart_spec(m, chart)
                digest = spec_digest(spec)
                if digest not in out:  # two charts of one spec are drawn once
                    out[digest] = svg_of(spec)
    return out


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
