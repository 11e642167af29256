"""render(): picks the format by suffix, refuses what it cannot write, checks footnotes."""

from __future__ import annotations

import pytest

from crimeplan.report.document import Cell, Document, Paragraph, Table
from crimeplan.report.render import render, render_all


def tiny(**kw) -> Document:
    base = dict(title="T", subtitle="", metadata=[], blocks=[Paragraph("p")], footnotes=[])
    base.update(kw)
    return Document(**base)


def test_suffix_picks_the_format(tmp_path):
    out = render_all(tiny(), tmp_path / "r")
    assert [p.name for p in out] == ["r.html", "r.pdf", "r.docx", "r.xlsx"]
    assert out[0].read_text().startswith("<!DOCTYPE html>")
    assert out[1].read_bytes().startswith(b"%PDF")
    assert out[2].read_bytes().startswith(b"PK") and out[3].read_bytes().startswith(b"PK")
    assert render(tiny(), tmp_path / "UPPER.PDF").read_bytes().startswith(b"%PDF")


def test_unknown_suffix(tmp_path):
    with pytest.raises(ValueError, match="suffix"):
        render(tiny(), tmp_path / "r.odt")


@pytest.mark.parametrize("ext", [".html", ".pdf", ".docx", ".xlsx"])
def test_a_footnote_reference_to_no_note_is_refused(tmp_path, ext):
    bad = tiny(blocks=[Table("t", ["a"], [[Cell("1", value=1.0, footnotes=[2])]])], footnotes=["only one"])
    with pytest.raises(ValueError, match="footnote 2"):
        render(bad, tmp_path / f"r{ext}")


@pytest.mark.parametrize("ext", [".html", ".pdf", ".docx", ".xlsx"])
def test_an_empty_document_renders(tmp_path, ext):
    path = render(tiny(blocks=[]), tmp_path / f"empty{ext}")
    assert path.stat().st_size > 0


def test_figure_columns_and_widths():
    from crimeplan.report.render import _common as c

    t = Table("t", ["Measure", "Last year", "This year", "Note"],
              [[Cell("All crime"), Cell("1,234", value=1234.0), Cell("0.9%"), Cell("Significantly worse")],
               [Cell("Confidence interval (±)"), Cell("-"), Cell("±1.3"), Cell("")]])
    assert c.numeric_columns(t) == [False, True, True, False]
    assert c.looks_numeric("-3.6 % pts") and c.looks_numeric("£2.1m") and not c.looks_numeric("4th")
    widths = c.column_widths(t, c.numeric_columns(t), 9.5, 480)
    assert abs(sum(widths) - 480) < 0.01
    assert widths[1] == widths[2]  # figure columns alike
    # the builder's relative widths are kept when every word fits
    t.widths = [4, 1, 1, 2]
    w = c.column_widths(t, c.numeric_columns(t), 9.5, 480)
    assert abs(w[0] / w[3] - 2) < 0.01
    # far too many columns for the page: shrunk to fit rather than overflow
    wide = Table("w", [f"Column heading {k}" for k in range(40)], [[Cell("123456789")] * 40])
    assert abs(sum(c.column_widths(wide, c.numeric_columns(wide), 8, 480)) - 480) < 0.01


def test_title_page_fields_once_and_never_blank(tmp_path):
    """A field left blank by the builder ('Author:' with nothing after it) or given twice is not
    printed: the title page is publishable as it stands."""
    import docx
    import pypdf

    doc = tiny(metadata=[("Date", "1 Dec 2026"), ("Author", ""), ("Unit", "  "), ("Date:", "1 Dec 2026"),
                         ("Owner", "The Office")])
    html = render(doc, tmp_path / "m.html").read_text()
    meta = html[html.index('<dl class="metadata">'):html.index("</dl>")]
    assert meta.count("<dt>") == 2 and "Author" not in meta and "Unit" not in meta
    words = "\n".join(p.text for p in docx.Document(str(render(doc, tmp_path / "m.docx"))).paragraphs)
    assert words.count("Date:") == 1 and "Author" not in words and "Owner:\tThe Office" in words
    text = pypdf.PdfReader(str(render(doc, tmp_path / "m.pdf"))).pages[0].extract_text()
    assert text.count("Date:") == 1 and "Author" not in text and "The Office" in text
