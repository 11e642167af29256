"""A stored chart as a Vega-Lite spec (a plain dict: no validation pass per chart) and as SVG.

The spec is what a browser draws; the SVG, rendered once with the results for every chart a
report shows, is what the documents embed.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

from crimeplan.plans.model import Measure
from crimeplan.results._model import Chart

# NHS England Making Data Count colours, by the cause of a point's variation
CAUSE_COLOURS = {"common cause": "#7f7f7f", "improvement": "#289de0", "concern": "#fab428",
                 "neutral": "#361475"}
SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"


def _x_axis(chart: Chart, quarters: bool) -> dict[str, Any]:
    """Quarters read their labels (one a year, its Q1); months tick on whole months."""
    if quarters:
        return {"field": "label", "type": "ordinal", "sort": None, "title": None, "axis": {
            "labelAngle": 0, "labelExpr": "indexof(datum.label, 'Q1') >= 0 ? datum.label : ''"}}
    # a step wide enough for about a dozen labels: a short series otherwise gets weekly ticks
    # that all read the same month
    n = len(chart.points)
    step = next(k for k in (1, 2, 3, 6, 12, 24, 60) if n <= 12 * k or k == 60)
    return {"field": "period", "type": "temporal", "title": None, "axis": {
        "format": "%b %y", "labelAngle": 0, "tickCount": {"interval": "month", "step": step}}}


def _line(colour: str, field: str, filter_: str, x: dict[str, Any], **mark: Any) -> dict[str, Any]:
    return {"mark": {"type": "line", "color": colour, **mark}, "transform": [{"filter": filter_}],
            "encoding": {"x": x, "y": {"field": field, "type": "quantitative"},
                         "detail": {"field": "segment", "type": "nominal"}}}


def spc_spec(chart: Chart, title: str, *, quarters: bool = False, width: int = 560) -> dict[str, Any]:
    """An XmR chart as a Vega-Lite spec: values coloured by special cause, mean and process limits
    per segment; a period with no value is a gap (the line breaks and a grey band marks it)."""
    rows = []
    run = 0  # a gap starts a new run, so no line joins across it
    for p in chart.points:
        run += p.value is None
        rows.append({"period": p.period.isoformat(), "label": p.label, "value": p.value, "mean": p.mean,
                     "lower": p.lower, "upper": p.upper,
                     "cause": (p.cause or "common cause") if p.value is not None else None,
                     "segment": f"{p.segment}-{run}", "gap": p.value is None})
    x = _x_axis(chart, quarters)
    causes = ["common cause"] + [c for c in ("improvement", "concern", "neutral")
                                 if any(p.cause == c for p in chart.points)]
    value_line = _line(CAUSE_COLOURS["common cause"], "value", "datum.value != null", x, strokeWidth=1.2)
    value_line["encoding"]["y"].update({"title": None, "scale": {"zero": False}})
    points = {"mark": {"type": "circle", "size": 36, "opacity": 1}, "transform": [{"filter": "datum.value != null"}],
              "encoding": {"x": x, "y": {"field": "value", "type": "quantitative"},
                           "color": {"field": "cause", "type": "nominal", "title": None,
                                     "scale": {"domain": causes, "range": [CAUSE_COLOURS[c] for c in causes]},
                                     "legend": {"orient": "bottom"}},
                           "tooltip": [{"field": "label", "type": "nominal", "title": "period"},
                                       {"field": "value", "type": "quantitative", "format": ",.1f"},
                                       {"field": "cause", "type": "nominal"}]}}
    layers = [_line("#888", "upper", "datum.mean != null", x, strokeDash=[4, 3], strokeWidth=1),
              _line("#888", "lower", "datum.mean != null", x, strokeDash=[4, 3], strokeWidth=1),
              _line("#222", "mean", "datum.mean != null", x, strokeWidth=1),
              value_line, points]
    if any(r["gap"] for r in rows):  # a light band where a period has no figure
        layers.insert(0, {"mark": {"type": "rule", "color": "#dddddd", "strokeWidth": 6},
                          "transform": [{"filter": "datum.gap"}],
                          "encoding": {"x": x, "tooltip": [{"field": "label", "type": "nominal",
                                                            "title": "no figure for"}]}})
    return {"$schema": SCHEMA, "config": {"view": {"continuousWidth": 300, "continuousHeight": 300}},
            "data": {"values": rows}, "layer": layers, "width": width, "height": 170,
            "title": {"text": title, "anchor": "start", "fontSize": 12}}


def period_free_label(m: Measure) -> str:
    """The measure's label without a period of its own ("(rolling year)"), for monthly and
    quarterly views, which show another period."""
    return re.sub(r"\s*\((rolling year|12 months|rolling 12 months)\)", "", m.label, flags=re.I)


def chart_title(m: Measure, view: str) -> str:
    """The title over a measure's chart in a view."""
    return f"{period_free_label(m)}: {'by quarter' if view == 'quarterly' else 'monthly'}, with mean and process limits"


def chart_spec(m: Measure, chart: Chart) -> dict[str, Any]:
    """The Vega-Lite spec of a measure's stored chart, titled."""
    return spc_spec(chart, chart_title(m, chart.view), quarters=chart.view == "quarterly")


def svg_of(spec: dict[str, Any]) -> str:
    """The chart drawn as SVG (Vega-Lite through vl-convert), once per process for equal specs."""
    return _drawn(json.dumps(spec, sort_keys=True))


@functools.lru_cache(maxsize=256)  # about 35 KB an entry; the dashboard and each compute draw the same specs again
def _drawn(spec_text: str) -> str:
    """A spec's SVG, by its JSON text (the spec itself: a digest could collide)."""
    import vl_convert as vlc  # a JavaScript engine: loaded only when a chart is drawn

    return str(vlc.vegalite_to_svg(json.loads(spec_text)))


def spec_digest(spec: dict[str, Any]) -> str:
    """A short fingerprint of a spec, so a stored picture is used only for the spec it shows."""
    import hashlib

    return hashlib.sha256(json.dumps(spec, sort_keys=True).encode("utf-8")).hexdigest()[:16]
