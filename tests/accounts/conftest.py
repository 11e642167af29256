"""Shared fixtures: an accounts database in a temporary folder with a clock the test moves."""

from __future__ import annotations

import datetime as dt

import pytest

from crimeplan.accounts import AccessMap, AccountsDB

START = dt.datetime(2026, 7, 1, 9, 0, tzinfo=dt.UTC)
PASSWORD = "correct horse battery staple"

# a force of two LPAs and three districts; commitments owned as a plan's Who column says
WHERE = AccessMap(force="Testshire", lpas={"North LPA": ("Ashby", "Brook"), "South LPA": ("Carlow",)},
                  owners={"c_north": "North LPA", "c_media": "Media & Communications"})


class Clock:
    """A clock that stands still until the test moves it."""

    def __init__(self, start: dt.datetime = START) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        """Move the clock forward (minutes=..., hours=...)."""
        self.now += dt.timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def db(tmp_path, clock):
    opened = AccountsDB(tmp_path / "store.duckdb.accounts.sqlite", clock=clock)
    yield opened
    opened.close()
