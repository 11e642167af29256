"""Accounts: add, remove (disable), change role or scope, list. Every change is audited."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable

from crimeplan.accounts._db import AccountsDB
from crimeplan.accounts.access import Role, Scope, User
from crimeplan.accounts.passwords import hash_password
from crimeplan.errors import BadInput

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")


def check_name(name: str, field: str = "NAME") -> str:
    """An account name: letters, digits, . _ @ - (at most 64); else bad input naming the field."""
    if not NAME.match(name or ""):
        raise BadInput(f"account name {name!r} must be 1-64 letters, digits, '.', '_', '@' or '-' "
                       "starting with a letter or digit", field=field)
    return name


def _owns(owns: Iterable[str]) -> str:
    """The Who names stored one a line (a Who cell may hold commas and slashes)."""
    return "\n".join(" ".join(o.split()) for o in owns if o.strip())


def _user(r: sqlite3.Row) -> User:
    return User(name=r["name"], role=Role[r["role"].upper()], scope=Scope.parse(r["scope"]),
                owns=tuple(o for o in r["owns"].split("\n") if o), disabled=bool(r["disabled"]))


def _public(user: User) -> dict[str, object]:
    """An account as the audit log records it (never the hash)."""
    return {"role": user.role.label, "scope": str(user.scope), "owns": list(user.owns), "disabled": user.disabled}


def get_user(db: AccountsDB, name: str) -> User | None:
    """The account of that name, or None."""
    row = db.conn.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone()
    return _user(row) if row else None


def _existing(db: AccountsDB, name: str) -> User:
    found = get_user(db, name)
    if found is None:
        raise BadInput(f"no account named {name!r}", field="NAME")
    return found


def add_user(db: AccountsDB, name: str, password: str, role: Role, scope: Scope,
             owns: Iterable[str] = (), *, by: str) -> User:
    """Create an account; the password is hashed (argon2) before anything is written."""
    check_name(name)
    digest = hash_password(password)
    if db.conn.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
        raise BadInput(f"an account named {name!r} already exists", field="NAME")
    with db.transaction() as conn:
        conn.execute("INSERT INTO users (name, password_hash, role, scope, owns, created) VALUES (?, ?, ?, ?, ?, ?)",
                     (name, digest, role.label, str(scope), _owns(owns), db.stamp()))
        user = _existing(db, name)
        db.audit(by, "user.add", f"user:{name}", None, _public(user))
    return user


def revoke_sessions(db: AccountsDB, name: str) -> int:
    """End every open session of an account; how many were open."""
    cur = db.conn.execute("UPDATE sessions SET revoked = ? WHERE user = ? AND revoked IS NULL", (db.stamp(), name))
    return cur.rowcount


def remove_user(db: AccountsDB, name: str, *, by: str) -> None:
    """Disable an account and end its sessions (kept, so the audit log's names stay meaningful)."""
    before = _existing(db, name)
    with db.transaction() as conn:
        conn.execute("UPDATE users SET disabled = 1 WHERE name = ?", (name,))
        revoke_sessions(db, name)
        db.audit(by, "user.remove", f"user:{name}", _public(before), _public(_existing(db, name)))


def set_role(db: AccountsDB, name: str, role: Role | None = None, scope: Scope | None = None,
             owns: Iterable[str] | None = None, *, by: str) -> User:
    """Change an account's role, scope or owned Who names; its sessions end (it signs in again)."""
    before = _existing(db, name)
    with db.transaction() as conn:
        conn.execute("UPDATE users SET role = ?, scope = ?, owns = ? WHERE name = ?",
                     ((role or before.role).label, str(scope or before.scope),
                      _owns(owns) if owns is not None else _owns(before.owns), name))
        revoke_sessions(db, name)
        after = _existing(db, name)
        db.audit(by, "user.set_role", f"user:{name}", _public(before), _public(after))
    return after


def set_password(db: AccountsDB, name: str, password: str, *, by: str) -> None:
    """Replace an account's password; its sessions end. The audit entry says so, without the hash."""
    _existing(db, name)
    digest = hash_password(password)
    with db.transaction() as conn:
        conn.execute("UPDATE users SET password_hash = ? WHERE name = ?", (digest, name))
        revoke_sessions(db, name)
        db.audit(by, "user.set_password", f"user:{name}")


def list_users(db: AccountsDB) -> list[tuple[User, str]]:
    """Every account with its creation time, by name."""
    rows = db.conn.execute("SELECT * FROM users ORDER BY name").fetchall()
    return [(_user(r), r["created"]) for r in rows]
