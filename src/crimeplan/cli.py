"""The `crimeplan` command line (CONTRACT.md §1)."""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console

from crimeplan._atomic import atomic_output
from crimeplan.errors import BadInput, StoreBusy

if TYPE_CHECKING:
    from crimeplan.store import LoadReport

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Performance reporting for police forces and Police and Crime Commissioners.")
console = Console(stderr=False, highlight=False)
FORMATS = ("html", "pdf", "docx", "xlsx")

# help texts shared by several commands, so each option reads the same everywhere
STORE_HELP = ("the store: a DuckDB file made by `load` or `import`, postgresql://user@host:port/database "
              "(password from PGPASSWORD or ~/.pgpass) or spark:/folder (docs/engines.md)")
PLAN_HELP = ("a plan YAML file, or the name of a shipped plan (monthly-performance, police-and-crime-plan, "
             "police-uk, ...)")
TO_HELP = "the last month the figures cover, YYYY-MM (rolling 12 months end here)"
SNAPSHOT_HELP = "an earlier snapshot id, to reproduce a past report (default: the latest)"
QUARANTINE_HELP = "load even when a month loses more rows to quarantine than --max-quarantine-share"
SHARE_HELP = "largest share (0-1) of a month's rows quarantine may take before the load is refused"


def _month(value: str) -> dt.date:
    try:
        year, month = value.split("-")
        out = dt.date(int(year), int(month), 1)
    except ValueError:
        raise BadInput(f"--to must be a month YYYY-MM, not {value!r}", field="--to") from None
    if not 1900 <= out.year <= 2200:
        raise BadInput(f"--to {value!r} is not a plausible month (years 1900-2200)", field="--to")
    return out


def _day(value: str | None, option: str) -> dt.date | None:
    """A YYYY-MM-DD option (None when not given), or bad input naming the option."""
    if value is None:
        return None
    try:
        out = dt.date.fromisoformat(value.strip())
    except ValueError:
        raise BadInput(f"{option} must be a date YYYY-MM-DD, not {value!r}", field=option) from None
    if not 1900 <= out.year <= 2200:
        raise BadInput(f"{option} {value!r} is not a plausible date (years 1900-2200)", field=option)
    return out


def _warn(message: str) -> None:
    """A warning on standard error: said, never fatal."""
    Console(stderr=True, highlight=False).print(f"warning: {message}")


@contextmanager
def _progress(label: str) -> Iterator[callable]:  # type: ignore[valid-type]
    """A spinner with the current step on a terminal; plain silence otherwise."""
    if console.is_terminal:
        with console.status(label) as status:
            yield lambda msg: status.update(f"{label}: {msg}")
    else:
        yield lambda msg: None


@app.command()
def synth(
    out: Path = typer.Option(..., "--out", help="folder for the canonical tables"),
    seed: int = typer.Option(0, help="random seed: same seed, same files"),
    years: int = typer.Option(9, help="financial years of history"),
    scale: float = typer.Option(1.0, help="multiplies record volumes"),
    to: str = typer.Option("2026-09", "--to", help="last month of data YYYY-MM"),
    fmt: str = typer.Option("parquet", "--format", help="parquet or csv"),
    forces: int | None = typer.Option(None, "--forces", help="a national dataset of the first N of the "
                                      "43 forces (1-43): areas, crimes and MSG tables (docs/scaling.md)"),
) -> None:
    """Write the synthetic county force's canonical tables into OUT (with --forces: N forces')."""
    from crimeplan.synth import generate
    from crimeplan.synth.national import generate_national

    if fmt not in ("parquet", "csv"):
        raise BadInput("--format must be parquet or csv", field="--format")
    _month(to)
    if not 1 <= years <= 50:
        raise BadInput(f"--years must be a whole number of financial years from 1 to 50, not {years}",
                       field="--years")
    if not 0 < scale <= 100:  # also refuses nan
        raise BadInput(f"--scale must be above 0 and at most 100, not {scale}", field="--scale")
    if out.exists() and not out.is_dir():
        raise BadInput("the output folder is a file", file=str(out), field="--out")
    if forces is not None and not 1 <= forces <= 43:
        raise BadInput(f"--forces must be a whole number from 1 to 43, not {forces}", field="--forces")
    start = time.perf_counter()
    with _progress("generating the synthetic force" if forces is None else f"generating {forces} forces"):
        written = (generate(out, seed=seed, to_month=to, years=years, scale=scale, fmt=fmt) if forces is None
                   else generate_national(out, forces, seed=seed, to_month=to, years=years, scale=scale, fmt=fmt))
    for _name, path in written.items():
        console.print(f"wrote {path}")
    console.print(f"synthetic force written in {time.perf_counter() - start:.1f} s")


