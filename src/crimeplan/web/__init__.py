"""Web pages from stored results: the static public site (`crimeplan site`), in the GOV.UK Design
System's look (govuk-frontend from npm, compiled by `make assets`; govuk-frontend-jinja's macros).

Public modules: `site` (the pages, and write_site that writes them). The templates in `templates/`
are for the web app too.
"""

from crimeplan.web.site import write_site

__all__ = ["write_site"]
