"""The annual report's performance data table (seed 004), read back from HTML, PDF, DOCX and XLSX:
title and footer name the force, seed 004's columns, footnotes numbered in order of first
appearance, n/a with the reason, £ on money, no significance words in Further Info, differences
that follow from the printed figures, a public edition that withholds small counts."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from decimal import ROUND_HALF_UP, Decimal

import docx
import duckdb
import openpyxl
import pytest

from crimeplan.contract.schema import TABLES
from crimeplan.periods import last_march
from crimeplan.plans import load_plan
from crimeplan.report.build import build_document
from crimeplan.report.render import render
from crimeplan.results import compute
from crimeplan.store import Store
from crimeplan.synth import generate
from tests.cli_helpers import run_cli
from tests.printed import printed_number, printed_places
from tests.report_render.test_html import parse

TO = dt.date(2026, 3, 1)
FORMATS = (".html", ".pdf", ".docx", ".xlsx")
SIGNIFICANCE = re.compile(r"signific|better|worse|no change|same|improv|deteriorat", re.I)


@pytest.fixture(scope="module")
def annual(tmp_path_factory):
    root = tmp_path_factory.mktemp("annual")
    files = generate(root / "data", seed=5, to_month="2026-03", years=3, scale=0.04)
    store_path = root / "s.duckdb"
    with Store(store_path) as store:
        store.load({t: [files[t]] for t in TABLES}, extract_date=dt.date(2026, 3, 31))
        force = store.arrow("areas").column("force").to_pylist()[0]
        plan = load_plan("police-and-crime-plan")
        # a definition change inside last year's window (seed 004's repeat incidents) and one
        # inside this year's (its Organised Crime Group disruptions); a definition footnote and
        # a Further Info of the plan's on the last row
        plan.measure("da_incidents").not_comparable_before = dt.date(2024, 10, 1)
        plan.measure("rape_offences").not_comparable_before = dt.date(2026, 1, 1)
        # a measure the plan counts by quarter only: no rolling year, no month
        plan.measure("weapons_possession").windows = ["quarter"]
        savings = plan.measure("savings_gbp_m")
        savings.footnotes = ["Savings: cashable savings against the financial year's budget."]
        savings.further_info = "Statement of accounts"
        results = compute(store, plan, TO)
    out = {}
    for edition in ("internal", "public"):
        document = build_document("annual", results, edition=edition)
        for suffix in FORMATS:
            out[(edition, suffix)] = render(document, root / f"annual-{edition}{suffix}")
    return results, out, force, store_path


# ---- reading the files back ------------------------------------------------------------------

class _Html:
    """The annual table as the reader sees it (header, then rows; footnote marks apart), the
    note numbers referred to in reading order, and the page footer's text."""

    def __init__(self, path) -> None:
        page, html = parse(path)
        table = page.tables[-1]
        self.rows = [[c["text"].strip() for c in table["header"]]] + [[c["text"].strip() for c in row]
                                                                      for row in table["rows"]]
        self.refs = [int(n) for row in table["rows"] for c in row for n in re.findall(r"\d+", c["sup"])]
        self.footer = re.sub(r"<[^>]+>", " ", re.search(r"<footer>(.*?)</footer>", html, re.S).group(1))


def _html(path) -> _Html:
    return _Html(path)


def _docx_rows(path) -> list[list[str]]:
    """The annual table's rows in the DOCX, footnote superscripts left out of the cell text."""
    d = docx.Document(str(path))
    table = d.tables[-1]
    return [["".join(r.text for p in c.paragraphs for r in p.runs if not r.font.superscript).strip()
             for c in row.cells] for row in table.rows]


def _docx_refs(path) -> list[int]:
    """The superscript note numbers of the DOCX body, in reading order."""
    d = docx.Document(str(path))
    refs: list[int] = []
    for table in d.tables:
        for row in table.rows:
            for cell in row.cells:
                for run in cell._tc.iter(docx.oxml.ns.qn("w:r")):
                    props = run.find(docx.oxml.ns.qn("w:rPr"))
                    va = None if props is None else props.find(docx.oxml.ns.qn("w:vertAlign"))
                    text = "".join(t.text or "" for t in run.iter(docx.oxml.ns.qn("w:t")))
                    if va is not None and va.get(docx.oxml.ns.qn("w:val")) == "superscript" and text.isdigit():
                        refs.append(int(text))
    return refs


def _sheet(path):
    wb = openpyxl.load_workbook(path)
    ws = next(ws for ws in wb.worksheets if any(c.value == "Police Priority Indicators" for c in ws[3]))
    return wb, ws


