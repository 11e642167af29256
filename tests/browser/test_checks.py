"""The page checks catch what they are for: each is run on a real report page spoiled in one way
(a figure changed, focus hidden, a chart hidden, the skip link gone, the language dropped)."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page

from .checks import chart_problems, figure_problems, keyboard_problems, open_page
from .conftest import WebPage
from .reading import axe

pytestmark = pytest.mark.browser

PAGE = "msg-internal"  # small, with figures, sparklines and footnote links


def _spoiled(page: WebPage, tmp_path: Path, old: str, new: str, count: int = 1) -> Path:
    """A copy of the page with `old` (a regular expression) replaced by `new`."""
    html, n = re.subn(old, new, page.path.read_text(encoding="utf-8"), count=count)
    assert n == count, f"{old!r} not in {page.name}"
    out = tmp_path / page.path.name
    out.write_text(html, encoding="utf-8")
    return out


@pytest.fixture
def original(report_pages: dict[str, WebPage]) -> WebPage:
    """The page every spoiled copy starts from."""
    return report_pages[PAGE]


def test_the_unspoiled_page_passes(page: Page, original: WebPage) -> None:
    """The baseline the spoiled copies are measured against: no problem on the real page."""
    open_page(page, original.path)
    assert chart_problems(page) == []
    assert original.export is not None and figure_problems(page, original.export, False).problems == []


def test_a_changed_figure_is_caught(page: Page, original: WebPage, tmp_path: Path) -> None:
    """One MSG value printed with a different first digit no longer equals the export."""
    spoiled = _spoiled(original, tmp_path, r'(data-field="msg_value"[^>]*>)(\d)',
                       lambda m: m.group(1) + str((int(m.group(2)) + 1) % 10))
    open_page(page, spoiled)
    assert original.export is not None
    found = figure_problems(page, original.export, False)
    assert len(found.problems) == 1 and "msg_value" in found.problems[0]


def test_a_withheld_figure_in_the_internal_edition_is_caught(page: Page, original: WebPage, tmp_path: Path) -> None:
    """[c] in place of a figure is a problem in the internal edition, and allowed in the public one."""
    spoiled = _spoiled(original, tmp_path, r'(data-field="msg_value"[^>]*>)[^<]+', r"\1[c]")
    open_page(page, spoiled)
    assert original.export is not None
    internal = figure_problems(page, original.export, False)
    assert len(internal.problems) == 1 and "withheld in the internal edition" in internal.problems[0]
    public = figure_problems(page, original.export, True)
    assert public.problems == [] and public.withheld == 1


def test_a_hidden_chart_is_caught(page: Page, original: WebPage, tmp_path: Path) -> None:
    """A sparkline that takes no room on the page is a chart that did not draw."""
    spoiled = _spoiled(original, tmp_path, "</head>", "<style>.cell-picture svg { display: none; }</style></head>")
    open_page(page, spoiled)
    problems = chart_problems(page)
    assert problems and all("not drawn" in p for p in problems)


def test_a_hidden_focus_is_caught(page: Page, original: WebPage, tmp_path: Path) -> None:
    """Focus styles taken away: every Tab stop is reported as having no visible focus."""
    spoiled = _spoiled(original, tmp_path, "</head>",
                       "<style>*:focus { outline: none !important; box-shadow: none !important; }</style></head>")
    problems = keyboard_problems(page, spoiled)
    assert problems and all(p.startswith("no visible focus on") for p in problems)


def test_a_missing_skip_link_is_caught(page: Page, original: WebPage, tmp_path: Path) -> None:
    """Without the skip link the first Tab stop is something else, and that is said."""
    spoiled = _spoiled(original, tmp_path, r'<a class="skip-link"[^>]*>[^<]*</a>', "")
    problems = keyboard_problems(page, spoiled)
    assert any("not the skip link" in p for p in problems)


def test_axe_reports_a_missing_language(page: Page, original: WebPage, tmp_path: Path, axe_js: Path) -> None:
    """axe-core as injected really checks the page: a page with no language is a violation."""
    spoiled = _spoiled(original, tmp_path, ' lang="en-GB"', "")
    open_page(page, spoiled)
    assert [v["id"] for v in axe(page, axe_js)["violations"]] == ["html-has-lang"]


def test_a_wrong_change_without_last_years_figure_is_caught(page: Page, site_pages: dict[str, WebPage],
                                                            tmp_path: Path) -> None:
    """At a glance (the site's index) a change is printed without last year's figure: it is still
    checked, against the export's figures as printed, and one changed digit is caught."""
    index = site_pages["index"]
    assert index.export is not None
    open_page(page, index)
    unspoiled = figure_problems(page, index.export, True)
    changes = page.locator('td[data-field="pct_change"]').count()
    assert unspoiled.problems == [] and changes > 0 and unspoiled.checked >= changes
    spoiled = _spoiled(index, tmp_path, r'(data-field="pct_change"[^>]*>)([-−]?)(\d)',
                       lambda m: m.group(1) + m.group(2) + str((int(m.group(3)) + 1) % 10))
    open_page(page, spoiled)
    found = figure_problems(page, index.export, True)
    assert len(found.problems) == 1 and "pct_change" in found.problems[0]


def test_a_live_page_that_sends_to_the_sign_in_form_is_caught(page: Page, app_pages: dict[str, WebPage]) -> None:
    """A dashboard page opened signed out lands on the sign-in form: open_page says so rather than
    let the checks run on the form; signed in, the same page opens at its own address."""
    signed_in = app_pages["app/index"]
    with pytest.raises(AssertionError, match=r"went to .*/login\?next="):
        open_page(page, dataclasses.replace(signed_in, sign_in=None))
    open_page(page, signed_in)
    assert page.url == signed_in.address and page.locator("h1").count() == 1
