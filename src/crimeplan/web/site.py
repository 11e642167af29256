"""`crimeplan site`: a plan's results as a static website (index, priorities, measures, LPAs,
downloads), built from the report layer's blocks so the site and the reports print the same
figures, and public editions withhold exactly what the public reports withhold."""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from markupsafe import Markup, escape

from crimeplan.errors import BadInput
from crimeplan.periods import last_quarter_end
from crimeplan.plans.aspiration import describe_aspiration
from crimeplan.plans.model import AreaOfFocus, Measure
from crimeplan.report import format as fmt
from crimeplan.report.build import EDITIONS, build_document, public_results
from crimeplan.report.common import (
    assessment,
    figure_cell,
    headline_key_points,
    measure_key_points,
    number_cell,
    number_format,
    performance_table,
    row_of,
    spc_figure,
    test_note,
    unavailable_notes,
    withheld,
)
from crimeplan.report.document import (
    Block,
    BulletList,
    Cell,
    Figure,
    Footnotes,
    Heading,
    Paragraph,
    Table,
    lineage_line,
)
from crimeplan.report.lineage import lineage_of
from crimeplan.report.monthly_doc import breakdown_table
from crimeplan.report.render import FORMATS, render_all
from crimeplan.report.sections import msg_blocks
from crimeplan.report.sparkline import sparkline_svg
from crimeplan.report.spc_chart import ICON_TEXT, icon_svg
from crimeplan.results import Results, period_free_label
from crimeplan.web._templates import environment, stylesheet

# a month's state (CONTRACT.md §4) as a reader reads it
STATE_WORDS = {"value": "Complete", "not_supplied": "No data supplied", "not_carried": "Not recorded by the source",
               "provisional": "Provisional (not yet complete)", "not_applicable": "Before the definition changed",
               "suppressed": "Withheld (small numbers)"}
UNIT_WORDS = {"count": "a count", "percent": "a percentage", "rate_per_1000": "a rate per 1,000 people",
              "mean": "an average", "hours": "hours", "days": "days", "seconds": "seconds", "minutes": "minutes"}
WINDOW_WORDS = {"12m": "the last 12 months", "fytd": "the financial year to date", "quarter": "the latest quarter",
                "month": "the latest month"}


