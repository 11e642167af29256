"""An id is unique as the store keeps it, not as the file spells it.

The store trims text (`' C1'` is stored as `C1`), so a row whose id differs from an earlier one
only by spaces around it would be a second crime `C1` in the store: counted twice.  Ids used to
be compared as spelt within a file and when appending, but as stored across files, so the same
two rows were refused in two files and both kept in one.  Every path now compares them as stored.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from crimeplan.contract.schema import TABLES
from crimeplan.store import Store
from crimeplan.store._validate import check_file
from tests.store.test_files_together import _c, _crimes

EXTRACT = dt.date(2024, 12, 31)


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_an_id_repeated_with_spaces_around_it_is_a_repeat_in_every_path(tmp_path: Path, suffix: str) -> None:
    """Within a file (checked alone, in memory or staged, and with another file in one pass), and
    when appending: the row spelling a stored id with spaces is quarantined, worked by hand."""
    a = _crimes(tmp_path / f"a{suffix}", [_c("C1", 1), _c(" C1", 2), _c("C2 ", 2), _c("C3", 3)], typed=False)
    b = _crimes(tmp_path / f"b{suffix}", [_c("C4", 3), _c("C4  ", 4)], typed=False)
    later = _crimes(tmp_path / f"later{suffix}", [_c(" C2", 5), _c("C5", 5)], typed=False)
    why = "duplicate id (an earlier row has the same crime_id)"

    alone = check_file(a, TABLES["crimes"], extract_date=EXTRACT)  # in memory (the other stores' path)
    assert alone.rows.column("crime_id").to_pylist() == ["C1", "C2", "C3"]
    assert [(q["row"], q["value"], q["reason"]) for q in alone.quarantine.to_pylist()] == [(2, " C1", why)]

    for files in ([a], [a, b]):  # one file staged; two read as one
        with Store(tmp_path / f"s{len(files)}.duckdb") as store:
            report = store.load({"crimes": files}, extract_date=EXTRACT, accept_quarantine=True)
            assert store.arrow("crimes").column("crime_id").to_pylist() == ["C1", "C2", "C3", "C4"][:2 + len(files)]
            assert [(c.rows_read, c.rows_loaded) for c in report.files] == [(4, 3), (2, 1)][:len(files)]
            appended = store.load({"crimes": [later]}, extract_date=EXTRACT, accept_quarantine=True, append=True)
            assert store.arrow("crimes").column("crime_id").to_pylist()[-1] == "C5"
            assert [(q["row"], q["reason"]) for q in appended.files[0].quarantine.to_pylist()] == \
                [(1, "id already in the store (appending)")]
