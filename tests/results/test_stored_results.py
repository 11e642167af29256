"""Stored results mean what computed ones mean: every report reads the same from either, a report
reads them without running the engine, and a past snapshot's report is made again unchanged."""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from docx import Document as DocxDocument
from openpyxl import load_workbook

from crimeplan.contract.schema import TABLES as CONTRACT_TABLES
from crimeplan.plans import load_plan
from crimeplan.plans.load import shipped_plans
from crimeplan.report.build import build_document
from crimeplan.results import Results, code_version, compute, plan_hash, results_of, tables_of
from crimeplan.results._frames import from_arrow, to_arrow
from crimeplan.store import Store
from crimeplan.synth import generate
from tests.cli_helpers import run_cli

TO = dt.date(2025, 6, 1)  # a quarter end, so the quarterly update is made too
PLANS = ("monthly-performance", "police-and-crime-plan")


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The synthetic force to June 2025 (seed 5, scale 0.03), every canonical table."""
    root = tmp_path_factory.mktemp("stored")
    return generate(root / "data", seed=5, to_month="2025-06", years=3, scale=0.03)


@pytest.fixture(scope="module")
def store_path(data: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding one snapshot of every table."""
    path = tmp_path_factory.mktemp("store") / "s.duckdb"
    with Store(path) as st:
        st.load({t: [data[t]] for t in CONTRACT_TABLES if t in data}, extract_date=dt.date(2025, 6, 30))
    return path


@pytest.fixture(scope="module")
def computed(store_path: Path) -> Iterator[dict[str, Results]]:
    """Each shipped plan computed in this process (not kept)."""
    with Store(store_path, read_only=True) as st:
        yield {p: compute(st, load_plan(p), TO) for p in PLANS}


def _same(a: object, b: object) -> bool:
    """Equal cells: None and NaN are both 'no figure'; numbers compare exactly."""
    def missing(x: object) -> bool:
        return x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x))

    if missing(a) or missing(b):
        return missing(a) and missing(b)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return (type(a) is type(b) and a == b) or (isinstance(a, float) and isinstance(b, float) and a == b)


@pytest.mark.parametrize("plan_id", PLANS)
def test_every_frame_reads_back_cell_for_cell(computed: dict[str, Results], plan_id: str) -> None:
    """The windows, MSG, monthly and quarters frames come back with the same cells, types included."""
    r = computed[plan_id]
    back = results_of(r.plan, r.key, *tables_of(r))
    assert back.series is None  # no engine frames travel with stored results
    for name in ("table", "msg", "monthly", "quarters"):
        a, b = getattr(r, name), getattr(back, name)
        assert list(a.columns) == list(b.columns), name
        assert len(a) == len(b) > 0, name
        for col in a.columns:
            bad = [(x, y) for x, y in zip(a[col], b[col]) if not _same(x, y)]
            assert not bad, (name, col, bad[:3])
    assert back.charts == r.charts and back.key_points == r.key_points and back.context == r.context
    assert back.svgs == r.svgs and len(r.svgs) >= 5  # the headline charts, drawn once


@pytest.mark.parametrize("plan_id", PLANS)
@pytest.mark.parametrize("edition", ["internal", "public"])
def test_every_report_is_the_same_from_stored_results(computed: dict[str, Results], plan_id: str,
                                                      edition: str) -> None:
    """What a reader sees (every block, cell, note and chart) is identical either way."""
    r = computed[plan_id]
    back = results_of(r.plan, r.key, *tables_of(r))
    for kind in ("monthly", "quarterly", "msg"):
        a = build_document(kind, r, edition=edition, overrides={"date": "1 July 2025"})
        b = build_document(kind, back, edition=edition, overrides={"date": "1 July 2025"})
        assert a == b, kind
        assert a.lineage["plan"] == f"{plan_id} sha256:{plan_hash(r.plan)}"


def test_charts_and_key_points_are_the_documents(computed: dict[str, Results]) -> None:
    """The stored chart of a headline measure is the one drawn: its last point is the report
    month, its icon is the caption's, and its key points are the bullets."""
    r = computed["monthly-performance"]
    doc = build_document("monthly", r)
    m = next(m for _, m in r.plan.measures() if m.headline and (m.id, "monthly") in r.charts)
    chart = r.charts[(m.id, "monthly")]
    assert chart.points[-1].period <= TO and len(chart.points) <= 36
    values = [p.value for p in chart.points if p.value is not None]
    mean = sum(values) / len(values)
    if chart.baseline_last is None and not any(p.segment for p in chart.points):
        assert chart.points[-1].mean == pytest.approx(mean)  # one segment: the mean of its values
    from crimeplan.report.spc_chart import ICON_TEXT

    captions = [b.caption for b in doc.blocks if type(b).__name__ == "Figure"]
    assert any(ICON_TEXT[chart.icon] in c for c in captions)
    bullets = [text for b in doc.blocks if type(b).__name__ == "BulletList" for text, _ in b.items]
    for kp in r.key_points.get(m.id, ())[:6]:
        assert kp.text in bullets


