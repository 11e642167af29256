"""XLSX: a cover sheet, one sheet per table, numbers stored as numbers with their formats."""

from __future__ import annotations

import openpyxl

from crimeplan.report.document import Cell, Table
from crimeplan.report.render.xlsx import HEADER_ROW, sheet_names

from .sample import FORMULA


def test_numbers_are_numbers_and_text_is_text(document, rendered):
    wb = openpyxl.load_workbook(str(rendered[".xlsx"]))
    tables = document.tables()
    assert wb.sheetnames == ["Cover", *sheet_names(tables)]
    for ws, t in zip(wb.worksheets[1:], tables):
        has_notes = any(c.footnotes for r in t.rows for c in r)
        header = [ws.cell(row=HEADER_ROW, column=j + 1) for j in range(len(t.header) + has_notes)]
        assert [h.value for h in header] == t.header + (["Notes"] if has_notes else [])
        assert all(h.font.bold for h in header)
        assert ws.freeze_panes == f"A{HEADER_ROW + 1}"
        assert ws.cell(row=1, column=1).value == (t.caption or t.name)
        for i, row in enumerate(t.rows, HEADER_ROW + 1):
            for j, cell in enumerate(row, 1):
                got = ws.cell(row=i, column=j)
                if cell.value is not None:
                    assert isinstance(got.value, (int, float)) and not isinstance(got.value, bool)
                    assert got.value == cell.value
                    assert got.number_format == cell.number_format
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
    for label, value in document.metadata:
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
