"""End to end: the MSG executive summary lists exactly the measures whose flags say so."""

from __future__ import annotations

import datetime as dt

import pytest

from crimeplan.narrative import join_list
from crimeplan.plans import load_plan
from crimeplan.report.build import build_document
from crimeplan.report.document import BulletList, Table
from crimeplan.results import compute


@pytest.fixture(scope="module")
def results(msg_store):
    return compute(msg_store, load_plan("monthly-performance"), dt.date(2025, 12, 1))


def test_every_compared_measure_has_its_figures(results):
    msg = results.msg
    plan = results.plan
    assert list(msg.measure_id) == [m.id for m in plan.msg.measures]
    for r in msg.to_dict("records"):
        assert 1 <= r["msg_position"] <= r["msg_size"] == 8
        assert r["msg_quartile"] in (1, 2, 3, 4)
        values = sorted(v for _, v, _ in r["forces"])
        assert r["msg_average"] == pytest.approx(sum(values) / 8)
        assert r["aspiration_met"] in ("met", "not met", "no aspiration")
        assert r["msg_significance"] in ("better", "worse", "similar")
        assert r["position_change"] in ("improved", "deteriorated", "unchanged")
        assert len(r["sparkline"]) == 12


def test_executive_summary_lists_exactly_the_flagged_measures(results):
    doc = build_document("msg", results)
    summary = next(b for b in doc.blocks if isinstance(b, BulletList) and b.title == "Executive summary")
    sentences = [text for text, _ in summary.items]
    msg = results.msg
    home = results.plan.msg.home

    def listed(status_col: str, value: str) -> list[str]:
        return list(msg[msg[status_col] == value].label)

    expected = {
        "meeting its aspiration": listed("aspiration_met", "met"),
        "not meeting its aspiration": listed("aspiration_met", "not met"),
        "position has improved": listed("position_change", "improved"),
        "position has deteriorated": listed("position_change", "deteriorated"),
        "no aspiration for": listed("aspiration_met", "no aspiration"),
    }
    for phrase, labels in expected.items():
        found = [s for s in sentences
                 if phrase in s and not (phrase == "meeting its aspiration" and "not meeting" in s)]
        if labels:
            assert len(found) == 1, (phrase, sentences)
            assert found[0].rstrip(".").endswith(join_list(labels)), (found[0], labels)
        else:
            assert not found, (phrase, sentences)
    assert all(home in s or s.startswith("There is no aspiration") for s in sentences)
    table = next(b for b in doc.blocks if isinstance(b, Table) and b.name == "MSG comparison")
    assert [row[1].text for row in table.rows] == list(msg.label)


def test_sparklines_are_pictures_in_every_format(results, tmp_path):
    import docx
    import openpyxl

    from crimeplan.report.render import render

    doc = build_document("msg", results)
    n = len(results.msg)
    html = render(doc, tmp_path / "m.html").read_text()
    assert html.count("<polyline") >= n  # inline SVG
    book = openpyxl.load_workbook(render(doc, tmp_path / "m.xlsx"))
    sheet = next(ws for ws in book.worksheets if ws.title.startswith("MSG"))
    assert len(sheet._images) == n
    word = docx.Document(str(render(doc, tmp_path / "m.docx")))
    assert len(word.inline_shapes) >= n