@app.command()
def load(
    table: str = typer.Argument(..., help="canonical table name"),
    files: list[Path] = typer.Argument(..., help="CSV or Parquet files"),
    store: Path = typer.Option(..., "--store", help=STORE_HELP),
    append: bool = typer.Option(False, "--append", help="add rows (a new month) instead of replacing"),
    extract_date: str | None = typer.Option(None, "--extract-date", help="YYYY-MM-DD; default today"),
    accept_quarantine: bool = typer.Option(False, "--accept-quarantine", help=QUARANTINE_HELP),
    max_share: float = typer.Option(0.05, "--max-quarantine-share", help=SHARE_HELP),
    allow_overlap: bool = typer.Option(False, "--allow-overlap",
                                       help="let files repeat ids of earlier files (repeats are quarantined)"),
    min_date: str | None = typer.Option(None, "--min-date",
                                           help="earliest plausible date YYYY-MM-DD; default 1990-01-01"),
) -> None:
    """Validate and load canonical files into a store as a new snapshot."""
    from crimeplan.contract.schema import table as canonical_table
    from crimeplan.store import open_store

    try:
        canonical_table(table)
    except KeyError as exc:
        raise BadInput(str(exc.args[0]), field="TABLE") from None
    extract = _day(extract_date, "--extract-date")
    earliest = _day(min_date, "--min-date")
    with open_store(store) as st:
        report = st.load({table: list(files)}, append=append, extract_date=extract,
                         accept_quarantine=accept_quarantine, max_quarantine_share=_share(max_share),
                         allow_overlap=allow_overlap, min_date=earliest)
    _print_load(report)


def _print_load(report: LoadReport) -> None:
    for line in report.lines():
        console.print(line, markup=False, highlight=False, soft_wrap=True)
    for q in report.quarantine_files:
        console.print(f"quarantined rows written to {q}", markup=False, highlight=False, soft_wrap=True)
    console.print(f"snapshot {report.snapshot_id} created")


@app.command()
def compute(
    store: Path = typer.Option(..., "--store", help=STORE_HELP),
    plan: str = typer.Option(..., "--plan", help=PLAN_HELP),
    to: str = typer.Option(..., "--to", help=TO_HELP),
    out: Path = typer.Option(..., "--out", help="the results export: a .csv, .parquet or .json file"),
    snapshot: int | None = typer.Option(None, "--snapshot", help=SNAPSHOT_HELP),
) -> None:
    """Compute a plan as of a month end, keep the results in the store and write the results export."""
    from crimeplan.plans import load_plan
    from crimeplan.results import compute as run
    from crimeplan.results import save, write_results
    from crimeplan.store import open_store

    p = load_plan(plan)
    month = _month(to)
    if out.suffix.lower() not in (".csv", ".parquet", ".json"):
        raise BadInput("the results file must end in .csv, .parquet or .json", file=str(out))
    # opened for writing: the engine keeps each month's aggregates (store/_month_sums.py) and the
    # results are kept for reports, exports and the dashboard (replacing any older run)
    with open_store(store) as st:
        with _progress("computing") as say:
            res = run(st, p, month, snapshot_id=snapshot, progress=say)
        save(st, res)
    with atomic_output(out) as tmp:
        write_results(res.table, tmp)
    console.print(f"wrote {out} ({len(res.table)} rows)")


