"""PDF: typeset with Typst; figures read back equal the Cells; pages render and are not blank."""

from __future__ import annotations

import re

import pypdf
import pytest

from crimeplan.report.document import BulletList, Cell, Contents, Document, Figure, Heading, Paragraph, Table
from crimeplan.report.render import render
from crimeplan.report.render.pdf import string, typst_source

from .pdfcheck import ink, pages_as_png, png_pixels, squash
from .sample import NASTY


@pytest.fixture(scope="module")
def pdf(rendered):
    reader = pypdf.PdfReader(str(rendered[".pdf"]))
    texts = [p.extract_text() for p in reader.pages]
    return reader, texts


def _find_words(whole: str, text: str, at: int) -> int:
    """Where text's last word ends, its words found in order from at (-1 if one is missing).

    A long cell may be split across a page break, with the header row repeated and the other
    cells' ends in between: its words still come in order."""
    for word in text.split():
        found = whole.find(squash(word), at)
        if found < 0:
            return -1
        at = found + len(squash(word))
    return at


def test_every_table_cell_reads_back_in_order(document, pdf):
    """Each cell's text (with its footnote numbers) appears, row after row, in the PDF text."""
    _, texts = pdf
    whole = squash("".join(texts))
    at = 0
    for t in document.tables():
        for h in t.header:
            assert squash(h) in whole
        for row in t.rows:
            row_at = None
            for cell in row:
                token = squash(cell.text) + ",".join(map(str, cell.footnotes))
                if not token:
                    continue
                start = at if row_at is None else row_at
                if len(cell.text) <= 80:  # figures and short texts: exactly, in one piece
                    found = whole.find(token, start)
                    end = found + len(token)
                else:
                    found = end = _find_words(whole, cell.text, start)
                assert found >= 0, f"{t.name}: {cell.text!r} not found after position {start}"
                if row_at is None:
                    row_at = found
                    at = end
            # a row of short cells is typeset on one line: its cells read back side by side
            if all(len(c.text) <= 25 for c in row):
                joined = "".join(squash(c.text) + ",".join(map(str, c.footnotes)) for c in row)
                assert joined in whole, joined


def test_long_table_header_repeats_on_every_page(document, pdf):
    _, texts = pdf
    pages = [t for t in texts if "Rate per 1,000" in t]
    assert len(pages) >= 3  # 300 rows: the header repeats on each page the table runs onto
    for t in pages:
        assert re.search(r"Month\s*District\s*Crimes\s*Rate per 1,000", t)


def test_pages_marking_numbers_and_size(document, pdf):
    reader, texts = pdf
    n = len(texts)
    for i, (page, text) in enumerate(zip(reader.pages, texts), 1):
        assert text.count(document.sensitivity) >= 2, f"page {i}: the marking is in the header and footer"
        assert f"Page {i} of {n}" in text
        w, h = sorted((float(page.mediabox.width), float(page.mediabox.height)))
        assert (round(w), round(h)) == (595, 842)  # A4 (portrait, or a landscape page for a wide table)
    assert texts[0].count(document.title.split()[0]) >= 1
    for label, value in document.metadata:
        assert f"{label}:" in texts[0] and value in texts[0]


def test_contents_outline_and_bookmarks(document, pdf):
    reader, texts = pdf
    level1 = [b.text for b in document.blocks if isinstance(b, Heading) and b.level == 1]
    top = [o["/Title"] for o in reader.outline if not isinstance(o, list)]
    assert top == [*level1, "Notes"]
    # the contents page gives each level-1 heading with the page it starts on
    contents = next(i for i, t in enumerate(texts) if "Contents" in t)
    for o in reader.outline:
        if isinstance(o, list):
            continue
        page = reader.get_destination_page_number(o) + 1
        entry = squash(o["/Title"])
        flat = squash(texts[contents])
        assert re.search(re.escape(entry) + r"\.*" + str(page) + r"(?!\d)", flat), (o["/Title"], page)
        assert squash(o["/Title"]) in squash(texts[page - 1])


