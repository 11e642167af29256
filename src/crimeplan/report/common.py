"""Pieces every report shares: performance tables, key points and SPC figures from results."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from crimeplan.compare.significance import NOT_TESTED
from crimeplan.compare.states import force_values
from crimeplan.compare.values import records
from crimeplan.periods import add_months, financial_quarter, month_start, window
from crimeplan.plans.model import AreaOfFocus, Measure
from crimeplan.report import format as fmt
from crimeplan.report.document import BulletList, Cell, Figure, Footnotes, Paragraph, Table
from crimeplan.report.spc_chart import ICON_TEXT, icon_svg
from crimeplan.results import Chart, Results, chart_spec, spec_digest, svg_of

WINDOW_NAMES = {"12m": "12m", "quarter": "Quarter", "month": "Monthly", "fytd": "FYTD"}
NUMBER_FORMATS = {0: "#,##0", 1: "#,##0.0", 2: "#,##0.00", 3: "#,##0.000", 4: "#,##0.0000"}


WITHHELD_NOTE = "[c] Figure withheld to protect confidentiality (small numbers)."


def force_name(results: Results) -> str | None:
    """The force a report is about: the plan's `metadata.force`, else the store's, else the MSG home."""
    named = results.plan.metadata.get("force") or results.context.force
    return named or (results.plan.msg.home if results.plan.msg else None)


def number_format(decimals: int) -> str:
    """The spreadsheet number format for a figure printed at these decimals."""
    return NUMBER_FORMATS.get(decimals, "#,##0.00")


def test_note(test: str) -> str:
    """The footnote that names a significance test, or says why none applies."""
    if test.startswith(NOT_TESTED):
        return f"Not tested for significance: {test[len(NOT_TESTED):]}."
    return f"Significance tested at the 95% level with the {test}."


def assessment(rec: dict[str, Any]) -> tuple[str, str | None]:
    """The Better/Worse cell: three-state where a test ran, coloured only when significant."""
    text = rec.get("assessment")
    if isinstance(text, str) and text:
        style = rec.get("direction") if text.startswith("significantly") else None
        return text[0].upper() + text[1:], style
    direction = rec.get("direction")
    if not isinstance(direction, str) or not direction:
        return "", None
    # no test ran: the direction alone, said to be untested so no reader takes it as significant
    if direction == "same":
        return "Same", None
    return f"{direction.capitalize()} (not tested)", None


def row_of(rec: Mapping[Any, Any]) -> tuple[str, ...]:
    """The results row a comparison's figures come from: its window, area level and area."""
    return ("windows", str(rec["window"]), str(rec["area_level"]), str(rec["area"]))


def figure_cell(rec: dict[str, Any], field: str, m: Measure) -> Cell:
    """A results row's figure as the measure prints it (unit, decimals), or [c] when withheld."""
    value: Any = rec.get(field)  # a results cell: a number, None or NaN
    shown = None if fmt.missing(value) or rec.get("suppressed") is True else float(value)
    text = "[c]" if rec.get("suppressed") is True else fmt.figure(value, m.unit, m.decimals)
    return Cell(text, shown, number_format(m.decimals), measure_id=m.id, field=field, row=row_of(rec))


def number_cell(value: Any, decimals: int, *, measure_id: str | None = None, field: str | None = None,
                hidden: bool = False, empty: str = "N/A", row: tuple[str, ...] | None = None) -> Cell:
    """A plain number cell: [c] when withheld, `empty` when missing."""
    if hidden:
        return Cell("[c]", measure_id=measure_id, field=field, row=row)
    if fmt.missing(value):
        return Cell(empty, measure_id=measure_id, field=field, row=row)
    return Cell(fmt.number(value, decimals), float(value), number_format(decimals),
                measure_id=measure_id, field=field, row=row)


def year_headings(windows: Iterable[str]) -> tuple[str, str]:
    """The last-year and this-year column headings: "12m" in them only when every row is a rolling
    year (a row of another span names its own in its label, so "12m" over it would be false)."""
    span = "12m " if set(windows) == {"12m"} else ""
    return f"{span}Last Year", f"{span}This Year"