@app.command()
def report(
    kind: str = typer.Argument(..., help="monthly, quarterly, annual or msg"),
    store: Path = typer.Option(..., "--store", help=STORE_HELP),
    plan: str = typer.Option(..., "--plan", help=PLAN_HELP),
    to: str = typer.Option(..., "--to", help=TO_HELP + "; a quarter end for `quarterly`"),
    fmt: str = typer.Option("html", "--format", help="html, pdf, docx or xlsx"),
    out: Path = typer.Option(..., "--out", help="the report file (the format's suffix is added if missing)"),
    snapshot: int | None = typer.Option(None, "--snapshot", help=SNAPSHOT_HELP),
    edition: str = typer.Option("internal", "--edition",
                                help="internal, or public: small counts withheld (marked \\[c]), no internal "
                                     "notes and no sample commentary"),
    commentary: Path | None = typer.Option(None, "--commentary",
                                              help="commentary CSV (commitment, quarter, text, who): commitment "
                                                   "updates, and msg:<measure_id> rows for the MSG table's "
                                                   "Commentary column; default: the plan's own commentary file"),
    author: str | None = typer.Option(None, "--author", help="the author printed on the title page"),
    owner: str | None = typer.Option(None, "--owner", help="the owner printed on the title page"),
    version: str | None = typer.Option(None, "--version", help="the version printed (default: the plan's, else 1.0)"),
    unit: str | None = typer.Option(None, "--unit", help="the unit printed, e.g. 'Performance Analysis Unit'"),
    sensitivity: str | None = typer.Option(None, "--sensitivity",
                                              help="the marking printed on every page, e.g. 'OFFICIAL'"),
    date: str | None = typer.Option(
        None, "--date", help="the report's date as printed (default: the plan's, else today)"),
) -> None:
    """Write a report (monthly, quarterly, annual, msg) as HTML, PDF, DOCX or XLSX."""
    from crimeplan.plans import load_plan
    from crimeplan.report.build import EDITIONS, KINDS, build_document
    from crimeplan.report.lineage import write_manifest
    from crimeplan.report.render import render
    from crimeplan.results import results_for

    if kind not in KINDS:
        raise BadInput(f"report kind {kind!r} is not one of: " + ", ".join(KINDS), field="KIND")
    if fmt not in FORMATS:
        raise BadInput(f"format {fmt!r} is not one of: " + ", ".join(FORMATS), field="--format")
    if edition not in EDITIONS:
        raise BadInput(f"edition {edition!r} is not one of: " + ", ".join(EDITIONS), field="--edition")
    if out.suffix.lower().lstrip(".") != fmt:
        out = out.with_name(out.name + "." + fmt) if not out.suffix else out.with_suffix("." + fmt)
    p = load_plan(plan)
    month = _month(to)
    overrides = {"author": author, "owner": owner, "version": version, "unit": unit,
                 "sensitivity": sensitivity, "date": date}
    with _progress("computing") as say:  # stored results, else computed (past the data: exit 2 first)
        res = results_for(store, p, month, snapshot, progress=say, warn=_warn)
    document = build_document(kind, res, edition=edition, commentary=commentary,
                              overrides={k: v for k, v in overrides.items() if v})
    with atomic_output(out) as tmp:
        render(document, tmp)
    sidecar = write_manifest(out, document, res, kind=kind, edition=edition)
    console.print(f"wrote {out} (and what it was made from: {sidecar.name})")


