"""Every page in Chromium as a reader meets it: charts drawn, figures equal to the results export,
every link reachable by keyboard with a visible focus, no WCAG 2.2 A/AA finding by axe-core,
nothing fetched from outside, and a screenshot of the whole page to look at."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Page

from .checks import chart_problems, figure_problems, keyboard_problems, open_page
from .conftest import WebPage
from .reading import axe, charts

pytestmark = pytest.mark.browser


def test_every_chart_drew(page: Page, web_page: WebPage) -> None:
    """Each inline SVG has a box on the page and marks drawn inside it; each figure holds one."""
    open_page(page, web_page)
    assert chart_problems(page) == []
    assert len(charts(page)) >= page.locator("figure").count()


def test_figures_equal_the_results_export(page: Page, web_page: WebPage) -> None:
    """Each table cell naming a results row shows that row's figure, rounded for display; a
    withheld figure only in the public edition; changes as worked out from the printed figures."""
    assert web_page.export is not None, "a page printing figures names its results export"
    open_page(page, web_page)
    found = figure_problems(page, web_page.export, web_page.public)
    assert found.problems == []
    assert found.checked >= web_page.least_figures, f"{web_page.name}: only {found.checked} figures found to check"
    # a withheld figure says so ([c]); "N/A" would tell a reader there is no figure at all
    assert found.unmarked == [], f"{web_page.name}: withheld but printed as words, not [c]"


def test_keyboard_reaches_every_link_with_a_visible_focus(page: Page, web_page: WebPage) -> None:
    """Tab from the top: the skip link first, then the contents; every focusable element in
    document order, each with a visible focus indicator; the skip link lands in the main content."""
    assert keyboard_problems(page, web_page) == []


def test_no_wcag_22_aa_violations(page: Page, web_page: WebPage, axe_js: Path) -> None:
    """axe-core, injected from the build folder, finds nothing at WCAG 2.0–2.2 A and AA."""
    open_page(page, web_page)
    result = axe(page, axe_js)
    assert result["passes"] > 10  # it ran, and checked something
    assert result["violations"] == [], json.dumps(result["violations"], indent=1)


def test_loads_nothing_from_outside(page: Page, web_page: WebPage) -> None:
    """Every style, chart and font comes with the page (a report is one file; a site page may
    load its site's own stylesheet; an app page, its own server's): nothing is asked of anywhere
    else, and everything asked loads."""
    asked: list[str] = []
    failed: list[str] = []
    page.on("request", lambda r: asked.append(r.url))
    page.on("requestfailed", lambda r: failed.append(r.url))
    open_page(page, web_page)
    page.wait_for_load_state("networkidle")
    assert asked[0] == web_page.address
    assert [u for u in asked if not u.startswith(web_page.origin + "/")] == []
    assert failed == []


def test_reflows_at_320_css_pixels(page: Page, web_page: WebPage) -> None:
    """At 320 px wide (400% zoom) the page scrolls only downwards: wide tables scroll inside
    their own container (WCAG 1.4.10)."""
    page.set_viewport_size({"width": 320, "height": 800})
    open_page(page, web_page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_screenshot_of_the_whole_page(page: Page, web_page: WebPage, screenshots: Path) -> None:
    """A full-page PNG for a person to look at, as tall as the page and nothing cut off sideways."""
    open_page(page, web_page)
    out = screenshots / (web_page.name.replace("/", "--") + ".png")
    page.screenshot(path=out, full_page=True)
    width, height = page.evaluate("[document.documentElement.clientWidth, document.documentElement.scrollHeight]")
    assert page.evaluate("document.documentElement.scrollWidth") == width  # no sideways scroll
    with Image.open(out) as image:
        assert image.format == "PNG"
        assert image.size == (width, height)
