"""Reading raw files defensively: file faults raise BadInput, row faults become quarantine rows.

Every raw CSV goes through `CsvReader`: bytes are read (gzip recognised by its magic number),
a UTF-8 byte-order mark is dropped, and the text is decoded with `surrogateescape` so that a
stray Latin-1 byte spoils only its own row.  Each record is then checked for the faults a
broken export really has: wrong number of fields, non-UTF-8 bytes, a line break inside a
field (an unbalanced quote swallowing later lines), NUL bytes and absurdly long fields.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from crimeplan._limits import read_bounded
from crimeplan.errors import BadInput
from crimeplan.sources._result import QRow, printable

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
MAX_FIELD = 10_000  # characters; no field of these public formats comes near it
_SURROGATE = re.compile("[\udc80-\udcff]")
# a field quoted as RFC 4180 has it: a quote at its start and end, quotes inside doubled
_QUOTED_FIELD = re.compile(r'(?<![^,\r\n])"[^"]*(?:""[^"]*)*"(?![^,\r\n])')


def expand(paths: list[Path], pattern: str, what: str) -> list[Path]:
    """Files named by paths; a folder gives every file under it matching pattern (sorted)."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if not p.exists():
            raise BadInput("no such file or folder", file=str(p))
        if p.is_dir() and re.fullmatch(pattern, p.name, re.IGNORECASE) and "." in p.name:
            raise BadInput("this is a directory, not a file", file=str(p))
        if p.is_dir():
            found = sorted(q for q in p.rglob("*") if re.fullmatch(pattern, q.name, re.IGNORECASE))
            for q in found:
                if q.is_dir():
                    raise BadInput("this is a directory, not a file", file=str(q))
            if not found:
                raise BadInput(f"the folder holds no {what}", file=str(p))
            out.extend(found)
        else:
            out.append(p)
    if not out:
        raise BadInput(f"no {what} given")
    seen: set[Path] = set()
    return [p for p in out if not (p.resolve() in seen or seen.add(p.resolve()))]  # type: ignore[func-returns-value]


def read_bytes(path: Path) -> bytes:
    """The file's bytes, gunzipped when it is gzip; BadInput when it cannot be read."""
    if path.is_dir():
        raise BadInput("this is a directory, not a file", file=str(path))
    try:
        return read_bounded(path)  # gunzipped as it streams, never past the memory ceiling
    except OSError as exc:
        raise BadInput(f"cannot read the file: {exc.strerror or exc}", file=str(path)) from None


