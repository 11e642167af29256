"""`crimeplan user ...` and `crimeplan commentary ...`: passwords from standard input only, every
change audited, bad input named (exit 2), and the commentary CSV out and back in."""

from __future__ import annotations

import io
import re
import sys

import pytest

from crimeplan.accounts import AccountsDB, Role, Scope
from crimeplan.accounts.sessions import LoginRefused, login, session_user
from crimeplan.accounts.users import get_user
from crimeplan.plans import load_plan
from crimeplan.plans.commentary import load_commentary
from tests.accounts.conftest import PASSWORD
from tests.cli_helpers import run_cli
from tests.conftest import AREAS
from tests.contract.test_cli_help import COMMAND


@pytest.fixture
def cli(capsys, monkeypatch, tmp_path):
    """Run crimeplan with the accounts beside tmp_path/store.duckdb and `stdin` as standard input."""
    def run(*args: str, stdin: str = ""):
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        return run_cli(capsys, *args, "--store", str(tmp_path / "store.duckdb"))
    return run


def _db(tmp_path) -> AccountsDB:
    return AccountsDB(tmp_path / "store.duckdb.accounts.sqlite")


def test_add_list_set_role_remove(cli, tmp_path):
    added = cli("user", "add", "north.commander", "--role", "contributor", "--scope", "lpa:North LPA",
                "--owns", "North LPA", "--by", "ops-admin", stdin=PASSWORD + "\n")
    assert added.code == 0, added.err
    assert "added north.commander: contributor, scope lpa:North LPA" in added.out
    assert PASSWORD not in added.out + added.err
    listed = cli("user", "list")
    parts = re.split(r"\s{2,}", listed.out.strip())
    assert parts[:4] == ["north.commander", "contributor", "lpa:North LPA", "North LPA"] and parts[5] == "active"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", parts[4])

    with _db(tmp_path) as db:
        token = login(db, "north.commander", PASSWORD, "127.0.0.1")
    changed = cli("user", "set-role", "north.commander", "--role", "analyst", "--scope", "force", "--by", "ops-admin")
    assert changed.code == 0 and "north.commander: analyst, scope force" in changed.out
    with _db(tmp_path) as db:
        assert session_user(db, token) is None  # the role change ended the session
        user = get_user(db, "north.commander")
        assert (user.role, user.scope, user.owns) == (Role.ANALYST, Scope("force"), ("North LPA",))
        log = db.audit_log("user:north.commander")
    assert [(e["who"], e["action"]) for e in log] == [("ops-admin", "user.add"), ("ops-admin", "user.set_role")]
    assert log[1]["before"]["role"] == "contributor" and log[1]["after"]["role"] == "analyst"

    assert cli("user", "remove", "north.commander").code == 0
    assert cli("user", "list").out.rstrip().endswith("disabled")
    with _db(tmp_path) as db:
        with pytest.raises(LoginRefused):
            login(db, "north.commander", PASSWORD, "127.0.0.1")
        removed = db.audit_log("user:north.commander")[-1]
    assert removed["action"] == "user.remove" and removed["who"].startswith("cli:")
    assert (removed["before"]["disabled"], removed["after"]["disabled"]) == (False, True)


def test_set_password_reads_stdin_and_the_new_one_signs_in(cli, tmp_path):
    cli("user", "add", "amy", "--role", "viewer", stdin=PASSWORD + "\n")
    assert cli("user", "set-password", "amy", stdin="a brand new passphrase\n").code == 0
    with _db(tmp_path) as db:
        assert login(db, "amy", "a brand new passphrase", "127.0.0.1")
        with pytest.raises(LoginRefused):
            login(db, "amy", PASSWORD, "127.0.0.1")


@pytest.mark.parametrize(("args", "stdin", "field"), [
    (["user", "add", "x", "--role", "boss"], PASSWORD, "--role"),
    (["user", "add", "x", "--role", "viewer", "--scope", "county"], PASSWORD, "--scope"),
    (["user", "add", "bad name!", "--role", "viewer"], PASSWORD, "NAME"),
    (["user", "add", "x", "--role", "viewer"], "", "password"),
    (["user", "add", "x", "--role", "viewer"], "short\n", "password"),
    (["user", "remove", "nobody"], "", "NAME"),
    (["user", "set-role", "nobody", "--role", "admin"], "", "NAME"),
    (["user", "set-role", "x"], "", "--role"),
    (["commentary", "export", "--out", "c.csv", "--quarter", "Q2"], "", "--quarter"),
])
def test_bad_input_names_the_field_and_exits_2(cli, args, stdin, field):
    got = cli(*args, stdin=stdin)
    assert got.code == 2, (got.out, got.err)
    assert f"field '{field}'" in got.err and "Traceback" not in got.err


def test_no_accounts_option_is_bad_input(capsys):
    got = run_cli(capsys, "user", "list")
    assert got.code == 2 and "field '--accounts'" in got.err


def test_a_duplicate_account_is_refused(cli):
    cli("user", "add", "amy", "--role", "viewer", stdin=PASSWORD + "\n")
    again = cli("user", "add", "amy", "--role", "admin", stdin=PASSWORD + "\n")
    assert again.code == 2 and "already exists" in again.err


def test_the_password_is_never_an_option(cli):
    got = cli("user", "add", "amy", "--role", "viewer", "--password", PASSWORD)
    assert got.code == 2 and "--password" in got.err


