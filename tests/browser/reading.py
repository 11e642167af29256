"""What a reader of a page in Chromium sees: charts as drawn, table cells as shown, the Tab order,
and axe-core's accessibility findings; each read through the live DOM, not the HTML text."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

from tests.printed import printed_number

# axe-core's rule tags for WCAG 2.0, 2.1 and 2.2 at levels A and AA
WCAG_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# every inline chart: its drawn box and how many marks (paths, shapes, text) it holds
_CHARTS = """() => [...document.querySelectorAll('svg')].filter(s => !s.parentElement.closest('svg'))
  .map(s => { const r = s.getBoundingClientRect();
    return {where: s.parentElement.className, width: r.width, height: r.height,
            marks: s.querySelectorAll('path, line, circle, rect, polyline, polygon, text').length,
            drawn: [...s.querySelectorAll('path, line, circle, rect, polyline, polygon')]
              .filter(m => { const b = m.getBBox(); return b.width > 0 || b.height > 0; }).length}; })"""

# every table cell that prints a results figure: its hooks and the text a reader sees (footnote
# markers left out), in the order of the page
_CELLS = """() => [...document.querySelectorAll('td[data-field], th[data-field]')].map(c => {
  const copy = c.cloneNode(true); copy.querySelectorAll('sup').forEach(s => s.remove());
  return {measure: c.dataset.measure || null, field: c.dataset.field, row: c.dataset.row || null,
          value: c.dataset.value || null, text: copy.innerText.trim()}; })"""

# how an element is named in both lists below: its href, else its aria-label, else its tag
_KEY = "const key = e => e.getAttribute('href') || e.getAttribute('aria-label') || e.tagName.toLowerCase();"
# the element that has focus: what it is, and whether a focus indicator shows
_FOCUSED = "() => {" + _KEY + """ const e = document.activeElement; if (!e || e === document.body) return null;
  const s = getComputedStyle(e); const r = e.getBoundingClientRect();
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
  return {key: key(e), tag: e.tagName.toLowerCase(), text: e.innerText.trim().slice(0, 80),
          nav: !!e.closest('nav'), header: !!e.closest('header, nav'),
          outline: outline ? s.outlineStyle + ' ' + s.outlineWidth + ' ' + s.outlineColor : null,
          shadow: s.boxShadow !== 'none' ? s.boxShadow : null, width: r.width, height: r.height}; }"""
_FOCUSABLE = "() => {" + _KEY + """
  const all = 'a[href], [tabindex]:not([tabindex="-1"]), button, input:not([type="hidden"]), select, textarea';
  return [...document.querySelectorAll(all)].map(key); }"""

_AXE = """async (tags) => { const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return {passes: r.passes.length, violations: r.violations.map(v => ({id: v.id, impact: v.impact,
          help: v.help, nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ': ' + n.failureSummary)}))}; }"""

_FIGURE = re.compile(r"[-−]?£?\d[\d,]*(?:\.\d+)?")


def charts(page: Page) -> list[dict[str, Any]]:
    """Each top-level inline SVG on the page with its box and its marks."""
    return page.evaluate(_CHARTS)


def cells(page: Page) -> list[dict[str, Any]]:
    """Each table cell carrying a data-field hook, with the text shown in it."""
    return page.evaluate(_CELLS)


def first_figure(text: str) -> Decimal | None:
    """The first figure a reader sees in a cell ('3rd (better…)' → 3, '1.89 per 1,000' → 1.89)."""
    m = _FIGURE.search(text)
    return printed_number(m.group(0).replace("−", "-")) if m else None


def tab_through(page: Page, limit: int) -> list[dict[str, Any] | None]:
    """Press Tab from the top of the page up to limit times; what has focus after each press."""
    page.locator("body").focus()
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        seen.append(page.evaluate(_FOCUSED))
    return seen


def focusable(page: Page) -> list[str]:
    """Everything a keyboard user should be able to reach, in document order (each by its href,
    else its aria-label, else its tag: the `key` tab_through reports)."""
    return page.evaluate(_FOCUSABLE)


def axe(page: Page, axe_js: Path) -> dict[str, Any]:
    """Inject axe-core from the build folder (no network) and run it at WCAG 2.2 A/AA."""
    # evaluated through the DevTools protocol, not added as a <script>: the app's Content Security
    # Policy (no script at all) blocks an added script, and must not be loosened for a test
    page.evaluate(axe_js.read_text(encoding="utf-8") + "\n;undefined")
    return page.evaluate(_AXE, WCAG_AA_TAGS)
