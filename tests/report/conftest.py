"""A small synthetic force with peers, shared by the MSG tests (one module-scoped store each)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from crimeplan.store import Store
from crimeplan.synth import generate

MSG_TABLES = ["areas", "crimes", "incidents", "casualties", "peers", "events"]


@pytest.fixture(scope="module")
def msg_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """The synthetic force to December 2025 (seed 11, scale 0.03), with its peers, in a store."""
    root = tmp_path_factory.mktemp("msg")
    files = generate(root / "data", seed=11, to_month="2025-12", years=3, scale=0.03)
    with Store(root / "s.duckdb") as st:
        st.load({t: [files[t]] for t in MSG_TABLES}, extract_date=dt.date(2025, 12, 31))
        yield st
