"""Web pages from stored results: the static public site (`crimeplan site`), in the GOV.UK Design
System's look (govuk-frontend from npm, compiled by `make assets`; govuk-frontend-jinja macros).

Public modules: `site` (write_site, the pages) ; the templates live in `templates/` for the web app too.
"""