def performance_table(results: Results, area: AreaOfFocus, notes: Footnotes, *,
                      name: str, level: str = "force", place: str | None = None,
                      name_rolling_year: bool = False) -> Table | None:
    """Measure | last year | this year | Better/Worse | % or % pt. diff. for one area of focus, at
    force level or for one place at another level (an LPA's scorecard); with `name_rolling_year`,
    the year columns say "12m" when every row is a rolling year (`year_headings`)."""
    table = results.table
    ids = [m.id for m in area.measures]
    chosen = (table.area_level == level) & table.measure_id.isin(ids)
    if place is not None:
        chosen &= table.area == place
    force_rows = records(table[chosen])
    rows: list[list[Cell]] = []
    for m in area.measures:
        for rec in (r for r in force_rows if r["measure_id"] == m.id):
            refs = [notes.ref(t) for t in m.footnotes]
            if isinstance(rec.get("note"), str) and rec["note"]:
                # the note sits on its row, so it needs no label: rows with one reason share a note
                refs.append(notes.ref(rec["note"][0].upper() + rec["note"][1:] + "."))
            if isinstance(rec.get("test"), str) and rec["test"]:
                refs.append(notes.ref(test_note(rec["test"])))
            if rec.get("suppressed") is True:
                refs.append(notes.ref(WITHHELD_NOTE))
            refs += alarm_refs(results, m, rec, notes)
            refs += event_refs(results, m, rec, notes)
            label = m.label
            if rec["window"] != "12m" or m.lag_months or m.kind.arrives_counted:
                span = WINDOW_NAMES.get(rec["window"], rec["window"])
                label += f" ({span}: {rec.get('current_period') or rec['period_end']})"
            text, style = assessment(rec)
            diff_field = "pp_change" if m.unit == "percent" else "pct_change"
            diff_value = fmt.difference_value(rec)
            comparable = rec.get("comparable") is True and rec.get("suppressed") is not True
            diff_text = fmt.difference(rec) if comparable else "N/A"
            diff_shown = None if not comparable or diff_value is None or fmt.missing(diff_value) else float(diff_value)
            rows.append([
                Cell(label, footnotes=refs, measure_id=m.id, field="label", row=row_of(rec)),
                figure_cell(rec, "previous_value", m),
                figure_cell(rec, "current_value", m),
                Cell(text, style=style, measure_id=m.id, field="assessment", row=row_of(rec)),
                Cell(diff_text, diff_shown, number_format(m.decimals if m.unit == "percent" else 1),
                     measure_id=m.id, field=diff_field, row=row_of(rec)),
            ])
            if m.survey and rec.get("suppressed") is not True:
                rows.append([
                    Cell("Confidence interval (±)", style="muted"),
                    _half_width(rec.get("previous_ci_low"), rec.get("previous_ci_high")),
                    _half_width(rec.get("ci_low"), rec.get("ci_high")),
                    Cell(""), Cell(""),
                ])
    if not rows:
        return None
    previous_label, current_label = (year_headings(r["window"] for r in force_rows) if name_rolling_year
                                     else ("Last Year", "This Year"))
    return Table(name=name, header=["Measure", previous_label, current_label, "Better/ Worse",
                                    "% or % pt. diff."], rows=rows, widths=[4.5, 1.3, 1.3, 1.8, 1.3])


def unavailable_notes(results: Results, measures: Iterable[Measure]) -> list[Paragraph]:
    """A note for each measure the store cannot compute, with the reason."""
    return [Paragraph(f"Not available: {m.label}: {results.context.unavailable[m.id]}.", style="note")
            for m in measures if m.id in results.context.unavailable]


def alarm_notes(alarms: Iterable[Any]) -> list[tuple[str, dt.date, str]]:
    """One footnote per source and month with alarms: (table, month, text), in a reader's words."""
    grouped: dict[tuple[str, dt.date], list[Any]] = {}
    for a in alarms:
        grouped.setdefault((a.table, a.month), []).append(a)
    out = []
    for (table, month), found in sorted(grouped.items()):
        whole = [a for a in found if a.level == "source"]
        parts = [a for a in found if a.level != "source"]
        if whole:
            a = whole[0]
            text = (f"Data quality: {table} for {month:%B %Y} were {fmt.number(a.observed)}, outside the "
                    f"range expected from the months around it ({fmt.number(a.expected_low)} to "
                    f"{fmt.number(a.expected_high)})")
            if parts:
                text += f", as were {_named(parts)}"
        else:
            text = f"Data quality: {table} for {month:%B %Y} were outside the range expected in {_named(parts)}"
        accepted = [a for a in found if a.accepted]
        if accepted and len(accepted) == len(found):
            text += f"; checked and accepted by {accepted[0].accepted_by}: {accepted[0].reason}."
        else:
            text += "; not yet checked by an analyst, so figures including this month may be wrong."
        out.append((table, month, text))
    return out


def _named(parts: list[Any]) -> str:
    """'3 districts (A, B, C) and 1 category (Shoplifting)'."""
    words = []
    for level, noun in (("district", "district"), ("category", "category")):
        keys = sorted(str(a.key) for a in parts if a.level == level)
        if keys:
            plural = noun if len(keys) == 1 else ("categories" if noun == "category" else noun + "s")
            listed = ", ".join(keys[:4]) + (f" and {len(keys) - 4} more" if len(keys) > 4 else "")
            words.append(f"{len(keys)} {plural} ({listed})")
    return " and ".join(words)


