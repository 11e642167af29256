"""HTML: self-contained, accessible, and every figure in a table equals its Cell."""

from __future__ import annotations

from html.parser import HTMLParser

from crimeplan.report.document import Figure, Heading

from .sample import NASTY


class Page(HTMLParser):
    """Collects tables (cell text without footnote superscripts, data-* attributes), ids, links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[dict] = []
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.tags: list[tuple[str, dict]] = []
        self.stack: list[str] = []
        self.cell: dict | None = None
        self.in_sup = 0
        self.section: str | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if "id" in a:
            self.ids.append(a["id"])
        if tag == "a" and "href" in a:
            self.hrefs.append(a["href"])
        if tag in ("br",):
            if self.cell is not None:
                self.cell["text"] += "\n"
            return
        self.stack.append(tag)
        if tag == "table":
            self.tables.append({"header": [], "rows": []})
        elif tag in ("thead", "tbody"):
            self.section = tag
        elif tag == "tr" and self.section == "tbody":
            self.tables[-1]["rows"].append([])
        elif tag in ("td", "th"):
            self.cell = {"tag": tag, "text": "", "sup": "", **a}
        elif tag == "sup":
            self.in_sup += 1

    def handle_endtag(self, tag):
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()
        if tag in ("td", "th") and self.cell is not None:
            if self.section == "thead":
                self.tables[-1]["header"].append(self.cell)
            else:
                self.tables[-1]["rows"][-1].append(self.cell)
            self.cell = None
        elif tag == "sup":
            self.in_sup -= 1

    def handle_data(self, data):
        self.text.append(data)
        if self.cell is not None:
            if self.in_sup:
                self.cell["sup"] += data
            else:
                self.cell["text"] += data


def parse(path) -> tuple[Page, str]:
    html = path.read_text(encoding="utf-8")
    p = Page()
    p.feed(html)
    return p, html


def test_tables_read_back_equal_the_cells(document, rendered):
    page, _ = parse(rendered[".html"])
    tables = document.tables()
    assert len(page.tables) == len(tables)
    for got, t in zip(page.tables, tables):
        assert [h["text"] for h in got["header"]] == t.header
        assert all(h["tag"] == "th" and h["scope"] == "col" for h in got["header"])
        assert len(got["rows"]) == len(t.rows)
        for grow, row in zip(got["rows"], t.rows):
            assert [g["text"] for g in grow] == [c.text for c in row]
            for g, c in zip(grow, row):
                assert g["sup"] == ",".join(map(str, c.footnotes))
                assert g.get("data-measure") == c.measure_id
                assert g.get("data-field") == c.field
                if c.value is not None:
                    assert float(g["data-value"]) == c.value
                if c.style in ("better", "worse"):
                    assert c.style in g["class"].split()


def test_figures_by_measure_and_field(document, rendered):
    """What an end-to-end test does: find a figure by data-measure/data-field and compare."""
    page, _ = parse(rendered[".html"])
    cells = {(g["data-measure"], g["data-field"]): g["text"]
             for t in page.tables for row in t["rows"] for g in row if "data-measure" in g and "data-field" in g}
    want = {(c.measure_id, c.field): c.text for t in document.tables() for row in t.rows for c in row
            if c.measure_id and c.field}
    assert cells == want


def test_structure_and_accessibility(document, rendered):
    page, html = parse(rendered[".html"])
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="en-GB">' in html
    # self-contained: no external resource
    for tag, a in page.tags:
        assert tag not in ("link", "script", "img", "iframe"), tag
        assert not str(a.get("src", "")).startswith("http")
    # headings: the title is h1, level-1 headings are h2, each with a unique id
    assert len(page.ids) == len(set(page.ids))
    h2 = [a.get("id") for t, a in page.tags if t == "h2"]
    levels = [b for b in document.blocks if isinstance(b, Heading) and b.level == 1]
    assert len([x for x in h2 if not x.startswith("cp-")]) == len(levels)
    # contents links and footnote links resolve
    for href in page.hrefs:
        assert href.startswith("#") and href[1:] in page.ids, href
    assert sum(1 for h in page.hrefs if h.startswith("#cp-note-")) > 0
    # figures: inline SVG inside an img-role wrapper with the alt text, and a caption
    figures = [b for b in document.blocks if isinstance(b, Figure)]
    assert html.count("<figure>") == len(figures)
    assert html.count("<figcaption>") == len(figures)
    labels = [a["aria-label"] for t, a in page.tags if a.get("role") == "img" and t == "div"]
    assert labels[0] == figures[0].alt
    assert labels[1] == figures[1].caption  # no alt: the caption stands in
    # SVG ids are scoped per figure so inline charts never share a clip path
    assert 'id="fig1-clip1"' in html and 'id="fig2-clip1"' in html and "url(#fig2-clip1)" in html
    # sparklines in cells are inline SVG too, with their ids scoped
    sparks = sum(1 for t in document.tables() for r in t.rows for c in r if c.svg)
    assert html.count('<span class="cell-picture">') == sparks
    assert 'id="cell1-clip1"' in html and 'id="cell2-clip1"' in html
    # sensitivity marking top and bottom, attribution, print CSS
    assert html.count(f">{document.sensitivity}</div>") == 2
    assert document.attribution in html
    assert "@media print" in html and "table-header-group" in html


def test_nasty_text_is_escaped(rendered):
    page, html = parse(rendered[".html"])
    assert "<b>tag</b>" not in html
    assert NASTY in "".join(page.text)


def test_a_wide_table_scrolls_inside_its_own_container(tmp_path):
    """The MSG comparison's ten columns: the table sits in a container that scrolls sideways
    (focusable, named, so a keyboard reaches every column) instead of being cut off by the page;
    figures with words ('-189 offences') may wrap so it fits where it can; it prints smaller,
    on a landscape page when the paged formats turn it, never clipped."""
    import re

    from crimeplan.report.document import Cell, Document, Table
    from crimeplan.report.render import render

    header = ["Priority", "Measure", "Position", "Trend (last 12)", "Aspiration", "Value",
              "Change to MSG average", "Change to top quartile", "Data to", "Commentary"]
    row = [Cell("Improving Crime Prevention"), Cell("All crime (excluding fraud)"), Cell("4th", 4.0, "0"),
           Cell(""), Cell("4th in MSG"), Cell("14.34 per 1,000 population", 14.34, "#,##0.00"),
           Cell("-189 offences", -189.0, "#,##0"), Cell("-3,568 offences", -3568.0, "#,##0"),
           Cell("Sep 2026"), Cell("")]
    wide = Table("MSG comparison", header, [row] * 3, landscape=True)
    narrow = Table("Small", ["Measure", "Value"], [[Cell("All crime"), Cell("1,234", 1234.0, "#,##0")]])
    path = render(Document("T", "S", [], [wide, narrow], []), tmp_path / "wide.html")
    page, html = parse(path)
    wraps = [a for tag, a in page.tags if tag == "div" and "table-wrap" in a.get("class", "")]
    assert len(wraps) == 2
    assert wraps[0]["role"] == "region" and wraps[0]["tabindex"] == "0"
    assert wraps[0]["aria-label"] == "MSG comparison" and "landscape" in wraps[0]["class"]
    assert "landscape" not in wraps[1]["class"]
    tables = [a for tag, a in page.tags if tag == "table"]
    assert tables[0].get("class") == "wide" and "class" not in tables[1]
    css = html[html.index("<style>"):html.index("</style>")]
    screen, print_css = css.split("@media print")
    assert re.search(r"\.table-wrap \{[^}]*overflow-x: auto", screen)
    assert re.search(r"\.table-wrap \{[^}]*overflow: visible", print_css)  # printed whole
    assert "size: A4 landscape" in print_css and re.search(r"\.table-wrap\.landscape \{ page: wide", print_css)
    assert re.search(r"table\.wide \{ font-size: [0-9.]+pt", print_css)
    assert re.search(r"\.fig \{ white-space: nowrap", screen) and not re.search(r"\.num \{[^}]*nowrap", css)
    cells = page.tables[0]["rows"][0]
    classes = {c["text"]: c.get("class", "") for c in cells}
    assert "fig" not in classes["-189 offences"] and "num" in classes["-189 offences"]  # may wrap
    assert "fig" in page.tables[1]["rows"][0][1].get("class", "")  # 1,234 never wraps
