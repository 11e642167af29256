"""`crimeplan load` on malformed canonical files: exit 2 or quarantine, never a traceback.

Every canonical table gets every hand-made fault (four tables in the default tier, all ten
under `-m slow`).  When the load succeeds, rows read = rows loaded + rows quarantined.
"""

from __future__ import annotations

import pytest

from crimeplan.contract.schema import TABLES
from crimeplan.store import Store
from tests.cli_helpers import run_cli
from tests.robustness._cases import faults, reconciliation

FAST = ("crimes", "incidents", "peers", "events")
CASES = [pytest.param(t, f, id=f"{t}-{f.name}", marks=() if t in FAST else pytest.mark.slow)
         for t in TABLES for f in faults() if f.applies(t)]


@pytest.mark.parametrize("table, fault", CASES)
def test_malformed_canonical_file(capsys, tmp_path, table, fault):
    path = tmp_path / f"{table}.csv"
    path.write_bytes(fault.make(table))
    store = tmp_path / "s.duckdb"
    run = run_cli(capsys, "load", table, str(path), "--store", str(store), "--extract-date", "2024-12-31",
                  "--accept-quarantine")  # three rows, one bad: more than 5% of the month
    assert "Traceback" not in run.err + run.out
    if fault.expect == "exit2":
        assert run.code == 2, run.out
        assert str(path) in run.err and run.err.count("\n") == 1
        if store.exists():
            with Store(store, read_only=True) as st:
                assert st.latest_snapshot() is None
        return
    assert run.code == 0, run.err
    (read, loaded, quarantined), = reconciliation(run.out)
    assert read == loaded + quarantined
    expected_q = fault.quarantined if fault.expect == "quarantine" else 0
    assert quarantined == expected_q, run.out
    with Store(store, read_only=True) as st:
        assert st.arrow(table).num_rows == loaded
        assert st.quarantine().num_rows == quarantined


def test_a_directory_where_a_file_should_be(capsys, tmp_path):
    run = run_cli(capsys, "load", "crimes", str(tmp_path), "--store", str(tmp_path / "s.duckdb"))
    assert run.code == 2 and "is a directory" in run.err and "Traceback" not in run.err