def slug(name: str) -> str:
    """A file name for an area: lower case, words joined by hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "area"


@dataclass
class Page:
    """One page of the site: where it goes, its headings and its blocks in reading order."""

    path: str  # relative to the site root: "index.html", "measure/x.html"
    heading: str
    blocks: list[Block | dict[str, Any]]
    notes: Footnotes = field(default_factory=Footnotes)
    caption: str | None = None
    lead: str | None = None
    breadcrumbs: list[tuple[str, str]] = field(default_factory=list)  # (text, path from the root)


def write_site(results: Results, out: Path, *, edition: str = "public") -> list[Path]:
    """Write the site for these results into out (replacing a site already there); returns its files."""
    if edition not in EDITIONS:
        raise BadInput(f"edition {edition!r} is not one of: " + ", ".join(EDITIONS), field="--edition")
    out = Path(out)
    css = check_target(out)
    shown = public_results(results) if edition == "public" else results
    out.parent.mkdir(parents=True, exist_ok=True)
    # built beside the target and swapped in whole, so a failed run leaves the old site as it was
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        (work / "assets").mkdir()
        shutil.copyfile(css, work / "assets" / "crimeplan.css")
        downloads = _downloads(results, work, edition)
        env = environment()
        common = common_frame(shown, edition)
        for page in pages(shown, downloads, edition):
            target = work / page.path
            target.parent.mkdir(parents=True, exist_ok=True)
            root = "../" * page.path.count("/")
            target.write_text(render_page(env, "page.html", page, root, common), encoding="utf-8")
        if out.exists():
            shutil.rmtree(out)
        work.rename(out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return sorted(p for p in out.rglob("*") if p.is_file())


SITE_NAVIGATION = (("Priorities", "index.html"), ("Areas", "areas.html"), ("Downloads", "downloads.html"))


def render_page(env: Any, template: str, page: Page, root: str, common: dict[str, Any],
                navigation: Iterable[tuple[str, str]] = SITE_NAVIGATION, **extra: Any) -> str:
    """A page as HTML in a template extending page.html; links are made relative to `root`."""
    return str(env.get_template(template).render(
        **common, root=root, page_title=page.heading, heading=page.heading, caption=page.caption,
        lead=page.lead, views=block_views(page.blocks, root), notes=page.notes.items,
        breadcrumbs=[{"text": t, "href": root + p} for t, p in page.breadcrumbs],
        navigation=[{"href": root + p, "text": t, "active": page.path == p} for t, p in navigation], **extra))


def check_target(out: Path) -> Path:
    """Refuse a folder that holds something other than a site, before any work; returns the stylesheet."""
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / "index.html").is_file())):
        raise BadInput("the folder is not empty and holds no site to replace; choose an empty or new folder",
                       file=str(out), field="--out")
    return stylesheet()


def common_frame(results: Results, edition: str) -> dict[str, Any]:
    """What every page's frame says: the site's name, the edition, the month and the lineage."""
    lineage = lineage_of(results)
    return {"site_name": results.plan.title, "to_text": f"{results.to_month:%B %Y}",
            "lineage_text": lineage_line(lineage),
            "edition_text": ("Public edition: figures from small numbers are withheld, shown as [c]."
                             if edition == "public" else "Internal edition: not for publication.")}


def pages(results: Results, downloads: list[tuple[str, list[tuple[str, str]]]], edition: str) -> list[Page]:
    """Every page of the site for (already disclosure-controlled) results."""
    plan = results.plan
    out = [_index(results), _areas_page(results), _downloads_page(results, downloads)]
    if plan.msg is not None:
        out.append(_msg_page(results, edition))
    for number, area in enumerate(plan.areas_of_focus, start=1):
        out.append(_priority(results, area, area.number or number))
        out += [_measure(results, area, m) for m in area.measures]
    out += [_area(results, lpa) for lpa in lpas(results)]
    return out


PAGE_PATH = re.compile(r"(priority|measure|area)/([A-Za-z0-9_-]+)\.html")


def page_at(results: Results, path: str, edition: str = "internal") -> Page | None:
    """The one page at a site path (downloads.html aside), or None when the results have no such page."""
    plan = results.plan
    if path == "index.html":
        return _index(results)
    if path == "areas.html":
        return _areas_page(results)
    if path == "msg.html":
        return _msg_page(results, edition) if plan.msg is not None else None
    found = PAGE_PATH.fullmatch(path)
    if found is None:
        return None
    kind, name = found.groups()
    if kind == "area":
        return next((_area(results, lpa) for lpa in lpas(results) if slug(lpa) == name), None)
    for number, area in enumerate(plan.areas_of_focus, start=1):
        if kind == "priority" and area.id == name:
            return _priority(results, area, area.number or number)
        for m in area.measures if kind == "measure" else ():
            if m.id == name:
                return _measure(results, area, m)
    return None


def lpas(results: Results) -> list[str]:
    """The Local Policing Areas the results compare, in the order they first appear."""
    table = results.table
    return list(dict.fromkeys(str(a) for a in table.area[table.area_level == "lpa"]))


# a priority the plan gives no measure (the shipped plan's dog theft): said, not an empty table
NO_MEASURE = ("This priority has no measure with figures in the plan: its progress is reported against "
              "its commitments in the quarterly update.")


def _link(text: str, path: str) -> dict[str, Any]:
    """A link block (root-relative path; block_views makes it relative to the page)."""
    return {"kind": "link", "text": text, "path": path}


def _index(results: Results) -> Page:
    """The plan's priorities, each with its objective and measures."""
    plan = results.plan
    blocks: list[Block | dict[str, Any]] = []
    if plan.description:
        blocks.append(Paragraph(plan.description))
    blocks.append(Heading("Priorities", 2))
    notes = Footnotes()
    for number, area in enumerate(plan.areas_of_focus, start=1):
        blocks.append({"kind": "links", "level": 3, "title": f"{area.number or number}. {area.title}",
                       "title_path": f"priority/{area.id}.html", "text": area.objective, "items": []})
        overview = overview_table(results, area, notes)
        if overview is not None:
            blocks.append(overview)
        elif not area.measures:
            blocks.append(Paragraph(NO_MEASURE))
    if plan.msg is not None:
        blocks.append(Heading("Compared with similar forces", 2))
        blocks.append(_link("Most Similar Group comparison", "msg.html"))
    return Page("index.html", plan.title, blocks, notes,
                lead=f"How the plan's priorities stand, with figures to {results.to_month:%B %Y}.")


