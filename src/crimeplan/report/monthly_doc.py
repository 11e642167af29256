"""The Monthly Performance Report (seeds 000 and 002) as a Document."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from crimeplan.compare.states import missing_columns
from crimeplan.compare.values import records
from crimeplan.periods import financial_quarter, last_quarter_end
from crimeplan.plans.commentary import plan_commentary
from crimeplan.plans.model import Measure
from crimeplan.report import format as fmt
from crimeplan.report.common import (
    headline_key_points,
    metadata,
    number_cell,
    performance_table,
    quality_blocks,
    row_of,
    spc_figure,
    unavailable_notes,
    year_headings,
)
from crimeplan.report.document import Block, BulletList, Cell, Contents, Document, Footnotes, Heading, Paragraph, Table
from crimeplan.report.sections import msg_blocks
from crimeplan.results import Results


def monthly_document(results: Results, *, edition: str = "internal", with_charts: bool = True,
                     commentary: str | Path | None = None,
                     overrides: dict[str, str] | None = None) -> Document:
    """Lay the results out as the seeds' Monthly Performance Report."""
    plan = results.plan
    notes = Footnotes()
    month = results.to_month.strftime("%b %Y")
    blocks: list[Block] = [Contents("Areas of focus"), Paragraph(
        f"Rolling 12 months to {results.to_month.strftime('%B %Y')} against the same 12 months a year "
        "earlier unless stated otherwise. Better/ Worse says whether a change is statistically "
        "significant at the 95% level (the test is named in the notes); where no test applies it "
        "gives the direction, marked \"not tested\"; colour marks significant changes only. Charts are XmR "
        "(statistical process control) charts in the NHS Making Data "
        "Count style." + _periods_note(results), style="small")]
    blocks += quality_blocks(results)
    for number, area in enumerate(plan.areas_of_focus, start=1):
        blocks.append(Heading(f"{number}. {area.title}", 1, area.id))
        blocks.append(Heading("Performance Information", 2))
        blocks.append(Paragraph(f"Data to {month} (unless stated otherwise)", style="strong"))
        table = performance_table(results, area, notes, name=f"{number} {area.title}")
        if table is not None:
            blocks.append(table)
        blocks += unavailable_notes(results, area.measures)
        points = headline_key_points(results, area, notes)
        if points:
            blocks.append(BulletList(points, title="Key Points"))
        if with_charts:
            for m in area.measures:
                if m.headline and m.decomposable and m.id not in results.context.unavailable:
                    figure = spc_figure(results, m, quarterly_points=False)
                    if figure is not None:
                        blocks.append(figure)
        for m in area.measures:
            if m.breakdown and m.id not in results.context.unavailable and not missing_columns(results.context, m):
                blocks.append(breakdown_table(results.table, m))
    if plan.msg is not None:
        blocks += msg_blocks(results, notes, commentary=plan_commentary(plan, commentary),
                             public=edition == "public")
    meta = metadata(results, edition=edition, overrides=overrides or {})
    meta.insert(1, ("Snapshot", f"{results.context.snapshot_id} (data extracted {results.context.extract_date})"))
    # "Kent Police: recorded crime, February 2019", not a second colon after the plan's own
    joiner = ", " if ":" in plan.title else ": "
    return Document(title=f"{plan.title}{joiner}{results.to_month.strftime('%B %Y')}",
                    subtitle=results.context.force or "",
                    metadata=meta, blocks=blocks, footnotes=notes.items,
                    sensitivity=dict(meta)["Sensitivity"])


def _periods_note(results: Results) -> str:
    """Say which period each part of the report describes when they differ."""
    quarter_end = last_quarter_end(results.to_month)
    if quarter_end == results.to_month:
        return ""
    return (f" Key points compare whole financial quarters: the latest is {financial_quarter(quarter_end)}"
            f" (to {quarter_end:%B %Y}); the tables run to {results.to_month:%B %Y}.")


def breakdown_table(table: pd.DataFrame, m: Measure) -> Table:
    """A measure by Local Policing Area: counts, or % within standard with the numbers behind it."""
    sel = table[(table.measure_id == m.id) & (table.area_level.isin(["force", "lpa"]))
                & (table.window == m.windows[0])]
    last, this = year_headings([m.windows[0]])
    if m.is_percent:
        # the kind's word for its numerator ("Meeting" for a standard), else the numerator's ("Solved")
        word = m.kind.numerator_word or (
            m.numerator.replace("_", " ").capitalize() if m.numerator and m.numerator.isidentifier()
            else "Counted")
        header = ["Area", last, this, "% pt. diff.", f"{word} (this year)", "Total (this year)"]
    else:
        header = ["Area", last, this, "Difference", "% diff."]
    rows = []
    for rec in records(sel):
        hidden = rec.get("suppressed") is True
        area = rec["area"] if rec["area_level"] == "lpa" else f"{rec['area']} (force)"

        def cell(field: str, decimals: int, rec: dict = rec, hidden: bool = hidden) -> Cell:
            return number_cell(rec.get(field), decimals, measure_id=m.id, field=field, hidden=hidden,
                               row=row_of(rec))

        line = [Cell(area), cell("previous_value", m.decimals), cell("current_value", m.decimals)]
        # differences worked from the printed figures, so a reader's calculator agrees
        change = fmt.printed_change(rec.get("previous_value"), rec.get("current_value"), m.decimals)
        pct = fmt.printed_pct_change(rec.get("previous_value"), rec.get("current_value"), m.decimals)
        if rec.get("comparable") is not True:
            change = pct = None
        if m.is_percent:
            line += [number_cell(change, m.decimals, measure_id=m.id, field="pp_change", hidden=hidden,
                                 row=row_of(rec)),
                     cell("current_numerator", 0), cell("current_denominator", 0)]
        else:
            line += [number_cell(change, m.decimals, measure_id=m.id, field="change", hidden=hidden,
                                 row=row_of(rec)),
                     number_cell(pct, 1, measure_id=m.id, field="pct_change", hidden=hidden, row=row_of(rec))]
        rows.append(line)
    return Table(f"{m.label} by LPA", header, rows, caption=f"{m.label} by Local Policing Area")



def msg_document(results: Results, *, edition: str = "internal", commentary: str | Path | None = None,
                 overrides: dict[str, str] | None = None) -> Document:
    """The MSG section on its own (crimeplan report msg)."""
    notes = Footnotes()
    blocks = msg_blocks(results, notes, commentary=plan_commentary(results.plan, commentary),
                        public=edition == "public")
    if not blocks:
        blocks = [Paragraph("This plan names no Most Similar Group (add an `msg:` block), or the store "
                            "holds no peers rows for it.")]
    meta = metadata(results, edition=edition, overrides=overrides or {})
    title = results.plan.title
    if "most similar group" not in title.lower():
        title += (" – " if ":" in title else ": ") + "Most Similar Group"  # never a second colon
    # the store's own force first: a plan's MSG home may be another force's (then not shown)
    home = results.context.force or (results.plan.msg.home if results.plan.msg else "")
    return Document(title=title, subtitle=f"{home} · data to {results.to_month:%B %Y}",
                    metadata=meta, blocks=blocks, footnotes=notes.items, sensitivity=dict(meta)["Sensitivity"])