@app.command()
def site(
    store: Path = typer.Option(..., "--store", help=STORE_HELP),
    plan: str = typer.Option(..., "--plan", help=PLAN_HELP),
    to: str = typer.Option(..., "--to", help=TO_HELP),
    edition: str = typer.Option("public", "--edition",
                                help="public: small counts withheld (marked \\[c]) on every page, chart and "
                                     "download; or internal"),
    out: Path = typer.Option(..., "--out", help="the site's folder (a site already there is replaced)"),
    snapshot: int | None = typer.Option(None, "--snapshot", help=SNAPSHOT_HELP),
) -> None:
    """Write a static website of a plan's results: an index of priorities, a page per priority, per
    measure and per Local Policing Area, and the period's reports to download (see docs/site.md)."""
    from crimeplan.plans import load_plan
    from crimeplan.report.build import EDITIONS
    from crimeplan.results import results_for
    from crimeplan.web.site import check_target, write_site

    if edition not in EDITIONS:
        raise BadInput(f"edition {edition!r} is not one of: " + ", ".join(EDITIONS), field="--edition")
    p = load_plan(plan)
    month = _month(to)
    check_target(out)  # a folder of other files, or no stylesheet: said before the figures are computed
    with _progress("computing") as say:
        res = results_for(store, p, month, snapshot, progress=say, warn=_warn)
    with _progress("writing the site"):
        files = write_site(res, out, edition=edition)
    console.print(f"wrote {len(files)} files into {out}: open {out / 'index.html'}")


@app.command()
def serve(
    store: Path = typer.Option(..., "--store", help=STORE_HELP),
    plan: str = typer.Option(..., "--plan", help=PLAN_HELP),
    accounts: Path | None = typer.Option(None, "--accounts",
                                         help="the accounts database (default: <store>.accounts.sqlite)"),
    host: str = typer.Option("127.0.0.1", "--host", help="the address to listen on (a reverse proxy "
                                                          "with TLS in front for anything but loopback)"),
    port: int = typer.Option(8000, "--port", help="the port to listen on"),
    demo: bool = typer.Option(False, "--demo", help="run without CRIMEPLAN_SECRET (sessions end with the "
                                                    "process); for trying the app, never for real use"),
) -> None:
    """Serve the dashboard: the plan's stored results as web pages for signed-in accounts, with the
    commentary workflow and every report to download (see docs/dashboard.md)."""
    import uvicorn

    from crimeplan.accounts import default_path
    from crimeplan.accounts.sessions import Settings, server_secret
    from crimeplan.plans import load_plan
    from crimeplan.web.app import AppSettings, create_app

    secret = server_secret(demo=demo)
    settings = AppSettings(store=store, plan=load_plan(plan), accounts=accounts or default_path(store),
                           secret=secret, sessions=Settings.from_env())
    application = create_app(settings)
    if not settings.accounts.exists():
        _warn(f"no accounts yet: add one with `crimeplan user add NAME --store {store} --role admin`")
    console.print(f"serving {settings.plan.title} on http://{host}:{port}/ (Ctrl+C stops it)")
    uvicorn.run(application, host=host, port=port, log_level="warning", proxy_headers=True)


@app.command(name="import")
def import_(
    source: str = typer.Argument(..., help="police-uk, ons-pfa, home-office-prc or stats19"),
    paths: list[Path] = typer.Argument(..., help="the source's files, or folders holding them"),
    store: Path = typer.Option(..., "--store", help="the store: a DuckDB file (created if missing)"),
    force: str | None = typer.Option(None, "--force",
                                        help="the force the files describe, e.g. 'Essex Police' (police-uk)"),
    option: list[str] = typer.Option([], "--option",
                                     help="importer option key=value, repeatable (docs/importers.md lists "
                                          "each importer's options)"),
    accept_quarantine: bool = typer.Option(False, "--accept-quarantine", help=QUARANTINE_HELP),
    max_share: float = typer.Option(0.05, "--max-quarantine-share", help=SHARE_HELP),
) -> None:
    """Bring an outside format in, mapped to the canonical tables, as a new snapshot."""
    from crimeplan.sources.run import run_import

    options = {}
    for item in option:
        if "=" not in item:
            raise BadInput(f"--option takes key=value, not {item!r}", field="--option")
        key, value = item.split("=", 1)
        options[key.strip()] = value.strip()
    with _progress(f"importing {source}"):
        lines = run_import(source, list(paths), store, force=force, options=options,
                           accept_quarantine=accept_quarantine, max_quarantine_share=_share(max_share))
    for line in lines:
        console.print(line, markup=False, highlight=False, soft_wrap=True)