def overview_table(results: Results, area: AreaOfFocus, notes: Footnotes) -> Table | None:
    """One row per measure of a priority, at force level: its latest year's figure, the change and
    whether it is significant, its recent trend, SPC variation, aspiration and latest month's data."""
    t = results.table
    force = t[(t.area_level == "force") & t.measure_id.isin([m.id for m in area.measures])]
    aspirations = _aspiration_words(results)
    rows = []
    for m in area.measures:
        found = force[force.measure_id == m.id]
        if found.empty:
            rows.append([Cell(m.label, field="link:" + f"measure/{m.id}.html"),
                         Cell(results.context.unavailable.get(m.id, "Not available"), style="muted"),
                         *[Cell("") for _ in range(6)]])
            continue
        first = [w for w in m.windows if (found.window == w).any()] or list(found.window)
        rec = {str(k): v for k, v in found[found.window == first[0]].iloc[0].to_dict().items()}
        text, style = assessment(rec)
        refs = [notes.ref(test_note(rec["test"]))] if isinstance(rec.get("test"), str) and rec["test"] else []
        label = m.label
        if rec["window"] != "12m" or m.lag_months or m.kind.arrives_counted:
            label += f" ({WINDOW_WORDS.get(str(rec['window']), str(rec['window']))}: " \
                     f"{rec.get('current_period') or rec['period_end']})"
        comparable = rec.get("comparable") is True and rec.get("suppressed") is not True
        diff = fmt.difference_value(rec)
        rows.append([
            Cell(label, field="link:" + f"measure/{m.id}.html"),
            _trend_cell(results, m),
            figure_cell(rec, "current_value", m),
            Cell(fmt.difference(rec) if comparable else "N/A",
                 None if not comparable or diff is None or fmt.missing(diff) else float(diff),
                 number_format(m.decimals if m.unit == "percent" else 1), measure_id=m.id,
                 field="pp_change" if m.unit == "percent" else "pct_change", row=row_of(rec)),
            Cell(text, style=style, footnotes=refs, measure_id=m.id, field="assessment", row=row_of(rec)),
            _variation_cell(results, m),
            Cell(aspirations.get(m.id, describe_aspiration(None))),
            Cell(_latest_state(results, m)),
        ])
    if not rows:
        return None
    return Table(f"{area.title} at a glance",
                 ["Measure", "Last 12 months", "This year", "% or % pt. diff.", "Better/ Worse",
                  "Variation", "Aspiration", "Latest month"], rows,
                 caption=f"{area.title}: every measure at a glance (force; 12 months to "
                         f"{results.to_month:%B %Y} against the 12 before, unless stated)")


def _trend_cell(results: Results, m: Measure) -> Cell:
    """The last 12 months charted as a sparkline; words when there is no chart, it is withheld, or a
    month among them has no value."""
    chart = results.chart(m.id, "monthly")
    if chart is None or m.id in results.context.unavailable:
        return Cell("No chart", style="muted")
    if withheld(results, chart.counts, m):
        return Cell("Withheld (small numbers)", style="muted")
    values = [p.value for p in chart.points[-12:]]
    if len(values) < 12:
        return Cell("Too few months", style="muted")
    if any(v is None for v in values):  # a line across a gap would draw a month never supplied
        return Cell("Gaps in these months", style="muted")
    return Cell("", svg=sparkline_svg([float(v) for v in values if v is not None]))


def _variation_cell(results: Results, m: Measure) -> Cell:
    """The latest month's SPC icon, with its meaning in words beside it."""
    chart = results.chart(m.id, "monthly")
    if chart is None or m.id in results.context.unavailable:
        return Cell("No chart")
    if withheld(results, chart.counts, m):
        return Cell("Withheld (small numbers)")
    return Cell(ICON_TEXT[chart.icon], svg=icon_svg(chart.icon, 20))


