"""Making Data Count style XmR charts as Vega-Lite specs, with the variation icon's wording."""

from __future__ import annotations

import datetime as dt
from typing import Any

import altair as alt
import pandas as pd

from crimeplan.stats import SPCResult

# NHS England Making Data Count colours
IMPROVEMENT = "#289de0"
CONCERN = "#fab428"
COMMON = "#7f7f7f"
NEUTRAL = "#361475"

ICON_TEXT = {
    "common_cause": "Common cause variation",
    "improvement_high": "Special cause improving variation (high)",
    "improvement_low": "Special cause improving variation (low)",
    "concern_high": "Special cause concerning variation (high)",
    "concern_low": "Special cause concerning variation (low)",
    "neutral_high": "Special cause variation (high)",
    "neutral_low": "Special cause variation (low)",
}
ICON_COLOUR = {"common_cause": COMMON, "improvement_high": IMPROVEMENT, "improvement_low": IMPROVEMENT,
               "concern_high": CONCERN, "concern_low": CONCERN, "neutral_high": NEUTRAL,
               "neutral_low": NEUTRAL}
ICON_LETTER = {"common_cause": "", "improvement_high": "H", "improvement_low": "L", "concern_high": "H",
               "concern_low": "L", "neutral_high": "H", "neutral_low": "L"}


def icon_svg(icon: str, size: int = 28) -> str:
    """A small round icon in the Making Data Count colours with H or L for the direction."""
    colour = ICON_COLOUR[icon]
    letter = ICON_LETTER[icon]
    r = size / 2
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
            f'viewBox="0 0 {size} {size}" role="img" aria-label="{ICON_TEXT[icon]}">'
            f'<title>{ICON_TEXT[icon]}</title>'
            f'<circle cx="{r}" cy="{r}" r="{r - 2}" fill="white" stroke="{colour}" stroke-width="3"/>'
            f'<text x="{r}" y="{r + 5}" text-anchor="middle" font-family="Arial" font-size="{size / 2}" '
            f'font-weight="bold" fill="{colour}">{letter}</text></svg>')


def _number(x: float | None) -> float | None:
    return None if x is None or x != x else float(x)


def spc_spec(result: SPCResult, periods: list[dt.date], title: str, width: int = 560,
             labels: list[str] | None = None) -> dict[str, Any]:
    """An XmR chart: values coloured by special cause, mean and process limits per segment.

    A period with no value is a gap (the line breaks there and a grey band marks it); with
    `labels` the x axis reads them (e.g. financial quarters) instead of dates.
    """
    rows = []
    present = [c for c in ("improvement", "concern", "neutral") if c in result.special_causes]
    run = 0  # a gap starts a new run, so no line joins across it
    for i, (p, period) in enumerate(zip(result.points, periods)):
        value = _number(p.value)
        run += value is None
        rows.append({"period": period.isoformat(), "label": labels[i] if labels else period.strftime("%b %Y"),
                     "value": value, "mean": _number(p.mean), "lower": _number(p.lower_limit),
                     "upper": _number(p.upper_limit),
                     "cause": (p.special_cause or "common cause") if value is not None else None,
                     "segment": f"{p.segment}-{run}", "gap": value is None})
    data = pd.DataFrame(rows)
    if labels:
        # one label a year (its first quarter) keeps a long quarterly axis readable
        x = alt.X("label:O", title=None, sort=None, axis=alt.Axis(
            labelAngle=0, labelExpr="indexof(datum.label, 'Q1') >= 0 ? datum.label : ''"))
    else:
        # ticks on whole months, a step wide enough for about a dozen labels: a short series
        # otherwise gets weekly ticks that all read the same month
        step = next(k for k in (1, 2, 3, 6, 12, 24, 60) if len(periods) <= 12 * k or k == 60)
        x = alt.X("period:T", title=None, axis=alt.Axis(
            format="%b %y", labelAngle=0, tickCount={"interval": "month", "step": step}))
    base = alt.Chart(data)
    known = base.transform_filter("datum.value != null")
    y = alt.Y("value:Q", title=None, scale=alt.Scale(zero=False))
    line = known.mark_line(color=COMMON, strokeWidth=1.2).encode(x=x, y=y, detail="segment:N")
    causes = ["common cause"] + [c for c in ("improvement", "concern", "neutral") if c in present]
    colours = {"common cause": COMMON, "improvement": IMPROVEMENT, "concern": CONCERN, "neutral": NEUTRAL}
    points = known.mark_circle(size=36, opacity=1).encode(
        x=x, y="value:Q",
        color=alt.Color("cause:N", title=None, scale=alt.Scale(
            domain=causes, range=[colours[c] for c in causes]), legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("label:N", title="period"), alt.Tooltip("value:Q", format=",.1f"), "cause:N"],
    )
    limits = base.transform_filter("datum.mean != null")
    mean = limits.mark_line(color="#222", strokeWidth=1).encode(x=x, y="mean:Q", detail="segment:N")
    upper = limits.mark_line(color="#888", strokeDash=[4, 3], strokeWidth=1).encode(
        x=x, y="upper:Q", detail="segment:N")
    lower = limits.mark_line(color="#888", strokeDash=[4, 3], strokeWidth=1).encode(
        x=x, y="lower:Q", detail="segment:N")
    layers = [upper, lower, mean, line, points]
    if data["gap"].any():  # a light band where a period has no figure
        band = base.transform_filter("datum.gap").mark_rule(color="#dddddd", strokeWidth=6).encode(
            x=x, tooltip=[alt.Tooltip("label:N", title="no figure for")])
        layers.insert(0, band)
    chart = alt.layer(*layers).properties(
        width=width, height=170, title=alt.TitleParams(title, anchor="start", fontSize=12))
    return chart.to_dict()
