"""One focused test per hardening fix of issue 11, each with a hand-worked expectation.

Ids unique across a load's files, whole/finite/plausible values, no empty full extracts, a
wrong --force changing nothing, refusing a non-store path, exports to odd paths without SQL,
owner-only quarantine files, bounded reads (gzip bomb, a far-away workbook cell) and the Home
Office population option.
"""

from __future__ import annotations

import csv
import gzip
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from crimeplan.store import Store
from tests.cli_helpers import run_cli
from tests.robustness._cases import reconciliation, rows, text
from tests.robustness._importer_cases import SOURCES, write
from tests.sources.conftest import REAL  # the one place tests find the real data

POPULATION = REAL / "population" / "pfa_population_mid2018_ons.csv"
# these tests quarantine rows on purpose: the month-loss rule (issue 9) is tested elsewhere
EXTRACT = ("--extract-date", "2024-12-31", "--accept-quarantine")


def _crimes(path: Path, ids: list[str], **overrides: str) -> Path:
    data = []
    for i in ids:
        r = dict(rows("crimes", 1)[0], crime_id=i)
        r.update(overrides)
        data.append(r)
    path.write_text(text("crimes", data), encoding="utf-8")
    return path


def _quarantine(store: Path) -> list[dict[str, object]]:
    with Store(store, read_only=True) as st:
        return st.quarantine().to_pylist()


def _snapshot(store: Path) -> int | None:
    with Store(store, read_only=True) as st:
        return st.latest_snapshot()


# -- ids unique across a load's files ----------------------------------------------------------
def test_the_same_file_twice_is_refused_and_changes_nothing(capsys, tmp_path):
    a = _crimes(tmp_path / "a.csv", ["C1", "C2"])
    store = tmp_path / "s.duckdb"
    assert run_cli(capsys, "load", "crimes", str(a), "--store", str(store), *EXTRACT).code == 0
    run = run_cli(capsys, "load", "crimes", str(a), str(a), "--store", str(store), *EXTRACT)
    assert run.code == 2 and "copy of" in run.err and "--allow-overlap" in run.err
    assert "Traceback" not in run.err and run.err.count("\n") == 1
    assert _snapshot(store) == 1


def test_the_same_file_twice_with_allow_overlap_quarantines_both_positions(capsys, tmp_path):
    a = _crimes(tmp_path / "a.csv", ["C1", "C2"])
    store = tmp_path / "s.duckdb"
    run = run_cli(capsys, "load", "crimes", str(a), str(a), "--store", str(store), *EXTRACT,
                  "--allow-overlap")
    assert run.code == 0, run.err
    assert reconciliation(run.out) == [(2, 2, 0), (2, 0, 2)]
    q = _quarantine(store)
    assert [(r["row"], r["field"], r["value"]) for r in q] == [(1, "crime_id", "C1"), (2, "crime_id", "C2")]
    assert q[0]["reason"] == f"duplicate id: also in {a} row 1"
    assert q[1]["reason"] == f"duplicate id: also in {a} row 2"
    with Store(store, read_only=True) as st:
        assert st.arrow("crimes").column("crime_id").to_pylist() == ["C1", "C2"]


def test_a_partial_overlap_between_files_quarantines_only_the_repeat(capsys, tmp_path):
    a = _crimes(tmp_path / "a.csv", ["C1", "C2"])
    b = _crimes(tmp_path / "b.csv", ["C3", "C2", "C4"])
    store = tmp_path / "s.duckdb"
    run = run_cli(capsys, "load", "crimes", str(a), str(b), "--store", str(store), *EXTRACT)
    assert run.code == 0, run.err
    assert reconciliation(run.out) == [(2, 2, 0), (3, 2, 1)]
    q = _quarantine(store)
    assert [(r["file"], r["row"], r["value"], r["reason"]) for r in q] == [
        (str(b), 2, "C2", f"duplicate id: also in {a} row 2")]


