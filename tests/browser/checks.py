"""The checks every page gets, each returning the problems it found (empty when the page is right),
so the tests assert on them and tests/browser/test_checks.py can show each one catches a fault."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

from tests.printed import printed_places

from .conftest import WebPage
from .reading import cells, charts, first_figure, focusable, tab_through

WITHHELD = "[c]"
SKIP_LINK = "Skip to main content"
# results-export columns a cell prints as they are (rounded for display only)
AS_STORED = {"current_value", "previous_value", "current_numerator", "current_denominator",
             "previous_numerator", "previous_denominator", "msg_value", "msg_position",
             "change_to_msg_average", "change_to_top_quartile"}
# changes are printed as a reader works them out from the two printed figures (the published
# reports' rule), so a printed change is checked against the printed values
CHANGES = {"change", "pp_change", "pct_change"}


# each live app account's session cookies, once it has signed in: {(origin, account): cookies}
_SESSIONS: dict[tuple[str, str], list[Any]] = {}


def open_page(page: Page, where: WebPage | Path) -> None:
    """Open a page as a reader's browser would: a file by its file:// URL, a live app page signed
    in as its account first; a live page must answer itself (not an error, not the login form)."""
    if isinstance(where, Path):
        page.goto(where.as_uri())
        return
    if where.sign_in is not None:
        sign_in(page, where)
    response = page.goto(where.address)
    if where.url is not None:
        assert response is not None and response.ok, f"{where.address} answered {response and response.status}"
        assert page.url == where.address, f"{where.address} went to {page.url}"


def sign_in(page: Page, where: WebPage) -> None:
    """Give the page's browser the session of where.sign_in: signed in through the app's login form
    (in a browser context of its own, once per account and test process), its cookies reused."""
    account = where.sign_in
    assert account is not None and page.context.browser is not None
    key = (where.origin, account.name)
    if key not in _SESSIONS:
        context = page.context.browser.new_context()
        try:
            form = context.new_page()
            form.goto(f"{where.origin}/login")
            form.get_by_label("Account name").fill(account.name)
            form.get_by_label("Password").fill(account.password)
            with form.expect_response(lambda r: r.request.method == "POST") as answer:
                form.get_by_role("button", name="Sign in").click()
            assert answer.value.status == 303, f"{account.name} could not sign in: {form.locator('main').inner_text()}"
            _SESSIONS[key] = context.storage_state()["cookies"]
        finally:
            context.close()
    page.context.add_cookies(_SESSIONS[key])


def chart_problems(page: Page) -> list[str]:
    """Charts (inline SVG) with no box on the page or no drawn marks, and figures without one."""
    problems = [f"chart in {c['where']!r} not drawn: {c}" for c in charts(page)
                if not (c["width"] > 0 and c["height"] > 0 and c["marks"] > 0 and c["drawn"] > 0)]
    empty = page.locator("figure").evaluate_all("fs => fs.filter(f => !f.querySelector('svg')).length")
    if empty:
        problems.append(f"{empty} figure(s) without a chart")
    return problems


def _near(shown: Decimal, want: Decimal) -> bool:
    """A printed figure is the number rounded to the places it shows."""
    return abs(shown - want) <= Decimal(5).scaleb(-printed_places(str(shown)) - 1) + Decimal("1e-9")


def _export(path: Path) -> tuple[dict[tuple[str, ...], dict[str, str]], dict[str, dict[str, str]]]:
    """The export's rows by (measure, window, area level, area), and its MSG rows by measure."""
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    windows = {(r["measure_id"], r["window"], r["area_level"], r["area"]): r for r in rows}
    msg = {r["measure_id"]: r for r in rows if r.get("msg_position")}
    return windows, msg


def _as_printed(value: str | None, decimals: str | None) -> Decimal | None:
    """An export figure as a page prints it: rounded half up at the measure's decimals."""
    if value in ("", None):
        return None
    return Decimal(value).quantize(Decimal(1).scaleb(-int(float(decimals or 0))), rounding=ROUND_HALF_UP)


def _worked_change(field: str, current: Decimal | None, previous: Decimal | None) -> Decimal | None:
    """The change a reader works out from the two printed figures; None where it cannot be."""
    if current is None or previous is None:
        return None
    if field == "pct_change":
        return None if previous == 0 else 100 * (current - previous) / previous
    return current - previous


@dataclass
class FigureCheck:
    """What the figures check found on one page."""

    problems: list[str] = field(default_factory=list)
    checked: int = 0
    withheld: int = 0
    unmarked: list[str] = field(default_factory=list)  # withheld, but printed as words, not [c]