def _share(value: float) -> float:
    if not 0 <= value <= 1:
        raise BadInput(f"--max-quarantine-share must be between 0 and 1, not {value}",
                       field="--max-quarantine-share")
    return value


@app.command()
def check(store: Path = typer.Option(..., "--store", help=STORE_HELP)) -> None:
    """List each source's months supplied, last complete month, carried columns and alarms."""
    from crimeplan.store import open_store
    from crimeplan.store.checklist import check_lines

    with open_store(store, read_only=True) as st:
        for line in check_lines(st):
            console.print(line, markup=False, highlight=False, soft_wrap=True)


@app.command()
def accept(
    source: str = typer.Argument(..., help="a table (crimes) or a source (police-uk)"),
    month: str = typer.Argument(..., help="the alarmed month YYYY-MM"),
    store: Path = typer.Option(..., "--store", help=STORE_HELP),
    reason: str = typer.Option(..., "--reason", help="why the month is accepted"),
    by: str | None = typer.Option(None, "--by", help="who accepts it (default: the OS user)"),
) -> None:
    """Record an analyst's acceptance of an alarmed month (who, when, why)."""
    from crimeplan.store import open_store

    try:
        m = _month(month)
    except BadInput:
        raise BadInput(f"MONTH must be YYYY-MM, not {month!r}", field="MONTH") from None
    open_store(store, read_only=True).close()  # a missing store (file, database, folder) is named, never made
    with open_store(store) as st:
        done = st.accept(source, m, reason=reason, by=by)
    for a in done:
        console.print(f"accepted by {a.accepted_by} at {a.accepted_at:%Y-%m-%d %H:%M}: {a.message}",
                      markup=False, highlight=False, soft_wrap=True)


@app.command()
def export(
    table: str = typer.Argument(..., help="a canonical table (crimes, incidents, calls, survey_responses, "
                                          "casualties, workforce, areas, aggregates, peers, events), or "
                                          "`series`: a plan's monthly series with each month's state"),
    store: Path = typer.Option(..., "--store", help=STORE_HELP),
    out: Path = typer.Option(..., "--out", help=".csv or .parquet"),
    snapshot: int | None = typer.Option(None, "--snapshot", help=SNAPSHOT_HELP),
    plan: str | None = typer.Option(None, "--plan", help="with `series`: " + PLAN_HELP),
    to: str | None = typer.Option(None, "--to", help="with `series`: " + TO_HELP),
) -> None:
    """Write a canonical table as the store holds it, or a plan's monthly series (`export series`)."""
    from crimeplan.contract.schema import table as canonical_table
    from crimeplan.store import open_store
    from crimeplan.store.duck import write_table

    if table != "series":
        try:
            canonical_table(table)
        except KeyError as exc:
            raise BadInput(str(exc.args[0]) + " (or `series`)", field="TABLE") from None
    if out.suffix.lower() not in (".csv", ".parquet"):
        raise BadInput("the export file must end in .csv or .parquet", file=str(out))
    if table == "series":
        from crimeplan.plans import load_plan
        from crimeplan.results import results_for, series_table

        if not plan or not to:
            raise BadInput("`export series` needs --plan and --to", field="--plan/--to")
        p, month = load_plan(plan), _month(to)
        with _progress("computing") as say:
            res = results_for(store, p, month, snapshot, progress=say, warn=_warn)
        data = series_table(res.monthly)
        write_table(data, out)
        console.print(f"wrote {out} ({data.num_rows} rows)")
        return
    with open_store(store, read_only=True) as st:
        data = st.arrow(table, snapshot)
    write_table(data, out)
    console.print(f"wrote {out} ({data.num_rows} rows)")


@app.command()
def init(
    force: str = typer.Option(..., "--force", help='the force, as police.uk or ONS spell it ("Kent", "Kent Police")'),
    out: Path = typer.Option(
        ..., "--out", help="folder for the plan (it is written as FORCE-plan.yaml), or a .yaml file"),
    overwrite: bool = typer.Option(False, "--overwrite", help="replace a plan already there"),
) -> None:
    """Write a starter plan for one force: its name, LPAs and districts, and an empty MSG to fill in."""
    from crimeplan.sources.starter import write_starter

    path = write_starter(force, out, overwrite=overwrite)
    console.print(f"wrote {path}")
    console.print("its msg.peers list is empty: copy in the force's HMICFRS Most Similar Group to compare with it")


