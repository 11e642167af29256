"""The commentary workflow in the app: the owner writes and submits, another analyst approves,
every step audited, and only approved text reaches the quarterly update's download."""

from __future__ import annotations

import html
import re

from crimeplan.accounts import AccountsDB
from tests.app.conftest import TO

URL = "/commentary/cp_neighbourhood_policing"
QUARTER = "2025/26 Q4"  # the quarter that ends with the latest stored month, March 2026
REPORT = f"/{TO:%Y-%m}/downloads/police-and-crime-plan-{TO:%Y-%m}-quarterly-internal.html"


def _send(c, action: str, **fields: str):
    return c.post(URL, {"csrf": c.csrf(URL), "quarter": QUARTER, "action": action, **fields})


def test_an_owner_writes_an_analyst_approves_and_the_quarterly_prints_only_approved_text(fresh):
    owner, analyst, other = (fresh.client(n) for n in ("contributor_lpa", "analyst_force", "second_analyst"))
    listing = owner.get("/commentary")
    assert listing.status_code == 200 and "Invest in neighbourhood policing" in listing.text
    assert "Media &amp; Communications" not in listing.text  # not this owner's commitments

    assert _send(owner, "save", text="Draft: 40 more officers in North.").status_code == 303
    assert "Draft: 40 more officers" not in analyst.get(REPORT).text
    assert _send(owner, "submit", text="Forty more officers joined North's neighbourhood teams.").status_code == 303
    asked = _send(analyst, "request_changes", note="Say when they started.")
    assert asked.status_code == 303
    assert _send(owner, "submit", text="Forty more officers joined North's neighbourhood teams in January.") \
        .status_code == 303
    assert _send(analyst, "approve").status_code == 303

    report = html.unescape(other.get(REPORT).text)
    assert "Forty more officers joined North's neighbourhood teams in January." in report
    assert "Draft: 40 more officers" not in report

    with AccountsDB(fresh.accounts) as db:
        trail = [(e["who"], e["action"]) for e in db.audit_log("commentary:cp_neighbourhood_policing:" + QUARTER)]
    assert trail == [("contributor_lpa", "commentary.write"), ("contributor_lpa", "commentary.write"),
                     ("contributor_lpa", "commentary.submit"), ("analyst_force", "commentary.request_changes"),
                     ("contributor_lpa", "commentary.write"), ("contributor_lpa", "commentary.submit"),
                     ("analyst_force", "commentary.approve")]
    page = owner.get(URL).text
    assert "Approved" in page and "Say when they started." in page  # history keeps the request
    for c in (owner, analyst, other):
        c.close()


def test_a_contributor_cannot_approve_and_cannot_write_what_they_do_not_own(fresh):
    owner = fresh.client("contributor_lpa")
    assert _send(owner, "save", text="Text.").status_code == 303
    assert _send(owner, "submit").status_code == 303
    refused = _send(owner, "approve")
    assert refused.status_code == 403
    not_mine = owner.post("/commentary/cp_more_officers", {"csrf": owner.csrf(URL), "quarter": QUARTER,
                                                          "action": "save", "text": "Not mine."})
    assert not_mine.status_code == 403
    with AccountsDB(fresh.accounts) as db:
        states = dict(db.conn.execute("SELECT commitment, state FROM commentary").fetchall())
    assert states == {"cp_neighbourhood_policing": "submitted"}
    owner.close()


def test_an_empty_update_is_refused_with_a_message_at_the_field(fresh):
    owner = fresh.client("contributor_lpa")
    response = _send(owner, "save", text="   ")
    assert response.status_code == 400
    assert "There is a problem" in response.text
    assert re.search(r'href="#text"', response.text)
    assert "the commentary must be 1 to 10000 characters" in response.text
    owner.close()
