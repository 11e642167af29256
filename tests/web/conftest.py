"""A small synthetic force (small counts abound at this scale) computed with the monthly plan, and
its static site in both editions, built once for the web tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest

from crimeplan.contract.schema import TABLES
from crimeplan.plans import load_plan
from crimeplan.report.build import public_results
from crimeplan.results import Results, compute
from crimeplan.store import Store
from crimeplan.synth import generate
from crimeplan.web.site import write_site

TO = dt.date(2026, 3, 1)


@dataclass
class Built:
    """The results, their public edition and the two sites written from them."""

    results: Results
    public: Results
    public_site: Path
    internal_site: Path
    store: Path


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = tmp_path_factory.mktemp("site")
    files = generate(root / "data", seed=3, to_month="2026-03", years=2, scale=0.04)
    with Store(root / "s.duckdb") as store:
        store.load({t: [files[t]] for t in TABLES}, extract_date=dt.date(2026, 3, 31))
        results = compute(store, load_plan("monthly-performance"), TO)
    write_site(results, root / "public", edition="public")
    write_site(results, root / "internal", edition="internal")
    return Built(results, public_results(results), root / "public", root / "internal", root / "s.duckdb")