def _aspiration_words(results: Results) -> dict[str, str]:
    """Each measure's MSG aspiration and whether the force meets it, in words."""
    msg = results.msg
    if results.plan.msg is None or msg.empty or "aspiration" not in msg:
        return {}
    out = {}
    for rec in msg.to_dict("records"):
        if rec.get("aspiration"):
            met = {"met": ": met", "not met": ": not met"}.get(str(rec.get("aspiration_met")), "")
            out[str(rec["measure_id"])] = f"{rec['aspiration']}{met}"
    return out


def _areas_page(results: Results) -> Page:
    """The list of Local Policing Areas, each linking to its scorecard."""
    names = lpas(results)
    blocks: list[Block | dict[str, Any]] = [
        {"kind": "links", "level": 2, "title": "Local Policing Areas", "title_path": None,
         "text": "Each area's own figures for every measure." if names else "These results compare no areas.",
         "items": [(n, f"area/{slug(n)}.html") for n in names]}]
    return Page("areas.html", "Areas", blocks, breadcrumbs=[("Home", "index.html")])


def _downloads_page(results: Results, downloads: list[tuple[str, list[tuple[str, str]]]]) -> Page:
    """The period's reports in every format, as files in the site."""
    rows = [[Cell(title)] + [Cell(label, field="link:" + path) for label, path in files] for title, files in downloads]
    table = Table("Downloads", ["Report", *[f.lstrip(".").upper() for f in FORMATS]], rows,
                  caption=f"Reports for {results.to_month:%B %Y}")
    blocks: list[Block | dict[str, Any]] = [Paragraph(
        "The same figures as these pages, as reports to read, print or analyse.")]
    if rows:
        blocks.append(table)
    return Page("downloads.html", "Downloads", blocks, breadcrumbs=[("Home", "index.html")])


def _priority(results: Results, area: AreaOfFocus, number: int) -> Page:
    """A priority: every measure's figures, variation, state and chart, its key points and aspirations."""
    notes = Footnotes()
    blocks: list[Block | dict[str, Any]] = []
    if area.objective:
        blocks.append(Paragraph(area.objective))
    blocks.append(Heading("Performance", 2))
    table = performance_table(results, area, notes, name=area.title)
    if table is not None:
        table.caption = f"{area.title}: this year against last year (12 months to {results.to_month:%B %Y} " \
                        "unless stated)"
        blocks.append(table)
    if area.measures:
        blocks.append(_status_table(results, area))
    else:
        blocks += [Paragraph(NO_MEASURE), _link("Reports to download", "downloads.html")]
    blocks += unavailable_notes(results, area.measures)
    points = headline_key_points(results, area, notes)
    if points:
        blocks.append(BulletList(points, title="Key points"))
    aspirations = _aspirations(results, area)
    if aspirations is not None:
        blocks += [Heading("Aspirations", 2), aspirations]
    charts = [(m, spc_figure(results, m, quarterly_points=False)) for m in area.measures]
    if any(f is not None for _, f in charts):
        blocks.append(Heading("Charts", 2))
    for m, figure in charts:
        if figure is not None:
            blocks += [Heading(m.label, 3), figure]
    return Page(f"priority/{area.id}.html", area.title, blocks, notes, caption=f"Priority {number}",
                breadcrumbs=[("Home", "index.html")])


def _status_table(results: Results, area: AreaOfFocus) -> Table:
    """Measure | variation (SPC icon) | latest month's state, each measure linking to its page."""
    rows = []
    for m in area.measures:
        rows.append([Cell(m.label, field="link:" + f"measure/{m.id}.html"), _variation_cell(results, m),
                     Cell(_latest_state(results, m))])
    return Table("Variation and data", ["Measure", "Variation (latest month)", "Latest month's data"], rows,
                 caption=f"{area.title}: variation and the state of the latest month's data")


def _latest_state(results: Results, m: Measure) -> str:
    """The force's latest month for a measure and its state, in words."""
    mv = _force_months(results, m)
    if mv.empty:
        # a figure with no monthly series is not "no data": say why it has no months
        if m.id in results.context.unavailable:
            return results.context.unavailable[m.id]
        if m.kind.arrives_counted:
            return "Arrives as a total for its period, not by month"
        if not m.decomposable:
            return "Counted for each period as a whole (no monthly series)"
        return "No data"
    last = mv.iloc[-1]
    return f"{pd.Timestamp(last['month']):%b %Y}: {STATE_WORDS.get(str(last['state']), str(last['state']))}"


