"""A Document as an A4 PDF, typeset with Typst (the `typst` package): vector charts, embedded fonts.

The renderer writes Typst source into a temporary folder, with each figure's SVG beside it, and
compiles it with Typst's own bundled fonts only (no system fonts, no network, so the PDF looks the
same on every machine). Every piece of text from the document goes into the source as a Typst
*string literal* (`#"..."`), never as markup, so no character in a title, cell or note (`#`, `$`,
`*`, `_`, `@`, `<`, `>`, `[`, `]`, `\\`, `` ` ``, `~`, `=`, `/`, ...) can be read as Typst syntax.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from crimeplan.report.document import BulletList, Cell, Contents, Document, Figure, Heading, PageBreak, Paragraph, Table
from crimeplan.report.render import _common as c

if TYPE_CHECKING:  # the name exists only in typst's stubs
    from typst import PDFStandard

TEXT_WIDTH_PT = 595.28 - 2 * 56.69  # A4 less 20 mm margins
TEXT_HEIGHT_PT = 841.89 - 2 * 56.69  # the text width of a landscape page
FONT = "Libertinus Serif"  # bundled with Typst

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def string(text: str) -> str:
    """A Typst string literal holding text exactly (code mode: `"..."`)."""
    text = _CONTROL.sub("", str(text)).replace("\r\n", "\n").replace("\r", "\n")
    return '"' + (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
                  .replace("\t", "\\t")) + '"'


def lit(text: str) -> str:
    """Text placed in markup as a string literal: `#"..."` shows every character as itself."""
    return "#" + string(text)


def refs(numbers: list[int]) -> str:
    """Footnote numbers as one superscript of links to the notes at the end."""
    if not numbers:
        return ""
    links = "#\",\"".join(f"#link(<cp-note-{n}>)[{n}]" for n in numbers)
    # a narrow no-break space (superscript size) keeps '14.2' and '1' apart in extracted text
    return f"#super[#\"\\u{{202f}}\"{links}]"


PREAMBLE = """\
#let accent = rgb("#{accent}")
#let better = rgb("#{better}")
#let worse = rgb("#{worse}")
#let headfill = rgb("#{header}")
#let muted = rgb("#{muted}")
#let marking = {marking}
#set document(title: {doc_title}{author}{keywords}, date: auto)
#set text(font: "{font}", size: 10.5pt, lang: "en", region: "gb", hyphenate: false)
#set par(justify: false, leading: 0.62em, spacing: 1.05em)
#set page(
  paper: "a4",
  margin: (x: 20mm, top: 24mm, bottom: 22mm),
  header: align(center, text(size: 9pt, weight: "bold", tracking: 0.06em, marking)),
  footer: context grid(
    columns: (1fr, auto, 1fr),
    align: (left + bottom, center + bottom, right + bottom),
    text(size: 8pt, fill: muted, {short_title}),
    text(size: 9pt, weight: "bold", tracking: 0.06em, marking),
    text(size: 8.5pt)[Page #counter(page).display() of #counter(page).final().first()],
  ),
)
#set heading(numbering: none)
#show heading: set block(sticky: true, breakable: false)
#show figure: set block(breakable: false)
#show heading: set text(fill: accent)
#show heading.where(level: 1): set text(size: 17pt)
#show heading.where(level: 1): set block(above: 1.6em, below: 0.9em)
#show heading.where(level: 2): set text(size: 13.5pt)
#show heading.where(level: 2): set block(above: 1.4em, below: 0.7em)
#show heading.where(level: 3): set text(size: 11.5pt)
#show outline.entry.where(level: 1): set block(above: 0.85em)
#show link: set text(fill: accent)
#set list(indent: 0.4em, body-indent: 0.6em, spacing: 0.75em)
#set table(stroke: 0.5pt + rgb("#9aa5b1"), inset: (x: 4pt, y: 3.2pt))
#set table.cell(breakable: false)
#show table: set text(number-width: "tabular")
"""


def _title_page(document: Document) -> list[str]:
    out = ["#v(28mm)",
           f"#block(below: 5mm, text(size: 26pt, weight: \"bold\", fill: accent, {string(document.title)}))"]
    if document.subtitle:
        out.append(f"#block(below: 12mm, text(size: 16pt, {string(document.subtitle)}))")
    fields = c.metadata(document)
    if fields:
        cells = ", ".join(f"strong({string(k + ':')}), {string(v)}" for k, v in fields)
        out.append(f"#grid(columns: (auto, 1fr), column-gutter: 8mm, row-gutter: 3.2mm, {cells})")
    out.append("#pagebreak(weak: true)")
    return out


def _row_height(row: list[Cell], widths: list[float], size: float) -> float:
    """A generous estimate of a row's height in pt, from its texts' lengths and column widths."""
    lines = 1
    for cell, width in zip(row, widths):
        per_line = max((width - 8) / (0.5 * size), 1)
        lines = max(lines, sum(-(-max(len(part), 1) // int(per_line)) for part in cell.text.split("\n")))
    return lines * size * 1.25 + 6.4


def _cell(cell: Cell, numeric: bool, pictures: list[tuple[str, str]], prefix: str,
          breakable: bool = False) -> str:
    body = lit(cell.text) + refs(cell.footnotes) if cell.text or cell.footnotes else ""
    if cell.svg:  # a sparkline: its SVG beside the .typ file, one line high
        name = f"{prefix}cell-{len(pictures) + 1}.svg"
        pictures.append((name, cell.svg))
        alt = c.icon_alt(cell.svg, "Small chart")
        body = (f"#box(baseline: 20%, image({string(name)}, height: {c.CELL_IMAGE_HEIGHT_PT}pt, "
                f"alt: {string(alt)}))" + ("#h(0.3em)" if body else "") + body)
    args = ["breakable: true"] if breakable else []
    if cell.style == "better":
        args.append("fill: better")
    elif cell.style == "worse":
        args.append("fill: worse")
    if c.is_number_cell(cell, numeric):
        args.append("align: right")
    if cell.style == "strong":
        body = f"#strong[{body}]"
    elif cell.style == "muted":
        body = f"#text(fill: muted)[{body}]"
    return f"table.cell({', '.join(args)})[{body}]" if args else f"[{body}]"


def _table(t: Table, folder: Path, index: int, before: list[str] | None = None) -> list[str]:
    """A table; a very wide one gets a landscape page, with the headings before it (before)."""
    numeric = c.numeric_columns(t)
    n = len(t.header)
    landscape = c.landscape(t)
    available = (TEXT_HEIGHT_PT if landscape else TEXT_WIDTH_PT) - 1
    size = c.table_font_size(n, landscape)
    widths = c.column_widths(t, numeric, size, available)
    cols = ", ".join(f"{w / available:.4f}fr" for w in widths)
    aligns = ", ".join("right" if x else "left" for x in numeric)
    header = ", ".join(f"table.cell(fill: headfill, align: {'right' if numeric[j] else 'left'} + bottom)"
                       f"[#strong({string(h)})]" for j, h in enumerate(t.header))
    body: list[str] = []
    pictures: list[tuple[str, str]] = []
    page = (TEXT_WIDTH_PT if landscape else TEXT_HEIGHT_PT) - 80
    for row in t.rows:
        tall = _row_height(row, widths, size) > 0.6 * page  # kept whole unless it would not fit a page
        body.append("  " + ", ".join(_cell(cell, numeric[j], pictures, f"table-{index}-", tall)
                                     for j, cell in enumerate(row)) + ",")
    for name, svg in pictures:
        (folder / name).write_text(svg, encoding="utf-8")
    out = []
    if t.caption:
        out.append(f"#block(sticky: true, above: 1.2em, below: 0.55em, text(weight: \"bold\", {string(t.caption)}))")
    out.append(f"#block(above: 0.6em, below: 1.2em, text(size: {size}pt, table(")
    out.append(f"  columns: ({cols},),")
    out.append(f"  align: ({aligns},),")
    out.append(f"  table.header(repeat: true, {header}),")
    out.extend(body)
    out.append(")))")
    for fill, text in c.legend_lines(t):  # the key to the colours, under the table
        swatch = (f'#box(width: 1.4em, height: 0.8em, fill: rgb("#{fill}"), stroke: 0.5pt + luma(90)) '
                  if fill else "")
        out.append(f"#block(above: 0.3em, below: 0.3em, text(size: 8.5pt)[{swatch}#{string(text)}])")
    if landscape:
        return ["#page(flipped: true)[", *(before or []), *out, "]"]
    return (before or []) + out


def _figure(f: Figure, n: int, folder: Path) -> list[str]:
    name = f"figure-{n}.svg"
    (folder / name).write_text(f.svg, encoding="utf-8")
    size = c.svg_size(f.svg)
    width = "100%" if not size or size[0] >= TEXT_WIDTH_PT - 40 else f"{size[0]:.1f}pt"
    chart = f"image({string(name)}, width: {width}, alt: {string(c.alt_text(f))})"
    if f.icon_svg:
        icon_name = f"figure-{n}-icon.svg"
        (folder / icon_name).write_text(f.icon_svg, encoding="utf-8")
        icon = f"image({string(icon_name)}, width: 9mm, alt: {string(c.icon_alt(f.icon_svg))})"
        if width == "100%":
            chart = f"image({string(name)}, width: 100% - 12mm, alt: {string(c.alt_text(f))})"
        chart = f"grid(columns: (1fr, auto), column-gutter: 3mm, align: (center, top), {chart}, {icon})"
    caption = f"text(size: 9pt, {string(f.caption)})" if f.caption else "none"
    return [f"#figure({chart}, caption: {caption}, numbering: none, gap: 0.6em)"]


def _notes(document: Document) -> list[str]:
    out = ['#heading(level: 1)[Notes] <cp-notes>']
    for n, note in enumerate(document.footnotes, 1):
        out.append(f"#grid(columns: (7mm, 1fr), [#text(size: 9pt)[{n}.] #metadata(\"note\") <cp-note-{n}>], "
                   f"text(size: 9pt, {string(note)}))")
        out.append("#v(0.35em)")
    return out


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def typst_source(document: Document, folder: Path) -> str:
    """The Typst source for the document; figures' SVGs are written into folder."""
    c.check(document)
    anchors = c.anchors(document)
    author = next((v for k, v in document.metadata if k.strip().rstrip(":").lower() == "author"), None)
    out = [PREAMBLE.format(
        accent=c.ACCENT, better=c.BETTER_FILL, worse=c.WORSE_FILL, header=c.HEADER_FILL, muted=c.MUTED_TEXT,
        marking=string(document.sensitivity), doc_title=string(document.title),
        author=f", author: {string(author)}" if author else "", font=FONT,
        # the lineage (snapshot, plan hash, month) travels in the PDF's keywords
        keywords=f", keywords: ({string(document.lineage_text())},)" if document.lineage else "",
        short_title=string(_short(document.footer_text())))]
    out.extend(_title_page(document))
    figures = tables = 0
    pending: list[str] = []  # headings waiting to see whether a landscape table follows
    for i, b in enumerate(document.blocks):
        if not isinstance(b, (Heading, Table)) and pending:
            out.extend(pending)
            pending = []
        if isinstance(b, Heading):
            level = min(max(b.level, 1), 6)
            pending.append(f"#heading(level: {level})[{lit(b.text)}] <{anchors[i]}>")
            continue
        elif isinstance(b, Paragraph):
            body = lit(b.text) + refs(b.footnotes)
            if b.style == "lead":
                body = f"#text(size: 12.5pt)[{body}]"
            elif b.style == "small":
                body = f"#text(size: 9pt)[{body}]"
            elif b.style == "note":
                body = f"#text(size: 9pt, fill: muted)[{body}]"
            nxt = document.blocks[i + 1] if i + 1 < len(document.blocks) else None
            if isinstance(nxt, (Table, Figure)):  # a lead-in line stays on the page of what it introduces
                out.append(f"#block(sticky: true)[#par[{body}]]")
            else:
                out.append(f"#par[{body}]")
        elif isinstance(b, BulletList):
            if b.title:
                out.append(f"#block(sticky: true, below: 0.6em, strong({string(b.title)}))")
            items = ", ".join(f"[{lit(t)}{refs(r)}]" for t, r in b.items)
            out.append(f"#list({items})" if b.items else "")
        elif isinstance(b, Table):
            tables += 1
            out.extend(_table(b, folder, tables, pending))
            pending = []
        elif isinstance(b, Figure):
            figures += 1
            out.extend(_figure(b, figures, folder))
        elif isinstance(b, PageBreak):
            out.append("#pagebreak(weak: true)")
        elif isinstance(b, Contents):
            out.append(f"#outline(title: {string(b.title)}, depth: 1, indent: auto)")
        else:  # pragma: no cover
            raise TypeError(f"unknown block {type(b).__name__}")
    out.extend(pending)
    if document.footnotes:
        out.extend(_notes(document))
    if document.attribution:
        out.append(f"#v(1.2em)\n#par(text(size: 9pt, fill: muted, {string(document.attribution)}))")
    return "\n".join(out) + "\n"