def test_appending_ids_already_in_the_store(capsys, tmp_path):
    a = _crimes(tmp_path / "a.csv", ["C1", "C2"])
    store = tmp_path / "s.duckdb"
    assert run_cli(capsys, "load", "crimes", str(a), "--store", str(store), *EXTRACT).code == 0
    again = run_cli(capsys, "load", "crimes", str(a), "--store", str(store), *EXTRACT, "--append")
    assert again.code == 2 and "already in the store" in again.err and _snapshot(store) == 1
    b = _crimes(tmp_path / "b.csv", ["C2", "C3"])  # one old id, one new: the old one quarantined
    run = run_cli(capsys, "load", "crimes", str(b), "--store", str(store), *EXTRACT, "--append")
    assert run.code == 0, run.err
    assert reconciliation(run.out) == [(2, 1, 1)]
    assert [(r["row"], r["value"]) for r in _quarantine(store)] == [(1, "C2")]
    with Store(store, read_only=True) as st:
        assert st.arrow("crimes").column("crime_id").to_pylist() == ["C1", "C2", "C3"]


# -- whole, finite, plausible values -----------------------------------------------------------
@pytest.mark.parametrize("table, field, value, reason", [
    ("crimes", "recorded_date", "0000-01-01", "before 1990-01-01"),  # no year 0: caught by the bound
    ("crimes", "recorded_date", "0001-01-01", "before 1990-01-01"),
    ("crimes", "offender_age", "inf", "not a whole number"),
    ("crimes", "outcome_type", "1.5", "not a whole number"),  # was cast to 2
    ("peers", "value", "inf", "not a finite number"),
    ("peers", "value", "nan", "not a finite number"),
    ("workforce", "fte", "-inf", "not a finite number"),
])
def test_implausible_values_are_quarantined(capsys, tmp_path, table, field, value, reason):
    path = tmp_path / f"{table}.csv"
    data = rows(table, 3)
    data[1][field] = value
    path.write_text(text(table, data), encoding="utf-8")
    store = tmp_path / "s.duckdb"
    run = run_cli(capsys, "load", table, str(path), "--store", str(store), *EXTRACT)
    assert run.code == 0, run.err
    assert reconciliation(run.out) == [(3, 2, 1)]
    (q,) = _quarantine(store)
    assert (q["row"], q["field"], q["value"]) == (2, field, value)
    assert reason in q["reason"], q["reason"]


def test_min_date_moves_the_earliest_plausible_date(capsys, tmp_path):
    path = _crimes(tmp_path / "crimes.csv", ["C1", "C2"], recorded_date="1985-06-01",
                   outcome_date="")
    store = tmp_path / "s.duckdb"
    refused = run_cli(capsys, "load", "crimes", str(path), "--store", str(store), *EXTRACT)
    assert refused.code == 2 and "no row to load" in refused.err  # both before 1990-01-01
    run = run_cli(capsys, "load", "crimes", str(path), "--store", str(store), *EXTRACT,
                  "--min-date", "1980-01-01")
    assert run.code == 0 and reconciliation(run.out) == [(2, 2, 0)], run.err


def test_whole_floats_are_whole(capsys, tmp_path):
    path = _crimes(tmp_path / "crimes.csv", ["C1"], outcome_type="2.0")
    store = tmp_path / "s.duckdb"
    assert run_cli(capsys, "load", "crimes", str(path), "--store", str(store), *EXTRACT).code == 0
    with Store(store, read_only=True) as st:
        assert st.arrow("crimes").column("outcome_type").to_pylist() == [2]


