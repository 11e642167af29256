"""The ONS footnotes that apply reach the MSG page: the Essex page for the year ending December
2019 carries the note that its homicide figure includes the 39 people found dead in a lorry."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import openpyxl
import pytest

from crimeplan.plans import load_plan
from crimeplan.report.build import build_document
from crimeplan.report.render import render
from crimeplan.results import compute
from crimeplan.sources.run import run_import
from crimeplan.store import Store
from tests.sources.conftest import REAL, needs_real

pytestmark = needs_real
PLAN = Path(__file__).resolve().parents[2] / "plans" / "essex-msg.yaml"
DEC19 = REAL / "ons_pfa_tables" / "pfatablesdec19.xlsx"


def _lorry_note() -> str:
    """The workbook's own words, read with openpyxl alone."""
    wb = openpyxl.load_workbook(DEC19, read_only=True, data_only=True)
    name = next(s for s in wb.sheetnames if s.strip() == "Table P1")
    for r in wb[name].iter_rows(values_only=True):
        if isinstance(r[0], str) and "lorry" in r[0]:
            wb.close()
            return " ".join(r[0].split(". ", 1)[1].split())
    raise AssertionError("no lorry note in the workbook")


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    root = tmp_path_factory.mktemp("essex")
    store = root / "essex.duckdb"
    run_import("ons-pfa", [DEC19, REAL / "ons_pfa_tables" / "policeforceareatablesyearendingseptember2019.xlsx"],
               store, force=None, options={})
    plan = load_plan(PLAN)
    out = {}
    with Store(store, read_only=True) as st:
        for month in (dt.date(2019, 12, 1), dt.date(2019, 9, 1)):
            doc = build_document("msg", compute(st, plan, month))
            out[month] = (doc, {s: render(doc, root / f"{month:%Y-%m}.{s}") for s in ("html", "pdf", "docx", "xlsx")})
    return out


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_the_lorry_note_is_a_footnote_on_the_december_2019_page(pages):
    note = _lorry_note()
    doc, files = pages[dt.date(2019, 12, 1)]
    pdf = subprocess.run(["pdftotext", str(files["pdf"]), "-"], capture_output=True, text=True, check=True).stdout
    assert _squash(note) in _squash(pdf)
    html = files["html"].read_text(encoding="utf-8")
    assert note in re.sub(r"\s+", " ", html)
    import docx

    word = docx.Document(str(files["docx"]))
    assert note in " ".join(" ".join(p.text.split()) for p in word.paragraphs)
    book = openpyxl.load_workbook(files["xlsx"])
    assert any(isinstance(c.value, str) and note in " ".join(c.value.split())
               for row in book.worksheets[0].iter_rows() for c in row)
    # the note's number is referenced from the Homicide row, and from no other measure
    number = next(i for i, text in enumerate(doc.footnotes, 1) if note in text)
    table = next(t for t in doc.tables() if t.name == "MSG comparison")
    marked = [row[1].text for row in table.rows if number in row[1].footnotes]
    assert marked == ["Homicide"]


def test_the_september_2019_page_has_no_lorry_note(pages):
    doc, files = pages[dt.date(2019, 9, 1)]
    assert "lorry" not in files["html"].read_text(encoding="utf-8")
    assert not any("lorry" in text for text in doc.footnotes)


def test_the_msg_page_numbers_its_notes_as_a_reader_meets_them(pages):
    doc, _ = pages[dt.date(2019, 12, 1)]
    met: list[int] = []
    for table in doc.tables():
        for row in table.rows:
            for cell in row:
                met += [n for n in cell.footnotes if n not in met]
    assert met == list(range(1, len(doc.footnotes) + 1))  # in order, and none unreferenced