def figure_problems(page: Page, export: Path, public: bool) -> FigureCheck:
    """Each table cell naming a results row shows that row's figure, rounded for display; a
    withheld figure only in the public edition; changes as worked out from the printed figures."""
    windows, msg = _export(export)
    found = FigureCheck()
    printed: dict[tuple[str, str, str], Decimal | None] = {}  # (measure, row, field) -> shown
    for cell in cells(page):
        measure, name, text = cell["measure"], cell["field"], cell["text"]
        if not cell["row"] or measure is None:
            continue
        row = cell["row"].split("|")
        if row[0] == "windows":
            rec = windows.get((measure, *row[1:]))
        elif row[0] == "msg":
            rec = msg.get(measure)
        else:  # a monthly series point: the series export's, not this one's
            continue
        if rec is None:
            found.problems.append(f"{measure} {row} is not in {export.name}")
            continue
        key = (measure, cell["row"], name)
        if name == "label":
            if not text.startswith(rec["label"]):
                found.problems.append(f"{key}: label {text!r}, export {rec['label']!r}")
            found.checked += 1
            continue
        if name not in AS_STORED | CHANGES:
            continue
        shown = None if text == WITHHELD else first_figure(text)
        printed[key] = shown
        if name in AS_STORED:
            want = Decimal(rec[name]) if rec[name] not in ("", None) else None
            if want is not None and shown is None:  # withheld: only disclosure control may
                found.withheld += 1
                if not (public or rec["suppressed"] == "true"):
                    found.problems.append(f"{key}: {text!r} withheld in the internal edition (export {want})")
                elif text != WITHHELD:
                    found.unmarked.append(f"{measure} {name}: {text!r}")
                continue
        elif (measure, cell["row"], "previous_value") in printed:
            want = _worked_change(name, printed.get((measure, cell["row"], "current_value")),
                                  printed[(measure, cell["row"], "previous_value")])
        else:  # a table of changes without last year's figure (at a glance): the export's figures
            # as they would print, and no change where the export says the years do not compare
            current = printed.get((measure, cell["row"], "current_value"),
                                  _as_printed(rec["current_value"], rec["decimals"]))
            want = None if rec["comparable"] != "true" else _worked_change(
                name, current, _as_printed(rec["previous_value"], rec["decimals"]))
        if want is None and shown is not None:
            found.problems.append(f"{key}: {text!r} printed where there is no figure")
        elif want is not None and (shown is None or not _near(shown, want)):
            found.problems.append(f"{key}: {text!r}, export {want}")
        found.checked += 1
    return found


def keyboard_problems(page: Page, where: WebPage | Path) -> list[str]:
    """Tab from the top: the skip link first, then the header and navigation (a report's
    contents) with every navigation link; every focusable element in document order, each with
    a visible focus indicator and a box; following the skip link moves Tab into its target."""
    open_page(page, where)
    targets = focusable(page)
    stops = tab_through(page, len(targets))
    problems = []
    reached = [s["key"] if s else None for s in stops]
    if reached != targets:
        problems.append(f"Tab order {reached} is not the document's {targets}")
    first = stops[0] if stops else None
    if not first or first["tag"] != "a" or first["text"] != SKIP_LINK:
        return [*problems, f"the first Tab stop is {first}, not the skip link"]
    # then the page's header and navigation (a site's home link, its menu, a report's contents)
    contents = page.locator("nav a[href]").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    top = []
    for stop in stops[1:]:
        if not (stop and stop["header"]):
            break
        top.append(stop)
    if [s["key"] for s in top if s["nav"]] != contents:
        problems.append(f"the navigation links {contents} do not follow the skip link: {reached[1:1 + len(top)]}")
    for stop in stops:
        if stop and not (stop["outline"] or stop["shadow"]):
            problems.append(f"no visible focus on {stop['key']}")
        if stop and not (stop["width"] > 0 and stop["height"] > 0):
            problems.append(f"{stop['key']} has focus but no box on the page")
    open_page(page, where)  # from the top again
    tab_through(page, 1)
    page.keyboard.press("Enter")
    page.wait_for_function("t => location.hash === t", arg=first["key"])
    page.keyboard.press("Tab")
    if not page.evaluate("t => document.querySelector(t).contains(document.activeElement)", first["key"]):
        problems.append(f"after the skip link, Tab does not move into {first['key']}")
    return problems
