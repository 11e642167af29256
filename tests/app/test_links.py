"""The service's name in the header takes a reader to the latest month's priorities from every
kind of page, inside a month or not (sign-in, commentary, audit log, a refusal)."""

from __future__ import annotations

import re

import pytest

from tests.app.conftest import TO, Client

NAME_LINK = re.compile(r'<span class="govuk-service-navigation__service-name">\s*<a href="([^"]+)"')


def _follow(client: Client, url: str) -> tuple[int, str]:
    """GET a URL following the app's redirects; the last answer's status and address."""
    for _ in range(5):
        response = client.get(url)
        if response.status_code not in (301, 302, 303, 307, 308):
            return response.status_code, url
        url = response.headers["location"].removeprefix("http://testserver")
    raise AssertionError(f"{url}: more than five redirects")


@pytest.mark.parametrize("address", ["/login", "/commentary", "/commentary/cp_neighbourhood_policing", "/audit",
                                  f"/{TO:%Y-%m}/measure/all_crime.html", f"/{TO:%Y-%m}/no-such-page.html"])
def test_the_service_name_leads_to_the_latest_priorities(clients: dict[str | None, Client], address: str) -> None:
    """Every page's header link answers with the latest month's overview, never a 'not found'."""
    client = clients["admin_force"]
    found = NAME_LINK.search(client.get(address).text)
    assert found is not None, f"{address} has no service name link"
    status, landed = _follow(client, found.group(1))
    assert (status, landed) == (200, f"/{TO:%Y-%m}/index.html"), f"{address}'s header link {found.group(1)}"
