"""Passwords: argon2id hashes that verify and never equal (or contain) the password; a minimum
length; a hash made with older parameters is replaced at the next sign-in."""

from __future__ import annotations

import sqlite3

import pytest
from argon2 import PasswordHasher

from crimeplan.accounts import Role, Scope
from crimeplan.accounts.passwords import HASHER, MIN_LENGTH, hash_password, needs_rehash, verify_password
from crimeplan.accounts.sessions import login
from crimeplan.accounts.users import add_user
from crimeplan.errors import BadInput
from tests.accounts.conftest import PASSWORD


def test_a_hash_is_argon2id_verifies_and_is_not_the_password():
    digest = hash_password(PASSWORD)
    assert digest.startswith("$argon2id$")
    assert PASSWORD not in digest
    assert verify_password(digest, PASSWORD)
    assert not verify_password(digest, PASSWORD + "x")
    assert not verify_password(digest, "")
    assert hash_password(PASSWORD) != digest  # salted: the same password hashes differently


def test_an_unknown_account_never_verifies():
    assert not verify_password(None, "not-a-real-password-0000")  # the dummy hash's own password
    assert not verify_password("not a hash", PASSWORD)


@pytest.mark.parametrize("short", ["", "a" * (MIN_LENGTH - 1)])
def test_a_short_password_is_bad_input_naming_the_field(short):
    with pytest.raises(BadInput, match=f"field 'password': .*at least {MIN_LENGTH}"):
        hash_password(short)


def test_the_database_holds_no_password_in_clear(db):
    add_user(db, "alice", PASSWORD, Role.VIEWER, Scope("force"), by="test")
    login(db, "alice", PASSWORD, "10.0.0.1")
    stored = db.conn.execute("SELECT password_hash FROM users WHERE name = 'alice'").fetchone()[0]
    assert stored != PASSWORD and verify_password(stored, PASSWORD)
    db.close()
    assert PASSWORD.encode() not in db.path.read_bytes()
    assert oct(db.path.stat().st_mode & 0o777) == "0o600"
    with sqlite3.connect(db.path) as conn:
        audit = " ".join(str(v) for row in conn.execute("SELECT * FROM audit") for v in row)
    assert PASSWORD not in audit and "$argon2" not in audit


def test_a_hash_with_old_parameters_is_replaced_at_sign_in(db):
    add_user(db, "alice", PASSWORD, Role.VIEWER, Scope("force"), by="test")
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    db.conn.execute("UPDATE users SET password_hash = ? WHERE name = 'alice'", (weak,))
    assert needs_rehash(weak)
    login(db, "alice", PASSWORD, "10.0.0.1")
    renewed = db.conn.execute("SELECT password_hash FROM users WHERE name = 'alice'").fetchone()[0]
    assert renewed != weak and not needs_rehash(renewed)
    assert HASHER.verify(renewed, PASSWORD)
