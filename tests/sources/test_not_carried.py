"""On police.uk data, measures the source cannot carry say so in every format, never 0 → 0."""

from __future__ import annotations

import datetime as dt
import subprocess

import docx
import openpyxl
import pytest

from crimeplan.plans import load_plan
from crimeplan.report.build import build_document
from crimeplan.report.render import render_all
from crimeplan.results import compute
from crimeplan.sources import run_import
from crimeplan.store import Store
from tests.sources.conftest import REAL, needs_real

pytestmark = needs_real
NOT_CARRIED = {  # named for a reader, not by the column (domestic_abuse, offender_age, category)
    "da_offences": "a domestic abuse flag",
    "youth_offenders": "offenders' ages or offender identifiers",  # neither is carried
    "da_incidents": "domestic incidents (it has anti-social behaviour incidents only)",  # police.uk: ASB only
}


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    root = tmp_path_factory.mktemp("police_uk_formats")
    files = [REAL / "police_uk_street" / "essex" / f"2018-0{m}-essex-street.csv.gz" for m in (1, 2)]
    run_import("police-uk", files, root / "s.duckdb", force="Essex", options={"extract_date": "2018-02-28"})
    with Store(root / "s.duckdb", read_only=True) as st:
        results = compute(st, load_plan("monthly-performance"), dt.date(2018, 2, 1))
    document = build_document("monthly", results, edition="internal")
    written = render_all(document, root / "m", (".html", ".pdf", ".docx", ".xlsx"))
    return results, {p.suffix: p for p in written}


def test_export_rows_say_not_carried(outputs):
    results, _ = outputs
    t = results.table
    for measure, column in NOT_CARRIED.items():
        rows = t[t.measure_id == measure]
        assert set(rows.status) == {"not_carried"}, measure
        assert rows.current_value.isna().all() and rows.previous_value.isna().all()
        assert all(column in note for note in rows.note), (measure, list(rows.note))
    # and no monthly series of zeros behind them
    series = results.monthly[results.monthly.measure_id.isin(list(NOT_CARRIED))]
    assert set(series.state) == {"not_carried"} and series.value.isna().all()


def _texts(outputs) -> dict[str, str]:
    _, files = outputs
    html = files[".html"].read_text(encoding="utf-8")
    pdf = subprocess.run(["pdftotext", "-layout", str(files[".pdf"]), "-"], capture_output=True,
                         text=True, check=True).stdout
    d = docx.Document(str(files[".docx"]))
    word = "\n".join([p.text for p in d.paragraphs]
                     + [c.text for t in d.tables for row in t.rows for c in row.cells])
    wb = openpyxl.load_workbook(files[".xlsx"])
    sheets = "\n".join(str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True)
                       for v in row if v is not None)
    return {"html": html, "pdf": " ".join(pdf.split()), "docx": word, "xlsx": sheets}


def test_every_format_says_not_available_from_this_source(outputs):
    """The measure's row points at a note saying why it has no figure, in every format."""
    results, _ = outputs
    document = build_document("monthly", results, edition="internal")
    notes_of = {c.text: [document.footnotes[n - 1] for n in c.footnotes]
                for t in document.tables() for row in t.rows for c in row[:1]}
    assert any(n.startswith("Not available from this source: it does not carry a domestic abuse flag")
               for n in notes_of["Number of domestic abuse offences"])
    assert any(n.startswith("Not available from this source") for label, notes in notes_of.items()
               if label.startswith("Youth re-offending rate") for n in notes)
    for fmt, text in _texts(outputs).items():
        flat = " ".join(text.split())
        assert "Number of domestic abuse offences" in flat, fmt
        assert "Not available from this source: it does not carry a domestic abuse flag" in flat, fmt
        assert "domestic_abuse" not in flat, fmt
        # a source never loaded is named for a reader too, not as a table
        assert "No survey responses have been loaded" in flat, fmt
        assert "survey_responses" not in flat, fmt
        assert "Youth re-offending rate" in flat, fmt


def test_no_zero_is_printed_for_a_measure_not_carried(outputs):
    _, files = outputs
    wb = openpyxl.load_workbook(files[".xlsx"])
    seen = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            if row and isinstance(row[0], str) and row[0].startswith("Number of domestic abuse offences"):
                seen += 1
                assert all(v in (None, "N/A", "") for v in row[1:3]), row
    assert seen >= 1
