"""A load killed with SIGKILL at a random moment leaves the store exactly as it was; a compute
started during a load sees the previous snapshot or says the store is busy (exit 2)."""

from __future__ import annotations

import csv
import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crimeplan.errors import StoreBusy
from crimeplan.store import Store

HEADER = ["crime_id", "recorded_date", "offence_code", "offence_group", "district", "domestic_abuse",
          "hate", "rural", "night_time_economy", "business", "victim_id", "offender_id",
          "offender_age", "outcome_type", "outcome_date"]
LOADER = """
import datetime as dt, sys
from pathlib import Path
from crimeplan.store import Store
import time
with Store(sys.argv[1]) as st:
    print("opened", flush=True)
    time.sleep(float(sys.argv[3]))  # a long validation, as a big extract would have
    st.load({"crimes": [Path(sys.argv[2])]}, extract_date=dt.date(2025, 1, 1))
print("done", flush=True)
"""


def _crimes(path: Path, n: int, prefix: str) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        for i in range(n):
            w.writerow([f"{prefix}{i}", f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}", "8N",
                        "Violence with injury", "ABC"[i % 3], "true" if i % 5 == 0 else "false",
                        "false", "false", "false", "false", f"V{i % 5000}", "", str(18 + i % 60),
                        "1" if i % 7 == 0 else "", ""])
    return path


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> Path:
    return _crimes(tmp_path_factory.mktemp("big") / "big.csv", 300_000, "B")


def _state(store: Path) -> tuple[int | None, dict[str, str], dict[str, str]]:
    """(latest snapshot, physical tables, a digest of every canonical table's contents)."""
    with Store(store, read_only=True) as st:
        sid = st.latest_snapshot()
        phys = st.physical_tables(sid)
        digests = {name: hashlib.sha256(st.arrow(name, sid).to_pandas().to_csv(index=False).encode())
                   .hexdigest() for name in phys}
    return sid, phys, digests


def _seed(tmp_path: Path) -> tuple[Path, tuple]:  # type: ignore[type-arg]
    store = tmp_path / "s.duckdb"
    areas = tmp_path / "areas.csv"
    areas.write_text("district,lpa,force,population\nA,N,T,1000\nB,N,T,2000\nC,S,T,3000\n")
    with Store(store) as st:
        st.load({"areas": [areas], "crimes": [_crimes(tmp_path / "small.csv", 50, "S")]},
                extract_date=__import__("datetime").date(2025, 1, 1))
    return store, _state(store)


def _start_load(store: Path, data: Path, pause: float = 0.0) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", LOADER, str(store), str(data), str(pause)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()  # type: ignore[union-attr]
    assert line.strip() == "opened", proc.stderr.read()  # type: ignore[union-attr]
    return proc


def _kill_and_check(tmp_path: Path, big: Path, seed: int) -> str:
    store, before = _seed(tmp_path)
    rng = random.Random(seed)
    proc = _start_load(store, big)
    time.sleep(rng.uniform(0.0, 1.4))  # a load of this file takes about 1.2 s after opening
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    after = _state(store)  # the store opens
    if after[0] == before[0]:
        assert after == before  # same snapshot, same tables, same contents
        return "rolled back"
    assert after[0] == before[0] + 1  # the load committed before the kill: complete or nothing
    with Store(store, read_only=True) as st:
        assert st.arrow("crimes").num_rows == 300_000
        assert st.arrow("crimes", before[0]).num_rows == 50
    return "committed"


@pytest.mark.parametrize("seed", range(3))
def test_sigkill_during_a_load_leaves_the_previous_snapshot(tmp_path, big, seed):
    _kill_and_check(tmp_path, big, seed)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(3, 25))
def test_sigkill_at_random_points_many_times(tmp_path, big, seed):
    _kill_and_check(tmp_path, big, seed)