@app.command()
def demo(
    out: Path = typer.Option(Path("demo-output"), "--out", help="folder for the store, exports and reports"),
    scale: float = typer.Option(1.0, help="multiplies record volumes"),
    seed: int = typer.Option(0, help="random seed of the synthetic force: same seed, same figures"),
    to: str = typer.Option("2026-09", "--to", help="last month of data YYYY-MM"),
) -> None:
    """Synthetic force → store → every shipped plan's results and reports, into OUT."""
    from crimeplan.demo import run_demo

    run_demo(out, scale=scale, seed=seed, to=_month(to), console=console)


# --- accounts and the commentary workflow (docs/accounts.md): `crimeplan user ...`, `crimeplan commentary ...`
user_app = typer.Typer(no_args_is_help=True, help="Accounts of the web app: add, remove, change role or scope, list.")
commentary_app = typer.Typer(no_args_is_help=True,
                             help="Approved commentary out of the accounts database as the commentary CSV, and in.")
app.add_typer(user_app, name="user")
app.add_typer(commentary_app, name="commentary")
ACCOUNTS_HELP = "the accounts database (SQLite, created 0600 if missing); default: <store>.accounts.sqlite"
BESIDE_HELP = "the store the accounts belong to (the database is <store>.accounts.sqlite) when --accounts is not given"
ROLE_HELP = "viewer, contributor, analyst or admin (each includes the powers of the ones before)"
SCOPE_HELP = "the areas the account sees: force, lpa:NAME or district:NAME"
OWNS_HELP = "a Who name of the plan this account writes commentary for (repeat for several)"
BY_HELP = "who made the change, for the audit log (default: cli:<OS user>)"
if TYPE_CHECKING:
    from crimeplan.accounts import AccountsDB, Scope


def _accounts(accounts: Path | None, store: Path | None) -> AccountsDB:
    """Open the accounts database named by --accounts, else the one beside --store."""
    from crimeplan.accounts import AccountsDB, default_path

    if accounts is not None:
        return AccountsDB(accounts)
    if store is None:
        raise BadInput("give --accounts FILE, or --store STORE to use the database beside it", field="--accounts")
    return AccountsDB(default_path(store))


def _check_scope(scope: Scope, store: Path | None) -> None:
    """Refuse an LPA or district scope the store's areas table does not name (a typo would show nothing)."""
    from crimeplan.store import open_store

    if scope.kind == "force" or store is None or not Path(store).exists():
        return
    column = scope.kind  # "lpa" or "district": the areas table's column of that name
    try:
        with open_store(store, read_only=True) as st:
            areas = st.tables().get("areas")
            names = sorted({str(n) for n in areas[column].to_pandas().dropna()}) if areas is not None else []
    except Exception as exc:  # noqa: BLE001 - a store in use or unreadable: say so, do not block the change
        _warn(f"--scope not checked against {store}: {exc}")
        return
    if names and scope.name not in names:
        word = "LPA" if column == "lpa" else "district"
        import difflib

        close = difflib.get_close_matches(scope.name, names, n=1)
        hint = f"; did you mean {scope.kind}:{close[0]}?" if close else f" (its {word}s: {', '.join(names[:12])})"
        raise BadInput(f"no {word} named {scope.name!r} in {store}'s areas table{hint}", field="--scope")


def _by(by: str | None) -> str:
    """The name the audit log records for a command-line change."""
    import getpass

    if by:
        return by
    try:
        return "cli:" + getpass.getuser()
    except (KeyError, OSError):  # no user name in a bare container
        return "cli:unknown"


