"""A Document as one self-contained, accessible HTML page (inline CSS and SVG, print CSS)."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from html import escape
from pathlib import Path

from crimeplan.report.document import BulletList, Cell, Contents, Document, Figure, Heading, PageBreak, Paragraph, Table
from crimeplan.report.render import _common as c

CSS = """
:root { --accent: #%(accent)s; --better: #%(better)s; --worse: #%(worse)s; --muted: #%(muted)s; }
* { box-sizing: border-box; }
/* the public site's and the dashboard's font stack and text colour (web/scss/crimeplan.scss) */
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       font-size: 16px; line-height: 1.5;
       color: #0b0c0c; margin: 0 auto; max-width: 62rem; padding: 0 1.25rem 2rem; }
.marking { text-align: center; font-weight: bold; letter-spacing: .05em; padding: .35rem;
           border: 2px solid #0b0c0c; margin: 1rem 0; }
header.title-block h1 { font-size: 2.2rem; line-height: 1.2; margin: 1.5rem 0 .25rem; color: var(--accent); }
header.title-block .subtitle { font-size: 1.35rem; margin: 0 0 1rem; }
dl.metadata { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1.25rem; margin: 1rem 0 2rem; }
dl.metadata dt { font-weight: bold; }
dl.metadata dd { margin: 0; }
h1, h2, h3, h4 { color: var(--accent); line-height: 1.25; }
h1 { font-size: 1.75rem; margin-top: 2.5rem; border-bottom: 2px solid var(--accent); padding-bottom: .2rem; }
h2 { font-size: 1.35rem; margin-top: 2rem; }
h3 { font-size: 1.15rem; }
p.lead { font-size: 1.2rem; }
p.small, p.note { font-size: .875rem; }
p.note { color: var(--muted); }
nav.contents ol { padding-left: 1.5rem; }
.list-title { font-weight: bold; margin-bottom: .25rem; }
.table-wrap { overflow-x: auto; margin: 1rem 0 1.5rem; max-width: 100%%; }
.table-wrap:focus { outline: 3px solid #ffdd00; box-shadow: 0 0 0 6px #0b0c0c; }
table { border-collapse: collapse; width: 100%%; font-size: .9rem; }
table.wide { font-size: .8rem; }
table.wide th, table.wide td { padding: .25rem .3rem; }
caption { text-align: left; font-weight: bold; padding: .25rem 0 .5rem; }
th, td { border: 1px solid #b1b4b6; padding: .3rem .45rem; vertical-align: top; text-align: left; }
thead th { background: #%(header)s; }
tbody th { font-weight: normal; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
.fig { white-space: nowrap; }
.better { background: var(--better); }
.worse { background: var(--worse); }
.muted { color: var(--muted); }
ul.legend { list-style: none; padding: 0; margin: .4rem 0 0; font-size: .875rem; break-inside: avoid; }
ul.legend .swatch { display: inline-block; width: 1.6em; height: .9em; border: 1px solid #505a5f;
                    vertical-align: middle; margin-right: .4em; }
td.strong, th.strong { font-weight: bold; }
sup { line-height: 0; font-size: .75em; }
sup a { text-decoration: none; }
figure { margin: 1.5rem 0; }
figure .chart svg { max-width: 100%%; height: auto; }
figure .icon { float: right; }
figure .icon svg { width: 2.2rem; height: 2.2rem; }
figcaption { font-size: .9rem; margin-top: .35rem; }
.cell-picture svg { height: 1.4em; width: auto; vertical-align: middle; }
section.notes { margin-top: 2.5rem; border-top: 1px solid #b1b4b6; }
section.notes ol { font-size: .875rem; }
.attribution, .running-footer { font-size: .875rem; color: var(--muted); }
a:link { color: #1d70b8; } a:visited { color: #4c2c92; } a:hover { color: #003078; }
/* focus as GOV.UK draws it: yellow alone is 1.4:1 on white, so a black edge gives the 3:1 a
   focus indicator needs (WCAG 1.4.11) */
a:focus { outline: 3px solid transparent; background-color: #ffdd00; color: #0b0c0c;
          box-shadow: 0 -2px #ffdd00, 0 4px #0b0c0c; text-decoration: none; }
.skip-link { position: absolute; left: -10000px; top: auto; width: 1px; height: 1px; overflow: hidden; }
.skip-link:focus { position: static; display: block; width: auto; height: auto; margin: .5rem 0;
                   padding: .25rem .5rem; }
main:focus { outline: none; }
@media print {
  @page { size: A4; margin: 18mm 15mm; @top-center { content: %(marking_css)s; font: bold 9pt Arial, sans-serif; }
          @bottom-center { content: %(marking_css)s " \\2014  page " counter(page); font: 9pt Arial, sans-serif; } }
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  .page-break { break-after: page; }
  h1, h2, h3 { break-after: avoid; }
  figure, tr { break-inside: avoid; }
  thead { display: table-header-group; }
  .table-wrap { overflow: visible; }
  @page wide { size: A4 landscape; margin: 15mm; }
  .table-wrap.landscape { page: wide; }
  table { font-size: 8.5pt; }
  table.wide { font-size: 7.5pt; }
  .landscape table.wide { font-size: 8.5pt; }
  table.wide th, table.wide td { padding: 1.5pt 2.5pt; }
  .cell-picture svg { height: 1.1em; }
  a { color: inherit; }
  .skip-link { display: none; }
}
"""


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _refs(refs: list[int]) -> str:
    """Footnote references as superscript links to the notes list."""
    if not refs:
        return ""
    links = ",".join(f'<a href="#cp-note-{r}" aria-label="note {r}">{r}</a>' for r in refs)
    return f'<sup class="fn">{links}</sup>'


def _text(text: str) -> str:
    """Escaped text; line breaks kept."""
    return escape(text).replace("\n", "<br>")


_ID = re.compile(r'\bid="([^"]+)"')


def _scoped_svg(svg: str, prefix: str) -> str:
    """An SVG for inlining: no XML prolog, ids prefixed so charts on one page never collide."""
    svg = re.sub(r"^\s*<\?xml[^>]*\?>\s*", "", svg)
    svg = re.sub(r"<!DOCTYPE[^>]*>\s*", "", svg)
    ids = set(_ID.findall(svg))
    if ids:
        svg = _ID.sub(lambda m: f'id="{prefix}{m.group(1)}"', svg)
        for i in sorted(ids, key=len, reverse=True):
            svg = svg.replace(f"url(#{i})", f"url(#{prefix}{i})").replace(f'href="#{i}"', f'href="#{prefix}{i}"')
    return svg


def _cell_picture(cell: Cell, serial: Iterator[int]) -> str:
    """A small picture in a cell (a sparkline), inline, its ids scoped like a figure's."""
    if not cell.svg:
        return ""
    return f'<span class="cell-picture">{_scoped_svg(cell.svg, f"cell{next(serial)}-")}</span>'


def _cell(cell: Cell, numeric: bool, serial: Iterator[int], row_header: bool = False) -> str:
    classes = []
    if c.is_number_cell(cell, numeric):
        classes.append("num")
    if c.looks_numeric(cell.text):  # a plain figure never wraps; '-189 offences' may
        classes.append("fig")
    if cell.style:
        classes.append(cell.style)
    attrs = ""
    if classes:
        attrs += f' class="{" ".join(classes)}"'
    if cell.measure_id:
        attrs += f' data-measure="{escape(cell.measure_id)}"'
    if cell.field:
        attrs += f' data-field="{escape(cell.field)}"'
    if cell.value is not None:
        attrs += f' data-value="{cell.value!r}"'
    if cell.row:  # the stored results row the figure comes from, '|'-joined as the site writes it
        attrs += f' data-row="{escape(cell.row_key or "")}"'
    body = _cell_picture(cell, serial) + _text(cell.text) + _refs(cell.footnotes)
    if row_header:
        return f'<th scope="row"{attrs}>{body}</th>'
    return f"<td{attrs}>{body}</td>"


WIDE_FROM_COLUMNS = 8


def _table(t: Table, serial: Iterator[int]) -> str:
    """A table in its own container: a wide one scrolls sideways inside it (every column
    reachable, by keyboard too) rather than being cut off, and prints smaller, landscape when
    the paged formats turn it."""
    numeric = c.numeric_columns(t)
    wrap = "table-wrap landscape" if c.landscape(t) else "table-wrap"
    label = escape(t.caption or t.name or "Table")
    wide = ' class="wide"' if len(t.header) >= WIDE_FROM_COLUMNS else ""
    out = [f'<div class="{wrap}" role="region" aria-label="{label}" tabindex="0"><table{wide}>']
    if t.caption:
        out.append(f"<caption>{_text(t.caption)}</caption>")
    if t.widths and len(t.widths) == len(t.header):
        total = sum(t.widths) or 1
        cols = "".join(f'<col style="width:{100 * w / total:.1f}%">' for w in t.widths)
        out.append(f"<colgroup>{cols}</colgroup>")
    num = ' class="num"'
    out.append("<thead><tr>" + "".join(
        f'<th scope="col"{num if numeric[j] else ""}>{_text(h)}</th>'
        for j, h in enumerate(t.header)) + "</tr></thead>")
    out.append("<tbody>")
    for row in t.rows:
        out.append("<tr>" + "".join(_cell(cell, numeric[j], serial, row_header=j == 0 and not numeric[0])
                                    for j, cell in enumerate(row)) + "</tr>")
    out.append("</tbody></table>")
    if t.legend:  # inside the container: printed on the table's (landscape) page
        items = []
        for style, text in t.legend:
            swatch = f'<span class="swatch {style}" aria-hidden="true"></span>' if style else ""
            items.append(f"<li>{swatch}{_text(text)}</li>")
        out.append(f'<ul class="legend" aria-label="Key to the colours of {label}">{"".join(items)}</ul>')
    out.append("</div>")
    return "".join(out)


def _figure(f: Figure, n: int) -> str:
    alt = escape(c.alt_text(f))
    icon = ""
    if f.icon_svg:
        icon = f'<div class="icon">{_scoped_svg(f.icon_svg, f"icon{n}-")}</div>'
    return (f'<figure>{icon}<div class="chart" role="img" aria-label="{alt}">'
            f'{_scoped_svg(f.svg, f"fig{n}-")}</div>'
            f"<figcaption>{_text(f.caption)}</figcaption></figure>")


def render_html(document: Document) -> str:
    """The document as HTML text."""
    c.check(document)
    anchors = c.anchors(document)
    marking = escape(document.sensitivity)
    css = CSS % {"accent": c.ACCENT, "better": c.BETTER_FILL, "worse": c.WORSE_FILL, "muted": c.MUTED_TEXT,
                 "header": c.HEADER_FILL, "marking_css": _css_string(document.sensitivity)}
    out = ["<!DOCTYPE html>", '<html lang="en-GB">', "<head>", '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           *([f'<meta name="crimeplan-lineage" content="{escape(document.lineage_text())}">']
             if document.lineage else []),
           f"<title>{escape(document.title)}{' — ' + escape(document.subtitle) if document.subtitle else ''}</title>",
           f"<style>{css}</style>", "</head>", "<body>",
           # the first Tab stop: past the marking and the title block to the report (WCAG 2.4.1)
           '<a class="skip-link" href="#cp-main">Skip to main content</a>',
           f'<div class="marking" role="note" aria-label="Sensitivity marking">{marking}</div>',
           '<header class="title-block">', f'<h1 class="doc-title">{_text(document.title)}</h1>']
    if document.subtitle:
        out.append(f'<p class="subtitle">{_text(document.subtitle)}</p>')
    fields = c.metadata(document)
    if fields:
        out.append('<dl class="metadata">' + "".join(
            f"<dt>{_text(k)}</dt><dd>{_text(v)}</dd>" for k, v in fields) + "</dl>")
    out.append("</header>")
    out.append('<main id="cp-main" tabindex="-1">')
    figures = 0
    serial = itertools.count(1)
    for i, b in enumerate(document.blocks):
        if isinstance(b, Heading):
            level = min(max(b.level, 1), 5) + 1  # the document title is the page's h1
            out.append(f'<h{level} id="{anchors[i]}">{_text(b.text)}</h{level}>')
        elif isinstance(b, Paragraph):
            cls = f' class="{escape(b.style)}"' if b.style else ""
            out.append(f"<p{cls}>{_text(b.text)}{_refs(b.footnotes)}</p>")
        elif isinstance(b, BulletList):
            if b.title:
                out.append(f'<p class="list-title">{_text(b.title)}</p>')
            out.append("<ul>" + "".join(f"<li>{_text(t)}{_refs(r)}</li>" for t, r in b.items) + "</ul>")
        elif isinstance(b, Table):
            out.append(_table(b, serial))
        elif isinstance(b, Figure):
            figures += 1
            out.append(_figure(b, figures))
        elif isinstance(b, PageBreak):
            out.append('<div class="page-break" aria-hidden="true"></div>')
        elif isinstance(b, Contents):
            entries = c.contents_entries(document)
            if document.footnotes:
                entries.append(("Notes", "cp-notes-title"))
            out.append(f'<nav class="contents" aria-labelledby="cp-contents-title">'
                       f'<h2 id="cp-contents-title">{_text(b.title)}</h2><ol>'
                       + "".join(f'<li><a href="#{a}">{_text(t)}</a></li>' for t, a in entries)
                       + "</ol></nav>")
        else:  # pragma: no cover - the Block union is closed
            raise TypeError(f"unknown block {type(b).__name__}")
    out.append("</main>")
    if document.footnotes:
        out.append('<section class="notes" aria-labelledby="cp-notes-title"><h2 id="cp-notes-title">Notes</h2><ol>')
        out.extend(f'<li id="cp-note-{n}">{_text(t)}</li>' for n, t in enumerate(document.footnotes, 1))
        out.append("</ol></section>")
    out.append("<footer>")
    if document.footer:
        out.append(f'<p class="running-footer">{_text(document.footer)}</p>')
    if document.attribution:
        out.append(f'<p class="attribution">{_text(document.attribution)}</p>')
    out.append(f'<div class="marking" role="note" aria-label="Sensitivity marking">{marking}</div>')
    out.append("</footer></body></html>")
    return "\n".join(out)


def write_html(document: Document, path: Path) -> Path:
    """Write the document as an HTML file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(document), encoding="utf-8")
    return path
