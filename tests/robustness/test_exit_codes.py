"""Every command on bad input: exit 2 with one paragraph naming what is wrong, never exit 1.

A probe over hostile plans (not a mapping, wrong types, huge numbers, unknown keys deep inside,
odd filter constructs, deep nesting), impossible dates and months, unwritable outputs, missing
stores and odd paths, for load, import, compute, report, export and synth.  Exit 1 is kept for
internal errors (bugs); bad input must never reach it.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from crimeplan.store import Store
from tests.cli_helpers import run_cli
from tests.robustness._cases import rows, text

PLAN = """id: probe
title: Probe
areas_of_focus:
  - id: crime
    title: Crime
    measures:
      - id: all_crime
        label: All crime
        source: crimes
        filter: {filter}
        polarity: down
"""
MEASURE = PLAN.split("      - id:")[1]

# hostile plan texts: each must be refused with exit 2
PLANS = {
    "a list": "- 1\n- 2\n",
    "a scalar": "just text\n",
    "empty": "",
    "only a comment": "# nothing\n",
    "not yaml": "id: [unclosed\n",
    "tab indentation": "id: x\n\ttitle: y\n",
    "id a mapping": "id: {a: 1}\ntitle: t\n",
    "areas a string": "id: x\ntitle: t\nareas_of_focus: lots\n",
    "measures a mapping": "id: x\ntitle: t\nareas_of_focus:\n  - id: a\n    title: A\n    measures: {a: 1}\n",
    "huge lag": PLAN.format(filter="domestic_abuse").replace("polarity: down", "polarity: down\n        lag_months: 99999999999999999999999"),
    "huge min_rows": PLAN.format(filter="domestic_abuse").replace("polarity: down", "polarity: down\n        min_rows: 1e400"),
    "huge scale": PLAN.format(filter="domestic_abuse").replace("polarity: down", "polarity: down\n        scale: 1e400"),
    "nan scale": PLAN.format(filter="domestic_abuse").replace("polarity: down", "polarity: down\n        scale: .nan"),
    "huge follow-up": PLAN.format(filter="domestic_abuse").replace("polarity: down", "polarity: down\n        follow_up_months: 1000000000"),
    "unknown key deep": PLAN.format(filter="domestic_abuse").replace("polarity: down", "polarity: down\n        surprise: {deep: [1, 2]}"),
    "unknown source": PLAN.format(filter="domestic_abuse").replace("source: crimes", "source: nowhere"),
    "unknown aggregation": PLAN.format(filter="domestic_abuse").replace("polarity: down", "polarity: down\n        aggregation: median_of_vibes"),
    "bad window": PLAN.format(filter="domestic_abuse").replace("polarity: down", "polarity: down\n        windows: [decade]"),
    "duplicate measure ids": PLAN.format(filter="domestic_abuse") + "      - id:" + MEASURE.format(filter="hate"),
    "anchors and aliases": "a: &a [*a]\n",
    "billion laughs": "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                      "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                      "e: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n",
    "deep nesting": "id: x\ntitle: t\nmetadata: " + "[" * 5000 + "]" * 5000 + "\n",
    "python tag": "id: !!python/object/apply:os.system ['true']\ntitle: t\n",
    "non-utf8": b"id: \xff\xfe\ntitle: t\n",
    "metadata not strings": "id: x\ntitle: t\nmetadata: {a: [1]}\n",
    "workforce not numbers": "id: x\ntitle: t\nworkforce: {officer: lots}\n",
}
FILTERS = {
    "lambda": "(lambda: 1)()",
    "attribute": "domestic_abuse.__class__",
    "subscript": "crime_id[0]",
    "call of unknown": "open('x')",
    "walrus": "(x := 1)",
    "star": "*domestic_abuse",
    "fstring": "f'{crime_id}'",
    "comprehension": "[c for c in crime_id]",
    "unknown column": "no_such_column == 1",
    "in a column": "crime_id in offence_code",
    "power": "offender_age ** 99",
    "modulo": "offender_age % 2",
    "bytes": "crime_id == b'x'",
    "complex": "offender_age == 1j",
    "huge int": "offender_age == 1" + "0" * 400,
    "deep parentheses": "(" * 500 + "domestic_abuse" + ")" * 500,
    "long chain": " and ".join(["domestic_abuse"] * 3000),
    "function two args": "month(recorded_date, 1)",
    "month of a string": "month(crime_id) == 1",
    "string minus": "crime_id - 1 == 0",
    "not a bool": "offender_age",
    "string filter": "'x'",
    "compare types": "crime_id > 3",
    "empty": "''",
    "keyword": "import os",
    "semicolon": "domestic_abuse; 1",
    "list filter": "[1, 2]",
}


def _write_plan(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / f"{name.replace(' ', '_')}.yaml"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A small store (areas, crimes), a valid plan, a read-only folder and a plain file."""
    d = tmp_path_factory.mktemp("probe")
    areas = d / "areas.csv"
    areas.write_text(text("areas", [{"district": "A", "lpa": "N", "force": "T", "population": "1000"}]))
    data = []
    for i in range(40):
        r = dict(rows("crimes", 1)[0], crime_id=f"C{i}", district="A",
                 recorded_date=f"{2022 + i % 3}-{1 + i % 12:02d}-05", outcome_type="", outcome_date="")
        data.append(r)
    crimes = d / "crimes.csv"
    crimes.write_text(text("crimes", data))
    with Store(d / "s.duckdb") as st:
        st.load({"areas": [areas], "crimes": [crimes]}, extract_date=dt.date(2024, 12, 31))
    (d / "plan.yaml").write_text(PLAN.format(filter="domestic_abuse"))
    ro = d / "readonly"
    ro.mkdir()
    os.chmod(ro, 0o555)
    (d / "afile").write_text("x")
    for suffix in (".csv", ".html"):
        (d / f"outdir{suffix}").mkdir()
    return {"dir": d, "store": d / "s.duckdb", "plan": d / "plan.yaml", "crimes": crimes,
            "ro": ro, "afile": d / "afile", "outdir": d / "outdir"}


