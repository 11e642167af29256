"""Sections shared by the quarterly update: the MSG comparison, sickness and workforce diversity."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pandas as pd

from crimeplan.compare.msg import NO_PEERS
from crimeplan.compare.states import force_values
from crimeplan.compare.values import records
from crimeplan.contract.forces import same_force
from crimeplan.narrative import executive_summary
from crimeplan.periods import financial_quarter
from crimeplan.plans.commentary import MSG_PREFIX, Commentary, shown_commentary
from crimeplan.plans.model import AreaOfFocus, AreaTable, Measure
from crimeplan.report import format as fmt
from crimeplan.report.common import number_cell, number_format, row_of
from crimeplan.report.document import Block, BulletList, Cell, Footnotes, Heading, Paragraph, Table
from crimeplan.report.sparkline import sparkline_svg
from crimeplan.results import Results, period_free_label

HMIC_CAVEAT = ("HMIC caveat: differences in position between forces in the Most Similar Group are often "
               "not statistically significant; where the force's figure is not significantly different "
               "from the MSG average (95% interval), its position should not be read as better or worse.")
MONTHS = ["Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar"]


def _change_text(value: Any, unit: str, noun: str, already: str) -> str:
    if fmt.missing(value):
        return f"N/A – already {already}"
    if unit == "count":
        return f"{fmt.number(value, 0)} {noun}"
    if unit == "percentage_points":
        return f"{fmt.number(value, 1)}% points"
    return fmt.number(value, 2)


def _value_text(rec: dict[str, Any]) -> str:
    if rec["unit"] == "rate_per_1000":
        return f"{fmt.number(rec['home_value'], rec['decimals'])} per 1,000 population"
    if rec["unit"] == "percent":
        return f"{fmt.number(rec['home_value'], rec['decimals'])}%"
    return fmt.number(rec["home_value"], rec["decimals"])


def no_peer_group(results: Results) -> str | None:
    """Why no MSG comparison can be shown (plainly, for the reader), or None when one can."""
    msg, force = results.plan.msg, results.context.force
    if msg is None:
        return None
    if force and not same_force(msg.home, force):
        return (f"No Most Similar Group is named for {force}: this plan's peer group is for "
                f"{msg.home}, another force, so it is not shown. Name {force}'s HMICFRS group in "
                "a plan of its own (crimeplan init writes one).")
    if not msg.peers:
        return (f"No Most Similar Group is named for {msg.home}: the plan's peer list (msg.peers) "
                "is empty. MSG membership comes from HMICFRS; add it to the plan to compare.")
    if all(r.get("period_end") is None for r in records(results.msg)):
        return (f"No peers data imported: the store holds no figures for {msg.home} and its Most "
                "Similar Group on these measures (import the ONS Police Force Area tables with "
                "crimeplan import ons-pfa).")
    return None


SAMPLE_CAPTION = " (SAMPLE commentary for the synthetic demo force: invented, not real updates)"
AVERAGE_WORDS = {"better": "better than MSG average", "worse": "worse than MSG average",
                 "similar": "same as MSG average, no significant difference"}


def msg_average_state(rec: dict[str, Any]) -> tuple[str | None, str]:
    """(better | worse | same, words) for the force against the MSG average: significance
    tested where counts allow, else the printed figures compared and said to be untested."""
    tested = rec.get("msg_significance")
    if tested in AVERAGE_WORDS:
        return (tested if tested != "similar" else "same"), AVERAGE_WORDS[tested]
    home: Any = rec.get("home_value")  # results cells: a number, None or NaN
    avg: Any = rec.get("msg_average")
    if fmt.missing(home) or fmt.missing(avg):
        return None, ""
    gap = round(float(home), rec["decimals"]) - round(float(avg), rec["decimals"])
    if gap == 0:
        return "same", "same as MSG average (not tested)"
    better = (gap > 0) == (rec["polarity"] == "up")
    return ("better" if better else "worse"), ("better" if better else "worse") + " than MSG average (not tested)"


def msg_legend(colour_by: str) -> list[tuple[str | None, str]]:
    """What the MSG table's colours mean, in words (the cells say it in words too)."""
    if colour_by == "msg_average":
        return [(None, "Colours in the Position column: the force against the MSG average, tested at the "
                       "95% level where the counts are known (otherwise the figures alone, marked "
                       "'not tested')."),
                ("better", "Green: better than the MSG average."),
                ("worse", "Red: worse than the MSG average."),
                (None, "No colour: the same as the MSG average (no significant difference).")]
    return [(None, "Colours in the Aspiration column: whether the force meets each aspiration."),
            ("better", "Green: aspiration met."),
            ("worse", "Red: aspiration not met."),
            (None, "No colour: no aspiration, or not judged.")]


