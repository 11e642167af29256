"""The quarterly update and annual table as published: every figure read back from PDF, DOCX and
XLSX equals the results export; public editions withhold small numbers; no person is named."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from crimeplan.contract.schema import TABLES as CONTRACT_TABLES
from crimeplan.plans import load_plan
from crimeplan.report import format as fmt
from crimeplan.report.build import build_document, public_results
from crimeplan.report.render import render
from crimeplan.results import compute
from crimeplan.store import Store
from crimeplan.synth import generate
from tests.printed import printed_number, printed_places

TABLES = list(CONTRACT_TABLES)
TO = dt.date(2026, 3, 1)


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    root = tmp_path_factory.mktemp("published")
    files = generate(root / "data", seed=3, to_month="2026-03", years=3, scale=0.04)
    store = Store(root / "s.duckdb")
    store.load({t: [files[t]] for t in TABLES}, extract_date=dt.date(2026, 3, 31))
    plan = load_plan("police-and-crime-plan")
    results = compute(store, plan, TO)
    out = {}
    for kind in ("annual", "quarterly"):
        doc = build_document(kind, results)
        for suffix in (".pdf", ".docx", ".xlsx", ".html"):
            out[(kind, suffix)] = render(doc, root / f"{kind}{suffix}")
    public = build_document("quarterly", results, edition="public")
    for suffix in (".pdf", ".html", ".docx", ".xlsx"):
        out[("public", suffix)] = render(public, root / f"public{suffix}")
    people = set()
    for t, cols in (("crimes", ["victim_id", "offender_id"]), ("incidents", ["victim_id"]),
                    ("workforce", ["person_id"])):
        data = store.arrow(t)
        for c in cols:
            people |= {v for v in data.column(c).to_pylist() if v}
    store.close()
    return results, out, people


def _annual_rows(results):
    table = results.table
    rows = []
    for _, m in results.plan.measures():
        sel = table[(table.measure_id == m.id) & (table.area_level == "force") & (table.window == "12m")]
        if not sel.empty:
            rows.append((m, sel.iloc[0].to_dict()))
    return rows


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_annual_pdf_prints_every_figure_of_the_export(published):
    results, out, _ = published
    text = _squash(_pdf_text(out[("annual", ".pdf")]))
    checked = 0
    for m, r in _annual_rows(results):
        for field in ("previous_value", "current_value"):
            printed = fmt.figure(r.get(field), m.unit, m.decimals)
            if printed != "N/A":
                assert _squash(printed) in text, (m.id, field, printed)
                checked += 1
    assert checked >= 30


def test_annual_docx_table_equals_the_export(published):
    import docx

    results, out, _ = published
    document = docx.Document(str(out[("annual", ".docx")]))
    table = next(t for t in document.tables if "Police Priority Indicators" in [c.text for c in t.rows[0].cells])
    header = [c.text for c in table.rows[0].cells]
    by_label = {}
    for row in table.rows[1:]:
        cells = [c.text for c in row.cells]
        # drop footnote marks
        label = re.sub(r"[\d,\s]+$", "", cells[header.index("Police Priority Indicators")]).strip()
        by_label[label] = cells
    for m, r in _annual_rows(results):
        cells = by_label[m.label]
        for col, field in ((2, "previous_value"), (3, "current_value")):
            printed = fmt.figure(r.get(field), m.unit, m.decimals)
            assert cells[col] == ("n/a" if printed == "N/A" else printed)


def _annual_sheet(out):
    """The annual workbook's table sheet, its header row number and the header."""
    import openpyxl

    wb = openpyxl.load_workbook(out[("annual", ".xlsx")])
    sheet, top = next((ws, i) for ws in wb.worksheets for i in range(1, 6)
                      if any(c.value == "Police Priority Indicators" for c in ws[i]))
    return sheet, top, [c.value for c in sheet[top]]


