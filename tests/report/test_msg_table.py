"""The MSG table as a reader sees it, read back from HTML, PDF, DOCX and XLSX: its Commentary
column from the commentary file (sample text never public), a key to its colours in each colour
mode with the cell text saying the same, and a group of one not ranked."""

from __future__ import annotations

import csv
import datetime as dt
import re
from html.parser import HTMLParser

import pytest

from crimeplan.errors import BadInput
from crimeplan.periods import financial_quarter
from crimeplan.plans import load_plan
from crimeplan.plans.commentary import load_commentary
from crimeplan.report.build import build_document
from crimeplan.report.render import render
from crimeplan.report.render._common import BETTER_FILL, WORSE_FILL
from crimeplan.results import compute

TO = dt.date(2025, 12, 1)
REAL_TEXT = "Burglary prevention week ran in every district; repeat locations were visited."
SAMPLE_TEXT = "[SAMPLE] Invented words about the solved rate for the demo."


@pytest.fixture(scope="module")
def store(msg_store):
    return msg_store


def _plan(colour_by: str = "aspiration", peers: list[str] | None = None, commentary: str | None = None):
    plan = load_plan("monthly-performance")
    msg = plan.msg.model_copy(update={"colour_by": colour_by, **({"peers": peers} if peers else {})})
    return plan.model_copy(update={"msg": msg, "commentary": commentary})


def _commentary_file(tmp_path) -> str:
    path = tmp_path / "commentary.csv"
    quarter = financial_quarter(TO)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["commitment", "quarter", "text", "who"])
        w.writerow(["msg:residential_burglary", quarter, REAL_TEXT, "Crime Prevention"])
        w.writerow(["msg:solved_rate", quarter, SAMPLE_TEXT, "PAU"])
        w.writerow(["msg:all_crime", "2020/21 Q1", "An update for another quarter.", "PAU"])
    return str(path)


class _Cells(HTMLParser):
    """Every td/th of the page as (classes, text), and the text of the page."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[tuple[set[str], str]] = []
        self.text: list[str] = []
        self._open: list[str] | None = None
        self._classes: set[str] = set()

    def handle_starttag(self, tag, attrs):
        if tag in ("td", "th"):
            self._open, self._classes = [], set((dict(attrs).get("class") or "").split())

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._open is not None:
            self.cells.append((self._classes, " ".join("".join(self._open).split())))
            self._open = None

    def handle_data(self, data):
        self.text.append(data)
        if self._open is not None:
            self._open.append(data)


def _html(path) -> _Cells:
    p = _Cells()
    p.feed(path.read_text(encoding="utf-8"))
    return p


def _pdf_text(path) -> str:
    import subprocess

    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def _docx_text(path) -> str:
    import docx

    d = docx.Document(str(path))
    return "\n".join([p.text for p in d.paragraphs]
                     + [c.text for t in d.tables for row in t.rows for c in row.cells])


def _xlsx_sheet(path):
    import openpyxl

    book = openpyxl.load_workbook(path)
    return next(ws for ws in book.worksheets if ws.title.startswith("MSG"))


def _xlsx_text(path) -> str:
    ws = _xlsx_sheet(path)
    return "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)


class _Squashed(str):
    """A reader's text without white space (a PDF wraps cell text across lines): `in` squashes too."""

    def __contains__(self, needle: object) -> bool:
        return re.sub(r"\s+", "", str(needle)) in str(self)


def _texts(doc, tmp_path, stem: str) -> dict[str, _Squashed]:
    """The reader's text of the document in each format."""
    out = {}
    for suffix, read in ((".html", lambda p: " ".join(_html(p).text)), (".pdf", _pdf_text),
                         (".docx", _docx_text), (".xlsx", _xlsx_text)):
        out[suffix] = _Squashed(re.sub(r"\s+", "", read(render(doc, tmp_path / f"{stem}{suffix}"))))
    return out


def test_commentary_column_from_the_file_and_no_sample_text_in_public(store, tmp_path):
    plan = _plan(commentary=_commentary_file(tmp_path))
    results = compute(store, plan, TO)
    internal = _texts(build_document("msg", results), tmp_path, "internal")
    public = _texts(build_document("msg", results, edition="public"), tmp_path, "public")
    sample_words = SAMPLE_TEXT.removeprefix("[SAMPLE] ")
    for suffix in internal:
        assert "Commentary" in internal[suffix], suffix
        assert REAL_TEXT in internal[suffix], suffix  # the file's row for this quarter
        assert sample_words in internal[suffix], suffix  # internal shows the sample, marked
        assert "An update for another quarter." not in internal[suffix], suffix
        assert "No commentary supplied for this quarter." in internal[suffix], suffix
        assert REAL_TEXT in public[suffix], suffix
        assert sample_words not in public[suffix] and "[SAMPLE]" not in public[suffix], suffix
        assert "No commentary supplied" not in public[suffix], suffix
        assert "No update this quarter." in public[suffix], suffix


