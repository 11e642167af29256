"""The annual report's performance data table (seed 004) as a Document.

One row per Police and Crime Plan indicator: the 12 months to March last year and this year (a
measure with no rolling year, such as a headcount, for the month of March), the number and % difference
worked from the printed figures, and the plan's Further Info (where to read more). Every priority
has a row, as in seed 004: one with no indicator says so. Every row's notes (definitions, periods,
figures that cannot be produced and why, withheld figures) are numbered in order of first
appearance.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from crimeplan.errors import BadInput
from crimeplan.periods import last_march
from crimeplan.plans.model import AreaOfFocus, Measure
from crimeplan.report import format as fmt
from crimeplan.report.common import (
    WITHHELD_NOTE,
    alarm_refs,
    event_refs,
    figure_cell,
    force_name,
    metadata,
    number_format,
    row_of,
)
from crimeplan.report.document import Block, Cell, Document, Footnotes, Heading, Paragraph, Table
from crimeplan.results import Results

HEADER_FIXED = ["Police and Crime Plan Priorities", "Police Priority Indicators"]
DIFFERENCES = ["Number Difference", "% Difference", "Further Info"]
NOT_AVAILABLE = "n/a"


def _year_label(march: dt.date) -> str:
    """The financial year ending in this March, as seed 004 writes it: '2016-17'."""
    return f"{march.year - 1}-{str(march.year)[-2:]}"


def check_march(month: dt.date) -> None:
    """Refuse a period that is not a financial year's end: the annual report covers April to March."""
    if month.month != 3:
        raise BadInput(f"the annual report covers a financial year (the 12 months to March): --to must be "
                       f"a March; the latest March on or before {month:%Y-%m} is {last_march(month):%Y-%m}",
                       field="--to")


def _why(note: Any) -> str:
    """A results row's note in a reader's words, each reason once ('last year:' dropped)."""
    parts = [p.strip().removeprefix("last year: ") for p in str(note or "").split(";") if p.strip()]
    return "; ".join(dict.fromkeys(parts)) or "no figure for that period"


def _year_row(force_rows: Any) -> tuple[dict[str, Any] | None, bool]:
    """A measure's row for the year from its force rows (None: it has none): its rolling 12
    months, else (a measure with no rolling year, such as a headcount at the month's end) its
    month; and whether it is the month's."""
    if force_rows is None:
        return None, False
    for window, month_end in (("12m", False), ("month", True)):
        sel = force_rows[force_rows.window == window]
        if not sel.empty:
            return {str(k): v for k, v in sel.iloc[0].to_dict().items()}, month_end
    return None, False


def _row_notes(results: Results, m: Measure, r: dict[str, Any], notes: Footnotes, *,
               public: bool, this_year: str, month_end: bool = False) -> list[int]:
    """The row's footnotes: definitions, its period when not the year's, why a figure is n/a,
    withheld figures, context events; data-quality alarms in the internal edition only."""
    refs = [notes.ref(t) for t in m.footnotes]
    if month_end and r.get("current_period"):
        refs.append(notes.ref(f"A figure for the month, not the 12 months: {r['current_period']} against "
                              f"{r.get('previous_period')}."))
        this_year = f"month of {r['current_period']}"
    elif r.get("period_end") != results.to_month.strftime("%Y-%m") and r.get("current_period"):
        refs.append(notes.ref(f"{m.label}: the latest figures available, for {r['current_period']} against "
                              f"{r.get('previous_period')}."))
    hidden = r.get("suppressed") is True
    before, now = fmt.missing(r.get("previous_value")), fmt.missing(r.get("current_value"))
    if not hidden and before and now:
        refs.append(notes.ref(f"{m.label}: data are not currently available ({_why(r.get('note'))})."))
    elif not hidden and before:
        refs.append(notes.ref(f"{m.label} is for the {this_year} only: the previous "
                              f"period cannot be produced or compared ({_why(r.get('note'))})."))
    elif not hidden and now:
        refs.append(notes.ref(f"{m.label}: no figure for the latest period ({_why(r.get('note'))})."))
    if hidden:
        refs.append(notes.ref(WITHHELD_NOTE))
    refs += event_refs(results, m, r, notes)
    if not public:  # unchecked data-quality alarms are for the analysts
        refs += alarm_refs(results, m, r, notes)
    return sorted(set(refs))


def _figure(r: dict[str, Any], field: str, m: Measure) -> Cell:
    """A year's figure as the measure prints it (£, %), [c] when withheld, n/a when there is none."""
    if fmt.missing(r.get(field)) and r.get("suppressed") is not True:
        return Cell(NOT_AVAILABLE, measure_id=m.id, field=field, row=row_of(r))
    return figure_cell(r, field, m)