@pytest.mark.parametrize("command", [["user"], ["user", "add"], ["user", "remove"], ["user", "set-role"],
                                     ["user", "set-password"], ["user", "list"], ["commentary"],
                                     ["commentary", "export"], ["commentary", "import"]])
def test_full_help(capsys, command):
    got = run_cli(capsys, *command, "--help")
    assert got.code == 0
    text = " ".join(got.out.split())
    if len(command) == 2 and command[0] == "user" and command[1] != "list":
        assert "the account name" in text
    if command[-1] in ("add", "set-role"):
        assert "viewer, contributor, analyst or admin" in text and "lpa:NAME" in text
    if len(command) == 2:
        assert "--accounts" in text and "--store" in text


def test_commentary_import_then_export_round_trip(cli, tmp_path):
    plan = load_plan("police-and-crime-plan")
    source = tmp_path / "in.csv"
    source.write_text("commitment,quarter,text,who\n"
                      "cp_neighbourhood_policing,2026/27 Q2,\"Patrols, weekly.\",North LPA\n"
                      "cp_more_officers,2026/27 Q2,Two intakes.,Media & Communications\n", encoding="utf-8")
    imported = cli("commentary", "import", str(source), "--plan", "police-and-crime-plan", "--by", "pau")
    assert imported.code == 0 and "imported 2 rows" in imported.out
    drafts = cli("commentary", "import", str(source), "--plan", "police-and-crime-plan", "--draft")
    assert "imported 2 rows" in drafts.out and "drafts" in drafts.out
    out = tmp_path / "out.csv"
    exported = cli("commentary", "export", "--out", str(out), "--quarter", "2026/27 Q2")
    assert exported.code == 0 and "2 approved rows" in exported.out
    back = load_commentary(out, plan)
    assert {k: (c.text, c.who) for k, c in back.items()} == {
        ("cp_neighbourhood_policing", "2026/27 Q2"): ("Patrols, weekly.", "North LPA"),
        ("cp_more_officers", "2026/27 Q2"): ("Two intakes.", "Media & Communications")}
    bad = tmp_path / "bad.csv"
    bad.write_text("commitment,quarter,text,who\nnope,2026/27 Q2,x,y\n", encoding="utf-8")
    refused = cli("commentary", "import", str(bad), "--plan", "police-and-crime-plan")
    assert refused.code == 2 and "row 1, field 'commitment'" in refused.err


SUBCOMMANDS = [(group, name) for group in ("user", "commentary")
               for name in sorted(COMMAND.commands[group].commands)]  # type: ignore[attr-defined]


def test_the_subcommands_are_all_there():
    assert SUBCOMMANDS == [("user", "add"), ("user", "list"), ("user", "remove"), ("user", "set-password"),
                           ("user", "set-role"), ("commentary", "export"), ("commentary", "import")]


@pytest.mark.parametrize(("group", "name"), SUBCOMMANDS)
def test_every_subcommand_parameter_is_described_and_printed(capsys, group, name):
    """As tests/contract/test_cli_help.py does for the top-level commands, one level down."""
    cmd = COMMAND.commands[group].commands[name]  # type: ignore[attr-defined]
    assert (cmd.help or "").strip()
    assert [p.name for p in cmd.params if p.name != "help" and not (getattr(p, "help", None) or "").strip()] == []
    printed = " ".join(run_cli(capsys, group, name, "--help").out.split())
    for p in cmd.params:
        if p.param_type_name == "option" and p.name != "help":
            assert p.opts[0] in printed and " ".join(p.help.split()[:3]) in printed, p.opts[0]


def test_an_accounts_file_that_is_not_private_or_not_a_database_is_refused(capsys, tmp_path):
    shared = tmp_path / "shared.sqlite"
    AccountsDB(shared).close()
    assert shared.stat().st_mode & 0o777 == 0o600
    shared.chmod(0o644)
    got = run_cli(capsys, "user", "list", "--accounts", str(shared))
    assert got.code == 2 and "field '--accounts'" in got.err and "chmod 600" in got.err
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not a database, just some text " * 100)
    junk.chmod(0o600)
    got = run_cli(capsys, "user", "list", "--accounts", str(junk))
    assert got.code == 2 and f"file {junk}" in got.err and "not an accounts database" in got.err


def test_a_scope_the_stores_areas_do_not_name_is_refused(cli, make_store, tmp_path):
    make_store({"areas": AREAS}).close()  # LPAs North and South; districts A, B, C
    typo = cli("user", "add", "n.user", "--role", "viewer", "--scope", "lpa:Nrth", stdin=PASSWORD + "\n")
    assert typo.code == 2
    assert "--scope" in typo.err and "no LPA named 'Nrth'" in typo.err and "lpa:North?" in typo.err
    unknown = cli("user", "add", "n.user", "--role", "viewer", "--scope", "district:Q", stdin=PASSWORD + "\n")
    assert unknown.code == 2 and "no district named 'Q'" in unknown.err and "A, B, C" in unknown.err
    with _db(tmp_path) as db:
        assert db.audit_log("user:n.user") == []  # nothing was added
    assert cli("user", "add", "n.user", "--role", "viewer", "--scope", "lpa:North", stdin=PASSWORD + "\n").code == 0
    moved = cli("user", "set-role", "n.user", "--scope", "lpa:Sout")
    assert moved.code == 2 and "lpa:South?" in moved.err
    with _db(tmp_path) as db:
        assert get_user(db, "n.user").scope == Scope("lpa", "North")  # unchanged by the refused move