def _pdf_pages(path) -> list[str]:
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(path)], capture_output=True,
                                                            text=True, check=True).stdout).group(1))
    return [subprocess.run(["pdftotext", "-layout", "-f", str(p), "-l", str(p), str(path), "-"],
                           capture_output=True, text=True, check=True).stdout for p in range(1, pages + 1)]


def _half_up(x: float, places: int) -> Decimal:
    return Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _expected_header() -> list[str]:
    return ["Police and Crime Plan Priorities", "Police Priority Indicators",
            f"12 months to {TO:%b} {TO.year - 1}", f"12 months to {TO:%b %Y}",
            "Number Difference", "% Difference", "Further Info"]


# ---- the tests ---------------------------------------------------------------------------------

def test_title_names_the_force_and_the_financial_year_in_every_format(annual):
    _, out, force, _ = annual
    title = f"{force} Annual Report {TO.year - 1}-{TO:%y}: performance data"
    html = out[("internal", ".html")].read_text(encoding="utf-8")
    assert re.search(r'<h1 class="doc-title">(.*?)</h1>', html).group(1) == title.replace("&", "&amp;")
    first_page = re.sub(r"\s+", " ", _pdf_pages(out[("internal", ".pdf")])[0])
    assert title in first_page and f"Force: {force}" in first_page
    d = docx.Document(str(out[("internal", ".docx")]))
    assert d.paragraphs[0].text == title and d.paragraphs[0].style.name == "Title"
    wb = openpyxl.load_workbook(out[("internal", ".xlsx")])
    assert wb["Cover"]["A1"].value == title
    assert "Quarterly Update" not in title


def test_force_name_in_the_footer_of_every_page_and_format(annual):
    _, out, force, _ = annual
    footer = f"{force} · Annual Report {TO.year - 1}-{TO:%y}"
    pages = _pdf_pages(out[("internal", ".pdf")])
    assert len(pages) >= 2
    for n, page in enumerate(pages, 1):
        bottom = [line for line in page.splitlines() if line.strip()][-1]
        assert footer in bottom and f"Page {n} of {len(pages)}" in bottom, (n, bottom)
    d = docx.Document(str(out[("internal", ".docx")]))
    for section in d.sections:
        assert section.footer.paragraphs[0].text.startswith(footer + "\t")
    assert footer in _html(out[("internal", ".html")]).footer
    _, ws = _sheet(out[("internal", ".xlsx")])
    assert ws.oddFooter.left.text == footer


def test_seed_004_column_headings_in_every_format(annual):
    _, out, _, _ = annual
    header = _expected_header()
    assert _html(out[("internal", ".html")]).rows[0] == header
    assert _docx_rows(out[("internal", ".docx")])[0] == header
    _, ws = _sheet(out[("internal", ".xlsx")])
    assert [c.value for c in ws[3]][:7] == header
    from pypdf import PdfReader

    # the table's header row, in reading order, on every page the table spans (it repeats)
    pages = [re.sub(r"\s+", "", p.extract_text()) for p in PdfReader(str(out[("internal", ".pdf")])).pages]
    squashed = re.sub(r"\s+", "", "".join(header))
    assert sum(squashed in p for p in pages) >= 2


def test_footnotes_numbered_in_order_of_first_appearance(annual):
    _, out, _, _ = annual
    html = _html(out[("internal", ".html")])
    notes = re.findall(r'<li id="cp-note-(\d+)">', out[("internal", ".html")].read_text(encoding="utf-8"))
    for refs in (html.refs, _docx_refs(out[("internal", ".docx")])):
        first = list(dict.fromkeys(refs))
        assert first == list(range(1, len(first) + 1)), first
        assert len(first) == len(notes) >= 4  # every note is referred to, none skipped
    _, ws = _sheet(out[("internal", ".xlsx")])
    column = [c.value for c in ws[3]].index("Notes") + 1
    seen = [int(n) for row in range(4, ws.max_row + 1)
            for n in re.findall(r"\d+", str(ws.cell(row=row, column=column).value or ""))]
    assert list(dict.fromkeys(seen)) == list(range(1, len(notes) + 1))


