"""XLSX: a cover sheet, one sheet per table, numbers stored as numbers with their formats."""

from __future__ import annotations

import openpyxl

from crimeplan.report.document import Cell, Document, Heading, Table
from crimeplan.report.render.xlsx import HEADER_ROW, descriptions, plain_figure, sheet_names, xlsx_workbook

from .sample import FORMULA


def test_numbers_are_numbers_and_text_is_text(document, rendered):
    wb = openpyxl.load_workbook(str(rendered[".xlsx"]))
    tables = document.tables()
    headings = [b.text for b in document.blocks if isinstance(b, Heading)]
    assert wb.sheetnames == ["Cover", *sheet_names(tables, headings)]
    for ws, t, about in zip(wb.worksheets[1:], tables, descriptions(document)):
        assert about == t.caption or (not t.caption and about.startswith("Priority"))
        has_notes = any(c.footnotes for r in t.rows for c in r)
        header = [ws.cell(row=HEADER_ROW, column=j + 1) for j in range(len(t.header) + has_notes)]
        assert [h.value for h in header] == t.header + (["Notes"] if has_notes else [])
        assert all(h.font.bold for h in header)
        assert ws.freeze_panes == f"A{HEADER_ROW + 1}"
        assert ws.cell(row=1, column=1).value == about
        for i, row in enumerate(t.rows, HEADER_ROW + 1):
            for j, cell in enumerate(row, 1):
                got = ws.cell(row=i, column=j)
                if cell.value is not None:
                    assert isinstance(got.value, (int, float)) and not isinstance(got.value, bool)
                    assert got.value == cell.value
                    assert got.number_format.replace('"%"', "") == cell.number_format
                elif plain_figure(cell.text):  # printed as a figure without a value: stored as one
                    assert isinstance(got.value, float) and got.value == plain_figure(cell.text)[0]
                else:
                    assert got.data_type == "s" or got.value is None
                    assert (got.value or "") == cell.text
            if has_notes:
                refs = sorted({n for c in row for n in c.footnotes})
                assert (ws.cell(row=i, column=len(row) + 1).value or "") == " ".join(f"[note {n}]" for n in refs)
        assert ws.max_row == HEADER_ROW + len(t.rows)
        for j in range(len(t.header)):
            width = ws.column_dimensions[openpyxl.utils.get_column_letter(j + 1)].width
            assert 8 <= width <= 60


def test_text_that_looks_like_a_formula_stays_text(rendered):
    wb = openpyxl.load_workbook(str(rendered[".xlsx"]))
    found = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value == FORMULA]
    assert found and all(c.data_type == "s" for c in found)
    assert not any(c.data_type == "f" for ws in wb.worksheets for row in ws.iter_rows() for c in row)
    leading_zero = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value == "00123"]
    assert leading_zero


def test_cover_sheet(document, rendered):
    wb = openpyxl.load_workbook(str(rendered[".xlsx"]))
    cover = wb["Cover"]
    values = [c.value for row in cover.iter_rows() for c in row if c.value is not None]
    assert values[0] == document.title
    for _label, value in document.metadata:
        assert value in values
    for n, note in enumerate(document.footnotes, 1):
        assert f"note {n}" in values and note in values
    links = [c.hyperlink.location or c.hyperlink.target for row in cover.iter_rows() for c in row if c.hyperlink]
    assert len(links) == len(document.tables())
    assert document.sensitivity in values and document.attribution in values


def test_sheet_names_are_valid_and_unique():
    tables = [Table(n, ["a"], [[Cell("x")]]) for n in
              ["Cover", "cover", "a/b\\c[d]e:f*g?h", "x" * 40, "x" * 40, "", "'quoted'", "History", "Sheet"]]
    names = sheet_names(tables)
    assert len({n.lower() for n in names}) == len(names)
    assert "cover" not in {n.lower() for n in names} and "history" not in {n.lower() for n in names}
    for n in names:
        assert 1 <= len(n) <= 31
        assert not set(n) & set("[]:*?/\\")
        assert not n.startswith("'") and not n.endswith("'")


def _pct(text: str, value: float | None, fmt: str | None = "#,##0.0") -> Cell:
    return Cell(text, value, fmt if value is not None else None)


def _book(tables: list[Table], metadata=(), headings=()) -> openpyxl.Workbook:
    blocks = [*[Heading(h, 1) for h in headings], *tables]
    return xlsx_workbook(Document("Title", "Sub", list(metadata), blocks, [], sensitivity="OFFICIAL"))


