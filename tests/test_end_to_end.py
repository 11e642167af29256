"""synth → load → compute → HTML on a small synthetic force; the page prints the export's figures."""

from __future__ import annotations

import csv
from html.parser import HTMLParser
from pathlib import Path

import pytest

from crimeplan.report import format as fmt
from tests.cli_helpers import run_cli

TABLES = ["areas", "crimes", "incidents", "calls", "survey_responses", "casualties", "workforce",
          "aggregates", "peers", "events"]


class Cells(HTMLParser):
    """Collect (measure, window, field) → text from the Performance Information tables."""

    def __init__(self) -> None:
        super().__init__()
        self.row: tuple[str, str] | None = None
        self.field: str | None = None
        self.cells: dict[tuple[str, str, str], str] = {}
        self.sections: list[str] = []
        self._h2 = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tr" and "data-measure" in a:
            self.row = (a["data-measure"], a["data-window"])
        elif tag == "td" and self.row and "data-field" in a:
            self.field = a["data-field"]
            self.cells[(*self.row, self.field)] = ""
        elif tag == "h2":
            self._h2 = True
            self.sections.append("")

    def handle_endtag(self, tag):
        if tag == "td":
            self.field = None
        elif tag == "tr":
            self.row = None
        elif tag == "h2":
            self._h2 = False

    def handle_data(self, data):
        if self.field and self.row:
            self.cells[(*self.row, self.field)] += data.strip()
        if self._h2:
            self.sections[-1] += data.strip()


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory):
    import sys
    from io import StringIO

    class Cap:  # run_cli needs capsys; a tiny stand-in for a module-scoped fixture
        def readouterr(self):
            out, err = sys.stdout.getvalue(), sys.stderr.getvalue()
            sys.stdout.seek(0); sys.stdout.truncate(); sys.stderr.seek(0); sys.stderr.truncate()
            return type("C", (), {"out": out, "err": err})()

    root = tmp_path_factory.mktemp("e2e")
    old = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = StringIO(), StringIO()
    cap = Cap()
    try:
        data, store = root / "data", str(root / "store.duckdb")
        runs = [run_cli(cap, "synth", "--out", str(data), "--scale", "0.03", "--years", "3",
                        "--to", "2025-06", "--format", "csv", "--seed", "7")]
        for t in TABLES:
            runs.append(run_cli(cap, "load", t, str(data / f"{t}.csv"), "--store", store,
                                "--extract-date", "2025-06-30"))
        results, page = root / "results.csv", root / "report.html"
        runs.append(run_cli(cap, "compute", "--store", store, "--plan", "monthly-performance",
                            "--to", "2025-06", "--out", str(results)))
        runs.append(run_cli(cap, "report", "monthly", "--store", store, "--plan", "monthly-performance",
                            "--to", "2025-06", "--format", "html", "--out", str(page)))
    finally:
        sys.stdout, sys.stderr = old
    return runs, list(csv.DictReader(results.open())), page.read_text()


def test_every_step_succeeds_and_reconciles(pipeline):
    runs, _, _ = pipeline
    assert all(r.code == 0 for r in runs), [r.err for r in runs if r.code]
    loads = [r.out for r in runs[1:11]]
    for out in loads:
        line = next(l for l in out.splitlines() if "rows read" in l)
        read, rest = line.split(" rows read = ")
        loaded, quarantined = rest.split(" loaded + ")
        assert int(read.split(": ")[1]) == int(loaded) + int(quarantined.split()[0])


def test_export_has_one_row_per_measure_area_and_window(pipeline):
    _, rows, _ = pipeline
    keys = [(r["measure_id"], r["area_level"], r["area"], r["window"]) for r in rows]
    assert len(keys) == len(set(keys))
    force = [r for r in rows if r["area_level"] == "force"]
    assert len({r["measure_id"] for r in force}) == 41
    assert {r["area_level"] for r in rows} == {"force", "lpa", "district"}
    lpas = {r["area"] for r in rows if r["area_level"] == "lpa"}
    assert lpas == {"North", "South", "West"}


def test_html_prints_the_export_figures(pipeline):
    _, rows, page = pipeline
    parser = Cells()
    parser.feed(page)
    assert len([s for s in parser.sections if s[:2].rstrip(".").isdigit()]) == 8
    checked = 0
    for r in rows:
        if r["area_level"] != "force":
            continue
        key = (r["measure_id"], r["window"])
        decimals = int(r["decimals"])
        for field in ("current_value", "previous_value"):
            value = float(r[field]) if r[field] else None
            assert parser.cells[(*key, field)] == fmt.figure(value, r["unit"], decimals), (key, field)
            checked += 1
        if r["comparable"] == "true":
            diff = r["pp_change"] if r["unit"] == "percent" else r["pct_change"]
            expected = fmt.number(float(diff), decimals if r["unit"] == "percent" else 1) if diff else "N/A"
            assert parser.cells[(*key, "difference")] == expected
            shown = parser.cells[(*key, "direction")].lower()
            assert shown == (r["assessment"] or r["direction"])
            assert r["assessment"] in ("", "no significant change", f"significantly {r['direction']}")
            if r["assessment"].startswith("significantly"):
                assert float(r["p_value"]) < 0.05 and r["significant"] == "true"
    assert checked >= 80
