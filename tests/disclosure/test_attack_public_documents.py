"""A reader attacks every public edition by differencing and recovers no small count.

The synthetic force at a small scale (so small counts abound), with some casualties and crimes
recorded without a district (so force minus its LPAs is a count of its own), computed with each
shipped plan and with the same plans showing 12 months, financial year to date, quarter and
month for every count. The reader knows every figure the public results table prints, every
relation between them (areas, windows, declared parts) and, pessimistically, which relations
leave nothing over; it subtracts until nothing more comes, then a second reader solves all the
relations at once. Neither may recover a count from 1 to 4: not a withheld figure, not a remainder
printed nowhere (no-district records, the months between two windows), not a group of withheld
figures. (A figure withheld only for the other year's small count may come back for this year:
it holds no small count.)
"""

from __future__ import annotations

import datetime as dt
import html
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from crimeplan.contract.schema import TABLES
from crimeplan.disclosure import VALUE_COLUMNS, attack, primary, relations
from crimeplan.disclosure._attack import exact_relations
from crimeplan.disclosure._exact import solved_rows
from crimeplan.disclosure._relations import YEARS, figures
from crimeplan.plans import load_plan
from crimeplan.plans.model import Plan
from crimeplan.report.build import build_document, public_results
from crimeplan.report.render.html import render_html
from crimeplan.results import compute
from crimeplan.store import Store
from crimeplan.synth import generate

THRESHOLD = 5
TO = dt.date(2026, 3, 1)


def _blank_districts(path, every: int) -> None:
    """Record every `every`-th row without a district."""
    t = pq.read_table(path)
    district = t.column("district").to_pylist()
    district = [None if i % every == 0 else d for i, d in enumerate(district)]
    column = t.schema.get_field_index("district")
    pq.write_table(t.set_column(column, "district", pa.array(district, pa.string())), path)


def _wide(plan: Plan) -> Plan:
    """The plan with every 12-month count and proportion also shown FYTD, by quarter and by month."""
    d = plan.model_dump()
    for area in d["areas_of_focus"]:
        for m in area["measures"]:
            if m["windows"] == ["12m"] and m["aggregation"] != "aggregate":
                m["windows"] = ["12m", "fytd", "quarter", "month"]
    return Plan.model_validate(d)


@pytest.fixture(scope="module")
def computed(tmp_path_factory):
    root = tmp_path_factory.mktemp("attack")
    files = generate(root / "data", seed=3, to_month="2026-03", years=2, scale=0.04)
    assert str(files["casualties"]).endswith(".parquet")
    _blank_districts(files["casualties"], 40)
    _blank_districts(files["crimes"], 400)
    store = Store(root / "s.duckdb")
    store.load({t: [files[t]] for t in TABLES}, extract_date=dt.date(2026, 3, 31))
    out = {}
    for name in ("monthly-performance", "police-and-crime-plan"):
        plan = load_plan(name)
        out[name] = compute(store, plan, TO)
        out[name + " (all windows)"] = compute(store, _wide(plan), TO)
    store.close()
    return out


def _primary_only(table: pd.DataFrame) -> pd.DataFrame:
    out = table.copy()
    out["suppressed"] = primary(table, THRESHOLD)
    for col in VALUE_COLUMNS:
        if col in out:
            out[col] = out[col].astype(object)
            out.loc[out.suppressed, col] = None
    return out


def _leaks(full: pd.DataFrame, public: pd.DataFrame, rels) -> list:
    """Recovered withheld rows, and recovered remainders or groups that are small counts."""
    found = attack(public, rels, exact_relations(full, rels))
    small = [r for r in found if (r.kind == "row" and _is_small(figures(full)[r.year][0][r.rows[0]]))
             or (r.kind != "row" and _is_small(np.array(r.values)))]
    return small


def _is_small(v: np.ndarray) -> bool:
    return bool(np.any((v > 1e-9) & (v < THRESHOLD - 1e-9)))


def _exact_leaks(full: pd.DataFrame, public: pd.DataFrame, rels) -> list[tuple[str, int]]:
    figs, hidden = figures(full), public["suppressed"].to_numpy(bool)
    return [(year, row) for year in YEARS
            for row in solved_rows(rels, hidden, *figs[year]) if _is_small(figs[year][0][row])]


