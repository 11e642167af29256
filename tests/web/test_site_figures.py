"""Every figure the site prints is the results export's, rounded as printed; on the public site
nothing disclosure control withholds appears anywhere (pages, charts, attributes, downloads)."""

from __future__ import annotations

import math
import re
import subprocess

import pandas as pd
from docx import Document as Docx
from openpyxl import load_workbook

from crimeplan.report.common import withheld
from tests.web.pages import SVG, cell_text, figure_cells, number, pages, parse, text

VALUE_FIELDS = {"previous_value", "current_value", "current_numerator", "current_denominator",
                "previous_numerator", "previous_denominator"}
CHANGE_FIELDS = {"pct_change", "pp_change", "change"}


def _round_half_up(value: float, decimals: int) -> float:
    return math.floor(value * 10 ** decimals + 0.5) / 10 ** decimals


def _windows(table: pd.DataFrame) -> dict[tuple[str, ...], dict]:
    return {("windows", str(r["window"]), str(r["area_level"]), str(r["area"]), str(r["measure_id"])): r
            for r in table.to_dict("records")}


def _close(printed: str, expected: float) -> bool:
    value, decimals = number(printed)
    return abs(value - expected) <= 0.5 * 10 ** -decimals + 1e-9


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def test_every_figure_printed_equals_the_results_export(built):
    """Read back from the internal site's pages: each cell names its results row and column."""
    plan = built.results.plan
    measures = {m.id: m for _, m in plan.measures()}
    measures |= {mm.id: mm for mm in plan.msg.measures} if plan.msg else {}
    rows = _windows(built.results.table)
    monthly = built.results.monthly
    monthly = {(str(r["area_level"]), str(r["area"]), f"{pd.Timestamp(r['month']):%Y-%m}", str(r["measure_id"])): r
               for r in monthly.to_dict("records")}
    checked = 0
    for page in pages(built.internal_site):
        for cell in figure_cells(parse(page)):
            shown, field, m = cell_text(cell), cell.get("data-field"), measures[cell.get("data-measure")]
            key = tuple(cell.get("data-row").split("|"))
            if key[0] == "monthly":
                rec = monthly[(*key[1:], m.id)]
                if rec["state"] != "value":
                    assert shown == "–", (page, key)
                else:
                    assert _close(shown, float(rec["value"])), (page, key, shown, rec["value"])
                checked += 1
                continue
            if key[0] == "msg":
                continue  # the MSG table's figures are checked below, against the msg export
            rec = rows[(*key, m.id)]
            if field in VALUE_FIELDS:
                if _missing(rec.get(field)):
                    assert shown == "N/A", (page, key, field, shown)
                else:
                    assert _close(shown, float(rec[field])), (page, key, field, shown, rec[field])
                checked += 1
            elif field in CHANGE_FIELDS and shown != "N/A":
                # differences are worked from the figures as printed, so a reader's calculator agrees
                a = _round_half_up(float(rec["previous_value"]), m.decimals)
                b = _round_half_up(float(rec["current_value"]), m.decimals)
                expected = 100 * (b - a) / a if field == "pct_change" else b - a
                assert _close(shown, expected), (page, key, field, shown, expected)
                checked += 1
            elif field == "assessment" and isinstance(rec.get("assessment"), str) and rec["assessment"]:
                assert shown.lower() == rec["assessment"].lower(), (page, key, shown)
                checked += 1
    assert checked > 500


def test_the_msg_page_prints_the_msg_export(built):
    msg = {str(r["measure_id"]): r for r in built.results.msg.to_dict("records")}
    checked = 0
    for cell in figure_cells(parse(built.internal_site / "msg.html")):
        rec, field = msg[cell.get("data-measure")], cell.get("data-field")
        value, shown = rec.get(field), cell_text(cell)
        if isinstance(value, (int, float)) and not _missing(value) and re.search(r"\d", shown):
            assert _close(shown, float(value)), (field, shown, value)
            checked += 1
    assert checked > 0


def _withheld_rows(built) -> list[dict]:
    public = built.public.table
    return public[public.suppressed == True].to_dict("records")  # noqa: E712 - a column of objects


def test_small_counts_are_withheld_on_every_page_as_on_the_public_reports(built):
    hidden = _withheld_rows(built)
    small = [r for r in built.results.table.to_dict("records")
             if 0 < (r.get("current_numerator") or 0) < 5 and r["area_level"] in ("force", "lpa")]
    assert small, "the fixture holds no count from 1 to 4: the test would prove nothing"
    hidden_keys = {("windows", r["window"], r["area_level"], r["area"], r["measure_id"]) for r in hidden}
    # every small count's row is withheld (disclosure control's own rule, read from the site below)
    assert {("windows", r["window"], r["area_level"], r["area"], r["measure_id"]) for r in small} <= hidden_keys
    seen_public = seen_internal = 0
    internal_figures = {}
    for page in pages(built.internal_site):
        for cell in figure_cells(parse(page)):
            internal_figures[(page.relative_to(built.internal_site), cell.get("data-row"), cell.get("data-measure"),
                              cell.get("data-field"))] = cell_text(cell)
    for page in pages(built.public_site):
        for cell in figure_cells(parse(page)):
            key = (*cell.get("data-row").split("|"), cell.get("data-measure"))
            if key in hidden_keys and cell.get("data-field") in CHANGE_FIELDS:
                assert cell_text(cell) in ("[c]", "N/A"), (page, key, cell.get("data-field"))
            if key in hidden_keys and cell.get("data-field") in VALUE_FIELDS:
                assert cell_text(cell) == "[c]", (page, key, cell.get("data-field"))
                seen_public += 1
                # the internal edition prints a figure there: the public one took it away
                twin = internal_figures[(page.relative_to(built.public_site), cell.get("data-row"),
                                         cell.get("data-measure"), cell.get("data-field"))]
                seen_internal += twin not in ("[c]", "N/A")
    assert seen_public > 0 and seen_internal > 0