def test_percentages_show_a_percent_sign_and_stay_numbers():
    t = Table("Victims", ["Measure", "Last Year", "This Year", "% or % pt. diff."], [
        [Cell("Satisfied"), _pct("89.1%", 89.0518), _pct("88.0%", 88.0424), _pct("-1.1", -1.1)],
        [Cell("Confidence interval (±)"), Cell("1.9%"), Cell("±2.0%"), Cell("")],
        [Cell("Savings"), _pct("£7.9m", 7.9), _pct("£4.3m", 4.3), _pct("0.2 % pts", 0.2)],
        [Cell("Offences"), _pct("-189 offences", -188.7, "#,##0"), _pct("4th", 4.0, "0"), Cell("00123")],
    ])
    ws = _book([t])["Victims"]
    row = {r: [ws.cell(row=r, column=j) for j in range(1, 5)] for r in range(HEADER_ROW + 1, HEADER_ROW + 5)}
    sat, ci, money, offences = (row[HEADER_ROW + k] for k in range(1, 5))
    assert sat[1].value == 89.0518 and sat[1].number_format == '#,##0.0"%"'
    assert sat[3].value == -1.1 and sat[3].number_format == "#,##0.0"  # the column says % or % pt.
    # confidence intervals: numbers, not text, printed as on the page
    assert ci[1].value == 1.9 and ci[1].data_type == "n" and ci[1].number_format == '#,##0.0"%"'
    assert ci[2].value == 2.0 and ci[2].number_format == '"±"#,##0.0"%"'
    assert money[1].value == 7.9 and money[1].number_format == '"£"#,##0.0"m"'
    assert money[3].number_format == '#,##0.0" % pts"'
    assert offences[1].value == -188.7 and offences[1].number_format == '#,##0" offences"'
    assert offences[2].value == 4 and offences[2].number_format == '0"th"'
    assert offences[3].value == "00123" and offences[3].data_type == "s"


def test_plain_figures_and_what_stays_text():
    assert plain_figure("1.9%") == (1.9, '#,##0.0"%"')
    assert plain_figure("-1.5%") == (-1.5, '#,##0.0"%"')
    assert plain_figure("2026") == (2026.0, "0")  # not 2,026
    assert plain_figure("1,234") == (1234.0, "#,##0")
    for text in ("00123", "01", "2017/18", "Sep 2026", "-", "N/A", "[c]", "=SUM(A1:A2)", "4th in MSG", ""):
        assert plain_figure(text) is None, text


def test_sheet_names_a_reader_understands():
    long_heading = "4. Tackling Consequences of Alcohol and Drug Abuse, and Mental Health Issues"
    tables = [
        Table("da_incidents by LPA", ["a"], [[Cell("x")]],
              caption="Number of domestic abuse incidents by Local Policing Area"),
        Table("ksi_all by LPA", ["a"], [[Cell("x")]],
              caption="All people killed or seriously injured (KSI) in road collisions by Local Policing Area"),
        Table("4 Tackling Consequences of Alco", ["a"], [[Cell("x")]]),  # cut by the builder
        Table("Monthly crimes by district and month, 2016 onwards", ["a"], [[Cell("x")]]),
        Table("Monthly crimes by district and month, 2016 onwards", ["a"], [[Cell("x")]]),
    ]
    names = sheet_names(tables, ["Performance", long_heading])
    assert names == ["Domestic abuse incidents by LPA", "All people KSI by LPA", "4 Tackling Consequences",
                     "Monthly crimes by district", "Monthly crimes by district (2)"]
    wb = _book(tables, headings=["Performance", long_heading])
    assert wb.sheetnames == ["Cover", *names]
    for name in names:
        assert len(name) <= 31 and "_" not in name
        assert name.split(" (")[0].split()[-1].lower() not in {"and", "of", "by", "in", "the", "to"}


def test_cover_fields_appear_once():
    t = Table("T", ["a"], [[Cell("x")]])
    meta = [("Date", "1 Dec 2026"), ("Author", ""), ("Unit", ""), ("Sensitivity", "OFFICIAL"),
            ("Version", "1.0"), ("Version:", "1.0")]
    cover = _book([t], metadata=meta)["Cover"]
    labels = [r[0] for r in cover.iter_rows(values_only=True) if r[0]]
    assert labels.count("Sensitivity") == 1 and labels.count("Version") == 1 and labels.count("Date") == 1
    assert "Author" not in labels and "Unit" not in labels  # no blank fields
    values = [r[1] for r in cover.iter_rows(values_only=True)]
    assert "1 Dec 2026" in values and "1.0" in values


def test_a_table_without_a_caption_is_described_by_its_headings():
    t = Table("1 Reducing Domestic Abuse", ["a"], [[Cell("x")]])
    blocks = [Heading("1. Reducing Domestic Abuse", 1), Heading("Performance Information", 2), t]
    wb = xlsx_workbook(Document("T", "S", [], blocks, []))
    about = "1. Reducing Domestic Abuse – Performance Information"
    assert wb.worksheets[1]["A1"].value == about
    rows = [r[:2] for r in wb["Cover"].iter_rows(values_only=True)]
    assert ("1 Reducing Domestic Abuse", about) in rows
