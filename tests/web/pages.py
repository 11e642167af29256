"""Reading a written site back as a reader's browser would: pages parsed, text and cells found."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import Element

import html5lib

SVG = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"


def parse(path: Path) -> Element:
    """A page parsed strictly (html5lib raises on any parse error), as an element tree."""
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    return parser.parse(path.read_bytes())


def pages(site: Path) -> list[Path]:
    """The site's own pages (the downloaded reports apart)."""
    return sorted(p for p in site.rglob("*.html") if p.relative_to(site).parts[0] != "downloads")


def text(el: Element) -> str:
    """An element's text as read: whitespace collapsed."""
    return re.sub(r"\s+", " ", "".join(el.itertext())).strip()


def cell_text(el: Element) -> str:
    """A cell's own text, without its footnote markers."""
    clone = "".join(t for child in [el] for t in _text_without_sup(child))
    return re.sub(r"\s+", " ", clone).strip()


def _text_without_sup(el: Element) -> Iterator[str]:
    if el.tag == "sup":
        return
    if el.text:
        yield el.text
    for child in el:
        yield from _text_without_sup(child)
        if child.tail:
            yield child.tail


def figure_cells(tree: Element) -> list[Element]:
    """Every table cell that names the results row and column it prints."""
    return [el for el in tree.iter() if el.tag in ("td", "th") and el.get("data-row")]


def number(printed: str) -> tuple[float, int]:
    """The number a printed figure says and its decimals: '1,234.5%' -> (1234.5, 1); '£0.3m' too."""
    found = re.search(r"[-−]?\d[\d,]*(\.\d+)?", printed)
    assert found, f"no number in {printed!r}"
    digits = found.group(0).replace(",", "").replace("−", "-")
    return float(digits), len(found.group(1) or ".") - 1