def msg_blocks(results: Results, notes: Footnotes, level: int = 1, *,
               commentary: dict[tuple[str, str], Commentary] | None = None,
               public: bool = False) -> list[Block]:
    """The MSG section: executive summary, the comparison table with its key, the HMIC caveat."""
    plan = results.plan
    if plan.msg is None or results.msg.empty:
        return []
    absent = no_peer_group(results)
    if absent:  # never a peer group that is not this force's, nor a table of blanks
        return [Heading("Most Similar Group comparison", level, "msg"), Paragraph(absent)]
    msg = results.msg
    colour_by = plan.msg.colour_by
    nouns = {mm.id: mm.noun for mm in plan.msg.measures}
    quarter = financial_quarter(results.to_month)
    commentary = commentary or {}
    with_commentary = bool(commentary) or any(mm.commentary for mm in plan.msg.measures)
    items = [(r["label"], r["aspiration_met"], r["position_change"]) for r in records(msg)
             if r.get("period_end") is not None]
    blocks: list[Block] = [Heading("Most Similar Group comparison", level, "msg")]
    blocks.append(Paragraph(
        f"{plan.msg.home} is compared with its Most Similar Group (MSG) of {len(plan.msg.peers)} forces: "
        + ", ".join(plan.msg.peers) + ". Position 1 is best by each measure's polarity."))
    blocks.append(BulletList([(s, []) for s in executive_summary(items, subject=plan.msg.home)],
                             title="Executive summary"))
    rows: list[list[Cell]] = []
    sample = False
    for r in records(msg):
        said = _msg_commentary(r, commentary, quarter, public)
        sample = sample or said[2]
        tail = [Cell(said[0], style=said[1], field="commentary")] if with_commentary else []
        if r.get("period_end") is None:
            rows.append([Cell(r["priority"] or ""), Cell(r["label"]), Cell("No peer data")]
                        + [Cell("")] * 6 + tail)
            continue
        when = pd.Timestamp(r["period_end"])
        # the source's own notes, once each however many measures they mark
        label_refs = sorted({notes.ref(f"Source note (year ending {when:%B %Y}): {text}")
                             for text in r.get("notes") or []})
        alone = fmt.missing(r["msg_position"])
        # notes numbered as a reader meets them: the measure's, then its position's
        refs = [notes.ref(HMIC_CAVEAT)] if r["msg_significance"] == "similar" else []
        if r["small_numbers"] and not alone:
            refs.append(notes.ref("Small numbers: the force's count is too low for its MSG position to mean much."))
        position = Cell(r["msg_position_text"], None if alone else float(r["msg_position"]), "0",
                        footnotes=refs, measure_id=r["measure_id"], field="msg_position", row=("msg", r["measure_id"]),
                        style="muted" if alone else None)
        met = r["aspiration_met"]
        aspiration = Cell(r["aspiration"] + (f" ({met})" if met in ("met", "not met") and r["aspiration"] else ""),
                          measure_id=r["measure_id"], field="aspiration")
        if colour_by == "aspiration":
            aspiration.style = "better" if met == "met" else "worse" if met == "not met" else None
        elif not alone:
            state, words = msg_average_state(r)
            if words:
                position.text += f" ({words})"
                position.style = state if state in ("better", "worse") else None
        noun = nouns.get(r["measure_id"], "offences")
        rows.append([
            Cell(r["priority"] or ""),
            Cell(r["label"], footnotes=label_refs, measure_id=r["measure_id"], field="label"),
            position,
            Cell("", svg=sparkline_svg(r["sparkline"]), field="sparkline"),
            aspiration,
            Cell(_value_text(r), float(r["home_value"]), number_format(r["decimals"]),
                 measure_id=r["measure_id"], field="msg_value", row=("msg", r["measure_id"])),
            _change_cell(r, "change_to_msg_average", noun, "better than average", alone),
            _change_cell(r, "change_to_top_quartile", noun, "within top quartile", alone),
            Cell(when.strftime("%b %Y")),
            *tail,
        ])
    if (msg["msg_significance"] == "similar").any():  # before the table: it shares its page
        blocks.append(Paragraph(HMIC_CAVEAT, style="note"))
    if (msg["msg_position_text"] == NO_PEERS).any():
        blocks.append(Paragraph(f"{NO_PEERS}: no other force in the group has a figure for that measure "
                                "and period, so the force is not ranked.", style="note"))
    header = ["Priority", "Measure", "Position", "Trend (last 12)", "Aspiration", "Value",
              "Change to MSG average", "Change to top quartile", "Data to"]
    widths = [1.4, 2.2, 1.3, 1.2, 1.2, 1.4, 1.4, 1.4, 0.9]
    if with_commentary:
        header.append("Commentary")
        widths.append(2.6)
    blocks.append(Table("MSG comparison", header, rows, widths=widths, landscape=True,
                        caption=("MSG comparison" + (f": commentary for {quarter}" if with_commentary else "")
                                 + (SAMPLE_CAPTION if sample else "")),
                        legend=_used(msg_legend(colour_by), rows)))
    return blocks


