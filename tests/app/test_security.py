"""Sessions, forms and headers: CSRF refused without a token, sessions that expire, sign-ins
rate-limited and audited, cookies and headers that keep pages to this site."""

from __future__ import annotations

import datetime as dt

from crimeplan.accounts import AccountsDB
from tests.app.conftest import PASSWORD, TO, Client

P = f"/{TO:%Y-%m}"
PAGE = f"{P}/index.html"


def test_sign_in_without_the_forms_token_is_refused(fresh):
    c = Client(fresh.app)
    c.get("/login")  # the pre-session cookie is set, but the token is left out
    refused = c.post("/login", {"name": "viewer_force", "password": PASSWORD, "next": "/"})
    assert refused.status_code == 403
    assert "crimeplan_session" not in refused.cookies
    forged = c.post("/login", {"csrf": "made-up", "name": "viewer_force", "password": PASSWORD, "next": "/"})
    assert forged.status_code == 403
    assert c.get(PAGE).status_code == 303  # still signed out
    c.close()


def test_a_commentary_change_without_the_sessions_token_changes_nothing(fresh):
    c = fresh.client("contributor_lpa")
    other = fresh.client("analyst_force")
    url = "/commentary/cp_neighbourhood_policing"
    quarter = "2025/26 Q4"
    for token in (None, "", other.csrf(url)):  # none, empty, and a valid token of another session
        data = {"quarter": quarter, "action": "save", "text": "Forged text"}
        if token is not None:
            data["csrf"] = token
        assert c.post(url, data).status_code == 403
    with AccountsDB(fresh.accounts) as db:
        assert db.conn.execute("SELECT COUNT(*) FROM commentary").fetchone()[0] == 0
    ok = c.post(url, {"csrf": c.csrf(url), "quarter": quarter, "action": "save", "text": "Real text"})
    assert ok.status_code == 303
    with AccountsDB(fresh.accounts) as db:
        assert db.conn.execute("SELECT text FROM commentary").fetchone()[0] == "Real text"
    c.close()
    other.close()


def test_sign_out_needs_the_token_and_ends_the_session(fresh):
    c = fresh.client("viewer_force")
    assert c.post("/logout", {}).status_code == 403
    assert c.get(PAGE).status_code == 200
    assert c.post("/logout", {"csrf": c.csrf(PAGE)}).status_code == 303
    assert c.get(PAGE).status_code == 303
    c.close()


def test_a_session_ends_after_30_idle_minutes_and_after_12_hours_in_any_case(fresh):
    c = fresh.client("viewer_force")
    fresh.clock.advance(minutes=29)
    assert c.get(PAGE).status_code == 200
    fresh.clock.advance(minutes=29)  # 29 minutes since the last request: still live
    assert c.get(PAGE).status_code == 200
    fresh.clock.advance(minutes=31)
    assert c.get(PAGE).status_code == 303
    busy = fresh.client("viewer_force")
    signed_in_at, ended_after = fresh.clock.now, None
    for _ in range(40):  # a request every 20 minutes: never idle, yet the session ends after 12 hours
        fresh.clock.advance(minutes=20)
        if busy.get(PAGE).status_code != 200:
            ended_after = fresh.clock.now - signed_in_at
            break
    assert ended_after is not None
    assert dt.timedelta(hours=12) < ended_after <= dt.timedelta(hours=12, minutes=20)
    c.close()
    busy.close()


def test_five_wrong_passwords_lock_the_account_and_the_lock_is_audited(fresh):
    c = Client(fresh.app)
    for _ in range(5):
        assert c.sign_in("viewer_force", "wrong password").status_code == 400
    locked = c.sign_in("viewer_force")  # the right password, during the lock
    assert locked.status_code == 429
    assert "too many failed sign-ins" in locked.text.lower()
    fresh.clock.advance(minutes=16)
    assert c.sign_in("viewer_force").status_code == 303
    with AccountsDB(fresh.accounts) as db:
        actions = [(e["who"], e["action"]) for e in db.audit_log()]
    assert ("viewer_force", "sign_in.locked_out") in actions
    assert actions[-1] == ("viewer_force", "sign_in")
    c.close()


def test_a_failed_sign_in_does_not_say_whether_the_account_exists(fresh):
    c = Client(fresh.app)
    unknown, wrong = c.sign_in("nobody"), c.sign_in("viewer_force", "wrong password")
    assert unknown.status_code == wrong.status_code == 400
    assert "The account name or password is wrong." in unknown.text
    assert "The account name or password is wrong." in wrong.text
    c.close()


def test_sign_in_returns_only_to_a_page_of_this_site(fresh):
    c = Client(fresh.app)
    assert c.sign_in("viewer_force", next_path="//evil.example/x").headers["location"] == "/"
    c2 = Client(fresh.app)
    assert c2.sign_in("viewer_force", next_path=f"{P}/areas.html").headers["location"] == f"{P}/areas.html"
    c.close()
    c2.close()


def test_the_session_cookie_is_http_only_and_same_site_strict(fresh):
    c = Client(fresh.app)
    cookie = c.sign_in("viewer_force").headers["set-cookie"]
    assert "crimeplan_session=" in cookie
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    c.close()


def test_every_answer_carries_the_security_headers(clients):
    for url in ("/login", PAGE, f"{P}/results.json", f"{P}/charts/all_crime-monthly.svg", "/nowhere"):
        for c in (clients[None], clients["viewer_force"]):
            h = c.get(url).headers
            assert "default-src 'none'" in h["content-security-policy"]
            assert "frame-ancestors 'none'" in h["content-security-policy"]
            assert "script-src" not in h["content-security-policy"]  # no script runs at all
            assert h["x-content-type-options"] == "nosniff"
            assert h["x-frame-options"] == "DENY"
            assert h["referrer-policy"] == "same-origin"
            assert h["cache-control"] == "no-store"


def test_pages_load_nothing_from_elsewhere(clients):
    import re

    html = clients["viewer_force"].get(f"{P}/measure/all_crime.html").text
    assert "<script" not in html
    for target in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert target.startswith(("/", "#")), target
    assert clients["viewer_force"].get("/assets/crimeplan.css").status_code == 200