def test_annual_xlsx_holds_the_export_as_numbers(published):
    results, out, _ = published
    sheet, top, header = _annual_sheet(out)
    values = {}
    for row in sheet.iter_rows(min_row=top + 1, values_only=True):
        label = str(row[header.index("Police Priority Indicators")] or "")
        values[label] = row
    checked = 0
    for m, r in _annual_rows(results):
        row = next(v for k, v in values.items() if k.startswith(m.label))
        for col, field in ((2, "previous_value"), (3, "current_value")):
            expected = r.get(field)
            if fmt.missing(expected):
                continue
            assert isinstance(row[col], (int, float)), (m.id, row[col])
            assert row[col] == pytest.approx(float(expected), rel=1e-12)
            checked += 1
    assert checked >= 30


def test_quarterly_pdf_renders_with_bookmarks_and_figures(published):
    from pypdf import PdfReader

    results, out, _ = published
    reader = PdfReader(str(out[("quarterly", ".pdf")]))
    titles = [o.title for o in reader.outline if not isinstance(o, list)]
    assert sum(t.startswith("Priority ") for t in titles) == 12
    text = _squash(_pdf_text(out[("quarterly", ".pdf")]))
    for m, r in _annual_rows(results):
        printed = fmt.figure(r.get("current_value"), m.unit, m.decimals)
        if printed != "N/A":
            assert _squash(printed) in text, (m.id, printed)
    if shutil.which("pdftoppm") is None:
        pytest.fail("pdftoppm (poppler-utils) is missing: `make test` installs it")
    pages = Path(out[("quarterly", ".pdf")]).parent / "pages"
    pages.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "20", "-f", "1", "-l", "6", str(out[("quarterly", ".pdf")]),
                    str(pages / "p")], check=True)
    import zlib

    for png in sorted(pages.glob("p-*.png")):
        data = png.read_bytes()
        idat = b"".join(data[i + 8:i + 8 + int.from_bytes(data[i:i + 4], "big")]
                        for i in [m.start() - 4 for m in re.finditer(b"IDAT", data)])
        raw = zlib.decompress(idat)
        assert raw.count(b"\xff") < len(raw) * 0.999, f"{png.name} is blank"


def test_public_edition_withholds_small_counts(published):
    results, out, _ = published
    public = public_results(results).table
    counts = public[public.unit == "count"]
    shown = counts[counts.current_value.notna()]
    assert not ((shown.current_value > 0) & (shown.current_value < results.plan.disclosure_threshold)).any()
    assert public.suppressed.any()  # at this scale some district figures are small
    text = _pdf_text(out[("public", ".pdf")])
    assert "OFFICIAL - PUBLIC" in text and "[c]" in text


def test_no_identifier_of_a_person_in_any_output(published):
    _, out, people = published
    assert people
    pattern = re.compile("|".join(re.escape(p) for p in sorted(people, key=len, reverse=True)[:5000]))
    for (kind, suffix), path in out.items():
        if suffix == ".pdf":
            text = _pdf_text(path)
        elif suffix in (".docx", ".xlsx"):
            with zipfile.ZipFile(path) as z:
                text = "".join(z.read(n).decode("utf-8", "ignore") for n in z.namelist() if n.endswith(".xml"))
        else:
            text = path.read_text(encoding="utf-8")
        found = pattern.search(text)
        assert found is None, (kind, suffix, found.group(0) if found else None)


def test_public_edition_does_not_chart_small_monthly_counts(published):
    from crimeplan.report.document import Figure

    results, _, _ = published
    m = results.plan.measure("ksi_all")
    monthly = results.series.monthly
    counts = monthly[monthly.measure_id == "ksi_all"].groupby("month").numerator.sum()
    assert ((counts > 0) & (counts < 5)).any()  # at this scale some months have 1-4 casualties

    def charts(edition: str) -> set[str]:
        doc = build_document("monthly", results, edition=edition)
        return {b.alt for b in doc.blocks if isinstance(b, Figure)}

    assert f"XmR chart of {m.label}" in charts("internal")
    assert f"XmR chart of {m.label}" not in charts("public")