def _used(legend: list[tuple[str | None, str]], rows: list[list[Cell]]) -> list[tuple[str | None, str]]:
    """The key's lines for colours the table shows (no key at all when it shows none)."""
    shown = {c.style for row in rows for c in row if c.style}
    lines = [(style, text) for style, text in legend if style is None or style in shown]
    return lines if any(style for style, _ in lines) else []


def _change_cell(r: dict[str, Any], field: str, noun: str, already: str, alone: bool) -> Cell:
    """A change-required cell: offences, % points or the unit; N/A for a group of one."""
    if alone:
        return Cell("N/A – no peers", measure_id=r["measure_id"], field=field)
    value = r[field]
    return Cell(_change_text(value, r["change_unit"], noun, already),
                None if fmt.missing(value) else float(value),
                "#,##0" if r["change_unit"] == "count" else "0.0", measure_id=r["measure_id"], field=field,
                row=("msg", r["measure_id"]))


def _msg_commentary(r: dict[str, Any], commentary: dict[tuple[str, str], Commentary], quarter: str,
                    public: bool) -> tuple[str, str | None, bool]:
    """The commentary file's row for msg:<measure> this quarter, else the plan's own text."""
    found = commentary.get((MSG_PREFIX + r["measure_id"], quarter))
    if found is None and r.get("commentary"):
        found = Commentary(MSG_PREFIX + r["measure_id"], quarter, r["commentary"], "")
    return shown_commentary(found, public)


def area_tables(results: Results, area: AreaOfFocus) -> list[Block]:
    """The tables the plan declares for a priority (`tables:`), in the order it gives them."""
    blocks: list[Block] = []
    for spec in area.tables:
        measures = [area_measure for mid in spec.measures for area_measure in area.measures if area_measure.id == mid]
        if spec.kind == "by_financial_year_month":
            blocks += [b for m in measures if (b := _by_financial_year_month(results, m)) is not None]
        else:
            blocks += _this_year_last_year(results, spec, measures)
    return blocks


