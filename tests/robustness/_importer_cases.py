"""Small valid raw files for every importer, and the hand-made faults put into them."""

from __future__ import annotations

import gzip
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.sources.conftest import STREET_HEADER, street_row

PRC_HEADER = (",Financial_Year,Financial_Quarter,Force_Name,Offence_Description,Offence_Group,"
              "Offence_Subgroup,Offence_Code,Number_of_Offences,Policeuk_Cat")
ONS_TITLE = '"Table P1: Police recorded crime, number of offences, year ending June 2025 [note 1]",,,\n'
ONS_HEADER = 'Area Code,Area Name,"Total recorded crime\n (excluding fraud)",Homicide'
COLLISION_HEADER = "collision_index,collision_year,collision_ref_no,police_force,collision_severity,date,time,local_authority_ons_district"
CASUALTY_HEADER = "collision_index,collision_year,collision_ref_no,vehicle_reference,casualty_reference,casualty_class,age_of_casualty,casualty_severity,casualty_type"


@dataclass(frozen=True)
class Source:
    """An importer and a small valid input for it: (file name, header, data lines)."""

    name: str
    force: str | None
    files: dict[str, tuple[str, list[str]]]  # file name → (header, rows); the first is faulted
    month_field: int  # index of a date-like field in the first file's rows
    id_field: int | None  # index of the id field (duplicated-id fault)
    count_field: int | None  # index of a count (negative-count fault)
    required_field: int = 1  # index of a required column (missing-column fault)
    prefix: str = ""  # title lines before the header (ONS CSV exports)


SOURCES = [
    Source("police-uk", "Essex", {"2024-01-essex-street.csv": (STREET_HEADER, [
        street_row("a1"), street_row("", ctype="Anti-social behaviour", outcome=""),
        street_row("a2", lsoa="Babergh 010G"), street_row("a3", lsoa="", location="No Location")])},
        month_field=1, id_field=0, count_field=None),
    Source("home-office-prc", None, {"prc.csv": (PRC_HEADER, [
        "0,2017/18,1,Essex,Assault,V,W,8N,100,X", "1,2017/18,1,Kent,Assault,V,W,8N,90,X",
        "2,2017/18,2,Essex,Homicide,V,H,1/4.1/4.10/4.2,1,X", "3,2017/18,2,Essex,Theft,T,T,49,7,X"])},
        month_field=2, id_field=0, count_field=8),
    Source("ons-pfa", None, {"p1.csv": (ONS_HEADER, [
        'E23000028,Essex [note 4],"144,025 ",11', "E23000032,Kent,\"170,100\",9",
        "E23000005,Greater Manchester,[x],[x]", "K04000001,ENGLAND AND WALES,\"5,287,312\",518"])},
        month_field=0, id_field=None, count_field=3, prefix=ONS_TITLE),
    Source("stats19", "Essex", {
        "casualty.csv": (CASUALTY_HEADER, [
            "2023420000001,2023,420000001,1,1,1,34,3,9", "2023420000001,2023,420000001,1,2,2,8,2,9",
            "2023420000002,2023,420000002,1,1,3,71,1,0", "2023460000003,2023,460000003,1,1,1,40,3,1"]),
        "collision.csv": (COLLISION_HEADER, [
            "2023420000001,2023,420000001,42,3,03/02/2023,08:15,E07000066",
            "2023420000002,2023,420000002,42,1,31/12/2023,23:59,E06000033",
            "2023460000003,2023,460000003,46,3,05/05/2023,12:00,E07000105"])},
        month_field=6, id_field=4, count_field=None, required_field=4),
]


def lines_of(src: Source) -> tuple[str, list[str]]:
    return next(iter(src.files.values()))


def write(src: Source, folder: Path, first: bytes | None = None) -> list[Path]:
    """Write the source's files; `first` replaces the first file's bytes."""
    out = []
    for i, (name, (header, rows)) in enumerate(src.files.items()):
        p = folder / name
        data = (src.prefix + "\n".join([header, *rows]) + "\n").encode("utf-8")
        p.write_bytes(first if (i == 0 and first is not None) else data)
        out.append(p)
    return out