def _read_password() -> str:
    """A new password from a hidden prompt (typed twice) or the first line of standard input."""
    import getpass

    if sys.stdin is not None and sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Repeat password: ") != first:
            raise BadInput("the two passwords differ", field="password")
        return first
    line = sys.stdin.readline() if sys.stdin is not None else ""
    if not line:
        raise BadInput("no password on standard input (give it on the first line)", field="password")
    return line.rstrip("\r\n")


@user_app.command("add")
def user_add(
    name: str = typer.Argument(..., help="the account name (letters, digits, . _ @ -)"),
    role: str = typer.Option(..., "--role", help=ROLE_HELP),
    scope: str = typer.Option("force", "--scope", help=SCOPE_HELP),
    owns: list[str] = typer.Option([], "--owns", help=OWNS_HELP),
    accounts: Path | None = typer.Option(None, "--accounts", help=ACCOUNTS_HELP),
    store: Path | None = typer.Option(None, "--store", help=BESIDE_HELP),
    by: str | None = typer.Option(None, "--by", help=BY_HELP),
) -> None:
    """Add an account; its password is read from a hidden prompt or standard input, never an argument."""
    from crimeplan.accounts import Role, Scope
    from crimeplan.accounts.users import add_user, check_name

    r, s = Role.parse(role, "--role"), Scope.parse(scope, "--scope")
    check_name(name)
    _check_scope(s, store)
    password = _read_password()
    with _accounts(accounts, store) as db:
        user = add_user(db, name, password, r, s, owns, by=_by(by))
    console.print(f"added {user.name}: {user.role.label}, scope {user.scope}", markup=False, highlight=False,
                  soft_wrap=True)


@user_app.command("remove")
def user_remove(
    name: str = typer.Argument(..., help="the account name"),
    accounts: Path | None = typer.Option(None, "--accounts", help=ACCOUNTS_HELP),
    store: Path | None = typer.Option(None, "--store", help=BESIDE_HELP),
    by: str | None = typer.Option(None, "--by", help=BY_HELP),
) -> None:
    """Disable an account and end its sessions (the name stays in the audit log and is not reused)."""
    from crimeplan.accounts.users import remove_user

    with _accounts(accounts, store) as db:
        remove_user(db, name, by=_by(by))
    console.print(f"removed {name}", markup=False, highlight=False, soft_wrap=True)


@user_app.command("set-role")
def user_set_role(
    name: str = typer.Argument(..., help="the account name"),
    role: str | None = typer.Option(None, "--role", help=ROLE_HELP),
    scope: str | None = typer.Option(None, "--scope", help=SCOPE_HELP),
    owns: list[str] | None = typer.Option(None, "--owns", help=OWNS_HELP + "; replaces the list"),
    accounts: Path | None = typer.Option(None, "--accounts", help=ACCOUNTS_HELP),
    store: Path | None = typer.Option(None, "--store", help=BESIDE_HELP),
    by: str | None = typer.Option(None, "--by", help=BY_HELP),
) -> None:
    """Change an account's role, scope or owned Who names; its open sessions end."""
    from crimeplan.accounts import Role, Scope
    from crimeplan.accounts.users import set_role

    if role is None and scope is None and not owns:
        raise BadInput("say what changes: --role, --scope or --owns", field="--role")
    r = Role.parse(role, "--role") if role is not None else None
    s = Scope.parse(scope, "--scope") if scope is not None else None
    if s is not None:
        _check_scope(s, store)
    with _accounts(accounts, store) as db:
        user = set_role(db, name, r, s, owns or None, by=_by(by))
    console.print(f"{user.name}: {user.role.label}, scope {user.scope}", markup=False, highlight=False,
                  soft_wrap=True)


@user_app.command("set-password")
def user_set_password(
    name: str = typer.Argument(..., help="the account name"),
    accounts: Path | None = typer.Option(None, "--accounts", help=ACCOUNTS_HELP),
    store: Path | None = typer.Option(None, "--store", help=BESIDE_HELP),
    by: str | None = typer.Option(None, "--by", help=BY_HELP),
) -> None:
    """Replace an account's password (prompt or standard input); its open sessions end."""
    from crimeplan.accounts.users import set_password

    password = _read_password()
    with _accounts(accounts, store) as db:
        set_password(db, name, password, by=_by(by))
    console.print(f"password of {name} changed", markup=False, highlight=False, soft_wrap=True)


