"""The Monthly Performance Report as a document model: sections, tables, charts, footnotes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from crimeplan import stats
from crimeplan.compare import monthly_values
from crimeplan.narrative import KeyPoint, SeriesFacts, key_points
from crimeplan.report import format as fmt
from crimeplan.report.charts import to_svg
from crimeplan.report.spc_chart import ICON_TEXT, icon_svg, spc_spec
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
    direction_class: str
    difference: str
    footnotes: list[int]
    period: str | None
    source: dict[str, Any]
    ci: tuple[str, str] | None = None


@dataclass
class Chart:
    """An SPC chart of one headline measure with its variation icon."""

    measure_id: str
    label: str
    svg: str
    icon_svg: str
    icon_text: str
    warnings: list[str]


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
    charts: list[Chart] = field(default_factory=list)
    breakdowns: list[Breakdown] = field(default_factory=list)
    unavailable: list[str] = field(default_factory=list)
    key_points: list[tuple[str, list[int]]] = field(default_factory=list)


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


def _assessment(rec: dict[str, Any]) -> tuple[str, str]:
    """The Better/Worse cell: three-state where a test ran, with colour only if significant."""
    assessment = rec.get("assessment")
    if isinstance(assessment, str) and assessment:
        css = rec["direction"] if assessment.startswith("significantly") else ""
        return assessment[0].upper() + assessment[1:], css
    direction = rec.get("direction")
    return ((direction or "").capitalize(), "") if isinstance(direction, str) else ("", "")


def _half_width(low: Any, high: Any) -> str:
    if fmt.missing(low) or fmt.missing(high):
        return ""
    return fmt.number((float(high) - float(low)) / 2, 1) + "%"


def build(results: Results, *, with_charts: bool = True) -> MonthlyReport:
    """Lay the results out as the seeds' Monthly Performance Report."""
    table = results.table
    notes = _Notes()
    force = str(results.series.areas["force"].iloc[0]) if not results.series.areas.empty else "Force"
    to_label = results.to_month.strftime("%b %Y")
    sections = []
    for number, aof in enumerate(results.plan.areas_of_focus, start=1):
        rows: list[Row] = []
        charts: list[Chart] = []
        points: list[tuple[str, list[int]]] = []
        breakdowns: list[Breakdown] = []
        for m in aof.measures:
            mine = table[(table.measure_id == m.id) & (table.area_level == "force")]
            for rec in mine.to_dict("records"):
                refs = [notes.ref(t) for t in m.footnotes]
                if isinstance(rec.get("note"), str) and rec["note"]:
                    refs.append(notes.ref(f"{m.label}: {rec['note']}."))
                if isinstance(rec.get("test"), str) and rec["test"]:
                    refs.append(notes.ref(_test_note(rec["test"])))
                period = None
                if rec["window"] != "12m" or m.lag_months or m.aggregation == "aggregate":
                    period = f"{WINDOW_NAMES.get(rec['window'], rec['window'])}: {rec.get('current_period') or rec['period_end']}"
                text, css = _assessment(rec)
                rows.append(Row(
                    measure_id=m.id, label=m.label, window=rec["window"],
                    previous=fmt.figure(rec.get("previous_value"), m.unit, m.decimals),
                    current=fmt.figure(rec.get("current_value"), m.unit, m.decimals),
                    direction=text, direction_class=css,
                    difference=fmt.difference(rec) if rec.get("comparable") else "N/A",
                    footnotes=refs, period=period, source=rec,
                    ci=((_half_width(rec.get("previous_ci_low"), rec.get("previous_ci_high")),
                         _half_width(rec.get("ci_low"), rec.get("ci_high"))) if m.survey else None),
                ))
            if m.headline and m.decomposable and m.id not in results.series.unavailable:
                facts, monthly = _facts(results, m)
                if facts is not None and (m.is_percent or m.aggregation == "count"):
                    for kp in _chosen(key_points(facts)):
                        points.append((kp.text, [notes.ref(_test_note(kp.test))] if kp.test else []))
                if with_charts and monthly is not None:
                    chart = _spc_chart(facts, monthly, m)
                    if chart is not None:
                        charts.append(chart)
            if m.breakdown and m.id not in results.series.unavailable:
                breakdowns.append(_breakdown(table, m))
        sections.append(Section(number, aof.id, aof.title, to_label, rows, charts, breakdowns,
                                [f"{m.label}: {results.series.unavailable[m.id]}"
                                 for m in aof.measures if m.id in results.series.unavailable],
                                points))
    snap = results.series
    return MonthlyReport(
        title=results.plan.title, force=force, month_label=results.to_month.strftime("%B %Y"),
        generated=dt.date.today().isoformat(), snapshot_id=snap.snapshot_id,
        extract_date=str(snap.extract_date or ""), sections=sections, footnotes=notes.items,
    )


def _test_note(test: str) -> str:
    return f"Significance tested at the 95% level with the {test}."


def _chosen(points: list[KeyPoint]) -> list[KeyPoint]:
    """The quarter and trend sentences always; runs, extremes, special causes and events when found."""
    return points[:6]


def _facts(results: Results, m: Any) -> tuple[SeriesFacts | None, pd.DataFrame | None]:
    """The measure's monthly force series up to the report month, for key points and charts."""
    mv = monthly_values(results.series, m)
    mv = mv[pd.to_datetime(mv.month) <= pd.Timestamp(results.to_month)]
    if mv.empty:
        return None, None
    events = []
    ev = results.series.events
    if ev is not None and not ev.empty:
        for rec in ev.to_dict("records"):
            scope = {x.strip() for x in str(rec["scope"]).replace(",", ";").split(";")}
            if rec["kind"] == "recording_change" and ("*" in scope or m.id in scope):
                events.append((pd.Timestamp(rec["date"]).date(), str(rec["description"])))
    return SeriesFacts(
        measure_id=m.id, label=m.label, polarity=m.polarity, percent=m.is_percent,
        months=list(mv.month), numerators=[float(x) for x in mv.numerator],
        denominators=[None if pd.isna(x) else float(x) for x in mv.denominator],
        noun=NOUNS.get(m.source, "cases"), scale=m.scale, events=events,
    ), mv


NOUNS = {"crimes": "offences", "incidents": "incidents", "casualties": "casualties",
         "calls": "calls", "survey_responses": "responses", "workforce": "people"}
SPC_MONTHS = 36


def _spc_chart(facts: SeriesFacts, monthly: pd.DataFrame, m: Any) -> Chart | None:
    """The XmR chart of the last 36 months, rebased at a recording change inside them."""
    known = monthly[monthly.value.notna()].tail(SPC_MONTHS)
    values, months = [float(v) for v in known.value], list(known.month)
    if len(values) < 2:
        return None
    rebase = tuple(i for date, _ in facts.events for i, mo in enumerate(months)
                   if mo == date.replace(day=1) and i > 0)
    result = stats.spc(values, m.polarity, rebase_at=rebase)
    svg = to_svg(spc_spec(result, months, f"{m.label}: monthly, with mean and process limits"))
    return Chart(m.id, m.label, svg, icon_svg(result.variation_icon), ICON_TEXT[result.variation_icon],
                 list(result.warnings))


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

