"""DOCX: Word structure a user can edit, and every figure in a table equals its Cell."""

from __future__ import annotations

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from crimeplan.report.document import Figure, Heading
from crimeplan.report.render import _common as c

from .sample import NASTY


def cell_parts(cell) -> tuple[str, str]:
    """(text without footnote superscripts, the superscript footnote numbers) of a Word cell."""
    text, sup = [], []
    for p in cell.paragraphs:
        for item in p.iter_inner_content():
            if hasattr(item, "runs") and not hasattr(item, "style"):  # a hyperlink: a footnote link
                sup.append(item.text)
            elif item.font.superscript:
                sup.append(item.text)
            else:
                text.append(item.text)
    return "".join(text), "".join(sup)


def test_tables_read_back_equal_the_cells(document, rendered):
    d = docx.Document(str(rendered[".docx"]))
    tables = document.tables()
    assert len(d.tables) == len(tables)  # the metadata block is paragraphs, not a table
    for wt, t in zip(d.tables, tables):
        assert wt.style.name == "Table Grid"
        head = wt.rows[0]
        assert [cell_parts(x)[0] for x in head.cells] == t.header
        trpr = head._tr.trPr
        assert trpr is not None and trpr.find(qn("w:tblHeader")) is not None  # repeats on each page
        assert all(r.bold for x in head.cells for r in x.paragraphs[0].runs)
        assert len(wt.rows) == len(t.rows) + 1
        numeric = c.numeric_columns(t)
        for wrow, row in zip(wt.rows[1:], t.rows):
            for j, (wc, cell) in enumerate(zip(wrow.cells, row)):
                text, sup = cell_parts(wc)
                assert text == cell.text
                assert sup == ",".join(map(str, cell.footnotes))
                if cell.value is not None or numeric[j]:
                    assert wc.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
                shd = wc._tc.tcPr.find(qn("w:shd")) if wc._tc.tcPr is not None else None
                if cell.style == "better":
                    assert shd.get(qn("w:fill")) == c.BETTER_FILL
                elif cell.style == "worse":
                    assert shd.get(qn("w:fill")) == c.WORSE_FILL
                else:
                    assert shd is None


def test_headings_contents_and_marking(document, rendered):
    d = docx.Document(str(rendered[".docx"]))
    h1 = [p.text for p in d.paragraphs if p.style.name == "Heading 1"]
    assert h1 == [b.text for b in document.blocks if isinstance(b, Heading) and b.level == 1] + ["Notes"]
    h2 = [p.text for p in d.paragraphs if p.style.name == "Heading 2"]
    assert h2 == [b.text for b in document.blocks if isinstance(b, Heading) and b.level == 2]
    assert d.paragraphs[0].style.name == "Title" and d.paragraphs[0].text == document.title
    body = d.element.body.xml
    assert 'TOC \\o "1-1"' in body
    assert "update fields" in body.lower()
    settings = d.settings.element.find(qn("w:updateFields"))
    assert settings is not None and settings.get(qn("w:val")) == "true"
    for section in d.sections:
        assert document.sensitivity in section.header.paragraphs[0].text
        footer = section.footer._element.xml
        assert document.sensitivity in section.footer.paragraphs[0].text
        assert " PAGE " in footer and " NUMPAGES " in footer
    text = "\n".join(p.text for p in d.paragraphs)
    for n, note in enumerate(document.footnotes, 1):
        assert f"{n}.\t{note}" in text
    assert NASTY in text and document.attribution in text
    assert d.core_properties.title == document.title


def test_figures_are_pictures_with_alt_text(document, rendered):
    d = docx.Document(str(rendered[".docx"]))
    figures = [b for b in document.blocks if isinstance(b, Figure)]
    shapes = d.inline_shapes  # charts, their icons, and the sparklines in table cells
    sparklines = sum(1 for t in document.tables() for r in t.rows for c in r if c.svg)
    assert len(shapes) == len(figures) + sum(1 for f in figures if f.icon_svg) + sparklines
    descr = [s._inline.docPr.get("descr") for s in shapes]
    assert figures[0].alt in descr and figures[1].caption in descr
    sparks = [t for t in d.tables[0]._tbl.iter(qn("wp:docPr"))]
    want = [c for c in document.tables()[0].rows for c in c if c.svg]
    assert len(sparks) == len(want) and all(s.get("descr") == "trend of the last 12 points" for s in sparks)
    assert all(descr)
    # no text boxes, no floating shapes
    assert "txbxContent" not in d.element.body.xml and "wp:anchor" not in d.element.body.xml


def test_wide_table_gets_a_landscape_section(rendered):
    d = docx.Document(str(rendered[".docx"]))
    orient = [s.page_width > s.page_height for s in d.sections]
    assert orient == [False, True, False]