# -- no empty full extracts; a wrong --force changes nothing -----------------------------------
def test_a_full_extract_with_no_loaded_row_exits_2_and_changes_nothing(capsys, tmp_path):
    store = tmp_path / "s.duckdb"
    good = _crimes(tmp_path / "good.csv", ["C1", "C2"])
    assert run_cli(capsys, "load", "crimes", str(good), "--store", str(store), *EXTRACT).code == 0
    bad = _crimes(tmp_path / "bad.csv", ["C3", "C4"], recorded_date="2024-13-01")
    run = run_cli(capsys, "load", "crimes", str(bad), "--store", str(store), *EXTRACT)
    assert run.code == 2 and "no row to load (2 read, 2 quarantined)" in run.err
    assert "nothing was changed" in run.err and run.err.count("\n") == 1
    with Store(store, read_only=True) as st:
        assert st.latest_snapshot() == 1
        assert st.arrow("crimes").column("crime_id").to_pylist() == ["C1", "C2"]
    assert not list((tmp_path / "quarantine").glob("*")) if (tmp_path / "quarantine").exists() else True


def test_police_uk_import_with_the_wrong_force_changes_nothing(capsys, tmp_path):
    src = next(s for s in SOURCES if s.name == "police-uk")
    raw = tmp_path / "raw"
    raw.mkdir()
    paths = write(src, raw)
    store = tmp_path / "s.duckdb"
    ok = run_cli(capsys, "import", "police-uk", *map(str, paths), "--store", str(store),
                 "--force", "Essex", "--option", "extract_date=2024-12-31")
    assert ok.code == 0, ok.err
    with Store(store, read_only=True) as st:
        before = st.arrow("crimes").num_rows
    for given in ([str(raw)], list(map(str, paths))):  # a folder, or the Essex files by name
        run = run_cli(capsys, "import", "police-uk", *given, "--store", str(store), "--force", "Kent",
                      "--option", "extract_date=2024-12-31")
        assert run.code == 2, run.out + run.err
        assert "Kent" in run.err and "Traceback" not in run.err and run.err.count("\n") == 1
    with Store(store, read_only=True) as st:
        assert st.latest_snapshot() == 1 and st.arrow("crimes").num_rows == before == 3
    assert not list((tmp_path / "staging").glob("import-police-uk-2*"))


# -- refusing non-store paths ------------------------------------------------------------------
@pytest.mark.parametrize("name, content", [("data.csv", b"crime_id\nC1\n"),
                                           ("data.parquet", b"PAR1\x00\x00PAR1")])
def test_store_naming_an_existing_data_file_exits_2_and_leaves_it(capsys, tmp_path, name, content):
    target = tmp_path / name
    target.write_bytes(content)
    crimes = _crimes(tmp_path / "crimes.csv", ["C1"])
    for args in (["load", "crimes", str(crimes), "--store", str(target), *EXTRACT],
                 ["export", "crimes", "--store", str(target), "--out", str(tmp_path / "o.csv")]):
        run = run_cli(capsys, *args)
        assert run.code == 2 and "not a crimeplan store" in run.err, run.err
        assert target.read_bytes() == content


# -- exports: odd paths, no SQL, owner-only quarantine -----------------------------------------
def test_export_to_a_path_with_an_apostrophe_runs_no_sql(capsys, tmp_path, monkeypatch):
    crimes = _crimes(tmp_path / "crimes.csv", ["C1", "C2"])
    store = tmp_path / "s.duckdb"
    assert run_cli(capsys, "load", "crimes", str(crimes), "--store", str(store), *EXTRACT).code == 0
    import crimeplan.store.duck as duck

    statements: list[str] = []
    real_arrow = duck.arrow

    def spy(con, sql, params=None):  # type: ignore[no-untyped-def]
        statements.append(sql)
        return real_arrow(con, sql, params) if params is not None else real_arrow(con, sql)

    monkeypatch.setattr(duck, "arrow", spy)
    folder = tmp_path / "o'brien's; DROP TABLE x; --"
    folder.mkdir()
    for suffix in ("csv", "parquet"):
        out = folder / f"it's.{suffix}"
        run = run_cli(capsys, "export", "crimes", "--store", str(store), "--out", str(out))
        assert run.code == 0, run.err
        assert out.exists() and not [p for p in folder.iterdir() if ".part-" in p.name]
    assert statements and not any("o'brien" in s or "it's" in s for s in statements)
    with (folder / "it's.csv").open(encoding="utf-8") as fh:
        assert [r["crime_id"] for r in csv.DictReader(fh)] == ["C1", "C2"]


