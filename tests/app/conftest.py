"""A small synthetic force with the Police and Crime Plan computed for two months and kept in its
store, an accounts database with one account of each role and scope, and a way to drive the app
in-process through httpx's ASGI transport."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from crimeplan.accounts import AccountsDB, Role, Scope
from crimeplan.accounts.users import add_user
from crimeplan.contract.schema import TABLES
from crimeplan.plans import load_plan
from crimeplan.plans.model import Plan
from crimeplan.results import Results, compute, save
from crimeplan.store import Store
from crimeplan.synth import generate
from crimeplan.web.app import AppSettings, create_app
from tests.accounts.conftest import Clock

TO = dt.date(2026, 3, 1)  # ends a financial quarter: the quarterly update is due
BEFORE = dt.date(2026, 2, 1)
PASSWORD = "correct horse battery staple"
SECRET = b"a test secret of at least 32 bytes!!"
START = dt.datetime(2026, 4, 2, 9, 0, tzinfo=dt.UTC)


@dataclass
class Force:
    """The store, the plans computed into it, and the force's areas."""

    store: Path
    plan: Plan
    scoped_plan: Plan  # the same plan with force figures for force-scope accounts only
    results: Results
    force: str
    lpa: str
    other_lpa: str
    district: str  # one of lpa's districts
    other_district: str  # one of other_lpa's


@pytest.fixture(scope="session")
def force(tmp_path_factory: pytest.TempPathFactory) -> Force:
    root = tmp_path_factory.mktemp("app")
    files = generate(root / "data", seed=5, to_month="2026-03", years=2, scale=0.04)
    plan = load_plan("police-and-crime-plan")
    scoped_plan = plan.model_copy(update={"force_figures": "force_scope"})
    with Store(root / "s.duckdb") as store:
        store.load({t: [files[t]] for t in TABLES}, extract_date=dt.date(2026, 3, 31))
        for p, month in ((plan, TO), (plan, BEFORE), (scoped_plan, TO)):
            computed = compute(store, p, month)
            save(store, computed)
            if p is plan and month == TO:
                results = computed
    areas = results.context.areas
    lpas = list(dict.fromkeys(areas["lpa"]))
    lpa, other = lpas[0], lpas[1]
    return Force(root / "s.duckdb", plan, scoped_plan, results, str(areas["force"].iloc[0]), lpa, other,
                 str(areas[areas.lpa == lpa].district.iloc[0]), str(areas[areas.lpa == other].district.iloc[0]))


# name -> (role, scope kind, which area, Who names owned)
ACCOUNTS = {
    "viewer_force": (Role.VIEWER, "force", None, ()),
    "viewer_lpa": (Role.VIEWER, "lpa", "lpa", ()),
    "viewer_district": (Role.VIEWER, "district", "district", ()),
    "contributor_lpa": (Role.CONTRIBUTOR, "lpa", "lpa", ("North LPA",)),
    "analyst_force": (Role.ANALYST, "force", None, ()),
    "second_analyst": (Role.ANALYST, "force", None, ()),
    "admin_force": (Role.ADMIN, "force", None, ()),
}


def make_accounts(path: Path, force: Force) -> None:
    """Add every account of ACCOUNTS to a new accounts database."""
    db = AccountsDB(path)
    for name, (role, kind, area, owns) in ACCOUNTS.items():
        scope = Scope("force") if kind == "force" else Scope(kind, getattr(force, str(area)))
        add_user(db, name, PASSWORD, role, scope, owns=owns, by="test")
    db.close()


class Client:
    """A browser-like client of the app in this process (httpx over the ASGI transport), sync."""

    def __init__(self, app: Any) -> None:
        # the client's event loop runs in a thread of its own: Playwright's sync API, used by other
        # tests in the same process, keeps a loop of its own running in the main thread
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")

    def _run(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result()

    def get(self, url: str, **kw: Any) -> httpx.Response:
        """GET without following redirects."""
        return self._run(self.http.get(url, **kw))

    def post(self, url: str, data: dict[str, str], **kw: Any) -> httpx.Response:
        """POST a form without following redirects."""
        return self._run(self.http.post(url, data=data, **kw))

    def csrf(self, url: str) -> str:
        """The CSRF token of the first form on a page."""
        found = re.search(r'name="csrf" value="([^"]*)"', self.get(url).text)
        assert found is not None, f"no form on {url}"
        return found.group(1)

    def sign_in(self, name: str, password: str = PASSWORD, next_path: str = "/") -> httpx.Response:
        """Sign in through the form, as a person does."""
        return self.post("/login", {"csrf": self.csrf("/login"), "name": name, "password": password,
                                    "next": next_path})

    def close(self) -> None:
        """Close the client and its loop."""
        self._run(self.http.aclose())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join()
        self.loop.close()


@dataclass
class Served:
    """An app, its accounts database and its clock."""

    app: Any
    accounts: Path
    clock: Clock
    force: Force

    def client(self, name: str | None = None) -> Client:
        """A new client, signed in as the account when one is named."""
        c = Client(self.app)
        if name is not None:
            response = c.sign_in(name)
            assert response.status_code == 303, response.text
        return c


def serve(force: Force, folder: Path, plan: Plan | None = None) -> Served:
    """An app over the force's store with fresh accounts and a test clock."""
    accounts = folder / "accounts.sqlite"
    if not accounts.exists():
        make_accounts(accounts, force)
    clock = Clock(START)
    app = create_app(AppSettings(store=force.store, plan=plan or force.plan, accounts=accounts, secret=SECRET,
                                 clock=clock))
    return Served(app, accounts, clock, force)


@pytest.fixture(scope="session")
def served(force: Force, tmp_path_factory: pytest.TempPathFactory) -> Served:
    return serve(force, tmp_path_factory.mktemp("accounts"))


@pytest.fixture(scope="session")
def clients(served: Served) -> Iterator[dict[str | None, Client]]:
    """One signed-in client per account (and one signed out), shared by the read-only tests."""
    made: dict[str | None, Client] = {None: served.client()}
    made.update({name: served.client(name) for name in ACCOUNTS})
    yield made
    for c in made.values():
        c.close()


@pytest.fixture
def fresh(force: Force, tmp_path: Path) -> Served:
    """An app with its own accounts and clock, for tests that change state or move time."""
    return serve(force, tmp_path)
