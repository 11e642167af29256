"""Plan text belongs to the plan (issue 12): the shipped Police and Crime Plan is neutral, any
force's; the transcription of seed 003 is the example plan named for Essex."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from crimeplan.plans import load_plan
from crimeplan.plans.load import shipped_plans

ROOT = Path(__file__).resolve().parents[2]
ESSEX = ROOT / "plans" / "essex-police-and-crime-plan.yaml"
SHIPPED = shipped_plans()["police-and-crime-plan"]
COMMENTARY = SHIPPED.parent / "pcp-sample-commentary.csv"


def _printed(plan) -> list[str]:
    """Every plan text a report can print: titles, objectives, notes, commitments and owners."""
    out = [plan.title, plan.description or ""]
    for area in plan.areas_of_focus:
        out += [area.title, area.objective or "", *area.notes]
        out += [t for m in area.measures for t in (m.label, *m.footnotes)]
        out += [t for c in area.commitments for t in (c.text, c.who)]
    return out


def test_shipped_plan_and_sample_commentary_never_mention_essex():
    assert "essex" not in SHIPPED.read_text(encoding="utf-8").lower()
    assert "essex" not in COMMENTARY.read_text(encoding="utf-8").lower()
    plan = load_plan("police-and-crime-plan")
    assert not [t for t in _printed(plan) if "essex" in t.lower()]


@pytest.mark.parametrize("path", [SHIPPED, ESSEX], ids=["shipped", "essex"])
def test_no_extraction_artefacts_in_printed_text(path):
    plan = load_plan(path)
    for _, c in plan.commitments():
        assert not c.text.lstrip().startswith("["), c.id
        assert "•" not in c.text, c.id
    for text in _printed(plan):
        assert "•" not in text and "[...]" not in text, text
        assert "not carried by the canonical tables" not in text, text


def test_essex_example_plan_loads_with_the_same_commitments():
    # shipped, so `--plan essex-police-and-crime-plan` finds it; plans/ links to it
    assert ESSEX.resolve() == shipped_plans()["essex-police-and-crime-plan"].resolve()
    essex, shipped = load_plan("essex-police-and-crime-plan"), load_plan(SHIPPED)
    assert essex.id == "essex-police-and-crime-plan" and "Essex" in essex.title
    assert len(essex.commitments()) == len(shipped.commitments())
    assert [c.who for _, c in essex.commitments()] == [c.who for _, c in shipped.commitments()]
    assert [m.id for _, m in essex.measures()] == [m.id for _, m in shipped.measures()]
    assert essex.commentary is None  # the sample commentary is the demo force's
    # the transcription keeps Essex's own words
    assert any("Essex" in c.text for _, c in essex.commitments())


def test_sample_commentary_keys_on_the_shipped_plan():
    plan = load_plan(SHIPPED)
    ids = {c.id for _, c in plan.commitments()}
    msg_ids = {f"msg:{mm.id}" for mm in plan.msg.measures}  # rows for the MSG table's Commentary
    with COMMENTARY.open(encoding="utf-8", newline="") as fh:
        keys = {row["commitment"] for row in csv.DictReader(fh)}
    assert keys & ids and keys & msg_ids and keys <= ids | msg_ids
