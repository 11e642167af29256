"""Render report models to a single self-contained HTML page."""

from __future__ import annotations

from pathlib import Path

import jinja2

from crimeplan.report.monthly import MonthlyReport

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("crimeplan", "report/templates"),
    autoescape=jinja2.select_autoescape(["html", "j2"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def render_monthly(report: MonthlyReport) -> str:
    """The monthly report as HTML text."""
    return _ENV.get_template("monthly.html.j2").render(r=report)


def write_monthly(report: MonthlyReport, out: Path) -> Path:
    """Write the monthly report as an HTML file."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_monthly(report), encoding="utf-8")
    return out