def test_quarantine_files_are_owner_only(capsys, tmp_path):
    path = tmp_path / "crimes.csv"
    data = rows("crimes", 2)
    data[1]["recorded_date"] = "bad"
    path.write_text(text("crimes", data), encoding="utf-8")
    store = tmp_path / "s.duckdb"
    assert run_cli(capsys, "load", "crimes", str(path), "--store", str(store), *EXTRACT).code == 0
    (q,) = (tmp_path / "quarantine").iterdir()
    assert stat.S_IMODE(q.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "quarantine").stat().st_mode) & 0o077 == 0


# -- bounded reads: in a subprocess under an address-space ceiling -----------------------------
BOUNDED = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))
sys.argv = ["crimeplan", *sys.argv[1:]]
from crimeplan.cli import main
main()
"""


def _bounded(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, CRIMEPLAN_MEMORY_LIMIT="200MB")  # text files: at most 40 MB each
    return subprocess.run([sys.executable, "-c", BOUNDED, *args], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=300)


def _bomb(path: Path, header: str, size: int = 400 << 20) -> Path:
    block = b"x" * (1 << 20)
    with gzip.open(path, "wb", compresslevel=1) as gz:
        gz.write(header.encode() + b"\n")
        for _ in range(size // len(block)):
            gz.write(block)
    return path


def test_a_gzip_bomb_fails_with_exit_2_within_the_ceiling(tmp_path):
    src = next(s for s in SOURCES if s.name == "police-uk")
    street = _bomb(tmp_path / "2024-01-essex-street.csv.gz", next(iter(src.files.values()))[0])
    assert street.stat().st_size < 5 << 20  # 400 MB of text in a few MB
    run = _bounded(tmp_path, "import", "police-uk", str(street), "--store", str(tmp_path / "s.duckdb"),
                   "--force", "Essex")
    assert run.returncode == 2, run.stderr
    assert "memory ceiling" in run.stderr and "Traceback" not in run.stderr
    crimes = _bomb(tmp_path / "crimes.csv.gz", ",".join(text("crimes", []).split(",")).strip())
    run = _bounded(tmp_path, "load", "crimes", str(crimes), "--store", str(tmp_path / "t.duckdb"))
    assert run.returncode == 2 and "memory ceiling" in run.stderr, run.stderr
    assert (not (tmp_path / "s.duckdb").exists() and not (tmp_path / "t.duckdb").exists()) or \
        _snapshot(tmp_path / "t.duckdb") is None


def test_a_workbook_with_one_far_away_cell_fails_with_exit_2(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Table P1"
    ws["A1"] = "Table P1: Police recorded crime, year ending March 2019"
    ws["XFD1048576"] = 1  # the sheet now spans 17 billion cells
    book = tmp_path / "p1.xlsx"
    wb.save(book)
    assert book.stat().st_size < 100_000
    run = _bounded(tmp_path, "import", "ons-pfa", str(book), "--store", str(tmp_path / "s.duckdb"))
    assert run.returncode == 2, run.stderr
    assert "over the bound" in run.stderr and "Traceback" not in run.stderr
    assert run.stderr.count("\n") == 1


# -- home-office-prc --option population=FILE --------------------------------------------------
@pytest.mark.skipif(not POPULATION.exists(), reason="real data not present")
def test_home_office_population_option_with_the_ons_file(capsys, tmp_path):
    prc = tmp_path / "prc.csv"
    prc.write_text(
        ",Financial_Year,Financial_Quarter,Force_Name,Offence_Description,Offence_Group,"
        "Offence_Subgroup,Offence_Code,Number_of_Offences,Policeuk_Cat\n"
        "0,2017/18,1,Essex,Assault,V,W,8N,100,X\n1,2017/18,2,Essex,Assault,V,W,8N,100,X\n"
        "2,2017/18,3,Essex,Theft,T,T,49,10,X\n3,2017/18,4,Essex,Assault,V,W,8N,100,X\n",
        encoding="utf-8")
    store = tmp_path / "s.duckdb"
    run = run_cli(capsys, "import", "home-office-prc", str(prc), "--store", str(store),
                  "--option", f"population={POPULATION}")
    assert run.code == 0, run.err
    assert "1 with a population" in run.out
    with Store(store, read_only=True) as st:
        (peer,) = st.arrow("peers").to_pylist()
    # weights 8N 189.15388706397988, 49 36.80988326367078; Essex mid-2018 1,832,800
    numerator = 300 * 189.15388706397988 + 10 * 36.80988326367078
    assert peer["force"] == "Essex" and peer["measure_id"] == "crime_severity_score"
    assert peer["numerator"] == pytest.approx(numerator) == pytest.approx(57114.26495)
    assert peer["population"] == 1_832_800
    assert peer["value"] == pytest.approx(numerator / 1_832_800)


# -- an import either commits and exits 0, or changes nothing ----------------------------------
def test_ons_csv_with_non_utf8_bytes_in_a_header_commits_and_exits_0(tmp_path):
    src = next(s for s in SOURCES if s.name == "ons-pfa")
    (path,) = write(src, tmp_path)
    data = path.read_bytes()
    path.write_bytes(data.replace(b"Homicide", b"\xff\xfeHomicide", 1))
    store = tmp_path / "s.duckdb"
    run = subprocess.run([sys.executable, "-m", "crimeplan.cli", "import", "ons-pfa", str(path),
                          "--store", str(store)], capture_output=True, text=True, timeout=120,
                         env=dict(os.environ, LANG="C.UTF-8", PYTHONIOENCODING="utf-8"))
    assert run.returncode == 0, run.stderr
    assert "columns not read: \\xFF\\xFEHomicide" in run.stdout
    assert _snapshot(store) == 1


@pytest.mark.parametrize("command", ["load", "import"])
def test_an_unwritable_quarantine_folder_is_found_before_the_commit(capsys, tmp_path, command):
    (tmp_path / "quarantine").write_text("not a folder")
    store = tmp_path / "s.duckdb"
    if command == "load":
        path = tmp_path / "crimes.csv"
        data = rows("crimes", 2)
        data[1]["recorded_date"] = "bad"
        path.write_text(text("crimes", data), encoding="utf-8")
        run = run_cli(capsys, "load", "crimes", str(path), "--store", str(store), *EXTRACT)
    else:
        src = next(s for s in SOURCES if s.name == "home-office-prc")
        raw = tmp_path / "raw"
        raw.mkdir()
        (path,) = write(src, raw)
        path.write_text(path.read_text() + "9,2017/18,1,Essex,Assault,V,W,8N,x,X\n")
        run = run_cli(capsys, "import", "home-office-prc", str(path), "--store", str(store),
                      "--accept-quarantine")
    assert run.code == 2, run.out + run.err
    assert "quarantine folder" in run.err and run.err.count("\n") == 1
    assert not store.exists() or _snapshot(store) is None
    assert not (tmp_path / "staging").exists() or not list((tmp_path / "staging").iterdir())


def test_a_quarantine_file_that_fails_after_the_commit_is_a_warning(tmp_path, monkeypatch):
    import crimeplan.store.duck as duck

    def fail(path, data):  # type: ignore[no-untyped-def]
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(duck, "write_private", fail)
    path = tmp_path / "crimes.csv"
    data = rows("crimes", 2)
    data[1]["recorded_date"] = "bad"
    path.write_text(text("crimes", data), encoding="utf-8")
    with Store(tmp_path / "s.duckdb") as st:
        report = st.load({"crimes": [path]}, extract_date=__import__("datetime").date(2024, 12, 31),
                         accept_quarantine=True)
        assert st.latest_snapshot() == 1 and st.quarantine().num_rows == 1
    assert report.quarantine_files == []
    assert "No space left on device" in report.lines()[-1] and "in the store" in report.lines()[-1]
