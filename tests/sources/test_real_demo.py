"""examples/real_demo.py: any force's reports from the real files, through the document model."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from tests.sources.conftest import REAL, needs_real
from tests.sources.test_any_force import page_text, pdf_text

DEMO = Path(__file__).resolve().parents[2] / "examples" / "real_demo.py"


def _demo():
    spec = importlib.util.spec_from_file_location("real_demo", DEMO)
    mod = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    if not (REAL / "README.md").exists():
        pytest.skip(f"real public data not found at {REAL}")
    out = tmp_path_factory.mktemp("real-demo")
    assert _demo().main(["--out", str(out), "--data", str(REAL), "--force", "Kent Police",
                         "--force", "essex"]) == 0
    return out


@needs_real
def test_each_force_gets_its_plan_monthly_report_and_msg_page(written, capsys):
    assert sorted(p.name for p in written.glob("*.html")) == [
        "essex-monthly.html", "essex-msg.html", "kent-monthly.html", "kent-msg.html"]
    assert not (written / "essex-real-data.html").exists()  # no hand-built page any more
    assert sorted(p.name for p in (written / "plans").iterdir()) == ["essex-plan.yaml", "kent-plan.yaml"]
    kent = pdf_text(written / "kent-monthly.pdf")
    assert kent.startswith("OFFICIAL Kent Police: recorded crime and anti- social behaviour, February 2019")
    # Kent's LPAs by today's names: Shepway's 2018 rows are Folkestone and Hythe's
    assert "Folkestone and Hythe" in kent and "Shepway" not in kent and "Dartford and Gravesham" in kent
    assert "Essex" not in kent and "Shire" not in kent
    # the half-size December 2018 file is an alarm the reader is told about
    assert "Data quality: crimes for December 2018 were 6,131" in kent
    assert page_text(written / "kent-monthly.html").count("Folkestone and Hythe") >= 2  # both LPA tables


@needs_real
def test_missing_months_are_said_never_zero(written):
    essex = pdf_text(written / "essex-monthly.pdf")
    assert "Essex Police: recorded crime and anti- social behaviour, February 2019" in essex
    assert "crime records were not supplied for aug 2018, sep 2018" in essex.lower()
    assert "Southend-on-Sea" in essex and "Thurrock" in essex


@needs_real
def test_msg_pages_say_no_peer_group_is_named(written):
    for slug, force in (("kent", "Kent"), ("essex", "Essex")):
        text = page_text(written / f"{slug}-msg.html")
        assert f"No Most Similar Group is named for {force}: the plan's peer list (msg.peers) is empty." in text
        assert "MSG membership comes from HMICFRS" in text
        # the title takes one colon, the plan's own: "Kent Police: recorded crime ... – Most Similar Group"
        assert f"{force} Police: recorded crime and anti-social behaviour – Most Similar Group" in text


def test_missing_data_folder_is_exit_2(tmp_path, capsys):
    assert _demo().main(["--out", str(tmp_path), "--data", str(tmp_path / "nothing")]) == 2
    err = capsys.readouterr().err
    assert "no such file or folder" in err and str(tmp_path / "nothing") in err and "CRIMEPLAN_REAL_DATA" in err


def test_unknown_force_is_exit_2_naming_close_matches(tmp_path, capsys):
    if not (REAL / "README.md").exists():
        pytest.skip(f"real public data not found at {REAL}")
    assert _demo().main(["--out", str(tmp_path), "--data", str(REAL), "--force", "Kennt"]) == 2
    assert "did you mean Kent?" in capsys.readouterr().err