def _force_months(results: Results, m: Measure) -> pd.DataFrame:
    """The measure's months at force level, oldest first."""
    mv = results.monthly
    if mv.empty:
        return mv
    mv = mv[(mv.measure_id == m.id) & (mv.area_level == "force")]
    return mv.sort_values("month")


def _aspirations(results: Results, area: AreaOfFocus) -> Table | None:
    """The priority's Most Similar Group aspirations and whether the force meets them."""
    msg = results.msg
    if results.plan.msg is None or msg.empty or "aspiration" not in msg:
        return None
    ours = {mm.id for mm in results.plan.msg.measures if mm.priority in (area.title, area.id)}
    rows = []
    for rec in msg[msg.measure_id.isin(ours)].to_dict("records"):
        if not rec.get("aspiration"):
            continue
        met = rec.get("aspiration_met")
        rows.append([Cell(str(rec["label"])), Cell(str(rec["aspiration"]), measure_id=str(rec["measure_id"]),
                                                    field="aspiration"),
                     Cell({"met": "Met", "not met": "Not met"}.get(str(met), "Not judged"),
                          style="better" if met == "met" else "worse" if met == "not met" else None),
                     Cell(str(rec.get("msg_position_text") or ""))])
    if not rows:
        return None
    return Table("Aspirations", ["Measure", "Aspiration", "Status", "Position in the group"], rows,
                 caption=f"{area.title}: aspirations against the Most Similar Group")


# a plan's filter language (docs/writing-measures.md) said in words, longest operators first
FILTER_WORDS = ((r"not_null\((\w+)\)", r"\1 is recorded"), (r"\s*==\s*", " is "), (r"\s*!=\s*", " is not "),
                (r"\s*>=\s*", " at least "), (r"\s*<=\s*", " at most "), (r"\s*>\s*", " over "),
                (r"\s*<\s*", " under "), (r"['\"]", ""), (r"_", " "))


def filter_words(expression: str) -> str:
    """A measure's filter as a reader reads it: "road_user == 'cyclist'" -> "road user is cyclist"."""
    for pattern, words in FILTER_WORDS:
        expression = re.sub(pattern, words, expression)
    return expression


def definition(m: Measure) -> list[tuple[str, str]]:
    """A measure's definition in a reader's words, from the plan."""
    rows = [("What is measured", m.label), ("Records counted", m.source.replace("_", " ")
                                            + (f", where {filter_words(m.filter)}" if m.filter else ""))]
    if m.numerator:
        rows.append(("Counted as meeting it", m.numerator.replace("_", " ")))
    rows += [("Shown as", UNIT_WORDS.get(m.unit, m.unit) + (f" to {m.decimals} decimal places" if m.decimals else "")),
             ("Better when", "the figure goes up" if m.polarity == "up" else "the figure goes down"),
             ("Compared over", "; ".join(WINDOW_WORDS.get(w, w) for w in m.windows)
              + ", against the same period a year earlier")]
    if m.event_date:
        rows.append(("Like for like", f"each month counts outcomes within {m.mature_after_months} months of its "
                                      "end; younger months are provisional"))
    rows += [("Notes", n) for n in m.footnotes]
    if m.further_info:
        rows.append(("Further information", m.further_info))
    return rows