def decode(data: bytes, path: Path) -> str:
    """UTF-8 text (BOM dropped); bytes that are not UTF-8 survive as surrogates for row checks."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise BadInput("the file is UTF-16 text; save it as UTF-8", file=str(path), row=0)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if not data.strip():
        raise BadInput("the file is empty (no header row)", file=str(path), row=0)
    return data.decode("utf-8", errors="surrogateescape")


def norm(name: str) -> str:
    """A column name reduced for matching: `Crime ID`, `crime_id` and ` CRIME-ID` agree."""
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")


def _bad_bytes(text: str) -> str | None:
    """The first non-UTF-8 byte of a decoded value, as 0xNN, or None."""
    m = _SURROGATE.search(text)
    return f"0x{ord(m.group()) - 0xDC00:02X}" if m else None


def one_line(text: str) -> str:
    """Text with line breaks shown as \\n, so that a message stays one paragraph."""
    return printable(text).replace("\r", "\\r").replace("\n", "\\n")


@dataclass
class CsvReader:
    """One raw CSV: its header (matched to the columns wanted) and its checked records."""

    path: Path
    required: list[str]
    optional: list[str] = field(default_factory=list)
    header_row: int = 0  # records before the header (title lines of ONS CSV exports)
    label: str = ""  # how the file is named in messages and the quarantine

    def __post_init__(self) -> None:
        self.label = self.label or str(self.path)
        self.text = decode(read_bytes(self.path), self.path)
        self.ends_with_newline = self.text.endswith(("\n", "\r"))
        self.has_bad_bytes = (not self.text.isascii()  # ASCII text has none: no search
                              and _SURROGATE.search(self.text) is not None)
        last = self.text[max(self.text.rfind("\n"), self.text.rfind("\r")) + 1:]
        self.cut_short = bool(last) and last.count('"') % 2 == 1  # ends inside a quoted field
        self._buf = io.StringIO(self.text, newline="")
        self._reader = csv.reader(self._buf, strict=False)
        self.header = self._read_header()
        self.names = [h.strip() or f"column {i + 1}" for i, h in enumerate(self.header)]
        self.index = self._match_columns()

    def _read_header(self) -> list[str]:
        try:
            for _ in range(self.header_row):
                next(self._reader)
            header = next(self._reader)
        except StopIteration:
            raise BadInput("the file has no header row", file=self.label, row=0) from None
        except csv.Error as exc:
            raise BadInput(f"cannot parse the header: {exc}", file=self.label, row=0) from None
        bad = _bad_bytes("".join(header))
        if bad:
            raise BadInput(f"the header is not UTF-8 text (byte {bad})", file=self.label, row=0)
        if len(header) == 1:
            for sep in (";", "\t", "|"):
                if sep in header[0]:
                    raise BadInput(f"the file uses {sep!r} between fields; expected commas",
                                   file=self.label, row=0, field=one_line(header[0][:60]))
        return header

    def _match_columns(self) -> dict[str, int]:
        by_norm: dict[str, int] = {}
        for i, h in enumerate(self.header):
            by_norm.setdefault(norm(h), i)
        index = {c: by_norm[norm(c)] for c in self.required + self.optional if norm(c) in by_norm}
        missing = [c for c in self.required if c not in index]
        if missing:
            shown = one_line(", ".join(h.strip() for h in self.header))[:300]
            raise BadInput("required column(s) missing from the header: " + ", ".join(missing)
                           + f" (the header has: {shown})", file=self.label, row=0, field=missing[0])
        return index

    def records(self, quarantine: list[QRow]) -> Iterator[tuple[int, dict[str, str]]]:
        """(data row number, {wanted column: value}) for each sound record; faults to quarantine.

        The caller counts what it receives; `self.rows_read` and `self.rows_faulty` count what
        this reader saw, so read = received + faulty.
        """
        self.rows_read = 0
        self.rows_faulty = 0
        width = len(self.header)
        row = 0
        while True:
            start_line = self._reader.line_num + 1
            try:
                rec = next(self._reader)
            except StopIteration:
                return
            except csv.Error as exc:  # pragma: no cover - non-strict readers rarely raise
                raise BadInput(f"cannot parse the file: {exc}", file=self.label,
                               line=self._reader.line_num) from None
            if not rec or (len(rec) == 1 and not rec[0].strip()):
                continue  # a blank line carries no row
            row += 1
            self.rows_read += 1
            fault = self._fault(rec, width, start_line)
            if fault:
                self.rows_faulty += 1
                quarantine.append(QRow(self.label, row, fault[0], printable(fault[1]), fault[2]))
                continue
            yield row, {c: rec[i] for c, i in self.index.items()}

    def table(self, quarantine: list[QRow]) -> tuple[pa.Array, pa.Table]:
        """The sound records' row numbers and wanted columns (text); faults to quarantine.

        The same rows and values as `records`, as Arrow columns. A file in which no record has a
        fault and every quote is a field's RFC 4180 quoting (every real export seen) is parsed
        by Arrow's CSV reader; any other file goes record by record.
        """
        whole = self._arrow_table()
        if whole is not None:
            return whole
        rows: list[int] = []
        values: dict[str, list[str]] = {c: [] for c in self.index}
        for row, rec in self.records(quarantine):
            rows.append(row)
            for c, v in rec.items():
                values[c].append(v)
        return pa.array(rows, pa.int64()), pa.table(
            {c: pa.array(v, pa.string()) for c, v in values.items()})

    def _arrow_table(self) -> tuple[pa.Array, pa.Table] | None:
        """Every record parsed by Arrow, or None when `records` must look at them one by one."""
        width = len(self.header)
        quoted = '"' in self.text
        if (self.has_bad_bytes or self.cut_short or "\x00" in self.text or self.header_row
                or width < 2 or self._reader.line_num != 1
                or (quoted and '"' in _QUOTED_FIELD.sub("", self.text))):
            return None
        invalid: list[object] = []

        def refuse(row: object) -> str:
            invalid.append(row)  # a record of another width: `records` quarantines it
            return "skip"

        names = [f"f{i}" for i in range(width)]
        try:
            t = pa_csv.read_csv(
                pa.py_buffer(self.text.encode("utf-8")),
                read_options=pa_csv.ReadOptions(column_names=names, skip_rows=1),
                parse_options=pa_csv.ParseOptions(newlines_in_values=True,
                                                  invalid_row_handler=refuse),
                convert_options=pa_csv.ConvertOptions(
                    column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False,
                    quoted_strings_can_be_null=False))
        except pa.ArrowInvalid:
            return None
        if invalid:
            return None
        for col in t.columns if t.num_rows else ():  # record checks: a line break inside a
            # field (only a quoted one can hold it), a field too long (its bytes bound its length)
            if ((quoted and pc.any(pc.match_substring_regex(col, "[\r\n]")).as_py())
                    or (pc.max(pc.binary_length(col)).as_py() > MAX_FIELD
                        and pc.max(pc.utf8_length(col)).as_py() > MAX_FIELD)):
                return None
        self.rows_read = t.num_rows
        self.rows_faulty = 0
        wanted = pa.table({c: t.column(i).combine_chunks() for c, i in self.index.items()})
        return pa.array(np.arange(1, t.num_rows + 1, dtype=np.int64)), wanted

    def _fault(self, rec: list[str], width: int, start_line: int) -> tuple[str, str, str] | None:
        """(field, value, reason) for the first thing wrong with a record, or None."""
        joined = "\x1f".join(rec)
        if "\n" in joined or "\r" in joined:
            end_line = self._reader.line_num
            for i, value in enumerate(rec):
                if "\n" in value or "\r" in value:
                    name = self.names[i] if i < width else f"column {i + 1}"
                    return (name, value, "a line break inside a field (an unbalanced quote?) "
                            f"makes lines {start_line}-{end_line} one record")
        at_end = not self.ends_with_newline and self._buf.tell() >= len(self.text)
        if at_end and self.cut_short:
            return ("*", ",".join(rec), "truncated last line: it ends inside a quoted field")
        if len(rec) != width:
            last = at_end
            what = "truncated last line: " if last and len(rec) < width else ""
            return ("*", ",".join(rec), f"{what}expected {width} fields, found {len(rec)}")
        if self.has_bad_bytes and _SURROGATE.search(joined):
            for i, value in enumerate(rec):
                bad = _bad_bytes(value)
                if bad:
                    return (self.names[i], value,
                            f"not UTF-8 text (byte {bad}); save the file as UTF-8")
        if "\x00" in joined:
            i = next(i for i, v in enumerate(rec) if "\x00" in v)
            return (self.names[i], rec[i], "contains a NUL byte")
        if len(joined) > MAX_FIELD:
            for i, value in enumerate(rec):
                if len(value) > MAX_FIELD:
                    return (self.names[i], value, f"field longer than {MAX_FIELD:,} characters")
        return None
