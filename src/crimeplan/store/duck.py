"""The DuckDB store: every load is a snapshot, written in one transaction.

Each snapshot maps every canonical table to a physical table; a load writes new physical
tables only for the tables it touches and copies the map for the rest, so any earlier
snapshot still reads exactly as it did.  A load that fails part-way rolls back whole.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Callable, Iterator
from functools import partial
from itertools import accumulate
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv

from crimeplan._atomic import check_private_dir, write_private
from crimeplan._limits import memory_limit
from crimeplan.contract.schema import table as canonical_table
from crimeplan.contract.validate import MIN_DATE, Checked, sha256_of
from crimeplan.errors import BadInput, StoreBusy
from crimeplan.store._duck import arrow, ident, rows, scalar
from crimeplan.store._month_sums import MONTH_SUMS_META, MonthSumsMixin, record_month_sums
from crimeplan.store._overlap import dedupe_staged
from crimeplan.store._validate import STAGE_MEMORY, alike_runs, check_file, check_files_together, drop_staged
from crimeplan.store.interface import LoadReport, Snapshot
from crimeplan.store.quality import (
    DEFAULT_MAX_SHARE,
    QUALITY_META,
    QualityMixin,
    check_loss,
    record_quality,
    supplied_only,
)
from crimeplan.store.results import ResultsMixin

_META = """
CREATE TABLE IF NOT EXISTS _snapshots (
  snapshot_id INTEGER PRIMARY KEY, created_at TIMESTAMP, extract_date DATE, note VARCHAR);
CREATE TABLE IF NOT EXISTS _snapshot_tables (
  snapshot_id INTEGER, table_name VARCHAR, physical VARCHAR, rows BIGINT);
CREATE TABLE IF NOT EXISTS _snapshot_files (
  snapshot_id INTEGER, table_name VARCHAR, file VARCHAR, sha256 VARCHAR,
  rows_read BIGINT, rows_loaded BIGINT, rows_quarantined BIGINT, mode VARCHAR);
CREATE TABLE IF NOT EXISTS _coverage (
  snapshot_id INTEGER, table_name VARCHAR, source VARCHAR, month DATE);
CREATE TABLE IF NOT EXISTS _quarantine (
  snapshot_id INTEGER, table_name VARCHAR, file VARCHAR, row BIGINT, field VARCHAR,
  value VARCHAR, reason VARCHAR);
