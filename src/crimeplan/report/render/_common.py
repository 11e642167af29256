"""Helpers every renderer shares: anchors, footnote checks, numeric columns, figure sizes."""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache

from crimeplan.report.document import BulletList, Cell, Document, Figure, Heading, Paragraph, Table

# Shading for better/worse cells (pale, so black text keeps a contrast ratio above 7:1).
BETTER_FILL = "D5E8D4"
WORSE_FILL = "F8D7D3"
HEADER_FILL = "DCE6F1"
MUTED_TEXT = "595959"
ACCENT = "1F4E79"
CELL_IMAGE_HEIGHT_PT = 13.0  # a sparkline in a table cell
FILLS = {"better": BETTER_FILL, "worse": WORSE_FILL}  # a cell style's fill, for legend swatches
RESERVED = "cp-"  # anchors the renderers make themselves: cp-notes, cp-note-1, ...


def check(document: Document) -> None:
    """Refuse a document whose footnote references point at no note (a builder bug)."""
    n = len(document.footnotes)

    def ok(refs: list[int], where: str) -> None:
        for r in refs:
            if not isinstance(r, int) or r < 1 or r > n:
                raise ValueError(f"footnote {r!r} in {where} but the document has {n} notes")

    for b in document.blocks:
        if isinstance(b, Paragraph):
            ok(b.footnotes, f"paragraph {b.text[:40]!r}")
        elif isinstance(b, BulletList):
            for text, refs in b.items:
                ok(refs, f"bullet {text[:40]!r}")
        elif isinstance(b, Table):
            for row in b.rows:
                for c in row:
                    ok(c.footnotes, f"table {b.name!r} cell {c.text[:40]!r}")
            if any(len(row) != len(b.header) for row in b.rows):
                raise ValueError(f"table {b.name!r}: a row's length differs from the header's")


def legend_lines(table: Table) -> list[tuple[str | None, str]]:
    """The table's legend as (fill colour or None, text), its title line first."""
    if not table.legend:
        return []
    return [(FILLS.get(style) if style else None, text) for style, text in table.legend]


def metadata(document: Document) -> list[tuple[str, str]]:
    """The title page's fields, each once (label without its colon), none left blank."""
    seen: set[str] = set()
    out = []
    for label, value in document.metadata:
        label, value = label.strip().rstrip(":").strip(), str(value or "").strip()
        if not value or label.lower() in seen:
            continue
        seen.add(label.lower())
        out.append((label, value))
    return out


def slug(text: str) -> str:
    """A label made of ASCII letters, digits and hyphens."""
    t = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    t = re.sub(r"[^A-Za-z0-9]+", "-", t).strip("-").lower()
    return t or "section"


def anchors(document: Document) -> dict[int, str]:
    """A unique anchor for every heading (by block index), from Heading.anchor or its text."""
    out: dict[int, str] = {}
    seen: set[str] = set()
    for i, b in enumerate(document.blocks):
        if isinstance(b, Heading):
            base = slug(b.anchor) if b.anchor else slug(b.text)
            if not base[0].isalpha() or base.startswith(RESERVED):
                base = "s-" + base
            a, k = base, 2
            while a in seen:
                a, k = f"{base}-{k}", k + 1
            seen.add(a)
            out[i] = a
    return out


LANDSCAPE_FROM_COLUMNS = 17


def landscape(table: Table) -> bool:
    """Whether a paged format gives the table a landscape page: the builder's say, else 17+ columns."""
    if table.landscape is not None:
        return table.landscape
    return len(table.header) >= LANDSCAPE_FROM_COLUMNS


def table_font_size(columns: int, landscape: bool) -> float:
    """A table's type size in pt: smaller as columns are added, larger on a landscape page."""
    if landscape:
        return 9.5 if columns <= 10 else 8.5 if columns <= 14 else 8.0
    return 9.5 if columns <= 6 else 8.5 if columns <= 10 else 7.5 if columns <= 14 else 6.8


def numeric_columns(table: Table) -> list[bool]:
    """Columns whose body cells are figures (every non-blank cell carries a value)."""
    cols = []
    for j in range(len(table.header)):
        cells = [row[j] for row in table.rows if j < len(row)]
        figures = [c for c in cells if c.value is not None or looks_numeric(c.text)]
        words = [c for c in cells if c.value is None and not looks_numeric(c.text)
                 and c.text.strip() not in BLANKS]
        cols.append(bool(figures) and not words)
    return cols


BLANKS = ("", "-", "–", "—", "N/A", "n/a", "..", "[c]", "[x]", "[z]", "[u]", "*")
_NUMERIC_TEXT = re.compile(r"^[-+±−]?\s?£?\d[\d,]*(\.\d+)?\s?(%|m|k|pts?|% ?pts?)?$")


def looks_numeric(text: str) -> bool:
    """Text that is a figure though the cell carries no value: '0.9%', '±1.3', '£2.1m'."""
    return bool(_NUMERIC_TEXT.match(text.strip()))


def is_number_cell(cell: Cell, numeric_column: bool) -> bool:
    """Right-align a cell that carries a figure, reads as one, or sits in a column of figures."""
    return cell.value is not None or numeric_column or looks_numeric(cell.text)