def _measure(results: Results, area: AreaOfFocus, m: Measure) -> Page:
    """A measure: its figures, SPC charts, monthly series, LPA breakdown, key points, definition, lineage."""
    notes = Footnotes()
    blocks: list[Block | dict[str, Any]] = [Heading("Definition", 2),
                                            {"kind": "summary", "rows": definition(m)}]
    blocks += unavailable_notes(results, [m])
    table = performance_table(results, area.model_copy(update={"measures": [m]}), notes, name=m.label)
    if table is not None:
        table.caption = f"{m.label}: this year against last year"
        blocks += [Heading("This year against last year", 2), table]
    points = measure_key_points(results, m, notes)
    if points:
        blocks.append(BulletList(points, title="Key points"))
    figures = [f for f in (spc_figure(results, m, quarterly_points=q) for q in (False, True)) if f is not None]
    if figures:
        blocks.append(Heading("Charts", 2))
        for figure in figures:
            figure.alt += " (the figures are in the monthly series table below)"
            blocks.append(figure)
    series = _series_table(results, m)
    if series is not None:
        blocks += [Heading("Monthly series", 2), series]
    t = results.table
    if ((t.measure_id == m.id) & (t.area_level == "lpa")).any():
        breakdown = breakdown_table(t, m)
        breakdown.caption = f"{m.label} by Local Policing Area ({WINDOW_WORDS.get(m.windows[0], m.windows[0])})"
        blocks += [Heading("By Local Policing Area", 2), breakdown]
    blocks += funnel_blocks(results, m)
    lineage = lineage_of(results)
    blocks += [Heading("Where these figures come from", 2), {"kind": "summary", "rows": [
        ("Snapshot", f"{lineage.get('snapshot')}" + (f" (data extracted {lineage['extracted']})"
                                                     if "extracted" in lineage else "")),
        ("Plan", lineage.get("plan", "")), ("Figures to", lineage.get("to", "")),
        ("Made by", f"crimeplan {lineage.get('crimeplan')}")]}]
    return Page(f"measure/{m.id}.html", m.label, blocks, notes, caption=area.title,
                breadcrumbs=[("Home", "index.html"), (area.title, f"priority/{area.id}.html")])


FLAG_WORDS = {"better": "Better than the force", "worse": "Worse than the force", "similar": "Similar to the force"}


def funnel_blocks(results: Results, m: Measure) -> list[Block | dict[str, Any]]:
    """The districts against the force on a funnel plot, with its figures as a table; nothing when
    the measure has no funnel (its unit, too few districts, or a district's figure withheld)."""
    from crimeplan.results import funnel_of, funnel_spec, svg_of  # funnel limits need SciPy

    if results.context.areas.empty or m.id in results.context.unavailable:
        return []
    funnel = funnel_of(results, m.id, "district")
    if funnel is None:
        return []
    per = "%" if funnel.kind == "proportion" else f" {funnel.unit_text}"
    span = WINDOW_WORDS.get(funnel.window, funnel.window)
    title = f"{period_free_label(m)}: districts against the force ({span})"
    decimals = max(m.decimals, 1)
    outside = [p for p in funnel.points if p.flag != "similar"]
    alt = (f"Funnel plot of {len(funnel.points)} districts' {m.label.lower()} against the force's "
           f"{fmt.number(funnel.average, decimals)}{per}: " +
           (", ".join(f"{p.area} {FLAG_WORDS[p.flag].lower()}" for p in outside) if outside else
            "every district within the 99.8% limits") + " (the figures are in the table below)")
    figure = Figure(svg=svg_of(funnel_spec(funnel, title)), png=None, alt=alt, caption=(
        f"Each district's figure against the force's ({fmt.number(funnel.average, decimals)}{per}, the line), with "
        "95% (dashed) and 99.8% (solid) limits for a district of its size. Outside the 99.8% limits, a difference is "
        "unlikely to be chance alone (funnel limits as in PHEindicatormethods)."))
    rows = [[Cell(p.area), Cell(fmt.number(p.value, decimals) + ("%" if funnel.kind == "proportion" else ""),
                                float(p.value)),
             Cell(fmt.number(p.size, 0), float(p.size)),
             Cell(FLAG_WORDS[p.flag], style=p.flag if p.flag != "similar" else None),
             Cell(FLAG_WORDS[p.flag_95])] for p in sorted(funnel.points, key=lambda p: p.area)]
    size_word = "Cases" if funnel.kind == "proportion" else "Residents"
    figure_word = f"Figure ({'%' if funnel.kind == 'proportion' else funnel.unit_text})"
    table = Table("Districts against the force", ["District", figure_word, size_word, "At 99.8% limits",
                                                  "At 95% limits"], rows,
                  caption=f"{m.label} by district against the force ({span})")
    return [Heading("Districts against the force", 2), figure, table]


