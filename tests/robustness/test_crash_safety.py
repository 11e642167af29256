"""A load killed with SIGKILL at a random moment leaves the store exactly as it was; a compute
started during a load sees the previous snapshot or says the store is busy (exit 2)."""

from __future__ import annotations

import csv
import hashlib
import os
import random
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
