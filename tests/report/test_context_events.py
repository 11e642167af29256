"""Every context event in scope is named where its measure is shown: table footnote and chart."""

from __future__ import annotations

import datetime as dt
import re

import yaml

from crimeplan.periods import add_months
from crimeplan.plans import load_plan
from crimeplan.report.build import build_document
from crimeplan.report.common import spc_figure
from crimeplan.report.render import render
from crimeplan.results import compute
from crimeplan.store import Store
from tests.conftest import AREAS, write_csv

MONTHS = [add_months(dt.date(2021, 7, 1), i) for i in range(36)]  # Jul 2021 .. Jun 2024
EVENTS = [
    {"date": "2023-03-01", "scope": "all_crime", "kind": "initiative", "description": "Operation Lantern began"},
    {"date": "2022-01-01", "scope": "*", "kind": "note", "description": "New crime system"},
    {"date": "2020-05-01", "scope": "all_crime", "kind": "note", "description": "Before every window"},
    {"date": "2023-09-01", "scope": "other_measure", "kind": "note", "description": "Not this measure"},
]
PLAN = {"id": "e", "title": "E", "areas_of_focus": [{"id": "a", "title": "A", "measures": [
    {"id": "all_crime", "label": "All crime", "source": "crimes", "headline": True}]}]}


def _results(tmp_path, to: dt.date):
    """The one-measure plan computed over Jul 2021 - Jun 2024 with the four events loaded."""
    crimes = [{"crime_id": f"K{m:%Y%m}{i}", "recorded_date": f"{m:%Y-%m}-0{1 + i}", "offence_group": "x",
               "district": "A"} for m in MONTHS for i in range(5 + m.month % 3)]
    files = {"areas": [write_csv(tmp_path / "a.csv", "areas", AREAS)],
             "crimes": [write_csv(tmp_path / "c.csv", "crimes", crimes)],
             "events": [write_csv(tmp_path / "e.csv", "events", EVENTS)]}
    (tmp_path / "p.yaml").write_text(yaml.safe_dump(PLAN))
    with Store(tmp_path / "s.duckdb") as store:
        store.load(files, extract_date=dt.date(2024, 6, 30))
        return compute(store, load_plan(tmp_path / "p.yaml"), to)


def test_events_are_footnoted_and_named_under_the_chart(tmp_path):
    results = _results(tmp_path, dt.date(2024, 6, 1))
    document = build_document("monthly", results)
    # the 12-month row covers Jul 2022 - Jun 2024 with last year: the initiative is in, the
    # 2022 note is not (Jan 2022 is before Jul 2022), nor is the 2020 one or another measure's
    assert "March 2023: Operation Lantern began." in document.footnotes
    assert not any("New crime system" in f or "Before every window" in f or "Not this measure" in f
                   for f in document.footnotes)
    caption = spc_figure(results, results.plan.measure("all_crime"), quarterly_points=False).caption
    # the chart runs Jul 2021 - Jun 2024: both events inside it are named, the others are not
    assert "Jan 2022: New crime system" in caption and "Mar 2023: Operation Lantern began" in caption
    assert "Before every window" not in caption and "Not this measure" not in caption


def test_the_annual_table_footnotes_the_events_of_its_two_years(tmp_path):
    # the 12 months to March 2024 against the 12 months to March 2023 span Apr 2022 - Mar 2024:
    # the initiative (Mar 2023) is footnoted on the All crime row; the others are not
    results = _results(tmp_path, dt.date(2024, 3, 1))
    html = render(build_document("annual", results), tmp_path / "annual.html").read_text(encoding="utf-8")
    notes = re.findall(r'<li id="cp-note-(\d+)">(.*?)</li>', html)
    assert [text for _, text in notes] == ["March 2023: Operation Lantern began."]
    row = next(r for r in html.split("<tr")[1:] if "All crime" in r)
    assert f'href="#cp-note-{notes[0][0]}"' in row