def _join(src: Source, header: str, rows: list[str]) -> bytes:
    return (src.prefix + "\n".join([header, *rows]) + "\n").encode("utf-8")


def _set(row: str, i: int, value: str) -> str:
    import csv
    import io

    cells = next(csv.reader([row]))
    cells[i] = value
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow(cells)
    return buf.getvalue()


@dataclass(frozen=True)
class RawFault:
    name: str
    make: Callable[[Source], bytes | None]  # None: the fault does not apply
    expect: str  # "exit2", "ok" or "quarantine"
    quarantined: int = 0


def _header_cols(src: Source) -> list[str]:
    import csv

    return next(csv.reader([lines_of(src)[0]]))


def raw_faults() -> list[RawFault]:
    def data(src: Source) -> tuple[str, list[str]]:
        return lines_of(src)

    return [
        RawFault("wrong delimiter", lambda s: _join(s, data(s)[0].replace(",", ";"),
                                                    [r.replace(",", ";") for r in data(s)[1]]), "exit2"),
        RawFault("byte-order mark", lambda s: b"\xef\xbb\xbf" + _join(s, *data(s)), "ok"),
        RawFault("crlf and gzip", lambda s: gzip.compress(_join(s, *data(s)).replace(b"\n", b"\r\n")), "ok"),
        RawFault("latin-1 byte in a data row", lambda s: _join(s, data(s)[0], data(s)[1][:1]).rstrip(b"\n")
                 + b"\n" + _set(data(s)[1][1], 1, "Caf\xe9").encode("latin-1") + b"\n"
                 + "\n".join(data(s)[1][2:]).encode() + b"\n", "quarantine", 1),
        RawFault("truncated last line", lambda s: _join(s, *data(s)).rstrip(b"\n")[:-4], "quarantine", 1),
        RawFault("a row with an extra field", lambda s: _join(s, data(s)[0], [data(s)[1][0] + ",surplus",
                                                                              *data(s)[1][1:]]), "quarantine", 1),
        RawFault("unbalanced quote", lambda s: _join(s, data(s)[0], [data(s)[1][0], '"' + data(s)[1][1],
                                                                     *data(s)[1][2:]]), "quarantine", 1),
        RawFault("missing column", lambda s: _drop_column(s), "exit2"),
        RawFault("renamed columns", lambda s: _join(s, ",".join(f"col{i}" for i in range(len(_header_cols(s)))),
                                                    data(s)[1]), "exit2"),
        RawFault("duplicated id", lambda s: None if s.id_field is None else
                 _join(s, data(s)[0], [*data(s)[1], data(s)[1][0]]), "quarantine", 1),
        RawFault("impossible date", lambda s: _join(s, data(s)[0], [_set(data(s)[1][0], s.month_field, {
            "police-uk": "2024-13", "home-office-prc": "7", "stats19": "31/02/2023", "ons-pfa": "E23000028"}[s.name]),
            *data(s)[1][1:]]) if s.name != "ons-pfa" else None, "quarantine", 1),
        RawFault("negative count", lambda s: None if s.count_field is None else
                 _join(s, data(s)[0], [_set(data(s)[1][0], s.count_field, "-3"), *data(s)[1][1:]]),
                 "quarantine", 1),
        RawFault("10 MB field", lambda s: _join(s, data(s)[0], [_set(data(s)[1][0], 1, "x" * 10_000_000),
                                                                 *data(s)[1][1:]]), "quarantine", 1),
        RawFault("NUL byte", lambda s: _join(s, data(s)[0], [_set(data(s)[1][0], 1, "a\x00b"),
                                                              *data(s)[1][1:]]), "quarantine", 1),
        RawFault("empty file", lambda s: b"", "exit2"),
        RawFault("header only", lambda s: _join(s, data(s)[0], []), "exit2"),  # no rows: nothing replaced
    ]


def _drop_column(src: Source) -> bytes:
    import csv
    import io

    header, rows = lines_of(src)
    keep = [i for i in range(len(_header_cols(src))) if i != src.required_field]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    for line in [header, *rows]:
        cells = next(csv.reader([line]))
        w.writerow([cells[i] for i in keep if i < len(cells)])
    return (src.prefix + buf.getvalue()).encode()
