"""synth → load → compute → HTML on a small synthetic force; the page prints the export's figures."""

from __future__ import annotations

import csv
from html.parser import HTMLParser

import pytest

from crimeplan.contract.schema import TABLES as CONTRACT_TABLES
from crimeplan.report import format as fmt
from tests.cli_helpers import run_cli

TABLES = list(CONTRACT_TABLES)


class Cells(HTMLParser):
    """Collect (measure, field) → text of the first table cell that prints it, and the headings."""

    def __init__(self) -> None:
        super().__init__()
        self.key: tuple[str, str] | None = None
        self.cells: dict[tuple[str, str], str] = {}
        self.headings: list[str] = []
        self._heading = False
        self._sup = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("td", "th") and "data-measure" in a and "data-field" in a:
            key = (a["data-measure"], a["data-field"])
            if key not in self.cells:
                self.key = key
                self.cells[key] = ""
        elif tag in ("h1", "h2"):
            self._heading = True
            self.headings.append("")
        elif tag == "sup":
            self._sup += 1

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self.key = None
        elif tag in ("h1", "h2"):
            self._heading = False
        elif tag == "sup":
            self._sup -= 1

    def handle_data(self, data):
        if self.key and not self._sup:
            self.cells[self.key] += data.strip()
        if self._heading:
            self.headings[-1] += data.strip()


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory):
    import sys
    from io import StringIO

    class Cap:  # run_cli needs capsys; a tiny stand-in for a module-scoped fixture
        def readouterr(self):
            out, err = sys.stdout.getvalue(), sys.stderr.getvalue()
            for stream in (sys.stdout, sys.stderr):
                stream.seek(0)
                stream.truncate()
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
        line = next(x for x in out.splitlines() if "rows read" in x)
        read, rest = line.split(" rows read = ")
        loaded, quarantined = rest.split(" loaded + ")
        assert int(read.split(": ")[1]) == int(loaded) + int(quarantined.split()[0])


def test_export_has_one_row_per_measure_area_and_window(pipeline):
    _, rows, _ = pipeline
    keys = [(r["measure_id"], r["area_level"], r["area"], r["window"]) for r in rows]
    assert len(keys) == len(set(keys))
    force = [r for r in rows if r["area_level"] == "force" and r["status"] != "peers"]
    from crimeplan.plans import load_plan

    assert {r["measure_id"] for r in force} == {m.id for _, m in load_plan("monthly-performance").measures()}
    compared = [r for r in rows if r["msg_position"]]
    assert len(compared) == 7  # every MSG measure of the plan, on its own row or its measure's
    for r in compared:
        assert 1 <= int(float(r["msg_position"])) <= int(float(r["msg_size"])) == 8
        assert r["aspiration_met"] in ("met", "not met", "no aspiration")
        assert r["msg_significance"] in ("better", "worse", "similar")
    assert {r["area_level"] for r in rows} == {"force", "lpa", "district"}
    lpas = {r["area"] for r in rows if r["area_level"] == "lpa"}
    assert lpas == {"North", "South", "West"}


def test_html_prints_the_export_figures(pipeline):
    _, rows, page = pipeline
    parser = Cells()
    parser.feed(page)
    sections = [h for h in parser.headings if h[:2].rstrip(".").isdigit()]
    assert len(sections) == 8, parser.headings
    checked = 0
    for r in rows:
        if r["area_level"] != "force" or r["status"] == "peers":
            continue
        key = r["measure_id"]
        decimals = int(float(r["decimals"]))
        for field in ("current_value", "previous_value"):
            value = float(r[field]) if r[field] else None
            assert parser.cells[(key, field)] == fmt.figure(value, r["unit"], decimals), (key, field)
            checked += 1
        if r["comparable"] == "true":
            # the difference a reader works out with a calculator from the two printed figures
            field = "pp_change" if r["unit"] == "percent" else "pct_change"
            printed = [float(parser.cells[(key, f)].rstrip("%smin ").lstrip("£").replace(",", ""))
                       for f in ("previous_value", "current_value")]
            if r["unit"] == "percent":
                expected = fmt.number(printed[1] - printed[0], decimals)
            else:  # N/A from a zero base
                expected = fmt.number(100 * (printed[1] - printed[0]) / printed[0] if printed[0] else None, 1)
            assert parser.cells[(key, field)] == expected, (key, printed)
            shown = parser.cells[(key, "assessment")].lower()
            # with no test the cell gives the direction and says it was not tested
            untested = r["direction"] if r["direction"] == "same" else f"{r['direction']} (not tested)"
            assert shown == (r["assessment"] or untested)
            assert r["assessment"] in ("", "no significant change", f"significantly {r['direction']}")
            if r["assessment"].startswith("significantly"):
                assert float(r["p_value"]) < 0.05 and r["significant"] == "true"
    assert checked >= 80


def test_every_comparable_row_names_its_test_or_why_none_applies(pipeline):
    _, rows, _ = pipeline
    comparable = [r for r in rows if r["comparable"] == "true"]
    assert len(comparable) > 100
    for r in comparable:
        assert r["test"], (r["measure_id"], r["area_level"], r["window"])
        if r["test"].startswith("not tested: "):
            assert r["p_value"] == "" and r["significant"] == ""
        else:
            assert r["p_value"] != "" and r["significant"] in ("true", "false")
    untested = {r["measure_id"] for r in comparable if r["test"].startswith("not tested")}
    # the Crime Severity Score, per-head sickness, money and peer-only rows have no test, and say so
    assert {"crime_severity_score", "savings_gbp_m"} <= untested
