"""Every command and every option of the command line says what it is for in --help."""

from __future__ import annotations

import pytest
import typer.main

from crimeplan.cli import app
from tests.cli_helpers import run_cli

COMMAND = typer.main.get_command(app)
NAMES = sorted(COMMAND.commands)  # type: ignore[attr-defined]


def test_the_contract_commands_are_all_there() -> None:
    """CONTRACT.md §1 names these commands; none may disappear."""
    assert {"synth", "load", "compute", "report", "import", "export", "demo"} <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_every_command_and_parameter_is_described(name: str) -> None:
    """A command's docstring and each argument's and option's help text are not empty."""
    cmd = COMMAND.commands[name]  # type: ignore[attr-defined]
    assert (cmd.help or "").strip(), f"`crimeplan {name}` has no description"
    undescribed = [p.name for p in cmd.params
                   if p.name != "help" and not (getattr(p, "help", None) or "").strip()]
    assert undescribed == [], f"`crimeplan {name}` leaves {undescribed} undescribed"


@pytest.mark.parametrize("name", NAMES)
def test_help_prints_each_option_with_its_text(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    """What --help prints names each option and starts its description (markup is not eaten)."""
    got = run_cli(capsys, name, "--help")
    assert got.code == 0
    printed = " ".join(got.out.split())
    for p in COMMAND.commands[name].params:  # type: ignore[attr-defined]
        if p.param_type_name == "option" and p.name != "help":
            assert p.opts[0] in printed, f"{p.opts[0]} missing from `crimeplan {name} --help`"
            first_words = " ".join(p.help.replace("\\[", "[").split()[:3])
            assert first_words in printed, f"help of {p.opts[0]} not printed as written: {first_words!r}"