def test_fonts_embedded_and_standards(pdf):
    reader, _ = pdf
    fonts = {}
    for page in reader.pages:
        for f in (page["/Resources"].get("/Font") or {}).values():
            f = f.get_object()
            fonts[f["/BaseFont"]] = f
    assert fonts
    for name, f in fonts.items():
        desc = (f["/DescendantFonts"][0].get_object()["/FontDescriptor"] if "/DescendantFonts" in f
                else f["/FontDescriptor"])
        assert any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")), name
    meta = reader.xmp_metadata
    raw = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8", "replace")
    assert meta is not None and "pdfuaid" in raw and "pdfaid" in raw  # PDF/UA-1 and PDF/A-2a
    assert reader.trailer["/Root"].get("/MarkInfo", {}).get("/Marked")  # tagged


def test_figures_are_vector(pdf):
    reader, texts = pdf
    # the sample SVG's caption text is typeset as text, not a picture of text
    assert any("Q1 2019/20 to Q1 2023/24" in t for t in texts)
    for page in reader.pages:
        xobjects = page["/Resources"].get("/XObject") or {}
        for x in xobjects.values():
            assert x.get_object().get("/Subtype") != "/Image"


def test_notes_numbered_at_the_end(document, pdf):
    _, texts = pdf
    last = squash(texts[-1])
    for n, note in enumerate(document.footnotes, 1):
        assert f"{n}." + squash(note) in last


def test_pages_are_not_blank(rendered, tmp_path):
    pngs = pages_as_png(rendered[".pdf"], tmp_path)
    assert len(pngs) == len(pypdf.PdfReader(str(rendered[".pdf"])).pages)
    for png in pngs:
        _w, _h, bpp, rows = png_pixels(png.read_bytes())
        assert ink(rows, bpp, 0.1, 0.9) > 50, f"{png.name} has nothing between its header and footer"


NASTIES = ["#", "$", "*", "_", "@", "<", ">", "[", "]", "\\", "`", "~", '"', "'", "=", "-", "+", "/",
           "//", "/*", "*/", "#{", "}", "{", "$x$", "#let x = 1", "<label>", "@ref", "```", "\\n", "a\\", '\\"',
           "& &amp; <b>", "≥ ≤ £ € ½", "line one\nline two", "tab\there"]


def test_typst_escaping_of_every_special_character(tmp_path):
    """Each character Typst reads as syntax, alone and in company, prints as itself."""
    for s in NASTIES:
        src = string(s)
        assert src.startswith('"') and src.endswith('"')
    doc = Document(
        title="Title " + NASTY, subtitle="Sub ]" + "\\",
        metadata=[("Label [x]", "value *y* $z$")],
        blocks=[Contents(), Heading("Heading #1 <x> @y", 1, anchor="a b#c"),
                *[Paragraph(f"P{k}: {s}") for k, s in enumerate(NASTIES)],
                BulletList([(s, []) for s in NASTIES], title="Bullets *"),
                Table("T", ["h#", "h$"], [[Cell(s), Cell(s + "1", value=1.0)] for s in NASTIES], caption="c]")],
        footnotes=["note " + NASTY], sensitivity="OFFICIAL-SENSITIVE [x]", attribution="by #me")
    doc.blocks.append(Paragraph("ref", footnotes=[1]))
    path = render(doc, tmp_path / "nasty.pdf")
    text = "".join(p.extract_text() for p in pypdf.PdfReader(str(path)).pages)
    flat = squash(text)
    for k, s in enumerate(NASTIES):
        assert squash(f"P{k}: {s}") in flat, s
    for s in (NASTY, "Sub ]\\", "Label [x]:", "value *y* $z$", "Heading #1 <x> @y", "OFFICIAL-SENSITIVE [x]",
              "by #me", "note " + NASTY, "Bullets *", "c]"):
        assert squash(s) in flat, s


