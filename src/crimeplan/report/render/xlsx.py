"""A Document's tables as an Excel workbook (openpyxl): a cover sheet, then one sheet per table.

Laid out after the Government Statistical Service guidance on releasing statistics in
spreadsheets: each sheet starts with its title in A1, one table per sheet with a bold, frozen
header row, numbers stored as numbers with a number format (never as text), notes referred to as
[note N] in a Notes column and listed on the cover sheet. No formulas, no merged cells.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from crimeplan.report.document import Cell, Document, Heading, Table
from crimeplan.report.render import _common as c

COVER = "Cover"
HEADER_ROW = 3  # A1 title, A2 a line about the sheet, then the table
MAX_TEXT = 32767  # Excel's limit for one cell
_BAD_SHEET = re.compile(r"[\[\]:*?/\\]")

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
MUTED = Font(color=c.MUTED_TEXT)
LINK = Font(color="0563C1", underline="single")
FILLS = {"better": PatternFill("solid", fgColor=c.BETTER_FILL), "worse": PatternFill("solid", fgColor=c.WORSE_FILL)}
HEAD_FILL = PatternFill("solid", fgColor=c.HEADER_FILL)


_ID = re.compile(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b")  # an internal id such as da_incidents
_ABBREVIATIONS = [(re.compile(p, re.I), r) for p, r in (
    (r"\bLocal Policing Areas?\b", "LPA"), (r"\bMost Similar Group\b", "MSG"),
    (r"\bkilled or seriously injured\b", "KSI"), (r"^(the )?number of ", ""), (r"^the ", ""))]
_STOP = {"a", "an", "and", "as", "at", "by", "for", "from", "in", "of", "on", "or", "per", "the", "to",
         "with", "-", "–", "—", "&"}
SHEET_LIMIT = 31


def sheet_title(table: Table, headings: Sequence[str] = ()) -> str:
    """The words a table's sheet is named from: Table.name, unless it holds an internal id (then
    the caption) or was cut short by the builder (then the heading it was cut from)."""
    name = re.sub(r"\s+", " ", table.name or "").strip()
    if _ID.search(name) and table.caption:
        return re.sub(r"^Table \d+\s*[:.-]\s*", "", table.caption.split(": ")[0]).strip()
    if name:
        bare = name.rstrip().lower()
        for h in headings:  # '3 Reducing Youth Offending and ' cut from '3. Reducing Youth ...'
            full = re.sub(r"^(\d+)\.\s", r"\1 ", re.sub(r"\s+", " ", h).strip())
            if len(full) > len(bare) and full.lower().startswith(bare):
                return full
    return name


def shorten(title: str, limit: int = SHEET_LIMIT) -> str:
    """A title in at most limit characters, cut at a word boundary: common long phrases
    abbreviated (Local Policing Area: LPA), brackets dropped, a short 'by ...' or 'per ...' tail
    kept, no dangling 'and', 'of' or punctuation at the end."""
    t = re.sub(r"\s+", " ", _BAD_SHEET.sub(" ", title)).strip().strip("'").strip()
    if len(t) <= limit:
        return t
    for pattern, short in _ABBREVIATIONS:
        t = pattern.sub(short, t).strip()
    t = re.sub(r"\s*\([^)]*\)", "", t).strip()
    t = t[:1].upper() + t[1:]
    if len(t) <= limit:
        return t
    tail = ""
    m = re.search(r"\s(by|per)\s[^,;:]{1,18}$", t)
    if m and limit - (len(t) - m.start()) >= 14:  # room left for the head's first words
        tail, t = t[m.start():], t[:m.start()]
    room = limit - len(tail)
    words = t.split(" ")
    kept: list[str] = []
    for w in words:
        if len(" ".join([*kept, w])) > room:
            break
        kept.append(w)
    stops = [i for i, w in enumerate(kept) if w.lower() in _STOP]
    if len(kept) < len(words) and stops and stops[-1] >= 2:  # cut before a phrase, not inside one
        kept = kept[:stops[-1]]
    while len(kept) > 1 and (kept[-1].lower() in _STOP or not kept[-1].strip(",;:.-–—")):
        kept.pop()
    head = " ".join(kept).rstrip(",;:.-–— ") if kept else t[:room].rstrip()
    return (head + tail)[:limit].rstrip()


def sheet_names(tables: list[Table], headings: Sequence[str] = ()) -> list[str]:
    """A unique sheet name for each table a reader understands: at most 31 characters cut at a
    word boundary, no internal ids, none of []:*?/\\, never Cover or History."""
    used = {COVER.lower(), "history"}  # Excel reserves History
    out = []
    for k, t in enumerate(tables, 1):
        name = shorten(sheet_title(t, headings)) or f"Table {k}"
        base, n = name, 2
        while name.lower() in used:
            suffix = f" ({n})"
            name = shorten(base, SHEET_LIMIT - len(suffix)) + suffix
            n += 1
        used.add(name.lower())
        out.append(name)
    return out


def _text(value: str) -> str:
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def _put_text(cell, value: str) -> None:
    """A string cell, kept a string even when it starts with '=' (never a formula)."""
    cell.value = _text(value)
    cell.data_type = "s"


_NUMBER = re.compile(r"[-−+]?\d[\d,]*(?:\.\d+)?")
# a cell printed as a plain figure though the builder gave no value: '1.9%', '±2.0%', '£7.9m', '0.2 % pts'
_PLAIN_FIGURE = re.compile(r"^(±|£|[-−+]|[-−]£)?((?:0|[1-9]\d{0,2}(?:,\d{3})+|[1-9]\d*)(?:\.\d+)?)"
                           r"(%| ?% ?pts?| ?pp|m)?$")


def _decimals(number: str) -> int:
    return len(number.split(".")[1]) if "." in number else 0


def _base_format(number: str) -> str:
    """The plain format a printed number implies: its decimals, a thousands separator when it
    has one ('2026' stays 2026, '1,234' stays 1,234)."""
    d = _decimals(number)
    whole = number.lstrip("-+").split(".")[0]
    grouped = "," in number or len(whole) <= 3
    return ("#,##0" if grouped else "0") + ("." + "0" * d if d else "")


def _literal(text: str) -> str:
    return f'"{text}"' if text else ""


def shown_format(text: str, value: float, base: str | None) -> str:
    """The cell's number format with the words and signs printed around the figure ('%', '£',
    ' offences', ' per 1,000 population'), so the spreadsheet shows what the page shows."""
    fmt = base or "General"
    m = _NUMBER.search(text)
    if not m or '"' in text or any(ch.isdigit() for ch in text[:m.start()]):
        return fmt
    prefix, suffix = text[:m.start()], text[m.end():]
    if prefix in ("-", "−", "+"):
        prefix = ""
    if not prefix and not suffix:
        return fmt
    number = m.group().replace(",", "").replace("−", "-")
    try:
        printed = float(number)
    except ValueError:
        return fmt
    if abs(abs(printed) - abs(value)) > 0.5 * 10 ** -_decimals(number) + 1e-9:
        return fmt  # the text's first number is not this figure: leave the format alone
    if prefix.startswith(("-", "−")):
        prefix = prefix[1:]
    if fmt == "General":
        fmt = _base_format(m.group())
    if '"' in fmt:
        return fmt
    return ";".join(_literal(prefix) + part + _literal(suffix) for part in fmt.split(";"))


def plain_figure(text: str) -> tuple[float, str] | None:
    """(number, format) for a cell printed as a plain figure but given no value, else None."""
    m = _PLAIN_FIGURE.match(text.strip())
    if not m:
        return None
    sign, number, unit = m.group(1) or "", m.group(2), m.group(3) or ""
    value = float(number.replace(",", ""))
    if sign in ("-", "−", "-£", "−£"):
        value = -value
    base = _base_format(number)
    prefix = "±" if sign == "±" else "£" if "£" in sign else ""
    return value, shown_format(prefix + number + unit, value, base)


def _put(cell, src: Cell) -> None:
    v = src.value
    parsed = plain_figure(src.text) if v is None else None
    if v is not None and not isinstance(v, bool) and isinstance(v, (int, float)) and math.isfinite(v):
        cell.value = int(v) if isinstance(v, int) else float(v)
        cell.number_format = shown_format(src.text, float(v), src.number_format)
        cell.alignment = Alignment(horizontal="right", vertical="top")
    elif parsed is not None:
        cell.value, cell.number_format = parsed
        cell.alignment = Alignment(horizontal="right", vertical="top")
    else:
        _put_text(cell, src.text)
        cell.alignment = Alignment(vertical="top", wrap_text=len(src.text) > 50 or "\n" in src.text)
    if src.style in FILLS:
        cell.fill = FILLS[src.style]
    if src.style == "strong":
        cell.font = BOLD
    elif src.style == "muted":
        cell.font = MUTED


def _put_image(ws, png: bytes, row: int, column: int) -> None:
    """A small picture (a sparkline) anchored in a cell, the row made tall enough for it."""
    from openpyxl.drawing.image import Image  # needs Pillow

    image = Image(io.BytesIO(png))
    scale = 20 / image.height  # 20 px ≈ a 15-point row
    # openpyxl takes a fractional width (it converts to EMU itself); its stubs say int
    image.width, image.height = image.width * scale, 20  # type: ignore[assignment]
    ws.add_image(image, f"{get_column_letter(column)}{row}")
    ws.row_dimensions[row].height = max(ws.row_dimensions[row].height or 15, 16)


def _notes_of(row: list[Cell]) -> str:
    seen: list[int] = []
    for cell in row:
        for n in cell.footnotes:
            if n not in seen:
                seen.append(n)
    return " ".join(f"[note {n}]" for n in seen)


def _table_sheet(ws, t: Table, document: Document, about: str) -> None:
    has_notes = any(cell.footnotes for row in t.rows for cell in row)
    ws["A1"].value = _text(about)
    ws["A1"].font = TITLE
    line = "This worksheet contains one table."
    if has_notes:
        line += " The Notes column refers to the notes on the Cover sheet."
    line += f" Sensitivity: {document.sensitivity}."
    _put_text(ws["A2"], line)
    header = list(t.header) + (["Notes"] if has_notes else [])
    for j, h in enumerate(header, 1):
        cell = ws.cell(row=HEADER_ROW, column=j)
        _put_text(cell, h)
        cell.font = BOLD
        cell.fill = HEAD_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="bottom")
    numeric = c.numeric_columns(t)
    for i, row in enumerate(t.rows, HEADER_ROW + 1):
        for j, src in enumerate(row, 1):
            _put(ws.cell(row=i, column=j), src)
            picture = c.cell_png(src)
            if picture:
                _put_image(ws, picture, i, j)
        if has_notes:
            _put_text(ws.cell(row=i, column=len(row) + 1), _notes_of(row))
    for k, (style, text) in enumerate(t.legend):  # the key to the colours, a row under the table
        cell = ws.cell(row=HEADER_ROW + len(t.rows) + 2 + k, column=1)
        _put_text(cell, text)
        if style in FILLS:
            cell.fill = FILLS[style]
    for j, h in enumerate(header):
        texts = [row[j].text for row in t.rows] if j < len(t.header) else [_notes_of(r) for r in t.rows]
        longest = max([len(x) for x in texts] or [0])
        if j < len(numeric) and numeric[j]:
            width = max(longest + 2, min(len(h), 16), 9)
        else:
            width = min(max(longest + 2, min(len(h) + 2, 30), 10), 60)
        ws.column_dimensions[get_column_letter(j + 1)].width = width
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=1)
    last = get_column_letter(len(header))
    ws.auto_filter.ref = f"A{HEADER_ROW}:{last}{HEADER_ROW + max(len(t.rows), 1)}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if len(header) > 8 else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.oddHeader.center.text = document.sensitivity.replace("&", "&&")
    ws.oddFooter.center.text = document.sensitivity.replace("&", "&&")
    ws.oddFooter.right.text = "Page &P of &N"
    if document.footer:
        ws.oddFooter.left.text = document.footer.replace("&", "&&")


def cover_fields(document: Document) -> list[tuple[str, str]]:
    """The metadata for the Cover sheet, each field once, none blank, none repeating the
    sensitivity line above it."""
    return [(k, v) for k, v in c.metadata(document) if k.lower() != "sensitivity"]


def descriptions(document: Document) -> list[str]:
    """What each table is, for the Cover's list: its caption, else the headings it sits under
    ('1. Reducing Domestic Abuse – Performance Information'), else its name."""
    out: list[str] = []
    section: str | None = None
    last: str | None = None
    for b in document.blocks:
        if isinstance(b, Heading):
            if b.level == 1:
                section = b.text
            last = b.text
        elif isinstance(b, Table):
            under = [h for h in dict.fromkeys([section, last]) if h]
            out.append(b.caption or " – ".join(under) or b.name)
    return out


def _cover(ws, document: Document, names: list[str], tables: list[Table]) -> None:
    row = 1

    def put(label: str | None, value: str | None = None, font: Font | None = None) -> None:
        nonlocal row
        if label is not None:
            _put_text(ws.cell(row=row, column=1), label)
            if font:
                ws.cell(row=row, column=1).font = font
        if value is not None:
            cell = ws.cell(row=row, column=2)
            _put_text(cell, value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        row += 1

    put(document.title, font=TITLE)
    if document.subtitle:
        put(document.subtitle, font=Font(size=12))
    put("Sensitivity", document.sensitivity, font=BOLD)
    row += 1
    for label, value in cover_fields(document):
        put(label, value, font=BOLD)
    row += 1
    put("Tables", font=Font(bold=True, size=12))
    put("Worksheet", "Table", font=BOLD)
    ws.cell(row=row - 1, column=2).font = BOLD
    for name, _t, about in zip(names, tables, descriptions(document)):
        cell = ws.cell(row=row, column=1)
        _put_text(cell, name)
        cell.hyperlink = f"#'{name.replace(chr(39), chr(39) * 2)}'!A1"
        cell.font = LINK
        _put_text(ws.cell(row=row, column=2), about)
        row += 1
    if document.footnotes:
        row += 1
        put("Notes", font=Font(bold=True, size=12))
        put("Note number", "Note text", font=BOLD)
        ws.cell(row=row - 1, column=2).font = BOLD
        for n, text in enumerate(document.footnotes, 1):
            put(f"note {n}", text)
    if document.attribution:
        row += 1
        put(document.attribution, font=MUTED)
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 100


def xlsx_workbook(document: Document) -> Workbook:
    """The openpyxl Workbook for a report (not yet saved)."""
    c.check(document)
    tables = document.tables()
    names = sheet_names(tables, [b.text for b in document.blocks if isinstance(b, Heading)])
    wb = Workbook()
    cover = wb.worksheets[0]  # a new workbook's one sheet
    cover.title = COVER
    _cover(cover, document, names, tables)
    for name, t, about in zip(names, tables, descriptions(document)):
        _table_sheet(wb.create_sheet(name), t, document, about)
    props = wb.properties
    props.title = _text(document.title)[:255]
    props.subject = _text(document.subtitle)[:255]
    props.keywords = _text(document.sensitivity)
    props.creator = next((_text(v) for k, v in document.metadata
                          if k.strip().rstrip(":").lower() == "author"), "crimeplan")
    props.language = "en-GB"
    if document.lineage:  # where the figures come from: snapshot, plan hash, month
        props.description = _text(document.lineage_text())
    return wb


def write_xlsx(document: Document, path: Path) -> Path:
    """Write the document's tables as an .xlsx workbook."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    xlsx_workbook(document).save(str(path))
    return path
