"""A Document as a Word file a user can edit and finish (python-docx).

Real Word structure throughout: the built-in Title, Heading 1-3, List Bullet and Caption styles (so
the navigation pane and the contents work), a TOC field for Contents that Word fills in when the
file is opened, real tables with a table style and a header row that repeats on every page,
figures as inline pictures with alternative text, the sensitivity marking in every page header
and footer with page numbers. No text boxes, no pictures of tables.
"""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path

from docx import Document as new_docx
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_ALIGN_VERTICAL, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Pt, RGBColor

from crimeplan.report.document import BulletList, Cell, Contents, Document, Figure, Heading, PageBreak, Paragraph, Table
from crimeplan.report.render import _common as c

FONT = "Arial"
A4 = (Cm(21.0), Cm(29.7))
MARGIN = Cm(2.0)
TEXT_WIDTH_PT = (21.0 - 4.0) / 2.54 * 72
TEXT_HEIGHT_PT = (29.7 - 4.0) / 2.54 * 72
CELL_MARGIN_TWIPS = 80  # 4 pt, as the PDF's cell inset
ACCENT = RGBColor.from_string(c.ACCENT)
MUTED = RGBColor.from_string(c.MUTED_TEXT)
_SETTINGS_AFTER_UPDATE_FIELDS = ("hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids",
                                 "attachedSchema", "themeFontLang", "clrSchemeMapping",
                                 "doNotIncludeSubdocsInStats", "doNotAutoCompressPictures", "forceUpgrade",
                                 "captions", "readModeInkLockDown", "smartTagType", "schemaLibrary",
                                 "shapeDefaults", "doNotEmbedSmartTags", "decimalSymbol", "listSeparator")
_XML_BAD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    """Text Word's XML can hold (control characters dropped)."""
    return _XML_BAD.sub("", str(text))


def _bookmark_name(anchor: str) -> str:
    """A Word bookmark name (letters, digits, underscores; at most 40) for an anchor."""
    name = re.sub(r"[^A-Za-z0-9_]", "_", anchor)
    if not name[:1].isalpha():
        name = "B_" + name
    if len(name) > 40:  # keep long names apart: a short hash of the whole anchor
        name = name[:33] + "_" + hashlib.sha1(anchor.encode()).hexdigest()[:6]
    return name