def test_measures_whose_figures_cannot_be_produced_print_n_a_and_say_why(annual):
    results, out, _, _ = annual
    rows = {r[1]: r for r in _html(out[("internal", ".html")]).rows[1:]}
    html = out[("internal", ".html")].read_text(encoding="utf-8")
    notes = re.findall(r'<li id="cp-note-\d+">(.*?)</li>', html)
    da = results.plan.measure("da_incidents")
    row = rows[da.label]
    assert row[2] == "n/a" and printed_number(row[3]) is not None and row[4:6] == ["-", "-"]
    assert any(n.startswith(da.label) and "October 2024" in n and "cannot be produced" in n for n in notes)
    rape = results.plan.measure("rape_offences")
    assert rows[rape.label][2:6] == ["n/a", "n/a", "-", "-"]
    assert any(n.startswith(rape.label) and "not currently available" in n and "January 2026" in n
               for n in notes)


def test_money_is_printed_with_pounds_in_every_format(annual):
    results, out, _, _ = annual
    m = results.plan.measure("savings_gbp_m")
    t = results.table
    r = t[(t.measure_id == m.id) & (t.area_level == "force") & (t.window == "12m")].iloc[0]
    last, this = _half_up(r.previous_value, m.decimals), _half_up(r.current_value, m.decimals)
    expected = [f"£{last}m", f"£{this}m", ("-" if this < last else "") + f"£{abs(this - last)}m"]
    assert {r[1]: r for r in _html(out[("internal", ".html")]).rows}[m.label][2:5] == expected
    assert {r[1]: r for r in _docx_rows(out[("internal", ".docx")])}[m.label][2:5] == expected
    assert " ".join(expected) in re.sub(r" +", " ", " ".join(_pdf_pages(out[("internal", ".pdf")])))
    _, ws = _sheet(out[("internal", ".xlsx")])
    row = next(row for row in ws.iter_rows(min_row=4) if row[1].value == m.label)
    for cell in row[2:5]:
        assert isinstance(cell.value, float) and '"£"' in cell.number_format and cell.number_format.endswith('"m"')
    assert row[4].value == pytest.approx(float(this - last))


def test_further_info_holds_the_plans_references_not_significance(annual):
    results, out, _, _ = annual
    rows = _html(out[("internal", ".html")]).rows[1:]
    further = [r[6] for r in rows]
    assert not any(SIGNIFICANCE.search(f) for f in further)
    expected = {f"Priority {a.number} – {a.title}": a.further_info for a in results.plan.areas_of_focus}
    firsts = [r for r in rows if r[0]]
    assert len(firsts) >= 8
    for r in firsts:
        assert r[6].startswith(expected[r[0]])
    assert {r[1]: r for r in rows}[results.plan.measure("savings_gbp_m").label][6].endswith("Statement of accounts")
    for docx_row in _docx_rows(out[("internal", ".docx")])[1:]:
        assert not SIGNIFICANCE.search(docx_row[6])
    _, ws = _sheet(out[("internal", ".xlsx")])
    assert not any(SIGNIFICANCE.search(str(c.value or "")) for c in list(ws.columns)[6][3:])


def test_differences_follow_from_the_printed_figures(annual):
    # a reader with a calculator, on the HTML and DOCX tables: number difference = this - last at
    # the printed decimals (% pts for percentages); % difference = its share of last year, 1 dp,
    # and "-" for percentages
    _, out, _, _ = annual
    checked = 0
    for rows in (_html(out[("internal", ".html")]).rows[1:], _docx_rows(out[("internal", ".docx")])[1:]):
        for row in rows:
            a, b = printed_number(row[2]), printed_number(row[3])
            if a is None or b is None:
                continue
            places = max(printed_places(row[2]), printed_places(row[3]))
            assert printed_number(row[4]) == (b - a).quantize(Decimal(1).scaleb(-places)), row
            if row[2].endswith("%"):
                assert row[4].endswith(" % pts") and row[5] == "-", row
            elif a:
                assert row[5] == f"{_half_up(float(100 * (b - a) / a), 1)}%", row
            checked += 1
    assert checked >= 40


def test_public_edition_withholds_small_counts_with_a_note_and_no_internal_text(annual):
    results, out, _, _ = annual
    t = results.table
    force = t[(t.area_level == "force") & (t.window == "12m") & (t.unit == "count")]
    limit = results.plan.disclosure_threshold
    small = [results.plan.measure(r.measure_id).label for r in force.itertuples()
             if any(0 < v < limit for v in (r.current_value, r.previous_value) if v == v)]
    assert small  # at this scale some road deaths are fewer than the threshold
    html = _html(out[("public", ".html")])
    rows = {r[1]: r for r in html.rows[1:]}
    text = out[("public", ".html")].read_text(encoding="utf-8")
    notes = re.findall(r'<li id="cp-note-\d+">(.*?)</li>', text)
    for label in small:
        assert rows[label][2:6] == ["[c]"] * 4, rows[label]
    assert any(n.startswith("[c]") and "withheld" in n for n in notes)
    assert "OFFICIAL - PUBLIC" in text and "Internal" not in text and "Data quality" not in text
    internal = {r[1]: r for r in _html(out[("internal", ".html")]).rows[1:]}
    assert all("[c]" not in internal[label] for label in small)
    pdf = " ".join(_pdf_pages(out[("public", ".pdf")]))
    assert "[c]" in pdf and "OFFICIAL - PUBLIC" in pdf