def test_a_compute_during_a_load_gets_store_busy(tmp_path, big, capsys):
    from tests.cli_helpers import run_cli

    store, before = _seed(tmp_path)
    proc = _start_load(store, big, pause=1.5)
    try:
        run = run_cli(capsys, "compute", "--store", str(store), "--plan", "monthly-performance",
                      "--to", "2024-06", "--out", str(tmp_path / "r.csv"))
        assert proc.poll() is None  # the load was still running throughout
        with pytest.raises(StoreBusy, match="busy"):
            Store(store, read_only=True)
    finally:
        proc.wait(timeout=120)
    assert run.code == 2 and "store busy" in run.err, run.err
    assert "Traceback" not in run.err and run.err.count("\n") == 1
    assert not (tmp_path / "r.csv").exists()
    assert _state(store)[0] == before[0] + 1  # and the load then finished normally


# -- the kill soak: SIGKILL at a random moment of load, import, compute, report and export ------
# Each command runs as the console script would (`python -m crimeplan.cli ...`) and is killed at a
# moment drawn uniformly from its measured run time (from 0.2 to 0.95 of it: start-up included).
# After every kill: the store opens read-only on its last complete snapshot (for load and import:
# the one before, or the new one complete), and the output file the command was asked for does
# not exist unless the command finished (outputs are written to a hidden temp file and renamed).
KINDS = ("load", "import", "compute", "report", "export")
SOAK_KILLS = 20  # kills per kind, under `-m slow` only (5 × 20 = 100); the fixture's timing
# runs take about a minute on a busy 2-core machine, too long for the normal tier


def _street(path: Path, n: int) -> Path:
    from tests.sources.conftest import STREET_HEADER, street_row

    kinds = ["Burglary", "Vehicle crime", "Shoplifting", "Criminal damage and arson"]
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(STREET_HEADER + "\n")
        for i in range(n):
            fh.write(street_row(f"{i:064x}", ctype=kinds[i % 4],
                                lsoa=("Basildon 001A", "Colchester 002B", "")[i % 3]) + "\n")
    return path


SOAK_PLAN = """id: soak
title: Soak
areas_of_focus:
  - id: crime
    title: Crime
    measures:
      - {id: all_crime, label: All crime, source: crimes, polarity: down, breakdown: true}
      - {id: da, label: Domestic abuse, source: crimes, filter: domestic_abuse, polarity: down}
      - {id: solved, label: Solved rate, source: crimes, aggregation: proportion, numerator: solved,
         unit: percent, polarity: up}
      - {id: repeat, label: Repeat victims, source: crimes, aggregation: repeat_ids, field: victim_id,
         polarity: down}
"""
SOAK_CRIMES, SOAK_STREET = 100_000, 60_000


@pytest.fixture(scope="module")
def soak(tmp_path_factory) -> dict[str, object]:  # type: ignore[type-arg]
    """A seeded store with crimes loaded, a street file, a plan, and each command's run time."""
    d = tmp_path_factory.mktemp("soak")
    store, _ = _seed(d)
    crimes = _crimes(d / "crimes.csv", SOAK_CRIMES, "K")
    with Store(store) as st:
        st.load({"crimes": [crimes]}, extract_date=__import__("datetime").date(2025, 1, 1))
    street = _street(d / "2024-01-essex-street.csv", SOAK_STREET)
    (d / "plan.yaml").write_text(SOAK_PLAN)
    world: dict[str, object] = {"dir": d, "store": store, "street": street, "big": crimes, "time": {},
                                "before": _state(store), "plan": d / "plan.yaml", "reference": {}}
    for kind in KINDS:  # one complete run of each, timed: the kills fall inside this span
        work = d / f"timing-{kind}"
        work.mkdir()
        start = time.perf_counter()
        proc = _command(world, kind, work)
        _out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
        world["time"][kind] = time.perf_counter() - start  # type: ignore[index]
        if kind not in ("load", "import"):
            world["reference"][kind] = _output(work, kind).read_bytes()  # type: ignore[index]
    return world


def _output(work: Path, kind: str) -> Path:
    return work / {"compute": "results.csv", "report": "report.html", "export": "crimes.csv"}[kind]