def _differences(r: dict[str, Any], m: Measure) -> list[Cell]:
    """Number and % difference, worked from the printed figures so a reader's calculator agrees;
    '-' where there is nothing to compare and for the % difference of a percentage."""
    if r.get("suppressed") is True:
        return [Cell("[c]", measure_id=m.id, field="change", row=row_of(r)),
                Cell("[c]", measure_id=m.id, field="pct_change", row=row_of(r))]
    comparable = r.get("comparable") is True
    change = fmt.printed_change(r.get("previous_value"), r.get("current_value"), m.decimals)
    pct = fmt.printed_pct_change(r.get("previous_value"), r.get("current_value"), m.decimals)
    number = (Cell(fmt.signed_figure(change, m.unit, m.decimals), float(change), number_format(m.decimals),
                   measure_id=m.id, field="pp_change" if m.is_percent else "change", row=row_of(r))
              if comparable and change is not None else Cell("-", measure_id=m.id, field="change"))
    share = (Cell(fmt.number(pct, 1) + "%", fmt.shown(pct, 1), "0.0", measure_id=m.id, field="pct_change",
                  row=row_of(r))
             if comparable and pct is not None and not m.is_percent else Cell("-", measure_id=m.id, field="pct_change"))
    return [number, share]


def _further(area: AreaOfFocus, m: Measure | None, first: bool) -> str:
    """What the plan says a reader can turn to: the priority's on its first row, the measure's own."""
    return "; ".join(t for t in ((area.further_info if first else None), m and m.further_info) if t)


def _not_available_row(priority: str, indicator: Cell, further: str) -> list[Cell]:
    """A row with no figure to print: n/a for both years, "-" for the differences; its indicator
    cell's note says why (seed 004 prints every priority and indicator, so none reads as left out)."""
    return [Cell(priority), indicator, Cell(NOT_AVAILABLE), Cell(NOT_AVAILABLE), Cell("-"), Cell("-"),
            Cell(further)]


def _no_figure_note(results: Results, m: Measure, notes: Footnotes) -> int:
    """Why a measure has neither a rolling-year nor a month figure: the store cannot compute it,
    or the plan gives it only other periods."""
    reason = results.context.unavailable.get(m.id) or (
        f"the plan gives it no 12-month or monthly figure, only {', '.join(m.windows)}")
    return notes.ref(f"{m.label}: data are not currently available ({reason}).")


def annual_document(results: Results, *, edition: str = "internal",
                    overrides: dict[str, str] | None = None) -> Document:
    """Seed 004's performance data table for the financial year ending in the results' March."""
    check_march(results.to_month)
    plan = results.plan
    table = results.table
    notes = Footnotes()
    month = results.to_month
    last_label = f"12 months to {month:%b} {month.year - 1}"
    this_label = f"12 months to {month:%b %Y}"
    force = force_name(results)
    year = _year_label(month)
    rows: list[list[Cell]] = []
    at_force = {str(mid): part for mid, part in table[table.area_level == "force"].groupby("measure_id", sort=False)}
    for i, area in enumerate(plan.areas_of_focus):
        heading = f"Priority {area.number or i + 1} – {area.title}"
        first = True
        for m in area.measures:
            r, month_end = _year_row(at_force.get(m.id))
            if r is None:
                label = Cell(m.label, footnotes=[_no_figure_note(results, m, notes)], measure_id=m.id, field="label")
                rows.append(_not_available_row(heading if first else "", label, _further(area, m, first)))
                first = False
                continue
            refs = _row_notes(results, m, r, notes, public=edition == "public",
                              this_year=f"12 months to {month:%B %Y}", month_end=month_end)
            rows.append([
                Cell(heading if first else ""),
                Cell(m.label, footnotes=refs, measure_id=m.id, field="label"),
                _figure(r, "previous_value", m),
                _figure(r, "current_value", m),
                *_differences(r, m),
                Cell(_further(area, m, first)),
            ])
            first = False
        if first:  # a priority with no measure
            ref = notes.ref(f"{heading}: the plan has no indicator with figures for it; its commitments are "
                            "reported in the quarterly update.")
            rows.append(_not_available_row(heading, Cell("No indicator", footnotes=[ref]), _further(area, None, True)))
    blocks: list[Block] = [
        Heading("Performance data", 1, "performance"),
        Paragraph(f"Police and Crime Plan indicators for the 12 months to {month:%B %Y} against the 12 months "
                  f"to {month:%B} {month.year - 1}. Number Difference is this year's figure minus last year's, "
                  "worked from the figures as printed (in percentage points, % pts, for percentages); "
                  "% Difference is that change as a share of last year's figure (\"-\" for percentages). "
                  f"\"{NOT_AVAILABLE}\": no figure can be produced for the period; the note says why."),
        Table("Performance data", [*HEADER_FIXED, last_label, this_label, *DIFFERENCES], rows,
              widths=[2.5, 3.4, 1.3, 1.3, 1.3, 1.1, 1.7]),
    ]
    meta = metadata(results, edition=edition, overrides=overrides or {})
    if force:
        meta.insert(0, ("Force", force))
    title = f"{force + ' ' if force else ''}Annual Report {year}: performance data"
    return Document(title=title,
                    subtitle=f"{force + ': ' if force else ''}12 months to {month:%B %Y} against the 12 months "
                             f"to {month:%B} {month.year - 1}",
                    metadata=meta, blocks=blocks, footnotes=notes.items, sensitivity=dict(meta)["Sensitivity"],
                    footer=f"{force + ' · ' if force else ''}Annual Report {year}")
