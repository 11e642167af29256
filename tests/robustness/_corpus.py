"""A generated corpus of malformed inputs, deterministic by case number.

Canonical tables: each case is one file of `ROWS` rows, a few of them damaged.  A *value* case
writes hostile values through the csv module (so the file is well-formed CSV and the number of
records is known exactly: nothing may be lost); a *bytes* case damages the file's bytes (a
delimiter, quote, line break or stray byte inserted, a span deleted, the file cut short), where
only the reconciliation can be checked.  Importers: each case is one raw file of a source in
`_importer_cases.SOURCES` with its lines, cells or bytes damaged.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass

from crimeplan.contract.schema import TABLES
from tests.robustness._cases import rows, text
from tests.robustness._importer_cases import Source

ROWS = 12
HOSTILE = ["", " ", "inf", "-inf", "nan", "NaN", "1.5", "2.0", "1e308", "1e309", "-1", "-0", "0x10",
           "9" * 30, "0000-01-01", "0001-01-01", "9999-12-31", "2024-02-30", "2024-13-01", "24-01-01",
           "2024-01-01T25:00:00", "2024-01-01 10:00:00", "2024-01-05T10:00", "true", "TRUE", "yes",
           "1", "0", "null", "NULL", "None", "x" * 300, "a\x00b", "é", "\u202e", "😀", '"', "'",
           ",", "a\nb", "a\r\nb", "=1+1", "DROP TABLE crimes", "../../etc/passwd", "\ufeff", " C1 ",
           "1,000", "£5", "12:00", "2024-01-05", "2024-01-05T10:00:00", "Essex", "asb", "999",
           "officer", "fatal", "recording_change", "*", "-9223372036854775809", "18446744073709551616"]
PAYLOADS = [b",", b'"', b"\n", b"\r\n", b"\r", b"\xe9", b"\xff\xfe", b"\x00", b";", b"\xef\xbb\xbf",
            b"-", b"9", b"", b"x" * 200, b'""', b",,,,,,,,", b"\t", b"\xc3", b"\xe2\x80\xae"]


@dataclass(frozen=True)
class Case:
    """One generated input: its bytes, how it was made, and its record count when known."""

    number: int
    kind: str  # value | bytes
    data: bytes
    records: int | None  # data records written (value cases), None when bytes were damaged


def damage(data: bytes, rng: random.Random, edits: int) -> bytes:
    """Apply a few byte edits at random positions."""
    for _ in range(edits):
        i = rng.randrange(len(data) + 1)
        op = rng.choice(["insert", "insert", "delete", "replace", "truncate", "dup-line", "drop-line"])
        payload = rng.choice(PAYLOADS)
        if op == "insert":
            data = data[:i] + payload + data[i:]
        elif op == "delete":
            data = data[:i] + data[i + rng.randint(1, 40):]
        elif op == "replace":
            data = data[:i] + payload + data[i + max(1, len(payload)):]
        elif op == "truncate" and rng.random() < 0.3:
            data = data[:i]
        elif op in ("dup-line", "drop-line"):
            lines = data.split(b"\n")
            j = rng.randrange(len(lines))
            lines[j:j + 1] = [lines[j]] * (2 if op == "dup-line" else 0)
            data = b"\n".join(lines)
    return data


def canonical_case(table: str, number: int) -> Case:
    """Case `number` for a canonical table."""
    rng = random.Random(f"{table}-{number}")
    data = rows(table, ROWS)
    cols = TABLES[table].column_names
    if number % 3:  # two cases in three: hostile values, well-formed CSV
        for _ in range(rng.randint(1, 4)):
            r = rng.randrange(ROWS)
            col = rng.choice(cols)
            data[r][col] = rng.choice(HOSTILE) if rng.random() < 0.8 else data[rng.randrange(ROWS)].get(col, "")
        if rng.random() < 0.2:  # a repeated id
            data[rng.randrange(ROWS)] = dict(data[rng.randrange(ROWS)])
        return Case(number, "value", text(table, data).encode("utf-8"), ROWS)
    raw = text(table, data).encode("utf-8")
    return Case(number, "bytes", damage(raw, rng, rng.randint(1, 4)), None)


def _set_cell(line: str, rng: random.Random) -> str:
    cells = next(csv.reader(io.StringIO(line, newline="")), None) or [""]
    cells[rng.randrange(len(cells))] = rng.choice(HOSTILE)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow(cells)
    return buf.getvalue()


def importer_case(src: Source, number: int) -> tuple[int, bytes]:
    """(index of the file damaged, its bytes) for case `number` of a source."""
    rng = random.Random(f"{src.name}-{number}")
    names = list(src.files)
    which = rng.randrange(len(names))
    header, data = src.files[names[which]]
    body = list(data) * rng.randint(1, 3)
    if number % 2:  # hostile cells in well-formed lines
        for _ in range(rng.randint(1, 3)):
            j = rng.randrange(len(body))
            body[j] = _set_cell(body[j], rng)
        raw = src.prefix + "\n".join([header, *body]) + "\n"
        return which, raw.encode("utf-8")
    raw = (src.prefix + "\n".join([header, *body]) + "\n").encode("utf-8")
    return which, damage(raw, rng, rng.randint(1, 4))


__all__ = ["HOSTILE", "ROWS", "Case", "canonical_case", "damage", "importer_case"]