def test_commentary_file_with_an_unknown_msg_measure_names_file_row_and_field(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("commitment,quarter,text,who\nmsg:no_such_measure,2025/26 Q3,Words,PAU\n", encoding="utf-8")
    with pytest.raises(BadInput) as err:
        load_commentary(path, _plan())
    text = str(err.value)
    assert "no_such_measure" in text and "bad.csv" in text and "row 1" in text and "commitment" in text


def test_the_shipped_sample_commentary_addresses_msg_measures_and_stays_valid():
    plan = load_plan("police-and-crime-plan")
    rows = load_commentary(plan.commentary, plan)
    msg_rows = [c for (cid, _), c in rows.items() if cid.startswith("msg:")]
    ids = {mm.id for mm in plan.msg.measures}
    assert msg_rows and all(c.commitment[4:] in ids and c.is_sample for c in msg_rows)
    assert any(not cid.startswith("msg:") for cid, _ in rows)  # commitment rows read as before


@pytest.mark.parametrize("colour_by,green,red,coloured_column", [
    ("aspiration", "Green: aspiration met.", "Red: aspiration not met.", "aspiration"),
    ("msg_average", "Green: better than the MSG average.", "Red: worse than the MSG average.", "msg_position"),
])
def test_legend_says_what_the_colours_mean_in_every_format(store, tmp_path, colour_by, green, red,
                                                           coloured_column):
    results = compute(store, _plan(colour_by), TO)
    doc = build_document("msg", results)
    texts = _texts(doc, tmp_path, colour_by)
    other = "Green: aspiration met." if colour_by == "msg_average" else "Green: better than the MSG average."
    # colour is never the only carrier: each coloured cell says in words what its colour means
    cells = _html(tmp_path / f"{colour_by}.html").cells
    coloured = [(cls, text) for cls, text in cells if cls & {"better", "worse"}]
    assert coloured
    # the key explains each colour the table shows, and no colour it does not
    shown = {c for cls, _ in coloured for c in cls & {"better", "worse"}}
    for suffix, text in texts.items():
        assert (green in text) is ("better" in shown), suffix
        assert (red in text) is ("worse" in shown), suffix
        assert other not in text, suffix
    msg = results.msg
    for cls, text in coloured:
        if colour_by == "aspiration":
            assert text.endswith("(met)") if "better" in cls else text.endswith("(not met)"), text
        else:
            assert ("better than MSG average" in text) if "better" in cls else ("worse than MSG average" in text), text
    # ... and the colours follow the comparison: significantly better rows are green
    if colour_by == "msg_average":
        better = set(msg[msg.msg_significance == "better"].msg_position_text)
        worse = set(msg[msg.msg_significance == "worse"].msg_position_text)
        green_cells = [t for cls, t in coloured if "better" in cls]
        red_cells = [t for cls, t in coloured if "worse" in cls]
        assert len(green_cells) == len(msg[msg.msg_significance == "better"])
        assert len(red_cells) == len(msg[msg.msg_significance == "worse"])
        assert all(any(t.startswith(p) for p in better) for t in green_cells)
        assert all(any(t.startswith(p) for p in worse) for t in red_cells)
    else:
        assert sum("better" in cls for cls, _ in coloured) == (msg.aspiration_met == "met").sum()
        assert sum("worse" in cls for cls, _ in coloured) == (msg.aspiration_met == "not met").sum()
    # the spreadsheet's key cells carry the same fills as the table's cells
    ws = _xlsx_sheet(tmp_path / f"{colour_by}.xlsx")
    fills = {c.value: c.fill.fgColor.rgb[-6:] for row in ws.iter_rows() for c in row
             if c.value in (green, red)}
    expected = {green: BETTER_FILL, red: WORSE_FILL}
    assert fills == {text: fill for text, fill in expected.items()
                     if ("better" if text == green else "worse") in shown}


def test_a_group_of_one_is_not_ranked(store, tmp_path):
    results = compute(store, _plan(peers=["Nowhere Constabulary"]), TO)
    assert (results.msg.msg_size == 1).all()
    doc = build_document("msg", results)
    for suffix, text in _texts(doc, tmp_path, "alone").items():
        assert "No peers to compare" in text, suffix
        assert "1st" not in text, suffix
        assert "meeting its aspiration" not in text, suffix  # not judged against nobody
    table = next(t for t in doc.tables() if t.name == "MSG comparison")
    position = table.header.index("Position")
    assert {row[position].text for row in table.rows} == {"No peers to compare"}


def test_html_msg_table_and_its_key_share_one_labelled_container_printed_landscape(store, tmp_path):
    results = compute(store, _plan(commentary=_commentary_file(tmp_path)), TO)
    html = render(build_document("msg", results), tmp_path / "wrap.html").read_text(encoding="utf-8")
    start = html.index('<div class="table-wrap landscape" role="region" aria-label="MSG comparison')
    block = html[start:html.index("</div>", start)]
    # the whole table, Commentary and Data to included, and its key sit in the container that
    # scrolls by itself on a narrow screen and prints on an A4 landscape page
    assert 'tabindex="0"' in block[:200]
    for heading in ("Data to", "Commentary"):
        assert f">{heading}</th>" in block
    assert '<ul class="legend"' in block and "Green: aspiration met." in block
    assert "@page wide { size: A4 landscape" in html and ".table-wrap.landscape { page: wide; }" in html


def test_no_key_when_the_table_shows_no_colour(store, tmp_path):
    """Colouring by aspiration with no aspirations set (a starter plan) colours nothing: no key."""
    plan = _plan("aspiration")
    bare = plan.msg.model_copy(update={"measures": [m.model_copy(update={"aspiration": None})
                                                    for m in plan.msg.measures]})
    results = compute(store, plan.model_copy(update={"msg": bare}), TO)
    doc = build_document("msg", results)
    table = next(t for t in doc.tables() if t.name == "MSG comparison")
    assert table.legend == []
    for suffix, text in _texts(doc, tmp_path, "bare").items():
        assert "Colours in the" not in text and "Green:" not in text, suffix
