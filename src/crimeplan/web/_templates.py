"""The Jinja environment the site (and, later, the web app) renders with, and the built stylesheet."""

from __future__ import annotations

import os
from pathlib import Path

from jinja2 import ChoiceLoader, Environment, PackageLoader, PrefixLoader, select_autoescape

from crimeplan.errors import BadInput

# `make assets` compiles src/crimeplan/web/scss into here (the repository's build/, not committed)
BUILT_CSS = Path(__file__).resolve().parents[3] / "build" / "web" / "crimeplan.css"


def environment() -> Environment:
    """Templates from crimeplan.web and GOV.UK Frontend's macros (govuk-frontend-jinja), escaped."""
    loader = ChoiceLoader([PackageLoader("crimeplan.web", "templates"),
                           PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")})])
    return Environment(loader=loader, autoescape=select_autoescape(("html",)),
                       trim_blocks=True, lstrip_blocks=True)


def stylesheet() -> Path:
    """The compiled stylesheet: $CRIMEPLAN_WEB_CSS, else the one `make assets` built."""
    path = Path(os.environ.get("CRIMEPLAN_WEB_CSS") or BUILT_CSS)
    if not path.is_file():
        raise BadInput("the site's stylesheet is not built: run `make assets` (it needs npm), or set "
                       "CRIMEPLAN_WEB_CSS to a compiled crimeplan.css", file=str(path))
    return path