def test_frames_keep_each_cells_python_type() -> None:
    """Ints stay ints, bools bools, dates dates and lists lists; None and NaN stay missing."""
    frame = pd.DataFrame({
        "position": pd.Series([1, None, 3], dtype=object),
        "significant": pd.Series([True, None, False], dtype=object),
        "forces": pd.Series([[("A", 1.5, 1)], [], None], dtype=object),
        "period": pd.Series([dt.date(2025, 1, 1), None, dt.date(2025, 3, 1)], dtype=object),
        "note": pd.Series(["x", float("nan"), None], dtype=object),
        "value": [1.25, float("nan"), 3.0],
    })
    table, kinds = to_arrow(frame)
    back = from_arrow(table, kinds)
    assert back["position"].tolist() == [1, None, 3] and type(back["position"][0]) is int
    assert back["significant"].tolist() == [True, None, False]
    assert back["forces"].tolist() == [[["A", 1.5, 1]], [], None]
    assert back["period"].tolist() == [dt.date(2025, 1, 1), None, dt.date(2025, 3, 1)]
    assert back["note"][0] == "x" and back["note"][1] is None and back["note"][2] is None
    assert back["value"][0] == 1.25 and math.isnan(back["value"][1])


def test_frames_settle_mixed_and_empty_columns_as_cell_by_cell() -> None:
    """Ints with floats are floats; pd.NA is missing; an all-missing column is empty; bools with
    ints keep each cell's type (JSON), whether pandas or the cell-by-cell reading decides."""
    frame = pd.DataFrame({
        "rate": pd.Series([1, 2.5, None], dtype=object),
        "count": pd.Series([1, pd.NA, 4], dtype=object),
        "nothing": pd.Series([None, float("nan"), pd.NA], dtype=object),
        "flag_or_n": pd.Series([True, 1, None], dtype=object),
        "label": pd.Series(["a", pd.NA, "c"], dtype=object),
    })
    table, kinds = to_arrow(frame)
    assert kinds == {"rate": "float", "count": "int", "nothing": "null", "flag_or_n": "json", "label": "str"}
    back = from_arrow(table, kinds)
    assert back["rate"].tolist() == [1.0, 2.5, None] and type(back["rate"][0]) is float
    assert back["count"].tolist() == [1, None, 4] and type(back["count"][2]) is int
    assert back["nothing"].tolist() == [None, None, None]
    assert back["flag_or_n"].tolist() == [True, 1, None] and type(back["flag_or_n"][1]) is int
    assert back["label"].tolist() == ["a", None, "c"]


def _export(path: Path) -> dict[tuple[str, str, str, str], dict[str, str]]:
    return {(r["measure_id"], r["window"], r["area_level"], r["area"]): r for r in csv.DictReader(path.open())}


def test_a_report_reads_stored_results_without_the_engine(store_path: Path, tmp_path: Path, capsys,
                                                          monkeypatch) -> None:
    """After `compute`, `report` (every format) and `export series` never run the engine, and
    every figure the manifest traces equals its row of the results export."""
    store = tmp_path / "s.duckdb"
    shutil.copy(store_path, store)
    export = tmp_path / "results.csv"
    run = run_cli(capsys, "compute", "--store", str(store), "--plan", "monthly-performance", "--to", "2025-06",
                  "--out", str(export))
    assert run.code == 0, run.err
    with Store(store, read_only=True) as st:
        runs = st.results_runs()
    assert [(r["snapshot_id"], r["to_month"], r["code_version"]) for r in runs] == [(1, TO, code_version())]

    def no_engine(*args: object, **kwargs: object) -> None:
        raise AssertionError("the engine ran although the results are stored")

    monkeypatch.setattr("crimeplan.engine.compute.compute_series", no_engine)
    monkeypatch.setattr("crimeplan.results._compute.compute_series", no_engine)
    rows = _export(export)
    with Store(store, read_only=True) as st:
        from crimeplan.results import stored

        kept = stored(st, load_plan("monthly-performance"), TO)
    assert kept is not None
    results_kp = {m: [kp.text for kp in found] for m, found in kept.key_points.items()}
    for fmt in ("html", "pdf", "docx", "xlsx"):
        out = tmp_path / f"monthly.{fmt}"
        run = run_cli(capsys, "report", "monthly", "--store", str(store), "--plan", "monthly-performance",
                      "--to", "2025-06", "--format", fmt, "--out", str(out))
        assert run.code == 0, run.err
        manifest = json.loads((tmp_path / f"monthly.{fmt}.manifest.json").read_text())
        assert manifest["snapshot"]["id"] == 1 and manifest["to"] == "2025-06"
        files = {f["table_name"]: f for f in manifest["snapshot"]["files"]}
        assert set(files) >= {"crimes", "areas"} and all(len(f["sha256"]) == 64 for f in files.values())
        traced = 0
        for fig in manifest["figures"]:
            if fig["value"] is None or not fig["results_row"] or fig["results_row"][0] != "windows":
                continue
            _, window, level, area = fig["results_row"]
            row = rows[(fig["measure_id"], window, level, area)]
            if fig["field"] in ("current_value", "previous_value", "current_numerator", "current_denominator"):
                assert float(row[fig["field"]]) == fig["value"], fig
                traced += 1
        assert traced >= 40, traced  # both years of every force row, and the LPA breakdowns
        untraced = [f for f in manifest["figures"] if f["value"] is not None and not f["results_row"]]
        assert not untraced, untraced[:3]
        # every chart and key point names the stored chart or fact it shows
        assert len(manifest["charts"]) >= 5 and all(c["results_row"][0] == "charts" for c in manifest["charts"])
        assert len(manifest["key_points"]) >= 5
        for kp in manifest["key_points"]:
            _, measure_id, position = kp["results_row"]
            assert kp["text"] == results_kp[measure_id][position]
    series = tmp_path / "series.csv"
    assert run_cli(capsys, "export", "series", "--store", str(store), "--plan", "monthly-performance",
                   "--to", "2025-06", "--out", str(series)).code == 0
    assert len(list(csv.DictReader(series.open()))) > 1000


