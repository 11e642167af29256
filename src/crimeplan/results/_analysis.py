"""From the monthly series with states to SPC charts, financial quarters and key points.

Computed once with the comparisons and stored with them, so every report, format and the
dashboard read the same charts and sentences.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pandas as pd

from crimeplan import stats
from crimeplan.compare.states import force_values
from crimeplan.compare.values import records
from crimeplan.narrative import KeyPoint, SeriesFacts, key_points, quarterly
from crimeplan.periods import quarter_label, quarter_last_month, quarter_ordinal
from crimeplan.plans.model import Measure, Plan
from crimeplan.results._model import Chart, ChartPoint, Context

NOUNS = {"crimes": "offences", "incidents": "incidents", "casualties": "casualties",
         "calls": "calls", "survey_responses": "responses", "workforce": "people"}
MONTHLY_CHART_MONTHS = 36  # a monthly chart shows the last three years
QUARTER_COLUMNS = ["measure_id", "quarter", "last_month", "numerator", "denominator", "value"]


def spc_options(m: Measure, periods: list[dt.date]) -> dict[str, Any]:
    """The measure's Making Data Count options for a chart over these periods (first days of months)."""
    options: dict[str, Any] = {"screen_outliers": m.spc.screen_outliers,
                               "warning_threshold": m.spc.warning_threshold}
    if m.spc.baseline_points:
        options["fix_after_n_points"] = m.spc.baseline_points
    elif m.spc.baseline_until is not None:
        until = m.spc.baseline_until.replace(day=1)
        after = [i for i, p in enumerate(periods) if p > until]
        index = after[0] if after else len(periods)
        if index >= 2:  # a baseline needs two points; before the chart starts there is none
            options["fix_before_index"] = index
    return options


def series_facts(monthly: pd.DataFrame, context: Context, m: Measure,
                 to_month: dt.date) -> tuple[SeriesFacts | None, pd.DataFrame | None]:
    """A measure's monthly force series with states, up to the report month, for key points and charts."""
    mv = force_values(monthly, m.id)
    if mv.empty or not (mv.state == "value").any():
        return None, None
    valued = mv.state == "value"
    facts = SeriesFacts(
        measure_id=m.id, label=m.label, polarity=m.polarity, percent=m.is_percent,
        months=list(mv.month),
        numerators=[float(n) if ok else None for n, ok in zip(mv.numerator, valued)],
        denominators=[None if pd.isna(d) or not ok else float(d) for d, ok in zip(mv.denominator, valued)],
        noun=NOUNS.get(m.source, "cases"), scale=m.scale,
        events=context.recording_changes(m.id), period_end=to_month,
        spc_options=lambda months: spc_options(m, months))
    return facts, mv


def quarters_of(facts: SeriesFacts, m: Measure) -> pd.DataFrame:
    """The measure's complete financial quarters: numerator, denominator and value."""
    rows = [{"measure_id": m.id, "quarter": q.label, "last_month": q.last_month, "numerator": q.numerator,
             "denominator": q.denominator, "value": q.value}
            for q in quarterly(facts.months, facts.numerators, facts.denominators, m.is_percent, m.scale)]
    return pd.DataFrame(rows, columns=QUARTER_COLUMNS)


def _number(x: float | None) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def chart_of(m: Measure, view: str, periods: list[dt.date], values: list[float | None],
             labels: list[str], counts: list[float | None], context: Context) -> Chart | None:
    """An XmR chart over the periods, from its first figure to its last; gaps inside it stay gaps."""
    while values and values[0] is None:
        periods, values, labels, counts = periods[1:], values[1:], labels[1:], counts[1:]
    while values and values[-1] is None:
        periods, values, labels, counts = periods[:-1], values[:-1], labels[:-1], counts[:-1]
    if len([v for v in values if v is not None]) < 2:
        return None
    # a recording change starts new limits at the first period after it
    rebase = tuple(i for date, _ in context.recording_changes(m.id) for i, p in enumerate(periods)
                   if i > 0 and periods[i - 1] < date.replace(day=1) <= p)
    result = stats.spc(values, m.polarity, rebase_at=rebase, **spc_options(m, periods))
    points = tuple(
        ChartPoint(period=period, label=label, value=_number(p.value), mean=_number(p.mean),
                   lower=_number(p.lower_limit), upper=_number(p.upper_limit),
                   cause=p.special_cause if _number(p.value) is not None else None,
                   rule=p.rule if _number(p.value) is not None else None,
                   segment=p.segment, count=count if _number(p.value) is not None else None)
        for p, period, label, count in zip(result.points, periods, labels, counts))
    held = result.baseline_indices
    fixed = bool(m.spc.baseline_until or m.spc.baseline_points)
    return Chart(measure_id=m.id, view=view, points=points, icon=result.variation_icon,
                 warnings=tuple(result.warnings),
                 baseline_last=held[-1] if fixed and held and held[-1] < len(values) - 1 else None)


def monthly_chart(mv: pd.DataFrame, m: Measure, context: Context) -> Chart | None:
    """The last three years' months: value where the state is `value`, else a gap."""
    shown = mv.tail(MONTHLY_CHART_MONTHS)
    periods = list(shown.month)
    values = [float(v) if state == "value" and not pd.isna(v) else None
              for v, state in zip(shown.value, shown.state)]
    counts = [float(x) if v is not None else None for x, v in zip(shown.numerator, values)]
    return chart_of(m, "monthly", periods, values, [p.strftime("%b %Y") for p in periods], counts, context)


def quarterly_chart(facts: SeriesFacts, quarters: pd.DataFrame, m: Measure, context: Context) -> Chart | None:
    """Every financial quarter from the first to the stated one: its value, or a gap."""
    target = facts.target_quarter
    if quarters.empty or target is None:
        return None
    by_ordinal: dict[int, dict[str, Any]] = {quarter_ordinal(q["last_month"]): q for q in records(quarters)}
    first = min(quarter_ordinal(facts.months[0]), min(by_ordinal))
    ordinals = range(first, target + 1)
    return chart_of(m, "quarterly", [quarter_last_month(o) for o in ordinals],
                    [float(by_ordinal[o]["value"]) if o in by_ordinal else None for o in ordinals],
                    [quarter_label(o) for o in ordinals],
                    [float(by_ordinal[o]["numerator"]) if o in by_ordinal else None for o in ordinals], context)


def analyse(plan: Plan, monthly: pd.DataFrame, context: Context, to_month: dt.date
            ) -> tuple[pd.DataFrame, dict[tuple[str, str], Chart], dict[str, tuple[KeyPoint, ...]]]:
    """Quarters, SPC charts and key points of every measure that adds up month by month."""
    quarter_frames, charts, points = [], {}, {}
    for _, m in plan.measures():
        if not m.decomposable or m.id in context.unavailable:
            continue
        facts, mv = series_facts(monthly, context, m, to_month)
        if facts is None or mv is None:
            continue
        chart = monthly_chart(mv, m, context)
        if chart is not None:
            charts[(m.id, "monthly")] = chart
        if not (m.is_percent or m.kind.denominator == "none"):
            continue
        quarters = quarters_of(facts, m)
        quarter_frames.append(quarters)
        chart = quarterly_chart(facts, quarters, m, context)
        if chart is not None:
            charts[(m.id, "quarterly")] = chart
        if m.is_percent or m.kind.row_count:
            points[m.id] = tuple(key_points(facts))
    frames = [f for f in quarter_frames if not f.empty]
    quarters_all = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=QUARTER_COLUMNS)
    return quarters_all, charts, points
