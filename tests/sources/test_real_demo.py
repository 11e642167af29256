"""examples/real_demo.py: the Essex page from the real files, with the 2018-08/09 hole as missing."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from tests.sources.conftest import REAL, needs_real

DEMO = Path(__file__).resolve().parents[2] / "examples" / "real_demo.py"


@needs_real
def test_real_demo_page(tmp_path, capsys):
    spec = importlib.util.spec_from_file_location("real_demo", DEMO)
    mod = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    assert mod.main(["--out", str(tmp_path), "--data", str(REAL)]) == 0
    page = (tmp_path / "essex-real-data.html").read_text(encoding="utf-8")
    assert "Contains public sector information licensed under the Open Government Licence v3.0" in page
    assert re.search(r"2018-08 to 2018-09</th><td colspan='\d+' class='missing'>missing: not supplied", page)
    assert "<th>2018-08</th>" not in page and "<th>2018-09</th>" not in page
    assert "12 months to 2019-02: <b>not computable</b>" in page
    assert "<th>2018-01</th>" in page and "<td><b>14,786</b></td>" in page  # the README's row count
    for total in ("134,205", "158,421", "168,643", "144,025"):  # ONS editions
        assert f"<td>{total}</td>" in page
    assert "Crime Severity Score, 2017/18" in page and "ONS data-tool vintage unknown" in page
    assert "<svg" in page and "Traceback" not in page
    assert "wrote" in capsys.readouterr().out


def test_missing_data_folder_is_exit_2(tmp_path, capsys):
    spec = importlib.util.spec_from_file_location("real_demo", DEMO)
    mod = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    assert mod.main(["--out", str(tmp_path), "--data", str(tmp_path / "nothing")]) == 2
    assert "no such file or folder" in capsys.readouterr().err
