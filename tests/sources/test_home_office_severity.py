"""Home Office PRC by offence code: totals reconcile with ONS; the Crime Severity Score by hand."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
from collections import Counter
from functools import cache

import pytest

from crimeplan.sources import home_office_prc, severity
from tests.sources.conftest import REAL, needs_real, ons_import

PRC = REAL / "home_office_prc" / "prc-pfa-201718_new.csv.gz"
FRAUD = {"AF", "CIFAS", "FFA UK", "UK Finance"}


@cache
def _prc():  # type: ignore[no-untyped-def]
    return home_office_prc.import_files([PRC])


def _raw() -> list[dict[str, str]]:
    with gzip.open(PRC, "rt", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _ho_totals(res) -> Counter:  # type: ignore[no-untyped-def]
    out: Counter = Counter()
    for r in res.tables["aggregates"].to_pylist():
        if r["measure_id"].startswith("ho_prc:") and r["measure_id"][7:] not in FRAUD:
            out[r["area"]] += r["numerator"]
    return out


def test_quarter_dates():
    assert home_office_prc.quarter("2017/18", "1") == (dt.date(2017, 4, 1), dt.date(2017, 6, 30))
    assert home_office_prc.quarter("2017/18", "4") == (dt.date(2018, 1, 1), dt.date(2018, 3, 31))
    assert home_office_prc.quarter("2017/19", "1") is None
    assert home_office_prc.quarter("2017/18", "5") is None


@needs_real
def test_every_row_is_kept_and_counts_equal_the_raw_file():
    res = _prc()
    res.check()
    raw = _raw()
    assert res.files[0].read == len(raw) == 23068 and res.quarantine == []
    expected = Counter()
    for r in raw:
        expected[(r["Force_Name"], r["Financial_Quarter"])] += int(r["Number_of_Offences"])
    got = Counter()
    names = {"London, City of": "City of London"}
    inverse = {v: k for k, v in names.items()}
    for r in res.tables["aggregates"].to_pylist():
        if r["measure_id"].startswith("ho_prc:"):
            q = str((r["period_start"].month - 4) % 12 // 3 + 1)
            got[(inverse.get(r["area"], r["area"]), q)] += r["numerator"]
    assert got == expected


@needs_real
def test_essex_total_reconciles_with_ons_within_the_documented_difference():
    ho = _ho_totals(_prc())
    assert ho["Essex"] == 134153  # the README's Home Office figure
    ons = {r["force"]: r["numerator"] for r in ons_import().tables["peers"].to_pylist()
           if r["measure_id"] == "all_crime" and r["period_end"] == dt.date(2018, 3, 31)}
    assert ons["Essex"] == 134205  # the README's ONS figure
    assert abs(ho["Essex"] - ons["Essex"]) <= 52  # the difference the README documents
    exact = [f for f in ons if ho[f] == ons[f]]
    assert len(exact) >= 24  # most forces agree to the offence
    total_ho, total_ons = sum(ho[f] for f in ons), sum(ons.values())
    assert abs(total_ho - total_ons) / total_ons < 0.002  # measured: 4,955 of 4.8m (0.10%)


def test_shipped_weights_match_the_real_weights_file():
    path = REAL / "crime_severity" / "ons_css_weights_severity_codes.csv"
    if not path.exists():
        pytest.skip("real data not present")
    w = severity.shipped_weights()
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 134
    for r in rows:
        assert w.weight(r["code_severity"]) == pytest.approx(float(r["weight"]))
        assert w.weight(r["code_original"]) == pytest.approx(float(r["weight"]))
    for code in ("1", "4.1", "4.2", "4.10", "1/4.1/4.10/4.2", "28A", "30A"):
        assert w.weight(code) is not None
    assert w.weight("28A") == w.weight("28C") and w.weight("4.10") == pytest.approx(7973.393423328133)
    assert severity.load_weights(path).by_code == w.by_code


def test_score_by_hand():
    w = severity.Weights({"8N": 100.0, "105A": 10.0}, "test")
    s = severity.score([("8N", 3), ("105A", 5), ("AF", 7), ("ZZ", 2)], 1000, w)
    assert s.weighted == 350 and s.value == pytest.approx(0.35)
    assert s.offences == 8 and s.fraud == 7 and s.unweighted == {"ZZ": 2}
    assert severity.score([("8N", 1)], None, w).value is None
    assert severity.score([("8N", 2), (None, 1)], 100, w).unweighted == {"(no code)": 1.0}


@needs_real
def test_css_for_every_force_with_the_weights_vintage():
    pops = {(r["force"], r["period_end"]): r["population"] for r in
            ons_import().tables["peers"].to_pylist() if r["measure_id"] == "all_crime"}
    res = home_office_prc.import_files([PRC], populations=pops)
    peers = {r["force"]: r for r in res.tables["peers"].to_pylist()}
    assert len(peers) == 43 and "British Transport Police" not in peers
    w = severity.shipped_weights()
    weighted = sum(int(r["Number_of_Offences"]) * (w.weight(r["Offence_Code"]) or 0)
                   for r in _raw() if r["Force_Name"] == "Essex")
    essex = peers["Essex"]
    assert essex["numerator"] == pytest.approx(weighted)
    assert essex["population"] == 1806900  # ONS P3, YE Mar 2018 (mid-2016 estimate)
    assert essex["value"] == pytest.approx(weighted / 1806900)
    assert 11 < essex["value"] < 12
    assert any(severity.VINTAGE in n for n in res.notes)
    css = [r for r in res.tables["aggregates"].to_pylist() if r["measure_id"] == "crime_severity_score"]
    assert len(css) == 43 and all(severity.VINTAGE in r["source"] for r in css)


def test_small_prc_file_duplicates_merges_and_force_filter(tmp_path):
    p = tmp_path / "prc.csv"
    head = (",Financial_Year,Financial_Quarter,Force_Name,Offence_Description,Offence_Group,Offence_Subgroup,"
            "Offence_Code,Number_of_Offences,Policeuk_Cat")
    lines = [head,
             "0,2017/18,1,Essex,Homicide,V,H,1/4.1/4.10/4.2,1,X",
             "1,2017/18,1,Essex,Homicide,V,H,1/4.1/4.10/4.2,2,X",
             "1,2017/18,1,Essex,Homicide,V,H,1/4.1/4.10/4.2,2,X",
             "2,2017/18,1,Kent,Assault,V,H,8N,\"1,200\",X",
             "3,2017/18,7,Kent,Assault,V,H,8N,5,X",
             "4,2017/18,2,Kent,Assault,V,H,8N,-3,X",
             "5,2017/18,2,Kent,Assault,V,H,8N,many,X"]
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    res = home_office_prc.import_files([p])
    res.check()
    rows = {(r["area"], r["measure_id"], r["period_start"]): r["numerator"]
            for r in res.tables["aggregates"].to_pylist()}
    assert rows[("Essex", "ho_prc:1/4.1/4.10/4.2", dt.date(2017, 4, 1))] == 3
    assert rows[("Kent", "ho_prc:8N", dt.date(2017, 4, 1))] == 1200
    assert rows[("Kent", "ho_prc:8N", dt.date(2017, 7, 1))] == -3
    assert sorted(q.row for q in res.quarantine) == [3, 5, 7]
    only = home_office_prc.import_files([p], force="Kent")
    only.check()
    assert only.files[0].out_of_scope == 3
