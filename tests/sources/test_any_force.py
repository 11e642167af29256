"""Any force from the README (issue 12): `crimeplan init`, districts created since 2016, no
invented peers on a real force's reports, and the examples' one real-data setting."""

from __future__ import annotations

import csv
import html
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml

from crimeplan.plans import load_plan
from crimeplan.store import Store
from tests.cli_helpers import run_cli
from tests.sources.conftest import REAL, needs_real, raw_rows

ROOT = Path(__file__).resolve().parents[2]
STREET = REAL / "police_uk_street"
C2 = REAL / "ons_pfa_tables" / "ons_pfa_tables_ye_jun2025_table_C2_csp.csv"
LSOA = re.compile(r"^(.+?)\s+[0-9]{3}[A-Z]$")


def page_text(path: Path) -> str:
    """What a reader sees of an HTML page: tags, styles and scripts dropped, spaces squashed."""
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"<(style|script)\b.*?</\1>", " ", text, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


def pdf_text(path: Path) -> str:
    """The PDF's text as pdftotext reads it, spaces squashed."""
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(out.stdout.split())


def by_district(rows: list[dict[str, str]]) -> Counter[str | None]:
    """Crimes (not ASB) per district as the LSOA names give them, counted with the csv module.

    A Crime ID given twice counts once (its first row), as police.uk's few repeats are one crime.
    """
    seen: set[str] = set()
    out: Counter[str | None] = Counter()
    for r in rows:
        if r["Crime type"] == "Anti-social behaviour" or (r["Crime ID"] and r["Crime ID"] in seen):
            continue
        seen.add(r["Crime ID"])
        m = LSOA.match(r["LSOA name"].strip())
        out[m.group(1) if m else None] += 1
    return out


def stored_by_district(store: Path) -> Counter[str | None]:
    with Store(store, read_only=True) as st:
        return Counter(st.arrow("crimes").column("district").to_pylist())


def areas(store: Path) -> dict[str, str]:
    with Store(store, read_only=True) as st:
        t = st.arrow("areas").to_pylist()
    return {r["district"]: r["lpa"] for r in t}


# ---- crimeplan init ----------------------------------------------------------------------------

def test_init_writes_a_commented_starter_plan_for_the_force(tmp_path, capsys):
    run = run_cli(capsys, "init", "--force", "Kent Police", "--out", str(tmp_path / "kent"))
    assert run.code == 0, run.err
    path = tmp_path / "kent" / "kent-plan.yaml"
    assert f"wrote{path}" in "".join(run.out.split())  # the console wraps long paths
    text = path.read_text(encoding="utf-8")
    # commented for the analyst: where MSG membership comes from, and not to invent it
    assert "# MSG membership comes from HMICFRS" in text and "Do not invent one" in text
    plan = load_plan(path)
    assert plan.force is not None and plan.force.name == "Kent"
    assert plan.msg is not None and plan.msg.home == "Kent" and plan.msg.peers == []
    assert "Kent Police" in plan.title and "Shire" not in text and "Essex" not in plan.title
    # the measures are the shipped police.uk plan's
    assert [m.id for _, m in plan.measures()] == [m.id for _, m in load_plan("police-uk").measures()]
    # LPAs: Folkestone and Hythe (Shepway until 2018), Dartford and Gravesham one CSP of two districts
    assert plan.force.lpas["Folkestone and Hythe"] == ["Folkestone and Hythe"]
    assert plan.force.lpas["Dartford and Gravesham"] == ["Dartford", "Gravesham"]
    assert "Shepway" not in plan.force.lpas


@needs_real
def test_init_lpas_are_the_current_onstable_csps(tmp_path, capsys):
    """Thames Valley's LPAs are the CSPs the ONS 2025 table lists; Buckinghamshire spans four."""
    rows = list(csv.reader(C2.open(encoding="utf-8-sig")))
    csps = {r[3] for r in rows if len(r) > 5 and r[1] == "Thames Valley" and r[2]}
    bucks = {r[3] for r in rows if len(r) > 5 and r[5] == "Buckinghamshire"}
    assert bucks == {"Aylesbury Vale", "Chiltern", "South Bucks", "Wycombe"}
    assert run_cli(capsys, "init", "--force", "thames valley", "--out", str(tmp_path / "tv.yaml")).code == 0
    plan = load_plan(tmp_path / "tv.yaml")
    # every CSP whose authority still exists is an LPA; the four merged into Buckinghamshire are one
    assert set(plan.force.lpas) == (csps - bucks) | {"Buckinghamshire"}
    assert plan.force.lpas["Buckinghamshire"] == ["Buckinghamshire"]


