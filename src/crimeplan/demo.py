"""`crimeplan demo`: synthetic force → store → results and reports for every shipped plan."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from crimeplan.contract.schema import TABLES
from crimeplan.periods import add_months, last_march, month_end
from crimeplan.plans import load_plan, shipped_plans
from crimeplan.plans.model import Plan
from crimeplan.report.build import build_document
from crimeplan.report.lineage import write_manifest
from crimeplan.report.render import FORMATS, render_all
from crimeplan.results import compute, save, write_results
from crimeplan.store import open_store
from crimeplan.web.site import write_site

# what the demo writes for each shipped plan: (report kind, edition, formats)
REPORTS = {
    "monthly-performance": [("monthly", "internal", FORMATS), ("msg", "internal", (".html",))],
    "police-and-crime-plan": [("quarterly", "internal", FORMATS), ("annual", "internal", FORMATS),
                              ("quarterly", "public", (".html", ".pdf"))],
}
# the plan whose public edition the demo also publishes as a static website (out/site)
SITE_PLAN = "police-and-crime-plan"



def run_demo(out: Path, *, scale: float, seed: int, to: dt.date, console: Console) -> list[Path]:
    """Run the whole pipeline into out and return the files written."""
    from crimeplan.synth import generate

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    data_dir = out / "data"
    store_path = out / "crimeplan.duckdb"
    for leftover in (store_path, Path(str(store_path) + ".wal")):
        leftover.unlink(missing_ok=True)
    written: list[Path] = []
    site: list[Path] = []
    # the synthetic force's plans (police-uk is for a force's data.police.uk files: make real-demo)
    plans = {name: load_plan(path) for name, path in sorted(shipped_plans().items()) if name in REPORTS}
    started = time.perf_counter()
    with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                  console=console, disable=not console.is_terminal) as bar:
        steps = 3 + len(plans) + sum(len(REPORTS.get(n, [("monthly", "internal", (".html",))])) for n in plans)
        task = bar.add_task("generating the synthetic force", total=steps)
        tables = generate(data_dir, seed=seed, to_month=to.strftime("%Y-%m"), scale=scale)
        bar.advance(task)
        bar.update(task, description="loading into the store")
        last_day = month_end(to)
        with open_store(store_path) as store:
            report = store.load({t: [tables[t]] for t in TABLES if t in tables},
                                extract_date=last_day, note="synthetic force (crimeplan demo)")
            bar.advance(task)
            for name, plan in plans.items():
                bar.update(task, description=f"computing {name}")
                results = compute(store, plan, to)
                save(store, results)  # kept: `crimeplan report` on the demo store reads it
                export = out / f"{name}-results.csv"
                write_results(results.table, export)
                written.append(export)
                bar.advance(task)
                march = None
                for kind, edition, formats in REPORTS.get(name, [("monthly", "internal", (".html",))]):
                    bar.update(task, description=f"writing the {name} {kind} report ({edition})")
                    source = results
                    if kind == "annual" and to.month != 3:  # the annual table runs to March
                        if march is None:
                            march = compute(store, plan, last_march(to))
                            save(store, march)
                        source = march
                    document = build_document(kind, source, edition=edition)
                    stem = out / (f"{name}-{kind}" + ("-public" if edition == "public" else ""))
                    paths = render_all(document, stem, formats)
                    for path in paths:  # each beside its manifest: what it was made from
                        write_manifest(path, document, source, kind=kind, edition=edition)
                    written += paths
                    bar.advance(task)
                if name == SITE_PLAN:
                    bar.update(task, description="writing the public site")
                    site = write_site(results, out / "site", edition="public")
                    # the month before, kept too: the dashboard's "what changed since last month"
                    save(store, compute(store, plan, add_months(to, -1)))
                    bar.advance(task)
    for line in report.lines():
        console.print(line)
    console.print(f"store: {store_path} (snapshot {report.snapshot_id})")
    for path in written:
        console.print(f"wrote {path}")
    if SITE_PLAN in plans:
        console.print(f"wrote the public site ({len(site)} files): open {out / 'site' / 'index.html'}, "
                      f"or remake it with `crimeplan site --store {store_path} --plan {SITE_PLAN} "
                      f"--to {to:%Y-%m} --edition public --out {out / 'site'}`")
    if SITE_PLAN in plans:
        accounts = demo_accounts(store_path, plans[SITE_PLAN], out)
        console.print(f"the dashboard: `crimeplan serve --store {store_path} --plan {SITE_PLAN} --demo`, then "
                      f"open http://127.0.0.1:8000/ and sign in as one of these (also in {accounts}):")
        for line in accounts.read_text(encoding="utf-8").splitlines()[1:]:
            console.print("  " + line)
    console.print(f"demo finished in {time.perf_counter() - started:.0f} s")
    return written


# the demo's accounts: (name, role, scope, Who names owned), one of each kind a force would have
DEMO_ACCOUNTS = [("demo-admin", "admin", "force", ()), ("demo-analyst", "analyst", "force", ()),
                 ("demo-north", "contributor", "lpa:North", ("North LPA",)), ("demo-viewer", "viewer", "force", ())]


def demo_accounts(store_path: Path, plan: Plan, out: Path) -> Path:
    """A fresh accounts database beside the demo store: one account of each role with a new random
    password (written to out/demo-accounts.txt, readable by its owner only), and the plan's sample
    commentary imported as approved. Returns the file of names and passwords."""
    import secrets

    from crimeplan.accounts import AccountsDB, Role, Scope, default_path
    from crimeplan.accounts.users import add_user
    from crimeplan.accounts.workflow import import_csv

    path = default_path(store_path)
    for old in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        old.unlink(missing_ok=True)
    lines = ["account\trole\tscope\tpassword"]
    with AccountsDB(path) as db:
        for name, role, scope, owns in DEMO_ACCOUNTS:
            password = secrets.token_urlsafe(12)
            add_user(db, name, password, Role.parse(role), Scope.parse(scope), owns, by="demo")
            lines.append(f"{name}\t{role}\t{scope}\t{password}")
        if plan.commentary:
            import_csv(db, plan.commentary, plan, by="demo", approved=True)
    listing = out / "demo-accounts.txt"
    listing.unlink(missing_ok=True)
    listing.touch(mode=0o600)
    listing.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return listing
