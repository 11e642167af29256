"""The store behind `--store`: a DuckDB file, a PostgreSQL database or a Spark folder, the same behaviour.

Snapshots, export, coverage, quarantine, stored results and the transactional guarantees
(a failed or killed load leaves the last complete snapshot), through the CLI where a user
would use them, on each kind of store.  The PostgreSQL-only rules (no password in the URL, one
writer) and the Spark store's folder are below.
"""

from __future__ import annotations

import csv
import datetime as dt
import signal
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from crimeplan.errors import BadInput, StoreBusy
from crimeplan.plans import load_plan
from crimeplan.results import stored
from crimeplan.store import open_store
from crimeplan.store.duck import Store
from tests.backends.conftest import on_spark
from tests.cli_helpers import run_cli
from tests.conftest import AREAS, write_csv
from tests.engine import test_hand_worked as hand
from tests.store.test_snapshots import CRIMES

# the severity score joins a lookup the engine sends along (on PostgreSQL a temporary table, which
# a store opened for reading must still allow)
PLAN = ("id: q\ntitle: Q\nareas_of_focus:\n- id: a\n  title: A\n  measures:\n"
        "  - {id: all_crime, label: All crime, source: crimes, windows: [quarter]}\n"
        "  - {id: css, label: Severity, source: crimes, aggregation: severity_score, windows: [quarter]}\n")


def _parquet_files(store_at: str) -> list[str]:
    """The Parquet files of a Spark store's snapshot tables ([] for the other stores)."""
    folder = Path(store_at.removeprefix("spark:")) / "tables"
    return sorted(p.name for p in folder.iterdir()) if store_at.startswith("spark:") else []


def _force_all_crime(path: Path) -> float:
    rows = [r for r in csv.DictReader(path.open()) if r["measure_id"] == "all_crime" and r["area_level"] == "force"]
    return float(rows[0]["current_value"])