def _check(run, *, who: str) -> None:  # type: ignore[no-untyped-def]
    assert run.code == 2, f"{who}: exit {run.code}: {run.err[-500:]}"
    assert "Traceback" not in run.err + run.out, who
    assert "internal error" not in run.err, who
    message = run.err.strip()
    assert message, who
    assert "\n\n" not in message or message.startswith("Usage:"), who  # one paragraph


@pytest.mark.parametrize("name", sorted(PLANS))
@pytest.mark.parametrize("command", ["compute", "report"])
def test_hostile_plans(capsys, world, name, command):
    plan = _write_plan(world["dir"], f"{command}-{name}", PLANS[name])
    out = world["dir"] / f"out-{command}-{name.replace(' ', '_')}.{'csv' if command == 'compute' else 'html'}"
    args = ([command, "--store", str(world["store"]), "--plan", str(plan), "--to", "2024-06",
             "--out", str(out)] if command == "compute" else
            [command, "monthly", "--store", str(world["store"]), "--plan", str(plan), "--to",
             "2024-06", "--format", "html", "--out", str(out)])
    _check(run_cli(capsys, *args), who=name)
    assert not out.exists()


@pytest.mark.parametrize("name", sorted(FILTERS))
def test_odd_filters(capsys, world, name):
    content = PLAN.replace("{filter}", '"' + FILTERS[name].replace("\\", "\\\\").replace('"', '\\"') + '"')
    plan = _write_plan(world["dir"], f"filter-{name}", content)
    out = world["dir"] / "out-filter.csv"
    run = run_cli(capsys, "compute", "--store", str(world["store"]), "--plan", str(plan),
                  "--to", "2024-06", "--out", str(out))
    _check(run, who=name)


