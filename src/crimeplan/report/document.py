"""One document model for every report and format: blocks a renderer walks in order.

Builders (monthly, quarterly, annual, MSG) turn results into a Document; renderers (HTML, PDF,
DOCX, XLSX) turn a Document into a file and never recompute a figure.  A table cell keeps the
number it shows (`value`) beside its text, so spreadsheets get numbers with number formats and
tests can check every printed figure against the results export.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass
class Cell:
    """A table cell: the text shown, and the number behind it when it is a figure."""

    text: str
    value: float | None = None
    number_format: str | None = None  # Excel style: '#,##0', '0.0', '0.00' (percentages stay 0-100)
    style: str | None = None  # better | worse | muted | strong
    footnotes: list[int] = field(default_factory=list)
    measure_id: str | None = None
    field: str | None = None  # the results-export column this cell prints
    svg: str | None = None  # a small image in the cell (a sparkline): SVG for HTML and PDF
    png: bytes | None = None  # ... and PNG for DOCX and XLSX
    # the stored results row the figure comes from (lineage): ("windows", window, area_level,
    # area), ("msg", measure_id) or ("monthly", area_level, area, "YYYY-MM")
    row: tuple[str, ...] | None = None

    @property
    def row_key(self) -> str | None:
        """The results row as one attribute value ('windows|12m|force|Shire Constabulary')."""
        return None if self.row is None else "|".join(self.row)


@dataclass
class Heading:
    """A heading; level 1 starts a section (and a bookmark in PDF)."""

    text: str
    level: int = 1
    anchor: str | None = None


@dataclass
class Paragraph:
    """A paragraph of plain text, with footnote references."""

    text: str
    footnotes: list[int] = field(default_factory=list)
    style: str | None = None  # None | lead | small | note


@dataclass
class BulletList:
    """Bulleted sentences, each with footnote references."""

    items: list[tuple[str, list[int]]]
    title: str | None = None


@dataclass
class Table:
    """A table: header row, body rows of cells, optional caption; `name` titles its XLSX sheet."""

    name: str
    header: list[str]
    rows: list[list[Cell]]
    caption: str | None = None
    widths: list[float] | None = None  # relative column widths
    landscape: bool | None = None  # PDF/DOCX: a landscape page of its own; None: when 17+ columns
    # what the cell colours mean, printed under the table: (style of the swatch or None, text)
    legend: list[tuple[str | None, str]] = field(default_factory=list)


@dataclass
class Figure:
    """A chart: SVG for HTML and PDF, PNG for DOCX and XLSX, with a caption and optional icon."""

    svg: str
    png: bytes | None
    caption: str
    icon_svg: str | None = None
    icon_png: bytes | None = None
    alt: str = ""
    row: tuple[str, ...] | None = None  # the stored chart it draws (lineage): ("charts", measure_id, view)


@dataclass
class PageBreak:
    """Start a new page (paged formats only)."""


@dataclass
class Contents:
    """The table of contents (level-1 headings), with page numbers in PDF."""

    title: str = "Contents"


Block = Heading | Paragraph | BulletList | Table | Figure | PageBreak | Contents


@dataclass
class Document:
    """A whole report: metadata, blocks in reading order, numbered footnotes."""

    title: str
    subtitle: str
    metadata: list[tuple[str, str]]
    blocks: list[Block]
    footnotes: list[str]
    sensitivity: str = "OFFICIAL"
    attribution: str | None = None
    footer: str | None = None  # the running footer's words (default: the subtitle, else the title)
    # where the figures come from, embedded in the file's metadata: snapshot, plan hash, month
    lineage: dict[str, str] = field(default_factory=dict)

    def footer_text(self) -> str:
        """The words every page's footer carries beside the marking and page number."""
        return self.footer or self.subtitle or self.title

    def tables(self) -> list[Table]:
        """Every table in order."""
        return [b for b in self.blocks if isinstance(b, Table)]

    def lineage_text(self) -> str:
        """The lineage as one line for a file's metadata ("" when the document has none)."""
        return lineage_line(self.lineage)


def lineage_line(lineage: Mapping[str, str]) -> str:
    """A lineage as one line: 'crimeplan 0.1.0+results2; snapshot 3; ...; to 2026-09'."""
    return "; ".join(f"{k} {v}" for k, v in lineage.items())


class Footnotes:
    """Numbered footnotes: the same text gets the same number."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def ref(self, text: str) -> int:
        """The number of a footnote, adding it if new."""
        if text not in self.items:
            self.items.append(text)
        return self.items.index(text) + 1
