"""Areas against the force: a funnel plot of each district's (or LPA's) 12-month figure against the
force's, with 95% and 99.8% limits for an area of its size (PHEindicatormethods' funnel method).

Worked from the stored results rows (numerator, denominator) and the store's area populations;
no record is read. Percentages are funnelled as proportions of their denominator; counts as
rates per 1,000 residents. Other units (scores, averages, times) have no funnel.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from crimeplan.compare.peers import funnel_flag, funnel_limits
from crimeplan.results._model import Results
from crimeplan.results._spec import SCHEMA


@dataclass(frozen=True)
class FunnelPoint:
    """One area on the funnel: its figure, its size and where it falls."""

    area: str
    value: float
    size: float  # the denominator: cases (a percentage) or residents (a rate)
    numerator: float
    flag: str  # better, worse or similar, at 99.8%
    flag_95: str


@dataclass(frozen=True)
class Funnel:
    """A measure's areas at one level against the force's figure."""

    measure_id: str
    level: str
    kind: str  # proportion | rate
    unit_text: str
    average: float
    points: tuple[FunnelPoint, ...]
    window: str


def _sizes(results: Results, level: str) -> dict[str, float]:
    """Residents of each district (latest population) or LPA (its districts summed)."""
    areas = results.context.areas
    if areas.empty or "population" not in areas:
        return {}
    latest = areas.sort_values("valid_from").groupby("district", as_index=False).last()
    column = "district" if level == "district" else "lpa"
    return {str(k): float(v) for k, v in latest.groupby(column)["population"].sum().items()}


def funnel_of(results: Results, measure_id: str, level: str = "district") -> Funnel | None:
    """The measure's funnel at a level, or None when its unit has none, an area's figure is missing
    or withheld, or there are fewer than three areas."""
    m = results.plan.measure(measure_id)
    if m.unit not in ("percent", "count"):
        return None
    t = results.table
    rows = t[(t.measure_id == m.id) & (t.window == m.windows[0])]
    force = rows[rows.area_level == "force"]
    areas = rows[rows.area_level == level]
    if force.empty or len(areas) < 3 or (areas.suppressed == True).any():  # noqa: E712 - objects
        return None
    sizes = _sizes(results, level)
    points = []
    if m.unit == "percent":
        kind, unit_text = "proportion", "%"
        force_num, force_den = force.current_numerator.iloc[0], force.current_denominator.iloc[0]
        pairs = list(zip(areas.area.astype(str), areas.current_numerator, areas.current_denominator))
    else:
        kind, unit_text = "rate", "per 1,000 residents"
        force_num, force_den = force.current_numerator.iloc[0], sum(sizes.values())
        pairs = [(str(a), n, sizes.get(str(a))) for a, n in zip(areas.area, areas.current_numerator)]
    if any(pd.isna(v) for v in (force_num, force_den)) or not force_den:
        return None
    multiplier = 100.0 if kind == "proportion" else 1000.0
    average = float(force_num) / float(force_den) * multiplier
    for area, numerator, size in pairs:
        if numerator is None or size is None or pd.isna(numerator) or pd.isna(size) or not size:
            return None  # one area without a figure: a funnel of the rest would mislead
        n, s = float(numerator), float(size)
        flags = [funnel_flag(n / s * multiplier, average, s, kind, polarity=m.polarity, level=lv)
                 for lv in (0.998, 0.95)]
        points.append(FunnelPoint(area, n / s * multiplier, s, n, *flags))
    return Funnel(m.id, level, kind, unit_text, average, tuple(points), m.windows[0])


def funnel_spec(funnel: Funnel, title: str, width: int = 560) -> dict[str, Any]:
    """The funnel as a Vega-Lite spec: limits as lines across the areas' sizes, the force's figure
    as a rule, and each area as a labelled point."""
    low = min(p.size for p in funnel.points) * 0.8
    high = max(p.size for p in funnel.points) * 1.2
    grid = [low + (high - low) * i / 60 for i in range(61)]
    limits = []
    for size in grid:
        found = funnel_limits(funnel.average, size, funnel.kind)
        for name, key in (("99.8% limits", "99_8"), ("95% limits", "95")):
            limits += [{"size": size, "limit": found[f"lower_{key}"], "band": name, "side": "lower"},
                       {"size": size, "limit": found[f"upper_{key}"], "band": name, "side": "upper"}]
    colours = {"better": "#289de0", "worse": "#fab428", "similar": "#7f7f7f"}
    points = [{"area": p.area, "size": p.size, "value": p.value, "flag": p.flag} for p in funnel.points]
    x = {"field": "size", "type": "quantitative", "scale": {"zero": False},
         "title": "Cases (denominator)" if funnel.kind == "proportion" else "Residents"}
    y_title = f"{'%' if funnel.kind == 'proportion' else 'Rate ' + funnel.unit_text}"
    return {
        "$schema": SCHEMA, "title": title, "width": width, "height": 300,
        "config": {"font": "Arial", "view": {"stroke": None}},
        "layer": [
            {"data": {"values": limits},
             "mark": {"type": "line", "strokeWidth": 1},
             "encoding": {"x": x, "y": {"field": "limit", "type": "quantitative", "title": y_title,
                                        "scale": {"zero": False}},
                          "detail": {"field": "side"},
                          "strokeDash": {"field": "band", "type": "nominal", "title": None,
                                         "scale": {"domain": ["95% limits", "99.8% limits"],
                                                   "range": [[4, 3], [1, 0]]}},
                          "color": {"value": "#505a5f"}}},
            {"data": {"values": [{"average": funnel.average}]}, "mark": {"type": "rule", "color": "#0b0c0c"},
             "encoding": {"y": {"field": "average", "type": "quantitative"}}},
            {"data": {"values": points}, "mark": {"type": "circle", "size": 60, "opacity": 1},
             "encoding": {"x": x, "y": {"field": "value", "type": "quantitative"},
                          "color": {"field": "flag", "type": "nominal", "title": None,
                                    "scale": {"domain": list(colours), "range": list(colours.values())}}}},
            {"data": {"values": points}, "mark": {"type": "text", "align": "left", "dx": 6, "fontSize": 10},
             "encoding": {"x": x, "y": {"field": "value", "type": "quantitative"}, "text": {"field": "area"}}},
        ],
    }
