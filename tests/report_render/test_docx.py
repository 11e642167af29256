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
            # a hyperlink: a footnote link
            if (hasattr(item, "runs") and not hasattr(item, "style")) or item.font.superscript:
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


def test_contents_are_written_out_and_never_ask_for_f9(document, rendered):
    """The contents list the headings already (a reader without Word sees them); Word refreshes
    the field when it opens the file; no line tells the reader to press F9 or update fields."""
    d = docx.Document(str(rendered[".docx"]))
    paras = d.paragraphs
    start = next(i for i, p in enumerate(paras) if p.style.name == "TOC Heading")
    listed = []
    for p in paras[start + 1:]:
        if not p.text:
            break
        listed.append(p.text)
    want = [b.text for b in document.blocks if isinstance(b, Heading) and b.level == 1] + ["Notes"]
    assert listed == want
    text = "\n".join(p.text for p in paras).lower()
    assert "f9" not in text and "update field" not in text and "update the field" not in text
    flag = d.settings.element.find(qn("w:updateFields"))
    assert flag is not None and flag.get(qn("w:val")) == "true"


def test_rows_never_split_and_header_rows_repeat(document, rendered):
    d = docx.Document(str(rendered[".docx"]))
    for wt in d.tables:
        for k, row in enumerate(wt.rows):
            trpr = row._tr.trPr
            assert trpr is not None
            cant = trpr.find(qn("w:cantSplit"))
            assert cant is not None and cant.get(qn("w:val")) in ("true", "1", None)
            header = trpr.find(qn("w:tblHeader"))
            assert (header is not None) == (k == 0)


def test_headings_captions_and_figures_keep_with_next(document, rendered):
    d = docx.Document(str(rendered[".docx"]))
    paras = d.paragraphs
    headings = [p for p in paras if p.style.name.startswith("Heading")]
    assert len(headings) == sum(isinstance(b, Heading) for b in document.blocks) + 1  # + Notes
    assert all(p.paragraph_format.keep_with_next for p in headings)
    captions = [p for p in paras if p.style.name == "Caption"]
    table_captions = [t.caption for t in document.tables() if t.caption]
    figures = [b for b in document.blocks if isinstance(b, Figure)]
    assert len(captions) == len(table_captions) + len(figures)
    for p in captions:
        if p.text in table_captions:  # a table's caption keeps with the table's first row
            assert p.paragraph_format.keep_with_next
            assert p._p.getnext().tag == qn("w:tbl")
    for k, p in enumerate(paras):  # a chart's paragraph keeps with its caption beneath
        if p._p.findall(".//" + qn("pic:pic")) and p.style.name != "Caption" and not p.text:
            assert p.paragraph_format.keep_with_next
            assert paras[k + 1].style.name == "Caption"
