"""Passwords: argon2id hashes (argon2-cffi), a minimum length, rehashed when the parameters change.

A password is never stored, printed or logged; only its hash is kept.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from crimeplan.errors import BadInput

MIN_LENGTH = 12
MAX_LENGTH = 1024  # hashing a megabyte of "password" is a way to tie up the server
HASHER = PasswordHasher()  # argon2id with the library's current recommended parameters
# verified against when a name is unknown, so a wrong name costs as long as a wrong password
_DUMMY = HASHER.hash("not-a-real-password-0000")


def check_strength(password: str, field: str = "password") -> None:
    """Refuse (bad input) a password shorter than MIN_LENGTH or absurdly long."""
    if len(password) < MIN_LENGTH:
        raise BadInput(f"the password must be at least {MIN_LENGTH} characters", field=field)
    if len(password) > MAX_LENGTH:
        raise BadInput(f"the password must be at most {MAX_LENGTH} characters", field=field)


def hash_password(password: str, hasher: PasswordHasher = HASHER) -> str:
    """The argon2 hash to store for a password that passes check_strength."""
    check_strength(password)
    return hasher.hash(password)


def verify_password(stored: str | None, password: str, hasher: PasswordHasher = HASHER) -> bool:
    """True when the password matches the stored hash (None: no such account, still costs a hash)."""
    try:
        return hasher.verify(stored or _DUMMY, password[:MAX_LENGTH]) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str, hasher: PasswordHasher = HASHER) -> bool:
    """True when a stored hash was made with other parameters than the hasher's (rehash at login)."""
    try:
        return hasher.check_needs_rehash(stored)
    except InvalidHashError:
        return True