def test_a_non_march_to_is_refused_naming_the_latest_march(annual, capsys, tmp_path):
    _, _, _, store_path = annual
    run = run_cli(capsys, "report", "annual", "--store", str(store_path), "--plan", "police-and-crime-plan",
                  "--to", "2026-02", "--format", "html", "--out", str(tmp_path / "a.html"))
    assert run.code == 2
    assert "--to" in run.err and "2025-03" in run.err and "Traceback" not in run.err
    assert not (tmp_path / "a.html").exists()
    assert [last_march(dt.date(2026, m, 1)) for m in (2, 3, 9)] == [dt.date(2025, 3, 1), dt.date(2026, 3, 1),
                                                                     dt.date(2026, 3, 1)]


def test_every_priority_has_a_row_and_one_with_no_indicator_says_so(annual):
    # seed 004 prints every priority; one left out would read as dropped from the plan
    results, out, _, _ = annual
    plan = results.plan
    for rows in (_html(out[("internal", ".html")]).rows[1:], _docx_rows(out[("internal", ".docx")])[1:]):
        assert [r[0] for r in rows if r[0]] == [f"Priority {a.number} – {a.title}" for a in plan.areas_of_focus]
    dog = next(a for a in plan.areas_of_focus if a.id == "dog_theft")
    assert dog.measures == []
    row = next(r for r in _html(out[("internal", ".html")]).rows if r[0].startswith(f"Priority {dog.number} "))
    assert row[1:7] == ["No indicator", "n/a", "n/a", "-", "-", dog.further_info]
    notes = re.findall(r'<li id="cp-note-\d+">(.*?)</li>', out[("internal", ".html")].read_text(encoding="utf-8"))
    assert any(n.startswith(f"Priority {dog.number} – {dog.title}: the plan has no indicator") for n in notes)


def test_a_month_end_figure_is_the_march_count_from_the_records_with_its_note(annual):
    # the Special Constables' headcount has no 12-month figure: the columns hold the distinct
    # specials at the end of March 2025 and March 2026, counted here from the stored records
    results, out, _, store_path = annual
    m = results.plan.measure("specials_headcount")
    assert m.windows == ["month"]
    with Store(store_path, read_only=True) as store:
        workforce = store.arrow("workforce")
    con = duckdb.connect()
    con.register("workforce", workforce)
    counted = dict(con.sql(
        "SELECT strftime(month_end, '%Y-%m'), count(DISTINCT person_id) FROM workforce "
        "WHERE staff_group = 'special' GROUP BY 1").fetchall())
    last, this = counted[f"{TO.year - 1}-03"], counted[f"{TO.year}-03"]
    assert last > 0 and this > 0
    html = out[("internal", ".html")].read_text(encoding="utf-8")
    row = {r[1]: r for r in _html(out[("internal", ".html")]).rows}[m.label]
    assert [printed_number(c) for c in row[2:5]] == [last, this, this - last]
    assert row[5] == f"{_half_up(100 * (this - last) / last, 1)}%"
    note = re.findall(r'<li id="cp-note-\d+">(.*?)</li>', html)
    assert f"A figure for the month, not the 12 months: Mar {TO.year} against Mar {TO.year - 1}." in note


def test_a_measure_with_no_year_or_month_figure_keeps_its_row_and_says_why(annual):
    results, out, _, _ = annual
    m = results.plan.measure("weapons_possession")
    rows = {r[1]: r for r in _html(out[("internal", ".html")]).rows[1:]}
    assert rows[m.label][2:6] == ["n/a", "n/a", "-", "-"]
    notes = re.findall(r'<li id="cp-note-\d+">(.*?)</li>', out[("internal", ".html")].read_text(encoding="utf-8"))
    assert f"{m.label}: data are not currently available (the plan gives it no 12-month or monthly " \
           "figure, only quarter)." in notes
    assert {r[1] for r in _docx_rows(out[("internal", ".docx")])} >= {m.label}
