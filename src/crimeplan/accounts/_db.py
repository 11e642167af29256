"""The accounts database: one SQLite file, private to its owner, with an audit log of every change."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from crimeplan._atomic import check_private_dir
from crimeplan.errors import BadInput

Clock = Callable[[], dt.datetime]

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY, password_hash TEXT NOT NULL, role TEXT NOT NULL, scope TEXT NOT NULL,
    owns TEXT NOT NULL DEFAULT '', created TEXT NOT NULL, disabled INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash TEXT PRIMARY KEY, user TEXT NOT NULL, created TEXT NOT NULL, last_seen TEXT NOT NULL,
    revoked TEXT);
CREATE TABLE IF NOT EXISTS login_attempts (
    id INTEGER PRIMARY KEY, user TEXT NOT NULL, address TEXT NOT NULL, at TEXT NOT NULL, ok INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS commentary (
    commitment TEXT NOT NULL, quarter TEXT NOT NULL, who TEXT NOT NULL, state TEXT NOT NULL,
    text TEXT NOT NULL, author TEXT NOT NULL, updated TEXT NOT NULL, note TEXT NOT NULL DEFAULT '',
    approved_text TEXT, approved_by TEXT, approved_at TEXT, PRIMARY KEY (commitment, quarter));
CREATE TABLE IF NOT EXISTS commentary_history (
    id INTEGER PRIMARY KEY, commitment TEXT NOT NULL, quarter TEXT NOT NULL, state TEXT NOT NULL,
    text TEXT NOT NULL, by TEXT NOT NULL, at TEXT NOT NULL, note TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY, at TEXT NOT NULL, who TEXT NOT NULL, action TEXT NOT NULL,
    target TEXT NOT NULL, before TEXT, after TEXT);
"""


def utc_now() -> dt.datetime:
    """The real clock (tests pass their own)."""
    return dt.datetime.now(dt.UTC)


def default_path(store: str | Path) -> Path:
    """Where a store's accounts live when no --accounts is given: `<store>.accounts.sqlite`."""
    store = Path(store)
    return store.with_name(store.name + ".accounts.sqlite")


class AccountsDB:
    """An open accounts database and the clock its times come from."""

    def __init__(self, path: str | Path, *, clock: Clock = utc_now) -> None:
        self.path = Path(path)
        self.clock = clock
        if self.path.is_dir():
            raise BadInput("the accounts database is a folder", file=str(self.path), field="--accounts")
        if not self.path.exists():
            check_private_dir(self.path.parent, "accounts")
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # created 0600 before SQLite opens it: password hashes and sessions are no one else's
            os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        elif self.path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise BadInput("the accounts database can be read by others; run chmod 600 on it",
                           file=str(self.path), field="--accounts")
        try:
            self.conn = sqlite3.connect(self.path, isolation_level=None)
            self.conn.row_factory = sqlite3.Row
            # write-ahead log: readers never wait for the one writer, and a commit need not sync the
            # file each time (the web app touches a session on every request)
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute("PRAGMA busy_timeout=5000")
            self.conn.executescript(SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise BadInput(f"not an accounts database: {exc}", file=str(self.path), field="--accounts") from None

    def now(self) -> dt.datetime:
        """The current time, timezone-aware UTC."""
        return self.clock().astimezone(dt.UTC)

    def stamp(self) -> str:
        """The current time as stored: ISO 8601, UTC."""
        return iso(self.now())

    def audit(self, who: str, action: str, target: str, before: Any = None, after: Any = None) -> None:
        """Record one change: who made it, when, what, and the state before and after (JSON)."""
        self.conn.execute(
            "INSERT INTO audit (at, who, action, target, before, after) VALUES (?, ?, ?, ?, ?, ?)",
            (self.stamp(), who, action, target,
             None if before is None else json.dumps(before, sort_keys=True),
             None if after is None else json.dumps(after, sort_keys=True)))

    def audit_log(self, target: str | None = None) -> list[dict[str, Any]]:
        """The audit entries, oldest first (of one target when given), before/after decoded."""
        rows = self.conn.execute(
            "SELECT * FROM audit" + (" WHERE target = ?" if target is not None else "") + " ORDER BY id",
            (target,) if target is not None else ()).fetchall()
        return [{**dict(r), "before": json.loads(r["before"]) if r["before"] else None,
                 "after": json.loads(r["after"]) if r["after"] else None} for r in rows]

    def latest_audit(self, limit: int) -> list[dict[str, Any]]:
        """The newest `limit` audit entries, newest first (before/after left as stored)."""
        rows = self.conn.execute("SELECT * FROM audit ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
        return [dict(r) for r in rows]

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """All the statements inside happen, or none (a change and its audit entry go together)."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    def __enter__(self) -> AccountsDB:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def iso(moment: dt.datetime) -> str:
    """A time as stored: ISO 8601 UTC, always with microseconds, so stored times sort as text."""
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def parse_time(text: str) -> dt.datetime:
    """A stored time back as a datetime."""
    return dt.datetime.fromisoformat(text)