@user_app.command("list")
def user_list(
    accounts: Path | None = typer.Option(None, "--accounts", help=ACCOUNTS_HELP),
    store: Path | None = typer.Option(None, "--store", help=BESIDE_HELP),
) -> None:
    """Print every account, a line each: name, role, scope, the Who names it owns, created, active or disabled."""
    from crimeplan.accounts.users import list_users

    with _accounts(accounts, store) as db:
        for user, created in list_users(db):
            console.print("  ".join([user.name, user.role.label, str(user.scope), "; ".join(user.owns) or "-",
                                     created[:19] + "Z", "disabled" if user.disabled else "active"]),
                          markup=False, highlight=False, soft_wrap=True)


@commentary_app.command("export")
def commentary_export(
    out: Path = typer.Option(..., "--out", help="the commentary CSV (commitment, quarter, text, who)"),
    quarter: str | None = typer.Option(None, "--quarter", help="only this quarter, e.g. '2026/27 Q2'"),
    accounts: Path | None = typer.Option(None, "--accounts", help=ACCOUNTS_HELP),
    store: Path | None = typer.Option(None, "--store", help=BESIDE_HELP),
) -> None:
    """Write the approved commentary (never a draft) as the CSV `report --commentary` reads."""
    from crimeplan.accounts.workflow import export_csv

    with _accounts(accounts, store) as db:
        n = export_csv(db, out, quarter)
    console.print(f"wrote {out} ({n} approved rows)", markup=False, highlight=False, soft_wrap=True)


@commentary_app.command("import")
def commentary_import(
    file: Path = typer.Argument(..., help="a commentary CSV (commitment, quarter, text, who)"),
    plan: str = typer.Option(..., "--plan", help=PLAN_HELP),
    draft: bool = typer.Option(False, "--draft", help="import as drafts for the owners to submit (default: approved)"),
    accounts: Path | None = typer.Option(None, "--accounts", help=ACCOUNTS_HELP),
    store: Path | None = typer.Option(None, "--store", help=BESIDE_HELP),
    by: str | None = typer.Option(None, "--by", help=BY_HELP),
) -> None:
    """Read a commentary CSV into the workflow, checked against the plan; every row changed is audited."""
    from crimeplan.accounts.workflow import import_csv
    from crimeplan.plans import load_plan

    p = load_plan(plan)
    with _accounts(accounts, store) as db:
        n = import_csv(db, file, p, by=_by(by), approved=not draft)
    console.print(f"imported {n} rows from {file} ({'drafts' if draft else 'approved'})", markup=False, soft_wrap=True,
                  highlight=False)
# --- end of accounts


def _utf8_arguments(args: list[str]) -> None:
    """Refuse an argument (a file name) that is not UTF-8: it cannot be stored or printed back."""
    for arg in args:
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            shown = arg.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            raise BadInput(f"the argument {shown!r} is not UTF-8 text; rename the file or folder "
                           "with a UTF-8 name") from None


def main() -> None:
    """Entry point: exit 2 with one clear paragraph on bad input, 1 on internal errors."""
    try:
        _utf8_arguments(sys.argv[1:])
        app(standalone_mode=False)
    except BadInput as exc:
        print(f"crimeplan: error: {exc}", file=sys.stderr)
        sys.exit(2)
    except StoreBusy as exc:
        print(f"crimeplan: store busy: {exc}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as exc:
        # usage errors from the command-line parser know how to show themselves
        if hasattr(exc, "show") and hasattr(exc, "exit_code"):
            exc.show()
            sys.exit(2)
        if type(exc).__name__ == "Abort":
            sys.exit(130)
        if os.environ.get("CRIMEPLAN_DEBUG"):
            raise
        print(f"crimeplan: internal error: {type(exc).__name__}: {exc} "
              "(set CRIMEPLAN_DEBUG=1 for the traceback)", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