def test_every_format_names_its_lineage(store_path: Path, tmp_path: Path, capsys) -> None:
    """The snapshot, the plan's hash and the month are in each file's own metadata."""
    store = tmp_path / "s.duckdb"
    shutil.copy(store_path, store)
    plan = load_plan("monthly-performance")
    wanted = ["snapshot 1", f"plan monthly-performance sha256:{plan_hash(plan)}", "to 2025-06"]
    texts = {}
    for fmt in ("html", "pdf", "docx", "xlsx"):
        out = tmp_path / f"m.{fmt}"
        assert run_cli(capsys, "report", "msg", "--store", str(store), "--plan", "monthly-performance",
                       "--to", "2025-06", "--format", fmt, "--out", str(out)).code == 0
    texts["html"] = (tmp_path / "m.html").read_text()
    texts["pdf"] = subprocess.run(["pdfinfo", str(tmp_path / "m.pdf")], capture_output=True, text=True,
                                  check=True).stdout
    texts["docx"] = DocxDocument(str(tmp_path / "m.docx")).core_properties.comments
    texts["xlsx"] = load_workbook(tmp_path / "m.xlsx").properties.description
    for fmt, text in texts.items():
        for w in wanted:
            assert w in text, (fmt, w)


def test_a_past_snapshot_makes_the_same_report(data: dict[str, Path], tmp_path: Path, capsys) -> None:
    """A later load changes the latest report; `--snapshot 1` makes the first one again, and a
    changed plan (its hash) is computed afresh rather than read from another plan's results."""
    store = tmp_path / "s.duckdb"
    with Store(store) as st:
        st.load({t: [data[t]] for t in CONTRACT_TABLES if t in data}, extract_date=dt.date(2025, 6, 30))
    common = ["--store", str(store), "--plan", "monthly-performance", "--to", "2025-06", "--date", "1 July 2025"]
    first = tmp_path / "first.html"
    assert run_cli(capsys, "report", "monthly", *common, "--out", str(first)).code == 0
    # a second snapshot: the crimes file again, without its first 300 rows
    fewer = tmp_path / "crimes.parquet"
    pd.read_parquet(data["crimes"]).iloc[300:].to_parquet(fewer, index=False)
    with Store(store) as st:
        st.load({"crimes": [fewer]}, extract_date=dt.date(2025, 6, 30))
    latest, again = tmp_path / "latest.html", tmp_path / "again.html"
    assert run_cli(capsys, "report", "monthly", *common, "--out", str(latest)).code == 0
    assert run_cli(capsys, "report", "monthly", *common, "--snapshot", "1", "--out", str(again)).code == 0
    assert latest.read_text() != first.read_text()
    assert again.read_bytes() == first.read_bytes()
    # recomputed from the snapshot's records (stored results dropped), the figures are the same
    with Store(store) as st:
        assert st.forget_results(1) == 1
    remade = tmp_path / "remade.html"
    assert run_cli(capsys, "report", "monthly", *common, "--snapshot", "1", "--out", str(remade)).code == 0
    figures = [json.loads((tmp_path / f"{n}.html.manifest.json").read_text())["figures"] for n in ("first", "remade")]
    assert [(f["measure_id"], f["field"], f["results_row"]) for f in figures[0]] == \
        [(f["measure_id"], f["field"], f["results_row"]) for f in figures[1]]
    for a, b in zip(*figures):
        if a["value"] is not None:
            assert b["value"] == pytest.approx(a["value"], rel=1e-9), a
    # another plan text: another hash, so its own results
    plan = tmp_path / "plan.yaml"
    text = Path(shipped_plans()["monthly-performance"]).read_text()
    assert "title: Monthly Performance Report" in text
    plan.write_text(text.replace("title: Monthly Performance Report", "title: Monthly Performance Report (copy)"))
    assert run_cli(capsys, "report", "monthly", "--store", str(store), "--plan", str(plan), "--to", "2025-06",
                   "--out", str(tmp_path / "copy.html")).code == 0
    with Store(store, read_only=True) as st:
        hashes = {r["plan_hash"] for r in st.results_runs()}
    assert hashes == {plan_hash(load_plan("monthly-performance")), plan_hash(load_plan(str(plan)))}