class _Writer:
    def __init__(self, document: Document) -> None:
        self.src = document
        self.doc = new_docx()
        self.bookmark_id = 0
        self.fresh_page = True  # nothing written since the last page break
        self.anchors = c.anchors(document)

    # -- set-up ----------------------------------------------------------------------------------
    def styles(self) -> None:
        st = self.doc.styles
        normal = st["Normal"]
        normal.font.name = FONT
        normal.font.size = Pt(11)
        rpr = normal.element.get_or_add_rPr()
        fonts = rpr.get_or_add_rFonts()
        for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(attr), FONT)
        lang = OxmlElement("w:lang")
        lang.set(qn("w:val"), "en-GB")
        rpr.append(lang)
        normal.paragraph_format.space_after = Pt(6)
        normal.paragraph_format.line_spacing = 1.15
        for name, size in (("Title", 26), ("Subtitle", 16), ("Heading 1", 17), ("Heading 2", 13.5),
                           ("Heading 3", 12), ("TOC Heading", 17)):
            s = st[name]
            s.font.name = FONT
            s.font.size = Pt(size)
            s.font.color.rgb = ACCENT
            r = s.element.get_or_add_rPr().find(qn("w:rFonts"))
            if r is not None:
                for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
                    r.attrib.pop(qn(attr), None)
        for name in ("Header", "Footer"):  # the template's stops are for US Letter; each footer sets its own
            st[name].paragraph_format.tab_stops.clear_all()
        st["Subtitle"].font.italic = False
        st["Caption"].font.size = Pt(9)
        st["Caption"].font.italic = False
        st["Caption"].font.color.rgb = RGBColor(0x20, 0x20, 0x20)

    def page_setup(self, section) -> None:
        section.page_width, section.page_height = A4
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, MARGIN)
        section.header_distance = Cm(1.0)
        section.footer_distance = Cm(1.0)

    def header_footer(self, section, width_pt: float = TEXT_WIDTH_PT) -> None:
        """The sensitivity marking at the top and bottom of every page, and page numbers."""
        marking = _clean(self.src.sensitivity)
        section.header.is_linked_to_previous = False
        section.footer.is_linked_to_previous = False
        for part in (section.header, section.footer):
            for p in part.paragraphs[1:]:
                p._p.getparent().remove(p._p)
            part.paragraphs[0]._p.clear_content()
        hp = section.header.paragraphs[0]
        hp.alignment = WD_ALIGN_PARAGRAPH.CENTER
        r = hp.add_run(marking)
        r.bold = True
        r.font.size = Pt(9)
        fp = section.footer.paragraphs[0]
        tabs = fp.paragraph_format.tab_stops
        tabs.clear_all()
        tabs.add_tab_stop(Emu(Pt(width_pt) // 2), WD_TAB_ALIGNMENT.CENTER)
        tabs.add_tab_stop(Pt(width_pt), WD_TAB_ALIGNMENT.RIGHT)
        short = self.src.footer_text()
        r = fp.add_run(_clean(short if len(short) <= 50 else short[:49] + "…"))
        r.font.size = Pt(8)
        r.font.color.rgb = MUTED
        fp.add_run("\t")
        r = fp.add_run(marking)
        r.bold = True
        r.font.size = Pt(9)
        fp.add_run("\t")
        for part in ("Page ", ("PAGE", "1"), " of ", ("NUMPAGES", "1")):
            if isinstance(part, str):
                run = fp.add_run(part)
                run.font.size = Pt(8.5)
            else:
                self.field(fp, part[0], part[1], size=8.5)

    def field(self, paragraph, instruction: str, shown: str, size: float | None = None) -> None:
        """A simple Word field (PAGE, NUMPAGES) with the text shown until Word updates it."""
        def run_with(el):
            r = paragraph.add_run()
            if size:
                r.font.size = Pt(size)
            r._r.append(el)
            return r

        begin = OxmlElement("w:fldChar")
        begin.set(qn("w:fldCharType"), "begin")
        run_with(begin)
        instr = OxmlElement("w:instrText")
        instr.set(qn("xml:space"), "preserve")
        instr.text = f" {instruction} "
        run_with(instr)
        sep = OxmlElement("w:fldChar")
        sep.set(qn("w:fldCharType"), "separate")
        run_with(sep)
        r = paragraph.add_run(shown)
        if size:
            r.font.size = Pt(size)
        end = OxmlElement("w:fldChar")
        end.set(qn("w:fldCharType"), "end")
        run_with(end)

    def update_fields_on_open(self) -> None:
        settings = self.doc.settings.element
        el = settings.find(qn("w:updateFields"))
        if el is None:
            el = OxmlElement("w:updateFields")
            later = [settings.find(qn(f"w:{t}")) for t in _SETTINGS_AFTER_UPDATE_FIELDS]
            later = [x for x in later if x is not None]
            if later:  # Word wants the settings in schema order
                min(later, key=lambda x: list(settings).index(x)).addprevious(el)
            else:
                settings.append(el)
        el.set(qn("w:val"), "true")

    # -- helpers ---------------------------------------------------------------------------------
    def bookmark(self, paragraph, name: str) -> None:
        self.bookmark_id += 1
        start = OxmlElement("w:bookmarkStart")
        start.set(qn("w:id"), str(self.bookmark_id))
        start.set(qn("w:name"), name)
        end = OxmlElement("w:bookmarkEnd")
        end.set(qn("w:id"), str(self.bookmark_id))
        p = paragraph._p
        ppr = p.find(qn("w:pPr"))
        if ppr is not None:
            ppr.addnext(start)
        else:
            p.insert(0, start)
        p.append(end)

    def link(self, paragraph, text: str, anchor: str, superscript: bool = False, size: float | None = None):
        """An internal hyperlink to a bookmark."""
        h = OxmlElement("w:hyperlink")
        h.set(qn("w:anchor"), anchor)
        h.set(qn("w:history"), "1")
        r = OxmlElement("w:r")
        rpr = OxmlElement("w:rPr")
        colour = OxmlElement("w:color")
        colour.set(qn("w:val"), c.ACCENT)
        rpr.append(colour)
        if size:  # schema order: color, sz, vertAlign
            sz = OxmlElement("w:sz")
            sz.set(qn("w:val"), str(int(size * 2)))
            rpr.append(sz)
        if superscript:
            va = OxmlElement("w:vertAlign")
            va.set(qn("w:val"), "superscript")
            rpr.append(va)
        r.append(rpr)
        t = OxmlElement("w:t")
        t.set(qn("xml:space"), "preserve")
        t.text = text
        r.append(t)
        h.append(r)
        paragraph._p.append(h)

    def refs(self, paragraph, numbers: list[int], size: float | None = None) -> None:
        """Footnote numbers as superscripts linking to the notes at the end: 1,3."""
        for k, n in enumerate(numbers):
            if k:
                r = paragraph.add_run(",")
                r.font.superscript = True
                if size:
                    r.font.size = Pt(size)
            self.link(paragraph, str(n), f"cp_note_{n}", superscript=True, size=size)

    def page_break(self) -> None:
        if self.fresh_page:
            return
        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        self.fresh_page = True

    def wrote(self) -> None:
        self.fresh_page = False

    # -- blocks ----------------------------------------------------------------------------------
    def title_page(self) -> None:
        d = self.src
        self.doc.add_paragraph(_clean(d.title), style="Title")
        if d.subtitle:
            self.doc.add_paragraph(_clean(d.subtitle), style="Subtitle")
        for label, value in c.metadata(d):
            p = self.doc.add_paragraph()
            p.paragraph_format.tab_stops.add_tab_stop(Cm(5))
            p.paragraph_format.space_after = Pt(3)
            p.add_run(_clean(label.rstrip(":") + ":")).bold = True
            p.add_run("\t" + _clean(value))
        self.wrote()
        self.page_break()

    def heading(self, b: Heading, anchor: str) -> None:
        p = self.doc.add_heading(_clean(b.text), level=min(max(b.level, 1), 9))
        p.paragraph_format.keep_with_next = True
        self.bookmark(p, _bookmark_name(anchor))
        self.wrote()

    def paragraph(self, b: Paragraph) -> None:
        p = self.doc.add_paragraph()
        r = p.add_run(_clean(b.text))
        size = None
        if b.style == "lead":
            size = 13
        elif b.style in ("small", "note"):
            size = 9
        if size:
            r.font.size = Pt(size)
        if b.style == "note":
            r.font.color.rgb = MUTED
        self.refs(p, b.footnotes, size=size)
        self.wrote()

    def bullets(self, b: BulletList) -> None:
        if b.title:
            p = self.doc.add_paragraph()
            p.add_run(_clean(b.title)).bold = True
            p.paragraph_format.keep_with_next = True
            p.paragraph_format.space_after = Pt(3)
        for text, refs in b.items:
            p = self.doc.add_paragraph(_clean(text), style="List Bullet")
            self.refs(p, refs)
        self.wrote()

    def contents(self, b: Contents) -> None:
        doc = self.doc
        doc.add_paragraph(_clean(b.title), style="TOC Heading")
        entries = c.contents_entries(self.src)
        if self.src.footnotes:
            entries.append(("Notes", "cp-notes"))
        paras = [doc.add_paragraph() for _ in range(max(len(entries), 1))]
        first, last = paras[0], paras[-1]
        # the field's begin and instruction open the first paragraph, its end closes the last
        begin = OxmlElement("w:fldChar")
        begin.set(qn("w:fldCharType"), "begin")
        begin.set(qn("w:dirty"), "true")
        first.add_run()._r.append(begin)
        instr = OxmlElement("w:instrText")
        instr.set(qn("xml:space"), "preserve")
        instr.text = ' TOC \\o "1-1" \\h \\z \\u '
        first.add_run()._r.append(instr)
        sep = OxmlElement("w:fldChar")
        sep.set(qn("w:fldCharType"), "separate")
        first.add_run()._r.append(sep)
        for p, (text, anchor) in zip(paras, entries):  # shown until Word updates the field
            p.paragraph_format.tab_stops.add_tab_stop(Pt(TEXT_WIDTH_PT), WD_TAB_ALIGNMENT.RIGHT)
            self.link(p, _clean(text), _bookmark_name(anchor))
        end = OxmlElement("w:fldChar")
        end.set(qn("w:fldCharType"), "end")
        last.add_run()._r.append(end)
        self.update_fields_on_open()
        self.wrote()

    def table(self, t: Table, landscape: bool) -> None:
        doc = self.doc
        numeric = c.numeric_columns(t)
        n = len(t.header)
        size = c.table_font_size(n, landscape)
        available = (TEXT_HEIGHT_PT if landscape else TEXT_WIDTH_PT) - 2
        widths = [Pt(w) for w in c.column_widths(t, numeric, size, available, char_em=0.62)]
        if t.caption:
            p = doc.add_paragraph(_clean(t.caption), style="Caption")
            p.runs[0].bold = True
            p.paragraph_format.keep_with_next = True
        table = doc.add_table(rows=1, cols=n)
        table.style = doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        table.autofit = False
        _cell_margins(table, CELL_MARGIN_TWIPS)
        head = table.rows[0]
        _row_properties(head, header=True)
        for j, (cell, text) in enumerate(zip(head.cells, t.header)):
            cell.width = widths[j]
            _shade(cell, c.HEADER_FILL)
            cell.vertical_alignment = WD_ALIGN_VERTICAL.BOTTOM  # after the shading: schema order
            p = cell.paragraphs[0]
            _compact(p)
            if numeric[j]:
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            r = p.add_run(_clean(text))
            r.bold = True
            r.font.size = Pt(size)
        for row in t.rows:
            wrow = table.add_row()
            _row_properties(wrow, header=False)
            cells = wrow.cells
            for j, (cell, src) in enumerate(zip(cells, row)):
                cell.width = widths[j]
                self.cell(cell, src, numeric[j], size)
        # Word reads column widths from the grid too
        grid = table._tbl.tblGrid
        for j, col in enumerate(grid.findall(qn("w:gridCol"))):
            col.set(qn("w:w"), str(int(widths[j].pt * 20)))
        self.wrote()
        for fill, text in c.legend_lines(t):  # the key to the colours, under the table
            p = doc.add_paragraph()
            _compact(p)
            if fill:
                _shade_run(p.add_run("\u2003\u2003"), fill)
                p.add_run(" ")
            p.add_run(_clean(text)).font.size = Pt(8.5)
        doc.add_paragraph().paragraph_format.space_after = Pt(2)

    def cell(self, cell, src: Cell, numeric: bool, size: float) -> None:
        p = cell.paragraphs[0]
        _compact(p)
        if c.is_number_cell(src, numeric):
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        png = c.cell_png(src)
        if png:  # a sparkline: an inline picture one line high, with its own wording as alt text
            shape = p.add_run().add_picture(io.BytesIO(png), height=Pt(c.CELL_IMAGE_HEIGHT_PT))
            shape._inline.docPr.set("descr", _clean(c.icon_alt(src.svg or "", "Small chart")))
            if src.text or src.footnotes:  # the text in a paragraph of its own below
                p = cell.add_paragraph()
                _compact(p)
                p.alignment = cell.paragraphs[0].alignment
        lines = _clean(src.text).split("\n") if src.text else []
        for k, line in enumerate(lines):
            r = p.add_run(line)
            r.font.size = Pt(size)
            if k < len(lines) - 1:
                r.add_break()
            if src.style == "strong":
                r.bold = True
            elif src.style == "muted":
                r.font.color.rgb = MUTED
        self.refs(p, src.footnotes, size=size)
        if src.style == "better":
            _shade(cell, c.BETTER_FILL)
        elif src.style == "worse":
            _shade(cell, c.WORSE_FILL)

    def figure(self, f: Figure) -> None:
        doc = self.doc
        png = c.figure_png(f)
        size = c.svg_size(f.svg)
        width_pt = min(size[0], TEXT_WIDTH_PT) if size else TEXT_WIDTH_PT  # 1 SVG px = 1 pt, as in the PDF
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.keep_with_next = True
        shape = p.add_run().add_picture(io.BytesIO(png), width=Pt(width_pt))
        shape._inline.docPr.set("descr", _clean(c.alt_text(f)))
        shape._inline.docPr.set("title", _clean(f.caption)[:250])
        cap = doc.add_paragraph(style="Caption")
        icon = c.icon_png(f)
        if icon:
            ishape = cap.add_run().add_picture(io.BytesIO(icon), width=Cm(0.8))
            ishape._inline.docPr.set("descr", _clean(c.icon_alt(f.icon_svg or "")))
            cap.add_run(" ")
        cap.add_run(_clean(f.caption))
        self.wrote()

    def notes(self) -> None:
        d = self.src
        p = self.doc.add_heading("Notes", level=1)
        p.paragraph_format.keep_with_next = True
        self.bookmark(p, "cp_notes")
        for n, text in enumerate(d.footnotes, 1):
            p = self.doc.add_paragraph()
            p.paragraph_format.left_indent = Cm(0.8)
            p.paragraph_format.first_line_indent = Cm(-0.8)
            p.paragraph_format.tab_stops.add_tab_stop(Cm(0.8))
            p.paragraph_format.space_after = Pt(4)
            r = p.add_run(f"{n}.\t{_clean(text)}")
            r.font.size = Pt(9)
            self.bookmark(p, f"cp_note_{n}")

    def landscape(self, on: bool) -> None:
        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        self.page_setup(section)
        if on:
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_width, section.page_height = A4[1], A4[0]
        else:
            section.orientation = WD_ORIENT.PORTRAIT
        self.header_footer(section, TEXT_HEIGHT_PT if on else TEXT_WIDTH_PT)
        self.fresh_page = True

    # -- the whole -------------------------------------------------------------------------------
    def write(self) -> None:
        c.check(self.src)
        doc = self.doc
        self.styles()
        self.page_setup(doc.sections[0])
        self.header_footer(doc.sections[0])
        cp = doc.core_properties
        cp.title = _clean(self.src.title)[:255]
        cp.subject = _clean(self.src.subtitle)[:255]
        cp.author = next((_clean(v) for k, v in self.src.metadata
                          if k.strip().rstrip(":").lower() == "author"), "crimeplan")
        cp.keywords = _clean(self.src.sensitivity)
        cp.language = "en-GB"
        if self.src.lineage:  # where the figures come from: snapshot, plan hash, month
            cp.comments = _clean(self.src.lineage_text())
        self.title_page()
        blocks = self.src.blocks
        pending: list[tuple[int, Heading]] = []
        for i, b in enumerate(blocks):
            if isinstance(b, Heading):
                pending.append((i, b))
                continue
            wide = isinstance(b, Table) and c.landscape(b)
            if wide:
                self.landscape(True)
            for k, h in pending:
                self.heading(h, self.anchors[k])
            pending = []
            if isinstance(b, Paragraph):
                self.paragraph(b)
            elif isinstance(b, BulletList):
                self.bullets(b)
            elif isinstance(b, Table):
                self.table(b, wide)
                if wide:
                    self.landscape(False)
            elif isinstance(b, Figure):
                self.figure(b)
            elif isinstance(b, PageBreak):
                self.page_break()
            elif isinstance(b, Contents):
                self.contents(b)
            else:  # pragma: no cover
                raise TypeError(f"unknown block {type(b).__name__}")
        for k, h in pending:
            self.heading(h, self.anchors[k])
        if self.src.footnotes:
            self.notes()
        if self.src.attribution:
            p = doc.add_paragraph()
            p.paragraph_format.space_before = Pt(12)
            r = p.add_run(_clean(self.src.attribution))
            r.font.size = Pt(9)
            r.font.color.rgb = MUTED


def _cell_margins(table, twips: int) -> None:
    """Narrow left and right cell margins (Word's default 0.19 cm squeezes figure columns)."""
    tblpr = table._tbl.tblPr
    mar = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(twips))
        el.set(qn("w:type"), "dxa")
        mar.append(el)
    look = tblpr.find(qn("w:tblLook"))
    if look is not None:  # schema order: ... tblLayout, tblCellMar, tblLook
        look.addprevious(mar)
    else:
        tblpr.append(mar)


def _row_properties(row, header: bool) -> None:
    """A row never split across pages (cantSplit); the header row repeats on each page (tblHeader)."""
    trpr = row._tr.get_or_add_trPr()
    for tag in ("w:cantSplit", "w:tblHeader") if header else ("w:cantSplit",):  # schema order
        el = trpr.find(qn(tag))
        if el is None:
            el = OxmlElement(tag)
            trpr.append(el)
        el.set(qn("w:val"), "true")


def _shade(cell, fill: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tcpr.append(shd)


def _shade_run(run, fill: str) -> None:
    """A run with a background fill: a legend's colour swatch."""
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    run._r.get_or_add_rPr().append(shd)


def _compact(p) -> None:
    p.paragraph_format.space_after = Pt(0)
    p.paragraph_format.space_before = Pt(0)
    p.paragraph_format.line_spacing = 1.0


def docx_document(document: Document):
    """The python-docx Document for a report (not yet saved)."""
    w = _Writer(document)
    w.write()
    return w.doc


def write_docx(document: Document, path: Path) -> Path:
    """Write the document as a .docx file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    docx_document(document).save(str(path))
    return path
