"""One parametrised fixture, `backend`: the same snapshot tables on DuckDB, PostgreSQL and Spark.

Ibis's own pattern for backend tests: a test takes `backend` and runs once per engine.  A store
is built on DuckDB as every other test builds it; `backend.on(store)` gives a store whose
snapshot tables the engine reads from that engine (copied there: PostgreSQL tables, Parquet
files read by Spark), everything else (snapshots, coverage, alarms) as the store holds it.
The PostgreSQL cluster and the Spark session are started once per test session (per xdist
worker); under xdist every Spark test runs on one worker (tests/conftest.py), so one JVM starts.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from crimeplan.store import Store
from crimeplan.store._duck import arrow, ident
from tests.backends.servers import local_spark, throwaway_postgres

ENGINES = ["duckdb", "postgres", "spark"]
_copies = itertools.count(1)


class OnEngine:
    """A DuckDB store whose snapshot tables the engine reads from another Ibis backend."""

    def __init__(self, store: Store, put: Any) -> None:
        self.store, self._put = store, put
        self._made: dict[str, Any] = {}

    def tables(self, snapshot_id: int | None = None) -> dict[str, Any]:
        """Canonical name -> that engine's copy of the physical table."""
        out = {}
        for name, phys in self.store.physical_tables(snapshot_id).items():
            if phys not in self._made:
                data = arrow(self.store.con, f"SELECT * FROM {ident(phys)}")
                self._made[phys] = self._put(f"{phys}_c{next(_copies)}", data)
            out[name] = self._made[phys]
        return out

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)

    def __enter__(self) -> OnEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.store.close()


class Engine:
    """One engine of the backend suite: its name and how a store's tables get onto it."""

    def __init__(self, name: str, put: Any = None) -> None:
        self.name, self._put = name, put

    def on(self, store: Store) -> Any:
        """The store as this engine computes it (DuckDB: the store itself)."""
        return store if self._put is None else OnEngine(store, self._put)

    def __repr__(self) -> str:
        return self.name


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A throwaway PostgreSQL cluster for this test session (worker)."""
    with throwaway_postgres() as url:
        yield url


@pytest.fixture(scope="session")
def postgres_engine(pg_url: str) -> Engine:
    """PostgreSQL through Ibis, tables written with Ibis's create_table."""
    import ibis

    con = ibis.connect(pg_url)
    return Engine("postgres", lambda name, data: con.create_table(name, data))


@pytest.fixture(scope="session")
def spark_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """Spark in local mode through Ibis's PySpark backend, each table a Parquet file."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        pytest.fail("the Spark tier needs the `spark` extra: run `make .venv/.spark` (make test does)")
    import ibis

    root = tmp_path_factory.mktemp("spark")
    with local_spark() as session:
        con = ibis.pyspark.from_connection(session)

        def put(name: str, data: Any) -> Any:
            path = root / f"{name}.parquet"
            pq.write_table(data, path)
            return con.read_parquet(str(path), table_name=name)

        yield Engine("spark", put)


SPARK_MARKS = [pytest.mark.spark]  # ids start `[spark`: tests/conftest.py keeps them on one worker
SPARK = pytest.param("spark", marks=SPARK_MARKS)
ALL = ["duckdb", "postgres", SPARK]


def on_spark(*values: Any) -> Any:
    """A parameter set (engine first) that runs on Spark, for `parametrize(..., indirect=["backend"])`."""
    return pytest.param("spark", *values, marks=SPARK_MARKS)


@pytest.fixture(params=ALL)
def backend(request: pytest.FixtureRequest) -> Engine:
    """Each engine in turn (the Ibis backend-test pattern)."""
    if request.param == "duckdb":
        return Engine("duckdb")
    return request.getfixturevalue(f"{request.param}_engine")




@pytest.fixture(params=["duckdb", "postgres"])
def store_at(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new store's --store value: a DuckDB file, or a fresh database on the session's cluster."""
    if request.param == "duckdb":
        return str(tmp_path / "s.duckdb")
    import psycopg

    url = request.getfixturevalue("pg_url")
    name = f"t{next(_copies)}"
    with psycopg.connect(url, autocommit=True) as con:
        con.execute(f"CREATE DATABASE {name}")
    return url.rsplit("/", 1)[0] + "/" + name
