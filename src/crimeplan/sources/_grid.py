"""Spreadsheet-shaped tables (ONS xlsx sheets and their CSV exports) as lists of cell rows."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

from crimeplan.errors import BadInput
from crimeplan.sources._read import decode, one_line, read_bytes

Cell = Any  # str, int, float or None
MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"], start=1)}
UNAVAILABLE = {"..", "[x]", "[z]", "[c]", ":", "n/a"}
SUPPRESSED = {"+", "[u]"}


def _check_zip_size(path: Path) -> None:
    """Refuse a workbook whose parts inflate past the memory ceiling's share (a zip bomb)."""
    import zipfile

    from crimeplan._limits import max_text_bytes

    try:
        with zipfile.ZipFile(path) as z:
            size = sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # openpyxl says what is wrong with it
    if size > max_text_bytes():
        raise BadInput(f"the workbook inflates to {size:,} bytes, over the memory ceiling's share "
                       f"for one file ({max_text_bytes():,}); raise CRIMEPLAN_MEMORY_LIMIT if "
                       "the machine has the memory", file=str(path))


def _bounded_rows(path: Path, name: str, ws: Any) -> list[list[Cell]]:
    """A sheet's rows, refused before reading when its dimension spans too many cells, and
    while reading when the cells really read (a dimension can lie) pass the bound."""
    from crimeplan._limits import check_cells, max_cells

    check_cells(path, name, ws.max_row or 0, ws.max_column or 0)
    out: list[list[Cell]] = []
    cells = 0
    limit = max_cells()
    for r in ws.iter_rows(values_only=True):
        cells += len(r)
        if cells > limit:
            check_cells(path, name, len(out) + 1, max(1, cells // (len(out) + 1)) + limit)
        out.append(list(r))
    return out


def workbook_sheets(path: Path) -> dict[str, list[list[Cell]]]:
    """Every sheet of an xlsx workbook by its name with surrounding spaces stripped."""
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - openpyxl is a dependency
        raise BadInput("reading .xlsx needs the openpyxl package (pip install openpyxl)",
                       file=str(path)) from None
    if path.is_dir():
        raise BadInput("this is a directory, not a file", file=str(path))
    _check_zip_size(path)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on a damaged file
        raise BadInput(f"not a readable .xlsx workbook ({type(exc).__name__}: {one_line(str(exc))})",
                       file=str(path)) from None
    try:
        return {name.strip(): _bounded_rows(path, name, wb[name]) for name in wb.sheetnames}
    except BadInput:
        raise
    except Exception as exc:  # noqa: BLE001 - a damaged sheet; openpyxl raises many kinds
        raise BadInput(f"a sheet of the workbook cannot be read ({type(exc).__name__}: "
                       f"{one_line(str(exc))})",
                       file=str(path)) from None
    finally:
        wb.close()


def csv_grid(path: Path) -> tuple[list[list[Cell]], bool]:
    """A CSV export of a sheet: every record as a list of strings, and whether the last line is
    cut short inside a quoted field (no line end and an odd number of quotes)."""
    text = decode(read_bytes(path), path)
    try:
        grid = [list(r) for r in csv.reader(io.StringIO(text, newline=""), strict=False)]
    except csv.Error as exc:  # pragma: no cover - the non-strict reader rarely raises
        raise BadInput(f"cannot parse the file: {exc}", file=str(path)) from None
    last = re.split(r"\r\n|\n|\r", text)[-1]
    return grid, bool(last) and last.count('"') % 2 == 1


def cell_fault(cells: list[Cell]) -> tuple[int, str] | None:
    """(column, reason) for the first cell of a CSV row that no table could hold, or None."""
    from crimeplan.sources._read import MAX_FIELD, _bad_bytes

    for i, c in enumerate(cells):
        if not isinstance(c, str):
            continue
        bad = _bad_bytes(c)
        if bad:
            return i, f"not UTF-8 text (byte {bad}); save the file as UTF-8"
        if "\x00" in c:
            return i, "contains a NUL byte"
        if len(c) > MAX_FIELD:
            return i, f"field longer than {MAX_FIELD:,} characters"
    return None


def label_text(cell: Cell) -> str:
    """A header label without line breaks, footnote digits or `[note N]` tags, lower case."""
    s = re.sub(r"\[note \d+\]", " ", str(cell or "")).replace("\n", " ").replace("–", "-")
    s = re.sub(r"\s+", " ", s).strip().lower()
    s = re.sub(r"(?<=[a-z)])\s?\d+(,\d+)*(?=\)|$|\s)", "", s)
    return re.sub(r"\s+", " ", s).strip()


def period_end(title: str, fallback: str = "") -> dt.date | None:
    """The last day of the `year ending <Month> <year>` a table title names."""
    for text in (title, fallback):
        m = re.search(r"(?:year ending|ye|ending)\s*(" + "|".join(MONTHS) + r"|sep|dec|jun|mar)\w*"
                      r"\s*(\d{2,})", str(text).lower())
        if not m:
            continue
        word, digits = m.group(1), m.group(2)
        month = next(v for k, v in MONTHS.items() if k.startswith(word[:3]))
        year = int(digits[:4]) if digits.startswith("20") and len(digits) >= 4 else 2000 + int(digits[:2])
        nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
        return nxt - dt.timedelta(days=1)
    return None


def number(cell: Cell) -> tuple[str, float | None]:
    """('value', x), ('unavailable', None), ('suppressed', None) or ('bad', None) for a cell."""
    if cell is None:
        return "unavailable", None
    if isinstance(cell, bool):
        return "bad", None
    if isinstance(cell, (int, float)):
        return "value", float(cell)
    s = str(cell).strip().replace(",", "").replace("\u00a0", "")
    if s.lower() in UNAVAILABLE or s == "":
        return "unavailable", None
    if s in SUPPRESSED:
        return "suppressed", None
    try:
        return "value", float(s)
    except ValueError:
        return "bad", None
