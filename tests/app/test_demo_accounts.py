"""`make demo` leaves accounts to try the dashboard with: one of each role, each password working,
the listing private, and the plan's sample commentary approved so the quarterly download shows it."""

from __future__ import annotations

import stat

from crimeplan.accounts import AccountsDB
from crimeplan.accounts import sessions as sess
from crimeplan.accounts.users import list_users
from crimeplan.accounts.workflow import APPROVED
from crimeplan.demo import DEMO_ACCOUNTS, demo_accounts
from crimeplan.plans import load_plan
from crimeplan.plans.commentary import MSG_PREFIX, load_commentary


def test_the_demo_accounts_sign_in_and_the_sample_commentary_is_approved(tmp_path):
    plan = load_plan("police-and-crime-plan")
    listing = demo_accounts(tmp_path / "crimeplan.duckdb", plan, tmp_path)
    assert stat.S_IMODE(listing.stat().st_mode) == 0o600
    rows = [line.split("\t") for line in listing.read_text().splitlines()[1:]]
    assert [(n, r, s) for n, r, s, _ in rows] == [(n, r, s) for n, r, s, _ in DEMO_ACCOUNTS]
    with AccountsDB(tmp_path / "crimeplan.duckdb.accounts.sqlite") as db:
        for name, _, _, password in rows:
            assert sess.login(db, name, password, "127.0.0.1")
        assert {u.name: str(u.scope) for u, _ in list_users(db)}["demo-north"] == "lpa:North"
        stored = {(r["commitment"], r["quarter"]): (r["state"], r["approved_text"])
                  for r in db.conn.execute("SELECT * FROM commentary").fetchall()}
    sample = {k: v for k, v in load_commentary(plan.commentary, plan).items() if not k[0].startswith(MSG_PREFIX)}
    assert sample and set(stored) == set(sample)
    assert all(state == APPROVED and text == sample[k].text for k, (state, text) in stored.items())
    # a second demo starts again: the same names, new passwords, nothing imported twice
    again = [line.split("\t") for line in demo_accounts(tmp_path / "crimeplan.duckdb", plan,
                                                        tmp_path).read_text().splitlines()[1:]]
    assert [r[0] for r in again] == [r[0] for r in rows] and [r[3] for r in again] != [r[3] for r in rows]
