"""`crimeplan serve` on the command line: refused without a secret unless --demo, and it serves the
app it builds (uvicorn's run is replaced here; the browser suite runs the real server)."""

from __future__ import annotations

import re

import pytest

from tests.app.conftest import Client, make_accounts
from tests.cli_helpers import run_cli


def test_serve_without_a_secret_names_the_setting_and_exits_2(capsys, monkeypatch, force):
    monkeypatch.delenv("CRIMEPLAN_SECRET", raising=False)
    ran = run_cli(capsys, "serve", "--store", str(force.store), "--plan", "police-and-crime-plan")
    assert ran.code == 2
    assert "CRIMEPLAN_SECRET" in ran.err and "Traceback" not in ran.err


def test_a_short_secret_is_refused_too(capsys, monkeypatch, force):
    monkeypatch.setenv("CRIMEPLAN_SECRET", "too short")
    ran = run_cli(capsys, "serve", "--store", str(force.store), "--plan", "police-and-crime-plan")
    assert ran.code == 2 and "at least 32 characters" in ran.err


@pytest.mark.parametrize("demo", [True, False])
def test_serve_builds_the_app_on_the_store_and_listens_where_told(capsys, monkeypatch, force, tmp_path, demo):
    import uvicorn

    started = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: started.update(app=app, **kw))
    if demo:
        monkeypatch.delenv("CRIMEPLAN_SECRET", raising=False)
    else:
        monkeypatch.setenv("CRIMEPLAN_SECRET", "x" * 40)
    accounts = tmp_path / "accounts.sqlite"
    make_accounts(accounts, force)
    ran = run_cli(capsys, "serve", "--store", str(force.store), "--plan", "police-and-crime-plan",
                  "--accounts", str(accounts), "--port", "8123", *(["--demo"] if demo else []))
    assert ran.code == 0, ran.err
    assert started["host"] == "127.0.0.1" and started["port"] == 8123
    assert re.search(r"serving .* on http://127\.0\.0\.1:8123/", ran.out.replace("\n", " "))
    c = Client(started["app"])
    assert c.sign_in("viewer_force").status_code == 303
    assert c.get("/").headers["location"] == "/2026-03/index.html"
    assert c.get("/2026-03/index.html").status_code == 200
    c.close()