def quality_blocks(results: Results) -> list[BulletList]:
    """The data-quality alarms in the two years a report's windows cover, for the plan's sources."""
    sources = {m.source for _, m in results.plan.measures()}
    since = add_months(results.to_month, -23)
    found = [a for a in results.context.alarms
             if a.table in sources and since <= a.month <= results.to_month]
    if not found:
        return []
    return [BulletList([(text, []) for _, _, text in alarm_notes(found)], title="Data quality")]


def event_refs(results: Results, m: Measure, rec: dict[str, Any], notes: Footnotes) -> list[int]:
    """Footnotes for the context events (initiatives, notes) inside the months a row covers;
    recording changes already explain themselves in the row's note."""
    if not isinstance(rec.get("period_end"), str) or rec.get("window") not in WINDOW_NAMES:
        return []
    current = window(rec["window"], month_start(rec["period_end"]))
    first = current.year_earlier().start
    return [notes.ref(f"{date:%B %Y}: {text}.") for date, kind, text in results.context.events_for(m.id)
            if kind != "recording_change" and first <= date <= current.end]


def alarm_refs(results: Results, m: Measure, rec: dict[str, Any], notes: Footnotes) -> list[int]:
    """Footnotes for the alarms of the measure's source in the months its row covers."""
    alarms = results.context.alarms
    if not alarms or not isinstance(rec.get("period_end"), str) or rec.get("window") not in WINDOW_NAMES:
        return []
    current = window(rec["window"], month_start(rec["period_end"]))
    spans = [(current.start, current.last), (current.year_earlier().start, current.year_earlier().last)]
    return [notes.ref(text) for table, month, text in alarm_notes(results.context.alarms)
            if table == m.source and any(lo <= month <= hi for lo, hi in spans)]


def _half_width(low: Any, high: Any) -> Cell:
    """The ± half-width of a 95% interval in percentage points, as printed and as a number."""
    if fmt.missing(low) or fmt.missing(high):
        return Cell("", style="muted")
    half = fmt.shown((float(high) - float(low)) / 2, 1)
    return Cell(fmt.number(half, 1) + "%", half, '0.0"%"', style="muted")


def headline_key_points(results: Results, area: AreaOfFocus, notes: Footnotes) -> list[tuple[str, list[int]]]:
    """Key points for the area's headline count and percentage measures."""
    out: list[tuple[str, list[int]]] = []
    for m in area.measures:
        if m.headline and m.decomposable and (m.is_percent or m.kind.row_count):
            out += measure_key_points(results, m, notes)
    return out


def measure_key_points(results: Results, m: Measure, notes: Footnotes) -> list[tuple[str, list[int]]]:
    """A measure's key points (at most six) with their tests' footnotes, or one line saying they
    are withheld when a quarter's count is small on a public edition."""
    found = results.key_points.get(m.id)
    if found is None:
        return []
    quarters = results.quarters
    counts = [] if quarters.empty else [float(n) for n in quarters.numerator[quarters.measure_id == m.id]]
    if withheld(results, counts, m):
        return [(f"{m.label}: key points withheld in this edition (small numbers).", [])]
    return [(kp.text, [notes.ref(test_note(kp.test))] if kp.test else []) for kp in found[:6]]


def _plain(warning: str, labels: list[str], threshold: int = 13) -> str:
    """An SPC warning in a reader's words: which periods' limits rest on too few points."""
    found = re.match(r"segment \d+ \(points (\d+) to (\d+)\) has only (\d+) point", warning)
    if not found:
        return warning
    first, last, n = (int(g) for g in found.groups())
    return (f"the limits for {labels[first]} to {labels[last]} rest on only {n} points "
            f"(at least {threshold} are needed to be reliable)")


def withheld(results: Results, counts: list[float], m: Measure | None = None) -> bool:
    """True on a public edition when a count that would be printed or plotted is small, or when
    disclosure control withheld the measure's force figures (a chart would give them back)."""
    limit = results.disclosure_threshold
    if not limit:
        return False
    if m is not None:
        t = results.table
        rows = t[(t.measure_id == m.id) & (t.area_level == "force")]
        if (rows.suppressed == True).any():  # noqa: E712 - a column of objects
            return True
    return any(0 < c < limit for c in counts if c == c)


def _gaps_text(mv: pd.DataFrame, m: Measure) -> str:
    """What the chart leaves out and why, in a reader's words."""
    parts = []
    for state, words in (("not_supplied", "no data supplied"), ("not_applicable", "before the definition changed")):
        months = list(mv.month[mv.state == state])
        if months:
            parts.append(f"no figure for {_month_list(months)} ({words})")
    provisional = list(mv.month[mv.state == "provisional"])
    if provisional:
        if m.event_date:
            parts.append(f"each month counts outcomes within {m.mature_after_months} months of its end; "
                         f"{_month_list(provisional)} are provisional (fewer than {m.mature_after_months} "
                         "months of outcomes so far) and not shown")
        else:
            parts.append(f"{_month_list(provisional)} are provisional and not shown")
    return "; ".join(parts)