def test_snapshots_export_and_stored_results(store_at: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Three loads are three snapshots; an export gives back the file; results are kept per snapshot."""
    monkeypatch.chdir(tmp_path)
    areas = write_csv(tmp_path / "areas.csv", "areas", AREAS)
    first = write_csv(tmp_path / "c1.csv", "crimes", CRIMES[:6])
    second = write_csv(tmp_path / "c2.csv", "crimes", CRIMES)  # a re-run extract replaces the rows
    assert run_cli(capsys, "load", "areas", str(areas), "--store", store_at).code == 0
    for crimes in (first, second):
        ran = run_cli(capsys, "load", "crimes", str(crimes), "--store", store_at, "--extract-date", "2024-12-31")
        assert ran.code == 0, ran.err
    assert "snapshot 3 created" in ran.out and f"{len(CRIMES)} rows read = {len(CRIMES)} loaded" in ran.out
    out = tmp_path / "back.csv"
    assert run_cli(capsys, "export", "crimes", "--store", store_at, "--out", str(out)).code == 0
    assert list(csv.reader(out.open())) == list(csv.reader(second.open()))
    old = tmp_path / "old.csv"
    assert run_cli(capsys, "export", "crimes", "--store", store_at, "--out", str(old), "--snapshot", "2").code == 0
    assert list(csv.reader(old.open())) == list(csv.reader(first.open()))

    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN)
    for snapshot, expected in (("2", 6), (None, 12)):  # the crimes run Apr-Jun 2023
        res = tmp_path / f"r{snapshot}.csv"
        args = ["compute", "--store", store_at, "--plan", str(plan), "--to", "2023-06", "--out", str(res)]
        ran = run_cli(capsys, *args, *(["--snapshot", snapshot] if snapshot else []))
        assert ran.code == 0, ran.err
        assert _force_all_crime(res) == expected
        assert "css" in {r["measure_id"] for r in csv.DictReader(res.open())}
    with open_store(store_at) as st:
        assert [r["snapshot_id"] for r in st.results_runs()] == [3, 2]  # newest first
        kept = stored(st, load_plan(plan), dt.date(2023, 6, 1))
        assert kept is not None
        force = kept.table[(kept.table.measure_id == "all_crime") & (kept.table.area_level == "force")]
        assert force.current_value.tolist() == [12.0]
        assert st.forget_results(2) == 1 and st.forget_results() == 1 and st.results_runs() == []
    checked = run_cli(capsys, "check", "--store", store_at)
    assert checked.code == 0 and "snapshot 3" in checked.out
    if store_at.startswith("spark:"):  # what the engine read: one Parquet file per snapshot table
        assert _parquet_files(store_at) == ["areas__s1.parquet", "crimes__s2.parquet", "crimes__s3.parquet"]


def test_appends_keep_every_snapshot_and_copy_no_base(store_at: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Appends make snapshots that read as the base's rows and the new ones, in load order, while
    the earlier snapshots read as they were; past MOST_PARTS parts one append writes a table again."""
    import crimeplan.store.duck as duck

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(duck, "MOST_PARTS", 3)
    assert run_cli(capsys, "load", "areas", str(write_csv(tmp_path / "areas.csv", "areas", AREAS)),
                   "--store", store_at).code == 0
    chunks = [CRIMES[:3], CRIMES[3:6], CRIMES[6:9], CRIMES[9:]]
    for i, chunk in enumerate(chunks):
        path = write_csv(tmp_path / f"c{i}.csv", "crimes", chunk)
        ran = run_cli(capsys, "load", "crimes", str(path), "--store", store_at, *(["--append"] if i else []))
        assert ran.code == 0, ran.err
    for snapshot, upto in ((2, 3), (3, 6), (4, 9), (5, 12)):  # snapshot 1: the areas
        out = tmp_path / f"s{snapshot}.csv"
        assert run_cli(capsys, "export", "crimes", "--store", store_at, "--out", str(out),
                       "--snapshot", str(snapshot)).code == 0
        assert [r["crime_id"] for r in csv.DictReader(out.open())] == [c["crime_id"] for c in CRIMES[:upto]]
    with open_store(store_at, read_only=True) as st:
        parts = st.con.execute("SELECT physical, count(*) FROM _table_parts "
                               "GROUP BY physical ORDER BY physical").fetchall()
        # snapshots 3 and 4 are views over the first table and each append's rows; the third append
        # would make a fourth part, past the limit of 3: it wrote one table of all twelve rows
        assert parts == [("crimes__s3", 2), ("crimes__s4", 3)]
        assert st.row_count("crimes") == len(CRIMES) and st.row_count("crimes", 4) == 9
        sums = st.month_checksums("crimes")
        assert sums is None or sum(int(c.split(":")[0]) for c in sums.values()) == len(CRIMES)


def test_quarantine_and_coverage_are_kept(store_at: str, tmp_path: Path) -> None:
    """A bad row is quarantined (in the store and a file); coverage keeps the months supplied."""
    bad = [*CRIMES, {**CRIMES[0], "crime_id": "BAD", "recorded_date": "2023-13-45"}]
    files = {"areas": [write_csv(tmp_path / "areas.csv", "areas", AREAS)],
             "crimes": [write_csv(tmp_path / "crimes.csv", "crimes", bad)]}
    months = [dt.date(2023, m, 1) for m in (4, 5, 6)]
    with open_store(store_at) as st:
        report = st.load(files, extract_date=dt.date(2024, 12, 31), accept_quarantine=True,
                         quarantine_dir=tmp_path / "q", coverage={"crimes": {"force system": months}})
        assert report.files[1].rows_quarantined == 1 and report.files[1].rows_loaded == len(CRIMES)
        q = st.quarantine().to_pylist()
        assert [(r["table_name"], r["row"], r["field"], r["value"]) for r in q] == [
            ("crimes", len(bad), "recorded_date", "2023-13-45")]
        assert st.coverage("crimes") == {"force system": set(months)}
        assert st.last_complete_month("crimes") == dt.date(2023, 6, 1)
        assert st.row_count("crimes") == len(CRIMES)
    assert report.quarantine_files and "2023-13-45" in report.quarantine_files[0].read_text()


def test_a_failed_load_leaves_the_store_as_it_was(store_at: str, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A load that fails on its second table leaves snapshot 1 and no table of snapshot 2."""
    areas = write_csv(tmp_path / "areas.csv", "areas", AREAS)
    crimes = write_csv(tmp_path / "crimes.csv", "crimes", CRIMES)
    original = Store._write_table
    calls: list[str] = []

    def dies_on_second_table(self: Store, phys: str, *args: object) -> None:
        calls.append(phys)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        original(self, phys, *args)  # type: ignore[arg-type]

    with open_store(store_at) as st:
        st.load({"areas": [areas]}, extract_date=dt.date(2024, 12, 31))
        before = st.physical_tables()  # type: ignore[attr-defined]
        monkeypatch.setattr(Store, "_write_table", dies_on_second_table)
        with pytest.raises(RuntimeError, match="disk full"):
            st.load({"areas": [areas], "crimes": [crimes]}, extract_date=dt.date(2024, 12, 31))
        assert st.latest_snapshot() == 1 and st.physical_tables() == before  # type: ignore[attr-defined]
        names = {r[0] for r in st.con.execute("SELECT table_name FROM information_schema.tables").fetchall()}  # type: ignore[attr-defined]
        assert "areas__s1" in names and not any(t.endswith("__s2") for t in names)
    assert not any("__s2" in f for f in _parquet_files(store_at))


KILLED_LOAD = """
import sys, time, datetime as dt
from pathlib import Path
from crimeplan.store import open_store
from crimeplan.store.duck import Store
original = Store._write_table
def slow(self, phys, *args):
    original(self, phys, *args)
    print("wrote", phys, flush=True)
    time.sleep(60)  # killed here, the load's transaction open
Store._write_table = slow
with open_store(sys.argv[1]) as st:
    st.load({"areas": [Path(sys.argv[2])], "crimes": [Path(sys.argv[3])]}, extract_date=dt.date(2024, 12, 31))
"""


def test_a_killed_load_leaves_the_last_complete_snapshot(store_at: str, tmp_path: Path) -> None:
    """A load killed (SIGKILL) mid-transaction: the store reads as snapshot 1, and opens for writing."""
    areas = write_csv(tmp_path / "areas.csv", "areas", AREAS)
    crimes = write_csv(tmp_path / "crimes.csv", "crimes", CRIMES)
    with open_store(store_at) as st:
        st.load({"areas": [areas]}, extract_date=dt.date(2024, 12, 31))
    proc = subprocess.Popen([sys.executable, "-c", KILLED_LOAD, store_at, str(areas), str(crimes)],
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().startswith("wrote areas__s2")
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    with open_store(store_at) as st:
        assert st.latest_snapshot() == 1 and set(st.tables()) == {"areas"}
        assert not any("__s2" in f for f in _parquet_files(store_at))
        assert st.load({"crimes": [crimes]}, extract_date=dt.date(2024, 12, 31)).snapshot_id == 2
        assert st.row_count("crimes") == len(CRIMES)


def test_a_password_in_the_url_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    """The password belongs in PGPASSWORD or ~/.pgpass: a URL with one stops before connecting."""
    ran = run_cli(capsys, "check", "--store", "postgresql://analyst:s3cret@127.0.0.1:1/force")
    assert ran.code == 2 and "PGPASSWORD" in ran.err and "pgpass" in ran.err
    assert "s3cret" not in ran.err + ran.out  # nor is it printed back


def test_one_writer_at_a_time(pg_url: str) -> None:
    """A PostgreSQL store open for writing makes a second writer (or a reader) busy, as a DuckDB file does."""
    with open_store(pg_url):
        with pytest.raises(StoreBusy, match="busy"):
            open_store(pg_url)
        with pytest.raises(StoreBusy, match="busy"):
            open_store(pg_url, read_only=True)
    open_store(pg_url).close()  # released when closed


def test_a_database_with_no_store_is_named(pg_url: str) -> None:
    """Reading a database that holds no crimeplan store says so, naming the URL."""
    url = pg_url.rsplit("/", 1)[0] + "/template1"
    with pytest.raises(BadInput, match="no crimeplan store") as err:
        open_store(url, read_only=True)
    assert err.value.file == url


@pytest.mark.parametrize("store_at", [on_spark()], indirect=True)
def test_a_spark_store_is_a_catalogue_and_a_parquet_file_per_snapshot_table(store_at: str, tmp_path: Path,
                                                                           capsys: pytest.CaptureFixture[str]) -> None:
    """`--store spark:/folder`: each `crimeplan load` is a snapshot in the catalogue and a Parquet
    file of its rows, which an export gives back as loaded."""
    files = {name: write_csv(tmp_path / f"{name}.csv", name, rows) for name, rows in
             {"areas": AREAS, "crimes": hand.CRIMES, "incidents": hand.INCIDENTS}.items()}
    for name, path in files.items():
        ran = run_cli(capsys, "load", name, str(path), "--store", store_at, "--extract-date", "2024-08-31")
        assert ran.code == 0, ran.err
    folder = Path(store_at.removeprefix("spark:"))
    assert sorted(p.name for p in folder.iterdir()) == ["catalogue.duckdb", "tables"]
    assert _parquet_files(store_at) == ["areas__s1.parquet", "crimes__s2.parquet", "incidents__s3.parquet"]
    parquet = pq.read_table(folder / "tables" / "crimes__s2.parquet")
    assert sorted(parquet.column("crime_id").to_pylist()) == sorted(r["crime_id"] for r in hand.CRIMES)
    back = tmp_path / "back.csv"
    assert run_cli(capsys, "export", "crimes", "--store", store_at, "--out", str(back)).code == 0
    assert list(csv.reader(back.open())) == list(csv.reader(files["crimes"].open()))


@pytest.mark.parametrize("store_at", [on_spark()], indirect=True)
def test_a_folder_with_no_spark_store_is_named(store_at: str) -> None:
    """Reading a folder that holds no Spark store says so, naming the folder."""
    with pytest.raises(BadInput, match="no Spark store here") as err:
        open_store(store_at, read_only=True)
    assert err.value.file == store_at.removeprefix("spark:")