def _bad_args(world: dict[str, Path]) -> dict[str, list[str]]:
    s, p, c, d = str(world["store"]), str(world["plan"]), str(world["crimes"]), world["dir"]
    missing = str(d / "nope.duckdb")
    ro_out = str(world["ro"] / "r.csv")
    under_file = str(world["afile"] / "r.csv")
    compute = ["compute", "--store", s, "--plan", p]
    report = ["report", "monthly", "--store", s, "--plan", p, "--format", "html"]
    cases = {
        "load bad extract date": ["load", "crimes", c, "--store", str(d / "n1.duckdb"), "--extract-date", "2026-13-01"],
        "load extract date text": ["load", "crimes", c, "--store", str(d / "n2.duckdb"), "--extract-date", "soon"],
        "load extract date year 0": ["load", "crimes", c, "--store", str(d / "n3.duckdb"), "--extract-date", "0000-01-01"],
        "load bad min date": ["load", "crimes", c, "--store", str(d / "n4.duckdb"), "--min-date", "1990-02-30"],
        "load unknown table": ["load", "crime", c, "--store", str(d / "n5.duckdb")],
        "load missing file": ["load", "crimes", str(d / "none.csv"), "--store", str(d / "n6.duckdb")],
        "load store is a folder": ["load", "crimes", c, "--store", str(d)],
        "load store under a file": ["load", "crimes", c, "--store", str(world["afile"] / "s.duckdb")],
        "load store in read-only folder": ["load", "crimes", c, "--store", str(world["ro"] / "s.duckdb")],
        "load store url": ["load", "crimes", c, "--store", "postgresql://x/y"],
        "load non-utf8 file name": ["load", "crimes", str(d / "cr\udcffimes.csv"), "--store", str(d / "n7.duckdb")],
        "import unknown source": ["import", "nowhere", c, "--store", str(d / "n8.duckdb")],
        "import bad option": ["import", "police-uk", c, "--store", str(d / "n9.duckdb"), "--option", "nokey"],
        "import unknown option": ["import", "police-uk", c, "--store", str(d / "n9.duckdb"), "--option", "x=1"],
        "import bad extract date": ["import", "police-uk", c, "--store", str(d / "n9.duckdb"), "--option", "extract_date=2026-13-01"],
        "import bad mode": ["import", "police-uk", c, "--store", str(d / "n9.duckdb"), "--option", "mode=sideways"],
        "import missing path": ["import", "police-uk", str(d / "none"), "--store", str(d / "n9.duckdb")],
        "import store is a csv": ["import", "police-uk", c, "--store", c],
        "compute month 13": [*compute, "--to", "2026-13", "--out", str(d / "r.csv")],
        "compute to 9999-12": [*compute, "--to", "9999-12", "--out", str(d / "r.csv")],
        "compute to 0000-01": [*compute, "--to", "0000-01", "--out", str(d / "r.csv")],
        "compute to text": [*compute, "--to", "June", "--out", str(d / "r.csv")],
        "compute to a day": [*compute, "--to", "2024-06-30", "--out", str(d / "r.csv")],
        "compute missing store": ["compute", "--store", missing, "--plan", p, "--to", "2024-06", "--out", str(d / "r.csv")],
        "compute store is a folder": ["compute", "--store", str(d), "--plan", p, "--to", "2024-06", "--out", str(d / "r.csv")],
        "compute store is a csv": ["compute", "--store", c, "--plan", p, "--to", "2024-06", "--out", str(d / "r.csv")],
        "compute out a directory": [*compute, "--to", "2024-06", "--out", str(world["outdir"]) + ".csv"],
        "compute out under a file": [*compute, "--to", "2024-06", "--out", under_file],
        "compute out read-only": [*compute, "--to", "2024-06", "--out", ro_out],
        "compute out bad suffix": [*compute, "--to", "2024-06", "--out", str(d / "r.txt")],
        "compute missing plan": ["compute", "--store", s, "--plan", str(d / "none.yaml"), "--to", "2024-06", "--out", str(d / "r.csv")],
        "compute plan a folder": ["compute", "--store", s, "--plan", str(d), "--to", "2024-06", "--out", str(d / "r.csv")],
        "compute missing snapshot": [*compute, "--to", "2024-06", "--out", str(d / "r.csv"), "--snapshot", "99"],
        "compute negative snapshot": [*compute, "--to", "2024-06", "--out", str(d / "r.csv"), "--snapshot", "-1"],
        "compute huge snapshot": [*compute, "--to", "2024-06", "--out", str(d / "r.csv"), "--snapshot", "99999999999999999999"],
        "report to 9999-12": [*report, "--to", "9999-12", "--out", str(d / "r.html")],
        "report to 0000-01": [*report, "--to", "0000-01", "--out", str(d / "r.html")],
        "report missing store": ["report", "monthly", "--store", missing, "--plan", p, "--to", "2024-06", "--out", str(d / "r.html")],
        "report out a directory": [*report, "--to", "2024-06", "--out", str(world["outdir"]) + ".html"],
        "report out under a file": [*report, "--to", "2024-06", "--out", str(world["afile"] / "r.html")],
        "report out read-only": [*report, "--to", "2024-06", "--out", str(world["ro"] / "r.html")],
        "report unknown kind": ["report", "weekly", "--store", s, "--plan", p, "--to", "2024-06", "--out", str(d / "r.html")],
        "report unknown format": [*report[:-2], "--format", "odt", "--to", "2024-06", "--out", str(d / "r.odt")],
        "report unknown edition": [*report, "--to", "2024-06", "--out", str(d / "r.html"), "--edition", "secret"],
        "report missing commentary": ["report", "quarterly", "--store", s, "--plan", p, "--to", "2024-06", "--out", str(d / "r.html"), "--commentary", str(d / "none.csv")],
        "report commentary a folder": ["report", "quarterly", "--store", s, "--plan", p, "--to", "2024-06", "--out", str(d / "r.html"), "--commentary", str(d)],
        "export missing store": ["export", "crimes", "--store", missing, "--out", str(d / "e.csv")],
        "export unknown table": ["export", "crime", "--store", s, "--out", str(d / "e.csv")],
        "export absent table": ["export", "calls", "--store", s, "--out", str(d / "e.csv")],
        "export out a directory": ["export", "crimes", "--store", s, "--out", str(world["outdir"]) + ".csv"],
        "export out under a file": ["export", "crimes", "--store", s, "--out", str(world["afile"] / "e.csv")],
        "export out read-only": ["export", "crimes", "--store", s, "--out", str(world["ro"] / "e.csv")],
        "export bad suffix": ["export", "crimes", "--store", s, "--out", str(d / "e.xlsx")],
        "export missing snapshot": ["export", "crimes", "--store", s, "--out", str(d / "e.csv"), "--snapshot", "7"],
        "synth to month 13": ["synth", "--out", str(d / "syn1"), "--to", "2026-13", "--years", "1", "--scale", "0.01"],
        "synth to 9999-12": ["synth", "--out", str(d / "syn2"), "--to", "9999-12", "--years", "1", "--scale", "0.01"],
        "synth negative years": ["synth", "--out", str(d / "syn3"), "--years", "-1", "--scale", "0.01"],
        "synth zero years": ["synth", "--out", str(d / "syn4"), "--years", "0", "--scale", "0.01"],
        "synth huge years": ["synth", "--out", str(d / "syn5"), "--years", "100000", "--scale", "0.01"],
        "synth negative scale": ["synth", "--out", str(d / "syn6"), "--years", "1", "--scale", "-1"],
        "synth nan scale": ["synth", "--out", str(d / "syn7"), "--years", "1", "--scale", "nan"],
        "synth huge scale": ["synth", "--out", str(d / "syn8"), "--years", "1", "--scale", "1e12"],
        "synth bad format": ["synth", "--out", str(d / "syn9"), "--format", "xlsx"],
        "synth out a file": ["synth", "--out", str(world["afile"]), "--years", "1", "--scale", "0.01"],
        "synth out read-only": ["synth", "--out", str(world["ro"] / "x"), "--years", "1", "--scale", "0.01"],
    }
    return cases


CASE_NAMES = sorted(_bad_args({"store": Path("s"), "plan": Path("p"), "crimes": Path("c"),
                               "dir": Path("d"), "ro": Path("r"), "afile": Path("f"),
                               "outdir": Path("o")}))


@pytest.mark.parametrize("name", CASE_NAMES)
def test_bad_arguments_exit_2(capsys, world, name):
    if "read-only" in name and os.geteuid() == 0:
        pytest.skip("root writes into read-only folders")
    args = _bad_args(world)[name]
    run = run_cli(capsys, *args)
    _check(run, who=name)
    with Store(world["store"], read_only=True) as st:
        assert st.latest_snapshot() == 1  # the shared store is never changed
