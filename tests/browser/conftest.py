"""The real-browser suite: Debian's Chromium driven by Playwright (one browser per test process),
opening every page named in PAGE_SETS. A new set of pages (the public site) joins by adding a
session fixture that writes them and returns {name: WebPage}, and a line in PAGE_SETS."""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from crimeplan.accounts import AccessMap, AccountsDB, Role, Scope, workflow
from crimeplan.accounts.users import add_user
from crimeplan.contract.schema import TABLES
from crimeplan.periods import add_months, financial_quarter, last_quarter_end
from crimeplan.plans import load_plan
from crimeplan.report.build import build_document
from crimeplan.report.render.html import write_html
from crimeplan.results import compute, save, write_results
from crimeplan.store import open_store
from crimeplan.synth import generate
from crimeplan.web.app import AppSettings, create_app
from crimeplan.web.site import write_site

from .live import serving

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"  # Debian's package (`make system-deps`), never `playwright install`
# without these Chromium opens network connections that this machine refuses (RECIPES.md)
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"


@dataclass(frozen=True)
class Account:
    """An account of the live app: a page opened as it is signed in through the login form first."""

    name: str
    password: str


@dataclass(frozen=True)
class WebPage:
    """A page the suite opens (a written file, or a page of a live server), and what its figures
    must equal."""

    name: str
    path: Path | None = None  # a written page, opened by its file:// URI
    export: Path | None = None  # the results export (CSV) whose figures the page prints
    public: bool = False  # public edition: disclosure control may show a figure as [c]
    least_figures: int = 7  # how many hooked figure cells the page must show, at least
    url: str | None = None  # a page of a live server instead: http://127.0.0.1:<port>/...
    sign_in: Account | None = None  # who the live page is opened as (None: signed out)

    @property
    def address(self) -> str:
        """The URL the browser opens."""
        if self.url is not None:
            return self.url
        assert self.path is not None, f"{self.name} has neither a file nor a URL"
        return self.path.as_uri()

    @property
    def origin(self) -> str:
        """Where everything the page loads must come from: its server, or 'file://'."""
        if self.url is None:
            return "file://"
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}"


TO = dt.date(2025, 3, 1)  # a March: the quarterly update and the annual table are both due
# each report kind and the shipped plan it is made from
REPORTS = {"monthly": "monthly-performance", "msg": "monthly-performance",
           "quarterly": "police-and-crime-plan", "annual": "police-and-crime-plan"}
EDITIONS = ("internal", "public")
REPORT_PAGES = [f"{kind}-{edition}" for kind in REPORTS for edition in EDITIONS]

# the public site of the monthly plan (`crimeplan site`): its every kind of page, one of each
# where there are many (docs/site.md lists them)
SITE_PAGES = ["index", "areas", "msg", "downloads", "priority/domestic_abuse", "measure/all_crime",
              "measure/sat_contact", "area/north"]

# the dashboard (`crimeplan serve`) on the Police and Crime Plan's stored results: a page of each
# kind, by its name here -> (its address after the origin, the account that opens it, how many
# figures it must show: about four fifths of those it shows today, seed 7). The names start "app/"
# so their screenshots stand apart from the site's.
APP_PLAN = REPORTS["quarterly"]
APP_COMMITMENT = "cp_neighbourhood_policing"  # owned by North LPA, whose contributor writes it
APP_ADDRESSES: dict[str, tuple[str, str | None, int]] = {
    "app/login": ("/login", None, 0),
    "app/index": (f"/{TO:%Y-%m}/index.html", "admin", 60),
    "app/priority/crime_prevention": (f"/{TO:%Y-%m}/priority/crime_prevention.html", "admin", 15),
    "app/measure/all_crime": (f"/{TO:%Y-%m}/measure/all_crime.html", "admin", 15),
    "app/measure/sat_overall": (f"/{TO:%Y-%m}/measure/sat_overall.html", "admin", 15),
    "app/area/north": (f"/{TO:%Y-%m}/area/north.html", "admin", 80),
    "app/areas": (f"/{TO:%Y-%m}/areas.html", "admin", 0),
    "app/msg": (f"/{TO:%Y-%m}/msg.html", "admin", 20),
    "app/changes": (f"/{TO:%Y-%m}/changes.html", "admin", 30),
    "app/downloads": (f"/{TO:%Y-%m}/downloads.html", "admin", 0),
    "app/commentary": ("/commentary", "north_contributor", 0),
    f"app/commentary/{APP_COMMITMENT}": (f"/commentary/{APP_COMMITMENT}", "north_contributor", 0),
    "app/audit": ("/audit", "admin", 0),
}
APP_PAGES = list(APP_ADDRESSES)

# every page the browser checks run on: a session fixture returning {name: WebPage}, and the
# names it writes (known before the fixture runs, so each page is its own test)
PAGE_SETS: dict[str, list[str]] = {"report_pages": REPORT_PAGES, "site_pages": SITE_PAGES, "app_pages": APP_PAGES}