# PDF/A-2a (archival, tagged, every font embedded) and PDF/UA-1 (accessible): a report that can
# be published as it is. Typst checks both while it writes; should a document ever fail them,
# the PDF is written without the claim rather than not at all, with a warning.
STANDARDS: list[PDFStandard] = ["a-2a", "ua-1"]


def _compile(source: Path, folder: Path) -> bytes:
    import typst

    stamp = os.environ.get("SOURCE_DATE_EPOCH")
    timestamp = int(stamp) if stamp and stamp.isdigit() else None

    def run(standards: list[PDFStandard]) -> bytes:
        return typst.compile(str(source), root=str(folder), font_paths=[], ignore_system_fonts=True,
                             timestamp=timestamp, pdf_standards=standards)

    try:
        return run(STANDARDS)
    except Exception as exc:  # typst.TypstError: a standard's check failed
        if "PDF/" not in str(exc):
            raise
        warnings.warn(f"PDF written without PDF/A and PDF/UA conformance: {exc}", stacklevel=3)
        return run([])


def write_pdf(document: Document, path: Path, keep_source: Path | None = None) -> Path:
    """Typeset the document to a PDF at path (keep_source: also copy the .typ folder there)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="crimeplan-typst-") as tmp:
        folder = Path(tmp)
        source = folder / "report.typ"
        source.write_text(typst_source(document, folder), encoding="utf-8")
        if keep_source is not None:
            shutil.copytree(folder, keep_source, dirs_exist_ok=True)
        pdf = _compile(source, folder)
    path.write_bytes(pdf)
    return path