def _month_list(months: list[dt.date]) -> str:
    if len(months) == 1:
        return months[0].strftime("%b %Y")
    if len(months) > 3:
        return f"the {len(months)} months {months[0]:%b %Y} to {months[-1]:%b %Y}"
    return ", ".join(f"{mo:%b %Y}" for mo in months[:-1]) + f" and {months[-1]:%b %Y}"


def _against_the_year(results: Results, m: Measure, icon: str) -> str:
    """A note when the chart's latest point reads one way and the 12-month table the other."""
    t = results.table
    row = t[(t.measure_id == m.id) & (t.area_level == "force") & (t.window == "12m")]
    direction = row.iloc[0].get("direction") if not row.empty else None
    if (icon.startswith("improvement") and direction == "worse") or \
            (icon.startswith("concern") and direction == "better"):
        return (f"; the table compares the whole 12 months with the year before, which moved the other "
                f"way ({direction})")
    return ""


def spc_figure(results: Results, m: Measure, *, quarterly_points: bool) -> Figure | None:
    """The measure's stored XmR chart (monthly, or by financial quarter) with its variation icon.

    Months with no value (not supplied, provisional, not applicable) are gaps: no point, a break
    in the line, and no part in the limits.
    """
    view = "quarterly" if quarterly_points else "monthly"
    chart = results.chart(m.id, view)
    if chart is None or withheld(results, chart.counts, m):
        return None
    labels = [p.label for p in chart.points]
    periods = [p.period for p in chart.points]
    spec = chart_spec(m, chart)
    caption = (f"Latest {'quarter' if quarterly_points else 'month'} ({labels[-1]}): {ICON_TEXT[chart.icon]}"
               + _against_the_year(results, m, chart.icon)
               + "".join(f" · {_plain(w, labels, m.spc.warning_threshold)}" for w in chart.warnings))
    # every context event inside the chart's span is named under it (a quarter spans 3 months)
    start = add_months(periods[0], -2) if quarterly_points else periods[0]
    shown_events = [f"{date:%b %Y}: {text}" for date, _, text in results.context.events_for(m.id)
                    if start <= date.replace(day=1) <= periods[-1]]
    if shown_events:
        caption += " · " + "; ".join(shown_events)
    if chart.baseline_last is not None:
        caption += f" · Limits calculated up to {labels[chart.baseline_last]} and held since (fixed baseline)"
    gaps = _gaps_text(_chart_months(results, m, chart), m)
    if gaps:
        caption += f" · {gaps[0].upper() + gaps[1:]}"
    # the renderers make PNGs (for Word and Excel) from the SVGs, only when a format needs them
    svg = results.svgs.get(spec_digest(spec)) or svg_of(spec)  # drawn with the results, else now
    return Figure(svg=svg, png=None, caption=caption, icon_svg=icon_svg(chart.icon), row=("charts", m.id, view),
                  alt=f"XmR chart of {m.label}")


def _chart_months(results: Results, m: Measure, chart: Chart) -> pd.DataFrame:
    """The months whose states a chart's caption explains: a monthly chart's own months and the
    provisional ones after its last point; every month for a quarterly chart."""
    mv = force_values(results.monthly, m.id)
    return mv if chart.view == "quarterly" else mv[mv.month >= chart.points[0].period]


def metadata(results: Results, *, edition: str, overrides: dict[str, str]) -> list[tuple[str, str]]:
    """Date, data to, version, unit, author, owner and sensitivity, from the plan or the command line."""
    meta = dict(results.plan.metadata)
    meta.update({k: v for k, v in overrides.items() if v})
    sensitivity = (meta.get("public_sensitivity", "OFFICIAL - PUBLIC") if edition == "public"
                   else meta.get("sensitivity", "OFFICIAL"))
    rows = [
        ("Date", meta.get("date", dt.date.today().strftime("%d %B %Y"))),
        ("Data to", results.to_month.strftime("%B %Y") + f" ({financial_quarter(results.to_month)})"),
        ("Version", meta.get("version", "1.0")),
        ("Unit", meta.get("unit", "")),
        ("Author", meta.get("author", "")),
        ("Owner", meta.get("owner", "")),
        ("Sensitivity", sensitivity),
        ("Edition", "Public (small numbers withheld)" if edition == "public" else "Internal"),
    ]
    return [(k, v) for k, v in rows if v]  # an empty label is not printed
