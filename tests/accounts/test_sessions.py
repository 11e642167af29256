"""Sessions expire (idle and absolute, on an injected clock), end on logout and on a role change;
CSRF tokens belong to one session; failed sign-ins lock an account and an address for a while."""

from __future__ import annotations

import pytest

from crimeplan.accounts import Role, Scope
from crimeplan.accounts.sessions import (
    LockedOut,
    LoginRefused,
    Settings,
    check_csrf,
    csrf_token,
    login,
    logout,
    server_secret,
    session_user,
)
from crimeplan.accounts.users import add_user, remove_user, set_password, set_role
from crimeplan.errors import BadInput
from tests.accounts.conftest import PASSWORD

SETTINGS = Settings()  # 30 minutes idle, 12 hours in all, 5 failures in 15 minutes lock for 15


@pytest.fixture
def alice(db):
    return add_user(db, "alice", PASSWORD, Role.CONTRIBUTOR, Scope("lpa", "North LPA"), ["North LPA"], by="admin")


def test_a_session_token_is_random_and_stored_hashed(db, alice):
    one, two = login(db, "alice", PASSWORD, "10.0.0.1"), login(db, "alice", PASSWORD, "10.0.0.1")
    assert one != two and len(one) >= 40
    stored = {r[0] for r in db.conn.execute("SELECT token_hash FROM sessions")}
    assert len(stored) == 2 and one not in stored and two not in stored
    assert session_user(db, one).name == "alice"


def test_idle_timeout_with_an_injected_clock(db, alice, clock):
    token = login(db, "alice", PASSWORD, "10.0.0.1")
    for _ in range(3):  # used every 29 minutes: stays open
        clock.advance(minutes=29)
        assert session_user(db, token, SETTINGS) is not None
    clock.advance(minutes=30, seconds=1)
    assert session_user(db, token, SETTINGS) is None
    clock.advance(seconds=1)
    assert session_user(db, token, SETTINGS) is None  # an expired session does not come back


def test_absolute_timeout_even_when_used(db, alice, clock):
    token = login(db, "alice", PASSWORD, "10.0.0.1")
    for _ in range(35):  # 35 × 20 minutes = 11 h 40 min, always within the idle limit
        clock.advance(minutes=20)
        assert session_user(db, token, SETTINGS) is not None
    clock.advance(minutes=20)  # 12 h 00 min: still the limit itself
    assert session_user(db, token, SETTINGS) is not None
    clock.advance(seconds=1)
    assert session_user(db, token, SETTINGS) is None


def test_logout_ends_that_session_only(db, alice):
    one, two = login(db, "alice", PASSWORD, "10.0.0.1"), login(db, "alice", PASSWORD, "10.0.0.2")
    logout(db, one)
    assert session_user(db, one) is None
    assert session_user(db, two).name == "alice"
    logout(db, "no-such-token")  # nothing to end, nothing raised
    assert session_user(db, None) is None and session_user(db, "") is None


def test_a_role_change_a_new_password_or_removal_ends_every_session(db, alice):
    add_user(db, "bob", PASSWORD, Role.VIEWER, Scope("force"), by="admin")
    bob = login(db, "bob", PASSWORD, "10.0.0.3")
    token = login(db, "alice", PASSWORD, "10.0.0.1")
    set_role(db, "alice", Role.ANALYST, by="admin")
    assert session_user(db, token) is None
    again = login(db, "alice", PASSWORD, "10.0.0.1")
    assert session_user(db, again).role is Role.ANALYST
    set_password(db, "alice", PASSWORD + "!", by="admin")
    assert session_user(db, again) is None
    third = login(db, "alice", PASSWORD + "!", "10.0.0.1")
    remove_user(db, "alice", by="admin")
    assert session_user(db, third) is None
    with pytest.raises(LoginRefused):
        login(db, "alice", PASSWORD + "!", "10.0.0.1")
    assert session_user(db, bob).name == "bob"


SECRET = b"s" * 48


