"""The PostgreSQL store: `--store postgresql://user@host:port/db`.

The DuckDB store's code (snapshots, coverage, quarantine, alarms, stored results; `duck.Store`)
runs unchanged over `_pgcon.PgConnection`, which speaks the part of DuckDB's Python API that
code uses over a psycopg connection.  So a load
is one PostgreSQL transaction, as it is one DuckDB transaction: a load killed part-way leaves
the last complete snapshot.  Everything lives in one schema, `crimeplan`; the engine reads it
through Ibis's PostgreSQL backend on the same connection.

The password comes from libpq's usual places (PGPASSWORD, ~/.pgpass, PGPASSFILE), never the
URL: a URL holding one is refused before anything connects.  An open store holds an advisory
lock: a writer excludes every other store, a reader excludes writers (`StoreBusy` says so).
"""

from __future__ import annotations

import re
from pathlib import Path, PosixPath
from typing import Any
from urllib.parse import urlsplit

from crimeplan.errors import BadInput, StoreBusy
from crimeplan.store._duck import ident
from crimeplan.store.duck import _META, Store
from crimeplan.store.quality import QUALITY_META

SCHEMA = "crimeplan"
_LOCK_KEY = 0x63726D70  # 'crmp': the advisory lock every crimeplan store in a database takes
URL = re.compile(r"^(postgres|postgresql):/+(.*)$", re.DOTALL)

def is_url(path: str | Any) -> bool:
    """Whether a --store value names a PostgreSQL database (also as a Path, which folds `//`)."""
    return bool(URL.match(str(path)))


def connection_url(path: str | Any) -> str:
    """The PostgreSQL URL of a --store value; refused when it holds a password."""
    scheme, rest = URL.match(str(path)).groups()  # type: ignore[union-attr]
    url = f"{scheme}://{rest}"
    try:
        parts = urlsplit(url)
        has_password = parts.password is not None
        parts.port  # noqa: B018 - a port that is not a number raises here
    except ValueError as exc:
        raise BadInput(f"not a PostgreSQL URL ({exc}): write postgresql://user@host:port/database",
                       field="--store") from None
    if has_password or re.search(r"(^|[?&])password=", parts.query):
        raise BadInput("the store URL holds a password; give it in PGPASSWORD or a pgpass file "
                       "(~/.pgpass), never on the command line", field="--store")
    return url


class _Located(PosixPath):
    """A store's location for messages: the URL as given (a Path folds its `//`)."""

    url = ""

    def __str__(self) -> str:
        return self.url


class PgStore(Store):
    """A crimeplan store in a PostgreSQL database (schema `crimeplan`)."""

    streams = False  # the staged check is DuckDB SQL: PostgreSQL's loads check files in Python
    keeps_month_sums = False  # the checksums' row hash is DuckDB's: a compute here scans every month

    def __init__(self, url: str | Any, *, read_only: bool = False) -> None:
        import psycopg  # here, not at the top: opening a DuckDB store (open_store) never loads it

        from crimeplan.store._pgcon import PgConnection

        self.url = connection_url(url)
        self.read_only = read_only
        self.path = _Located(self.url)
        self.path.url = self.url
        try:
            raw = psycopg.connect(self.url, autocommit=True, connect_timeout=10)
        except psycopg.OperationalError as exc:
            # libpq's message is several lines: the reason (refused, no such database) and a hint
            reason = " ".join(line.strip() for line in str(exc).strip().splitlines())
            raise BadInput(f"cannot connect to PostgreSQL: {reason}",
                           file=self.url, field="--store") from None
        self.con = PgConnection(raw)  # type: ignore[assignment]
        lock = "pg_try_advisory_lock_shared" if read_only else "pg_try_advisory_lock"
        if not raw.execute(f"SELECT {lock}(%s)", [_LOCK_KEY]).fetchone()[0]:  # type: ignore[index]
            raw.close()
            raise StoreBusy(f"store {self.url} is busy: another process (a load?) is using it; "
                            "try again when it has finished")
        exists = raw.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = %s "
                             "AND table_name = '_snapshots'", [SCHEMA]).fetchone()[0]  # type: ignore[index]
        if read_only and not exists:
            raw.close()
            raise BadInput("no crimeplan store in this database (run `crimeplan load` first)",
                           file=self.url, field="--store")
        if not read_only:
            raw.execute(f"CREATE SCHEMA IF NOT EXISTS {ident(SCHEMA)}")
        raw.execute(f"SET search_path TO {ident(SCHEMA)}")
        # a reader is not a read-only session: Ibis keeps small lookups (severity weights) in
        # temporary tables; the lock keeps writers out
        if not read_only:
            self.con.execute(_META + QUALITY_META)

    def ibis(self) -> Any:
        """An Ibis backend on this store's connection."""
        import ibis

        return ibis.postgres.from_connection(self.con.raw)  # type: ignore[attr-defined]

    def load(self, files: Any, **kw: Any) -> Any:
        """As `Store.load`; quarantine files go to ./quarantine unless `quarantine_dir` says otherwise."""
        kw["quarantine_dir"] = kw.get("quarantine_dir") or Path("quarantine")
        return super().load(files, **kw)
