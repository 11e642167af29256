"""Who may open what: every route of the app for every kind of account, each status asserted.

Pages send a signed-out visitor to the sign-in form (303); data routes answer 401. An account
sees its own scope's areas (an LPA's commander also that LPA's districts), the force's figures as
the plan allows, and whole-force reports only with a force scope; commentary is for contributors
and analysts, the audit log for administrators."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from crimeplan.contract.forces import key
from crimeplan.web.site import slug
from tests.app.conftest import TO, Served, serve

P = f"/{TO:%Y-%m}"
HTML = {"index", "areas", "priority", "measure", "msg", "own_lpa", "other_lpa", "own_district", "other_district",
        "changes", "downloads", "commentary", "commitment", "audit"}
FORCE_FIGURES = {"priority", "measure", "msg", "changes", "chart_svg", "chart_json"}


def routes(served: Served) -> dict[str, str]:
    """Every kind of route, for this force."""
    f = served.force
    return {
        "index": f"{P}/index.html", "areas": f"{P}/areas.html",
        "priority": f"{P}/priority/{f.plan.areas_of_focus[0].id}.html", "measure": f"{P}/measure/all_crime.html",
        "msg": f"{P}/msg.html", "own_lpa": f"{P}/area/{slug(f.lpa)}.html",
        "other_lpa": f"{P}/area/{slug(f.other_lpa)}.html", "own_district": f"{P}/area/{slug(f.district)}.html",
        "other_district": f"{P}/area/{slug(f.other_district)}.html", "changes": f"{P}/changes.html",
        "downloads": f"{P}/downloads.html",
        "report": f"{P}/downloads/police-and-crime-plan-{TO:%Y-%m}-monthly-internal.html",
        "export_csv": f"{P}/downloads/results.csv", "export_json": f"{P}/results.json",
        "chart_svg": f"{P}/charts/all_crime-monthly.svg", "chart_json": f"{P}/charts/all_crime-monthly.json",
        "commentary": "/commentary", "commitment": "/commentary/cp_neighbourhood_policing", "audit": "/audit",
    }


WRITERS = {"commentary", "commitment"}


def expected(account: str | None, route: str) -> int:
    """The status each account must get on each route (the plan shows force figures to everyone signed in)."""
    if account is None:
        return 303 if route in HTML else 401
    refused = {"audit"} - ({"audit"} if account == "admin_force" else set())
    if not account.startswith(("contributor", "analyst", "admin", "second")):
        refused |= WRITERS
    if account.endswith("_lpa"):
        refused |= {"other_lpa", "other_district", "report"}
    if account.endswith("_district"):
        refused |= {"own_lpa", "other_lpa", "other_district", "report"}
    return 403 if route in refused else 200


ACCOUNT_NAMES = [None, "viewer_force", "viewer_lpa", "viewer_district", "contributor_lpa", "analyst_force",
                 "admin_force"]


@pytest.mark.parametrize("account", ACCOUNT_NAMES)
def test_every_route_answers_each_account_as_its_role_and_scope_allow(served, clients, account):
    got = {name: clients[account].get(url).status_code for name, url in routes(served).items()}
    want = {name: expected(account, name) for name in got}
    assert got == want


def test_a_signed_out_visitor_is_sent_to_sign_in_and_back(served, clients):
    response = clients[None].get(f"{P}/measure/all_crime.html")
    assert response.status_code == 303
    assert response.headers["location"] == f"/login?next={P}/measure/all_crime.html"


def test_an_unknown_page_month_or_chart_is_not_found(clients):
    c = clients["viewer_force"]
    assert c.get(f"{P}/measure/no_such_measure.html").status_code == 404
    assert c.get(f"{P}/area/atlantis.html").status_code == 404
    assert c.get("/2019-01/index.html").status_code == 404  # no results stored for that month
    assert c.get("/not-a-month/index.html").status_code == 404
    assert c.get(f"{P}/charts/all_crime-weekly.svg").status_code == 404
    assert c.get(f"{P}/downloads/../../etc/passwd").status_code == 404


def _export(response) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(response.text))


def test_an_lpa_account_downloads_only_its_areas_and_the_force(served, clients):
    f = served.force
    districts = {key(d) for d in f.results.context.areas.query("lpa == @f.lpa").district}
    rows = _export(clients["viewer_lpa"].get(f"{P}/downloads/results.csv"))
    assert {key(a) for a in rows.area} == {key(f.force), key(f.lpa)} | districts
    everything = _export(clients["viewer_force"].get(f"{P}/downloads/results.csv"))
    assert key(f.other_lpa) in {key(a) for a in everything.area}
    assert len(everything) == len(f.results.table)
    json_rows = clients["viewer_lpa"].get(f"{P}/results.json").json()["rows"]
    assert {key(r["area"]) for r in json_rows} == {key(f.force), key(f.lpa)} | districts


def test_an_lpa_account_sees_no_other_lpa_in_a_measures_breakdown(served, clients):
    f = served.force
    own = clients["viewer_lpa"].get(f"{P}/measure/all_crime.html").text
    whole = clients["viewer_force"].get(f"{P}/measure/all_crime.html").text
    assert f"|lpa|{f.other_lpa}" in whole and f"|lpa|{f.lpa}" in whole
    assert f"|lpa|{f.other_lpa}" not in own and f"|lpa|{f.lpa}" in own


def test_under_force_scope_an_lpa_account_sees_only_its_area(force, tmp_path):
    """The plan's force_figures: force_scope keeps the force's own figures from area accounts."""
    served = serve(force, tmp_path, plan=force.scoped_plan)
    c = served.client("viewer_lpa")
    urls = routes(served)
    for name in FORCE_FIGURES:
        assert c.get(urls[name]).status_code == 403, name
    home = c.get(urls["index"])
    assert home.status_code == 200 and "Your areas" in home.text
    assert f'href="{P}/area/{slug(force.lpa)}.html"' in home.text
    assert c.get(urls["own_lpa"]).status_code == 200
    assert c.get(urls["other_lpa"]).status_code == 403
    rows = _export(c.get(urls["export_csv"]))
    assert key(force.force) not in {key(a) for a in rows.area}
    assert set(rows.area_level) == {"lpa", "district"}
    whole = served.client("viewer_force")
    assert whole.get(urls["measure"]).status_code == 200
    c.close()
    whole.close()


def test_a_removed_account_or_a_changed_role_is_signed_out_at_once(fresh):
    from crimeplan.accounts import AccountsDB, Role
    from crimeplan.accounts.users import remove_user, set_role

    removed, demoted = fresh.client("viewer_force"), fresh.client("admin_force")
    assert removed.get(f"{P}/index.html").status_code == 200
    assert demoted.get("/audit").status_code == 200
    with AccountsDB(fresh.accounts, clock=fresh.clock) as db:
        remove_user(db, "viewer_force", by="test")
        set_role(db, "admin_force", Role.VIEWER, by="test")
    assert removed.get(f"{P}/index.html").status_code == 303
    assert removed.get(f"{P}/results.json").status_code == 401
    assert demoted.get("/audit").status_code == 303  # signed out; signing in again gives a viewer
    assert demoted.sign_in("admin_force").status_code == 303
    assert demoted.get("/audit").status_code == 403
    removed.close()
    demoted.close()


def test_an_lpa_accounts_funnel_compares_its_districts_with_the_whole_force(served, clients):
    """The districts an LPA account sees are drawn against the force's own rate (worked over the whole
    force's residents), not a rate of its own LPA passed off as the force's."""
    import html
    import re

    pattern = r"Each district's figure against the force's \(([^)]*)\)"
    own = re.search(pattern, html.unescape(clients["viewer_lpa"].get(f"{P}/measure/all_crime.html").text))
    whole = re.search(pattern, html.unescape(clients["viewer_force"].get(f"{P}/measure/all_crime.html").text))
    assert own is not None and whole is not None
    assert own.group(0) == whole.group(0)
    f = served.force
    districts = set(f.results.context.areas.query("lpa == @f.lpa").district)
    shown = re.findall(r"<th[^>]*>([^<]+)</th>", clients["viewer_lpa"].get(f"{P}/measure/all_crime.html").text)
    assert f.other_district not in shown and districts & set(shown)


def test_a_month_computed_again_is_shown_anew(force, tmp_path):
    """Pages are cached per stored run: the same month saved again with the same key (an alarm
    accepted, say) is a new run, and is shown as it now stands."""
    import dataclasses
    import shutil

    from crimeplan.results import read_run, save, stored_runs
    from crimeplan.store import Store
    from crimeplan.web.app import AppSettings, create_app
    from tests.app.conftest import SECRET, START, Client, Clock, make_accounts

    store = tmp_path / "copy.duckdb"
    shutil.copyfile(force.store, store)
    make_accounts(tmp_path / "accounts.sqlite", force)
    app = create_app(AppSettings(store=store, plan=force.plan, accounts=tmp_path / "accounts.sqlite",
                                 secret=SECRET, clock=Clock(START), runs_ttl=0))
    c = Client(app)
    c.sign_in("viewer_force")
    before = c.get(f"{P}/results.json").json()["rows"]
    run = next(r for r in stored_runs(store, force.plan) if r["to_month"] == TO)
    changed = read_run(store, force.plan, run)
    table = changed.table.copy()
    table.loc[table.measure_id == "all_crime", "note"] = "recounted after an accepted alarm"
    with Store(store) as st:
        save(st, dataclasses.replace(changed, table=table))
    after = c.get(f"{P}/results.json").json()["rows"]
    assert [r["note"] for r in before if r["measure_id"] == "all_crime"] != \
        [r["note"] for r in after if r["measure_id"] == "all_crime"]
    assert {r["note"] for r in after if r["measure_id"] == "all_crime"} == {"recounted after an accepted alarm"}
    c.close()