def test_init_accepts_either_spelling_and_refuses_to_overwrite(tmp_path, capsys):
    assert run_cli(capsys, "init", "--force", "Kent", "--out", str(tmp_path / "a")).code == 0
    assert run_cli(capsys, "init", "--force", "Kent Police", "--out", str(tmp_path / "b")).code == 0
    a, b = (tmp_path / d / "kent-plan.yaml" for d in "ab")
    assert a.read_text(encoding="utf-8") == b.read_text(encoding="utf-8")
    a.write_text(a.read_text(encoding="utf-8") + "# my edits\n", encoding="utf-8")
    again = run_cli(capsys, "init", "--force", "Kent", "--out", str(tmp_path / "a"))
    assert again.code == 2 and "Traceback" not in again.err
    assert str(a) in again.err and "--overwrite" in again.err
    assert a.read_text(encoding="utf-8").endswith("# my edits\n")  # untouched
    assert run_cli(capsys, "init", "--force", "Kent", "--out", str(tmp_path / "a"), "--overwrite").code == 0
    assert "# my edits" not in a.read_text(encoding="utf-8")


def test_init_unknown_force_lists_close_matches(tmp_path, capsys):
    run = run_cli(capsys, "init", "--force", "Kentt Police", "--out", str(tmp_path))
    assert run.code == 2 and "Traceback" not in run.err
    assert "unknown police force 'Kentt Police'" in run.err and "did you mean Kent?" in run.err
    assert not list(tmp_path.iterdir())


def test_msg_home_must_be_the_plans_force(tmp_path):
    plan = yaml.safe_load(load_plan_text("police-uk"))
    plan["force"] = {"name": "Kent"}
    plan["msg"] = {"home": "Essex", "peers": [], "measures": [{"id": "all_crime", "label": "All crime"}]}
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(plan), encoding="utf-8")
    with pytest.raises(Exception, match=r"msg\.home 'Essex' is not the plan's force 'Kent'"):
        load_plan(path)


def load_plan_text(name: str) -> str:
    from crimeplan.plans import resolve

    return resolve(name).read_text(encoding="utf-8")


# ---- Essex example plans by name ---------------------------------------------------------------

@pytest.mark.parametrize("name", ["essex-msg", "essex-police-and-crime-plan"])
def test_essex_example_plans_are_reachable_by_name(name):
    plan = load_plan(name)
    assert plan.id == name and "Essex" in plan.title
    assert (ROOT / "plans" / f"{name}.yaml").resolve() == load_plan.__globals__["resolve"](name).resolve()
    assert name in (ROOT / "README.md").read_text(encoding="utf-8")


# ---- districts created since 2016 --------------------------------------------------------------

@needs_real
def test_thames_valley_january_2024_keeps_buckinghamshire(tmp_path, capsys):
    raw = raw_rows(STREET / "all_forces_2024-01" / "2024-01-thames-valley-street.csv.gz")
    by_hand = by_district(raw)
    assert by_hand["Buckinghamshire"] > 0.15 * sum(by_hand.values())  # the fifth the issue saw lost
    store = tmp_path / "tv.duckdb"
    street = STREET / "all_forces_2024-01" / "2024-01-thames-valley-street.csv.gz"
    run = run_cli(capsys, "import", "police-uk", str(street), "--store", str(store))
    assert run.code == 0, run.err
    stored = stored_by_district(store)
    # every district of the force is kept with its own count; only another force's stays force level
    others = {"Central Bedfordshire"}  # Bedfordshire's, by the 2016 lookup
    for district, n in by_hand.items():
        if district is not None and district not in others:
            assert stored[district] == n, district
    assert stored[None] == by_hand[None] + sum(by_hand[d] for d in others)
    assert sum(stored.values()) == sum(by_hand.values())  # nothing lost
    assert areas(store)["Buckinghamshire"] == "Buckinghamshire"
    assert "Aylesbury Vale" not in areas(store)  # merged away in 2020: no row of zeros


@needs_real
def test_kent_shepway_is_stored_as_folkestone_and_hythe(tmp_path, capsys):
    files = [STREET / "peers" / "2018-10-kent-street.csv.gz", STREET / "peers" / "2024-01-kent-street.csv.gz"]
    old, new = (by_district(raw_rows(f)) for f in files)
    assert old["Shepway"] > 0 and old["Folkestone and Hythe"] == 0
    assert new["Folkestone and Hythe"] > 0 and new["Shepway"] == 0
    store = tmp_path / "kent.duckdb"
    run = run_cli(capsys, "import", "police-uk", *map(str, files), "--store", str(store))
    assert run.code == 0, run.err
    assert "Shepway → Folkestone and Hythe" in run.out
    with Store(store, read_only=True) as st:
        rows = st.arrow("crimes").select(["recorded_date", "district"]).to_pylist()
    per_month = Counter((r["recorded_date"].year, r["district"]) for r in rows)
    assert per_month[(2018, "Folkestone and Hythe")] == old["Shepway"]
    assert per_month[(2024, "Folkestone and Hythe")] == new["Folkestone and Hythe"]
    assert not any(d == "Shepway" for _, d in per_month)
    assert areas(store)["Folkestone and Hythe"] == "Folkestone and Hythe"
    assert areas(store)["Dartford"] == areas(store)["Gravesham"] == "Dartford and Gravesham"


