"""Renderers: one Document, four formats. `render(document, path)` picks by the file's suffix.

- `.html`: one self-contained accessible page (inline CSS and SVG, print CSS);
- `.pdf`: A4, typeset with Typst (bundled fonts, vector charts, contents with page numbers);
- `.docx`: Word headings, contents field, tables and styles a user can edit;
- `.xlsx`: a cover sheet, then one sheet per table with numbers as numbers.

A renderer never computes a figure: it prints Cell.text and, in XLSX, writes Cell.value.

Public modules: `docx`, `html`, `pdf`, `xlsx` (one writer each, chosen by suffix).
`_common` is the renderers' shared layout, private to them.
"""

from __future__ import annotations

from pathlib import Path

from crimeplan.report.document import Document

FORMATS = (".html", ".pdf", ".docx", ".xlsx")


def render(document: Document, path: str | Path) -> Path:
    """Write document to path in the format its suffix names (.html, .pdf, .docx or .xlsx)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm"):
        from crimeplan.report.render.html import write_html

        return write_html(document, path)
    if suffix == ".pdf":
        from crimeplan.report.render.pdf import write_pdf

        return write_pdf(document, path)
    if suffix == ".docx":
        from crimeplan.report.render.docx import write_docx

        return write_docx(document, path)
    if suffix == ".xlsx":
        from crimeplan.report.render.xlsx import write_xlsx

        return write_xlsx(document, path)
    raise ValueError(f"cannot render {path.name!r}: the suffix must be one of {', '.join(FORMATS)}")


def render_all(document: Document, stem: str | Path, formats: tuple[str, ...] = FORMATS) -> list[Path]:
    """Write document in every format: stem.html, stem.pdf, stem.docx, stem.xlsx."""
    stem = Path(stem)
    return [render(document, stem.with_name(stem.name + fmt)) for fmt in formats]


__all__ = ["FORMATS", "render", "render_all"]
