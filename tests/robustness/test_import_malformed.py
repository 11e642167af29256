"""Every importer on malformed raw files, through run_import into a store: exit 2 or quarantine.

A fault either raises BadInput (the CLI's exit 2) naming the file, with the store untouched, or
the import succeeds with every file reconciled (read = mapped + quarantined + out of scope), the
store's own reconciliation holding, and the faulty row in the import's quarantine file.
"""

from __future__ import annotations

import csv
import re

import pytest

from crimeplan.errors import BadInput
from crimeplan.sources import run_import
from crimeplan.store import Store
from tests.robustness._importer_cases import SOURCES, raw_faults, write

# faults whose outcome differs for one importer, with the reason
EXCEPTIONS = {
    ("home-office-prc", "negative count"): ("ok", 0),  # real HO quarterly adjustments are negative
    ("ons-pfa", "10 MB field"): ("quarantine", 1),
}
CASES = [(s, f) for s in SOURCES for f in raw_faults() if f.make(s) is not None]


def check_lines(lines: list[str]) -> None:
    """Every reconciliation line in an import summary adds up."""
    for line in lines:
        m = re.search(r": (\d+) [a-z ]+ read = (\d+) mapped \+ (\d+) quarantined(?: \+ (\d+) out of scope)?", line)
        if m:
            read, mapped, q, out = (int(x) if x else 0 for x in m.groups())
            assert read == mapped + q + out, line
        m = re.search(r"store: .*: (\d+) rows read = (\d+) loaded \+ (\d+) quarantined", line)
        if m:
            read, loaded, q = map(int, m.groups())
            assert read == loaded + q, line


@pytest.mark.parametrize("src, fault", CASES, ids=[f"{s.name}-{f.name}" for s, f in CASES])
def test_malformed_raw_file(tmp_path, src, fault):
    raw = tmp_path / "raw"
    raw.mkdir()
    paths = write(src, raw, fault.make(src))
    store = tmp_path / "s.duckdb"
    expect, n_quarantined = EXCEPTIONS.get((src.name, fault.name), (fault.expect, fault.quarantined))
    try:
        lines = run_import(src.name, paths, store, force=src.force, options={},
                           accept_quarantine=True)  # tiny files: one bad row is over 5%
    except BadInput as exc:
        assert expect == "exit2", f"unexpected BadInput: {exc}"
        assert str(paths[0]) in str(exc) and "\n" not in str(exc)
        if store.exists():
            with Store(store, read_only=True) as st:
                assert st.latest_snapshot() is None
        return
    assert expect != "exit2", "\n".join(lines)
    check_lines(lines)
    assert lines[-1] == "snapshot 1 created"
    qfile = tmp_path / "quarantine" / f"import-{src.name}-1.csv"
    rows = list(csv.DictReader(qfile.open(encoding="utf-8"))) if qfile.exists() else []
    assert len(rows) == (n_quarantined if expect == "quarantine" else 0), rows
    for r in rows:
        assert r["file"] == str(paths[0]) and int(r["row"]) >= 1 and r["field"] and r["reason"]


@pytest.mark.parametrize("src", SOURCES, ids=[s.name for s in SOURCES])
def test_a_directory_where_a_file_should_be(tmp_path, src):
    raw = tmp_path / "raw"
    raw.mkdir()
    paths = write(src, raw)
    paths[0].unlink()
    paths[0].mkdir()
    with pytest.raises(BadInput, match="is a directory"):
        run_import(src.name, [raw], tmp_path / "s.duckdb", force=src.force, options={})
    with pytest.raises(BadInput, match="is a directory"):
        run_import(src.name, paths, tmp_path / "s.duckdb", force=src.force, options={})
