"""The Monthly Performance Report as a document model: sections, tables, charts, footnotes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from crimeplan.compare import monthly_values
from crimeplan.report import format as fmt
from crimeplan.results import Results

WINDOW_NAMES = {"12m": "12m", "quarter": "Quarter", "month": "Monthly", "fytd": "FYTD"}


@dataclass
class Row:
    """One line of a Performance Information table, with the export row it prints."""

    measure_id: str
    label: str
    window: str
    previous: str
    current: str
    direction: str
    difference: str
    footnotes: list[int]
    period: str | None
    source: dict[str, Any]
    ci: str | None = None


@dataclass
class Breakdown:
    """A measure broken down by Local Policing Area."""

    measure_id: str
    label: str
    header: list[str]
    rows: list[list[str]]


@dataclass
class Section:
    """An area of focus: its table, charts, breakdowns and notes."""

    number: int
    id: str
    title: str
    data_to: str
    rows: list[Row]
    chart_svg: str | None = None
    breakdowns: list[Breakdown] = field(default_factory=list)
    unavailable: list[str] = field(default_factory=list)


@dataclass
class MonthlyReport:
    """Everything the monthly report prints."""

    title: str
    force: str
    month_label: str
    generated: str
    snapshot_id: int | None
    extract_date: str
    sections: list[Section]
    footnotes: list[str]


class _Notes:
    def __init__(self) -> None:
        self.items: list[str] = []

    def ref(self, text: str) -> int:
        if text not in self.items:
            self.items.append(text)
        return self.items.index(text) + 1


def build(results: Results, *, with_charts: bool = True) -> MonthlyReport:
    """Lay the results out as the seeds' Monthly Performance Report."""
    from crimeplan.report.charts import to_svg, trend_chart

    table = results.table
    notes = _Notes()
    force = str(results.series.areas["force"].iloc[0]) if not results.series.areas.empty else "Force"
    to_label = results.to_month.strftime("%b %Y")
    sections = []
    for number, aof in enumerate(results.plan.areas_of_focus, start=1):
        rows: list[Row] = []
        frames: dict[str, pd.DataFrame] = {}
        breakdowns: list[Breakdown] = []
        for m in aof.measures:
            mine = table[(table.measure_id == m.id) & (table.area_level == "force")]
            for rec in mine.to_dict("records"):
                refs = [notes.ref(t) for t in m.footnotes]
                if rec.get("note"):
                    refs.append(notes.ref(f"{m.label}: {rec['note']}."))
                period = None
                if rec["window"] != "12m" or m.lag_months or m.aggregation == "aggregate":
                    period = f"{WINDOW_NAMES.get(rec['window'], rec['window'])}: {rec.get('current_period') or rec['period_end']}"
                rows.append(Row(
                    measure_id=m.id, label=m.label, window=rec["window"],
                    previous=fmt.figure(rec.get("previous_value"), m.unit, m.decimals),
                    current=fmt.figure(rec.get("current_value"), m.unit, m.decimals),
                    direction=(rec.get("direction") or "").capitalize() if rec.get("direction") else "",
                    difference=fmt.difference(rec) if rec.get("comparable") else "N/A",
                    footnotes=refs, period=period, source=rec,
                ))
            if m.headline and m.decomposable and m.id not in results.series.unavailable:
                mv = monthly_values(results.series, m)
                mv = mv[pd.to_datetime(mv.month) <= pd.Timestamp(results.to_month)]
                if not mv.empty:
                    frames[m.label] = mv
            if m.breakdown and m.id not in results.series.unavailable:
                breakdowns.append(_breakdown(table, m))
        chart = None
        if with_charts and frames:
            chart = to_svg(trend_chart(frames, f"{aof.title}: monthly figures"))
        sections.append(Section(number, aof.id, aof.title, to_label, rows, chart, breakdowns,
                                [f"{m.label}: {results.series.unavailable[m.id]}"
                                 for m in aof.measures if m.id in results.series.unavailable]))
    snap = results.series
    return MonthlyReport(
        title=results.plan.title, force=force, month_label=results.to_month.strftime("%B %Y"),
        generated=dt.date.today().isoformat(), snapshot_id=snap.snapshot_id,
        extract_date=str(snap.extract_date or ""), sections=sections, footnotes=notes.items,
    )


def _breakdown(table: pd.DataFrame, m: Any) -> Breakdown:
    sel = table[(table.measure_id == m.id) & (table.area_level.isin(["force", "lpa"]))
                & (table.window == m.windows[0])]
    if m.is_percent:
        header = ["Area", "12m Last Year", "12m This Year", "% pt. diff.", "Within standard (this year)", "Total (this year)"]
    else:
        header = ["Area", "12m Last Year", "12m This Year", "Difference", "% diff."]
    rows = []
    for rec in sel.to_dict("records"):
        area = rec["area"] if rec["area_level"] == "lpa" else f"{rec['area']} (force)"
        line = [area, fmt.figure(rec.get("previous_value"), m.unit, m.decimals),
                fmt.figure(rec.get("current_value"), m.unit, m.decimals)]
        if m.is_percent:
            line += [fmt.number(rec.get("pp_change"), m.decimals), fmt.number(rec.get("current_numerator")),
                     fmt.number(rec.get("current_denominator"))]
        else:
            line += [fmt.number(rec.get("change"), m.decimals), fmt.number(rec.get("pct_change"), 1)]
        rows.append(line)
    return Breakdown(m.id, m.label, header, rows)