def column_widths(t: Table, numeric: list[bool], size: float, available: float, char_em: float = 0.52) -> list[float]:
    """Column widths in pt summing to available: the builder's relative widths, else widths from
    the texts (figure columns of like widths alike); no column narrower than its longest word at
    size pt, unless the words alone are wider than the page."""
    char = char_em * size  # a generous average advance
    inset = 9.0
    texts = [[row[j].text + ("xx" if row[j].footnotes else "") for row in t.rows] for j in range(len(t.header))]
    least = []
    for j, h in enumerate(t.header):
        words = [len(w) for x in [*texts[j]] for w in x.split()]
        head_words = [len(w) for w in h.split()]
        pictures = [cell_image_width(row[j]) for row in t.rows if j < len(row) and row[j].svg]
        least.append(max([max(words + [w * 1.1 for w in head_words] + [2]) * char, *pictures]) + inset)
    if t.widths and len(t.widths) == len(t.header) and all(w > 0 for w in t.widths):
        want = [float(w) for w in t.widths]
    else:
        want = []
        for j, h in enumerate(t.header):
            longest = max([len(x) for x in texts[j]] or [1])
            if numeric[j]:
                want.append(max(longest + 1, len(h) / 2, 4))
            else:
                want.append(max(min(longest, 45), min(len(h), 30), 6))
    total = sum(want)
    pts = [available * w / total for w in want]
    fixed: set[int] = set()
    for _ in range(len(pts)):  # widen columns a word would overflow, taking room from the others
        short = [j for j, p in enumerate(pts) if p < least[j] - 0.01]
        if not short:
            break
        for j in short:
            pts[j] = least[j]
            fixed.add(j)
        spare = available - sum(pts[j] for j in fixed)
        rest = [j for j in range(len(pts)) if j not in fixed]
        if not rest or spare <= 0:
            break
        k = spare / sum(want[j] for j in rest)
        for j in rest:
            pts[j] = want[j] * k
    figures = [j for j in range(len(pts)) if numeric[j]]
    words = [j for j in range(len(pts)) if not numeric[j]]
    if figures and not t.widths and max(pts[j] for j in figures) <= 1.6 * min(pts[j] for j in figures):
        # figure columns of like widths made alike, when the text columns can spare it
        widest = max(pts[j] for j in figures)
        spare = available - widest * len(figures)
        if words and spare >= sum(least[j] for j in words):
            scale = spare / sum(pts[j] for j in words)
            if scale >= 0.85 and all(pts[j] * scale >= least[j] for j in words):  # at small cost only
                pts = [widest if numeric[j] else pts[j] * scale for j in range(len(pts))]
    total = sum(pts)
    if total > available:  # the words alone are wider than the page: shrink all alike
        pts = [p * available / total for p in pts]
    return pts


def cell_image_width(cell: Cell) -> float:
    """The width in pt of the cell's picture at CELL_IMAGE_HEIGHT_PT."""
    size = svg_size(cell.svg or "")
    w = CELL_IMAGE_HEIGHT_PT * size[0] / size[1] if size and size[1] else 3 * CELL_IMAGE_HEIGHT_PT
    return w + 2


def svg_size(svg: str) -> tuple[float, float] | None:
    """The SVG's width and height in CSS px, from its width/height or viewBox."""
    head = svg[: svg.find(">", svg.find("<svg")) + 1] if "<svg" in svg else ""

    def attr(name: str) -> float | None:
        m = re.search(rf'\s{name}="([0-9.]+)(px)?"', head)
        return float(m.group(1)) if m else None

    w, h = attr("width"), attr("height")
    if w and h:
        return w, h
    m = re.search(r'viewBox="[-0-9.]+[ ,]+[-0-9.]+[ ,]+([0-9.]+)[ ,]+([0-9.]+)"', head)
    if m:
        return float(m.group(1)), float(m.group(2))
    return None


@lru_cache(maxsize=512)
def svg_png(svg: str, scale: float) -> bytes:
    """An SVG as PNG, once per picture however many formats ask for it."""
    import vl_convert as vlc

    return vlc.svg_to_png(svg, scale=scale)


def figure_png(figure: Figure) -> bytes:
    """The figure's PNG, rendered from its SVG at twice the size when the builder gave none."""
    if figure.png:
        return figure.png
    return svg_png(figure.svg, 2)


def icon_png(figure: Figure) -> bytes | None:
    """The variation icon's PNG, rendered from its SVG when the builder gave none."""
    if figure.icon_png:
        return figure.icon_png
    if figure.icon_svg:
        return svg_png(figure.icon_svg, 3)
    return None


def alt_text(figure: Figure) -> str:
    """The figure's alternative text: its alt, else its caption."""
    return (figure.alt or figure.caption or "Chart").strip()


def contents_entries(document: Document) -> list[tuple[str, str]]:
    """(heading text, anchor) for the level-1 headings the Contents lists."""
    a = anchors(document)
    return [(b.text, a[i]) for i, b in enumerate(document.blocks)
            if isinstance(b, Heading) and b.level == 1]


def icon_alt(svg: str, default: str = "Variation icon") -> str:
    """An SVG's own wording (a variation icon's, a sparkline's), from its aria-label or title."""
    m = re.search(r'aria-label="([^"]*)"', svg) or re.search(r"<title>([^<]*)</title>", svg)
    return html.unescape(m.group(1)) if m else default


def cell_png(cell: Cell) -> bytes | None:
    """A cell picture's PNG, rendered from its SVG when the builder gave none."""
    if cell.png:
        return cell.png
    if cell.svg:
        return svg_png(cell.svg, 3)
    return None