def test_typst_source_never_puts_text_in_markup(document, tmp_path):
    src = typst_source(document, tmp_path)
    # the nasty string appears only inside string literals, escaped
    assert NASTY not in src
    assert string(NASTY) in src
    assert (tmp_path / "figure-1.svg").read_text() == document.blocks[
        next(i for i, b in enumerate(document.blocks) if type(b).__name__ == "Figure")].svg


def _pages_with(texts: list[str], token: str) -> list[int]:
    return [i for i, t in enumerate(texts) if token in squash(t)]


@pytest.mark.parametrize("follower", ["paragraph", "table", "figure", "lead-in and table"])
def test_a_heading_never_ends_a_page(tmp_path, follower):
    """Filler of growing length pushes each heading down the page in turn: whatever follows it
    (a paragraph, a captioned table, a chart and its caption, a one-line lead-in such as "Data to
    Feb 2019" and the table it introduces) starts on the heading's page."""
    from .sample import SVG, num

    def after(k: int):
        if follower == "paragraph":
            return [Paragraph(f"Followerq{k}x " + "words " * 60)]
        if follower == "table":
            return [Table("t", ["Measure", "A"], [[Cell(f"Followerq{k}x"), num(1)]] * 3, caption=f"Captionq{k}x")]
        if follower == "lead-in and table":
            return [Paragraph(f"Leadq{k}x data to Feb 2019"),
                    Table("t", ["Measure", "A"], [[Cell(f"Followerq{k}x"), num(1)]] * 3)]
        return [Figure(SVG, None, f"Followerq{k}x caption")]

    blocks = []
    for k in range(24):
        blocks += [Paragraph("filler " * (7 + 17 * k)), Heading(f"Headingq{k}x", 1), *after(k)]
    path = render(Document("T", "S", [], blocks, []), tmp_path / "headings.pdf")
    texts = [p.extract_text() for p in pypdf.PdfReader(str(path)).pages]
    assert len(texts) >= 6  # every position on the page is tried
    for k in range(24):
        heading = _pages_with(texts, f"Headingq{k}x")
        first = _pages_with(texts, f"Captionq{k}x" if follower == "table" else f"Followerq{k}x")
        assert heading and first and heading[0] == first[0], (k, heading, first)
        if follower == "lead-in and table":
            assert _pages_with(texts, f"Leadq{k}x")[0] == heading[0], k


def test_a_table_row_never_splits_across_pages(tmp_path):
    """A tall row (long commentary) near the foot of a page moves whole to the next page."""
    long = " ".join(f"w{i}" for i in range(400))
    blocks = []
    for k in range(16):
        blocks += [Paragraph("filler " * (20 + 23 * k)),
                   Table("c", ["We will", "Commentary"], [[Cell(f"Rowq{k}x"), Cell(f"Startq{k}x {long} Endq{k}x")]])]
    path = render(Document("T", "S", [], blocks, []), tmp_path / "rows.pdf")
    texts = [p.extract_text() for p in pypdf.PdfReader(str(path)).pages]
    for k in range(16):
        start, end = _pages_with(texts, f"Startq{k}x"), _pages_with(texts, f"Endq{k}x")
        assert start == end and len(start) == 1, (k, start, end)


def test_a_row_taller_than_a_page_still_breaks(tmp_path):
    """Kept whole, a row longer than a page would run off its foot: such a row may break."""
    long = " ".join(f"w{i}" for i in range(3000))
    table = Table("c", ["We will", "Commentary"], [[Cell("Row"), Cell(f"Startq {long} Endq")]])
    path = render(Document("T", "S", [], [Paragraph("x"), table], []), tmp_path / "tall.pdf")
    texts = [p.extract_text() for p in pypdf.PdfReader(str(path)).pages]
    assert len(texts) >= 4 and _pages_with(texts, "Startq") < _pages_with(texts, "Endq")
    assert all(f"w{i}" in squash("".join(texts)) for i in (0, 1500, 2999))
