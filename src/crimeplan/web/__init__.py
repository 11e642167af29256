"""Web pages from stored results: the static public site (`crimeplan site`) and the dashboard
(`crimeplan serve`), in the GOV.UK Design System's look (govuk-frontend from npm, compiled by
`make assets`; govuk-frontend-jinja's macros).

Public modules: `site` (the pages, and write_site that writes them), `app` (the dashboard:
create_app and its AppSettings). Both render the templates in `templates/`.
"""

from crimeplan.web.site import write_site

__all__ = ["write_site"]
