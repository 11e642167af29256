"""The annual report's performance table (seed 004) as a Document."""

from __future__ import annotations

from crimeplan.report import format as fmt
from crimeplan.report.common import figure_cell, metadata, number_format
from crimeplan.report.document import Block, Cell, Document, Footnotes, Heading, Paragraph, Table
from crimeplan.results import Results


def annual_document(results: Results, *, edition: str = "internal",
                    overrides: dict[str, str] | None = None) -> Document:
    """Priority | indicator | 12 months to March last year and this year | differences | further info."""
    plan = results.plan
    table = results.table
    notes = Footnotes()
    month = results.to_month
    last_label = f"12 months to {month.strftime('%b')} {month.year - 1}"
    this_label = f"12 months to {month.strftime('%b %Y')}"
    rows: list[list[Cell]] = []
    for i, area in enumerate(plan.areas_of_focus):
        first = True
        for m in area.measures:
            sel = table[(table.measure_id == m.id) & (table.area_level == "force") & (table.window == "12m")]
            if sel.empty:
                continue
            r = sel.iloc[0].to_dict()
            refs = [notes.ref(t) for t in m.footnotes]
            if isinstance(r.get("note"), str) and r["note"]:
                refs.append(notes.ref(f"{m.label}: {r['note']}."))
            hidden = r.get("suppressed") is True
            if hidden:
                refs.append(notes.ref("[c] Figure withheld to protect confidentiality (small numbers)."))
            comparable = r.get("comparable") is True and not hidden
            # differences worked from the printed figures, so a reader's calculator agrees
            change = fmt.printed_change(r.get("previous_value"), r.get("current_value"), m.decimals)
            pct = fmt.printed_pct_change(r.get("previous_value"), r.get("current_value"), m.decimals)
            percent = m.unit == "percent"
            further = r.get("assessment") if isinstance(r.get("assessment"), str) else ""
            rows.append([
                Cell(f"{area.number or i + 1}. {area.title}" if first else ""),
                Cell(m.label, footnotes=refs, measure_id=m.id, field="label"),
                figure_cell(r, "previous_value", m),
                figure_cell(r, "current_value", m),
                Cell((fmt.number(change, m.decimals) + (" % pts" if percent else "")) if comparable else "N/A",
                     float(change) if comparable and not fmt.missing(change) else None,
                     number_format(m.decimals), measure_id=m.id, field="change"),
                Cell("-" if percent or not comparable else fmt.number(pct, 1) + "%",
                     None if percent or not comparable or fmt.missing(pct) else float(pct),
                     "0.0", measure_id=m.id, field="pct_change"),
                Cell(further[:1].upper() + further[1:] if further else ""),
            ])
            first = False
    blocks: list[Block] = [
        Heading("Performance data", 1, "performance"),
        Paragraph(f"Police and Crime Plan indicators: the {this_label[0].lower() + this_label[1:]} against the "
                  f"{last_label[0].lower() + last_label[1:]}. Number difference is this year minus last year (percentage "
                  "points for rates); % difference is the change as a share of last year."),
        Table("Performance data", ["Priority", "Indicator", last_label, this_label, "Number difference",
                                   "% difference", "Further info"], rows,
              widths=[2.2, 3.2, 1.3, 1.3, 1.3, 1.1, 1.8]),
    ]
    meta = metadata(results, edition=edition, overrides=overrides or {})
    return Document(title=f"{plan.title}: annual performance table",
                    subtitle=f"12 months to {month.strftime('%B %Y')}", metadata=meta, blocks=blocks,
                    footnotes=notes.items, sensitivity=dict(meta)["Sensitivity"])

