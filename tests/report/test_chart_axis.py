"""Chart axes read as a reader expects: one label per tick, each a different month, in order."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import vl_convert as vlc

from crimeplan.results import Chart, ChartPoint
from crimeplan.results._spec import spc_spec
from crimeplan.stats import spc


def _chart(values: list[float], periods: list[dt.date]) -> Chart:
    """A stored chart as the results layer keeps it, from an XmR of the values."""
    result = spc(values, "down")
    points = tuple(ChartPoint(period=d, label=d.strftime("%b %Y"), value=p.value, mean=p.mean,
                              lower=p.lower_limit, upper=p.upper_limit, cause=p.special_cause, rule=p.rule,
                              segment=p.segment, count=p.value)
                   for p, d in zip(result.points, periods))
    return Chart("m", "monthly", points, result.variation_icon)


def _months(first: dt.date, n: int) -> list[dt.date]:
    out, y, m = [], first.year, first.month
    for _ in range(n):
        out.append(dt.date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _x_labels(svg: str) -> list[str]:
    """The month labels the SVG prints (text like 'Oct 18')."""
    return re.findall(r">([A-Z][a-z]{2} \d{2})</text>", svg)


@pytest.mark.parametrize(("n", "most"), [(5, 5), (14, 14), (60, 13), (108, 13)])
def test_month_labels_are_distinct_ordered_and_few(n: int, most: int) -> None:
    """A 5-month chart once printed 'Oct 18' four times (weekly ticks); no label may repeat."""
    periods = _months(dt.date(2018, 10, 1), n)
    values = [100.0 + (i % 4) for i in range(n)]
    svg = vlc.vegalite_to_svg(spc_spec(_chart(values, periods), "test"))
    labels = _x_labels(svg)
    assert labels, "the axis prints no month labels"
    assert len(labels) == len(set(labels)), f"repeated axis labels: {labels}"
    assert len(labels) <= most
    dates = [dt.datetime.strptime(s, "%b %y").date() for s in labels]
    assert dates == sorted(dates)
    assert dates[0] >= periods[0] and dates[-1] <= periods[-1]


def test_an_equal_spec_is_drawn_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """A chart drawn again (the dashboard, a second compute of the same figures) is vl-convert's
    SVG of that very spec, drawn once; a spec differing in one value is drawn anew."""
    from crimeplan.results import _spec

    months = _months(dt.date(2024, 1, 1), 14)
    spec = spc_spec(_chart([float(10 + i % 3) for i in range(14)], months), "t")
    other = spc_spec(_chart([float(10 + i % 3) for i in range(13)] + [99.0], months), "t")
    calls: list[dict] = []
    real = vlc.vegalite_to_svg
    monkeypatch.setattr(vlc, "vegalite_to_svg", lambda s: calls.append(s) or real(s))
    _spec._drawn.cache_clear()
    first, again, changed = _spec.svg_of(spec), _spec.svg_of(dict(spec)), _spec.svg_of(other)
    assert first == again == real(spec)
    assert changed == real(other) != first
    assert len(calls) == 2 and calls[0] == spec and calls[1] == other