def _number(text: str) -> float | None:
    """A printed figure back as a float (fmt.number rounds floats), None for N/A, [c], -."""
    value = printed_number(text)
    return None if value is None else float(value)


def test_every_printed_difference_follows_from_the_printed_figures(published):
    # a reader with a calculator: in every DOCX table with a difference column, the difference
    # printed equals the one worked out from the two figures printed beside it
    import docx

    _, out, _ = published
    checked = 0
    for kind in ("annual", "quarterly"):
        d = docx.Document(str(out[(kind, ".docx")]))
        for table in d.tables:
            header = [c.text.strip() for c in table.rows[0].cells]
            diffs = [h for h in header if h in ("% or % pt. diff.", "Number Difference", "% Difference")]
            if not diffs:
                continue
            last = next(i for i, h in enumerate(header) if "Last Year" in h or (h.startswith("12 months to") and i < 4))
            this = last + 1
            for row in table.rows[1:]:
                cells = [c.text.strip() for c in row.cells]
                a, b = _number(cells[last]), _number(cells[this])
                if a is None or b is None:
                    continue
                places = max(printed_places(cells[last]), printed_places(cells[this]))
                for name in diffs:
                    shown = cells[header.index(name)]
                    if _number(shown) is None:
                        continue
                    percent_point = "%" in cells[last] and name != "% Difference"
                    if name == "Number Difference" or percent_point:
                        expected = fmt.number(b - a, places)
                    else:
                        expected = fmt.number(100 * (b - a) / a if a else None, 1)
                    # '-£0.1m' and '0.3 % pts' read as the numbers they print
                    assert re.sub(r"[%\s£]|pts$|m$", "", shown) == expected, (kind, cells)
                    checked += 1
    assert checked >= 40


def test_public_edition_prints_no_internal_or_sample_text(published):
    _, out, _ = published
    for suffix in (".html", ".docx"):
        path = out[("public", suffix)]
        if suffix == ".docx":
            import docx

            d = docx.Document(str(path))
            text = "\n".join([p.text for p in d.paragraphs]
                             + [c.text for t in d.tables for row in t.rows for c in row.cells])
        else:
            text = path.read_text(encoding="utf-8")
        for internal in ("[SAMPLE]", "SAMPLE commentary", "No commentary supplied",
                         "Owner reading uncertain", "not carried by the canonical tables"):
            assert internal not in text, (suffix, internal)
        assert "No update this quarter." in text
    internal_html = out[("quarterly", ".html")].read_text(encoding="utf-8")
    assert "Owner reading uncertain" not in internal_html  # a transcription note, in no edition


def test_xlsx_differences_are_the_differences_of_the_figures_shown(published):
    # in the annual sheet a reader sees each figure at its number format; the difference beside
    # it is the difference of what is shown, not of the unrounded figures
    _, out, _ = published
    sheet, top, header = _annual_sheet(out)
    diff_col = header.index("Number Difference")
    checked = 0
    for row in sheet.iter_rows(min_row=top + 1):
        last, this, diff = row[2], row[3], row[diff_col]
        if not all(isinstance(c.value, (int, float)) for c in (last, this, diff)):
            continue
        fmt_text = last.number_format
        places = len(re.match(r"0*", fmt_text.split(".")[1]).group()) if "." in fmt_text else 0
        shown = [float(fmt.round_half_up(c.value, places)) for c in (last, this)]
        assert diff.value == pytest.approx(shown[1] - shown[0], abs=1e-9), (row[1].value, shown, diff.value)
        checked += 1
    assert checked >= 20