CASES = ["monthly-performance", "police-and-crime-plan", "monthly-performance (all windows)",
         "police-and-crime-plan (all windows)"]


@pytest.mark.parametrize("case", CASES)
def test_differencing_recovers_no_small_count(computed, case):
    results = computed[case]
    full = results.table.reset_index(drop=True)
    rels = relations(full, results.series.areas, results.plan)
    assert {r.kind for r in rels} >= {"area", "parts"}
    # the attack has teeth: withholding only the small counts leaves some to be worked out
    before = _leaks(full, _primary_only(full), rels)
    assert before, "no small count was recoverable even before secondary suppression"
    public = public_results(results).table.reset_index(drop=True)
    assert _leaks(full, public, rels) == []
    assert _exact_leaks(full, public, rels) == []
    shown = public[~public.suppressed]
    for col in ("current_numerator", "previous_numerator"):
        assert not ((shown[col] > 0) & (shown[col] < THRESHOLD)).any()


WINDOW = {"12m": "12m", "Quarter": "quarter", "Monthly": "month", "FYTD": "fytd"}
CELL = re.compile(r'<(td|th)([^>]*)>(.*?)</\1>', re.S)


def _printed_from_html(text: str, full: pd.DataFrame, force: str) -> pd.DataFrame:
    """The results table as a reader of the HTML knows it: only the counts the page prints."""
    printed = full.copy()
    for col in VALUE_COLUMNS:
        printed[col] = None
    printed["suppressed"] = True
    key = {k: i for i, k in enumerate(zip(full.measure_id, full.window, full.area_level, full.area))}
    windows = full.groupby("measure_id").window.first().to_dict()
    for tr in re.findall(r"<tr>(.*?)</tr>", text, re.S):
        cells = [(dict(re.findall(r'data-(\w+)="([^"]*)"', attrs)), html.unescape(re.sub("<[^>]+>", "", body)))
                 for _, attrs, body in CELL.findall(tr)]
        if not cells:
            continue
        first_attrs, first_text = cells[0]
        if first_attrs.get("field") == "label":  # performance table: force row, window in the label
            found = re.search(r"\((12m|Quarter|Monthly|FYTD): ", first_text)
            level, area, window = "force", force, WINDOW[found.group(1)] if found else None
        elif first_text.endswith("(force)") or any(a.get("measure") for a, _ in cells[1:]):
            level = "force" if first_text.endswith("(force)") else "lpa"
            area, window = (force if level == "force" else first_text), None
        else:
            continue
        for attrs, body in cells[1:]:
            mid, field = attrs.get("measure"), attrs.get("field")
            if not mid or field not in ("current_value", "previous_value", "current_numerator",
                                        "current_denominator"):
                continue
            i = key.get((mid, window or windows[mid], level, area))
            if i is None or (full.loc[i, "unit"] != "count" and field.endswith("value")):
                continue
            body = body.strip()
            if body == "[c]" or not re.fullmatch(r"-?[\d,]+(\.\d+)?", body):
                continue
            number = float(body.replace(",", ""))
            year = field.split("_")[0]
            col = f"{year}_numerator" if field.endswith("value") else field
            printed.loc[i, col] = number
            printed.loc[i, "suppressed"] = False
    return printed


@pytest.mark.parametrize("case, kind", [("monthly-performance", "monthly"),
                                        ("police-and-crime-plan (all windows)", "quarterly")])
def test_the_rendered_page_gives_nothing_back(computed, case, kind):
    results = computed[case]
    full = results.table.reset_index(drop=True)
    public = public_results(results).table.reset_index(drop=True)
    text = render_html(build_document(kind, results, edition="public"))
    printed = _printed_from_html(text, full, results.series.force or "force")
    shown = printed[~printed.suppressed]
    assert len(shown) > 10 and "[c]" in text
    # every count the page prints is the public table's (so the table-level attack covers the page)
    for i, rec in shown.iterrows():
        assert not public.loc[i, "suppressed"], full.loc[i, ["measure_id", "window", "area"]].tolist()
        for col in ("current_numerator", "previous_numerator"):
            if rec[col] is not None:
                assert rec[col] == pytest.approx(float(full.loc[i, col])), (i, col)
    rels = relations(full, results.series.areas, results.plan)
    assert _leaks(full, printed, rels) == []
