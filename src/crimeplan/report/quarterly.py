"""The quarterly Police and Crime Plan update (seeds 001 and 003) as a Document."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from crimeplan.errors import BadInput
from crimeplan.periods import financial_quarter, last_quarter_end
from crimeplan.plans.commentary import Commentary, plan_commentary, shown_commentary
from crimeplan.report.common import headline_key_points, metadata, performance_table, quality_blocks, spc_figure
from crimeplan.report.document import (
    Block,
    BulletList,
    Cell,
    Contents,
    Document,
    Footnotes,
    Heading,
    PageBreak,
    Paragraph,
    Table,
)
from crimeplan.report.sections import SAMPLE_CAPTION, area_tables, msg_blocks
from crimeplan.results import Results


def _commentary_table(results: Results, area_index: int, commentary: dict[tuple[str, str], Commentary],
                      quarter: str, notes: Footnotes, *, public: bool = False) -> Table | None:
    """We will | Commentary | Who. A public edition prints no sample text and no internal prompt."""
    area = results.plan.areas_of_focus[area_index]
    if not area.commitments:
        return None
    rows = []
    sample = False
    for c in area.commitments:
        found = commentary.get((c.id, quarter))
        text, style, is_sample = shown_commentary(found, public)
        sample = sample or is_sample
        who = found.who if found is not None and style is None and found.who else c.who
        # `who_uncertain` is a note about the plan's transcription, never printed
        rows.append([Cell(c.text), Cell(text, style=style), Cell(who)])
    caption = f"Commitments: updates for {quarter}"
    if sample:
        caption += SAMPLE_CAPTION
    return Table(f"P{area.number or area_index + 1} commitments", ["We will", "Commentary", "Who"], rows,
                 caption=caption, widths=[3.0, 5.0, 1.6])


def check_quarter_end(month: dt.date) -> None:
    """Refuse a period that is not a financial quarter's end: the update describes whole quarters."""
    if month.month % 3:
        raise BadInput(f"the quarterly update describes a whole financial quarter: --to must be the last "
                       f"month of one (March, June, September or December); the latest before "
                       f"{month:%Y-%m} is {last_quarter_end(month):%Y-%m}", field="--to")


def quarterly_document(results: Results, *, edition: str = "internal",
                       commentary_path: str | Path | None = None,
                       overrides: dict[str, str] | None = None) -> Document:
    """Lay the results out as the Police and Crime Plan quarterly update."""
    check_quarter_end(results.to_month)
    plan = results.plan
    notes = Footnotes()
    quarter = financial_quarter(results.to_month)
    commentary = plan_commentary(plan, commentary_path)
    blocks: list[Block] = [Contents()]
    blocks += quality_blocks(results)
    blocks += msg_blocks(results, notes, commentary=commentary, public=edition == "public")
    for i, area in enumerate(plan.areas_of_focus):
        number = area.number or i + 1
        blocks.append(PageBreak())
        blocks.append(Heading(f"Priority {number} – {area.title}", 1, area.id))
        if area.objective:
            blocks.append(Paragraph(area.objective, style="lead"))
        points = headline_key_points(results, area, notes)
        if points:
            blocks.append(BulletList(points, title="Key Points"))
        if edition != "public":  # plan notes are for the analysts, not the public
            for note in area.notes:
                blocks.append(Paragraph(note, style="note"))
        table = performance_table(results, area, notes, name=f"P{number} performance",
                                  name_rolling_year=True)
        if table is not None:
            blocks.append(Heading("Performance", 2))
            blocks.append(table)
        for m in area.measures:
            if m.headline and m.decomposable and m.id not in results.context.unavailable:
                figure = spc_figure(results, m, quarterly_points=True)
                if figure is not None:
                    blocks.append(figure)
        blocks += area_tables(results, area)
        commitments = _commentary_table(results, i, commentary, quarter, notes, public=edition == "public")
        if commitments is not None:
            blocks.append(Heading("Commitments", 2))
            blocks.append(commitments)
    meta = metadata(results, edition=edition, overrides=overrides or {})
    return Document(
        title=plan.title, subtitle=f"{results.context.force or ''} · {quarter}", metadata=meta,
        blocks=blocks, footnotes=notes.items, sensitivity=dict(meta)["Sensitivity"],
    )