# ---- a real force's reports never show the synthetic force's peers ------------------------------

@pytest.fixture(scope="module")
def kent_store(tmp_path_factory):
    if not (REAL / "README.md").exists():
        pytest.skip(f"real public data not found at {REAL}")
    root = tmp_path_factory.mktemp("kent")
    from crimeplan.sources import run_import

    run_import("police-uk", [STREET / "peers" / "2024-01-kent-street.csv.gz"], root / "kent.duckdb",
               force="Kent", options={})
    return root


@pytest.mark.parametrize("plan, says", [
    ("monthly-performance", "No Most Similar Group is named for Kent: this plan's peer group is for "
                            "Shire Constabulary, another force, so it is not shown."),
    ("starter", "No Most Similar Group is named for Kent: the plan's peer list (msg.peers) is empty."),
    ("starter-with-peers", "No peers data imported"),
])
def test_msg_page_says_plainly_why_there_is_no_comparison(kent_store, capsys, plan, says):
    if plan.startswith("starter"):
        path = kent_store / f"{plan}.yaml"
        assert run_cli(capsys, "init", "--force", "Kent", "--out", str(path), "--overwrite").code == 0
        if plan == "starter-with-peers":
            text = path.read_text(encoding="utf-8").replace("  peers: []", "  peers: [Essex, Sussex]")
            path.write_text(text, encoding="utf-8")
        plan = str(path)
    out = kent_store / "msg.html"
    run = run_cli(capsys, "report", "msg", "--store", str(kent_store / "kent.duckdb"), "--plan", plan,
                  "--to", "2024-01", "--format", "html", "--out", str(out))
    assert run.code == 0, run.err
    text = page_text(out)
    assert says in text
    for invented in ("Avonmere", "Cheviot", "Dunmore", "Fenwick", "Greywater", "Highmoor", "Lowland Vale"):
        assert invented not in text
    assert "Position 1 is best" not in text  # no comparison table of blanks


@needs_real
def test_shipped_monthly_report_on_a_real_force_names_no_invented_peers(kent_store, capsys):
    out = kent_store / "monthly.pdf"
    run = run_cli(capsys, "report", "monthly", "--store", str(kent_store / "kent.duckdb"), "--plan",
                  "monthly-performance", "--to", "2024-01", "--format", "pdf", "--out", str(out))
    assert run.code == 0, run.err
    text = pdf_text(out)
    assert ("Most Similar Group comparison No Most Similar Group is named for Kent: this plan's peer "
            "group is for Shire Constabulary, another force, so it is not shown.") in text
    for invented in ("Avonmere", "Cheviot", "Dunmore", "Fenwick", "Greywater", "Highmoor", "Lowland Vale"):
        assert invented not in text


@needs_real
def test_a_plan_for_another_force_is_refused(kent_store, capsys):
    path = kent_store / "essex.yaml"
    assert run_cli(capsys, "init", "--force", "Essex", "--out", str(path), "--overwrite").code == 0
    run = run_cli(capsys, "report", "monthly", "--store", str(kent_store / "kent.duckdb"), "--plan", str(path),
                  "--to", "2024-01", "--format", "html", "--out", str(kent_store / "x.html"))
    assert run.code == 2 and "the plan is for Essex, but the store holds Kent's data" in run.err


# ---- the examples: one real-data setting, one clear line when it is missing ----------------------

@pytest.mark.parametrize("example", ["real_demo", "essex_msg", "real_alarms"])
def test_examples_without_the_data_exit_2_with_one_line(tmp_path, example):
    env = {"CRIMEPLAN_REAL_DATA": str(tmp_path / "nowhere"), "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, str(ROOT / "examples" / f"{example}.py"), "--out", str(tmp_path / "o")],
                          capture_output=True, text=True, env=env, cwd=tmp_path)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr
    assert lines[0].startswith(f"{example}: error:") and str(tmp_path / "nowhere") in lines[0]
    assert "--data DIR" in lines[0] and "CRIMEPLAN_REAL_DATA" in lines[0]


def test_examples_take_the_data_folder_from_the_environment(tmp_path, monkeypatch):
    from crimeplan.sources.real_data import default_data

    monkeypatch.setenv("CRIMEPLAN_REAL_DATA", str(tmp_path))
    assert default_data(ROOT) == tmp_path
    monkeypatch.delenv("CRIMEPLAN_REAL_DATA")
    beside = ROOT.parent / "shared" / "data" / "real"
    assert default_data(ROOT) == (beside if beside.exists() else None)