def test_public_quarterly_prints_c_where_a_force_figure_is_withheld(published):
    """Each force figure withheld in the public edition reads [c] on its row; internal prints it."""
    results, out, _ = published
    public = public_results(results).table
    hidden = public[(public.area_level == "force") & (public.window == "12m") & (public.suppressed == True)]  # noqa: E712
    assert not hidden.empty  # at this scale some force counts are small
    public_lines = _pdf_text(out[("public", ".pdf")]).splitlines()
    internal_lines = _pdf_text(out[("quarterly", ".pdf")]).splitlines()
    for measure_id in hidden.measure_id:
        label = results.plan.measure(measure_id).label
        row = [ln for ln in public_lines if ln.startswith(label[:25])]
        assert row and all("[c]" in ln for ln in row), (label, row)
        inside = [ln for ln in internal_lines if ln.startswith(label[:25])]
        assert inside and not any("[c]" in ln for ln in inside), (label, inside)


def _footnote_refs_in_reading_order(doc) -> list[int]:
    """Footnote numbers in the order a reader meets them (paragraphs, bullets, table cells)."""
    from crimeplan.report.document import BulletList, Paragraph, Table

    seen: list[int] = []
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            refs = list(block.footnotes)
        elif isinstance(block, BulletList):
            refs = [n for _, item_refs in block.items for n in item_refs]
        elif isinstance(block, Table):
            refs = [n for row in block.rows for cell in row for n in cell.footnotes]
        else:
            refs = []
        for n in refs:
            if n not in seen:
                seen.append(n)
    return seen


@pytest.mark.parametrize("kind", ["monthly", "quarterly", "annual", "msg"])
@pytest.mark.parametrize("edition", ["internal", "public"])
def test_footnotes_are_numbered_in_reading_order_and_all_referenced(published, kind, edition):
    """A reader meets note 1 first, then 2, ...; no note is printed that nothing points to."""
    results, _, _ = published
    doc = build_document(kind, results, edition=edition)
    order = _footnote_refs_in_reading_order(doc)
    assert order == list(range(1, len(doc.footnotes) + 1))


def test_xlsx_sheet_names_say_which_group_each_sickness_table_is(published):
    """Two sheets read 'Average hours lost per officer' and 'Average hours lost' (cut short): a
    reader could not tell the second was staff. Each must name its group, whole."""
    import openpyxl

    _, out, _ = published
    names = openpyxl.load_workbook(out[("quarterly", ".xlsx")], read_only=True).sheetnames
    assert "Hours lost per officer" in names and "Hours lost per member of staff" in names
    assert "Average hours lost" not in names
    assert len(set(n.lower() for n in names)) == len(names)


def test_quarterly_year_columns_say_12m_only_over_rolling_years(published):
    # a headcount at the month's end under "12m This Year" would tell the reader it was a year's
    # total: a table with any row of another span heads its columns "Last Year" / "This Year"
    from tests.report_render.test_html import parse

    results, out, _ = published
    t = results.table
    force = t[t.area_level == "force"]
    page, _ = parse(out[("quarterly", ".html")])
    seen = set()
    for table in page.tables:
        if [h["text"] for h in table["header"]][3:4] != ["Better/ Worse"]:
            continue
        measures = {c["data-measure"] for row in table["rows"] for c in row[:1] if c.get("data-measure")}
        windows = set(force[force.measure_id.isin(measures)].window)
        rolling = windows == {"12m"}
        expected = ["12m Last Year", "12m This Year"] if rolling else ["Last Year", "This Year"]
        assert [h["text"] for h in table["header"]][1:3] == expected, (measures, windows)
        seen.add(rolling)
    assert seen == {True, False}


def test_breakdown_columns_say_12m_only_for_a_rolling_year(published):
    from crimeplan.report.monthly_doc import breakdown_table

    results, _, _ = published
    plan = results.plan
    assert breakdown_table(results.table, plan.measure("all_crime")).header[1:3] == ["12m Last Year",
                                                                                     "12m This Year"]
    headcount = plan.measure("specials_headcount")
    assert headcount.windows == ["month"]
    assert breakdown_table(results.table, headcount).header[1:3] == ["Last Year", "This Year"]