def test_csrf_token_refused_for_another_session_a_wrong_token_or_none(db, alice):
    one, two = login(db, "alice", PASSWORD, "10.0.0.1"), login(db, "alice", PASSWORD, "10.0.0.1")
    token = csrf_token(SECRET, one)
    assert check_csrf(SECRET, one, token)
    assert not check_csrf(SECRET, two, token)                  # another session's form
    assert not check_csrf(SECRET, one, token[:-1] + ("A" if token[-1] != "A" else "B"))  # altered
    assert not check_csrf(SECRET, one, csrf_token(b"t" * 48, one))  # made with another secret
    assert not check_csrf(SECRET, one, None) and not check_csrf(SECRET, one, "")  # missing
    assert not check_csrf(SECRET, None, token)                  # no session at all
    assert one not in token and token == csrf_token(SECRET, one)


def test_no_secret_no_start_except_in_demo_mode(monkeypatch):
    monkeypatch.delenv("CRIMEPLAN_SECRET", raising=False)
    with pytest.raises(BadInput, match="field 'CRIMEPLAN_SECRET'"):
        server_secret()
    monkeypatch.setenv("CRIMEPLAN_SECRET", "too short")
    with pytest.raises(BadInput, match="at least 32"):
        server_secret()
    assert len(server_secret(demo=True)) == 32 and server_secret(demo=True) != server_secret(demo=True)
    monkeypatch.setenv("CRIMEPLAN_SECRET", "x" * 40)
    assert server_secret() == b"x" * 40


def test_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("CRIMEPLAN_SESSION_IDLE_MINUTES", "5")
    monkeypatch.setenv("CRIMEPLAN_SESSION_MAX_MINUTES", "60")
    got = Settings.from_env()
    assert got.idle.total_seconds() == 300 and got.absolute.total_seconds() == 3600
    monkeypatch.setenv("CRIMEPLAN_SESSION_IDLE_MINUTES", "soon")
    with pytest.raises(BadInput, match="field 'CRIMEPLAN_SESSION_IDLE_MINUTES'"):
        Settings.from_env()


def _fail(db, name, address, times):
    for _ in range(times):
        with pytest.raises(LoginRefused) as caught:
            login(db, name, "wrong password here", address)
        assert not isinstance(caught.value, LockedOut)


def test_five_failures_lock_the_account_for_fifteen_minutes(db, alice, clock):
    _fail(db, "alice", "10.0.0.1", 5)
    with pytest.raises(LockedOut) as caught:
        login(db, "alice", PASSWORD, "10.0.0.9")  # the right password, from elsewhere: still locked
    assert caught.value.until == clock.now + SETTINGS.lockout
    clock.advance(minutes=14, seconds=59)
    with pytest.raises(LockedOut):
        login(db, "alice", PASSWORD, "10.0.0.1")
    clock.advance(seconds=2)
    assert session_user(db, login(db, "alice", PASSWORD, "10.0.0.1")).name == "alice"


def test_failures_outside_the_window_or_before_a_success_do_not_count(db, alice, clock):
    _fail(db, "alice", "10.0.0.1", 4)
    clock.advance(minutes=16)
    _fail(db, "alice", "10.0.0.1", 4)  # 4 within the window: not locked
    login(db, "alice", PASSWORD, "10.0.0.1")  # a success clears them
    _fail(db, "alice", "10.0.0.1", 4)
    assert login(db, "alice", PASSWORD, "10.0.0.1")


def test_an_unknown_name_is_refused_as_a_wrong_password_is(db, alice):
    with pytest.raises(LoginRefused) as unknown:
        login(db, "mallory", PASSWORD, "10.0.0.1")
    with pytest.raises(LoginRefused) as wrong:
        login(db, "alice", "wrong password here", "10.0.0.1")
    assert str(unknown.value) == str(wrong.value) == "wrong account name or password"


def test_many_failures_from_one_address_lock_that_address(db, alice, clock):
    for i in range(SETTINGS.max_address_failures):
        _fail(db, f"guess{i}", "203.0.113.7", 1)  # a different name each time: no account lock
    with pytest.raises(LockedOut):
        login(db, "alice", PASSWORD, "203.0.113.7")
    assert login(db, "alice", PASSWORD, "10.0.0.1")  # another address is not locked
    clock.advance(minutes=15, seconds=1)
    assert login(db, "alice", PASSWORD, "203.0.113.7")