def _series_table(results: Results, m: Measure) -> Table | None:
    """The force's months (those the monthly chart covers, and any after): value and state; every
    figure [c] on a public edition when a month's count is small, as the chart is withheld then."""
    mv = _force_months(results, m)
    chart = results.chart(m.id, "monthly")
    if chart is not None and chart.points and not mv.empty:
        mv = mv[pd.to_datetime(mv.month) >= pd.Timestamp(chart.points[0].period)]
    if mv.empty:
        return None
    counts = [float(n) for n, s in zip(mv.numerator, mv.state) if s == "value" and not fmt.missing(n)]
    hidden = withheld(results, counts, m)
    rows = []
    for rec in mv.to_dict("records"):
        month = pd.Timestamp(rec["month"])
        row = ("monthly", "force", str(rec["area"]), f"{month:%Y-%m}")
        state = str(rec["state"])
        has_value = state == "value"
        value = number_cell(rec.get("value") if has_value else None, m.decimals, measure_id=m.id, field="value",
                            hidden=hidden and has_value, empty="–", row=row)
        rows.append([Cell(f"{month:%b %Y}"), value,
                     Cell(STATE_WORDS.get(state, state), style=None if has_value else "muted")])
    caption = f"{m.label} by month (force)"
    if hidden:
        caption += ": withheld in this edition (small numbers)"
    return Table("Monthly series", ["Month", "Value", "Data"], rows, caption=caption)


def _area(results: Results, lpa: str) -> Page:
    """An LPA's scorecard: every priority's measures for that area."""
    notes = Footnotes()
    blocks: list[Block | dict[str, Any]] = []
    for number, area in enumerate(results.plan.areas_of_focus, start=1):
        table = performance_table(results, area, notes, name=area.title, level="lpa", place=lpa)
        if table is None:
            continue
        table.caption = f"{area.title} in {lpa}: this year against last year"
        blocks += [Heading(f"{area.number or number}. {area.title}", 2), table]
    if not blocks:
        blocks.append(Paragraph("No measure of this plan is broken down by area."))
    return Page(f"area/{slug(lpa)}.html", lpa, blocks, notes, caption="Local Policing Area",
                breadcrumbs=[("Home", "index.html"), ("Areas", "areas.html")],
                lead=f"{lpa}'s figures for every measure the plan breaks down by area.")


def _msg_page(results: Results, edition: str) -> Page:
    """The Most Similar Group comparison, as the reports print it."""
    notes = Footnotes()
    section = msg_blocks(results, notes, 1, public=edition == "public")
    # the section's own heading (level 1) would repeat the page's title: its parts sit at level 2
    blocks: list[Block | dict[str, Any]] = list(section[1:] if section and isinstance(section[0], Heading)
                                                else section)
    return Page("msg.html", "Most Similar Group comparison", blocks, notes,
                breadcrumbs=[("Home", "index.html")])


