"""Signing in and out: rate-limited logins, expiring sessions, CSRF tokens bound to a session.

A session token is `secrets.token_urlsafe` and only its SHA-256 is stored. A session ends after
`idle` without use, after `absolute` in any case, on logout and when its account's role changes.
A CSRF token is an HMAC (key: CRIMEPLAN_SECRET) of the session, so it is worthless in any other.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass

from crimeplan.accounts._db import AccountsDB, iso, parse_time
from crimeplan.accounts.access import User
from crimeplan.accounts.passwords import HASHER, needs_rehash, verify_password
from crimeplan.accounts.users import get_user
from crimeplan.errors import BadInput

SECRET_ENV = "CRIMEPLAN_SECRET"
TOUCH_EVERY = dt.timedelta(seconds=30)
MIN_SECRET = 32


def _minutes(name: str, default: int) -> dt.timedelta:
    raw = os.environ.get(name)
    if raw is None:
        return dt.timedelta(minutes=default)
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise BadInput(f"{name} must be a whole number of minutes above 0, not {raw!r}", field=name)
    return dt.timedelta(minutes=value)


@dataclass(frozen=True)
class Settings:
    """Session lifetimes and login limits (defaults; each can be set from the environment)."""

    idle: dt.timedelta = dt.timedelta(minutes=30)
    absolute: dt.timedelta = dt.timedelta(hours=12)
    max_failures: int = 5             # per account, within `window`
    max_address_failures: int = 20    # per client address, within `window` (many people share a NAT)
    window: dt.timedelta = dt.timedelta(minutes=15)
    lockout: dt.timedelta = dt.timedelta(minutes=15)

    @classmethod
    def from_env(cls) -> Settings:
        """CRIMEPLAN_SESSION_IDLE_MINUTES, CRIMEPLAN_SESSION_MAX_MINUTES, CRIMEPLAN_LOCKOUT_MINUTES."""
        return cls(idle=_minutes("CRIMEPLAN_SESSION_IDLE_MINUTES", 30),
                   absolute=_minutes("CRIMEPLAN_SESSION_MAX_MINUTES", 12 * 60),
                   lockout=_minutes("CRIMEPLAN_LOCKOUT_MINUTES", 15), window=_minutes("CRIMEPLAN_LOCKOUT_MINUTES", 15))


def server_secret(*, demo: bool = False) -> bytes:
    """The HMAC key from CRIMEPLAN_SECRET; missing or short is refused unless demo (then a random one)."""
    raw = os.environ.get(SECRET_ENV, "")
    if len(raw) >= MIN_SECRET:
        return raw.encode("utf-8")
    if demo:
        return secrets.token_bytes(32)  # lives as long as the process: demo sessions end with it
    raise BadInput(f"set {SECRET_ENV} to a random string of at least {MIN_SECRET} characters "
                   "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))'); "
                   "only demo mode runs without one", field=SECRET_ENV)


class LoginRefused(Exception):
    """A login that did not succeed; the message never says whether the name exists."""


class LockedOut(LoginRefused):
    """Too many failed logins for the account or the address: try again after `until`."""

    def __init__(self, until: dt.datetime) -> None:
        self.until = until
        super().__init__(f"too many failed sign-ins; try again after {until:%H:%M} UTC")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _locked_until(db: AccountsDB, column: str, value: str, limit: int, settings: Settings) -> dt.datetime | None:
    """When the lock on an account or address ends, if `limit` failures fell within the window."""
    now = db.now()
    since = iso(now - settings.window)
    if column == "user":  # a success clears an account's earlier failures
        last_ok = db.conn.execute("SELECT MAX(at) FROM login_attempts WHERE user = ? AND ok = 1",
                                  (value,)).fetchone()[0]
        since = max(since, last_ok or since)
    rows = db.conn.execute(f"SELECT at FROM login_attempts WHERE {column} = ? AND ok = 0 AND at > ? ORDER BY at",
                           (value, since)).fetchall()
    if len(rows) < limit:
        return None
    until = parse_time(rows[-1]["at"]) + settings.lockout
    return until if until > now else None


def login(db: AccountsDB, name: str, password: str, address: str, settings: Settings = Settings()) -> str:
    """A new session token for a right name and password; LoginRefused (or LockedOut) otherwise."""
    for column, value, limit in (("address", address, settings.max_address_failures),
                                 ("user", name, settings.max_failures)):
        until = _locked_until(db, column, value, limit, settings)
        if until is not None:
            raise LockedOut(until)
    row = db.conn.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone()
    ok = verify_password(row["password_hash"] if row else None, password) and not row["disabled"]
    now = db.stamp()
    db.conn.execute("INSERT INTO login_attempts (user, address, at, ok) VALUES (?, ?, ?, ?)",
                    (name, address, now, int(ok)))
    if not ok:
        raise LoginRefused("wrong account name or password")
    if needs_rehash(row["password_hash"]):
        db.conn.execute("UPDATE users SET password_hash = ? WHERE name = ?", (HASHER.hash(password), name))
    token = secrets.token_urlsafe(32)
    db.conn.execute("INSERT INTO sessions (token_hash, user, created, last_seen) VALUES (?, ?, ?, ?)",
                    (_digest(token), name, now, now))
    return token


def session_user(db: AccountsDB, token: str | None, settings: Settings = Settings()) -> User | None:
    """The account a session token belongs to, or None when missing, unknown, revoked or expired."""
    if not token:
        return None
    row = db.conn.execute("SELECT * FROM sessions WHERE token_hash = ?", (_digest(token),)).fetchone()
    if row is None or row["revoked"] is not None:
        return None
    now = db.now()
    if now - parse_time(row["last_seen"]) > settings.idle or now - parse_time(row["created"]) > settings.absolute:
        db.conn.execute("UPDATE sessions SET revoked = ? WHERE token_hash = ?", (iso(now), row["token_hash"]))
        return None
    user = get_user(db, row["user"])
    if user is None or user.disabled:
        return None
    if now - parse_time(row["last_seen"]) >= TOUCH_EVERY:  # idle time is kept to the minute, not the request
        db.conn.execute("UPDATE sessions SET last_seen = ? WHERE token_hash = ?", (iso(now), row["token_hash"]))
    return user


def logout(db: AccountsDB, token: str) -> None:
    """End a session (nothing happens for an unknown token)."""
    db.conn.execute("UPDATE sessions SET revoked = ? WHERE token_hash = ? AND revoked IS NULL",
                    (db.stamp(), _digest(token)))


def csrf_token(secret: bytes, session: str) -> str:
    """The CSRF token a form of this session carries."""
    mac = hmac.new(secret, b"csrf:" + _digest(session).encode("ascii"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode("ascii").rstrip("=")


def check_csrf(secret: bytes, session: str | None, token: str | None) -> bool:
    """True only when the token was made for this session with this secret (missing: False)."""
    if not session or not token:
        return False
    return hmac.compare_digest(csrf_token(secret, session), token)