def _write_report_pages(root: Path) -> None:
    """The synthetic force to March 2025 (seed 7, scale 0.03): each plan's results export and
    the HTML of every report kind in both editions, as `crimeplan report --format html` writes it."""
    tables = generate(root / "data", seed=7, to_month=f"{TO:%Y-%m}", years=3, scale=0.03)
    with open_store(root / "store.duckdb") as store:
        store.load({t: [tables[t]] for t in TABLES if t in tables}, extract_date=dt.date(2025, 3, 31))
        for plan_id in sorted(set(REPORTS.values())):
            results = compute(store, load_plan(plan_id), TO)
            write_results(results.table, root / f"{plan_id}-results.csv")
            for kind in (k for k, p in REPORTS.items() if p == plan_id):
                for edition in EDITIONS:
                    write_html(build_document(kind, results, edition=edition), root / f"{kind}-{edition}.html")


@pytest.fixture(scope="session")
def report_pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, WebPage]:
    """Every report page and its export, written once per run: under xdist the workers share one
    folder of the run's temporary directory, the first to take the lock writing it."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = tmp_path_factory.getbasetemp().parent / "browser-pages"
        root.mkdir(exist_ok=True)
    else:
        root = tmp_path_factory.mktemp("browser")
    with (root / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not (root / ".done").exists():
            _write_report_pages(root)
            (root / ".done").touch()
    return {f"{kind}-{edition}": WebPage(f"{kind}-{edition}", root / f"{kind}-{edition}.html",
                                         root / f"{plan_id}-results.csv", public=edition == "public")
            for kind, plan_id in REPORTS.items() for edition in EDITIONS}


@pytest.fixture(scope="session")
def site_pages(report_pages: dict[str, WebPage]) -> dict[str, WebPage]:
    """The public site of the monthly plan, written from the report pages' store and results."""
    root = report_pages["monthly-public"].path.parent
    with (root / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (root / ".site-done").exists():
            with open_store(root / "store.duckdb", read_only=True) as store:
                results = compute(store, load_plan(REPORTS["monthly"]), TO)
            write_site(results, root / "site", edition="public")
            (root / ".site-done").touch()
    export = root / f"{REPORTS['monthly']}-results.csv"
    # the index and the downloads list link to pages and files; they print no results figure
    return {name: WebPage(name, root / "site" / f"{name}.html", export, public=True,
                          least_figures=0 if name in ("index", "downloads", "areas") else 7)
            for name in SITE_PAGES}


@pytest.fixture(scope="session")
def app_pages(report_pages: dict[str, WebPage],
              tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, WebPage]]:
    """The dashboard served live over the report pages' store: the Police and Crime Plan's results
    for TO and the month before stored in it (once per run), an accounts database of this test
    process's own (an administrator, and North LPA's contributor with a draft), the app on a free
    loopback port for the session."""
    written = report_pages["quarterly-internal"].path
    assert written is not None
    root = written.parent
    plan = load_plan(APP_PLAN)
    with (root / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (root / ".app-done").exists():
            with open_store(root / "store.duckdb") as store:
                for month in (add_months(TO, -1), TO):
                    save(store, compute(store, plan, month))
            (root / ".app-done").touch()
    accounts = tmp_path_factory.mktemp("app-accounts") / "accounts.sqlite"
    password = secrets.token_urlsafe(16)
    db = AccountsDB(accounts)
    add_user(db, "admin", password, Role.ADMIN, Scope("force"), by="test")
    contributor = add_user(db, "north_contributor", password, Role.CONTRIBUTOR, Scope("lpa", "North"),
                           owns=("North LPA",), by="test")
    # a draft, so the commitment's page shows its current text and history as well as the form
    workflow.write(db, contributor, AccessMap.of(plan), APP_COMMITMENT, financial_quarter(last_quarter_end(TO)),
                   "Two more neighbourhood teams started in January.\nFoot patrols in the town centres doubled.")
    db.close()
    app = create_app(AppSettings(store=root / "store.duckdb", plan=plan, accounts=accounts,
                                 secret=secrets.token_bytes(32)))
    with serving(app) as origin:
        yield {name: WebPage(name, url=origin + address, export=root / f"{APP_PLAN}-results.csv",
                             least_figures=least, sign_in=Account(who, password) if who else None)
               for name, (address, who, least) in APP_ADDRESSES.items()}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Each test taking `web_page` runs once per page of every set in PAGE_SETS."""
    if "web_page" in metafunc.fixturenames:
        names = [f"{fixture}:{name}" for fixture, names in PAGE_SETS.items() for name in names]
        metafunc.parametrize("web_page", names, indirect=True, ids=[n.split(":", 1)[1] for n in names])


@pytest.fixture
def web_page(request: pytest.FixtureRequest) -> WebPage:
    """The page this test instance is about, written by its set's session fixture."""
    fixture, name = request.param.split(":", 1)
    return request.getfixturevalue(fixture)[name]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """pytest-playwright launches Debian's Chromium with the arguments RECIPES.md gives."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": LAUNCH_ARGS}


@pytest.fixture(scope="session")
def axe_js() -> Path:
    """axe-core as `make axe` installs it into build/ (CRIMEPLAN_AXE names another copy)."""
    named = os.environ.get("CRIMEPLAN_AXE")
    found = [ROOT / named] if named else sorted((ROOT / "build" / "axe").glob("*/node_modules/axe-core/axe.min.js"),
                                                key=lambda p: p.stat().st_mtime)
    if not found or not found[-1].is_file():
        pytest.fail("axe-core is not installed: run `make axe` (it installs the pinned version into build/axe/)")
    return found[-1]


@pytest.fixture(scope="session")
def screenshots() -> Iterator[Path]:
    """The folder each page's full-page screenshot is saved in (git-ignored)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    yield SCREENSHOTS