def _downloads(results: Results, work: Path, edition: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """Write the period's reports of this edition into downloads/; (title, [(format, path)]) each."""
    kinds = ["monthly"]
    if last_quarter_end(results.to_month) == results.to_month and any(a.commitments for a in
                                                                      results.plan.areas_of_focus):
        kinds.append("quarterly")
    folder = work / "downloads"
    folder.mkdir()
    out = []
    for kind in kinds:
        document = build_document(kind, results, edition=edition)  # the public edition's control applied here
        stem = folder / f"{results.plan.id}-{kind}-{results.to_month:%Y-%m}-{edition}"
        paths = render_all(document, stem, FORMATS)
        out.append((document.title, [(p.suffix.lstrip(".").upper(), f"downloads/{p.name}") for p in paths]))
    return out


def block_views(blocks: Iterable[Block | dict[str, Any]], root: str) -> list[dict[str, Any]]:
    """Blocks as the template's views: text escaped, cells with their lineage as data attributes."""
    views: list[dict[str, Any]] = []
    above = 1  # the page's own h1: a list's title sits one level below the heading it follows
    for b in blocks:
        if isinstance(b, Heading):
            above = min(b.level + 1, 6) if b.level < 2 else b.level
            views.append({"kind": "heading", "level": above, "html": escape(b.text), "anchor": b.anchor})
        elif isinstance(b, Paragraph):
            views.append({"kind": "paragraph", "style": b.style, "html": escape(b.text) + _refs(b.footnotes)})
        elif isinstance(b, BulletList):
            views.append({"kind": "list", "title": b.title, "level": min(above + 1, 6),
                          "items": [escape(text) + _refs(refs) for text, refs in b.items]})
        elif isinstance(b, Table):
            views.append(_table_view(b, root))
        elif isinstance(b, Figure):
            views.append({"kind": "figure", "svg": _inline_svg(b.svg, b.alt), "caption": b.caption,
                          "icon": Markup(b.icon_svg) if b.icon_svg else None})
        elif isinstance(b, dict) and b["kind"] == "summary":
            views.append({"kind": "summary",
                          "rows": [{"key": {"text": k}, "value": {"text": v}} for k, v in b["rows"]]})
        elif isinstance(b, dict) and b["kind"] == "link":
            views.append({"kind": "html", "html": Markup('<p class="govuk-body"><a class="govuk-link" href="{}">{}</a>'
                                                         "</p>").format(root + b["path"], b["text"])})
        elif isinstance(b, dict) and b["kind"] == "links":
            views.append({"kind": "html", "html": _links_html(b, root)})
    return views


def _links_html(b: dict[str, Any], root: str) -> Markup:
    """A titled list of links (a priority and its measures; the areas)."""
    level = b["level"]
    title = (Markup('<a class="govuk-link" href="{}">{}</a>').format(root + b["title_path"], b["title"])
             if b.get("title_path") else escape(b["title"]))
    html = Markup('<h{0} class="govuk-heading-{1}">{2}</h{0}>').format(level, "m" if level == 2 else "s", title)
    if b.get("text"):
        html += Markup('<p class="govuk-body">{}</p>').format(b["text"])
    if b["items"]:
        html += Markup('<ul class="govuk-list govuk-list--bullet">') + Markup("").join(
            Markup('<li><a class="govuk-link" href="{}">{}</a></li>').format(root + path, text)
            for text, path in b["items"]) + Markup("</ul>")
    return html


def _refs(refs: list[int]) -> Markup:
    """Footnote markers linking to the page's notes, comma-separated as the reports print them
    (notes 2 and 1 read "2,1", never "21")."""
    if not refs:
        return Markup("")
    links = Markup(",").join(Markup('<a class="govuk-link" href="#note-{0}" aria-label="note {0}">{0}</a>').format(n)
                             for n in refs)
    return Markup("<sup>{}</sup>").format(links)


def _table_view(t: Table, root: str) -> dict[str, Any]:
    """A Table as govukTable's parameters: the first column heads each row; figures right-aligned."""
    rows = []
    for row in t.rows:
        cells = []
        for cell in row:
            attributes = {}
            if cell.measure_id and cell.field and cell.row:
                # which results row and column the figure prints (never the figure itself)
                attributes = {"data-measure": cell.measure_id, "data-field": cell.field,
                              "data-row": cell.row_key}
            if cell.field and cell.field.startswith("link:"):
                html = Markup('<a class="govuk-link" href="{}">{}</a>').format(root + cell.field[5:], cell.text)
            else:
                icon = Markup(cell.svg.replace("<svg ", '<svg class="crimeplan-icon" ', 1)) if cell.svg else Markup("")
                html = icon + escape(cell.text) + _refs(cell.footnotes)
            cells.append({"html": html, "attributes": attributes,
                          "format": "numeric" if cell.value is not None or cell.text == "[c]" else None,
                          "classes": f"crimeplan-cell--{cell.style}" if cell.style else None})
        rows.append(cells)
    return {"kind": "table", "params": {"caption": t.caption or t.name, "captionClasses": "govuk-table__caption--s",
                                        "head": [{"text": h} for h in t.header], "rows": rows,
                                        "firstCellIsHeader": True},
            "legend": [text for _, text in t.legend]}


def _inline_svg(svg: str, alt: str) -> Markup:
    """A chart's SVG for inline use: no XML prolog, and a text alternative for assistive technology."""
    svg = re.sub(r"^\s*<\?xml[^>]*\?>\s*", "", svg)
    svg = re.sub(r"^\s*<!DOCTYPE[^>]*>\s*", "", svg)
    return Markup(svg.replace("<svg", str(Markup('<svg role="img" aria-label="{}"').format(alt)), 1))
