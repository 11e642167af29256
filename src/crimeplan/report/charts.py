"""Charts defined once as Vega-Lite (Altair) and rendered to SVG with vl-convert, offline."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import vl_convert as vlc

PALETTE = "#1f4e79"


def trend_chart(frames: dict[str, pd.DataFrame], title: str, width: int = 300) -> dict[str, Any]:
    """Small multiples of monthly values, one panel per measure label (a Vega-Lite spec)."""
    parts = []
    for label, frame in frames.items():
        f = frame[["month", "value"]].copy()
        f["measure"] = label
        f["month"] = pd.to_datetime(f["month"])
        parts.append(f)
    data = pd.concat(parts, ignore_index=True)
    data["month"] = data["month"].dt.strftime("%Y-%m-01")
    base = alt.Chart(data).mark_line(color=PALETTE, strokeWidth=1.5).encode(
        x=alt.X("month:T", title=None, axis=alt.Axis(format="%Y", tickCount="year")),
        y=alt.Y("value:Q", title=None, scale=alt.Scale(zero=False)),
        tooltip=[alt.Tooltip("month:T", format="%b %Y"), alt.Tooltip("value:Q", format=",.1f")],
    ).properties(width=width, height=140)
    chart = base.facet(facet=alt.Facet("measure:N", title=None, header=alt.Header(labelFontSize=11,
                                                                                    labelLimit=width)),
                       columns=2).resolve_scale(y="independent").properties(title=title)
    return chart.to_dict()


def to_svg(spec: dict[str, Any]) -> str:
    """Render a Vega-Lite spec to an SVG string (no network)."""
    return vlc.vegalite_to_svg(spec)