def test_a_withheld_lpa_count_appears_nowhere_on_its_pages(built):
    """An LPA's count of 1-4: [c] on its area page and its measure page, its number in no cell of
    its row, and the measure's pages carry no chart or attribute that could give it back."""
    full = _windows(built.results.table)
    small = [r for r in _withheld_rows(built) if r["area_level"] == "lpa" and r["window"] == "12m"
             and 0 < (full[("windows", "12m", "lpa", r["area"], r["measure_id"])].get("current_numerator") or 0) < 5]
    assert small, "no LPA count from 1 to 4 in the fixture"
    for r in small:
        count = full[("windows", "12m", "lpa", r["area"], r["measure_id"])]["current_numerator"]
        row = f"windows|12m|lpa|{r['area']}"
        for page in (built.public_site / "area" / f"{r['area'].lower()}.html",
                     built.public_site / "measure" / f"{r['measure_id']}.html"):
            tree = parse(page)
            cells = [c for c in figure_cells(tree)
                     if c.get("data-row") == row and c.get("data-measure") == r["measure_id"]]
            if page.parent.name == "measure" and not cells:
                continue  # the measure has no breakdown table
            assert cells, (page, row)
            for c in cells:
                assert re.search(rf"(?<![\d.]){int(count)}(?![\d.])", cell_text(c)) is None, (page, row)
                assert cell_text(c) in ("[c]", "N/A") or c.get("data-field") in ("label", "assessment"), \
                    (page, cell_text(c))
            # attributes name rows and columns, never a figure
            named = ("data-row", "data-measure", "data-field", "data-module")
            for el in tree.iter():
                for name, value in el.attrib.items():
                    if name.startswith("data-") and name not in named:
                        raise AssertionError(f"{page}: unexpected attribute {name}={value}")
            # the charts are the force's: no SVG on the page speaks of the LPA at all
            for svg in tree.iter(SVG + "svg"):
                assert r["area"] not in "".join(svg.itertext()) + str(svg.attrib), page


def test_a_measure_whose_monthly_counts_are_small_has_no_chart_and_no_monthly_figures(built):
    public = built.public
    plan = public.plan
    withheld_measures = [m for _, m in plan.measures()
                         if (c := public.chart(m.id, "monthly")) is not None and withheld(public, c.counts, m)
                         and any(0 < n < 5 for n in c.counts)]
    assert withheld_measures, "no measure with a small monthly count in the fixture"
    for m in withheld_measures:
        tree = parse(built.public_site / "measure" / f"{m.id}.html")
        # the monthly chart (its points, tooltips and axis) would give the counts back; a quarterly
        # chart stays when every quarter's count is large enough, as in the quarterly report
        monthly = [f for f in tree.iter("figure") if "Latest month" in text(f.find("figcaption"))]
        assert monthly == [], m.id
        series = [c for c in figure_cells(tree) if c.get("data-row").startswith("monthly|")]
        assert series and all(cell_text(c) in ("[c]", "–") for c in series), m.id
        assert "withheld" in text(tree).lower()
        # the internal site draws it
        internal = parse(built.internal_site / "measure" / f"{m.id}.html")
        assert [f for f in internal.iter("figure") if "Latest month" in text(f.find("figcaption"))]


def test_the_downloaded_reports_are_the_public_edition(built):
    folder = built.public_site / "downloads"
    files = {p.suffix: p for p in folder.iterdir()}
    assert set(files) == {".html", ".pdf", ".docx", ".xlsx"}
    pdf = subprocess.run(["pdftotext", "-layout", str(files[".pdf"]), "-"], capture_output=True, text=True,
                         check=True).stdout
    word = Docx(str(files[".docx"]))
    docx = "\n".join([p.text for p in word.paragraphs]
                     + [c.text for t in word.tables for row in t.rows for c in row.cells])
    book = load_workbook(files[".xlsx"], read_only=True)
    xlsx = [str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row if v is not None]
    html = text(parse(files[".html"]))
    for shown in (pdf, docx, html, "\n".join(xlsx)):
        assert "[c]" in shown and "Public" in shown
    internal = {p.suffix: p for p in (built.internal_site / "downloads").iterdir()}
    assert "[c]" not in text(parse(internal[".html"]))


def test_the_measure_page_names_its_lineage(built):
    tree = parse(built.public_site / "measure" / "da_offences.html")
    shown = text(tree)
    assert f"snapshot {built.results.context.snapshot_id}".lower() in shown.lower() or \
        f"Snapshot {built.results.context.snapshot_id}" in shown
    from crimeplan.results import plan_hash
    assert plan_hash(built.results.plan) in shown
    assert "Definition" in shown and "Better when" in shown