CREATE TABLE IF NOT EXISTS _table_parts (physical VARCHAR, seq INTEGER, part VARCHAR);
"""

# an appended snapshot's table is a view over its base's tables and a table of its own new rows;
# past this many parts the next append writes one table again (queries plan every part)
MOST_PARTS = 24


class Store(QualityMixin, ResultsMixin, MonthSumsMixin):
    """A crimeplan store in one DuckDB file."""

    # files are checked inside this DuckDB connection and their good rows never enter Python; a
    # store whose connection is another database's (PostgreSQL) checks them in Python instead
    streams = True

    def __init__(self, path: str | Path, *, read_only: bool = False) -> None:
        if re.match(r"^[a-z][a-z0-9+.-]*:/", str(path)):  # a URL (a Path folds its '//')
            raise BadInput("this kind of store URL is not supported: give the path of a DuckDB file or "
                           "postgresql://user@host:port/database", file=str(path), field="--store")
        self.path = Path(path)
        self.read_only = read_only
        _refuse_non_store(self.path)
        if read_only and not self.path.exists():
            raise BadInput("no such store (run `crimeplan load` or `crimeplan demo` first)",
                           file=str(self.path))
        try:
            self.con = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                raise StoreBusy(f"store {self.path} is busy: another process (a load?) is "
                                "using it; try again when it has finished") from None
            raise BadInput(f"cannot open the store: {str(exc).splitlines()[0]}",
                           file=str(self.path)) from None
        if not read_only:
            _refuse_foreign_database(self)
            self.con.execute(_META + QUALITY_META + MONTH_SUMS_META)
        self._limit_memory()

    def _limit_memory(self) -> None:
        """Hold every query (computes too, not only loads) to CRIMEPLAN_MEMORY_LIMIT; DuckDB spills past it."""
        self.con.execute("SET memory_limit = ?", [f"{memory_limit() // (1 << 20)}MiB"])

    def close(self) -> None:
        """Close the connection."""
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reading ---------------------------------------------------------------------------
    def latest_snapshot(self) -> int | None:
        """The newest snapshot id, or None for an empty store."""
        try:
            return scalar(self.con, "SELECT max(snapshot_id) FROM _snapshots")
        except duckdb.CatalogException:
            return None

    def snapshot(self, snapshot_id: int | None = None) -> Snapshot:
        """The named snapshot, or the latest."""
        sid = self.latest_snapshot() if snapshot_id is None else snapshot_id
        found = rows(
            self.con,
            "SELECT snapshot_id, created_at, extract_date FROM _snapshots WHERE snapshot_id = ?",
            [sid],
        ) if sid is not None else []
        if not found:
            raise BadInput(f"the store has no snapshot {sid if sid is not None else ''}".strip(),
                           file=str(self.path))
        return Snapshot(*found[0])

    def physical_tables(self, snapshot_id: int | None = None) -> dict[str, str]:
        """Canonical table name → physical table, as of a snapshot."""
        sid = self.snapshot(snapshot_id).snapshot_id
        return dict(rows(
            self.con, "SELECT table_name, physical FROM _snapshot_tables WHERE snapshot_id = ?", [sid]
        ))

    def arrow(self, name: str, snapshot_id: int | None = None) -> pa.Table:
        """A canonical table as an Arrow table, in the contract's columns and load order."""
        phys = self.physical_tables(snapshot_id)
        if name not in phys:
            canonical_table(name)  # unknown names raise with the list of known ones
            raise BadInput(f"the store holds no {name} table", file=str(self.path))
        return arrow(self.con, f"SELECT * FROM {ident(phys[name])} ORDER BY __ord").drop(["__ord"])

    def ibis(self) -> Any:
        """An Ibis backend on this store's connection."""
        import ibis

        return ibis.duckdb.from_connection(self.con)

    def tables(self, snapshot_id: int | None = None) -> dict[str, Any]:
        """Canonical table name → the table as an Ibis expression, as of a snapshot."""
        con = self.ibis()
        return {name: con.table(phys) for name, phys in self.physical_tables(snapshot_id).items()}

    def files(self, snapshot_id: int | None = None) -> list[dict[str, Any]]:
        """Source files loaded up to a snapshot, with checksums and reconciliation."""
        sid = self.snapshot(snapshot_id).snapshot_id
        return arrow(self.con, "SELECT * FROM _snapshot_files WHERE snapshot_id <= ? "
                     "ORDER BY snapshot_id", [sid]).to_pylist()

    # -- writing ---------------------------------------------------------------------------
    def load(
        self,
        files: dict[str, list[Path]],
        *,
        append: bool = False,
        extract_date: dt.date | None = None,
        quarantine_dir: Path | None = None,
        note: str = "",
        coverage: dict[str, dict[str, list[dt.date]]] | None = None,
        accept_quarantine: bool = False,
        max_quarantine_share: float = DEFAULT_MAX_SHARE,
        loss_check: Callable[[dict[str, list[Checked]]], None] | None = None,
        carried: dict[str, set[str]] | None = None,
        allow_overlap: bool = False,
        min_date: dt.date | None = None,
    ) -> LoadReport:
        """Validate and load files (table → paths) as one new snapshot, all or nothing.

        `coverage` (table → source label → months supplied, as first days) records which
        months a source covers, so a month never supplied reads as missing, not zero.
        Unless `accept_quarantine`, a month that would lose more than `max_quarantine_share` of
        its rows to quarantine stops the load (`loss_check` replaces the rule, for importers).
        `carried` (table → columns) is what a source declares it carries.
        Ids are unique across all the files of a load (`contract.overlap`; compared in SQL over
        the staged files, `store._overlap`); a full extract (not `append`) that loads no row of a
        table is refused, the store left as it was.
        """
        from crimeplan.contract.overlap import dedupe_across_files

        # the good rows wait in temp tables of this connection until the commit (spilling to disk
        # past the memory ceiling): the files are never read into Python
        with self._staging():
            extract = extract_date or dt.date.today()
            prev = self.latest_snapshot()
            prev_tables = self.physical_tables(prev) if prev is not None else {}
            # validate everything first: nothing touches the store until all files are read
            known: set[str] | None = None
            checked: dict[str, list[Checked]] = {}
            order = sorted(files, key=lambda t: t != "areas")  # areas first: districts check
            for name in order:
                tdef = canonical_table(name)
                existing = None
                # appending: the stored table and id column the new rows' ids must not repeat
                stored = ((prev_tables[name], tdef.id_column)
                          if append and tdef.id_column and name in prev_tables else None)
                if stored and not self.streams:  # checked in Python: the ids come along
                    existing = arrow(self.con, f"SELECT {ident(stored[1])} FROM {ident(stored[0])}").column(0)
                if tdef.has_district and known is None:
                    known = self._districts(checked, prev_tables)
                # a run of files checked in one pass (None: check them one by one); each file's
                # form (schema or header) read once for both the whole and the runs
                forms: dict[Path, Any] = {}
                together = partial(check_files_together, table=tdef, extract_date=extract, stage_in=self.con,
                                   known_districts=known if tdef.has_district else None,
                                   min_date=min_date or MIN_DATE, ids_in=stored, forms=forms)
                paths = [Path(p) for p in files[name]]
                whole = together(paths) if self.streams else None
                groups: list[tuple[list[Path], list[Checked] | None]] = [(paths, whole)]
                if whole is None and self.streams and len(paths) > 2:
                    # files that differ (a column added one year): each run of alike files in one
                    # pass; a single run failed for another reason (the ceiling, a strict reader)
                    runs = alike_runs(paths, self.con, forms)
                    if len(runs) > 1:
                        groups = [(run, together(run)) for run in runs]
                for run, part in groups:
                    if part is not None:  # many files alike: checked in one pass
                        checked.setdefault(name, []).extend(part)
                    for path in run if part is None else []:
                        c = check_file(path, tdef, extract_date=extract,
                                       known_districts=known if tdef.has_district else None,
                                       existing_ids=existing, min_date=min_date or MIN_DATE,
                                       ids_in=stored if self.streams else None,
                                       stage_in=self.con if self.streams else None)
                        checked.setdefault(name, []).append(c)
                appending = stored is not None
                if all(c.staged is not None for c in checked[name]):  # compared where they wait
                    try:
                        checked[name] = dedupe_staged(self.con, checked[name], tdef, allow_overlap=allow_overlap,
                                                      appending=appending)
                    except duckdb.Error:  # a file changed since its check may fail to convert: say that
                        for c in checked[name]:
                            _unchanged(c)
                        raise
                else:  # files held in memory: compared in Python
                    checked[name] = dedupe_across_files(checked[name], tdef, allow_overlap=allow_overlap,
                                                        appending=appending)
                if not append and not sum(c.rows_loaded for c in checked[name]):
                    c = checked[name][0]
                    raise BadInput(
                        f"a full extract of {name} with no row to load ({sum(x.rows_read for x in checked[name])}"
                        f" read, {sum(x.rows_quarantined for x in checked[name])} quarantined) would empty "
                        "the table; nothing was changed (use --append to add rows)",
                        file=", ".join(x.file for x in checked[name]))
                if name == "areas":
                    known = None
            if not accept_quarantine:
                (loss_check or (lambda c: check_loss(c, max_share=max_quarantine_share)))(checked)
            sid = (prev or 0) + 1
            report = LoadReport(sid)
            qdir = quarantine_dir or self.path.parent / "quarantine"
            if any(c.rows_quarantined for parts in checked.values() for c in parts):
                check_private_dir(qdir, "quarantine")  # before the commit, not after it
            self.con.execute("BEGIN TRANSACTION")
            try:
                self.con.execute(
                    "INSERT INTO _snapshots VALUES (?, ?, ?, ?)",
                    [sid, dt.datetime.now().replace(microsecond=0), extract, note],
                )
                new_tables = dict(prev_tables)
                for name in order:
                    phys = f"{name}__s{sid}"
                    parts = checked[name]
                    base = prev_tables.get(name) if append else None
                    self._write_table(phys, parts, base)
                    if self.keeps_month_sums:
                        record_month_sums(self.con, name, phys, base)
                    new_tables[name] = phys
                    for c in parts:
                        report.files.append(c)
                        self.con.execute(
                            "INSERT INTO _snapshot_files VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                            [sid, name, c.file, c.sha256, c.rows_read, c.rows_loaded,
                             c.rows_quarantined, "append" if append else "replace"],
                        )
                        if c.rows_quarantined:
                            q = c.quarantine
                            self.con.register("_q", q)
                            self.con.execute(
                                "INSERT INTO _quarantine SELECT ?, ?, file, row, field, value, reason "
                                "FROM _q", [sid, name])
                            self.con.unregister("_q")
                coverage = supplied_only(self.con, {n: new_tables[n] for n in order}, coverage or {})
                self._write_coverage(sid, prev, order, coverage, append)
                record_quality(self.con, sid, prev, order, new_tables, append=append, carried=carried)
                for name, phys in new_tables.items():
                    count = scalar(self.con, f"SELECT count(*) FROM {ident(phys)}")
                    self.con.execute("INSERT INTO _snapshot_tables VALUES (?, ?, ?, ?)",
                                     [sid, name, phys, count])
                self.con.execute("COMMIT")
            except BaseException:
                self.con.execute("ROLLBACK")
                raise
            report.tables = new_tables
            # committed: from here nothing may fail (the rows are in _quarantine whatever happens)
            for name in order:
                for i, c in enumerate(checked[name]):
                    if c.rows_quarantined:
                        out = qdir / f"snapshot{sid}-{name}-{i + 1}.csv"
                        try:
                            qdir.mkdir(parents=True, exist_ok=True, mode=0o700)
                            buf = pa.BufferOutputStream()
                            pacsv.write_csv(c.quarantine, buf)
                            write_private(out, buf.getvalue().to_pybytes())  # personal data: owner only
                            report.quarantine_files.append(out)
                        except (OSError, pa.ArrowException) as exc:
                            report.warnings.append(f"warning: quarantine file {out} not written ({exc}); "
                                                   f"its rows are in the store (snapshot {sid})")
            # the new tables written into the store file now, under the load's ceiling: left to
            # close(), that runs under CRIMEPLAN_MEMORY_LIMIT itself, on top of Python's own memory
            # (2.3 GB at a 2 GB limit, 100M rows in 430 files); DuckDB's write-ahead log keeps the
            # snapshot if this fails
            try:
                self.con.execute("CHECKPOINT")
            except duckdb.Error as exc:
                report.warnings.append(f"warning: snapshot {sid} is committed but not yet written into "
                                       f"the store file ({exc}); it will be when the store is next closed")
            return report

    def _write_coverage(self, sid: int, prev: int | None, loaded: list[str],
                        coverage: dict[str, dict[str, list[dt.date]]], append: bool) -> None:
        """Carry coverage forward; a replaced table takes its new coverage (if any)."""
        if prev is not None:
            keep = [t for t in self.physical_tables(prev) if t not in loaded or (append and t in coverage)]
            if keep:
                marks = ", ".join("?" for _ in keep)
                self.con.execute(
                    f"INSERT INTO _coverage SELECT ?, table_name, source, month FROM _coverage "
                    f"WHERE snapshot_id = ? AND table_name IN ({marks})", [sid, prev, *keep])
        for table_name, sources in coverage.items():
            for source, months in sources.items():
                rows = sorted({m.replace(day=1) for m in months})
                if not rows:
                    continue
                self.con.executemany(
                    "INSERT INTO _coverage SELECT ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM _coverage "
                    "WHERE snapshot_id = ? AND table_name = ? AND source = ? AND month = ?)",
                    [[sid, table_name, source, m, sid, table_name, source, m] for m in rows])

    def coverage(self, table_name: str, snapshot_id: int | None = None) -> dict[str, set[dt.date]]:
        """Months each source supplied for a table (empty when the loads recorded none)."""
        sid = self.snapshot(snapshot_id).snapshot_id
        out: dict[str, set[dt.date]] = {}
        try:
            found = rows(self.con, "SELECT source, month FROM _coverage WHERE snapshot_id = ? "
                         "AND table_name = ?", [sid, table_name])
        except duckdb.CatalogException:  # a store made before coverage was recorded
            return out
        for source, month in found:
            out.setdefault(source, set()).add(month)
        return out

    def _districts(self, checked: dict[str, list[Checked]], prev_tables: dict[str, str]) -> set[str] | None:
        if "areas" in checked:
            return {d for c in checked["areas"] for d in c.good.column("district").to_pylist()}
        if "areas" in prev_tables:
            return {r[0] for r in rows(self.con, f"SELECT district FROM {ident(prev_tables['areas'])}")}
        return None

    @contextlib.contextmanager
    def _staging(self) -> Iterator[None]:
        """A load's staging: a memory ceiling DuckDB spills past, and no staged table left after."""
        if not self.streams:  # a store on another database checks files in Python, as before
            yield
            return
        self.con.execute("SET memory_limit = ?", [f"{min(memory_limit(), STAGE_MEMORY) // (1 << 20)}MB"])
        try:
            yield
        finally:
            drop_staged(self.con)
            self._limit_memory()

    def _write_table(self, phys: str, parts: list[Checked], base: str | None) -> None:
        """Write the good rows of a table's files, numbered in load order (__ord), into phys.

        An append writes only the new rows, into a table of their own, and makes phys a view of
        the base's parts and them: the base is never copied (until MOST_PARTS, then once)."""
        offset = 0
        target = phys
        earlier: list[str] = []
        if base is not None:
            offset = scalar(self.con, f"SELECT coalesce(max(__ord), 0) FROM {ident(base)}")
            earlier = [p for (p,) in rows(self.con, "SELECT part FROM _table_parts WHERE physical = ? "
                                                    "ORDER BY seq", [base])] or [base]
            if len(earlier) < MOST_PARTS:
                target = f"{phys}__rows"
            else:
                self.con.execute(f"CREATE TABLE {ident(phys)} AS SELECT * FROM {ident(base)}")
                earlier = []
        written: set[str] = set()
        for c in parts:
            staged = c.staged
            group = [c]
            if staged is not None and staged.part is not None:  # many files staged as one view
                if staged.table in written:
                    continue
                written.add(staged.table)
                group = [x for x in parts if x.staged is not None and x.staged.table == staged.table]
                starts = list(accumulate((x.rows_read for x in group[:-1]), initial=offset))
                # all the view's files copied in one pass, each numbered from where the one before ends
                source = (f"(SELECT * EXCLUDE (__row, __file), __row + list_extract(?, __file + 1) AS __ord "
                          f"FROM temp.{ident(staged.table)})")
                params: list[object] = [starts]
            elif staged is not None:  # copied inside DuckDB, numbered by file row as it goes
                source = f"(SELECT * EXCLUDE (__row), __row + ? AS __ord FROM temp.{ident(staged.table)})"
                params = [offset]
            else:
                good = c.good.append_column(
                    "__ord", pa.array(range(offset + 1, offset + 1 + c.good.num_rows), pa.int64()))
                self.con.register("_good", good)
                source, params = "_good", []
            # file rows: no two alike
            offset += sum(x.rows_read for x in group) if staged is not None else c.rows_loaded
            try:
                if scalar(self.con,
                          "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [target]):
                    self.con.execute(f"INSERT INTO {ident(target)} SELECT * FROM {source}", params)
                else:
                    self.con.execute(f"CREATE TABLE {ident(target)} AS SELECT * FROM {source}", params)
            except duckdb.Error:
                if staged is not None:  # a file changed mid-copy fails to convert: say that, not DuckDB's error
                    for x in group:
                        _unchanged(x)
                raise
            if staged is None:
                self.con.unregister("_good")
            else:  # a staged Parquet file is read again to copy it: were these the rows checked?
                for x in group:
                    _unchanged(x)
        if earlier:
            every = [*earlier, target]
            self.con.execute(f"CREATE VIEW {ident(phys)} AS "
                             + " UNION ALL ".join(f"SELECT * FROM {ident(t)}" for t in every))
            for seq, part in enumerate(every):
                self.con.execute("INSERT INTO _table_parts VALUES (?, ?, ?)", [phys, seq, part])

    def quarantine(self, snapshot_id: int | None = None) -> pa.Table:
        """Quarantined rows of one snapshot."""
        sid = self.snapshot(snapshot_id).snapshot_id
        return arrow(self.con,
                     "SELECT table_name, file, row, field, value, reason FROM _quarantine "
                     "WHERE snapshot_id = ? ORDER BY table_name, file, row", [sid])


def _unchanged(c: Checked) -> None:
    """Refuse the load when a file's bytes are no longer those checked (its checksum differs)."""
    if sha256_of(Path(c.file)) != c.sha256:
        raise BadInput("the file changed while it was being loaded (its checksum differs from the one "
                       "checked); nothing was changed: load it again", file=c.file)


def write_table(data: pa.Table, out: Path) -> None:
    """Write an Arrow table as CSV (contract text forms) or Parquet, by the file's suffix.

    Written with pyarrow (no SQL is built from the path) to a temporary file that is renamed
    onto `out` once complete, so a killed export never leaves a truncated file.
    """
    import pyarrow.compute as pc

    from crimeplan._atomic import atomic_output

    out = Path(out)
    with atomic_output(out) as tmp:
        if out.suffix == ".parquet":
            import pyarrow.parquet as pq

            pq.write_table(data, tmp)
            return
        cols = []
        for f in data.schema:
            col = data.column(f.name)
            if pa.types.is_timestamp(f.type):
                col = pc.strftime(col, format="%Y-%m-%dT%H:%M:%S")
            cols.append(col)
        text = pa.table(cols, names=data.column_names)
        pacsv.write_csv(text, tmp, pacsv.WriteOptions(quoting_style="needed"))


def _refuse_non_store(path: Path) -> None:
    """Refuse a path that exists and is not a DuckDB file: a CSV, a folder, a report…"""
    if not path.exists():
        return
    if path.is_dir():
        raise BadInput("the store path is a folder, not a store file", file=str(path), field="--store")
    try:
        with path.open("rb") as fh:
            head = fh.read(12)
    except OSError as exc:
        raise BadInput(f"cannot read the store: {exc.strerror or exc}", file=str(path),
                       field="--store") from None
    if len(head) < 12 or head[8:12] != b"DUCK":
        raise BadInput("this file exists and is not a crimeplan store (a DuckDB file); it was left "
                       "untouched: give a new path or an existing store", file=str(path), field="--store")


def _refuse_foreign_database(store: Store) -> None:
    """Refuse a DuckDB file that holds other tables but no crimeplan snapshots."""
    names = {r[0] for r in rows(store.con, "SELECT table_name FROM information_schema.tables")}
    if names and "_snapshots" not in names:
        store.con.close()
        raise BadInput("this DuckDB file holds other tables and is not a crimeplan store; it was "
                       "left untouched", file=str(store.path), field="--store")
