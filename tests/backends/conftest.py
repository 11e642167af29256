"""One parametrised fixture, `backend`: each engine in turn, its stores made by its own load path.

Ibis's own pattern for backend tests: a test takes `backend` and runs once per engine.
`backend.url(folder)` is a store's --store value on that engine (a DuckDB file, a database on
the session's PostgreSQL cluster, a `spark:` folder), and `backend.load(folder, files, ...)`
opens it with `open_store` and loads the files with the store's own `load`, as `crimeplan load`
does: the engine reads the tables that store wrote (PostgreSQL tables, Parquet files for Spark).
The PostgreSQL cluster and the Spark session are started once per test session (per xdist
worker); under xdist every Spark test runs on one worker (tests/conftest.py), so one JVM starts.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from crimeplan.store import StoreLike, open_store
from tests.backends.servers import local_spark, throwaway_postgres

ENGINES = ["duckdb", "postgres", "spark"]


class Engine:
    """One engine of the backend suite: its name and where its stores live."""

    def __init__(self, name: str, url: Callable[[Path], str]) -> None:
        self.name, self._url = name, url

    def url(self, folder: Path) -> str:
        """The --store value of this engine's store for `folder` (the same folder, the same store)."""
        return self._url(folder)

    def load(self, folder: Path, files: dict[str, list[Path]], **kw: Any) -> StoreLike:
        """This engine's store for `folder`, opened for writing, with `files` loaded as one snapshot."""
        store = open_store(self.url(folder))
        try:
            store.load(files, **kw)
        except BaseException:
            store.close()
            raise
        return store

    def __repr__(self) -> str:
        return self.name


DUCKDB = Engine("duckdb", lambda folder: str(folder / "store.duckdb"))


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A throwaway PostgreSQL cluster for this test session (worker)."""
    with throwaway_postgres() as url:
        yield url


@pytest.fixture(scope="session")
def postgres_engine(pg_url: str) -> Engine:
    """PostgreSQL stores: a database of the session's cluster per folder, made when first named."""
    import psycopg

    made: dict[Path, str] = {}
    numbers = itertools.count(1)

    def url(folder: Path) -> str:
        if folder not in made:
            name = f"t{next(numbers)}"
            with psycopg.connect(pg_url, autocommit=True) as con:
                con.execute(f"CREATE DATABASE {name}")
            made[folder] = pg_url.rsplit("/", 1)[0] + "/" + name
        return made[folder]

    return Engine("postgres", url)


@pytest.fixture(scope="session")
def spark_engine() -> Iterator[Engine]:
    """Spark stores (`spark:` folders) in local mode, on crimeplan's own session (started once)."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        pytest.fail("the Spark tier needs the `spark` extra: run `make .venv/.spark` (make test does)")
    with local_spark():
        yield Engine("spark", lambda folder: f"spark:{folder / 'spark-store'}")


SPARK_MARKS = [pytest.mark.spark]  # ids start `[spark`: tests/conftest.py keeps them on one worker
SPARK = pytest.param("spark", marks=SPARK_MARKS)
ALL = ["duckdb", "postgres", SPARK]


def on_spark(*values: Any) -> Any:
    """A parameter set (engine first) that runs on Spark, for `parametrize(..., indirect=["backend"])`."""
    return pytest.param("spark", *values, marks=SPARK_MARKS)


def engine(request: pytest.FixtureRequest, name: str) -> Engine:
    """The engine called `name` (its server started for this session if it is not yet)."""
    return DUCKDB if name == "duckdb" else request.getfixturevalue(f"{name}_engine")


@pytest.fixture(params=ALL)
def backend(request: pytest.FixtureRequest) -> Engine:
    """Each engine in turn (the Ibis backend-test pattern)."""
    return engine(request, request.param)


@pytest.fixture(params=ALL)
def store_at(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new store's --store value on each engine: a DuckDB file, a fresh database, a Spark folder."""
    return engine(request, request.param).url(tmp_path)