def _by_financial_year_month(results: Results, m: Measure) -> Table | None:
    """A measure's monthly values: a row per financial year, a column per month, and the variance row."""
    if m.id in results.context.unavailable:
        return None
    mv = force_values(results.monthly, m.id)
    by_fy: dict[str, dict[int, float]] = {}
    months: dict[tuple[str, int], dt.date] = {}
    for month, value, state in zip(mv.month, mv.value, mv.state):
        if state != "value" or fmt.missing(value):
            continue
        fy = financial_quarter(month).split(" ")[0]
        by_fy.setdefault(fy, {})[(month.month - 4) % 12] = float(value)
        months[(fy, (month.month - 4) % 12)] = month
    years = sorted(by_fy)
    decimals = 2  # a month's figure is a twelfth of a year's: two places, whatever the year's

    def month_cell(fy: str, i: int) -> Cell:
        at = months.get((fy, i))
        return number_cell(by_fy[fy].get(i), decimals, empty="", measure_id=m.id if at else None,
                           field="value" if at else None,
                           row=("monthly", "force", str(mv.area.iloc[0]), f"{at:%Y-%m}") if at else None)

    rows = [[Cell(fy)] + [month_cell(fy, i) for i in range(12)] for fy in years]
    if len(years) >= 2:
        this, last = by_fy[years[-1]], by_fy[years[-2]]
        variance = [fmt.printed_change(last[i], this[i], decimals) if i in this and i in last else None
                    for i in range(12)]
        rows.append([Cell(f"{years[-1]} variance to {years[-2]}", style="strong")]
                    + [number_cell(v, decimals, empty="") for v in variance])
    label = period_free_label(m)
    # a sheet name must fit 31 characters: "Hours lost per member of staff", not "Average hours lost"
    per = re.search(r"\bper (.+)$", label)
    name = f"Hours lost per {per.group(1)}" if per and len(per.group(1)) <= 16 and m.unit == "hours" else label
    return Table(name, ["Financial year", *MONTHS], rows, caption=f"{label}, by financial year and month")


def _this_year_last_year(results: Results, spec: AreaTable, measures: list[Measure]) -> list[Block]:
    """Each measure's latest figure against the year before and the % point difference, with an
    optional reference line; the title is the first column's heading, dropped from each label."""
    table = results.table
    title = spec.title or "Measure"
    rows: list[list[Cell]] = []
    periods: tuple[str, str] | None = None
    for m in measures:
        rec = table[(table.measure_id == m.id) & (table.area_level == "force")]
        if rec.empty:
            continue
        r = rec.iloc[0].to_dict()
        periods = periods or (str(r.get("previous_period") or ""), str(r.get("current_period") or ""))
        hidden = r.get("suppressed") is True  # withheld on a public edition: [c], never "N/A"
        rows.append([Cell(m.label.removeprefix(f"{title} - ")),
                     number_cell(r.get("previous_value"), m.decimals, measure_id=m.id, field="previous_value",
                                 row=row_of(r), hidden=hidden),
                     number_cell(r.get("current_value"), m.decimals, measure_id=m.id, field="current_value",
                                 row=row_of(r), hidden=hidden),
                     number_cell(fmt.printed_change(r.get("previous_value"), r.get("current_value"), m.decimals)
                                 if r.get("comparable") is True else None, m.decimals,
                                 measure_id=m.id, field="pp_change", row=row_of(r), hidden=hidden)])
    if not rows or periods is None:
        return []
    ref = spec.reference
    if ref is not None:
        rows.append([Cell(ref.label), Cell("-"), Cell(fmt.number(ref.value, 2), float(ref.value), "0.00"), Cell("-")])
    caption = f"{title} (% of each group)" + (f" against the {ref.label[0].lower() + ref.label[1:]}" if ref else "")
    return [Table(title, [title, periods[0], periods[1], "% pt. difference"], rows, caption=caption)]


