"""`crimeplan site` on the command line: its help, a whole run, and bad input said plainly."""

from __future__ import annotations

from pathlib import Path

from tests.cli_helpers import run_cli
from tests.web.pages import parse, text


def test_help_names_every_option(capsys):
    run = run_cli(capsys, "site", "--help")
    assert run.code == 0
    for option in ("--store", "--plan", "--to", "--edition", "--out", "--snapshot"):
        assert option in run.out
    assert "static website" in run.out


def test_a_run_writes_the_public_site_and_says_where(built, capsys, tmp_path: Path):
    out = tmp_path / "site"
    run = run_cli(capsys, "site", "--store", str(built.store), "--plan", "monthly-performance", "--to", "2026-03",
                  "--edition", "public", "--out", str(out))
    assert run.code == 0, run.err
    assert str(out / "index.html") in run.out.replace("\n", "")
    footer = text(parse(out / "index.html").find(".//footer"))
    assert "Public edition" in footer and "March 2026" in footer
    # run again over its own site: replaced, not refused
    again = run_cli(capsys, "site", "--store", str(built.store), "--plan", "monthly-performance", "--to", "2026-03",
                    "--out", str(out))
    assert again.code == 0, again.err


def test_an_unknown_edition_is_refused_naming_the_option(capsys, tmp_path: Path):
    run = run_cli(capsys, "site", "--store", str(tmp_path / "none.duckdb"), "--plan", "monthly-performance",
                  "--to", "2026-03", "--edition", "draft", "--out", str(tmp_path / "site"))
    assert run.code == 2
    assert "--edition" in run.err and "'draft'" in run.err and "Traceback" not in run.err


def test_a_folder_of_other_files_is_not_overwritten(capsys, tmp_path: Path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    run = run_cli(capsys, "site", "--store", str(tmp_path / "none.duckdb"), "--plan", "monthly-performance",
                  "--to", "2026-03", "--out", str(out))
    assert run.code == 2
    assert str(out) in run.err and "--out" in run.err and "not empty" in run.err
    assert (out / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_a_missing_stylesheet_says_how_to_build_it(capsys, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("CRIMEPLAN_WEB_CSS", str(tmp_path / "absent.css"))
    run = run_cli(capsys, "site", "--store", str(tmp_path / "none.duckdb"), "--plan", "monthly-performance",
                  "--to", "2026-03", "--out", str(tmp_path / "site"))
    assert run.code == 2
    assert "make assets" in run.err and "absent.css" in run.err