def _command(world: dict[str, object], kind: str, work: Path) -> subprocess.Popen[str]:
    """Start one command in `work` (load and import write a copy of the seeded store there)."""
    store = Path(str(world["store"]))
    if kind in ("load", "import"):
        copy = work / "s.duckdb"
        if not copy.exists():
            copy.write_bytes(store.read_bytes())
        store = copy
    args = {
        "load": ["load", "crimes", str(world["big"]), "--store", str(store), "--extract-date", "2025-01-01"],
        "import": ["import", "police-uk", str(world["street"]), "--store", str(store), "--force", "Essex",
                   "--option", "extract_date=2025-01-01"],
        "compute": ["compute", "--store", str(store), "--plan", str(world["plan"]), "--to", "2024-12",
                    "--out", str(_output(work, "compute"))],
        "report": ["report", "monthly", "--store", str(store), "--plan", str(world["plan"]),
                   "--to", "2024-12", "--format", "html", "--out", str(_output(work, "report"))],
        "export": ["export", "crimes", "--store", str(store), "--out", str(_output(work, "export"))],
    }[kind]
    return subprocess.Popen([sys.executable, "-m", "crimeplan.cli", *args], cwd=work,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _kill_one(world: dict[str, object], kind: str, seed: int) -> str:
    """One SIGKILL that lands: a run that finished before its moment is checked, then tried
    again with the moment drawn from the first half of the run."""
    for attempt in range(4):
        if _attempt(world, kind, seed, attempt) == "killed":
            return "killed"
    raise AssertionError(f"{kind} finished before every kill moment: the timing run was too slow")


def _attempt(world: dict[str, object], kind: str, seed: int, attempt: int) -> str:
    work = Path(str(world["dir"])) / f"kill-{kind}-{seed}-{attempt}"
    work.mkdir()
    store = work / "s.duckdb" if kind in ("load", "import") else Path(str(world["store"]))
    if kind in ("load", "import"):
        store.write_bytes(Path(str(world["store"])).read_bytes())
    before = world["before"]  # every kill starts from the same seeded store
    rng = random.Random(f"{kind}-{seed}-{attempt}")
    span = world["time"][kind]  # type: ignore[index]
    proc = _command(world, kind, work)
    time.sleep(rng.uniform(0.2, 0.95 if attempt == 0 else 0.5) * span)
    finished = proc.poll() is not None
    if not finished:
        os.kill(proc.pid, signal.SIGKILL)
    proc.communicate()
    finished = finished or proc.returncode == 0
    with Store(store, read_only=True) as st:  # the store opens
        sid, phys = st.latest_snapshot(), st.physical_tables()
        crimes = st.arrow("crimes").num_rows
    if kind in ("load", "import"):
        if sid == before[0]:
            assert _state(store) == before  # rolled back: same snapshot, tables and contents
        else:
            assert sid == before[0] + 1  # committed before the kill: complete
            assert crimes == (SOAK_CRIMES if kind == "load" else SOAK_STREET)
    else:
        assert (sid, phys) == before[:2] and crimes == SOAK_CRIMES  # read-only: never changed
        out = _output(work, kind)
        if finished:
            assert out.exists()
        if out.exists():  # renamed into place (perhaps just before the kill): whole, never partial
            reference = world["reference"][kind]  # type: ignore[index]
            got = out.read_bytes()
            if kind == "report":  # the page carries the time it was made: same ending, same size ±
                assert got[-200:] == reference[-200:] and abs(len(got) - len(reference)) < 64
            else:
                assert got == reference
    shutil.rmtree(work, ignore_errors=True)
    outcome = "finished" if finished else "killed"
    if os.environ.get("CRIMEPLAN_SOAK_LOG"):  # a tally for docs/reliability.md
        with open(os.environ["CRIMEPLAN_SOAK_LOG"], "a", encoding="utf-8") as fh:
            fh.write(f"{kind} {seed} {attempt} {outcome} {sid != before[0]}\n")
    return outcome


@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("seed", range(SOAK_KILLS))
def test_kill_soak(soak, kind, seed):
    _kill_one(soak, kind, seed)
